"""Correlations between the nodes of any two levels of any stage, or within one level
(COINr's ``get_corr``): with each node's parent or whole family, within the groups of a level,
Pearson, Spearman or Kendall, insignificant ones blanked, long or wide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._params import Integral, Interval, Options, Real, check_params, one_of
from .._tree import ancestor_at
from ..changes import select
from ..errors import InvalidParameter
from ..framework import Framework
from ..results import coinr_order, lineage_order, r_collation_key
from .correlations import METHODS, correlation_matrix

__all__ = ["node_correlations", "WITH_PARENT"]

#: ``with_parent`` options and COINr's ``withparent`` equivalents.
WITH_PARENT = {"none": False, "parent": True, "family": "family"}
_OWNER = "node_correlations"
_CONSTRAINTS = {"method": [Options(set(METHODS))], "with_parent": [Options(set(WITH_PARENT))],
                "p_value": [Interval(Real, 0, 1), None], "long": [bool], "use_directions": [bool],
                "group_level": [Interval(Integral, 2, None), None]}
Codes = str | Sequence[str] | None


def _levels(levels: int | Sequence[int], fw: Framework) -> list[int]:
    pair = [levels] if isinstance(levels, Integral) else list(levels)
    if len(pair) not in (1, 2) or not all(isinstance(lv, Integral) and not isinstance(lv, bool)
                                          and 1 <= lv <= fw.n_levels for lv in pair):
        raise InvalidParameter(f"'levels' of {_OWNER} must be one level or two, each from 1 to "
                               f"{fw.n_levels}; got {levels!r}.")
    return [int(lv) for lv in pair * (3 - len(pair))]


def _code_sides(codes: Any) -> list[list[str] | None]:
    """COINr's ``iCodes``: one selection for both sides, or a pair of selections."""
    if codes is None or isinstance(codes, str):
        sides = [codes, codes]
    else:
        sides = list(codes)
        if len(sides) == 1:
            sides = sides * 2
    if len(sides) != 2 or not all(s is None or isinstance(s, str) or (
            isinstance(s, Sequence) and s and all(isinstance(c, str) for c in s)) for s in sides):
        raise InvalidParameter(f"'codes' of {_OWNER} must be a code, or a pair (first, second) "
                               f"of codes, lists of codes or None; got {codes!r}.")
    return [[s] if isinstance(s, str) else None if s is None else list(s) for s in sides]


def _select(fw: Framework, codes: list[str] | None, level: int) -> list[str]:
    """COINr's ``get_data(iCodes, Level)`` columns: every node of ``level`` in iMeta order, or
    the nodes of ``level`` below or above ``codes`` (one level) in ``Meta$Lineage`` order."""
    if codes is None:
        return [c for c in coinr_order(fw) if fw[c].level == level]
    unknown = [c for c in codes if c not in fw]
    if unknown:
        raise InvalidParameter(f"'codes' of {_OWNER}: {unknown} not in the framework.")
    own = {fw[c].level for c in codes}
    if len(own) != 1:
        raise InvalidParameter(f"'codes' of {_OWNER}: {codes} are from different levels; one "
                               f"selection takes codes of one level.")
    at = own.pop()
    picked = (ancestor_at(fw, ind, level) for ind in lineage_order(fw)
              if ancestor_at(fw, ind, at) in codes)
    return list(dict.fromkeys(picked))


def _directed(frame: pd.DataFrame, fw: Framework, levels: list[int]) -> pd.DataFrame:
    """The indicators times their directions (COINr's ``directionalise``, indicators only)."""
    if max(levels) > 1:
        raise InvalidParameter(f"use_directions of {_OWNER} turns indicators only (level 1); "
                               f"got levels {levels}. Fix: correlate indicators only, or a "
                               f"normalised stage (already oriented).")
    turned = frame.copy()
    for code in (c for c in fw.indicators if c in turned.columns):
        turned[code] = turned[code] * fw[code].direction
    return turned


def _merge_sorted(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order of R's ``merge`` on (Var1, Var2): R pastes the keys with ``"\\r"``
    and sorts the pasted text (ICU collation); ``"\\r"`` sorts before every printable
    character, as the space does in :func:`~innometrics.results.r_collation_key`."""
    keys = [r_collation_key(f"{a} {b}") for a, b in zip(table["Var1"], table["Var2"],
                                                         strict=True)]
    return table.iloc[sorted(range(len(table)), key=keys.__getitem__)].reset_index(drop=True)


def _wide(table: pd.DataFrame) -> pd.DataFrame:
    """COINr's ``widen``: a row per ``Var2``, a column per ``Var1``, both in R's sorted order."""
    wide = table.pivot(index="Var2", columns="Var1", values="Correlation")
    rows = sorted(wide.index, key=r_collation_key)
    columns = sorted(wide.columns, key=r_collation_key)
    wide = wide.loc[rows, columns]
    wide.index.name = wide.columns.name = None
    return wide


def node_correlations(result, stage: str | None = None, *, levels: int | Sequence[int] = 1,
                      codes: Codes | tuple[Codes, Codes] = None, with_parent: str = "none",
                      group_level: int | None = None, method: str = "pearson",
                      p_value: float | None = 0.05, long: bool = True,
                      group: Mapping[str, Any] | None = None, use_directions: bool = False,
                      level_names: Sequence[str] | None = None) -> pd.DataFrame:
    """Correlations between the nodes of two levels, or of one level, on any stage (COINr's
    ``get_corr``, pair for pair and row for row).

    The two sides are the nodes of ``levels`` (optionally under or above ``codes``); the higher
    level is ``Var1``. Each pair's correlation is on its complete cases
    (:func:`~innometrics.audit.correlations.pair_correlation`); where its p-value exceeds
    ``p_value`` it is blanked (NaN), as COINr does. Long: every (Var1, Var2) pair, by ``Var2``
    then ``Var1`` in selection order; with ``with_parent`` or ``group_level``, only the pairs
    that agree with the framework, sorted by codes (R's ``merge``).

    Parameters
    ----------
    result : IndexResult
    stage : str, optional
        The stage (``Raw``, ..., ``Aggregated``) to correlate; default the last one. COINr:
        ``dset``.
    levels : int or (int, int), default 1
        One level (its nodes against each other) or two. COINr: ``Levels``.
    codes : str, or (first, second), optional
        Restrict a side to the nodes of its level under (or above) these codes, one level per
        side; one code or list for both sides, or a pair. COINr: ``iCodes`` (a character
        vector's elements are the two sides, as there).
    with_parent : {"none", "parent", "family"}, default "none"
        "parent": only each lower node with its parent at the higher level (two levels).
        "family": each node of ``levels[0]`` with its ancestor at every level above, ``Var1``
        naming the level (``levels[1]`` and the second side ignored, as COINr). COINr:
        ``withparent`` FALSE, TRUE, "family".
    group_level : int, optional
        Only pairs of one level's nodes in the same group at this higher level, self-pairs
        included, both orders. COINr: ``grouplev``.
    method : {"pearson", "spearman", "kendall"}, default "pearson"
        COINr: ``cortype``.
    p_value : float or None, default 0.05
        Blank correlations whose two-sided p-value (R's ``cor.test`` of ``method``) exceeds
        this; None or 0 blanks none. COINr: ``pval`` (same default).
    long : bool, default True
        Long table ``Var1, Var2, Correlation``, or the wide matrix (COINr's ``widen``: a row per
        ``Var2``, a column per ``Var1``, sorted by code; with ``with_parent="parent"`` the
        pairs left out are NaN, where COINr's ``widen`` fails). COINr: ``make_long``.
    group : mapping, optional
        ``{group column: value or values}``: only the units of those groups
        (:meth:`~innometrics.result.IndexResult.select`). COINr: ``use_group = list(column =
        value)``, passed through ``...`` to ``get_data``.
    use_directions : bool, default False
        Multiply each indicator by its direction first (for stages before normalisation; only
        indicators can be turned). COINr: ``use_directions``.
    level_names : sequence of str, optional
        Names of the levels from 1 up, for the "family" table (default ``Level_1``, ...).
        COINr: ``new_coin``'s ``level_names``.

    Returns
    -------
    DataFrame
        Long: ``Var1, Var2, Correlation``; wide: ``Var2`` × ``Var1``.

    Raises
    ------
    InvalidParameter
        An unknown option or level; codes of mixed levels; ``group_level`` not above the level,
        with two levels, or with two different selections; ``with_parent`` "parent" with one
        level, "family" from the top level; ``group_level`` or "family" with ``long=False``
        (COINr ignores some of these silently).
    ValueError
        ``stage`` not in the result, or a selected node not in that stage.

    References
    ----------
    Becker, W. et al. (2022). COINr: An R package for developing composite indicators.
    Journal of Open Source Software 7(78), 4567. doi:10.21105/joss.04567

    Examples
    --------
    Five units, indicators ``a, b`` in pillar ``P``, ``c`` alone in ``Q``, index ``I``:

    >>> import pandas as pd
    >>> from innometrics import Recipe, load_data, load_framework
    >>> fw = load_framework(pd.DataFrame({
    ...     "iCode": list("abcPQI"), "iName": list("abcPQI"), "Level": [1, 1, 1, 2, 2, 3],
    ...     "Parent": list("PPQII") + [None], "Weight": 1, "Direction": 1,
    ...     "Type": ["Indicator"] * 3 + ["Aggregate"] * 3}))
    >>> data = load_data(pd.DataFrame({"uCode": list("VWXYZ"), "uName": list("VWXYZ"),
    ...     "a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "c": [5, 3, 4, 1, 2]}), fw)
    >>> result = Recipe(fw, data, (("aggregate", {}),)).run()
    >>> node_correlations(result, levels=(1, 2), with_parent="parent", p_value=None).round(3)
      Var1 Var2  Correlation
    0    P    a        0.949
    1    P    b        0.949
    2    Q    c        1.000
    >>> node_correlations(result, levels=(1, 2), p_value=None, long=False).round(3)
           P    Q
    a  0.949 -0.8
    b  0.949 -0.3
    c -0.580  1.0
    >>> node_correlations(result, levels=(1, 2), long=False).round(3)  # p > 0.05 blanked
           P    Q
    a  0.949  NaN
    b  0.949  NaN
    c    NaN  1.0
    >>> node_correlations(result, group_level=2, method="kendall", p_value=None).round(3)
      Var1 Var2  Correlation
    0    a    a          1.0
    1    a    b          0.6
    2    b    a          0.6
    3    b    b          1.0
    4    c    c          1.0
    """
    check_params(_OWNER, {"method": method, "with_parent": with_parent, "p_value": p_value,
                          "long": long, "group_level": group_level,
                          "use_directions": use_directions}, _CONSTRAINTS)
    fw = result.recipe.framework
    if stage is not None and stage not in result.stages:
        raise InvalidParameter(one_of("stage", list(result.stages), stage, owner=_OWNER))
    frame = result.scores if stage is None else result.stages[stage]
    if group is not None:
        frame = select(result, stage=stage, group=group)
    if use_directions:  # COINr's "family" drops use_directions; refused here with aggregates
        frame = _directed(frame, fw, _levels(levels, fw) + (
            [fw.n_levels] if with_parent == "family" else []))
    given = _levels(levels, fw)
    low, high = sorted(given)
    first, second = _code_sides(codes)
    if given[0] < given[1]:
        first, second = second, first  # as COINr: the higher level first
    names = list(level_names) if level_names is not None else [
        f"Level_{lv}" for lv in range(1, fw.n_levels + 1)]
    if len(names) != fw.n_levels:
        raise InvalidParameter(f"'level_names' of {_OWNER} must name the {fw.n_levels} levels; "
                               f"got {len(names)}.")
    if with_parent == "family":
        low = given[0]
        if not long or group_level is not None or low == fw.n_levels:
            raise InvalidParameter(f"with_parent='family' of {_OWNER} needs a level below the "
                                   f"top ({fw.n_levels}), long=True and no group_level.")
        codes_low = _code_sides(codes)[0]
        parts = []
        for level in range(low + 1, fw.n_levels + 1):
            part = _table(frame, fw, (level, low), (codes_low, codes_low), "parent", None,
                          method, p_value)
            parts.append(part.assign(Var1=names[level - 1]))
        return pd.concat(parts, ignore_index=True)
    two_selections = (first is not None or second is not None) and set(first or []) != set(
        second or [])
    if group_level is not None and (high != low or two_selections or not long
                                    or not high < group_level <= fw.n_levels):
        raise InvalidParameter(
            f"'group_level' of {_OWNER} groups one level's nodes (one selection, long=True) by a "
            f"level above it, up to {fw.n_levels}; got group_level={group_level} with levels "
            f"{levels!r}, codes {codes!r}, long={long}.")
    if with_parent == "parent" and high == low:
        raise InvalidParameter(f"with_parent='parent' of {_OWNER} needs two different levels; "
                               f"got {levels!r}.")
    table = _table(frame, fw, (high, low), (first, second), with_parent, group_level, method,
                   p_value)
    return table if long else _wide(table)


def _table(frame: pd.DataFrame, fw: Framework, levels: tuple[int, int],
           codes: tuple[list[str] | None, list[str] | None], with_parent: str,
           group_level: int | None, method: str, p_value: float | None) -> pd.DataFrame:
    """The long table of one ``get_corr`` call (``levels[0] >= levels[1]``)."""
    rows, cols = (_select(fw, c, lv) for c, lv in zip(codes, levels, strict=True))
    absent = [c for c in rows + cols if c not in frame.columns]
    if absent:
        raise ValueError(f"{absent} are not in this stage (nodes above the indicators are in "
                         f"the stages after aggregation). Fix: pick another stage or level.")
    r, p = correlation_matrix(frame[rows].to_numpy(np.float64), frame[cols].to_numpy(np.float64),
                              method, p_values=bool(p_value))
    if p_value:
        r[p > p_value] = np.nan
    table = pd.DataFrame({"Var1": np.tile(rows, len(cols)), "Var2": np.repeat(cols, len(rows)),
                          "Correlation": r.T.ravel()})
    if with_parent == "parent" and levels[0] != levels[1] and len(cols) > 1:
        own = [ancestor_at(fw, b, levels[0]) == a for a, b in zip(table["Var1"], table["Var2"],
                                                                   strict=True)]
        return _merge_sorted(table[own])
    if group_level is not None:
        same = [ancestor_at(fw, a, group_level) == ancestor_at(fw, b, group_level)
                for a, b in zip(table["Var1"], table["Var2"], strict=True)]
        return _merge_sorted(table[same])
    return table
