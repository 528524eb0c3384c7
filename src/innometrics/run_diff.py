"""Two runs compared: each unit's index rank in both, and the settings and inputs that differ
(``innometrics runs diff``). Pure functions over manifests and rank series; the run store
(:mod:`innometrics.store`) reads them from its file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["ABSENT", "DiffResult", "settings_diff", "inputs_diff", "rank_diff",
           "index_difference"]


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


#: Marks a setting present in one run only (in :attr:`DiffResult.settings`).
ABSENT: Any = _Absent()


def settings_diff(a: Any, b: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Recursive difference of two settings trees: ``(key path, value_a, value_b)`` for every
    leaf that differs, paths as a recipe names them (``steps[3].aggregate.method``). Lists of
    equal length are compared item by item, others as a whole; a key present on one side only
    has :data:`ABSENT` on the other.

    >>> settings_diff({"steps": [{"aggregate": {"method": "arithmetic"}}], "x": 1},
    ...               {"steps": [{"aggregate": {"method": "geometric"}}]})
    [('steps[0].aggregate.method', 'arithmetic', 'geometric'), ('x', 1, (absent))]
    """
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        out: list[tuple[str, Any, Any]] = []
        for key in [*a, *(k for k in b if k not in a)]:
            path = f"{prefix}.{key}" if prefix else str(key)
            out += settings_diff(a.get(key, ABSENT), b.get(key, ABSENT), path)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in settings_diff(x, y, f"{prefix}[{i}]")]
    same = a == b and (type(a) is type(b) or {type(a), type(b)} <= {int, float})
    return [] if same else [(prefix, a, b)]


@dataclass(frozen=True)
class DiffResult:
    """Two runs compared (:meth:`RunStore.diff`).

    Attributes
    ----------
    id_a, id_b : str
    table : DataFrame
        Columns ``uCode, rank_a, rank_b, change``: the index rank of each unit ranked in both
        runs, ``change = rank_b - rank_a`` (positive: the unit fell in run b; negative: it
        rose). Only the shared units: every count refers to them. Sorted by rank in b. Empty
        when a run holds no index ranks (see ``ranked_by``) or no unit is in both.
    settings : list of (key path, value_a, value_b)
        Settings that differ (:func:`settings_diff` of the manifests' ``settings``).
    inputs : list of (role, sha256_a, sha256_b)
        Input files whose SHA-256 differs (a weight changed inside the same framework file
        shows here, not in ``settings``).
    ranked_by : (str or None, str or None)
        Where each run's ranks come from (``ranks.Index``, ``rank_intervals.nominal``).
    only_a, only_b : list of str
        Units ranked in one run only (sorted); they are not in ``table``.
    different_index : str or None
        Why the two runs rank different indices (another top node, or frameworks with other
        nodes), or None when nothing shows that they do. Rank changes then compare positions
        in two different rankings.
    """

    id_a: str
    id_b: str
    table: pd.DataFrame
    settings: list[tuple[str, Any, Any]]
    inputs: list[tuple[str, str | None, str | None]]
    ranked_by: tuple[str | None, str | None]
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    different_index: str | None = None

    @property
    def moved(self) -> int:
        """How many shared units changed rank."""
        return int((self.table["change"].fillna(1) != 0).sum()) if len(self.table) else 0

    def to_frame(self) -> pd.DataFrame:
        """The rank table (a copy)."""
        return self.table.copy()

    def settings_frame(self) -> pd.DataFrame:
        """The settings that differ, as ``key, value_a, value_b`` (values as JSON text)."""
        return pd.DataFrame([(k, _json_text(a), _json_text(b)) for k, a, b in self.settings],
                            columns=["key", "value_a", "value_b"])


def _json_text(value: Any) -> str:
    return "(absent)" if value is ABSENT else json.dumps(value, default=str, ensure_ascii=False)


def inputs_diff(a: Mapping, b: Mapping) -> list[tuple[str, str | None, str | None]]:
    """Input files whose SHA-256 differs between two manifests: ``(role, sha_a, sha_b)``."""

    def by_role(manifest: Mapping) -> dict[str, str | None]:
        out: dict[str, list] = {}
        for item in manifest.get("inputs") or []:
            out.setdefault(str(item.get("role")), []).append(item.get("sha256"))
        return {k: ",".join(map(str, v)) for k, v in out.items()}

    sha_a, sha_b = by_role(a), by_role(b)
    return [(role, sha_a.get(role), sha_b.get(role)) for role in [*sha_a, *(
        r for r in sha_b if r not in sha_a)] if sha_a.get(role) != sha_b.get(role)]


def rank_diff(rank_a: pd.Series | None, rank_b: pd.Series | None
              ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The rank table of the units ranked in both runs (``uCode, rank_a, rank_b, change``,
    sorted by rank in b) and the units ranked in run a only and in run b only.

    >>> table, only_a, only_b = rank_diff(pd.Series({"X": 1, "Y": 2, "Z": 3}),
    ...                                   pd.Series({"Y": 1, "X": 2, "W": 3}))
    >>> table.values.tolist(), only_a, only_b
    ([['Y', 2, 1, -1], ['X', 1, 2, 1]], ['Z'], ['W'])
    """
    columns = ["uCode", "rank_a", "rank_b", "change"]
    if rank_a is None or rank_b is None:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c != "uCode" else object)
                             for c in columns}), [], []
    a, b = rank_a.dropna(), rank_b.dropna()
    shared = a.index.intersection(b.index)
    table = pd.DataFrame({"uCode": shared, "rank_a": a.loc[shared].to_numpy(),
                          "rank_b": b.loc[shared].to_numpy()})
    table["change"] = table["rank_b"] - table["rank_a"]
    table = table.sort_values(["rank_b", "rank_a", "uCode"], kind="stable")
    return (table.reset_index(drop=True)[columns],
            sorted(map(str, a.index.difference(shared))),
            sorted(map(str, b.index.difference(shared))))


def index_difference(ranked_by: tuple[str | None, str | None],
                     nodes: tuple[frozenset[str] | None, frozenset[str] | None]) -> str | None:
    """Why two runs rank different indices, or None: another top node (the column their
    ranks come from, e.g. ``ranks.GII`` against ``ranks.Index``), or frameworks with other
    nodes (the columns of their scores tables, where both were recorded).

    >>> index_difference(("ranks.GII", "ranks.Index"), (None, None))
    'the runs rank different indices: GII in a, Index in b'
    >>> index_difference(("ranks.Index", "ranks.Index"),
    ...                  (frozenset({"a", "b", "Index"}), frozenset({"a", "c", "Index"})))
    'the runs rank different frameworks: nodes only in a: b; only in b: c'
    """
    tops = [r.split(".", 1)[1] if r and r.startswith("ranks.") else None for r in ranked_by]
    if None not in tops and tops[0] != tops[1]:
        return f"the runs rank different indices: {tops[0]} in a, {tops[1]} in b"
    if None not in nodes and nodes[0] != nodes[1]:
        only_a, only_b = sorted(nodes[0] - nodes[1]), sorted(nodes[1] - nodes[0])

        def some(codes: list[str]) -> str:
            return (", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5
                                            else "")) or "none"

        return (f"the runs rank different frameworks: nodes only in a: {some(only_a)}; "
                f"only in b: {some(only_b)}")
    return None
