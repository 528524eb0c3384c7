"""What every report section is made of: figures, sortable tables, provenance, source lines.

These are plain data for the template (:mod:`innometrics.report.html`), which escapes every
text it is given; nothing here builds HTML.
"""

from __future__ import annotations

import itertools
import math
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..runs import Run, final_path, to_json

__all__ = ["Figure", "Table", "Provenance", "provenance", "source_line", "format_value",
           "frame_table", "extra_tables", "TABLE_TITLES", "new_id", "data_sha"]

_COUNTER = itertools.count(1)

#: Titles of the tables a section shows as tables (any other table is shown under its name).
TABLE_TITLES = {
    "treatment": "Outlier treatment per indicator",
    "screening": "Screening: data coverage and zero share per unit, and whether it was kept",
    "cronbach": "Cronbach's alpha per aggregate",
    "pca": "Principal components per aggregate",
    "pca_loadings": "Loadings of the first principal component",
    "weights_effective": "Effective weights",
    "importance": "Importance of each node in its parent (correlation ratio)",
    "flags": "Audit flags",
    "sensitivity": "Sobol sensitivity indices of the index ranks",
    "agreement": "Agreement with the published values",
    "rules": "Rules inferred from the workbook",
    "economies": "Clusters per economy in the top N",
    "intensity": "Clusters by intensity (output per inhabitant)",
    "excluded": "Records excluded",
    "stats_Raw": "Statistics of the raw data per indicator",
    "removal": "Element removal: mean absolute change of the index rank when a node is removed",
    "correlation_flags": "Indicator pairs correlated above or below the thresholds",
    "data_availability": "Data availability per unit, overall and per aggregate",
    "denominator_correlations": "Correlations of indicators with the denominators",
    "bod_weights": "Benefit-of-the-doubt weights chosen for each unit",
    "fit": "Optimised weights: target and obtained correlation shares",
    "rank_changes": "Rank changes with their paired 90% intervals",
    "trends": "Trends per indicator (compound annual growth)",
    "imputed_points": "Imputed points",
}
#: Tables never shown as generic tables: shown elsewhere, inputs, or per-step data.
_SKIP = {"scores", "ranks", "data", "framework", "profiles", "correlations", "rank_intervals",
         "design", "clusters", "treated_points", "imputed_points"}
_MAX_ROWS, _MAX_COLS = 200, 40


def new_id(prefix: str) -> str:
    """A unique element id (``prefix-<n>``) for this process."""
    return f"{prefix}-{next(_COUNTER)}"


@dataclass
class Figure:
    """A chart: its plotly figure, a caption saying what it shows, and its source line."""

    figure: dict
    caption: str
    source: str
    id: str = field(default_factory=lambda: new_id("fig"))
    kind: str = "chart"


@dataclass
class Table:
    """A sortable table: ``columns`` are ``(label, "num" | "text")``; each row holds
    ``(text shown, sort key)`` cells (the key is a number or None for numeric columns)."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[list[tuple[str, Any]]]
    note: str = ""
    id: str = field(default_factory=lambda: new_id("tbl"))
    row_ids: list[str] | None = None


@dataclass
class Provenance:
    """One run's manifest, ready to show."""

    kind: str
    path: str
    command: str
    created: str
    duration: str
    versions: list[tuple[str, str]]
    inputs: list[tuple[str, str, str]]
    settings_json: str
    details_json: str


def provenance(run: Run) -> Provenance:
    """The manifest of ``run`` as text: command, time, versions, inputs with SHA-256."""
    m = run.manifest
    command = m.get("command")
    duration = m.get("duration_s")
    return Provenance(
        kind=run.kind, path=str(final_path(run.path)),
        command=shlex.join(str(a) for a in command) if command else "(a library call)",
        created=str(m.get("created", "")),
        duration=f"{duration:.2f} s" if isinstance(duration, int | float) else "",
        versions=[(str(k), str(v)) for k, v in (m.get("versions") or {}).items()],
        inputs=[(str(i.get("role", "")), str(i.get("path", "")), str(i.get("sha256") or "—"))
                for i in (m.get("inputs") or []) if isinstance(i, dict)],
        settings_json=to_json(m.get("settings") or {}),
        details_json=to_json(m.get("details") or {}))


def data_sha(run: Run) -> str | None:
    """SHA-256 of the run's ``data`` input, if recorded."""
    for item in run.manifest.get("inputs") or []:
        if isinstance(item, dict) and item.get("role") == "data" and item.get("sha256"):
            return str(item["sha256"])
    return None


def source_line(*runs: Run) -> str:
    """``Source: innometrics 0.1.0, build run "out" (2026-...); data SHA-256 ...``."""
    parts = []
    for run in runs:
        version = (run.manifest.get("versions") or {}).get("innometrics", "?")
        parts.append(f"innometrics {version}, {run.kind} run “{run.path.name}” "
                     f"({run.manifest.get('created', 'time unknown')})")
    sha = next((s for s in (data_sha(r) for r in runs) if s), None)
    tail = f"; data SHA-256 {sha[:16]}…" if sha else ""
    return "Source: " + "; ".join(parts) + tail


def format_value(value: Any) -> str:
    """A cell as text: integers plainly, other numbers to a sensible precision, missing as
    an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}" if abs(int(value)) >= 10000 else str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if not math.isfinite(v):
            return str(v)
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
        if abs(v) >= 100:
            return f"{v:,.2f}"
        if abs(v) >= 1:
            return f"{v:.3f}"
        return f"{v:.4g}"
    return str(value)


def _sort_key(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    return None


def frame_table(frame: pd.DataFrame, title: str, *, note: str = "",
                max_rows: int = _MAX_ROWS, max_cols: int = _MAX_COLS) -> Table:
    """A DataFrame as a sortable :class:`Table` (the first ``max_rows`` rows and
    ``max_cols`` columns, said so in the note)."""
    cut = []
    if len(frame) > max_rows:
        cut.append(f"first {max_rows} of {len(frame):,} rows")
    if frame.shape[1] > max_cols:
        cut.append(f"first {max_cols} of {frame.shape[1]} columns")
    shown = frame.iloc[:max_rows, :max_cols]
    columns = [(str(c), "num" if pd.api.types.is_numeric_dtype(shown[c])
                and not pd.api.types.is_bool_dtype(shown[c]) else "text")
               for c in shown.columns]
    rows = []
    for rec in shown.itertuples(index=False, name=None):
        rows.append([(format_value(v), _sort_key(v) if kind == "num" else format_value(v))
                     for v, (_, kind) in zip(rec, columns, strict=True)])
    parts = [note] if note else []
    if cut:
        parts.append(f"showing the {', '.join(cut)}")
    return Table(title=title, columns=columns, rows=rows, note="; ".join(parts))


def extra_tables(runs: Iterable[Run], skip: Sequence[str] = ()) -> list[Table]:
    """Every CSV table of ``runs`` that no dedicated view shows, as generic tables: a new
    table in a run (e.g. a GII import's ``agreement.csv``) appears here without new code."""
    out = []
    for run in runs:
        for name in run.tables():
            if not name.endswith(".csv"):
                continue
            stem = name[:-4]
            top = stem.split("/")[0]
            if stem in _SKIP or top in _SKIP or stem in skip or (
                    stem.startswith("stats_") and stem != "stats_Raw"):
                continue
            frame = run.table(name)
            if frame.empty:
                continue
            title = TABLE_TITLES.get(stem, stem.replace("_", " "))
            out.append(frame_table(frame, f"{title} ({run.kind} run, {name})"))
    return out
