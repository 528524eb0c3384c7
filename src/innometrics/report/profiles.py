"""Unit profiles: scores and ranks at every level, with strengths and weaknesses.

Two sources of strengths and weaknesses, always labelled in the report:

- a run's own ``profiles.csv`` (GII import runs: WIPO's method, see
  :mod:`innometrics.gii.profile`), read in either layout:

  *long* — ``uCode`` plus a node column (``iCode``, ``node`` or ``code``) and any other
  columns, one row per unit × node (e.g. the GII import's: ``strength_weakness``,
  ``income_group_sw`` and WIPO's own flags beside scores and group statistics); the columns
  holding only ``S``, ``W`` or nothing are the flags, and a profile lists the rows with a
  flag, with the node, the flags and the other text columns (e.g. ``level``);

  *wide* — ``uCode`` plus one column per node holding ``S``, ``W`` or nothing; turned into
  the long layout with a ``flag`` column;

- for plain build runs, a **generic** version (:func:`generic_strengths`): the unit's
  ``k`` indicators with the best ranks (strengths) and the ``k`` with the worst
  (weaknesses), ranks as in ``ranks.csv`` (1 = best among the units ranked, ties share the
  best rank), ties broken by framework order; ``k = min(5, n_indicators // 2)``. It is a
  simple description of where a unit stands, not WIPO's method.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["profile_data", "generic_strengths", "read_profiles", "flag_columns",
           "unit_attributes", "GENERIC_NOTE"]

GENERIC_NOTE = ("Generic profile, not WIPO's method: strengths are the unit's {k} indicators "
                "with the best ranks among the {n} units ranked, weaknesses the {k} with the "
                "worst (ties by framework order).")
_NODE_COLUMNS = ("iCode", "node", "code", "Node", "Code")


def _r(value: float, digits: int = 4) -> float | None:
    return None if not np.isfinite(value) else round(float(value), digits)


def generic_strengths(ranks: pd.DataFrame, indicators: list[str], k: int | None = None
                      ) -> dict[str, dict[str, list[str]]]:
    """Best and worst indicators of every unit by rank.

    Parameters
    ----------
    ranks : DataFrame
        Units × nodes (``ranks.csv`` indexed by ``uCode``).
    indicators : list of str
        The indicator codes (columns of ``ranks`` to consider), in framework order.
    k : int, optional
        How many of each; default ``min(5, len(indicators) // 2)``.

    Returns
    -------
    dict
        ``{uCode: {"strengths": [codes], "weaknesses": [codes]}}``; units with fewer than
        two ranked indicators get empty lists.

    Examples
    --------
    >>> r = pd.DataFrame({"a": [1, 2], "b": [2, 1], "c": [1, 2]}, index=["X", "Y"])
    >>> generic_strengths(r, ["a", "b", "c"])["X"]
    {'strengths': ['a'], 'weaknesses': ['b']}
    """
    cols = [c for c in indicators if c in ranks.columns]
    k = min(5, len(cols) // 2) if k is None else k
    out = {}
    for unit, row in ranks[cols].iterrows():
        present = [(float(v), i, c) for i, (c, v) in enumerate(row.items()) if pd.notna(v)]
        if len(present) < 2 or k < 1:
            out[str(unit)] = {"strengths": [], "weaknesses": []}
            continue
        best = sorted(present)[:k]
        worst = sorted(present, key=lambda t: (-t[0], t[1]))[:k]
        chosen = {c for _, _, c in best}
        out[str(unit)] = {"strengths": [c for _, _, c in best],
                          "weaknesses": [c for _, _, c in worst if c not in chosen]}
    return out


def _is_flag(column: pd.Series) -> bool:
    """Whether a column holds strength/weakness flags: only ``S``, ``W`` or nothing."""
    values = column.dropna().astype(str).str.strip()
    values = values[values != ""]
    return len(values) > 0 and bool(values.isin(["S", "W"]).all())


def flag_columns(table: pd.DataFrame) -> list[str]:
    """The columns of a long ``profiles.csv`` that hold ``S``/``W`` flags."""
    return [c for c in table.columns if c not in ("uCode", "iCode") and _is_flag(table[c])]


def read_profiles(table: pd.DataFrame, nodes: list[str]) -> pd.DataFrame:
    """A ``profiles.csv`` in the long layout (see the module docstring), reduced to what a
    profile shows: the rows with a flag, and the node, flag and other text columns (scores
    and ranks, shown from ``scores.csv``, and ``uName`` are left out). Empty if the table
    has no ``uCode`` column."""
    if "uCode" not in table.columns:
        return pd.DataFrame()
    node_col = next((c for c in _NODE_COLUMNS if c in table.columns), None)
    if node_col is not None:
        long = table.rename(columns={node_col: "iCode"})
    else:
        wide = [c for c in table.columns if c in set(nodes)]
        if not wide:
            return table
        long = table.melt(id_vars=["uCode"], value_vars=wide, var_name="iCode",
                          value_name="flag")
    flags = flag_columns(long)
    if not flags:
        return long.reset_index(drop=True)
    present = long[flags].apply(lambda c: c.notna() & (c.astype(str).str.strip() != ""))
    text = [c for c in long.columns if c not in ("uCode", "uName", "iCode", *flags)
            and _is_text(long[c]) and not _per_unit(long, c)]
    return long.loc[present.any(axis=1), ["uCode", "iCode", *text, *flags]].reset_index(
        drop=True)


def _is_text(column: pd.Series) -> bool:
    """Text that is neither a number nor a true/false flag."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    values = set(column.dropna().astype(str).str.strip().str.lower())
    return not values <= {"true", "false", ""}


def _per_unit(table: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` has one value per unit (an attribute of the unit, not the node)."""
    return bool((table.groupby("uCode")[column].nunique(dropna=False) <= 1).all())


def unit_attributes(table: pd.DataFrame) -> dict[str, list[list[str]]]:
    """Text columns of a long ``profiles.csv`` with one value per unit (e.g. the GII's
    ``compared_with`` group): ``{uCode: [[column, value], ...]}``."""
    if "uCode" not in table.columns:
        return {}
    node_col = next((c for c in _NODE_COLUMNS if c in table.columns), None)
    if node_col is None:
        return {}
    long = table.rename(columns={node_col: "iCode"})
    columns = [c for c in long.columns if c not in ("uCode", "uName", "iCode")
               and c not in flag_columns(long) and _is_text(long[c]) and _per_unit(long, c)]
    first = long.drop_duplicates("uCode").set_index("uCode")
    return {str(u): [[c, str(first.at[u, c])] for c in columns if pd.notna(first.at[u, c])]
            for u in first.index}


def profile_data(scores: pd.DataFrame, ranks: pd.DataFrame, framework: pd.DataFrame,
                 names: dict[str, str], profiles: pd.DataFrame | None = None) -> dict:
    """Everything the report's profile view needs, as JSON-ready data.

    Parameters
    ----------
    scores, ranks : DataFrame
        Units × nodes, indexed by ``uCode`` (indicators first, the index last).
    framework : DataFrame
        ``framework.csv``.
    names : dict
        ``uCode`` → unit name.
    profiles : DataFrame, optional
        A run's ``profiles.csv`` (any layout :func:`read_profiles` reads); without it the
        generic strengths and weaknesses are given.

    Returns
    -------
    dict
        ``units`` (code, name), ``nodes`` (code, name, level), ``scores`` and ``ranks``
        (per unit, one value per node, None = missing), ``median`` (per node), ``n``,
        and either ``flags`` (rows of ``profiles.csv`` per unit, with ``columns``) or
        ``generic`` (strengths and weaknesses per unit) with ``note``.
    """
    nodes = framework[framework["Type"].isin(["Indicator", "Aggregate"])]
    node_name = dict(zip(nodes["iCode"].astype(str),
                         nodes["iName"].fillna(nodes["iCode"]).astype(str)
                         if "iName" in nodes else nodes["iCode"].astype(str), strict=True))
    level = dict(zip(nodes["iCode"].astype(str), nodes["Level"].astype(int), strict=True))
    codes = [str(c) for c in scores.columns]
    s, r = scores.to_numpy(float), ranks.reindex(index=scores.index, columns=scores.columns
                                                 ).to_numpy(float)
    with np.errstate(all="ignore"):
        median = np.nanmedian(np.where(np.isfinite(s), s, np.nan), axis=0) if len(s) else []
    data = {"units": [[str(u), str(names.get(u, u))] for u in scores.index],
            "nodes": [[c, node_name.get(c, c), int(level.get(c, 0))] for c in codes],
            "scores": [[_r(v) for v in row] for row in s],
            "ranks": [[_r(v, 1) for v in row] for row in r],
            "median": [_r(v) for v in median], "n": int(len(scores))}
    indicators = [c for c in codes if level.get(c) == 1]
    table = read_profiles(profiles, codes) if profiles is not None else pd.DataFrame()
    if profiles is not None and not table.empty:
        table = table.astype(object).where(table.notna(), None)
        columns = [c for c in table.columns if c != "uCode"]
        flags: dict[str, list] = {}
        for rec in table.to_dict("records"):
            flags.setdefault(str(rec.get("uCode")), []).append(
                [None if v is None else str(v) for v in (rec.get(c) for c in columns)])
        data.update(flags=flags, columns=[str(c) for c in columns],
                    flag_columns=flag_columns(table), attributes=unit_attributes(profiles),
                    note="The table lists the nodes flagged S (strength) or W (weakness) in "
                         "any flag column of profiles.csv.")
    else:
        k = min(5, len(indicators) // 2)
        data.update(generic=generic_strengths(ranks, indicators, k),
                    note=GENERIC_NOTE.format(k=k, n=len(scores)))
    return data
