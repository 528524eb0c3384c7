"""Results tables of a built index (COINr's ``get_results``, ``get_unit_summary``,
``get_str_weak`` and group ranks), from an :class:`~innometrics.result.IndexResult`.

The kernel (:func:`strong_and_weak`) works on arrays; the table functions put codes, names
and groups around it. The methods of the same names on ``IndexResult`` call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._tree import ancestor_at
from .errors import InvalidParameter
from .framework import Framework
from .ranking import rank_min

__all__ = ["strong_and_weak", "strengths_weaknesses", "results_table", "unit_summary",
           "ranks_within", "r_collation_key", "coinr_order", "lineage_order"]


_R_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"  # ICU root order, before digits


def r_collation_key(text: str) -> tuple:
    """Sort key ordering codes as R's ``order`` does where COINr 1.1.14's references were made
    (R with ICU, root collation): spaces and punctuation first (in ICU's order, ``_`` before
    ``-`` before ``.``), then digits, then letters compared without case first and, on a tie,
    lower case before upper case (``"a_c" < "a1" < "A2" < "ab" < "b" < "B"``). Exact on ASCII
    codes; other characters sort after letters by code point.

    Examples
    --------
    >>> sorted(["Tech", "Human", "eco", "Infra", "B", "b", "P_1", "P.1", "P1"], key=r_collation_key)
    ['b', 'B', 'eco', 'Human', 'Infra', 'P_1', 'P.1', 'P1', 'Tech']
    """
    primary = tuple((0, _R_PUNCTUATION.index(c)) if c in _R_PUNCTUATION
                    else (1, c) if c.isdigit() and c.isascii()
                    else (2, c.casefold()) if c.isalpha() and c.isascii() else (3, c)
                    for c in text)
    return primary, tuple(c.isupper() for c in text)


def coinr_order(fw: Framework) -> list[str]:
    """Every code in the order of COINr's ``coin$Meta$Ind``: ``new_coin`` sorts iMeta by
    ``Level``, then ``Parent`` (:func:`r_collation_key`), keeping the file order on ties.
    ``get_unit_summary`` lists codes in this order (top level first), ``get_results`` its
    aggregates, ``get_str_weak`` tied indicators."""
    return sorted(fw.codes, key=lambda c: (fw[c].level, r_collation_key(str(fw[c].parent))))


def lineage_order(fw: Framework) -> list[str]:
    """The indicators in the order of COINr's ``coin$Meta$Lineage`` (the indicator columns of
    ``get_results(tab_type = "Full")``): sorted by their ancestors' codes from the top level
    down, then by their own code (:func:`r_collation_key`)."""
    def path(code: str) -> tuple:
        return tuple(r_collation_key(str(ancestor_at(fw, code, lv)))
                     for lv in range(fw.n_levels, 0, -1))
    return sorted(fw.indicators, key=path)


def strong_and_weak(x: np.ndarray, row: int, top: int) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    """The columns where unit ``row`` ranks best and worst (COINr's ``get_str_weak`` rule).

    Every column is ranked over the units (rank 1 = highest value, ties share the best rank,
    R's ``rank(-x, ties.method = "min")``). The unit's columns without a value, and those where
    it holds the column's worst rank, are left out; the rest are ordered by the unit's rank,
    ties kept in column order (R's stable ``order``). Strengths are the first ``top``,
    weaknesses the last ``top`` (listed best first, as COINr does).

    Parameters
    ----------
    x : ndarray, shape (n_units, n_columns)
        Values, higher = better (multiply by the directions first where they are not).
    row : int
        The unit's row.
    top : int
        How many strengths and weaknesses (fewer when fewer columns qualify).

    Returns
    -------
    strengths, weaknesses : ndarray of int
        Column indices.
    ranks : ndarray, shape (n_columns,)
        The unit's rank on every column.

    Examples
    --------
    >>> x = np.array([[3.0, 1.0, 5.0, 2.0], [1.0, 2.0, 4.0, np.nan], [2.0, 3.0, 6.0, 1.0]])
    >>> s, w, r = strong_and_weak(x, 0, 1)
    >>> s.tolist(), w.tolist(), r.tolist()
    ([0], [2], [1.0, 3.0, 2.0, 1.0])
    """
    if not 0 <= row < np.shape(x)[0]:
        raise ValueError(f"row {row} is outside the {np.shape(x)[0]} units.")
    if top < 1:
        raise ValueError(f"top must be at least 1; got {top}.")
    ranks = rank_min(x)
    worst = np.where(np.isnan(ranks), -np.inf, ranks).max(axis=0)
    mine = ranks[row]
    eligible = np.flatnonzero(~np.isnan(mine) & (mine != worst))
    ordered = eligible[np.argsort(mine[eligible], kind="stable")]
    return ordered[:top], ordered[max(len(ordered) - top, 0):], mine


def _stage(result: Any, stage: str) -> pd.DataFrame:
    if stage not in result.stages:
        raise InvalidParameter(f"stage '{stage}' is not in this result; its stages are "
                               f"{list(result.stages)}.")
    return result.stages[stage]


def _row_of(frame: pd.DataFrame, unit: str, where: str) -> int:
    if unit not in frame.index:
        raise InvalidParameter(f"unit '{unit}' is not in {where}. Fix: use a uCode of "
                               f"{list(frame.index[:5])}{', ...' if len(frame) > 5 else ''}.")
    return int(frame.index.get_loc(unit))


def strengths_weaknesses(result: Any, unit: str, *, stage: str = "Raw", top: int = 5,
                         level: int = 2, adjust_direction: bool | None = None
                         ) -> pd.DataFrame:
    """A unit's strongest and weakest indicators on a stage (COINr's ``get_str_weak``).

    Parameters
    ----------
    result : IndexResult
    unit : str
        The unit's code.
    stage : str, default "Raw"
        The stage whose indicator values are ranked (COINr's default is the raw data).
    top : int, default 5
        COINr's ``topN`` and ``bottomN``.
    level : int, default 2
        The level of the ancestor named in the table (COINr's ``report_level``).
    adjust_direction : bool, optional
        Multiply the values by the indicators' directions before ranking; default: only on
        ``Raw`` (as COINr: later stages are already "higher is better").

    Returns
    -------
    DataFrame
        ``Kind`` ("strength" or "weakness"), ``iCode``, ``iName``, ``Level_<level>`` (the
        ancestor), ``Rank`` (among the units of the stage), ``Value`` (the stage's value, not
        direction-adjusted), ``Unit`` (of measurement). See :func:`strong_and_weak` for the
        cut-off and tie rule; indicators tied on rank come in COINr's order (new_coin sorts
        iMeta by parent code, then keeps the file order).
    """
    fw = result.recipe.framework
    frame = _stage(result, stage)
    # ties are listed in COINr's order of its iMeta: by parent code, then framework order
    codes = [c for c in coinr_order(fw) if fw[c].level == 1 and c in frame.columns]
    x = frame[codes].to_numpy(dtype=np.float64)
    if adjust_direction is None:
        adjust_direction = stage == "Raw"
    ranked = x * np.array([fw[c].direction for c in codes]) if adjust_direction else x
    row = _row_of(frame, unit, f"stage '{stage}'")
    strong, weak, ranks = strong_and_weak(ranked, row, top)
    rows = [(kind, codes[j], fw[codes[j]].name, ancestor_at(fw, codes[j], level), ranks[j],
             x[row, j], fw[codes[j]].unit)
            for kind, columns in (("strength", strong), ("weakness", weak)) for j in columns]
    return pd.DataFrame(rows, columns=["Kind", "iCode", "iName", f"Level_{level}", "Rank",
                                       "Value", "Unit"])


def _levels(fw: Framework, levels: Sequence[int] | None) -> list[int]:
    """The levels asked for, top first; default every aggregate level."""
    if levels is None:
        return list(range(fw.n_levels, 1, -1))
    bad = [lv for lv in levels if lv not in range(1, fw.n_levels + 1)]
    if bad:
        raise InvalidParameter(f"levels {bad} are not in the framework (levels 1 to "
                               f"{fw.n_levels}; 1 = indicators).")
    return sorted(set(levels), reverse=True)


def _ordered_at(fw: Framework, level: int) -> list[str]:
    """The codes of one level in the column order of COINr's ``get_results``."""
    if level == 1:
        return lineage_order(fw)
    return [c for c in coinr_order(fw) if fw[c].level == level]


def _groups_of(result: Any, columns: Sequence[str], units: pd.Index) -> pd.DataFrame:
    data = result.recipe.data
    unknown = [c for c in columns if c not in data.groups.columns]
    if unknown:
        raise InvalidParameter(f"group column(s) {unknown} are not in the data; its groups are "
                               f"{list(data.groups.columns)}.")
    table = pd.DataFrame(data.groups[list(columns)].to_numpy(dtype=object),
                         index=pd.Index(data.units, name="uCode"), columns=list(columns))
    return table.loc[units]


def results_table(result: Any, *, levels: Sequence[int] | None = None,
                  groups: Sequence[str] = (), ranks: bool = True) -> pd.DataFrame:
    """The scores of every unit at the chosen levels, best first (COINr's ``get_results``).

    Parameters
    ----------
    result : IndexResult
    levels : list of int, optional
        Framework levels to show (1 = indicators); default every aggregate level (COINr's
        ``tab_type = "Aggs"``).
    groups : list of str
        Group columns of the data to show beside the names, each with the index rank within
        its group (``Rank in <group>``, see :func:`ranks_within`).
    ranks : bool, default True
        Add each shown code's rank, ``<code>.Rank`` (the index's is always there: ``Rank``).

    Returns
    -------
    DataFrame
        Indexed by ``uCode``: ``uName``, the groups, ``Rank`` (on the index, ties share the
        best rank), ``Rank in <group>`` per group, then the scores level by level from the
        top in COINr's order (aggregates by parent code, then framework order:
        :func:`coinr_order`; indicators by their ancestors' codes, then their own:
        :func:`lineage_order`), then their ranks (``<code>.Rank``, the index's being
        ``Rank``). Sorted by the index score, highest first, ties by unit code (COINr's
        ``new_coin`` sorts the units by code); units without an index score last.
    """
    fw = result.recipe.framework
    scores = result.scores
    codes = [c for lv in _levels(fw, levels) for c in _ordered_at(fw, lv)]
    missing = [c for c in codes + [fw.codes[-1]] if c not in scores.columns]
    if missing:
        raise InvalidParameter(f"the result has no scores for {missing[:5]}. Fix: add an "
                               f"'aggregate' step to the recipe.")
    index = fw.codes[-1]
    names = dict(zip(result.recipe.data.units, result.recipe.data.names, strict=True))
    table = pd.DataFrame({"uName": [names[u] for u in scores.index]}, index=scores.index)
    table = table.join(_groups_of(result, groups, scores.index))
    all_ranks = result.ranks
    table["Rank"] = all_ranks[index]
    for group in groups:
        table[f"Rank in {group}"] = ranks_within(result, group)[index]
    table = table.join(scores[codes])
    if ranks:
        table = table.join(all_ranks[[c for c in codes if c != index]].add_suffix(".Rank"))
    by_code = sorted(range(len(table)), key=lambda i: r_collation_key(str(table.index[i])))
    order = np.argsort(-scores[index].to_numpy(dtype=np.float64)[by_code], kind="stable")
    return table.iloc[np.asarray(by_code)[order]]


def unit_summary(result: Any, unit: str, *, levels: Sequence[int] | None = None
                 ) -> pd.DataFrame:
    """One unit's scores and ranks at the chosen levels (COINr's ``get_unit_summary``).

    Returns
    -------
    DataFrame
        ``iCode``, ``iName``, ``Level``, ``Score``, ``Rank`` (among all units, ties share the
        best rank), levels from the top (default every aggregate level), each level in
        COINr's order (:func:`coinr_order`: by parent code, then framework order).
    """
    fw = result.recipe.framework
    scores, all_ranks = result.scores, result.ranks
    row = _row_of(scores, unit, "the result's scores")
    order = coinr_order(fw)
    codes = [c for lv in _levels(fw, levels) for c in order
             if fw[c].level == lv and c in scores.columns]
    return pd.DataFrame({"iCode": codes, "iName": [fw[c].name for c in codes],
                         "Level": [fw[c].level for c in codes],
                         "Score": scores[codes].iloc[row].to_numpy(dtype=np.float64),
                         "Rank": all_ranks[codes].iloc[row].to_numpy(dtype=np.float64)})


def ranks_within(result: Any, group: str) -> pd.DataFrame:
    """Ranks of every score within each group of a group column (COINr's ``rank_df`` with
    ``use_group``): rank 1 = best of its group, ties share the best rank; units without a
    group have no rank.

    Returns
    -------
    DataFrame
        Indexed by ``uCode``: the group column, then one rank column per code of
        :attr:`~innometrics.result.IndexResult.scores`.
    """
    scores = result.scores
    labels = _groups_of(result, [group], scores.index)[group]
    values = scores.to_numpy(dtype=np.float64)
    out = np.full(values.shape, np.nan)
    for label in pd.unique(labels.dropna()):
        rows = (labels == label).to_numpy()
        out[rows] = rank_min(values[rows])
    return pd.concat([labels, pd.DataFrame(out, index=scores.index, columns=scores.columns)],
                     axis=1)
