"""Denominate: divide indicators by a size variable (GDP, population, area, ...)."""

from __future__ import annotations

import numpy as np

from ._result import StepResult

__all__ = ["denominate", "SETTINGS"]

#: A recipe's ``denominate:`` takes no settings: each indicator's denominator is named in the
#: framework.
SETTINGS: dict = {}


def denominate(x: np.ndarray, denominators: np.ndarray) -> StepResult:
    """Divide each indicator by its denominator.

    ``x'[u, i] = x[u, i] / d[u, i]`` where indicator ``i`` has a denominator, unchanged where
    ``d[u, i]`` is NaN (no denominator for that indicator).

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
        Raw values; NaN = missing.
    denominators : ndarray, same shape as ``x``
        The denominator of each cell; NaN in the columns of indicators without one.

    Returns
    -------
    StepResult
        ``info["denominated"]``: boolean mask (n_indicators,) of the columns divided.

    Examples
    --------
    >>> import numpy as np
    >>> denominate(np.array([[10.0, 3.0]]), np.array([[2.0, np.nan]])).values
    array([[5., 3.]])
    """
    x = np.asarray(x, dtype=np.float64)
    denominators = np.asarray(denominators, dtype=np.float64)
    if denominators.shape != x.shape:
        raise ValueError(f"denominators must have the shape of x {x.shape}; "
                         f"got {denominators.shape}.")
    has = ~np.isnan(denominators).all(axis=0)
    out = x.copy()
    out[:, has] = x[:, has] / denominators[:, has]
    return StepResult(out, {"denominated": has})
