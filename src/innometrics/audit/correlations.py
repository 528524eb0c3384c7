"""Correlations of every node with its parent and between siblings (COINr's ``get_corr``),
with their p-values and collinearity and negative-correlation flags; indicator pairs beyond a
low or high threshold within their group (``get_corr_flags``); indicators against the
denominators (``get_denom_corr``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sps

from .._params import one_of
from .._tree import ancestor_at
from ..errors import InvalidParameter
from ..framework import Framework
from ._groups import children_of
from .spearman import spearman_pvalue

__all__ = ["CORRELATION_COLUMNS", "METHODS", "pair_correlation", "correlation_matrix",
           "correlation_table", "correlation_flags", "denominator_correlations"]

CORRELATION_COLUMNS = ["Kind", "Group", "Level", "Var1", "Var2", "Pearson", "Spearman", "N",
                       "Flag", "P", "P.Spearman"]


METHODS = ("pearson", "spearman", "kendall")


def pair_correlation(a: np.ndarray, b: np.ndarray, method: str = "pearson") -> tuple[float, float]:
    """Correlation of ``a`` and ``b`` on their pairwise complete cases and its two-sided p-value,
    as R's ``cor(use = "pairwise.complete.obs", method)`` and ``cor.test(method)$p.value`` (the
    calls inside COINr's ``get_corr`` and ``get_pvals``).

    - ``pearson``: ``r`` and the t test ``t = r √((n − 2)/(1 − r²))`` on ``n − 2`` degrees of
      freedom (scipy's ``pearsonr``).
    - ``spearman``: Pearson's ``r`` of the ranks (ties averaged) and
      :func:`~innometrics.audit.spearman.spearman_pvalue`.
    - ``kendall``: Kendall's τ-b; p exact (the permutation distribution) for ``n < 50`` without
      ties, else the normal approximation of ``S = n_c − n_d`` with the tie-corrected variance
      (Kendall 1976, eq. 4.3; R's ``cor.test`` without continuity correction, scipy's
      ``kendalltau(method="asymptotic")``).

    Parameters
    ----------
    a, b : ndarray, shape (n,)
        Values, NaN = missing.
    method : {"pearson", "spearman", "kendall"}, default "pearson"

    Returns
    -------
    (float, float)
        The correlation and its p-value; both NaN with fewer than 3 complete pairs or a constant
        side (where R's ``cor`` gives NA and ``cor.test`` stops).

    Examples
    --------
    >>> x, y = np.array([1.0, 2, 3, 4, np.nan]), np.array([2.0, 1, 4, 3, 9])
    >>> [round(v, 6) for v in pair_correlation(x, y, "kendall")]
    [0.333333, 0.75]
    """
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if a.size < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return np.nan, np.nan
    if method == "pearson":
        return float(np.corrcoef(a, b)[0, 1]), float(_sps.pearsonr(a, b).pvalue)
    if method == "spearman":
        return float(_sps.spearmanr(a, b).statistic), spearman_pvalue(a, b)
    ties = min(np.unique(a).size, np.unique(b).size) < a.size
    test = _sps.kendalltau(a, b, method="exact" if a.size < 50 and not ties else "asymptotic")
    return float(test.statistic), float(test.pvalue)


def correlation_matrix(x: np.ndarray, y: np.ndarray, method: str = "pearson", *,
                       p_values: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Correlations of every column of ``x`` with every column of ``y`` and their p-values
    (:func:`pair_correlation` on each pair, pairwise complete; R's ``cor(x, y, use =
    "pairwise.complete.obs")`` and COINr's ``get_pvals``).

    Parameters
    ----------
    x : ndarray, shape (n, k)
    y : ndarray, shape (n, m)
    method : {"pearson", "spearman", "kendall"}, default "pearson"
    p_values : bool, default True
        Also compute the p-values (None otherwise).

    Returns
    -------
    (ndarray, ndarray or None), each shape (k, m)
    """
    if method not in METHODS:
        raise InvalidParameter(one_of("method", METHODS, method, owner="correlation_matrix"))
    r = np.full((x.shape[1], y.shape[1]), np.nan)
    p = r.copy() if p_values else None
    for i, j in np.ndindex(r.shape):
        r[i, j], pij = pair_correlation(x[:, i], y[:, j], method)
        if p is not None:
            p[i, j] = pij
    return r, p


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int, float, float]:
    """Pearson and Spearman correlation on the pairwise complete cases, their count and
    their p-values (:func:`pair_correlation`)."""
    r, p = pair_correlation(a, b, "pearson")
    rho, p_rho = pair_correlation(a, b, "spearman")
    return r, rho, int((~(np.isnan(a) | np.isnan(b))).sum()), p, p_rho


def _flag(r: float, collinear: float, low: float | None = None) -> str:
    if r > collinear:
        return "collinear"
    if low is not None and r < low:
        return "low"
    return "negative" if r < 0 else ""


def _casefold(column: pd.Series) -> pd.Series:
    return column.str.casefold() if column.name in ("Var1", "Var2") else column


def correlation_table(scores: pd.DataFrame, fw: Framework, collinear: float, *,
                      low: float | None = None) -> pd.DataFrame:
    """Long table of correlations (see :class:`~innometrics.audit.Audit`): one "parent" row per
    node whose parent is in ``scores`` (``Var1`` the parent, ``Var2`` the node, as COINr) and
    one "within" row per pair of siblings in ``scores``; ``P`` the Pearson p-value,
    ``P.Spearman`` Spearman's (:func:`~innometrics.audit.spearman.spearman_pvalue`); ``Flag``
    "collinear" when Pearson > ``collinear``, "low" when below ``low`` (if given), "negative"
    when Pearson < 0. Groups with fewer than two members in ``scores`` have no "within" rows,
    so a stage before aggregation gives the pairs of indicators within their pillars."""
    rows = []
    col = {c: scores[c].to_numpy(dtype=np.float64) for c in fw.codes if c in scores.columns}
    for parent, kids in children_of(fw).items():
        members = sorted(k for k in kids if k in col)
        pairs = [("parent", parent, code) for code in (members if parent in col else [])]
        pairs += [("within", a, b) for i, a in enumerate(members) for b in members[i + 1:]]
        for kind, a, b in pairs:
            r, rho, n, p, p_rho = _pair(col[a], col[b])
            rows.append((kind, parent, fw[b].level, a, b, r, rho, n, _flag(r, collinear, low),
                         p, p_rho))
    table = pd.DataFrame(rows, columns=CORRELATION_COLUMNS)
    # codes sorted case-insensitively, as R's merge() orders them in COINr's get_corr
    return table.sort_values(["Kind", "Level", "Var1", "Var2"], kind="stable",
                             ignore_index=True, key=_casefold)


def correlation_flags(frame: pd.DataFrame, fw: Framework, *, low: float | None = None,
                      high: float | None = None, level: int = 2) -> pd.DataFrame:
    """Pairs of indicators in one group whose Pearson correlation is above ``high`` or below
    ``low`` (COINr's ``get_corr_flags``, ``thresh_type`` "high" and "low", ``grouplev``
    ``level``).

    Correlations are on pairwise complete cases (COINr: ``use = "pairwise.complete.obs"``);
    a pair is in a group when both indicators descend from the same node at ``level``.

    Returns
    -------
    DataFrame
        ``Group, Ind1, Ind2, Corr, Flag`` ("high" or "low"), one row per flagged pair
        (``Ind1`` before ``Ind2`` in framework order).
    """
    for name, value in (("low", low), ("high", high)):
        if value is not None and not -1 <= value <= 1:
            raise ValueError(f"'{name}' must be a correlation in [-1, 1]; got {value}.")
    codes = [c for c in fw.indicators if c in frame.columns]
    group = {c: ancestor_at(fw, c, level) for c in codes}
    rows = []
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if group[a] is None or group[a] != group[b]:
                continue
            r = pair_correlation(frame[a].to_numpy(np.float64),
                                 frame[b].to_numpy(np.float64))[0]
            if high is not None and r > high:
                rows.append((group[a], a, b, r, "high"))
            if low is not None and r < low:
                rows.append((group[a], a, b, r, "low"))
    return pd.DataFrame(rows, columns=["Group", "Ind1", "Ind2", "Corr", "Flag"])


def denominator_correlations(frame: pd.DataFrame, denominators: pd.DataFrame,
                             fw: Framework, threshold: float = 0.6) -> pd.DataFrame:
    """Pearson correlation of every indicator with every denominator (COINr's
    ``get_denom_corr``): does an indicator merely measure size?

    Parameters
    ----------
    frame : DataFrame
        Units × indicators (any stage), indexed by ``uCode``.
    denominators : DataFrame
        Units × denominators, indexed by ``uCode`` (rows matched to ``frame``'s).
    threshold : float, default 0.6
        ``Flag`` is "high" where ``|Corr| > threshold`` (COINr's ``cor_thresh``; COINr lists
        only those rows).

    Returns
    -------
    DataFrame
        ``iCode, Denominator, Corr, N, P, Flag``; one row per pair, by indicator.
    """
    denominators = denominators.reindex(frame.index)
    rows = []
    for code in (c for c in fw.indicators if c in frame.columns):
        x = frame[code].to_numpy(np.float64)
        for name in denominators.columns:
            other = denominators[name].to_numpy(np.float64)
            r, p = pair_correlation(x, other)
            n = int((~(np.isnan(x) | np.isnan(other))).sum())
            rows.append((code, name, r, n, p, "high" if abs(r) > threshold else ""))
    return pd.DataFrame(rows, columns=["iCode", "Denominator", "Corr", "N", "P", "Flag"])
