"""Screen: drop units whose data coverage is too low."""

from __future__ import annotations

import numpy as np

from .._params import Interval, Real, Setting, check_params, constraints_of
from ._result import StepResult

__all__ = ["screen", "SETTINGS"]

#: Settings of the step (a recipe's ``screen:``).
SETTINGS = {
    "min_coverage": Setting([Interval(Real, 0, 1)]),
    "max_zero_share": Setting([Interval(Real, 0, 1), None]),
}
_CONSTRAINTS = constraints_of(SETTINGS)


def screen(x: np.ndarray, *, min_coverage: float = 0.0,
           max_zero_share: float | None = None) -> StepResult:
    """Keep the units with enough data (COINr's ``Screen`` with ``dat_thresh``).

    A unit is kept if ``coverage >= min_coverage``, where coverage is the share of its
    indicators that are not missing, and, when ``max_zero_share`` is given, if the share of its
    indicators equal to zero is at most ``max_zero_share``.

    Returns
    -------
    StepResult
        ``values``: the kept rows. ``info["kept"]``: boolean mask over the input units;
        ``info["coverage"]``: the coverage of every input unit.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [np.nan, 1.0], [np.nan, np.nan]])
    >>> screen(x, min_coverage=0.5).info["kept"]
    array([ True,  True, False])
    """
    check_params("screen", {"min_coverage": min_coverage, "max_zero_share": max_zero_share},
                 _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    coverage = (~np.isnan(x)).mean(axis=1)
    kept = coverage >= min_coverage
    if max_zero_share is not None:
        kept &= (x == 0).mean(axis=1) <= max_zero_share
    return StepResult(x[kept], {"kept": kept, "coverage": coverage})
