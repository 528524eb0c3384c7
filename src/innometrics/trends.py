"""Trends of a panel: each unit's growth on each indicator or aggregate over time.

COINr's ``get_trends(purse, dset, f_trend = "CAGR", interp_at = "all")``: every unit's series
is placed on all the panel's times (missing where the unit or value is absent), interior gaps
are interpolated linearly (R's ``approx``, ``rule = 1``: nothing beyond the first and last
value), and the trend is computed on the points that remain.
"""

from __future__ import annotations

import numpy as np

from ._params import Options, check_params

__all__ = ["trends", "cagr", "prc_change", "TREND_METRICS"]

#: Trend metrics (COINr's ``CAGR`` and ``prc_change``).
TREND_METRICS = ("CAGR", "prc_change")
_CONSTRAINTS = {"metric": [Options(TREND_METRICS)]}


def cagr(y: np.ndarray, t: np.ndarray) -> float:
    """Compound annual growth rate between the first and last value:
    ``(y_last/y_first)^(1/(t_last − t_first)) − 1``; 0 when they are equal (both zero
    included), NaN with fewer than two values (COINr ``CAGR``).

    Examples
    --------
    >>> cagr(np.array([100.0, np.nan, 121.0]), np.array([2020.0, 2021.0, 2022.0]))
    0.10000000000000009
    """
    keep = ~np.isnan(y)
    if keep.sum() < 2:
        return float("nan")
    y, t = y[keep], t[keep]
    if y[-1] == y[0]:
        return 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.power(y[-1] / y[0], 1.0 / (t[-1] - t[0])) - 1.0)


def prc_change(y: np.ndarray, t: np.ndarray, per: float = 1.0) -> float:
    """Percentage change per ``per`` time units (COINr ``prc_change``): with two values,
    ``(y_last − y_first)·100/y_first · per/(t_last − t_first)``; with three or more, from the
    least-squares line ``a + b·t``: ``b·per/(a + b·t_first)·100``; 0 for a constant series,
    NaN with fewer than two values.

    Examples
    --------
    >>> prc_change(np.array([100.0, 110.0]), np.array([2020.0, 2022.0]))
    5.0
    """
    keep = ~np.isnan(y)
    if keep.sum() < 2:
        return float("nan")
    y, t = y[keep], t[keep]
    if np.all(y == y[0]):
        return 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        if len(y) < 3:
            return float((y[-1] - y[0]) * 100 / y[0] * (per / (t[-1] - t[0])))
        slope, intercept = np.polyfit(t, y, 1)
        return float(slope * per / (intercept + slope * t[0]) * 100)


def trends(x: np.ndarray, times: np.ndarray, *, metric: str = "CAGR"
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Trend, availability and first and latest times of every unit × column series.

    Parameters
    ----------
    x : ndarray, shape (n_times, n_units, n_columns)
        NaN where the unit has no value (or no row) at that time.
    times : ndarray, shape (n_times,)
        Increasing numeric times.
    metric : {"CAGR", "prc_change"}, default "CAGR"

    Returns
    -------
    trend : ndarray, shape (n_units, n_columns)
        On the series with interior gaps interpolated linearly (the ends are not
        extrapolated); NaN with fewer than two values.
    avail : ndarray, shape (n_units, n_columns)
        Share of the times with a value (before interpolation).
    first, latest : ndarray of int, shape (n_units, n_columns)
        Index in ``times`` of the first and latest value; −1 with fewer than two values
        (as COINr leaves ``t_first``, ``t_latest`` missing then).

    Examples
    --------
    >>> x = np.array([[[1.0]], [[np.nan]], [[4.0]]])
    >>> trend, avail, first, latest = trends(x, np.array([2020.0, 2021.0, 2022.0]))
    >>> float(trend[0, 0]), float(avail[0, 0]), int(first[0, 0]), int(latest[0, 0])
    (1.0, 0.6666666666666666, 0, 2)
    """
    check_params("trends", {"metric": metric}, _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    known = ~np.isnan(x)
    count = known.sum(axis=0)
    avail = count / x.shape[0]
    index = np.arange(x.shape[0])[:, None, None]
    first = np.where(count > 1, np.where(known, index, x.shape[0]).min(axis=0), -1)
    latest = np.where(count > 1, np.where(known, index, -1).max(axis=0), -1)
    f = cagr if metric == "CAGR" else prc_change
    trend = np.full(x.shape[1:], np.nan)
    for u, j in zip(*np.nonzero(count > 1), strict=True):
        y = x[:, u, j]
        lo, hi = first[u, j], latest[u, j]
        inside = np.arange(lo, hi + 1)
        filled = np.interp(times[inside], times[known[:, u, j]], y[known[:, u, j]])
        trend[u, j] = f(filled, times[inside])
    return trend, avail, first, latest
