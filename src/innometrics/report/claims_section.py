"""The report section of a claims check run (``innometrics check``).

Shows the verdicts, and for each R&D claim its vintage timeline: the figure after each release
(from the run's ``timelines.csv``) as a step line, the claimed value with the band its stated
precision allows, and the date the claim was made, so that "right when said, since revised"
can be seen at a glance. A table under each chart lists the same points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..plot.style import axis, layout
from ..runs import Run
from .common import Figure, Provenance, Table, extra_tables, frame_table, new_id, provenance
from .common import source_line as _source

__all__ = ["ClaimsSection", "claims_section", "timeline_figure"]

_VERDICT_COLUMNS = ["id", "measure", "economy", "year", "claimed", "found", "verdict",
                    "as_of", "vintage", "released", "source", "note"]


@dataclass
class ClaimsSection:
    """Everything the template shows for one claims check run."""

    title: str
    provenance: list[Provenance]
    verdicts: Table
    timelines: list[tuple[Figure, Table]]
    tables: list[Table]
    id: str = field(default_factory=lambda: new_id("claims"))
    kind: str = "claims"


def _day(claim: pd.Series) -> str:
    """The claim's date as text, "" if it has none (an empty cell reads as NaN)."""
    value = claim.get("as_of")
    return "" if value is None or pd.isna(value) else str(value)


def timeline_figure(claim: pd.Series, points: pd.DataFrame) -> dict:
    """A plotly figure of one claim's timeline: the figure after each release (a step line
    with markers), the claimed value and its tolerance band, and the claim's date."""
    dates = points["released"].astype(str).tolist()
    values = points["value"].astype(float).tolist()
    claimed, tolerance = float(claim["claimed"]), float(claim.get("tolerance", 0) or 0)
    day = _day(claim)
    start = dates[0] if dates else day
    end = max([*dates, day]) if dates or day else start
    traces = [
        {"type": "scatter", "mode": "lines+markers", "name": "figure after each release",
         "x": dates, "y": values, "line": {"shape": "hv"},
         "text": points["vintage"].astype(str).tolist(),
         "hovertemplate": "%{x}: %{y:.6g}<br>%{text}<extra></extra>"},
        {"type": "scatter", "mode": "lines", "name": f"claimed {claim['claimed']:.6g}",
         "x": [start, end], "y": [claimed, claimed], "line": {"dash": "dash"}},
    ]
    if tolerance > 0:
        traces.append({"type": "scatter", "mode": "lines", "name": "stated precision",
                       "x": [start, end, end, start], "y": [claimed - tolerance] * 2
                       + [claimed + tolerance] * 2, "fill": "toself", "opacity": 0.2,
                       "line": {"width": 0}, "hoverinfo": "skip"})
    shapes = []
    if day:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": day, "x1": day,
                       "y0": 0, "y1": 1, "line": {"dash": "dot"}})
    title = f"{claim['id']}: {claim['measure']} {claim['economy']} {int(claim['year'])}"
    return {"data": traces,
            "layout": layout(title, height=320, shapes=shapes,
                             annotations=[{"x": day, "y": 1, "yref": "paper",
                                           "text": f"claim date {day}", "showarrow": False,
                                           "xanchor": "left"}] if day else [],
                             xaxis=axis("release date", type="date"),
                             yaxis=axis(str(claim["measure"])))}


def _timeline_table(claim: pd.Series, points: pd.DataFrame) -> Table:
    rows = points[["released", "vintage", "value", "source"]].rename(
        columns={"value": "figure"})
    if _day(claim):
        mark = pd.DataFrame([{"released": _day(claim), "vintage": "claim date",
                              "figure": float(claim["claimed"]), "source": "the claim"}])
        rows = pd.concat([rows, mark], ignore_index=True).sort_values("released",
                                                                       kind="stable")
    return frame_table(rows.reset_index(drop=True), f"Releases of {claim['id']}",
                       note=f"claimed {claim['claimed']:.6g}; verdict {claim['verdict']}")


def claims_section(run: Run) -> ClaimsSection:
    """The section of a ``check`` run: verdicts, then each R&D claim's vintage timeline."""
    claims = run.table("claims")
    timelines = run.table("timelines") if run.has("timelines") else pd.DataFrame(
        columns=["id", "released", "value", "vintage", "source"])
    shown = [c for c in _VERDICT_COLUMNS if c in claims.columns]
    verdicts = frame_table(claims[shown], "Verdicts")
    source = _source(run)
    charts = []
    for _, claim in claims.iterrows():
        points = timelines[timelines["id"].astype(str) == str(claim["id"])]
        if points.empty:
            continue
        caption = (f"{claim['id']}: the figure after each release, the claimed value "
                   f"{claim['claimed']:.6g} (band: its stated precision) and the claim date "
                   f"{_day(claim) or '(none: judged against the latest)'}; verdict "
                   f"{claim['verdict']}.")
        charts.append((Figure(timeline_figure(claim, points), caption, source,
                              kind="timeline"), _timeline_table(claim, points)))
    return ClaimsSection(title=f"Claims checked, run “{run.path.name}”",
                         provenance=[provenance(run)], verdicts=verdicts, timelines=charts,
                         tables=extra_tables([run], skip=("claims", "timelines")))
