"""Ranks along the units axis, with ties sharing the best rank ("min", as in sport)."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["rank_min"]


def rank_min(x: np.ndarray, *, axis: int = -2, descending: bool = True) -> np.ndarray:
    """Rank values along ``axis``: ties take the lowest rank of their run; NaN stays NaN.

    With ``descending=True`` (the default) rank 1 is the highest value, as in an index
    ranking; with ``descending=False`` rank 1 is the lowest (R's ``rank(ties.method="min")``).
    Any other axes are batch axes. This is ``scipy.stats.rankdata(method="min",
    nan_policy="omit")`` on ``-x`` (or ``x``): missing values are left out of the ranking and
    keep NaN as their rank. O(n log n) per ranking.

    Examples
    --------
    >>> rank_min(np.array([[3.0], [5.0], [3.0], [np.nan]])).ravel()
    array([ 2.,  1.,  2., nan])
    >>> rank_min(np.array([[3.0], [5.0], [3.0]]), descending=False).ravel()
    array([1., 3., 1.])
    """
    x = np.asarray(x, dtype=np.float64)
    return rankdata(-x if descending else x, method="min", axis=axis,
                    nan_policy="omit").astype(np.float64, copy=False)
