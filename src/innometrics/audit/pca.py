"""Principal components of each group of indicators (COINr's ``get_PCA``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..framework import Framework
from ._groups import children_of
from .cronbach import complete_cases

__all__ = ["pca", "pca_tables"]


def pca(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal components of the standardised columns of ``x`` (complete cases).

    Rows with a missing value are dropped; columns are z-scored (sample sd), so the PCA is that
    of the correlation matrix ``R``: ``R = V Λ Vᵀ`` (``numpy.linalg.eigh``), components sorted
    by decreasing eigenvalue. The variance share of component ``m`` is ``λ_m / k``. Loadings
    are the unit-norm eigenvectors (R's ``prcomp(scale. = TRUE)$rotation``), each signed so
    that its entries sum to a non-negative number.

    Parameters
    ----------
    x : ndarray, shape (n_units, k)

    Returns
    -------
    shares : ndarray, shape (k,)
        Share of the total variance of each component (sums to 1).
    loadings : ndarray, shape (k, k)
        ``loadings[i, m]``: weight of column ``i`` in component ``m``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, 8.0]])
    >>> shares, loadings = pca(x)
    >>> bool(shares[0] > 0.99), np.round(loadings[:, 0], 4).tolist()
    (True, [0.7071, 0.7071])
    """
    x = complete_cases(x)
    k = x.shape[1]
    if x.shape[0] < 2 or k < 1:
        return np.full(k, np.nan), np.full((k, k), np.nan)
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return np.full(k, np.nan), np.full((k, k), np.nan)
    z = (x - x.mean(axis=0)) / sd
    corr = z.T @ z / (x.shape[0] - 1)
    values, vectors = np.linalg.eigh(corr)
    order = np.argsort(values)[::-1]
    values, vectors = np.clip(values[order], 0.0, None), vectors[:, order]
    signs = np.where(vectors.sum(axis=0) < 0, -1.0, 1.0)
    return values / values.sum(), vectors * signs


def pca_tables(scores: pd.DataFrame, fw: Framework) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per aggregate with ≥ 2 children: ``iCode, Level, N.Items, N.Units, PC1.Share,
    PC1.Eigenvalue, N.Eigen>1`` (Kaiser: eigenvalues above 1); and the loadings, long:
    ``Group, iCode, PC, Loading``."""
    rows, loading_rows = [], []
    for parent, members in children_of(fw).items():
        if len(members) < 2 or not set(members) <= set(scores.columns):  # not on this stage
            continue
        x = scores[members].to_numpy(dtype=np.float64)
        shares, loadings = pca(x)
        k = len(members)
        rows.append((parent, fw[parent].level, k, len(complete_cases(x)), shares[0],
                     shares[0] * k, int(np.sum(shares * k > 1.0))))
        for m in range(k):
            for i, code in enumerate(members):
                loading_rows.append((parent, code, m + 1, loadings[i, m]))
    table = pd.DataFrame(rows, columns=["iCode", "Level", "N.Items", "N.Units", "PC1.Share",
                                        "PC1.Eigenvalue", "N.Eigen>1"])
    return table, pd.DataFrame(loading_rows, columns=["Group", "iCode", "PC", "Loading"])
