"""Ranks along the units axis, with ties sharing the best rank ("min", as in sport)."""

from __future__ import annotations

import numpy as np

__all__ = ["rank_min"]


def rank_min(x: np.ndarray, *, axis: int = -2, descending: bool = True) -> np.ndarray:
    """Rank values along ``axis``: ties take the lowest rank of their run; NaN stays NaN.

    With ``descending=True`` (the default) rank 1 is the highest value, as in an index
    ranking; with ``descending=False`` rank 1 is the lowest (R's ``rank(ties.method="min")``).
    Works with any leading batch axes, in O(n log n).

    Examples
    --------
    >>> rank_min(np.array([[3.0], [5.0], [3.0], [np.nan]])).ravel()
    array([ 2.,  1.,  2., nan])
    >>> rank_min(np.array([[3.0], [5.0], [3.0]]), descending=False).ravel()
    array([1., 3., 1.])
    """
    x = np.asarray(x, dtype=np.float64)
    key = np.moveaxis(-x if descending else x, axis, -1)
    order = np.argsort(key, axis=-1, kind="stable")  # NaN sorts last
    ordered = np.take_along_axis(key, order, axis=-1)
    n = ordered.shape[-1]
    position = np.broadcast_to(np.arange(n), ordered.shape)
    new_run = np.ones(ordered.shape, dtype=bool)
    new_run[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    run_start = np.maximum.accumulate(np.where(new_run, position, 0), axis=-1)
    ranks_sorted = (run_start + 1).astype(np.float64)
    ranks_sorted[np.isnan(ordered)] = np.nan
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=-1)
    return np.moveaxis(ranks, -1, axis)
