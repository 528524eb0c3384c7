"""The framework: the indicator tree of a composite index.

A framework lists nodes (indicators at level 1, aggregates above), each with a parent one level
up, a weight relative to its siblings and, for indicators, a direction (+1: more is better,
-1: less is better) and an optional denominator. It also names the group columns and the
denominator columns that unit data may carry.

COINr's ``iMeta`` table is read as it is: columns ``iCode, iName, Level, Parent, Direction,
Weight, Type, Denominator, Target`` (``Type`` one of Indicator, Aggregate, Group, Denominator,
Other), every normalisation parameter column COINr 1.1.14 reads with
``Normalise(f_n_para = "use_iMeta")`` (optional; :mod:`innometrics.imeta`: ``minmax_lower,
minmax_upper, zscore_mean, zscore_sd, scaled_lower, scaled_upper, scale_factor,
dist2targ_cap_max, goalpost_lower, goalpost_upper, goalpost_scale, goalpost_trunc2posts``;
used by ``normalise: {from_framework: true}``), ``EffWeight`` (which COINr's
``get_eff_weights`` writes; checked against the weights), plus the descriptive columns
``Unit, Source, Description``, which are carried along. Column names match whatever their
case (``direction`` is ``Direction``); any other column is an error, so that a misspelt
``Directon`` cannot silently leave every direction at +1 (COINr lets any extra column pass
unread).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Collection, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import cached_property

import numpy as np
import pandas as pd

from ._params import did_you_mean
from .cells import columns_of, number_columns, text_column, to_float
from .errors import InputError
from .imeta import (
    FLAG_COLUMNS,
    NUMBER_COLUMNS,
    normalise_parameters,
    read_flags,
)
from .io import TableSpec, match_columns, table_from

__all__ = ["Node", "Framework", "load_framework"]

_NODE_TYPES = {"Indicator", "Aggregate"}
_ALL_TYPES = _NODE_TYPES | {"Group", "Denominator", "Other"}
_REQUIRED = ("iCode", "Level", "Parent", "Weight", "Type")
#: Columns read for their meaning; the descriptive ones are carried into outputs as text.
COLUMNS = ("iCode", "iName", "Level", "Parent", "Direction", "Weight", "Type", "Denominator",
           *NUMBER_COLUMNS, *FLAG_COLUMNS, "EffWeight")
DESCRIPTIVE = ("Unit", "Source", "Description")


@dataclass(frozen=True)
class Node:
    """One indicator or aggregate of the tree."""

    code: str
    name: str
    level: int
    parent: str | None
    weight: float
    direction: int = 1
    denominator: str | None = None
    target: float | None = None
    #: COINr's iMeta normalisation parameters (:mod:`innometrics.imeta`, read with
    #: ``normalise: {from_framework: true}``), in the indicator's own units; the attribute is
    #: the column's name in lower case.
    minmax_lower: float | None = None
    minmax_upper: float | None = None
    zscore_mean: float | None = None
    zscore_sd: float | None = None
    scaled_lower: float | None = None
    scaled_upper: float | None = None
    scale_factor: float | None = None
    dist2targ_cap_max: bool | None = None
    goalpost_lower: float | None = None
    goalpost_upper: float | None = None
    goalpost_scale: float | None = None
    goalpost_trunc2posts: bool | None = None
    unit: str | None = None
    source: str | None = None
    description: str | None = None


#: Each Node field that has a default, and the default.
_NODE_DEFAULTS = {f.name: f.default for f in fields(Node) if f.default is not MISSING}


def _validated_node(**values: object) -> Node:
    """``Node(**values)`` for values :func:`load_framework` has validated: the same node
    (fields, equality, hash, repr), built without the frozen dataclass's
    ``object.__setattr__`` per field (23 fields: ~2 µs a node, a seventh of loading ASEM's
    framework). ``values`` must name fields only; tests check the nodes against ``Node``."""
    node = object.__new__(Node)
    vars(node).update(_NODE_DEFAULTS, **values)
    return node


@dataclass(frozen=True)
class Framework:
    """An indicator tree, validated.

    Attributes
    ----------
    nodes : tuple of Node
        Indicators first (in file order), then aggregates level by level.
    groups : tuple of str
        Group columns (e.g. income group) the unit data may carry.
    denominators : tuple of str
        Denominator columns the unit data may carry.
    others : tuple of str
        Other columns declared in the framework and carried along untouched.
    source : str
        Where the framework came from (used in messages).
    """

    nodes: tuple[Node, ...]
    groups: tuple[str, ...] = ()
    denominators: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    source: str = "framework"
    _by_code: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {n.code: n for n in self.nodes})

    # --- lookups -------------------------------------------------------------------------
    def __getitem__(self, code: str) -> Node:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @cached_property
    def indicators(self) -> list[str]:
        """Indicator codes (level 1), in framework order."""
        return [n.code for n in self.nodes if n.level == 1]

    @cached_property
    def n_levels(self) -> int:
        """Number of levels, the indicators being level 1."""
        return max(n.level for n in self.nodes)

    @cached_property
    def _codes_by_level(self) -> dict[int, tuple[str, ...]]:
        # one pass over the nodes: a build asks codes_at a dozen times (weights, stages)
        by_level: dict[int, list[str]] = {}
        for n in self.nodes:
            by_level.setdefault(n.level, []).append(n.code)
        return {level: tuple(codes) for level, codes in by_level.items()}

    def codes_at(self, level: int) -> list[str]:
        """Codes of the nodes at ``level``, in framework order."""
        return list(self._codes_by_level.get(level, ()))

    @cached_property
    def codes(self) -> list[str]:
        """All node codes: indicators, then each aggregate level in turn."""
        return [c for level in range(1, self.n_levels + 1) for c in self.codes_at(level)]

    @cached_property
    def directions(self) -> np.ndarray:
        """Direction (+1/-1) of each indicator, shape (n_indicators,)."""
        return np.array([self[c].direction for c in self.indicators], dtype=np.float64)

    def weight_matrix(self, level: int) -> np.ndarray:
        """Weights linking the nodes at ``level - 1`` (rows) to their parents at ``level``.

        ``W[i, j]`` is the weight of child ``i`` if its parent is node ``j``, else 0, so that a
        weighted mean over children is ``(X @ W) / (present @ W)``.
        """
        children, parents = self.codes_at(level - 1), self.codes_at(level)
        col = {code: j for j, code in enumerate(parents)}
        w = np.zeros((len(children), len(parents)))
        for i, code in enumerate(children):
            node = self[code]
            w[i, col[node.parent]] = node.weight
        return w

    def weights(self) -> dict[str, float]:
        """Weight of every node, by code."""
        return {n.code: n.weight for n in self.nodes}

    def effective_weights(self) -> dict[str, float]:
        """Each node's share of the index, by code: ``e_c = w_c / Σ_{s ∈ sib(c)} w_s ·
        e_parent(c)``, the top level counting as one group (COINr ``get_eff_weights``)."""
        totals: dict[str | None, float] = {}
        for node in self.nodes:
            totals[node.parent] = totals.get(node.parent, 0.0) + node.weight
        eff: dict[str, float] = {}
        for node in sorted(self.nodes, key=lambda n: -n.level):
            share = node.weight / totals[node.parent]
            eff[node.code] = share * (eff[node.parent] if node.parent is not None else 1.0)
        return {n.code: eff[n.code] for n in self.nodes}

    def normalise_parameters(self, method: str, skip: Collection[str] = ()) -> dict[str, dict]:
        """Each indicator's settings of normalisation ``method`` from COINr's iMeta parameter
        columns (:mod:`innometrics.imeta`), as ``Normalise(f_n_para = "use_iMeta")`` reads
        them (COINr 1.1.14 ``get_iMeta_norm_paras``): ``{code: {setting: value}}`` for every
        indicator not in ``skip`` (those with settings of their own), e.g. ``{"x1":
        {"goalposts": [0.0, 10.0], "scale": 100.0, "truncate": True}}``.

        Goalposts and targets stay in the indicator's own units (the normalise step flips
        them for direction −1); ``scaled`` bounds become ``[−upper, −lower]`` for direction −1,
        as COINr passes them to ``n_scaled``. A column no indicator fills is absent: a needed
        one is an :class:`InputError` naming it, an optional one leaves the step's setting; so
        are an empty cell, lower bounds not below upper ones and a z-score sd not positive.
        """
        return normalise_parameters(self, method, skip)

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with some weights replaced, validated like a loaded framework."""
        unknown = sorted(set(weights) - set(self._by_code))
        if unknown:
            raise InputError("weights", f"unknown node code(s) {unknown}",
                             "use codes that appear in the framework")
        nodes = tuple(replace(n, weight=float(weights.get(n.code, n.weight))) for n in self.nodes)
        framework = replace(self, nodes=nodes)
        _check_weights(framework, "weights")
        return framework

    def to_frame(self) -> pd.DataFrame:
        """The framework as a COINr-style ``iMeta`` table: every node, then the group,
        denominator and other columns it declares (read back by :func:`load_framework` to
        the same framework)."""
        rows = [{"iCode": n.code, "iName": n.name, "Level": n.level, "Parent": n.parent,
                 "Direction": n.direction if n.level == 1 else None, "Weight": n.weight,
                 "Type": "Indicator" if n.level == 1 else "Aggregate",
                 "Denominator": n.denominator,
                 **{c: getattr(n, c.lower()) for c in (*NUMBER_COLUMNS, *FLAG_COLUMNS)},
                 "Unit": n.unit, "Source": n.source, "Description": n.description}
                for n in self.nodes]
        for kind, codes in (("Group", self.groups), ("Denominator", self.denominators),
                            ("Other", self.others)):
            rows += [{"iCode": code, "iName": code, "Type": kind} for code in codes]
        frame = pd.DataFrame(rows, columns=list(COLUMNS + DESCRIPTIVE))
        return frame.dropna(axis=1, how="all")

    def fingerprint(self) -> str:
        """SHA-256 of the tree's content (not of the file it came from)."""
        text = self.to_frame().to_csv(index=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _check_weights(framework: Framework, source: str) -> None:
    for node in framework.nodes:
        if not math.isfinite(node.weight) or node.weight < 0:
            raise InputError(source, f"weight of '{node.code}' is {node.weight}",
                             "weights must be finite and zero or positive", column="Weight")
    children: dict[str, list[Node]] = {}
    for node in framework.nodes:
        children.setdefault(node.parent, []).append(node)
    for parent in (n.code for n in framework.nodes if n.level >= 2):  # level by level
        kids = children.get(parent, [])
        total = sum(n.weight for n in kids)  # float addition overflows to inf, silently
        if not math.isfinite(total):
            raise InputError(
                source, f"the weights of the children of '{parent}' sum to infinity",
                "weights are relative to their siblings: write them on a small scale "
                "(e.g. 1 and 0.5)", column="Weight")
        if kids and all(n.weight == 0 for n in kids):
            raise InputError(
                source, f"all weights of the children of '{parent}' are zero",
                f"give at least one of {[n.code for n in kids]} a positive weight",
                column="Weight")


def load_framework(path_or_frame: str | os.PathLike | pd.DataFrame | TableSpec, *,
                   source: str | None = None) -> Framework:
    """Read and validate a framework table (COINr ``iMeta`` layout; CSV, Excel or Parquet).

    Parameters
    ----------
    path_or_frame : path, TableSpec or DataFrame
        The table (a :class:`~innometrics.io.TableSpec` names an Excel sheet or a CSV
        delimiter).
    source : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    Framework

    Raises
    ------
    InputError
        For a missing or unknown column, duplicate code, unknown parent, parent not one level
        up, cycle, bad direction, negative weight, or all-zero weights among siblings.
    """
    table, src = table_from(path_or_frame, default_source="framework", source=source)
    table = match_columns(table, COLUMNS + DESCRIPTIVE)
    header = table.columns.tolist()  # once: each tolist of a text Index costs ~5 µs
    for col in header:
        if col not in COLUMNS + DESCRIPTIVE:
            raise InputError(src, f"column '{col}' is not a framework column."
                             f"{did_you_mean(col, COLUMNS + DESCRIPTIVE)}",
                             f"rename or remove it (columns: {', '.join(COLUMNS + DESCRIPTIVE)})",
                             row=1, column=col)
    seen_columns: dict[str, int] = {}
    for i, col in enumerate(header):
        if col in seen_columns:
            raise InputError(src, f"columns {seen_columns[col] + 1} and {i + 1} are both "
                             f"'{col}' (names match whatever their case)", "keep one of them",
                             row=1, column=col)
        seen_columns[col] = i
    for col in _REQUIRED:
        if col not in seen_columns:
            raise InputError(src, f"column '{col}' is missing",
                             f"add it (COINr iMeta columns: {', '.join(_REQUIRED)}, iName, "
                             "Direction, Denominator)", row=1)
    cells, position = columns_of(table)

    def texts(column: str) -> list[str | None]:
        return (text_column(cells[:, position[column]]) if column in position
                else [None] * len(table))

    codes = texts("iCode")
    by_folded_type = {t.casefold(): t for t in _ALL_TYPES}
    types = [by_folded_type.get(t.casefold(), t) if t else t for t in texts("Type")]
    parents = texts("Parent")
    names = texts("iName") if "iName" in position else codes
    denoms = texts("Denominator")
    described = {col: texts(col) for col in DESCRIPTIVE}

    seen: dict[str, int] = {}
    for i, (code, typ) in enumerate(zip(codes, types, strict=True)):
        row = i + 2
        if code is None:
            raise InputError(src, "empty code", "give every row a unique iCode", row=row,
                             column="iCode")
        if code in seen:
            raise InputError(src, f"duplicate code '{code}' (also row {seen[code]})",
                             "make every iCode unique", row=row, column="iCode")
        seen[code] = row
        if typ not in _ALL_TYPES:
            raise InputError(src, f"type '{typ}' is not known",
                             f"use one of {sorted(_ALL_TYPES)}", row=row, column="Type")

    is_node = [t in _NODE_TYPES for t in types]
    node_rows = [i for i, flag in enumerate(is_node) if flag]
    if not node_rows:
        raise InputError(src, "no rows of Type Indicator or Aggregate",
                         "list the indicators and aggregates of the index", column="Type")
    fix_num = "write a number"

    read_as_numbers = number_columns(table)

    def numbers(column: str, fix: str, default: float) -> list[float]:
        if column not in position:
            return [default] * len(node_rows)
        cells_of_column = cells[:, position[column]]
        if column in read_as_numbers:
            return cells_of_column.astype(np.float64)[node_rows].tolist()
        return to_float(cells_of_column, source=src, column=column, fix=fix)[node_rows].tolist()

    levels = numbers("Level", "write an integer level", np.nan)
    weights = numbers("Weight", fix_num, np.nan)
    directions = numbers("Direction", "write 1 or -1", 1.0)
    # only the columns the table has: an absent one leaves every node's field at None
    parameters = {col: numbers(col, "write a finite number", np.nan) for col in NUMBER_COLUMNS
                  if col in position}
    for col, values in parameters.items():
        bad = next((k for k, v in enumerate(values) if math.isinf(v)), None)
        if bad is not None:
            raise InputError(src, f"{col} of '{codes[node_rows[bad]]}' is {values[bad]}",
                             "write a finite number", row=node_rows[bad] + 2, column=col)
    flags = {col: read_flags([cells[i, position[col]] for i in node_rows], src, col,
                             [i + 2 for i in node_rows])
             for col in FLAG_COLUMNS if col in position}

    nodes: list[Node] = []
    node_codes = {codes[i] for i in node_rows}
    denominator_codes = {codes[i] for i, t in enumerate(types) if t == "Denominator"}
    for k, i in enumerate(node_rows):
        row, code, typ = i + 2, codes[i], types[i]
        level = levels[k]
        if not math.isfinite(level) or level != int(level) or level < 1:
            raise InputError(src, f"level '{level:g}' of '{code}' is not a "
                             "positive integer", "indicators are level 1, their parents 2, ...",
                             row=row, column="Level")
        if (typ == "Indicator") != (level == 1):
            raise InputError(src, f"'{code}' is {typ} at level {int(level)}",
                             "indicators are exactly the level-1 rows", row=row, column="Level")
        if math.isnan(weights[k]):
            raise InputError(src, f"'{code}' has no weight", "give it a weight (1 = equal)",
                             row=row, column="Weight")
        if weights[k] < 0:
            raise InputError(src, f"weight of '{code}' is negative ({weights[k]:g})",
                             "weights must be zero or positive", row=row, column="Weight")
        direction = directions[k]
        if typ == "Indicator" and direction not in (1.0, -1.0):
            raise InputError(src, f"direction of '{code}' is {direction}",
                             "write 1 (more is better) or -1 (less is better)", row=row,
                             column="Direction")
        parent = parents[i]
        if parent is not None and parent not in node_codes:
            raise InputError(src, f"parent '{parent}' of '{code}' is not a code in this file",
                             "add the parent as an Aggregate row or correct the name", row=row,
                             column="Parent")
        denominator = denoms[i] if typ == "Indicator" else None
        if denominator is not None and denominator not in denominator_codes:
            raise InputError(src, f"denominator '{denominator}' of '{code}' is not declared",
                             f"add a row with iCode '{denominator}' and Type Denominator",
                             row=row, column="Denominator")
        nodes.append(_validated_node(
            code=code, name=names[i] or code, level=int(level), parent=parent,
            weight=float(weights[k]), direction=int(direction) if typ == "Indicator" else 1,
            denominator=denominator,
            **{col.lower(): None if math.isnan(values[k]) else values[k]
               for col, values in parameters.items()},
            **{col.lower(): values[k] for col, values in flags.items()},
            unit=described["Unit"][i], source=described["Source"][i],
            description=described["Description"][i]))

    by_code = {n.code: n for n in nodes}
    row_of = {codes[i]: i + 2 for i in node_rows}
    # every parent one level up: levels rise along each path, so there is no cycle and the
    # walk below (which names the first fault) has nothing to find; one test per node
    if not all(by_code[n.parent].level == n.level + 1 for n in nodes if n.parent is not None):
        for node in nodes:  # cycles and parents one level up
            path, current = [node.code], node
            while current.parent is not None:
                if current.parent in path:
                    cycle = " -> ".join([*path, current.parent])
                    raise InputError(src, f"cycle in the tree ({cycle})",
                                     "each node needs a parent one level up", row=row_of[node.code],
                                     column="Parent")
                parent = by_code[current.parent]
                if parent.level != current.level + 1:
                    raise InputError(
                        src, f"parent '{parent.code}' of '{current.code}' is at level "
                        f"{parent.level}, not {current.level + 1}",
                        "a node's parent must be exactly one level up", row=row_of[current.code],
                        column="Parent")
                path.append(parent.code)
                current = parent
    top = max(n.level for n in nodes)
    roots = [n.code for n in nodes if n.level == top]
    if top > 1 and len(roots) > 1:
        raise InputError(src, f"{len(roots)} nodes at the top level {top} ({', '.join(roots[:4])})",
                         "an index has one top node: add it one level up as their Parent",
                         row=row_of[roots[1]], column="Level")
    has_children = {n.parent for n in nodes}
    for node in nodes:
        if node.parent is None and node.level != top:
            raise InputError(src, f"'{node.code}' (level {node.level}) has no parent",
                             f"give it a parent at level {node.level + 1}",
                             row=row_of[node.code], column="Parent")
        if node.level > 1 and node.code not in has_children:
            raise InputError(src, f"aggregate '{node.code}' has no children",
                             "remove it or name it as the Parent of some nodes",
                             row=row_of[node.code], column="iCode")

    ordered = sorted(nodes, key=lambda n: n.level)  # stable: file order within a level
    framework = Framework(
        nodes=tuple(ordered),
        groups=tuple(c for c, t in zip(codes, types, strict=True) if t == "Group"),
        denominators=tuple(c for c, t in zip(codes, types, strict=True) if t == "Denominator"),
        others=tuple(c for c, t in zip(codes, types, strict=True) if t == "Other"),
        source=src,
    )
    _check_weights(framework, src)
    if "EffWeight" in position:
        _check_effective_weights(framework, numbers("EffWeight", fix_num, np.nan),
                                 [codes[i] for i in node_rows], row_of)
    return framework


def _check_effective_weights(framework: Framework, given: list[float], codes: list[str],
                             row_of: Mapping[str, int]) -> None:
    """COINr's ``EffWeight`` column, where filled, must hold the effective weights of the
    weights (``get_eff_weights`` writes it; a stale one would contradict the tree)."""
    expected = framework.effective_weights()
    for code, value in zip(codes, given, strict=True):
        if not math.isnan(value) and not math.isclose(value, expected[code], rel_tol=1e-9,
                                                       abs_tol=1e-12):
            raise InputError(framework.source, f"EffWeight of '{code}' is {value:g}, but the "
                             f"weights give {expected[code]:.6g}", "remove the EffWeight "
                             "column (it is computed) or correct the weights",
                             row=row_of[code], column="EffWeight")
