"""The report's time page: how ranks moved between times, and whether a move is real.

A run with time is a panel ``build`` run (long ``ranks.csv`` with ``Time``; ``trends.csv``),
optionally with the panel ``uncertainty`` run of the same data (``rank_intervals.csv`` with
``Time``; ``rank_changes.csv``), a panel uncertainty run alone, or a ``gii-atlas`` run
(``atlas.csv``: every economy in every edition with WIPO's published rank, its Monte Carlo
interval and the change since the previous edition). Each becomes one long table, one row per
unit and time: ``time, uCode, name, rank, rank_q05, rank_q95, change, significant`` (interval
and significance missing when no Monte Carlo was run), from which the page draws

- rank trajectories with their 90% interval bands, one line per unit; the units shown are
  chosen in a selector (the claims' economies first, then China when present, then the best
  ranked at the last time);
- a slope chart of the last two times: each unit's rank at both, significant moves (the change's
  90% interval excludes 0) marked in colour and named;
- the trends table (``trends.csv`` of the index node, when present).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..plot.style import axis, clean, layout
from ..runs import Run
from .common import Figure, Provenance, Table, extra_tables, frame_table, new_id, provenance
from .common import source_line as _source

__all__ = ["TimeSection", "time_section", "has_time", "rank_paths", "trajectory_figure",
           "slope_figure", "default_units", "ordered_times", "PATH_COLUMNS"]

#: Columns of :func:`rank_paths`.
PATH_COLUMNS = ["time", "uCode", "name", "rank", "rank_q05", "rank_q95", "change",
                "significant"]
#: Units selected when the page opens (the focus units first).
_DEFAULT_SHOWN = 5
#: Significant moves named on the slope chart (the largest; every move is in the hover).
_NAMED_MOVES = 12
#: Shown first when present: the economy the seed's headlines are about.
_FOCUS = ("CHN",)
_BLUE, _ORANGE, _GREEN, _GREY = "#1f5f9f", "#d9822b", "#2f8f4e", "#9ca3af"


@dataclass
class TimeSection:
    """Everything the template shows for one run with time."""

    title: str
    provenance: list[Provenance]
    trajectories: Figure
    units: list[tuple[str, str]]
    selected: list[str]
    slope: Figure | None
    trends: Table | None
    tables: list[Table]
    id: str = field(default_factory=lambda: new_id("time"))
    kind: str = "time"


def _is_panel_table(run: Run | None, name: str) -> bool:
    return run is not None and run.has(name) and "Time" in run.table(name).columns


def has_time(run: Run | None) -> bool:
    """Whether ``run`` holds ranks over several times (a panel build or uncertainty run, or a
    GII atlas run)."""
    if run is None:
        return False
    if run.kind == "gii-atlas":
        return run.has("atlas")
    return _is_panel_table(run, "ranks") or _is_panel_table(run, "rank_intervals")


def _time_key(values: pd.Series) -> pd.Series:
    """Times as numbers where they are numbers (years), so that 2020 < 2021 < 2100."""
    numeric = pd.to_numeric(values, errors="coerce")
    return numeric if numeric.notna().all() else values.astype(str)


def _atlas_paths(run: Run) -> pd.DataFrame:
    atlas = run.table("atlas")
    return pd.DataFrame({"time": atlas["edition"], "uCode": atlas["uCode"].astype(str),
                         "name": atlas["name"].fillna(atlas["uCode"]).astype(str),
                         "rank": atlas["rank"], "rank_q05": atlas["rank_q05"],
                         "rank_q95": atlas["rank_q95"], "change": atlas["change"],
                         "significant": atlas["significant"]})


def _names(*runs: Run | None) -> dict[str, str]:
    for run in runs:
        for table in ("data", "rank_intervals"):
            if run is not None and run.has(table):
                frame = run.table(table)
                if "uName" in frame and "uCode" in frame:
                    return dict(zip(frame["uCode"].astype(str),
                                    frame["uName"].fillna(frame["uCode"]).astype(str),
                                    strict=True))
    return {}


def _panel_paths(build: Run | None, uncertainty: Run | None) -> pd.DataFrame:
    if build is not None and build.has("ranks"):
        ranks = build.table("ranks")
        index = ranks.columns[-1]  # the index is the last node (COINr's order)
        paths = pd.DataFrame({"time": ranks["Time"], "uCode": ranks["uCode"].astype(str),
                              "rank": ranks[index]})
    else:
        intervals = uncertainty.table("rank_intervals")
        paths = pd.DataFrame({"time": intervals["Time"],
                              "uCode": intervals["uCode"].astype(str),
                              "rank": intervals["nominal"]})
    paths["time"] = paths["time"].astype(str)
    if _is_panel_table(uncertainty, "rank_intervals"):
        intervals = uncertainty.table("rank_intervals")[["Time", "uCode", "q05", "q95"]]
        intervals = intervals.rename(columns={"Time": "time", "q05": "rank_q05",
                                              "q95": "rank_q95"}).astype({"time": str,
                                                                           "uCode": str})
        paths = paths.merge(intervals, on=["time", "uCode"], how="left")
    if uncertainty is not None and uncertainty.has("rank_changes"):
        changes = uncertainty.table("rank_changes")[["Time", "uCode", "change", "significant"]]
        changes = changes.rename(columns={"Time": "time"}).astype({"time": str, "uCode": str})
        paths = paths.merge(changes, on=["time", "uCode"], how="left")
    names = _names(build, uncertainty)
    paths["name"] = [names.get(code, code) for code in paths["uCode"]]
    for column in PATH_COLUMNS:
        if column not in paths:
            paths[column] = np.nan
    return paths


def rank_paths(build: Run | None, uncertainty: Run | None = None) -> pd.DataFrame:
    """Every unit's rank at every time, with its interval and its change, as one long table.

    Parameters
    ----------
    build : Run or None
        A panel build run, or a ``gii-atlas`` run (then ``uncertainty`` is ignored: the atlas
        holds its own intervals), or None when only the uncertainty run is given.
    uncertainty : Run, optional
        The panel uncertainty run of the same data.

    Returns
    -------
    DataFrame
        :data:`PATH_COLUMNS`, one row per unit and time, sorted by time then rank; ``time`` as
        text; ``rank_q05``, ``rank_q95``, ``change`` and ``significant`` missing where no
        Monte Carlo gave them (``change`` is the rank minus the unit's rank at its previous
        time: negative = moved up).
    """
    if build is not None and build.kind == "gii-atlas":
        paths = _atlas_paths(build)
        paths["time"] = paths["time"].astype(str)
    else:
        paths = _panel_paths(build, uncertainty)
    paths = paths[PATH_COLUMNS]
    order = pd.DataFrame({"t": _time_key(paths["time"]), "r": paths["rank"]})
    return paths.loc[order.sort_values(["t", "r"], kind="stable").index].reset_index(drop=True)


def ordered_times(values: pd.Series) -> list:
    """The distinct times of ``values``, increasing (numerically when they are numbers)."""
    unique = values.drop_duplicates()
    return unique.iloc[np.argsort(_time_key(unique).to_numpy(), kind="stable")].tolist()


def _times(paths: pd.DataFrame) -> list[str]:
    return ordered_times(paths["time"])


def default_units(paths: pd.DataFrame, focus: Sequence[str] = (), *,
                  count: int = _DEFAULT_SHOWN) -> list[str]:
    """The units shown when the page opens: ``focus`` (e.g. the claims' economies) and China
    where present, then the best ranked at the last time, ``count`` in all (more if the
    focus units alone are more)."""
    present = set(paths["uCode"])
    chosen = [c for c in dict.fromkeys([*focus, *_FOCUS]) if c in present]
    last = paths[paths["time"] == _times(paths)[-1]].sort_values("rank", kind="stable")
    for code in last["uCode"]:
        if len(chosen) >= count:
            break
        if code not in chosen:
            chosen.append(code)
    return chosen


def trajectory_figure(paths: pd.DataFrame, units: Sequence[str], selected: Sequence[str], *,
                      title: str) -> dict:
    """Rank over time, one line per unit with its 5th–95th percentile band (where known).

    Two traces per unit, in ``units`` order: the band (a closed polygon, hover off) then the
    line; both carry the unit's code as ``legendgroup``, and are visible only for units in
    ``selected`` (the page's selector toggles them). Rank 1 is at the top.
    """
    times = _times(paths)
    by_unit = {code: rows.set_index("time").reindex(times)
               for code, rows in paths.groupby("uCode", sort=False)}
    palette = ["#1f5f9f", "#d9822b", "#2f8f4e", "#b23a48", "#6b4c9a", "#8c6d31", "#3a8fb7",
               "#c05780", "#5b7065", "#e0a100"]
    traces = []
    for k, code in enumerate(units):
        rows = by_unit[code]
        color = palette[k % len(palette)]
        shown = code in selected
        lo, hi = rows["rank_q05"].to_numpy(float), rows["rank_q95"].to_numpy(float)
        known = np.isfinite(lo) & np.isfinite(hi)
        band_x = [t for t, ok in zip(times, known, strict=True) if ok]
        traces.append({"type": "scatter", "mode": "lines", "legendgroup": code,
                       "x": band_x + band_x[::-1], "y": clean(np.r_[lo[known], hi[known][::-1]]),
                       "fill": "toself", "fillcolor": color, "opacity": 0.18,
                       "line": {"width": 0}, "hoverinfo": "skip", "showlegend": False,
                       "visible": shown, "name": f"{code} interval"})
        name = str(rows["name"].dropna().iloc[0]) if rows["name"].notna().any() else code
        text = [f"{name} ({code}), {t}: rank {format_rank(r)}"
                + (f" (90% interval {format_rank(a)}–{format_rank(b)})" if ok else "")
                for t, r, a, b, ok in zip(times, rows["rank"], lo, hi, known, strict=True)]
        traces.append({"type": "scatter", "mode": "lines+markers", "legendgroup": code,
                       "name": f"{name} ({code})", "x": times, "y": clean(rows["rank"]),
                       "line": {"color": color, "width": 2}, "marker": {"color": color},
                       "text": text, "hovertemplate": "%{text}<extra></extra>",
                       "connectgaps": False, "visible": shown})
    return {"data": traces,
            "layout": layout(title, height=480, xaxis=axis("time", type="category"),
                             yaxis=axis("rank (1 = best)", autorange="reversed"),
                             legend={"orientation": "h", "y": -0.18, "x": 0})}


def format_rank(value) -> str:
    """A rank as text (``12``), ``–`` when missing."""
    return "–" if value is None or not np.isfinite(float(value)) else f"{float(value):g}"


def slope_figure(paths: pd.DataFrame, *, title: str, named: int = _NAMED_MOVES,
                 focus: Sequence[str] = ()) -> dict | None:
    """Ranks at the last two times joined by a line per unit: grey when the move is not
    significant (or unknown), green for a significant rise, orange for a significant fall;
    the ``named`` largest significant moves, and the ``focus`` units, are named at the right.
    None with fewer than two times."""
    times = _times(paths)
    if len(times) < 2:
        return None
    before, after = times[-2], times[-1]
    a = paths[paths["time"] == before].set_index("uCode")
    b = paths[paths["time"] == after].set_index("uCode")
    both = b.index.intersection(a.index)
    groups = {"not significant": ([], _GREY, 1), "significant rise": ([], _GREEN, 2.5),
              "significant fall": ([], _ORANGE, 2.5)}
    labels = []
    for code in both:
        significant = b.at[code, "significant"]
        change = b.at[code, "rank"] - a.at[code, "rank"]
        key = ("not significant" if not (isinstance(significant, bool | np.bool_)
                                          and significant)
               else "significant rise" if change < 0 else "significant fall")
        groups[key][0].append((code, b.at[code, "name"], a.at[code, "rank"], b.at[code, "rank"]))
        if key != "not significant" or code in focus:
            labels.append((math.inf if code in focus else abs(change), code,
                           b.at[code, "rank"]))
    traces = []
    for label, (rows, color, width) in groups.items():
        if not rows:
            continue
        x, y, text = [], [], []
        for code, name, r0, r1 in rows:
            hover = f"{name} ({code}): {format_rank(r0)} → {format_rank(r1)}"
            x += [before, after, None]
            y += [r0, r1, None]
            text += [hover, hover, None]
        traces.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": x,
                       "y": clean(np.array(y, dtype=float)), "text": text,
                       "line": {"color": color, "width": width}, "marker": {"color": color},
                       "hovertemplate": "%{text}<extra></extra>"})
    labels = sorted(labels, key=lambda item: -item[0])[:named + len(focus)]
    # on a category axis an annotation's x is the category's position: the later time is 1
    annotations = [{"x": 1, "y": float(rank), "text": code, "showarrow": False,
                    "xanchor": "left", "xshift": 8, "font": {"size": 10}}
                   for _, code, rank in labels]
    return {"data": traces,
            "layout": layout(title, height=560, annotations=annotations,
                             xaxis=axis("time", type="category"),
                             yaxis=axis("rank (1 = best)", autorange="reversed"),
                             legend={"orientation": "h", "y": 1.06, "x": 0})}


def _trends_table(build: Run | None, paths: pd.DataFrame) -> Table | None:
    if build is None or not build.has("trends") or not build.has("ranks"):
        return None
    trends = build.table("trends")
    index = build.table("ranks").columns[-1]
    rows = trends[trends["iCode"].astype(str) == str(index)].copy()
    names = dict(zip(paths["uCode"], paths["name"], strict=False))
    rows.insert(1, "name", [names.get(str(c), str(c)) for c in rows["uCode"]])
    rows = rows.sort_values("CAGR", ascending=False, kind="stable", na_position="last")
    return frame_table(rows.reset_index(drop=True), f"Trends of the index {index} per unit",
                       note="CAGR: compound annual growth of the score from t_first to "
                            "t_latest (COINr's get_trends); Avail: share of times with a "
                            "score; every node's trends are in trends.csv")


def _moves_table(paths: pd.DataFrame) -> Table | None:
    last = paths[paths["time"] == _times(paths)[-1]]
    if last["change"].isna().all():
        return None
    shown = last.dropna(subset=["change"]).sort_values("change", kind="stable")
    return frame_table(shown.reset_index(drop=True),
                       f"Rank changes into {_times(paths)[-1]}",
                       note="change: rank − rank at the previous time (negative = moved up); "
                            "significant: its 90% Monte Carlo interval excludes 0")


def time_section(build: Run | None, uncertainty: Run | None = None, *,
                 focus: Sequence[str] = ()) -> TimeSection:
    """The time page of a panel build run (with its uncertainty run), a panel uncertainty run
    alone (``build=None``) or a ``gii-atlas`` run (as ``build``).

    Parameters
    ----------
    focus : sequence of str
        Unit codes to list and select first (e.g. the economies of the claims checked).
    """
    runs = [r for r in (build, uncertainty) if r is not None]
    paths = rank_paths(build, uncertainty)
    selected = default_units(paths, focus)
    present = set(paths["uCode"])
    first = [c for c in dict.fromkeys([*focus, *_FOCUS]) if c in present]
    latest = paths[paths["time"] == _times(paths)[-1]].sort_values("rank", kind="stable")
    order = list(dict.fromkeys([*selected, *latest["uCode"], *paths["uCode"]]))
    names = dict(zip(paths["uCode"], paths["name"], strict=False))
    times = _times(paths)
    span = f"{times[0]}–{times[-1]}" if len(times) > 1 else times[0]
    source = _source(*runs)
    has_bands = paths["rank_q05"].notna().any()
    trajectories = Figure(trajectory_figure(paths, order, selected,
                                            title=f"Rank over time, {span}"),
                          "Each selected unit's rank at every time"
                          + (" with its 90% Monte Carlo interval (band: 5th–95th percentile "
                             "rank)" if has_bands else " (no Monte Carlo run: no intervals)")
                          + ". Choose the units in the list above the chart.", source,
                          kind="trajectories")
    slope = slope_figure(paths, title=f"Ranks in {times[-2]} and {times[-1]}"
                         if len(times) > 1 else "", focus=first)
    named_too = f", and {', '.join(first)}" if first else ""
    unknown = "" if paths["significant"].notna().any() else (
        " (no Monte Carlo run: significance unknown)")
    slope_fig = None if slope is None else Figure(
        slope, f"Every unit's rank in {times[-2]} (left) and {times[-1]} (right). Coloured: "
        f"moves whose 90% interval excludes 0 (green up, orange down; the {_NAMED_MOVES} "
        f"largest named{named_too}; every move in the hover); grey: not significant{unknown}.",
        source,
        kind="slope")
    moves = _moves_table(paths)
    kind = build.kind if build is not None else uncertainty.kind
    path = (build or uncertainty).path.name
    skip = ("atlas", "trends", "rank_changes")
    return TimeSection(title=f"Ranks over time, {span} ({kind} run “{path}”)",
                       provenance=[provenance(r) for r in runs], trajectories=trajectories,
                       units=[(c, names.get(c, c)) for c in order], selected=selected,
                       slope=slope_fig, trends=_trends_table(build, paths),
                       tables=([moves] if moves else []) + extra_tables(runs, skip=skip))
