"""Plots of a result (COINr's ``plot_bar``, ``plot_dist``, ``plot_dot``, ``plot_scatter``,
``plot_corr``, ``plot_framework``, ``plot_uncertainty``, ``plot_sensitivity``): each picks the
result's numbers, checks its arguments, and draws with :mod:`.charts` or :mod:`.style`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .._params import one_of
from ..audit.correlations import correlation_matrix
from ..errors import InvalidParameter
from ..result import IndexResult
from ..uncertainty.panel import PanelUncertaintyResult
from ..uncertainty.result import UncertaintyResult
from ..uncertainty.sobol import SensitivityResult
from .charts import (
    bar_chart,
    corr_chart,
    framework_chart,
    rank_interval_chart,
    sensitivity_chart,
)
from .style import BLUE, GREY, ORANGE, axis, figure

__all__ = ["bar", "dist", "dot", "scatter", "corr", "framework", "uncertainty", "sensitivity"]


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
    scores = result.scores[node]
    group = _group(result, by_group, "bar", scores.index)
    return bar_chart(scores.index, scores.to_numpy(float), names=_names(result, scores.index),
                     groups=None if group is None else list(group), group_title=by_group,
                     name=node, title=f"{node}: scores", axis_title=f"{node} score")


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
    return figure(traces, f"Distribution on {where}", showlegend=False,
                  xaxis=axis("code"), yaxis=axis(f"value ({where})"))


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
                         marker={"color": GREY, "size": 9, "opacity": 0.6},
                         hovertemplate="%{text}<br>%{x:.3g}<extra></extra>")]
    if highlight is not None:
        _choose("highlight", list(table.index), highlight, "dot")
        traces.append(go.Scatter(x=[values[highlight]], y=[code], mode="markers",
                                 name=highlight, marker={"color": ORANGE, "size": 14},
                                 hovertemplate=f"{highlight}<br>%{{x:.3g}}<extra></extra>"))
    marked = f", {highlight} marked" if highlight else ""
    return figure(traces, f"{code}: every unit{marked}", height=260,
                  showlegend=highlight is not None,
                  xaxis=axis(f"{code} ({stage or 'scores'})"), yaxis=axis(""))


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
                         marker={"size": 9, **({} if label else {"color": BLUE})},
                         hovertemplate="%{text}<br>" + f"{x} %{{x:.3g}}, {y} %{{y:.3g}}"
                                       "<extra></extra>")
              for label, part in _by_group(frame, group)]
    return figure(traces, f"{y} against {x}", showlegend=by_group is not None,
                  legend_title_text=by_group, xaxis=axis(x), yaxis=axis(y))


def corr(result: IndexResult, levels: Sequence[int] | None = None,
         method: str = "pearson") -> go.Figure:
    """Correlations between the nodes of ``levels`` (default every level) on the scores,
    as a heatmap (pairwise-complete, :func:`~innometrics.audit.correlations.correlation_matrix`,
    the kernel of :func:`~innometrics.audit.node_correlations`, whose wide table
    ``long=False`` is COINr's ``get_corr`` matrix between two levels).

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
    values = result.scores[codes].to_numpy(np.float64)
    matrix = pd.DataFrame(correlation_matrix(values, values, method, p_values=False)[0],
                          index=codes, columns=codes)
    chosen_text = ", ".join(str(lv) for lv in sorted(set(chosen)))
    return corr_chart({f"levels {chosen_text}": matrix},
                      title=f"Correlations ({method}), levels {chosen_text}", colorbar=method)


def framework(result: IndexResult) -> go.Figure:
    """The framework tree as a sunburst, the index at the centre, each node's angle its
    effective weight (:func:`~innometrics.plot.framework_chart` of the recipe's framework).

    Example
    -------
    >>> framework(result)                         # doctest: +SKIP
    """
    return framework_chart(result.recipe.framework, title="Framework and effective weights")


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
    return rank_interval_chart(table["uCode"], table["nominal"], table["median"],
                               table["q05"], table["q95"], names=table["uName"],
                               title=f"{mc.design.target_of(mc.recipe)}: rank intervals")


def sensitivity(sa: SensitivityResult) -> go.Figure:
    """First-order (S1) and total-order (ST) Sobol indices of each uncertain input as grouped
    bars, whiskers from the 5th to the 95th bootstrap percentile
    (:func:`~innometrics.plot.sensitivity_chart` of :meth:`SensitivityResult.to_frame`).

    Example
    -------
    >>> from innometrics.uncertainty import run_sensitivity   # doctest: +SKIP
    >>> sensitivity(run_sensitivity(result.recipe))           # doctest: +SKIP
    """
    if not isinstance(sa, SensitivityResult):
        raise InvalidParameter("'sa' of plot.sensitivity must be a SensitivityResult "
                               f"(run_sensitivity); got {type(sa).__name__}.")
    return sensitivity_chart(sa.to_frame(), title="Sensitivity of ranks: Sobol indices")
