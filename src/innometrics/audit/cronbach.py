"""Cronbach's alpha of each group of indicators (COINr's ``get_cronbach``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..framework import Framework
from ._groups import children_of

__all__ = ["complete_cases", "cronbach_alpha", "cronbach_table"]


def complete_cases(x: np.ndarray) -> np.ndarray:
    """The rows of a 2-D array with no missing value (listwise deletion)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array (n_units, n_items); got shape {x.shape}.")
    return x[~np.isnan(x).any(axis=1)]


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns (items) of ``x``, on complete cases.

    ``α = k/(k−1) · (1 − Σ_i σ_i² / σ_T²)`` with ``k`` items, ``σ_i²`` the sample variance of
    item ``i`` and ``σ_T²`` that of the row sums (Cronbach 1951). Rows with any missing value
    are dropped first (listwise deletion, as COINr ``get_cronbach`` with ``use =
    "complete.obs"``); NaN with fewer than 2 items, fewer than 2 complete rows or constant
    row sums.

    Parameters
    ----------
    x : ndarray, shape (n_units, k)

    Returns
    -------
    float

    References
    ----------
    Cronbach, L. J. (1951). Psychometrika 16, 297-334. doi:10.1007/BF02310555

    Examples
    --------
    >>> x = np.array([[1.0, 2.0, 2.0], [2.0, 4.0, 3.0], [3.0, 6.0, 5.0], [4.0, 8.0, 4.0]])
    >>> round(cronbach_alpha(x), 6)
    0.891892
    """
    x = complete_cases(x)
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total))


def cronbach_table(scores: pd.DataFrame, fw: Framework, alpha_min: float) -> pd.DataFrame:
    """Per aggregate: ``iCode, Level, N.Items, N.Units`` (complete cases), ``Alpha`` of its
    children's scores and ``Flag`` ("LOW" below ``alpha_min``, else "ok")."""
    rows = []
    for parent, members in children_of(fw).items():
        x = scores[members].to_numpy(dtype=np.float64)
        alpha = cronbach_alpha(x)
        rows.append((parent, fw[parent].level, len(members), len(complete_cases(x)), alpha,
                     "LOW" if alpha < alpha_min else "ok"))
    return pd.DataFrame(rows, columns=["iCode", "Level", "N.Items", "N.Units", "Alpha", "Flag"])
