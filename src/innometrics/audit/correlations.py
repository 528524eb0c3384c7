"""Correlations of every node with its parent and between siblings (COINr's ``get_corr``),
with collinearity and negative-correlation flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ..framework import Framework
from ._groups import children_of

__all__ = ["CORRELATION_COLUMNS", "correlation_table"]

CORRELATION_COLUMNS = ["Kind", "Group", "Level", "Var1", "Var2", "Pearson", "Spearman", "N",
                       "Flag"]


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    """Pearson and Spearman correlation on the pairwise complete cases, and their count
    (NaN with fewer than 3 pairs or a constant side)."""
    keep = ~(np.isnan(a) | np.isnan(b))
    n = int(keep.sum())
    if n < 3 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return np.nan, np.nan, n
    a, b = a[keep], b[keep]
    return (float(np.corrcoef(a, b)[0, 1]), float(_sps.spearmanr(a, b).statistic), n)


def _flag(r: float, collinear: float) -> str:
    if r > collinear:
        return "collinear"
    return "negative" if r < 0 else ""


def _casefold(column: pd.Series) -> pd.Series:
    return column.str.casefold() if column.name in ("Var1", "Var2") else column


def correlation_table(scores: pd.DataFrame, fw: Framework, collinear: float) -> pd.DataFrame:
    """Long table of correlations (see :class:`~innometrics.audit.Audit`): one "parent" row per
    non-top node (``Var1`` the parent, ``Var2`` the node, as COINr) and one "within" row per
    pair of siblings; ``Flag`` "collinear" when Pearson > ``collinear``, "negative" when
    Pearson < 0."""
    rows = []
    col = {c: scores[c].to_numpy(dtype=np.float64) for c in fw.codes}
    for parent, kids in children_of(fw).items():
        members = sorted(kids)
        for code in members:
            r, rho, n = _pair(col[code], col[parent])
            rows.append(("parent", parent, fw[code].level, parent, code, r, rho, n,
                         _flag(r, collinear)))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                r, rho, n = _pair(col[a], col[b])
                rows.append(("within", parent, fw[a].level, a, b, r, rho, n,
                             _flag(r, collinear)))
    table = pd.DataFrame(rows, columns=CORRELATION_COLUMNS)
    # codes sorted case-insensitively, as R's merge() orders them in COINr's get_corr
    return table.sort_values(["Kind", "Level", "Var1", "Var2"], kind="stable",
                             ignore_index=True, key=_casefold)
