"""Own functions importable by reference (``own_functions:span``: tests/ is on the path)."""

import warnings

import numpy as np


def span(column, top=1.0):
    """Min-max onto [0, top]."""
    low, high = np.nanmin(column), np.nanmax(column)
    return (column - low) / (high - low) * top


def fill_zero(column):
    """Gaps become 0."""
    return np.where(np.isnan(column), 0.0, column)


def weighted_sum(scores, weights):
    """Sum of weighted scores, gaps counted as 0."""
    return np.nansum(scores * weights, axis=1)


def wrong_shape(column):
    return column[:1]


def infinite(column):
    return np.full_like(column, np.inf)


def zmax_pass(column, limit=3.0):
    """Passes if no |z-score| (sample sd) reaches ``limit``; NaN where undefined (COINr NA)."""
    z = (column - np.nanmean(column)) / np.nanstd(column, ddof=1)
    top = np.nanmax(np.abs(z))
    return bool(top < limit) if np.isfinite(top) else np.nan


def clip_q(column, q=0.05):
    """Clip to the q and 1 - q quantiles (R's type 7)."""
    low, high = np.nanquantile(column, [q, 1 - q])
    return np.clip(column, low, high)


def sqrt_shift(column):
    """Square root above the minimum."""
    return np.sqrt(column - np.nanmin(column))


def softmin(scores, weights, k=0.5):
    """Weighted mean less k sample sds of the scores present (one child: the mean)."""
    present = ~np.isnan(scores)
    w = np.where(present, weights, 0.0)
    mean = np.nansum(scores * w, axis=1) / w.sum(axis=1)
    n = present.sum(axis=1)
    with warnings.catch_warnings():  # one child present: no sd, and none needed
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(scores, axis=1, ddof=1)
    return np.where(n > 1, mean - k * sd, mean)


def says_maybe(column):
    return "maybe"
