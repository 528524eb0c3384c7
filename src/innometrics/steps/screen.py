"""Screen: drop units whose data coverage is too low, or whose values are mostly zeros."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._params import Interval, Real, Setting, check_params, constraints_of
from ._result import StepResult

__all__ = ["screen", "SETTINGS"]


@dataclass(frozen=True)
class _Force:
    """``{include: [unit, ...], exclude: [unit, ...]}`` (either key may be left out)."""

    def accepts(self, value: Any) -> bool:
        return (isinstance(value, Mapping) and bool(value)
                and set(value) <= {"include", "exclude"}
                and all(isinstance(v, Sequence) and not isinstance(v, str)
                        and all(isinstance(u, str) for u in v) for v in value.values()))

    def __str__(self) -> str:
        return "a mapping {include: [unit codes], exclude: [unit codes]}"


#: Settings of the step (a recipe's ``screen:``).
SETTINGS = {
    "min_coverage": Setting([Interval(Real, 0, 1)]),
    "max_zero_share": Setting([Interval(Real, 0, 1), None]),
    "force": Setting([_Force(), None]),
}
_CONSTRAINTS = constraints_of(SETTINGS)


def zero_share(x: np.ndarray) -> np.ndarray:
    """Per row, the share of zeros among the values present (COINr ``get_data_avail``:
    ``1 − Non_Zero``); NaN for a row with no value."""
    x = np.asarray(x, dtype=np.float64)
    present = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x == 0).sum(axis=1) / present


def screen(x: np.ndarray, *, min_coverage: float = 0.0, max_zero_share: float | None = None,
           force: Mapping[str, Sequence[str]] | None = None,
           units: Sequence[str] | None = None) -> StepResult:
    """Keep the units with enough data (COINr's ``Screen``).

    A unit is kept if ``coverage >= min_coverage`` (COINr's ``dat_thresh``), coverage being the
    share of its indicators that are not missing, computed as COINr does, ``1 − missing/k``
    (``1 − 8/10`` falls just below 0.2, so a unit with 2 of 10 values fails ``min_coverage:
    0.2`` in both), and, when ``max_zero_share`` is given, if
    ``1 − zeros/present >= 1 − max_zero_share``: its share of non-zero values *among the values
    present* is at least COINr's ``nonzero_thresh = 1 − max_zero_share`` (written as COINr
    computes it, so the boundary falls where COINr's does). A unit with no value at all is left
    to ``min_coverage``. ``force`` then overrides the rules (COINr's ``Force``): units under
    ``include`` are kept, units under ``exclude`` dropped.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
    min_coverage, max_zero_share : float
    force : mapping, optional
        ``{"include": [unit, ...], "exclude": [unit, ...]}``; needs ``units``.
    units : sequence of str, optional
        The unit code of each row (to resolve ``force``).

    Returns
    -------
    StepResult
        ``values``: the kept rows. ``info["kept"]``: boolean mask over the input units;
        ``info["coverage"]``: the coverage of every input unit; ``info["zero_share"]``: its
        share of zeros among the values present.

    Raises
    ------
    ValueError
        If ``force`` names a unit not in ``units``, or a unit both to include and exclude.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [np.nan, 1.0], [np.nan, np.nan]])
    >>> screen(x, min_coverage=0.5).info["kept"]
    array([ True,  True, False])
    >>> screen(np.array([[0.0, np.nan], [0.0, 1.0]]), max_zero_share=0.5).info["kept"]
    array([False,  True])
    >>> screen(x, min_coverage=0.5, force={"include": ["c"], "exclude": ["a"]},
    ...        units=["a", "b", "c"]).info["kept"]
    array([False,  True,  True])
    """
    check_params("screen", {"min_coverage": min_coverage, "max_zero_share": max_zero_share,
                            "force": force}, _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    coverage = 1.0 - np.isnan(x).mean(axis=1)
    zeros = zero_share(x)
    kept = coverage >= min_coverage
    if max_zero_share is not None:
        kept &= ~(1.0 - zeros < 1.0 - max_zero_share)  # NaN (no value): not a zero-share case
    if force:
        kept = _forced(kept, force, units)
    return StepResult(x[kept], {"kept": kept, "coverage": coverage, "zero_share": zeros})


def _forced(kept: np.ndarray, force: Mapping[str, Sequence[str]],
            units: Sequence[str] | None) -> np.ndarray:
    """``kept`` with the units of ``force["include"]`` set and those of ``force["exclude"]``
    cleared."""
    if units is None:
        raise ValueError("'force' needs the unit codes of the rows.")
    row = {u: i for i, u in enumerate(units)}
    include, exclude = list(force.get("include", [])), list(force.get("exclude", []))
    unknown = [u for u in include + exclude if u not in row]
    if unknown:
        raise ValueError(f"force names unit(s) not in the data: {unknown[:5]}. Fix: use the "
                         f"uCode of a unit still present when screening runs.")
    both = sorted(set(include) & set(exclude))
    if both:
        raise ValueError(f"force both includes and excludes {both}. Fix: keep each unit in "
                         f"one list.")
    kept = kept.copy()
    kept[[row[u] for u in include]] = True
    kept[[row[u] for u in exclude]] = False
    return kept
