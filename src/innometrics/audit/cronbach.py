"""Cronbach's alpha of each group of indicators (COINr's ``get_cronbach``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..framework import Framework
from ._groups import children_of

__all__ = ["complete_cases", "pairwise_covariance", "cronbach_alpha", "cronbach_table"]


def complete_cases(x: np.ndarray) -> np.ndarray:
    """The rows of a 2-D array with no missing value (listwise deletion)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array (n_units, n_items); got shape {x.shape}.")
    return x[~np.isnan(x).any(axis=1)]


def pairwise_covariance(x: np.ndarray) -> np.ndarray:
    """Sample covariances of the columns of ``x``, each pair on the rows where both are present
    (R's ``cov(x, use = "pairwise.complete.obs")``); NaN for a pair with fewer than 2 rows.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 4.0]])
    >>> pairwise_covariance(x).round(4).tolist()
    [[1.6667, 1.8333], [1.8333, 2.3333]]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array (n_units, n_items); got shape {x.shape}.")
    k = x.shape[1]
    cov = np.full((k, k), np.nan)
    present = ~np.isnan(x)
    for i in range(k):
        for j in range(i, k):
            both = present[:, i] & present[:, j]
            if both.sum() >= 2:
                cov[i, j] = cov[j, i] = np.cov(x[both, i], x[both, j])[0, 1]
    return cov


def cronbach_alpha(x: np.ndarray, *, complete_cases: bool = False) -> float:
    """Cronbach's alpha of the columns (items) of ``x`` (COINr ``get_cronbach``).

    ``α = k² · σ̄ / Σ_ij C_ij`` with ``k`` items, ``C`` their covariance matrix and ``σ̄`` the
    mean of its off-diagonal entries; on complete data this is the textbook
    ``k/(k−1) · (1 − Σ_i σ_i² / σ_T²)`` (Cronbach 1951). By default ``C`` is made of
    pairwise-complete covariances and entries that cannot be computed are left out of the
    sums, as COINr's default ``use = "pairwise.complete.obs"``; with ``complete_cases=True``
    the rows with any missing value are dropped first (listwise deletion, COINr's ``use =
    "complete.obs"``). NaN with fewer than 2 items, no computable covariance or a zero sum.

    Parameters
    ----------
    x : ndarray, shape (n_units, k)
    complete_cases : bool, default False
        Listwise deletion instead of pairwise-complete covariances.

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
    x = _listwise(x) if complete_cases else np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array (n_units, n_items); got shape {x.shape}.")
    k = x.shape[1]
    if k < 2:
        return float("nan")
    cov = pairwise_covariance(x)
    if np.isnan(cov).all():
        return float("nan")
    total = np.nansum(cov)
    if total == 0:
        return float("nan")
    mean_off_diagonal = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    return float(k * k * mean_off_diagonal / total)


_listwise = complete_cases  # the parameter of cronbach_alpha shadows the function's name


def cronbach_table(scores: pd.DataFrame, fw: Framework, alpha_min: float, *,
                   complete_cases: bool = False) -> pd.DataFrame:
    """Per aggregate whose children are all columns of ``scores``: ``iCode, Level,
    N.Items``, ``N.Units`` (units with all its children's scores with ``complete_cases``, else
    with any), ``Alpha`` of its children's scores (:func:`cronbach_alpha`) and ``Flag``
    ("LOW" below ``alpha_min``, else "ok")."""
    rows = []
    for parent, members in children_of(fw).items():
        if not set(members) <= set(scores.columns):  # a group not on this stage
            continue
        x = scores[members].to_numpy(dtype=np.float64)
        alpha = cronbach_alpha(x, complete_cases=complete_cases)
        units = len(_listwise(x)) if complete_cases else int((~np.isnan(x)).any(axis=1).sum())
        rows.append((parent, fw[parent].level, len(members), units, alpha,
                     "LOW" if alpha < alpha_min else "ok"))
    return pd.DataFrame(rows, columns=["iCode", "Level", "N.Items", "N.Units", "Alpha", "Flag"])
