"""Correlations of every node with its parent and between siblings (COINr's ``get_corr``),
with their p-values and collinearity and negative-correlation flags; indicator pairs beyond a
low or high threshold within their group (``get_corr_flags``); indicators against the
denominators (``get_denom_corr``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sps

from .._tree import ancestor_at
from ..framework import Framework
from ._groups import children_of
from .spearman import spearman_pvalue

__all__ = ["CORRELATION_COLUMNS", "correlation_table", "correlation_flags",
           "denominator_correlations"]

CORRELATION_COLUMNS = ["Kind", "Group", "Level", "Var1", "Var2", "Pearson", "Spearman", "N",
                       "Flag", "P", "P.Spearman"]


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int, float]:
    """Pearson and Spearman correlation on the pairwise complete cases, their count and the
    Pearson test's two-sided p-value (R's ``cor.test``, as COINr's ``get_pvals``); NaN with
    fewer than 3 pairs or a constant side."""
    keep = ~(np.isnan(a) | np.isnan(b))
    n = int(keep.sum())
    if n < 3 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return np.nan, np.nan, n, np.nan
    a, b = a[keep], b[keep]
    test = _sps.pearsonr(a, b)
    return (float(np.corrcoef(a, b)[0, 1]), float(_sps.spearmanr(a, b).statistic), n,
            float(test.pvalue))


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
            r, rho, n, p = _pair(col[a], col[b])
            both = ~(np.isnan(col[a]) | np.isnan(col[b]))
            rows.append((kind, parent, fw[b].level, a, b, r, rho, n, _flag(r, collinear, low),
                         p, spearman_pvalue(col[a][both], col[b][both])))
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
            r = _pair(frame[a].to_numpy(np.float64), frame[b].to_numpy(np.float64))[0]
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
            r, _, n, p = _pair(x, denominators[name].to_numpy(np.float64))
            rows.append((code, name, r, n, p, "high" if abs(r) > threshold else ""))
    return pd.DataFrame(rows, columns=["iCode", "Denominator", "Corr", "N", "P", "Flag"])
