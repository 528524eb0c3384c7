"""Descriptive statistics over columns, ignoring missing values.

Skewness and kurtosis are the bias-adjusted sample estimators used by Excel's ``SKEW`` and
``KURT`` (and e1071's type 2, COINr's ``skew``/``kurt``); kurtosis is *excess* kurtosis.
"""

from __future__ import annotations

import numpy as np

__all__ = ["skewness", "kurtosis", "skew_kurt", "skew_kurt_complete"]


def _centred_moments(x: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """Count and centred sums Σd², Σd³, Σd⁴ of the present values along ``axis``."""
    present = ~np.isnan(x)
    n = present.sum(axis=axis, keepdims=True).astype(np.float64)
    filled = np.where(present, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):  # no value: NaN is the answer
        d = np.where(present, filled - filled.sum(axis=axis, keepdims=True) / n, 0.0)
    d2 = d * d
    m2, m3, m4 = d2.sum(axis=axis), (d2 * d).sum(axis=axis), (d2 * d2).sum(axis=axis)
    return np.squeeze(n, axis=axis), m2, m3, m4


def _g1(n, m2, m3):
    """Skewness G1 from the count and the centred sums Σd², Σd³."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)


def _g2(n, m2, m4):
    """Excess kurtosis G2 from the count and the centred sums Σd², Σd⁴."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * m4 / (m2 * m2)
        return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def skew_kurt_complete(v: np.ndarray) -> tuple[float, float]:
    """G1 and G2 of a 1-D array with no missing values and at least 4 of them.

    The same estimators as :func:`skewness` and :func:`kurtosis` without the NaN handling,
    for loops that recompute them many times (winsorising).
    """
    d = v - v.mean()
    d2 = d * d
    n, m2 = v.size, d2.sum()
    return float(_g1(n, m2, (d2 * d).sum())), float(_g2(n, m2, (d2 * d2).sum()))


def skew_kurt(x: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """:func:`skewness` and :func:`kurtosis` from one pass over the data."""
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any():
        n, m2, m3, m4 = _centred_moments(x, axis)
    else:  # no missing value (imputed data, winsorising): the same sums, fewer passes
        n = np.float64(x.shape[axis])
        d = x - x.sum(axis=axis, keepdims=True) / n  # x.mean's own arithmetic, without its overhead
        d2 = d * d
        m2, m3, m4 = d2.sum(axis=axis), (d2 * d).sum(axis=axis), (d2 * d2).sum(axis=axis)
        if n >= 4:  # every column has n values: no test per column
            return np.asarray(_g1(n, m2, m3)), np.asarray(_g2(n, m2, m4))
    return (np.where(n >= 3, _g1(n, m2, m3), np.nan), np.where(n >= 4, _g2(n, m2, m4), np.nan))


def skewness(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sample skewness G1 (Excel ``SKEW``), NaN-ignoring.

    ``G1 = sqrt(n (n-1)) / (n-2) · sqrt(n) Σd³ / (Σd²)^{3/2}``, with ``d = x − mean(x)``.
    NaN where fewer than 3 values are present or all values are equal.

    References
    ----------
    Joanes, D. N. & Gill, C. A. (1998). Comparing measures of sample skewness and kurtosis.
    JRSS-D 47(1), 183-189. doi:10.1111/1467-9884.00122

    Examples
    --------
    >>> round(float(skewness(np.array([1.0, 2.0, 3.0, 10.0]))), 6)
    1.763633
    """
    x = np.asarray(x, dtype=np.float64)
    n, m2, m3, _ = _centred_moments(x, axis)
    return np.where(n >= 3, _g1(n, m2, m3), np.nan)


def kurtosis(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sample excess kurtosis G2 (Excel ``KURT``), NaN-ignoring.

    ``G2 = ((n+1)(r−3) + 6)(n−1) / ((n−2)(n−3))`` with ``r = n Σd⁴ / (Σd²)²``.
    NaN where fewer than 4 values are present or all values are equal.

    Examples
    --------
    >>> round(float(kurtosis(np.array([1.0, 2.0, 3.0, 10.0]))), 6)
    3.228
    """
    x = np.asarray(x, dtype=np.float64)
    n, m2, _, m4 = _centred_moments(x, axis)
    return np.where(n >= 4, _g2(n, m2, m4), np.nan)
