"""Plots of a result from Python (COINr's ``plot_bar``, ``plot_dist``, ``plot_dot``,
``plot_scatter``, ``plot_corr``, ``plot_framework``, ``plot_uncertainty``,
``plot_sensitivity``), as plotly figures.

Each function returns a :class:`plotly.graph_objects.Figure`: it shows itself in Jupyter, and
saves to one self-contained HTML file that opens offline (plotly.js is written into the
file, nothing is fetched)::

    fig = bar(result, "Index", by_group="GDPpc_group")
    fig.write_html("bar.html", include_plotlyjs=True)

An argument naming something the result lacks (a node, a stage, a group column, a unit)
raises :class:`~innometrics.errors.InvalidParameter`, one line listing the valid choices.

Example
-------
>>> import innometrics as im
>>> from innometrics import plot
>>> from innometrics.datasets import gii_recipe_path
>>> result = im.build(im.load_recipe(gii_recipe_path(2022)))
>>> fig = plot.bar(result, "GII")          # the GII 2022 scores, best first
>>> fig.data[0].x[:3]
('CHE', 'USA', 'SWE')
>>> fig.write_html("gii.html", include_plotlyjs=True)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._params import one_of
from .audit.weights import effective_weights
from .errors import InvalidParameter
from .result import IndexResult
from .uncertainty.panel import PanelUncertaintyResult
from .uncertainty.result import UncertaintyResult
from .uncertainty.sobol import SensitivityResult

__all__ = ["bar", "dist", "dot", "scatter", "corr", "framework", "uncertainty", "sensitivity"]

_TEMPLATE = "plotly_white"
_BLUE, _ORANGE, _GREY = "#1f5f9f", "#d9822b", "#6b7280"


# --- argument checks: each names the argument and the valid choices -----------------------
def _choose(name: str, options: Sequence[Any], value: Any, owner: str) -> Any:
    """``value`` if it is one of ``options``, else a one-line :class:`InvalidParameter`."""
    try:
        known = value in options
    except TypeError:  # an unhashable value is never an option
        known = False
    if not known:
        raise InvalidParameter(one_of(name, options, value, owner=f"plot.{owner}"))
    return value


def _stage(result: IndexResult, stage: str | None, owner: str) -> pd.DataFrame:
    """The stage's table (None: the scores, i.e. the last stage)."""
    if stage is None:
        return result.scores
    return result.stages[_choose("stage", list(result.stages), stage, owner)]


def _codes(frame: pd.DataFrame, codes: str | Iterable[str], name: str, owner: str) -> list[str]:
    """``codes`` (one or several), each a column of ``frame``."""
    chosen = [codes] if isinstance(codes, str) else list(codes)
    if not chosen:
        raise InvalidParameter(f"'{name}' of plot.{owner} must name at least one code; got none.")
    return [_choose(name, list(frame.columns), code, owner) for code in chosen]


def _group(result: IndexResult, by_group: str | None, owner: str,
           units: pd.Index) -> pd.Series | None:
    """The group column ``by_group`` for ``units`` (missing group: ``"(none)"``)."""
    if by_group is None:
        return None
    groups = result.recipe.data.groups
    _choose("by_group", list(groups.columns), by_group, owner)
    return groups[by_group].reindex(units).fillna("(none)").astype(str)


def _names(result: IndexResult, units: pd.Index) -> list[str]:
    names = dict(zip(result.recipe.data.units, result.recipe.data.names, strict=True))
    return [names.get(u, u) for u in units]


def _figure(traces: list, title: str, **layout: Any) -> go.Figure:
    fig = go.Figure(data=traces)
    fig.update_layout(title={"text": title, "x": 0.0, "xanchor": "left"}, template=_TEMPLATE,
                      hovermode="closest", **layout)
    return fig


def _by_group(values: pd.DataFrame, group: pd.Series | None) -> list[tuple[str | None,
                                                                          pd.DataFrame]]:
    """``values`` split by ``group`` (one part, named None, without a group)."""
    if group is None:
        return [(None, values)]
    return [(str(g), values.loc[group[group == g].index])
            for g in sorted(group.unique())]


# --- plots of one build -------------------------------------------------------------------
def bar(result: IndexResult, node: str | None = None, by_group: str | None = None
        ) -> go.Figure:
    """Scores of ``node`` (default the index) as bars, best first, coloured by the group
    column ``by_group`` (one trace per group, so the legend toggles groups).

    Parameters
    ----------
    result : IndexResult
    node : str, optional
        A column of ``result.scores`` (an indicator after the last transforming step, or an
        aggregate).
    by_group : str, optional
        A group column of the data (``Type`` ``Group`` in the framework).

    Example
    -------
    >>> fig = bar(result, "P", by_group="G")       # doctest: +SKIP
    >>> fig.write_html("bar.html", include_plotlyjs=True)   # doctest: +SKIP
    """
    node = node or result.index_code
    _codes(result.scores, node, "node", "bar")
    scores = result.scores[node].sort_values(ascending=False, na_position="last")
    group = _group(result, by_group, "bar", scores.index)
    table = pd.DataFrame({"score": scores, "name": _names(result, scores.index)})
    traces = [go.Bar(x=list(part.index), y=part["score"], customdata=part["name"],
                     name=label or node, marker_color=None if label else _BLUE,
                     hovertemplate="%{customdata} (%{x})<br>score %{y:.2f}<extra></extra>")
              for label, part in _by_group(table, group)]
    return _figure(traces, f"{node}: scores", showlegend=by_group is not None,
                   legend_title_text=by_group,
                   xaxis={"title": "unit", "type": "category", "categoryorder": "array",
                          "categoryarray": list(scores.index), "tickangle": -60},
                   yaxis={"title": f"{node} score"})


def dist(result: IndexResult, codes: str | Sequence[str], stage: str | None = None,
         kind: str = "box") -> go.Figure:
    """The distribution of each of ``codes`` on ``stage`` (default the scores) as a box or
    violin with every point, one trace per code.

    Parameters
    ----------
    codes : str or sequence of str
        Columns of the stage (indicators; aggregates where the stage has them).
    stage : str, optional
        A key of ``result.stages`` (``"Raw"``, ``"Treated"``, ...).
    kind : {"box", "violin"}

    Example
    -------
    >>> dist(result, ["a", "b"], stage="Raw", kind="violin")   # doctest: +SKIP
    """
    _choose("kind", ["box", "violin"], kind, "dist")
    table = _stage(result, stage, "dist")
    chosen = _codes(table, codes, "codes", "dist")
    names = _names(result, table.index)
    shape = go.Box if kind == "box" else go.Violin
    points = {"boxpoints": "all"} if kind == "box" else {"points": "all"}
    traces = [shape(y=table[code], name=code, text=names, **points,
                    hovertemplate="%{text}<br>%{y:.3g}<extra>" + code + "</extra>")
              for code in chosen]
    where = stage or "scores"
    return _figure(traces, f"Distribution on {where}", showlegend=False,
                   xaxis={"title": "code"}, yaxis={"title": f"value ({where})"})


def dot(result: IndexResult, code: str, highlight: str | None = None,
        stage: str | None = None) -> go.Figure:
    """Every unit's value of ``code`` as a dot on one line, the unit ``highlight`` marked.

    Parameters
    ----------
    code : str
        A column of the stage.
    highlight : str, optional
        A unit code (``uCode``) of the stage.
    stage : str, optional
        A key of ``result.stages`` (default the scores).

    Example
    -------
    >>> dot(result, "Index", highlight="AAA")     # doctest: +SKIP
    """
    table = _stage(result, stage, "dot")
    _codes(table, code, "code", "dot")
    values = table[code]
    names = _names(result, table.index)
    traces = [go.Scatter(x=values, y=[code] * len(values), mode="markers", name="units",
                         text=[f"{n} ({u})" for n, u in zip(names, table.index, strict=True)],
                         marker={"color": _GREY, "size": 9, "opacity": 0.6},
                         hovertemplate="%{text}<br>%{x:.3g}<extra></extra>")]
    if highlight is not None:
        _choose("highlight", list(table.index), highlight, "dot")
        traces.append(go.Scatter(x=[values[highlight]], y=[code], mode="markers",
                                 name=highlight, marker={"color": _ORANGE, "size": 14},
                                 hovertemplate=f"{highlight}<br>%{{x:.3g}}<extra></extra>"))
    return _figure(traces, f"{code}: every unit" + (f", {highlight} marked" if highlight
                                                    else ""),
                   height=260, showlegend=highlight is not None,
                   xaxis={"title": f"{code} ({stage or 'scores'})"}, yaxis={"title": ""})


def scatter(result: IndexResult, x: str, y: str, by_group: str | None = None,
            stage: str | None = None) -> go.Figure:
    """``y`` against ``x`` over the units, coloured by the group column ``by_group``.

    Parameters
    ----------
    x, y : str
        Columns of the stage (default the scores).
    by_group : str, optional
        A group column of the data.
    stage : str, optional
        A key of ``result.stages``.

    Example
    -------
    >>> scatter(result, "P", "Q", by_group="G")    # doctest: +SKIP
    """
    table = _stage(result, stage, "scatter")
    _codes(table, x, "x", "scatter")
    _codes(table, y, "y", "scatter")
    group = _group(result, by_group, "scatter", table.index)
    frame = pd.DataFrame({"x": table[x], "y": table[y], "name": _names(result, table.index)})
    traces = [go.Scatter(x=part["x"], y=part["y"], mode="markers", name=label or "units",
                         text=[f"{n} ({u})" for n, u in zip(part["name"], part.index,
                                                            strict=True)],
                         marker={"size": 9, **({} if label else {"color": _BLUE})},
                         hovertemplate="%{text}<br>" + f"{x} %{{x:.3g}}, {y} %{{y:.3g}}"
                                       "<extra></extra>")
              for label, part in _by_group(frame, group)]
    return _figure(traces, f"{y} against {x}", showlegend=by_group is not None,
                   legend_title_text=by_group, xaxis={"title": x}, yaxis={"title": y})


def corr(result: IndexResult, levels: Sequence[int] | None = None,
         method: str = "pearson") -> go.Figure:
    """Correlations between the nodes of ``levels`` (default every level) on the scores,
    as a heatmap (pairwise-complete, pandas' ``DataFrame.corr``).

    Parameters
    ----------
    levels : sequence of int, optional
        Framework levels (1 = indicators); the nodes of all of them form rows and columns,
        in framework order.
    method : {"pearson", "spearman", "kendall"}

    Example
    -------
    >>> corr(result, levels=[1, 2])               # doctest: +SKIP
    """
    fw = result.recipe.framework
    _choose("method", ["pearson", "spearman", "kendall"], method, "corr")
    valid = list(range(1, fw.n_levels + 1))
    chosen = valid if levels is None else [_choose("levels", valid, lv, "corr")
                                           for lv in levels]
    codes = [c for lv in sorted(set(chosen)) for c in fw.codes_at(lv)
             if c in result.scores.columns]
    matrix = result.scores[codes].corr(method=method)
    trace = go.Heatmap(z=matrix.to_numpy(), x=codes, y=codes, zmin=-1, zmax=1,
                       colorscale="RdBu", xgap=1, ygap=1, colorbar={"title": method},
                       hovertemplate="%{y} × %{x}: %{z:.2f}<extra></extra>")
    size = len(codes)
    return _figure([trace], f"Correlations ({method}), levels "
                   + ", ".join(str(lv) for lv in sorted(set(chosen))),
                   height=int(min(1400, max(420, 18 * size + 200))),
                   xaxis={"type": "category", "tickangle": -60},
                   yaxis={"type": "category", "autorange": "reversed"})


def framework(result: IndexResult) -> go.Figure:
    """The framework tree as a sunburst, the index at the centre, each node's angle its
    effective weight (:func:`innometrics.audit.effective_weights`: the product of its
    normalised weights up to the index).

    Aggregates carry no value of their own (``branchvalues="remainder"``), so each ring
    sums exactly to its children's effective weights, without rounding gaps.

    Example
    -------
    >>> framework(result)                         # doctest: +SKIP
    """
    fw = result.recipe.framework
    eff = effective_weights(fw).set_index("iCode")
    codes = list(eff.index)
    leaf = [fw[c].level == 1 for c in codes]
    hover = [f"{fw[c].name} ({c})<br>weight {fw[c].weight:g} among siblings"
             f"<br>{100 * eff.loc[c, 'EffWeight']:.2f}% of the index" for c in codes]
    trace = go.Sunburst(ids=codes, labels=codes, parents=[fw[c].parent or "" for c in codes],
                        values=[100 * eff.loc[c, "EffWeight"] if is_leaf else 0.0
                                for c, is_leaf in zip(codes, leaf, strict=True)],
                        branchvalues="remainder", hovertext=hover,
                        hovertemplate="%{hovertext}<extra></extra>",
                        insidetextorientation="radial")
    return _figure([trace], "Framework and effective weights", height=620)


# --- plots of a Monte Carlo and a sensitivity analysis ------------------------------------
def uncertainty(mc: UncertaintyResult) -> go.Figure:
    """Rank intervals from a Monte Carlo: per unit (by nominal rank) the median rank with a
    bar from the 5th to the 95th percentile, and the nominal rank marked (COINr's
    ``plot_uncertainty``); the columns of :meth:`UncertaintyResult.rank_intervals`.

    Example
    -------
    >>> from innometrics.uncertainty import run_uncertainty   # doctest: +SKIP
    >>> uncertainty(run_uncertainty(result.recipe))           # doctest: +SKIP
    """
    if isinstance(mc, PanelUncertaintyResult):
        raise InvalidParameter("'mc' of plot.uncertainty must be one time's Monte Carlo; got "
                               f"a panel's: pass mc.results[time], time one of "
                               f"{list(mc.results)}.")
    if not isinstance(mc, UncertaintyResult):
        raise InvalidParameter("'mc' of plot.uncertainty must be an UncertaintyResult "
                               f"(run_uncertainty); got {type(mc).__name__}.")
    table = mc.rank_intervals()
    units = list(table["uCode"])
    median = table["median"].to_numpy(float)
    interval = go.Scatter(
        x=units, y=median, mode="markers", name="median rank (bar: 5th–95th percentile)",
        customdata=table["uName"], marker={"color": _BLUE, "size": 7},
        error_y={"type": "data", "symmetric": False, "width": 0, "thickness": 2,
                 "array": table["q95"].to_numpy(float) - median,
                 "arrayminus": median - table["q05"].to_numpy(float)},
        hovertemplate="%{customdata} (%{x})<br>median rank %{y}<extra></extra>")
    nominal = go.Scatter(x=units, y=table["nominal"], mode="markers", name="nominal rank",
                         customdata=table["uName"],
                         marker={"color": _ORANGE, "symbol": "x", "size": 8},
                         hovertemplate="%{customdata} (%{x})<br>nominal rank %{y}"
                                       "<extra></extra>")
    target = mc.design.target_of(mc.recipe)
    return _figure([interval, nominal], f"{target}: rank intervals",
                   legend={"orientation": "h", "y": 1.08, "x": 0},
                   xaxis={"title": "unit, by nominal rank", "type": "category",
                          "tickangle": -60},
                   yaxis={"title": "rank (1 = best)", "autorange": "reversed"})


def sensitivity(sa: SensitivityResult) -> go.Figure:
    """First-order (S1) and total-order (ST) Sobol indices of each uncertain input as grouped
    bars, whiskers from the 5th to the 95th bootstrap percentile
    (:meth:`SensitivityResult.to_frame`). A whisker is drawn from the index to each end of
    its interval, clipped at the index where a bootstrap percentile lies beyond it.

    Example
    -------
    >>> from innometrics.uncertainty import run_sensitivity   # doctest: +SKIP
    >>> sensitivity(run_sensitivity(result.recipe))           # doctest: +SKIP
    """
    if not isinstance(sa, SensitivityResult):
        raise InvalidParameter("'sa' of plot.sensitivity must be a SensitivityResult "
                               f"(run_sensitivity); got {type(sa).__name__}.")
    table = sa.to_frame()
    traces = []
    for index, color in (("S1", _BLUE), ("ST", _ORANGE)):
        value = table[index].to_numpy(float)
        traces.append(go.Bar(
            x=table["input"], y=value, name=index, marker_color=color,
            error_y={"type": "data", "symmetric": False, "color": _GREY,
                     "array": np.maximum(table[f"{index}_q95"].to_numpy(float) - value, 0.0),
                     "arrayminus": np.maximum(value - table[f"{index}_q05"].to_numpy(float),
                                              0.0)},
            hovertemplate=f"%{{x}}<br>{index} %{{y:.3f}}<extra></extra>"))
    return _figure(traces, "Sensitivity of ranks: Sobol indices", barmode="group",
                   xaxis={"title": "uncertain input", "type": "category"},
                   yaxis={"title": "Sobol index (of the mean absolute rank shift)"})
