"""The report's figures that :mod:`innometrics.plot` does not draw, as plain data
(``{"data": [...], "layout": {...}}``), in the look of :mod:`innometrics.plot.style`; and the
audit's correlations arranged for :func:`innometrics.plot.corr_chart`.

Bars of scores, rank intervals, the framework sunburst and the correlation heatmap are drawn by
:mod:`innometrics.plot` (the same functions as in Python). Missing values (NaN) become
``null``. The maps use plotly's ``world_110m`` outlines, which the page inlines (see
:mod:`innometrics.report.html`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..plot.style import BLUE, axis, clean, layout

__all__ = ["choropleth", "audit_correlations", "cluster_map", "count_bars"]


def choropleth(codes: Sequence[str], names: Sequence[str], scores, *, title: str,
               unit: str) -> dict:
    """A world map of scores for units whose codes are ISO 3166 alpha-3."""
    return {"data": [{"type": "choropleth", "locationmode": "ISO-3", "locations": list(codes),
                      "z": clean(scores), "text": list(names), "colorscale": "Blues",
                      "reversescale": True,
                      "marker": {"line": {"color": "white", "width": 0.5}},
                      "colorbar": {"title": {"text": unit}},
                      "hovertemplate": "%{text} (%{location})<br>%{z:.2f}<extra></extra>"}],
            "layout": layout(title, height=480, margin={"l": 10, "r": 10, "t": 60, "b": 10},
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


def audit_correlations(corr: pd.DataFrame, framework: pd.DataFrame
                       ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """An audit run's correlations as one matrix per level, with the text of each cell, for
    :func:`innometrics.plot.corr_chart`.

    Rows are the level's nodes grouped by parent; columns are the same nodes, then the parents
    (``"P (parent)"``); a cell holds the Pearson correlation where the audit computed one
    (``Kind`` ``within``: two children of one parent; ``parent``: a child with its parent), so
    blocks line up along the diagonal, and a node with itself is 1 inside its block.

    Parameters
    ----------
    corr : DataFrame
        An audit run's ``correlations.csv`` (Kind, Group, Level, Var1, Var2, Pearson,
        Spearman, N, Flag).
    framework : DataFrame
        ``framework.csv`` (iCode, Level, Parent ...).

    Returns
    -------
    matrices, hover : dict of str to DataFrame
        By ``"level k"``, levels with no correlation left out.
    """
    nodes = framework[framework["Type"].isin(["Indicator", "Aggregate"])].copy()
    nodes["Level"] = nodes["Level"].astype(int)
    matrices, hover = {}, {}
    for level in sorted(int(v) for v in corr["Level"].dropna().unique()):
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
        text = np.full(z.shape, "", dtype=object)
        for r in rows.itertuples():
            a, b = str(r.Var1), str(r.Var2)
            flag = f" — {r.Flag}" if isinstance(r.Flag, str) and r.Flag else ""
            info = (f"{a} × {b}<br>Pearson {r.Pearson:.2f}, Spearman {r.Spearman:.2f}, "
                    f"N {int(r.N)}{flag}") if pd.notna(r.Pearson) else f"{a} × {b}: n/a"
            if r.Kind == "parent" and b in row_of and a in col_of:
                z[row_of[b], col_of[a]] = r.Pearson
                text[row_of[b], col_of[a]] = info
            elif r.Kind == "within" and a in row_of and b in row_of:
                for i, j in ((row_of[a], col_of[b]), (row_of[b], col_of[a])):
                    z[i, j] = r.Pearson
                    text[i, j] = info
        for c in children:  # a node with itself, inside its block
            if np.isfinite(z[row_of[c]]).any():
                z[row_of[c], col_of[c]] = 1.0
                text[row_of[c], col_of[c]] = c
        matrices[f"level {level}"] = pd.DataFrame(z, index=children, columns=cols)
        hover[f"level {level}"] = pd.DataFrame(text, index=children, columns=cols)
    return matrices, hover


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
            "layout": layout(title, height=500, margin={"l": 10, "r": 10, "t": 60, "b": 10},
                             geo={"projection": {"type": "natural earth"},
                                  "showframe": False, "showcountries": True,
                                  "countrycolor": "#c0c4cc", "showland": True,
                                  "landcolor": "#f1f2f4", "lataxis": {"range": [-58, 85]}})}


def count_bars(labels: Sequence[str], counts, *, title: str, unit: str,
               xaxis: str) -> dict:
    """Bars of counts by label, in the order given."""
    return {"data": [{"type": "bar", "x": list(labels), "y": clean(counts),
                      "marker": {"color": BLUE},
                      "hovertemplate": "%{x}: %{y}<extra></extra>"}],
            "layout": layout(title, xaxis=axis(xaxis, type="category", tickangle=-60),
                             yaxis=axis(unit), height=400, showlegend=False)}
