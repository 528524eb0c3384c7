"""Importance of each node: its correlation ratio (first-order sensitivity) with its parent
and with the index, set against its nominal and effective weight (Paruolo, Saisana & Saltelli
2013)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..framework import Framework

__all__ = ["correlation_ratio", "importance_table"]


def _local_linear(x: np.ndarray, y: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Local-linear fit at the data points with a Gaussian kernel: fitted values and the
    diagonal of the smoother matrix."""
    d = x[None, :] - x[:, None]                      # d[j, i] = x_i − x_j (fit at x_j)
    k = np.exp(-0.5 * (d / h) ** 2)
    s1, s2 = (k * d).sum(axis=1), (k * d * d).sum(axis=1)
    lw = k * (s2[:, None] - d * s1[:, None])         # equivalent kernel weights
    lw /= lw.sum(axis=1, keepdims=True)
    return lw @ y, np.diag(lw).copy()


def correlation_ratio(x: np.ndarray, y: np.ndarray, *, n_bandwidths: int = 25) -> float:
    """First-order sensitivity (correlation ratio) ``S = V(E(y|x)) / V(y)``, nonparametric.

    Estimator: ``E(y|x)`` is fitted by a local-linear regression with a Gaussian kernel
    (Fan & Gijbels 1996), with bandwidth ``h = c · sd(x) · n^(−1/5)`` chosen by exact
    leave-one-out cross-validation over ``n_bandwidths`` values of ``c`` spaced
    logarithmically on ``[0.1, 100]`` (the upper end is practically a straight line, so a
    linear dependence is never penalised). Then ``S = var(m̂(x_j)) / var(y_j)`` over the
    points (Paruolo, Saisana & Saltelli 2013, eq. 6, who use a local-linear / penalised
    spline smoother too). Pairs with a missing value are dropped. A local-linear smoother
    reproduces straight lines, so ``S = 1`` for ``y = a + b·x``; for ``y`` independent of
    ``x``, ``S`` is of order ``1/n``. Not capped at 1.

    Parameters
    ----------
    x, y : ndarray, shape (n,)
    n_bandwidths : int, default 25

    Returns
    -------
    float
        NaN with fewer than 3 complete pairs or constant ``x`` or ``y``.

    Notes
    -----
    Cost O(n_bandwidths · n²) time and O(n²) memory.

    References
    ----------
    Paruolo, P., Saisana, M. & Saltelli, A. (2013). JRSS-A 176(3), 609-634.
    doi:10.1111/j.1467-985X.2012.01059.x

    Examples
    --------
    >>> x = np.linspace(0.0, 1.0, 11)
    >>> round(correlation_ratio(x, 2 * x + 1), 12)
    1.0
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = x.size
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    base = x.std(ddof=1) * n ** -0.2
    best, fit = np.inf, None
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in np.geomspace(0.1, 100.0, n_bandwidths):
            m, diag = _local_linear(x, y, c * base)
            cv = np.mean(((y - m) / (1.0 - diag)) ** 2)
            if np.isfinite(cv) and cv < best:
                best, fit = cv, m
    if fit is None:
        return float("nan")
    return float(fit.var(ddof=1) / y.var(ddof=1))


def importance_table(scores: pd.DataFrame, fw: Framework, weights: pd.DataFrame) -> pd.DataFrame:
    """Per non-top node: correlation ratio with its parent ``S.Parent`` and with the index
    ``S.Index``; ``S.Parent.Norm`` (normalised over siblings) against ``Weight.Norm``
    (nominal, normalised over siblings); ``S.Index.Norm`` (normalised over the level) against
    ``EffWeight`` (from ``weights``, :func:`~innometrics.audit.effective_weights`);
    ``Ratio = S.Parent.Norm / Weight.Norm``."""
    top = fw.codes_at(fw.n_levels)[0]
    eff = dict(zip(weights["iCode"], weights["EffWeight"], strict=True))
    col = {c: scores[c].to_numpy(dtype=np.float64) for c in fw.codes}
    rows = []
    for node in fw.nodes:
        if node.parent is None:
            continue
        rows.append({"iCode": node.code, "Level": node.level, "Parent": node.parent,
                     "Weight": node.weight, "EffWeight": eff[node.code],
                     "S.Parent": correlation_ratio(col[node.code], col[node.parent]),
                     "S.Index": correlation_ratio(col[node.code], col[top])})
    table = pd.DataFrame(rows)
    sib = table.groupby("Parent")
    table["Weight.Norm"] = table["Weight"] / sib["Weight"].transform("sum")
    table["S.Parent.Norm"] = table["S.Parent"] / sib["S.Parent"].transform("sum")
    table["S.Index.Norm"] = table["S.Index"] / table.groupby("Level")["S.Index"].transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["Ratio"] = table["S.Parent.Norm"] / table["Weight.Norm"]
    return table[["iCode", "Level", "Parent", "Weight", "Weight.Norm", "S.Parent",
                  "S.Parent.Norm", "Ratio", "EffWeight", "S.Index", "S.Index.Norm"]]
