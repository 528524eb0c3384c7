"""Plotly figures as plain data (``{"data": [...], "layout": {...}}``), no plotly.py objects.

Every function takes columns (lists or arrays) and returns a figure that plotly.js draws as
it is; the HTML layer embeds it as JSON and adds the source line under it. Missing values
(NaN) become ``null``. Titles name what is shown and axis titles its unit. The maps use
plotly's ``world_110m`` outlines, which the page inlines (see :mod:`innometrics.report.html`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["score_bars", "rank_interval_plot", "choropleth", "correlation_heatmap",
           "framework_sunburst", "effective_weights", "cluster_map", "count_bars", "clean",
           "FONT"]

#: System fonts only: a report never fetches a web font.
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
        "size": 13}
_BLUE, _ORANGE, _GREY = "#1f5f9f", "#d9822b", "#6b7280"


def clean(values) -> list:
    """A list of floats with NaN and ±inf as None (JSON ``null``)."""
    out = []
    for v in np.asarray(values, dtype=np.float64).ravel().tolist():
        out.append(v if math.isfinite(v) else None)
    return out


def _layout(title: str, **extra) -> dict:
    layout = {"title": {"text": title, "x": 0.0, "xanchor": "left"}, "font": FONT,
              "margin": {"l": 60, "r": 20, "t": 60, "b": 60}, "paper_bgcolor": "white",
              "plot_bgcolor": "white", "hovermode": "closest"}
    layout.update(extra)
    return layout


def _axis(title: str, **extra) -> dict:
    return {"title": {"text": title}, "gridcolor": "#e5e7eb", "zeroline": False,
            "automargin": True, **extra}


def score_bars(codes: Sequence[str], names: Sequence[str], scores, *, title: str,
               unit: str, lower=None, upper=None) -> dict:
    """Bars of index scores, best first; optional whiskers from ``lower`` to ``upper``
    (e.g. the 5th and 95th percentiles of Monte Carlo scores).

    Parameters
    ----------
    codes, names : sequence of str, length n
    scores : array-like, shape (n,)
    unit : str
        The y-axis title (what a score is).
    lower, upper : array-like, shape (n,), optional
    """
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-np.where(np.isnan(s), -np.inf, s), kind="stable")
    trace = {"type": "bar", "x": [codes[i] for i in order], "y": clean(s[order]),
             "customdata": [names[i] for i in order], "marker": {"color": _BLUE},
             "name": "score",
             "hovertemplate": "%{customdata} (%{x})<br>score %{y:.2f}<extra></extra>"}
    if lower is not None and upper is not None:
        lo, hi = np.asarray(lower, float)[order], np.asarray(upper, float)[order]
        trace["error_y"] = {"type": "data", "symmetric": False, "color": _GREY,
                            "array": clean(np.maximum(hi - s[order], 0.0)),
                            "arrayminus": clean(np.maximum(s[order] - lo, 0.0))}
    return {"data": [trace],
            "layout": _layout(title, xaxis=_axis("unit (code)", tickangle=-60,
                                                 type="category"),
                              yaxis=_axis(unit), height=460, showlegend=False)}


def rank_interval_plot(codes: Sequence[str], names: Sequence[str], nominal, median, q05, q95,
                       *, title: str) -> dict:
    """Rank intervals: a bar from the 5th to the 95th percentile rank, the median rank and the
    nominal rank, units ordered by nominal rank (rank 1 at the top of the axis)."""
    nom = np.asarray(nominal, float)
    order = np.argsort(np.where(np.isnan(nom), np.inf, nom), kind="stable")
    x = [codes[i] for i in order]
    hover = [names[i] for i in order]
    med, lo, hi = (np.asarray(a, float)[order] for a in (median, q05, q95))
    interval = {"type": "scatter", "mode": "markers", "x": x, "y": clean(med),
                "name": "median rank (bar: 5th–95th percentile)", "customdata": hover,
                "marker": {"color": _BLUE, "size": 7},
                "error_y": {"type": "data", "symmetric": False, "color": _BLUE, "thickness": 2,
                            "width": 0, "array": clean(np.maximum(hi - med, 0.0)),
                            "arrayminus": clean(np.maximum(med - lo, 0.0))},
                "hovertemplate": "%{customdata} (%{x})<br>median rank %{y}<extra></extra>"}
    nominal_trace = {"type": "scatter", "mode": "markers", "x": x, "y": clean(nom[order]),
                     "name": "nominal rank", "customdata": hover,
                     "marker": {"color": _ORANGE, "symbol": "x", "size": 7},
                     "hovertemplate": "%{customdata} (%{x})<br>nominal rank %{y}"
                                      "<extra></extra>"}
    return {"data": [interval, nominal_trace],
            "layout": _layout(title, xaxis=_axis("unit (code), by nominal rank",
                                                 tickangle=-60, type="category"),
                              yaxis=_axis("rank (1 = best)", autorange="reversed"),
                              height=480, legend={"orientation": "h", "y": 1.08, "x": 0})}


def choropleth(codes: Sequence[str], names: Sequence[str], scores, *, title: str,
               unit: str) -> dict:
    """A world map of scores for units whose codes are ISO 3166 alpha-3."""
    return {"data": [{"type": "choropleth", "locationmode": "ISO-3", "locations": list(codes),
                      "z": clean(scores), "text": list(names), "colorscale": "Blues",
                      "reversescale": True,
                      "marker": {"line": {"color": "white", "width": 0.5}},
                      "colorbar": {"title": {"text": unit}},
                      "hovertemplate": "%{text} (%{location})<br>%{z:.2f}<extra></extra>"}],
            "layout": _layout(title, height=480, margin={"l": 10, "r": 10, "t": 60, "b": 10},
                              geo={"projection": {"type": "natural earth"},
                                   "showframe": False, "showcoastlines": False,
                                   "showcountries": True, "countrycolor": "#c0c4cc",
                                   "showland": True, "landcolor": "#f1f2f4",
                                   "lataxis": {"range": [-58, 85]}})}


def _ordered_children(framework: pd.DataFrame, level: int) -> list[str]:
    """Codes at ``level``, grouped by parent in the parents' framework order."""
    rows = framework[framework["Level"] == level]
    parents = list(framework.loc[framework["Level"] == level + 1, "iCode"])
    order = {p: i for i, p in enumerate(parents)}
    keyed = sorted(enumerate(rows.itertuples()), key=lambda t: (order.get(t[1].Parent, 1e9),
                                                                 t[0]))
    return [str(r.iCode) for _, r in keyed]


def correlation_heatmap(corr: pd.DataFrame, framework: pd.DataFrame, *, title: str) -> dict | None:
    """Pearson correlations of each level's nodes within their group and with their parent.

    One heatmap per level (buttons switch levels): rows are the level's nodes grouped by
    parent; columns are the same nodes, then the parents; a cell is filled where the audit
    computed a correlation (``Kind`` ``within``: two children of one parent; ``parent``: a
    child with its parent), so blocks line up along the diagonal.

    Parameters
    ----------
    corr : DataFrame
        An audit run's ``correlations.csv`` (Kind, Group, Level, Var1, Var2, Pearson,
        Spearman, N, Flag).
    framework : DataFrame
        ``framework.csv`` (iCode, Level, Parent ...).
    """
    nodes = framework[framework["Type"].isin(["Indicator", "Aggregate"])].copy()
    nodes["Level"] = nodes["Level"].astype(int)
    levels = sorted(int(v) for v in corr["Level"].dropna().unique())
    traces, buttons = [], []
    for k, level in enumerate(levels):
        rows = corr[corr["Level"] == level]
        children = [c for c in _ordered_children(nodes, level)
                    if c in set(rows["Var1"]) | set(rows["Var2"])]
        parents = [p for p in nodes.loc[nodes["Level"] == level + 1, "iCode"].astype(str)
                   if p in set(rows.loc[rows["Kind"] == "parent", "Var1"])]
        if not children:
            continue
        cols = children + [f"{p} (parent)" for p in parents]
        col_of = {c: j for j, c in enumerate(children)}
        col_of.update({p: len(children) + j for j, p in enumerate(parents)})
        row_of = {c: i for i, c in enumerate(children)}
        z = np.full((len(children), len(cols)), np.nan)
        text = [["" for _ in cols] for _ in children]
        for r in rows.itertuples():
            a, b = str(r.Var1), str(r.Var2)
            flag = f" — {r.Flag}" if isinstance(r.Flag, str) and r.Flag else ""
            info = (f"{a} × {b}<br>Pearson {r.Pearson:.2f}, Spearman {r.Spearman:.2f}, "
                    f"N {int(r.N)}{flag}") if pd.notna(r.Pearson) else f"{a} × {b}: n/a"
            if r.Kind == "parent" and b in row_of and a in col_of:
                z[row_of[b], col_of[a]] = r.Pearson
                text[row_of[b]][col_of[a]] = info
            elif r.Kind == "within" and a in row_of and b in row_of:
                for i, j in ((row_of[a], col_of[b]), (row_of[b], col_of[a])):
                    z[i, j] = r.Pearson
                    text[i][j] = info
        for c in children:  # a node with itself, inside its block
            if np.isfinite(z[row_of[c]]).any():
                z[row_of[c], col_of[c]] = 1.0
                text[row_of[c]][col_of[c]] = c
        traces.append({"type": "heatmap", "x": cols, "y": children,
                       "z": [clean(row) for row in z], "text": text, "visible": k == 0,
                       "zmin": -1, "zmax": 1, "colorscale": "RdBu", "xgap": 1, "ygap": 1,
                       "colorbar": {"title": {"text": "Pearson r"}}, "name": f"level {level}",
                       "hovertemplate": "%{text}<extra></extra>", "hoverongaps": False})
        buttons.append({"label": f"level {level}", "method": "update",
                        "args": [{"visible": None}, {"title.text": f"{title} — level {level}"}]})
    if not traces:
        return None
    for k, button in enumerate(buttons):
        button["args"][0]["visible"] = [j == k for j in range(len(traces))]
    size = max(len(t["y"]) for t in traces)
    first_level = buttons[0]["label"]
    font = 10 if size > 40 else 12
    layout = _layout(f"{title} — {first_level}",
                     xaxis=_axis("", tickangle=-60, type="category", dtick=1,
                                 tickfont={"size": font}),
                     yaxis=_axis("", autorange="reversed", type="category", dtick=1,
                                 tickfont={"size": font}),
                     height=int(min(1400, max(420, 18 * size + 200))))
    if len(buttons) > 1:
        layout["updatemenus"] = [{"type": "buttons", "direction": "right", "buttons": buttons,
                                  "x": 1.0, "xanchor": "right", "y": 1.08, "yanchor": "bottom",
                                  "showactive": True}]
    return {"data": traces, "layout": layout}


def effective_weights(framework: pd.DataFrame) -> pd.Series:
    """Each node's share of the index: its weight over its siblings' total, times its
    parent's share (the top node has 1), by code."""
    nodes = framework[framework["Type"].isin(["Indicator", "Aggregate"])]
    parent = dict(zip(nodes["iCode"].astype(str), nodes["Parent"], strict=True))
    weight = dict(zip(nodes["iCode"].astype(str), nodes["Weight"].astype(float), strict=True))
    totals: dict = {}
    for code, p in parent.items():
        totals[p] = totals.get(p, 0.0) + weight[code]
    share: dict[str, float] = {}

    def of(code: str) -> float:
        if code not in share:
            p = parent[code]
            if not isinstance(p, str) or p not in parent:
                share[code] = 1.0
            else:
                t = totals[p]
                share[code] = of(p) * (weight[code] / t if t > 0 else 0.0)
        return share[code]

    return pd.Series({code: of(code) for code in parent})


def framework_sunburst(framework: pd.DataFrame, *, title: str) -> dict:
    """The framework tree as a sunburst, each node's angle its effective weight."""
    nodes = framework[framework["Type"].isin(["Indicator", "Aggregate"])]
    eff = effective_weights(framework)
    codes = nodes["iCode"].astype(str).tolist()
    names = (nodes["iName"].fillna(nodes["iCode"]).astype(str).tolist() if "iName" in nodes
             else codes)
    parents = [p if isinstance(p, str) and p in eff.index else "" for p in nodes["Parent"]]
    hover = [f"{n} ({c})<br>weight {w:g} among siblings<br>{100 * eff[c]:.2f}% of the index"
             for c, n, w in zip(codes, names, nodes["Weight"].astype(float), strict=True)]
    return {"data": [{"type": "sunburst", "ids": codes, "labels": codes, "parents": parents,
                      "values": clean(100 * eff[codes].to_numpy()), "branchvalues": "total",
                      "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
                      "textinfo": "label", "insidetextorientation": "radial",
                      "maxdepth": 4}],
            "layout": _layout(title, height=620, margin={"l": 10, "r": 10, "t": 60, "b": 10})}


def cluster_map(table: pd.DataFrame, lat, lon, *, title: str) -> dict:
    """Clusters as circles at (lat, lon), area proportional to patents + publications,
    coloured by rank (darker = better)."""
    output = (table["patents"].fillna(0) + table["publications"].fillna(0)).to_numpy(float)
    size = np.sqrt(np.maximum(output, 0.0))
    ref = size.max() if size.size and size.max() > 0 else 1.0
    hover = [f"{r.name}<br>rank {r.rank} · {r.economies}<br>patents {r.patents:,.0f}, "
             f"publications {r.publications:,.0f}<br>score {r.score:.4f}"
             for r in table.itertuples()]
    return {"data": [{"type": "scattergeo", "lat": clean(lat), "lon": clean(lon),
                      "text": hover, "hovertemplate": "%{text}<extra></extra>",
                      "mode": "markers", "name": "cluster",
                      "marker": {"size": clean(4 + 36 * size / ref), "sizemode": "diameter",
                                 "color": clean(table["rank"]), "colorscale": "Viridis",
                                 "reversescale": True, "opacity": 0.75,
                                 "line": {"color": "white", "width": 0.5},
                                 "colorbar": {"title": {"text": "rank"}}}}],
            "layout": _layout(title, height=500, margin={"l": 10, "r": 10, "t": 60, "b": 10},
                              geo={"projection": {"type": "natural earth"},
                                   "showframe": False, "showcountries": True,
                                   "countrycolor": "#c0c4cc", "showland": True,
                                   "landcolor": "#f1f2f4", "lataxis": {"range": [-58, 85]}})}


def count_bars(labels: Sequence[str], counts, *, title: str, unit: str,
               xaxis: str) -> dict:
    """Bars of counts by label, in the order given."""
    return {"data": [{"type": "bar", "x": list(labels), "y": clean(counts),
                      "marker": {"color": _BLUE},
                      "hovertemplate": "%{x}: %{y}<extra></extra>"}],
            "layout": _layout(title, xaxis=_axis(xaxis, type="category", tickangle=-60),
                              yaxis=_axis(unit), height=400, showlegend=False)}
