"""Economy profiles: strengths and weaknesses, overall and within the income group.

Pure functions over economies × nodes tables (ISO3 index; indicators and aggregates as
columns), reproducing the workbook's ``SW_OVERALL`` and ``SW_INCGRP`` flags of GII 2023 on
every economy × node (14,652 of 14,652 each).

*Overall* (:func:`overall_strengths_weaknesses`), per economy:

1. every node's percentile rank is Excel's ``PERCENTRANK.INC`` over the economies with a
   score, ``p = #(scores < x)/(n − 1)``, truncated to 3 decimals;
2. the cut-offs are the economy's ``top_k``-th highest and ``top_k``-th lowest percentile
   rank among its indicators (ties may give more than ``top_k`` flags);
3. a node is a strength when ``p ≥`` the high cut-off or its RANK ``≤ auto_strength_rank``,
   else a weakness when ``p ≤`` the low cut-off — for indicators, sub-pillars, pillars,
   sub-indices and the index alike;
4. not signalled: indicators whose data are more than ``max_data_age`` years older than the
   indicator's modal data year (they still count for the cut-offs), and nodes failing DMC.

*Income group* (:func:`income_group_strengths_weaknesses`): an economy is compared with its
group's mean ``μ`` and population standard deviation ``σ`` (``ddof = 0``) over the economies
with a score: strength when ``σ > 0`` and ``x ≥ μ + σ``; weakness when ``σ > 0`` and
``x ≤ μ − σ``, or when ``x = 0`` in a group of at least ``zero_min_group_size`` scores. The
groups (:func:`comparison_groups`): the ``top_n`` economies of the index ranking form one group
(its statistics include every one of them, China too); its ``top_income`` members are compared
with it, everyone else with their income group — whose statistics include all its economies,
the top ones too. Same exclusions (old data, DMC).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._params import did_you_mean
from ..cells import to_float
from ..errors import InputError
from ..ranking import rank_min

__all__ = ["excel_percent_rank", "data_age", "overall_strengths_weaknesses", "economy_profile",
           "comparison_groups", "group_statistics", "income_group_comparison",
           "income_group_strengths_weaknesses", "flag_agreement"]


def excel_percent_rank(scores: pd.DataFrame, *, significance: int = 3) -> pd.DataFrame:
    """Excel ``PERCENTRANK.INC`` of every score within its column, truncated.

    ``p = ⌊10^s · #(scores < x)/(n − 1)⌋ / 10^s`` with ``n`` the scores present and ``s`` the
    ``significance`` (Excel's default 3 truncates, it does not round). NaN stays NaN.

    Examples
    --------
    >>> excel_percent_rank(pd.DataFrame({"a": [0.0, 0.0, 5.0, 7.0]}))["a"].tolist()
    [0.0, 0.0, 0.666, 1.0]
    """
    x = scores.to_numpy(dtype=np.float64)
    below = rank_min(x, axis=0, descending=False) - 1.0  # number of scores strictly below
    n = np.sum(~np.isnan(x), axis=0, keepdims=True)
    unit = 10 ** significance
    with np.errstate(invalid="ignore", divide="ignore"):
        truncated = np.floor_divide(below * unit, n - 1) / unit  # exact for integer counts
    truncated = np.where(n > 1, truncated, np.nan)
    return pd.DataFrame(truncated, index=scores.index, columns=scores.columns)


def data_age(years: pd.DataFrame) -> pd.DataFrame:
    """Years by which each data point is older than its indicator's modal data year
    (the latest of tied modes); negative for newer data. ``OUTDATED`` is ``age > 0``."""
    modes = {}
    for column in years.columns:
        counts = years[column].value_counts()
        modes[column] = counts[counts == counts.max()].index.max() if len(counts) else np.nan
    return pd.Series(modes) - years


def _excluded(flags: pd.DataFrame, data_age: pd.DataFrame | None, dmc: pd.DataFrame | None,
              max_data_age: float) -> pd.DataFrame:
    flags = flags.copy()
    if data_age is not None:
        age = data_age.reindex(index=flags.index, columns=flags.columns)
        flags = flags.mask(age > max_data_age)
    if dmc is not None:
        failing = dmc.reindex(index=flags.index, columns=flags.columns) == 1
        flags = flags.mask(failing)
    return flags.astype(object).where(flags.notna(), None)


def overall_strengths_weaknesses(scores: pd.DataFrame, ranks: pd.DataFrame,
                                 indicators: list[str], *,
                                 data_age: pd.DataFrame | None = None,
                                 dmc: pd.DataFrame | None = None, top_k: int = 10,
                                 auto_strength_rank: int = 3, max_data_age: float = 5,
                                 significance: int = 3) -> pd.DataFrame:
    """Strengths (``"S"``) and weaknesses (``"W"``) of every economy across all nodes.

    Parameters
    ----------
    scores, ranks : DataFrame, economies × nodes
        SCORE and RANK (ranks over all economies, 1 = best).
    indicators : list of str
        The indicator columns; they set each economy's cut-offs.
    data_age : DataFrame, optional
        See :func:`data_age`; indicators older than ``max_data_age`` are not signalled.
    dmc : DataFrame, optional
        DMC flags (1 = fails) of the aggregates; failing nodes are not signalled.
    top_k : int, default 10
    auto_strength_rank : int, default 3
        A node ranked this high or higher is a strength whatever its percentile rank.
    max_data_age : float, default 5
    significance : int, default 3
        Decimals kept (truncated) in the percentile ranks.

    Returns
    -------
    DataFrame, economies × nodes: ``"S"``, ``"W"`` or None.
    """
    ranks_pr = excel_percent_rank(scores, significance=significance)
    own = ranks_pr[indicators].to_numpy()
    n = np.sum(~np.isnan(own), axis=1)
    k = np.clip(np.minimum(top_k, n), 1, None) - 1
    descending = -np.sort(-own, axis=1)  # NaN last
    ascending = np.sort(own, axis=1)
    high_cut = np.take_along_axis(descending, k[:, None], axis=1)
    low_cut = np.take_along_axis(ascending, k[:, None], axis=1)
    p = ranks_pr.to_numpy()
    strong = (p >= high_cut) | (ranks.reindex(index=scores.index,
                                              columns=scores.columns).to_numpy()
                                <= auto_strength_rank)
    weak = (p <= low_cut) & ~strong
    flags = pd.DataFrame(np.where(strong, "S", np.where(weak, "W", None)),
                         index=scores.index, columns=scores.columns)
    flags = flags.where(scores.notna())
    return _excluded(flags, data_age, dmc, max_data_age)


def comparison_groups(income: pd.Series, overall_rank: pd.Series, *, top_n: int = 25,
                      top_income: str = "HI", top_label: str = "TOP") -> pd.DataFrame:
    """Who is compared with whom in the income-group profiles.

    Returns
    -------
    DataFrame, indexed like ``income``
        ``INCOME``; ``in_top`` (index rank ≤ ``top_n``); ``compared_with``: ``top_label``
        for top economies of income ``top_income``, else the economy's income group.
    """
    in_top = overall_rank.reindex(income.index) <= top_n
    compared = income.where(~(in_top & (income == top_income)), top_label)
    return pd.DataFrame({"INCOME": income, "in_top": in_top, "compared_with": compared})


def _members(groups: pd.DataFrame, label: str, top_label: str) -> pd.Index:
    if label == top_label:
        return groups.index[groups["in_top"]]
    return groups.index[groups["INCOME"] == label]


def group_statistics(scores: pd.DataFrame, groups: pd.DataFrame, *,
                     top_label: str = "TOP") -> pd.DataFrame:
    """Mean, population SD and count of scores per comparison group and node.

    The ``top_label`` group holds every top economy; an income group all economies of that
    income (top ones included). Returns a long table: ``group``, ``NUM``, ``n``, ``mean``,
    ``sd``.
    """
    rows = []
    for label in groups["compared_with"].dropna().unique():
        x = scores.loc[_members(groups, label, top_label)]
        stats = pd.DataFrame({"group": label, "NUM": x.columns, "n": x.notna().sum().values,
                              "mean": x.mean().values, "sd": x.std(ddof=0).values})
        rows.append(stats)
    return pd.concat(rows, ignore_index=True)


def income_group_comparison(scores: pd.DataFrame, groups: pd.DataFrame, *,
                            top_label: str = "TOP") -> pd.DataFrame:
    """Each economy's score against its comparison group: a long table with ``ISO3``,
    ``NUM``, ``score``, ``group``, ``group_n``, ``group_mean``, ``group_sd`` and
    ``z = (score − mean)/sd``."""
    stats = group_statistics(scores, groups, top_label=top_label)
    long = scores.rename_axis("ISO3").reset_index().melt(id_vars="ISO3", var_name="NUM",
                                                         value_name="score")
    long["group"] = long["ISO3"].map(groups["compared_with"])
    out = long.merge(stats.rename(columns={"n": "group_n", "mean": "group_mean",
                                           "sd": "group_sd"}), how="left",
                     on=["group", "NUM"])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["z"] = (out["score"] - out["group_mean"]) / out["group_sd"]
    return out


def income_group_strengths_weaknesses(scores: pd.DataFrame, groups: pd.DataFrame, *,
                                      data_age: pd.DataFrame | None = None,
                                      dmc: pd.DataFrame | None = None,
                                      max_data_age: float = 5, zero_min_group_size: int = 4,
                                      top_label: str = "TOP") -> pd.DataFrame:
    """Strengths and weaknesses of every economy relative to its comparison group.

    Parameters
    ----------
    scores : DataFrame, economies × nodes
    groups : DataFrame
        From :func:`comparison_groups`.
    data_age, dmc, max_data_age
        Exclusions as in :func:`overall_strengths_weaknesses`.
    zero_min_group_size : int, default 4
        A score of 0 is a weakness when the group has at least this many scores (GII 2023
        is reproduced by any value from 4 to 8: one economy with 0 in a group of 3 scores is
        not flagged, while groups of 8 or more flag their zeros).

    Returns
    -------
    DataFrame, economies × nodes: ``"S"``, ``"W"`` or None.
    """
    flags = pd.DataFrame(None, index=scores.index, columns=scores.columns, dtype=object)
    for label in groups["compared_with"].dropna().unique():
        x = scores.loc[_members(groups, label, top_label)]
        mean, sd, n = x.mean(), x.std(ddof=0), x.notna().sum()
        who = groups.index[groups["compared_with"] == label]
        y = scores.loc[who]
        spread = sd > 0
        strong = (y >= mean + sd) & spread
        weak = ((y <= mean - sd) & spread) | ((y == 0) & (n >= zero_min_group_size))
        block = pd.DataFrame(np.where(weak, "W", np.where(strong, "S", None)),
                             index=who, columns=scores.columns)
        flags.loc[who] = block
    flags = flags.where(scores.notna())
    return _excluded(flags, data_age, dmc, max_data_age)


def flag_agreement(predicted: pd.DataFrame, published: pd.DataFrame) -> dict[str, int]:
    """Counts comparing two flag tables cell by cell (None = no flag): ``cells`` (the cells
    checked), ``agree``, ``S_both``, ``W_both``, ``S_published``, ``W_published``.

    Only what the workbook publishes is checked: the economies with at least one published
    flag, at the nodes with at least one (there a blank means "neither"); elsewhere a blank
    means "not published" and is not counted. ``cells`` is 0 when no flag is published.
    """
    shown = published.notna().to_numpy()
    rows, cols = shown.any(axis=1), shown.any(axis=0)
    b = published.fillna("-").to_numpy()[np.ix_(rows, cols)]
    a = predicted.reindex_like(published).fillna("-").to_numpy()[np.ix_(rows, cols)]
    return {"cells": int(a.size), "agree": int((a == b).sum()),
            "S_both": int(((a == "S") & (b == "S")).sum()),
            "W_both": int(((a == "W") & (b == "W")).sum()),
            "S_published": int((b == "S").sum()), "W_published": int((b == "W").sum())}


#: Columns of a profiles table that :func:`economy_profile` needs, and the numeric ones.
PROFILE_COLUMNS = ("uCode", "uName", "code", "level", "score", "rank", "strength_weakness",
                   "income_group_sw")
_PROFILE_NUMBERS = ("score", "rank", "group_mean")


def economy_profile(profiles: pd.DataFrame, economy: str, *,
                    source: str = "profiles.csv") -> pd.DataFrame:
    """One economy's rows of a long profiles table (a gii import's ``profiles.csv``): scores
    and ranks at every level, strengths and weaknesses, the income-group comparison.

    ``source`` names the table in messages (a run's file may have been edited by hand).

    Raises
    ------
    InputError
        If a column of :data:`PROFILE_COLUMNS` is missing, a score, rank or group mean is
        not a number (naming ``source``, the row and the column), or the economy is not in
        the table (with the closest code).
    """
    fix = "write the run again with 'innometrics gii import'"
    missing = [c for c in PROFILE_COLUMNS if c not in profiles.columns]
    if missing:
        raise InputError(source, f"column '{missing[0]}' is missing", fix, column=missing[0])
    profiles = profiles.assign(**{c: to_float(profiles[c], source=source, column=c, fix=fix)
                                  for c in _PROFILE_NUMBERS if c in profiles.columns})
    code = str(economy).strip().upper()
    table = profiles[profiles["uCode"].astype(str).str.strip().str.upper() == code]
    if table.empty:
        codes = sorted(profiles["uCode"].astype(str).unique())
        raise InputError("economy", f"'{economy}' is not an economy of this GII."
                         f"{did_you_mean(code, codes)}", "give an ISO3 code, e.g. CHN")
    return table.reset_index(drop=True)
