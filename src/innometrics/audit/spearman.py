"""The p-value of Spearman's rank correlation as R's ``cor.test(method = "spearman")`` gives
it (COINr's ``get_pvals(X, method = "spearman")`` and ``get_corr(cortype = "spearman")``)."""

from __future__ import annotations

from functools import cache
from math import factorial

import numpy as np
from scipy import stats as _sps

__all__ = ["spearman_pvalue"]

# Edgeworth coefficients of Best & Roberts (1975), Algorithm AS 89
_C = (0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131,
      4.6e-4)
_EXACT_UP_TO = 9  # R enumerates every permutation up to n = 9, then uses the series


@cache
def _s_counts(n: int) -> np.ndarray:
    """How many of the ``n!`` permutations ``p`` give ``S = Σ_i (i − p_i)²`` = 0, 1, ...

    Dynamic programming over the set of values already placed (``2ⁿ`` states, each a count
    per partial sum), not over the ``n!`` permutations."""
    top = n * (n * n - 1) // 3
    counts = np.zeros((1 << n, top + 1), dtype=np.int64)
    counts[0, 0] = 1
    for used in range(1 << n):
        position = used.bit_count()
        for value in (v for v in range(n) if not used >> v & 1):
            step = (position - value) ** 2
            counts[used | 1 << value, step:] += counts[used, :top + 1 - step]
    return counts[-1]


def _prho(n: int, s: float, lower: bool) -> float:
    """``P[S < s]`` (``lower``) or ``P[S ≥ s]`` under independence (AS 89, R's ``prho``)."""
    outside = 0.0 if lower else 1.0
    if n <= 1 or s <= 0:
        return outside
    if s > n * (n * n - 1) / 3:
        return 1.0 - outside
    if n <= _EXACT_UP_TO:
        counts = _s_counts(n)
        at_least = counts[int(np.ceil(s)):].sum()
        return float((factorial(n) - at_least) if lower else at_least) / factorial(n)
    c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12 = _C
    b = 1.0 / n
    x = (6.0 * (s - 1) * b / (n * n - 1) - 1) * np.sqrt(1 / b - 1)
    y = x * x
    u = x * b * (c1 + b * (c2 + c3 * b) + y * (-c4 + b * (c5 + c6 * b) - y * b * (
        c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))))
    y = u / np.exp(y / 2)
    p = -y + _sps.norm.cdf(x) if lower else y + _sps.norm.sf(x)
    return float(min(max(p, 0.0), 1.0))


def spearman_pvalue(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided p-value of Spearman's ρ between ``a`` and ``b`` (complete pairs), as R's
    ``cor.test(a, b, method = "spearman")``.

    With ``S = (n³ − n)(1 − ρ)/6`` and the tail on the side of ``S`` beyond its mean
    ``(n³ − n)/6``, ``p = min(1, 2·P[tail])``. Without ties, ``P`` is exact for ``n ≤ 9`` (all
    ``n!`` orders, counted by dynamic programming), then the Edgeworth series of Algorithm AS 89
    up to ``n = 1290``, at R's ``round(S) + 2`` for the lower tail. With ties (or beyond),
    the t approximation ``t = ρ √((n − 2)/(1 − ρ²))`` on ``n − 2`` degrees of freedom (R's
    fallback; also scipy's ``spearmanr``). NaN when either side is constant or ``n < 3``.

    Parameters
    ----------
    a, b : ndarray, shape (n,)
        Paired values without missing ones.

    Returns
    -------
    float

    References
    ----------
    Best, D. J. & Roberts, D. E. (1975). Algorithm AS 89: The upper tail probabilities of
    Spearman's rho. Applied Statistics 24(3), 377-379. doi:10.2307/2347111

    Examples
    --------
    >>> round(spearman_pvalue(np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 1, 4, 3, 5])), 6)
    0.133333
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    n = a.size
    if n < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    rho = float(np.corrcoef(_sps.rankdata(a), _sps.rankdata(b))[0, 1])
    span = (n ** 3 - n) / 6
    s = span * (1 - rho)
    lower = not s > span
    if min(np.unique(a).size, np.unique(b).size) == n and n <= 1290:  # R: exact = n <= 1290
        p = _prho(n, np.round(s) + 2 * lower, lower)
    else:
        r = 1 - s / span
        with np.errstate(divide="ignore"):
            t = r / np.sqrt((1 - r * r) / (n - 2))
        p = float(_sps.t.sf(t, n - 2) if lower else _sps.t.cdf(t, n - 2))
    return min(2 * p, 1.0)
