"""Changing an index and selecting from it (COINr's ``change_ind``, direction overrides and
``get_data``'s selectors): recipe copies that rebuild, and views of a result's stages.

The recipe functions return a new :class:`~innometrics.recipe.Recipe`, validated like a
loaded one (a step setting naming a removed indicator is an error); the ``IndexResult``
methods of the same names rebuild from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ._tree import branch
from .data import load_data
from .errors import InvalidParameter
from .framework import Framework, load_framework
from .recipe import Recipe

__all__ = ["recipe_without", "recipe_with_directions", "select"]


def _unknown(fw: Framework, codes: Iterable[str], what: str) -> None:
    unknown = [c for c in codes if c not in fw]
    if unknown:
        raise InvalidParameter(f"{what}: {unknown[:5]} not in the framework. Fix: use codes of "
                               f"its iCode column.")


def recipe_without(recipe: Recipe, codes: Iterable[str]) -> Recipe:
    """The recipe without some nodes (COINr's ``change_ind(..., drop = codes)``): each code
    with everything under it; an aggregate left without children goes too.

    Raises
    ------
    InvalidParameter
        For an unknown code, the index itself, or when nothing would be left.
    """
    fw = recipe.framework
    codes = list(codes)
    _unknown(fw, codes, "without")
    top = fw.codes_at(fw.n_levels)
    if any(c in top for c in codes):
        raise InvalidParameter(f"without: {top} is the index; it cannot be removed.")
    gone: set[str] = set()
    for code in codes:
        gone |= branch(fw, code)
    for level in range(2, fw.n_levels + 1):  # aggregates whose children are all gone
        gone |= {c for c in fw.codes_at(level)
                 if all(k in gone for k in fw.codes_at(level - 1) if fw[k].parent == c)}
    if set(top) <= gone:
        raise InvalidParameter(f"without: removing {codes} leaves no indicator.")
    table = fw.to_frame()
    framework = load_framework(table[~table["iCode"].isin(gone)], source=fw.source)
    data = recipe.data.to_frame()
    data = data.drop(columns=[c for c in fw.indicators if c in gone])
    return replace(recipe, framework=framework,
                   data=load_data(data, framework, source=recipe.data.source), tables={})


def recipe_with_directions(recipe: Recipe, directions: Mapping[str, int]) -> Recipe:
    """The recipe with some indicators' directions overridden (+1: higher is better; −1:
    lower is better), as editing COINr's ``iMeta$Direction`` and regenerating.

    Raises
    ------
    InvalidParameter
        For a code that is not an indicator or a direction other than 1 or −1.
    """
    fw = recipe.framework
    _unknown(fw, directions, "with_directions")
    wrong = {c: d for c, d in directions.items() if fw[c].level != 1 or d not in (1, -1)
             or isinstance(d, bool)}
    if wrong:
        raise InvalidParameter(f"with_directions: {wrong} — give indicator codes with 1 or -1.")
    nodes = tuple(replace(n, direction=int(directions.get(n.code, n.direction)))
                  for n in fw.nodes)
    return replace(recipe, framework=replace(fw, nodes=nodes), tables={})


def select(result: Any, *, stage: str | None = None, under: str | None = None,
           level: int | None = None, group: Mapping[str, Any] | str | None = None,
           units: str | Sequence[str] | None = None) -> pd.DataFrame:
    """A slice of a stage (COINr's ``get_data`` with ``iCodes``, ``Level``, ``uCodes`` and
    ``use_group``).

    Parameters
    ----------
    result : IndexResult
    stage : str, optional
        Default the last stage.
    under : str, optional
        Only nodes below this one (and itself).
    level : int, optional
        Only nodes at this level (1 = indicators); with ``under``, the nodes at ``level``
        below it (COINr: ``iCodes = under, Level = level``).
    group : mapping or str, optional
        ``{group column: value or list of values}``: only the units in those groups. A group
        column's name, with ``units``: the units sharing a group with them, their peers
        (COINr: ``uCodes = units, use_group = "column"``; a unit with no group shares it with
        the others that have none, as in COINr).
    units : str or sequence of str, optional
        Only these units (COINr's ``uCodes``), or with a group column, their peers.

    Returns
    -------
    DataFrame
        Units × codes, indexed by ``uCode``, in the stage's order.

    Raises
    ------
    InvalidParameter
        For an unknown stage, node, level, group column, group value or unit, an empty
        selection of codes, or ``units`` with a ``{column: value}`` group (COINr then ignores
        the group; give one or the other).
    """
    fw = result.recipe.framework
    name = stage or next(reversed(result.stages))
    if name not in result.stages:
        raise InvalidParameter(f"select: stage '{name}' is not in the result; its stages are "
                               f"{list(result.stages)}.")
    frame = result.stages[name]
    codes = list(frame.columns)
    if under is not None:
        _unknown(fw, [under], "select(under=...)")
        inside = branch(fw, under)
        codes = [c for c in codes if c in inside]
    if level is not None:
        if level not in range(1, fw.n_levels + 1):
            raise InvalidParameter(f"select: level {level} is not in the framework (1 to "
                                   f"{fw.n_levels}).")
        codes = [c for c in codes if fw[c].level == level]
    if not codes:
        where = f" at level {level}" if level is not None else ""
        below = f" under '{under}'" if under is not None else ""
        raise InvalidParameter(f"select: stage '{name}' holds no code{below}{where}; an "
                               "aggregate (level > 1) is in the stage of the aggregate step "
                               f"(the stages are {list(result.stages)}).")
    return frame.loc[_rows(result, frame.index, group, units), codes]


def _rows(result: Any, index: pd.Index, group: Mapping[str, Any] | str | None,
          units: str | Sequence[str] | None) -> np.ndarray:
    """The rows of ``index`` that :func:`select`'s ``group`` and ``units`` keep."""
    data = result.recipe.data

    def labels_of(column: str) -> pd.Series:
        if column not in data.groups.columns:
            raise InvalidParameter(f"select: '{column}' is not a group column; the data's are "
                                   f"{list(data.groups.columns)}.")
        return pd.Series(data.groups[column].to_numpy(dtype=object),
                         index=list(data.units)).reindex(index)

    keep = np.ones(len(index), dtype=bool)
    if units is not None:
        chosen = [units] if isinstance(units, str) else list(units)
        missing = [u for u in chosen if u not in index]
        if missing:
            raise InvalidParameter(f"select: units {missing} are not in the stage's units "
                                   f"({len(index)}: {', '.join(map(str, index[:5]))}, ...).")
        if isinstance(group, Mapping):
            raise InvalidParameter("select: give units with a group column's name (their "
                                   "peers, e.g. group='GDP_group'), or a {column: value} group "
                                   "without units; not both.")
        if isinstance(group, str):
            labels = labels_of(group)
            shared = labels[chosen]
            # a unit without a group shares it with the other units without one, as in COINr
            keep = (labels.isin(shared.dropna().tolist()).to_numpy()
                    | (labels.isna().to_numpy() & shared.isna().any()))
        else:
            keep = index.isin(chosen)
        return keep
    if isinstance(group, str):
        raise InvalidParameter(f"select: group='{group}' names a column, which selects the peers "
                               "of units=...; to select a group give {column: value}.")
    for column, wanted in (group or {}).items():
        values = wanted if isinstance(wanted, list | tuple | set) else [wanted]
        labels = labels_of(column)
        known = set(data.groups[column].dropna())
        unknown = [v for v in values if v not in known]
        if unknown:
            raise InvalidParameter(f"select: {unknown} are not values of group column "
                                   f"'{column}'; its values are {sorted(known, key=str)}.")
        keep &= labels.isin(values).to_numpy()
    return keep
