"""The report section of one composite index: a build run with its audit and uncertainty.

Shows the recipe and its provenance, a sortable ranking (with rank intervals when an
uncertainty run is given), bars of index scores, rank intervals, a world map (units whose
codes are ISO3 country codes), the audit's correlation heatmap, the framework as a sunburst,
a profile of every unit, and any other table the runs hold.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .. import plot
from ..framework import load_framework
from ..runs import Run
from . import charts
from .common import Figure, Provenance, Table, extra_tables, format_value, new_id, provenance
from .common import source_line as _source
from .inputs import IndexGroup
from .profiles import profile_data
from .time_section import ordered_times

__all__ = ["IndexSection", "index_section", "score_unit", "map_codes", "recipe_spec"]

_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass
class IndexSection:
    """Everything the template shows for one index group."""

    title: str
    description: str
    index_code: str
    provenance: list[Provenance]
    notes: list[str]
    recipe_yaml: str
    ranking: Table
    figures: list[Figure]
    profile: dict
    profile_source: str
    map_note: str
    tables: list[Table]
    id: str = field(default_factory=lambda: new_id("index"))
    kind: str = "index"


def score_unit(settings: dict) -> str:
    """What an index score is, from the recipe's steps (for axis titles), e.g.
    ``"score (min-max [0, 100], arithmetic means)"``."""
    steps = {}
    for item in settings.get("steps") or []:
        if isinstance(item, dict):
            steps.update(item)
    norm = steps.get("normalise")
    if not isinstance(norm, dict):
        scale = "data's own scale"
    else:
        method = norm.get("method", "minmax")
        if method == "minmax":
            lo, hi = norm.get("range", [0, 100])
            scale = f"min-max [{lo:g}, {hi:g}]"
        elif method == "zscore":
            scale = f"z-scores, mean {norm.get('mean', 0):g}, sd {norm.get('sd', 1):g}"
        else:
            scale = f"normalised by {method}"
    agg = steps.get("aggregate")
    method = agg.get("method", "arithmetic") if isinstance(agg, dict) else "arithmetic"
    means = (f"{method} means" if isinstance(method, str)
             else "means by level: " + ", ".join(f"{k}: {v}" for k, v in method.items()))
    return f"score ({scale}; {means})"


@lru_cache(maxsize=1)
def _map_ids() -> frozenset[str]:
    """ISO3 codes of the countries drawn on the bundled ``world_110m`` map."""
    text = (resources.files(__package__) / "assets" / "world_110m.json").read_text("utf-8")
    geometries = json.loads(text)["objects"]["countries"]["geometries"]
    return frozenset(str(g["id"]) for g in geometries if "id" in g)


@lru_cache(maxsize=1)
def _iso3_codes() -> frozenset[str]:
    from ..clusters.gazetteer import iso3_of_iso2

    return frozenset(iso3_of_iso2().values())


def map_codes(codes: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split unit codes into those drawn on the map, ISO3 country codes too small for the
    1:110m outlines (e.g. SGP, MLT), and codes that are not ISO3 country codes."""
    drawn, small, other = [], [], []
    for code in codes:
        if code in _map_ids():
            drawn.append(code)
        elif _ISO3.match(code) and code in _iso3_codes():
            small.append(code)
        else:
            other.append(code)
    return drawn, small, other


def _names(build: Run, uncertainty: Run | None) -> dict[str, str]:
    for run, table in ((build, "data.csv"), (uncertainty, "rank_intervals.csv")):
        if run is not None and run.has(table):
            frame = run.table(table)
            if "uName" in frame and "uCode" in frame:
                return dict(zip(frame["uCode"].astype(str), frame["uName"].fillna(
                    frame["uCode"]).astype(str), strict=True))
    return {}


def _ranking(scores: pd.DataFrame, ranks: pd.DataFrame, framework: pd.DataFrame,
             names: dict[str, str], intervals: pd.DataFrame | None, index: str,
             target: str) -> Table:
    nodes = framework[framework["Type"].isin(["Indicator", "Aggregate"])]
    found = nodes.loc[nodes["iCode"] == index, "Level"]
    top_level = int(found.iloc[0]) if len(found) else int(nodes["Level"].max())
    children = [c for c in nodes.loc[nodes["Level"] == top_level - 1, "iCode"].astype(str)
                if c in scores.columns]
    columns = [("Rank", "num"), ("Code", "text"), ("Name", "text"), (f"{index} score", "num")]
    columns += [(f"{c} score", "num") for c in children]
    if intervals is not None:
        of = "" if target == index else f" of {target}"
        columns += [(f"Median rank{of} (MC)", "num"), (f"Rank{of} 5th pct", "num"),
                    (f"Rank{of} 95th pct", "num")]
    order = ranks[index].sort_values(kind="stable", na_position="last").index
    rows, row_ids = [], []
    for unit in order:
        rank = ranks.at[unit, index]
        cells = [(format_value(rank), _num(rank)), (str(unit), str(unit)),
                 (names.get(unit, unit), names.get(unit, unit)),
                 (_two(scores.at[unit, index]), _num(scores.at[unit, index]))]
        cells += [(_two(scores.at[unit, c]), _num(scores.at[unit, c])) for c in children]
        if intervals is not None:
            for col in ("median", "q05", "q95"):
                v = intervals[col].get(unit, np.nan)
                cells.append((_rank_text(v), _num(v)))
        rows.append(cells)
        row_ids.append(str(unit))
    note = ("Click a column header to sort. Ranks: 1 = best, ties share the best rank.")
    if intervals is not None:
        note += (f" Median rank and the 5th–95th percentile ranks{of} come from the "
                 "uncertainty run's Monte Carlo replications.")
    return Table(title=f"Ranking on {index}", columns=columns, rows=rows, note=note,
                 row_ids=row_ids)


def _rank_text(value) -> str:
    """A rank or a rank percentile: ``3``, ``2.5``, ``10.9`` (one decimal at most)."""
    v = _num(value)
    return "" if v is None else f"{v:.1f}".removesuffix(".0")


def _two(value) -> str:
    v = _num(value)
    return "" if v is None else f"{v:.2f}"


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def recipe_spec(run: Run) -> dict:
    """The recipe a run used, as plain data: its ``recipe.yaml``, else the manifest's
    settings (``settings.recipe`` for runs that record the recipe under that key)."""
    if "recipe.yaml" in run.files:
        import yaml

        with contextlib.suppress(yaml.YAMLError, OSError, UnicodeDecodeError):
            spec = yaml.safe_load((run.path / "recipe.yaml").read_text(encoding="utf-8"))
            if isinstance(spec, dict):
                return spec
    settings = run.manifest.get("settings") or {}
    inner = settings.get("recipe")
    return inner if isinstance(inner, dict) else settings


def _title(spec: dict, index: str) -> tuple[str, str]:
    name = spec.get("name") if isinstance(spec.get("name"), str) else None
    description = spec.get("description") if isinstance(spec.get("description"), str) else ""
    return name or f"Index {index}", description


def _at_latest_time(scores: pd.DataFrame,
                    ranks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """A panel's scores and ranks (long, with ``Time``) at its latest time, and a note saying
    so; tables without ``Time`` as they are, with no note."""
    if "Time" not in scores.columns:
        return scores, ranks, ""
    latest = ordered_times(scores["Time"])[-1]
    return (scores[scores["Time"] == latest].drop(columns="Time"),
            ranks[ranks["Time"] == latest].drop(columns="Time"),
            f"a panel: this section shows its latest time, {latest}; every time is on the "
            "time page")


def index_section(group: IndexGroup) -> IndexSection:
    """Build the section of one index group (see the module docstring); of a panel, its
    latest time (the time page shows them all)."""
    build, audit, unc = group.build, group.audit, group.uncertainty
    scores, ranks, panel_note = _at_latest_time(build.scores, build.ranks)
    scores.index, ranks.index = scores.index.astype(str), ranks.index.astype(str)
    index = str(scores.columns[-1])
    framework = build.table("framework.csv")
    names = _names(build, unc)
    spec = recipe_spec(build)
    title, description = _title(spec, index)
    unit = score_unit(spec)
    intervals = None
    design = ((unc.manifest.get("settings") or {}).get("design") or {}) if unc is not None else {}
    # an uncertainty run may analyse another node than the index (--target)
    target = str(design.get("target") or index)
    if unc is not None and unc.has("rank_intervals"):
        intervals = unc.table("rank_intervals").assign(
            uCode=lambda f: f["uCode"].astype(str)).set_index("uCode")
    codes = [str(u) for u in scores.index]
    unit_names = [names.get(u, u) for u in codes]
    source = _source(build)
    figures = []
    lower = upper = None
    if (intervals is not None and target == index
            and {"score_q05", "score_q95"} <= set(intervals.columns)):
        lower = intervals["score_q05"].reindex(codes).to_numpy(float)
        upper = intervals["score_q95"].reindex(codes).to_numpy(float)
    whiskers = (" Whiskers: 5th–95th percentile of the Monte Carlo scores." if lower is not None
                else "")
    figures.append(Figure(
        plot.bar_chart(codes, scores[index].to_numpy(float), names=unit_names, name=index,
                       title=f"{title}: {index} scores, best first", axis_title=unit,
                       lower=lower, upper=upper).to_plotly_json(),
        caption=f"Every unit's {index} score, best first; y axis: {unit}.{whiskers}",
        source=_source(build, unc) if lower is not None else source))
    if intervals is not None:
        iv = intervals.reindex(codes)
        runs = design.get("runs", "?")
        of = "" if target == index else f" of {target}"
        figures.append(Figure(
            plot.rank_interval_chart(codes, iv["nominal"], iv["median"], iv["q05"], iv["q95"],
                                     names=unit_names,
                                     title=f"{title}: rank intervals{of} ({runs} Monte Carlo "
                                           "replications)").to_plotly_json(),
            caption=f"Bars: 5th to 95th percentile of each unit's rank{of} over the "
                    "replications; dot: median rank; cross: nominal rank (the build's).",
            source=_source(unc)))
    sensitivity = unc.table("sensitivity") if unc is not None and unc.has("sensitivity") else None
    if sensitivity is not None and set(plot.SENSITIVITY_COLUMNS) <= set(sensitivity.columns):
        figures.append(Figure(
            plot.sensitivity_chart(sensitivity, title=f"{title}: sensitivity of the ranks of "
                                                      f"{target} (Sobol indices)").to_plotly_json(),
            caption="First-order (S1: the input alone) and total (ST: with its interactions) "
                    "share of the variance of the mean absolute rank shift due to each "
                    "uncertain input; whiskers: 5th–95th percentile over bootstrap resamples.",
            source=_source(unc)))
    drawn, small, other = map_codes(codes)
    map_note = ""
    if drawn:
        keep = [codes.index(c) for c in drawn]
        figures.append(Figure(
            charts.choropleth(drawn, [unit_names[i] for i in keep],
                              scores[index].to_numpy(float)[keep],
                              title=f"{title}: {index} score by economy", unit="score"),
            caption=f"{index} score of the units whose codes are ISO3 country codes; "
                    f"colour: {unit}.",
            source=source, kind="map"))
        if small:
            map_note += (f"Not drawn at the map's 1:110m resolution: {', '.join(small)}. ")
        if other:
            map_note += f"Not country codes, not mapped: {', '.join(other[:20])}" + (
                ", …" if len(other) > 20 else "") + "."
    else:
        map_note = "No map: no unit code is an ISO3 country code drawn on the world map."
    if audit is not None and audit.has("correlations"):
        matrices, hover = charts.audit_correlations(audit.table("correlations"), framework)
        if matrices:
            heat = plot.corr_chart(matrices, hover=hover, colorbar="Pearson r",
                                   title=f"{title}: correlations (Pearson)")
            figures.append(Figure(
                heat.to_plotly_json(),
                caption="Each node's correlation with the other children of its parent "
                        "(block diagonal) and with its parent (columns marked 'parent'); "
                        "blank: not computed. Buttons switch levels.",
                source=_source(audit)))
    figures.append(Figure(
        plot.framework_chart(load_framework(framework, source=f"{build.path}/framework.csv"),
                             title=f"{title}: framework and effective weights"
                             ).to_plotly_json(),
        caption="The framework tree, index at the centre; each node's angle is its effective "
                "weight (its share of the index). Click a node to zoom.", source=source))
    profiles = build.table("profiles") if build.has("profiles") else None
    profile = profile_data(scores, ranks, framework, names, profiles)
    profile_source = ("the run's profiles.csv" if profiles is not None
                      else "generic (best and worst indicators by rank)")
    notes = [*group.notes, *([panel_note] if panel_note else [])]
    if intervals is not None and "nominal" in intervals:
        nominal = intervals["nominal"].reindex(codes).to_numpy(float)
        if not np.allclose(nominal, ranks[index].reindex(codes).to_numpy(float),
                           equal_nan=True):
            notes.append("the uncertainty run's nominal ranks differ from the build's: its "
                         "recipe is not the build's")
    recipe_yaml = ((build.path / "recipe.yaml").read_text(encoding="utf-8")
                   if "recipe.yaml" in build.files else "")
    return IndexSection(
        title=title, description=description, index_code=index,
        provenance=[provenance(r) for r in group.runs], notes=notes, recipe_yaml=recipe_yaml,
        ranking=_ranking(scores, ranks, framework, names, intervals, index, target),
        figures=figures,
        profile=profile, profile_source=profile_source, map_note=map_note.strip(),
        tables=extra_tables(group.runs))
