"""Two runs compared: each unit's index rank in both, and the settings and inputs that differ
(``innometrics runs diff``). Pure functions over manifests and rank series; the run store
(:mod:`innometrics.store`) reads them from its file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["ABSENT", "DiffResult", "settings_diff", "inputs_diff"]


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
        Columns ``uCode, rank_a, rank_b, change``: the index rank of each unit in both runs,
        ``change = rank_b - rank_a`` (positive: the unit fell in run b; negative: it rose);
        a unit in one run only has the other rank and the change empty. Sorted by rank in b.
        Empty when a run holds no index ranks (see ``ranked_by``).
    settings : list of (key path, value_a, value_b)
        Settings that differ (:func:`settings_diff` of the manifests' ``settings``).
    inputs : list of (role, sha256_a, sha256_b)
        Input files whose SHA-256 differs (a weight changed inside the same framework file
        shows here, not in ``settings``).
    ranked_by : (str or None, str or None)
        Where each run's ranks come from (``ranks.Index``, ``rank_intervals.nominal``).
    """

    id_a: str
    id_b: str
    table: pd.DataFrame
    settings: list[tuple[str, Any, Any]]
    inputs: list[tuple[str, str | None, str | None]]
    ranked_by: tuple[str | None, str | None]

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
