"""Data minimum coverage (DMC): which sub-pillars and pillars WIPO flags as thinly covered.

The workbook's ``DMC`` column (1 = fails) is filled for sub-pillars and pillars only. In GII
2023 it follows two rules, both reproduced on every economy × node:

- a sub-pillar fails when the share of its indicators with data is below ``2/3`` (every
  threshold in (0.6, 2/3] gives the same flags: the shares that occur are 1/2, 3/5 fail and
  2/3, 3/4 pass); indicator weights play no part;
- a pillar fails when fewer than ``2/3`` of its sub-pillars pass their DMC (2 of 3).

A failing node is still scored and ranked (from the children present); it is only left out of
the strengths and weaknesses. :func:`infer_dmc_rule` recovers the thresholds from a workbook.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .workbook import Workbook

__all__ = ["dmc_flags", "coverage_shares", "infer_dmc_rule"]


def coverage_shares(present: pd.DataFrame, structure: pd.DataFrame, *, depth: int,
                    passing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each node's children that count, for the nodes at ``depth``.

    At depth 2 the children are indicators and count when present (``present``: units ×
    indicators, bool). Above, they count when they pass DMC (``passing``: units × nodes of
    ``depth − 1``, bool).

    Returns
    -------
    DataFrame, units × nodes at ``depth``.
    """
    below = present if depth == 2 else passing
    if below is None:
        raise ValueError(f"coverage_shares: depth {depth} needs the DMC of depth {depth - 1}")
    out = {}
    for node in structure.loc[structure["DEPTH"] == depth, "NUM"]:
        kids = structure.loc[structure["PARENT"] == node, "NUM"].tolist()
        out[node] = below[kids].astype(float).mean(axis=1)
    return pd.DataFrame(out, index=below.index)


def dmc_flags(present: pd.DataFrame, structure: pd.DataFrame, *,
              subpillar_min_share: float = 2 / 3,
              pillar_min_share: float = 2 / 3) -> pd.DataFrame:
    """DMC flags (1 = fails) of every sub-pillar and pillar.

    ``flag_sp = [share of indicators present < subpillar_min_share]``;
    ``flag_p = [share of sub-pillars not flagged < pillar_min_share]``.

    Parameters
    ----------
    present : DataFrame, units × indicators, bool
        Whether each indicator has data (e.g. ``workbook.wide("VALUE_SCREEN").notna()``).
    structure : DataFrame
        ``workbook.structure``.
    subpillar_min_share, pillar_min_share : float, default 2/3

    Returns
    -------
    DataFrame, units × (sub-pillars then pillars), float 0/1.

    Examples
    --------
    >>> s = pd.DataFrame({"NUM": ["P", "S1", "S2", "a", "b", "c"],
    ...                   "DEPTH": [3, 2, 2, 1, 1, 1], "PARENT": [None, "P", "P", "S1", "S1",
    ...                   "S2"]})
    >>> dmc_flags(pd.DataFrame({"a": [True], "b": [False], "c": [True]}), s).iloc[0].tolist()
    [1.0, 0.0, 1.0]
    """
    share2 = coverage_shares(present, structure, depth=2)
    fails2 = share2 < subpillar_min_share - 1e-12
    share3 = coverage_shares(present, structure, depth=3, passing=~fails2)
    fails3 = share3 < pillar_min_share - 1e-12
    return pd.concat([fails2, fails3], axis=1).astype(float)


def _separation(share: pd.DataFrame, flags: pd.DataFrame) -> dict:
    s = share.to_numpy().ravel()
    f = flags[share.columns].to_numpy().ravel()
    known = ~np.isnan(f)
    s, f = s[known], f[known] == 1
    worst_fail = float(s[f].max()) if f.any() else float("-inf")
    best_pass = float(s[~f].min()) if (~f).any() else float("inf")
    separable = worst_fail < best_pass
    threshold = best_pass if separable else float("nan")
    agree = int(np.sum((s < threshold) == f)) if separable else 0
    return {"largest_failing_share": worst_fail, "smallest_passing_share": best_pass,
            "separable": separable, "threshold": threshold, "n_checked": int(s.size),
            "n_agree": agree}


def infer_dmc_rule(workbook: Workbook) -> pd.DataFrame:
    """The coverage thresholds that reproduce the workbook's ``DMC`` flags.

    For sub-pillars the basis is the share of indicators present; for pillars both the share
    of indicators present and the share of sub-pillars passing (by the workbook's own flags)
    are tried. A basis separates the flags when every failing share is below every passing
    one; any threshold in ``(largest_failing_share, smallest_passing_share]`` then reproduces
    them, and ``threshold`` is the upper end ("fails when share < threshold").

    Returns
    -------
    DataFrame
        One row per level and basis: ``LEVEL``, ``basis``, ``largest_failing_share``,
        ``smallest_passing_share``, ``separable``, ``threshold``, ``n_checked``, ``n_agree``.
    """
    structure = workbook.structure
    flags = workbook.wide("DMC")
    present = workbook.wide("VALUE_SCREEN", workbook.indicators).notna()
    rows = []
    share_sp = coverage_shares(present, structure, depth=2)
    rows.append({"LEVEL": "SubPillar", "basis": "share of indicators present",
                 **_separation(share_sp, flags)})
    pillars = workbook.codes(3)
    indicator_share = {}
    for pillar in pillars:
        indicator_share[pillar] = present[_leaves(structure, pillar)].astype(float).mean(axis=1)
    rows.append({"LEVEL": "Pillar", "basis": "share of indicators present",
                 **_separation(pd.DataFrame(indicator_share), flags)})
    passing = flags[workbook.codes(2)] == 0
    share_p = coverage_shares(present, structure, depth=3, passing=passing)
    rows.append({"LEVEL": "Pillar", "basis": "share of sub-pillars passing DMC",
                 **_separation(share_p, flags)})
    return pd.DataFrame(rows)


def _leaves(structure: pd.DataFrame, node: str) -> list[str]:
    kids = structure.loc[structure["PARENT"] == node, "NUM"].tolist()
    out = []
    for kid in kids:
        depth = int(structure.loc[structure["NUM"] == kid, "DEPTH"].iloc[0])
        out.extend([kid] if depth == 1 else _leaves(structure, kid))
    return out
