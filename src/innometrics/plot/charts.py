"""Charts built from columns: the drawing code behind :mod:`innometrics.plot` and the HTML report.

:func:`innometrics.plot.bar`, :func:`~innometrics.plot.uncertainty`,
:func:`~innometrics.plot.framework` and :func:`~innometrics.plot.corr` take results; the
report has only a run directory's tables. Both draw through these functions, so a chart looks
and reads the same wherever it is shown. Each takes plain columns (sequences or arrays of one
length, NaN for missing) and returns a :class:`plotly.graph_objects.Figure`; a column of the
wrong length raises :class:`~innometrics.errors.InvalidParameter` in one line.

Example
-------
>>> from innometrics.plot import bar_chart
>>> fig = bar_chart(["A", "B", "C"], [40.0, float("nan"), 75.5], title="Index",
...                 axis_title="score")
>>> fig.data[0].x                       # best first, missing last
('C', 'A', 'B')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..audit.weights import effective_weights
from ..errors import InvalidParameter
from ..framework import Framework
from .style import BLUE, GREY, ORANGE, axis, figure, whiskers

__all__ = ["bar_chart", "rank_interval_chart", "framework_chart", "corr_chart",
           "sensitivity_chart"]

#: The columns of a sensitivity table (:meth:`SensitivityResult.to_frame`, ``sensitivity.csv``).
SENSITIVITY_COLUMNS = ("input", "S1", "S1_q05", "S1_q95", "ST", "ST_q05", "ST_q95")


def _floats(values: Any, n: int, name: str, owner: str) -> np.ndarray:
    """``values`` as a float array of length ``n`` (one line naming ``name`` if not)."""
    try:
        array = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise InvalidParameter(f"'{name}' of plot.{owner} must hold numbers (NaN for "
                               "missing); got a value that is not one.") from None
    if array.shape != (n,):
        raise InvalidParameter(f"'{name}' of plot.{owner} must hold one value per code ({n}); "
                               f"got {array.size}.")
    return array


def _texts(values: Sequence[Any] | None, codes: list[str], name: str, owner: str, *,
           missing: str | None = None) -> list[str]:
    """``values`` as text, one per code; a missing value (and every value when ``values``
    is None) is ``missing``, or the code when ``missing`` is None."""
    given = [None] * len(codes) if values is None else list(values)
    if len(given) != len(codes):
        raise InvalidParameter(f"'{name}' of plot.{owner} must hold one value per code "
                               f"({len(codes)}); got {len(given)}.")
    return [(code if missing is None else missing) if v is None or pd.isna(v) else str(v)
            for v, code in zip(given, codes, strict=True)]


def _order(values: np.ndarray, *, descending: bool) -> np.ndarray:
    """Positions sorting ``values`` (stable, so ties keep their order), missing last."""
    key = -values if descending else values
    return np.argsort(np.where(np.isnan(key), np.inf, key), kind="stable")


def bar_chart(codes: Sequence[str], scores: Any, *, title: str, axis_title: str,
              names: Sequence[str] | None = None, groups: Sequence[Any] | None = None,
              lower: Any = None, upper: Any = None, name: str = "score",
              group_title: str | None = None) -> go.Figure:
    """Bars of ``scores``, best first (missing last, ties in the order given).

    Parameters
    ----------
    codes : sequence of str, length n
        The units (one bar each, the x axis).
    scores : array-like, shape (n,)
    title, axis_title : str
        The chart's title and the y axis's (what a score is).
    names : sequence of str, length n, optional
        Shown with the code on hover.
    groups : sequence, length n, optional
        A group label per unit: one trace per group (sorted by label, so the legend toggles
        groups), the bars still in one best-first order; a missing label is ``"(none)"``.
    lower, upper : array-like, shape (n,), optional
        Whiskers from ``lower`` to ``upper`` (e.g. the 5th and 95th percentiles of Monte
        Carlo scores); both or neither.
    name : str, default "score"
        The trace's name without groups.
    group_title : str, optional
        The legend's title with groups.
    """
    codes = [str(c) for c in codes]
    s = _floats(scores, len(codes), "scores", "bar_chart")
    texts = _texts(names, codes, "names", "bar_chart")
    order = _order(s, descending=True)
    ordered = [codes[i] for i in order]
    if (lower is None) != (upper is None):
        raise InvalidParameter("'lower' and 'upper' of plot.bar_chart go together; got only "
                               + ("'lower'." if upper is None else "'upper'."))
    if lower is not None:
        lo = _floats(lower, len(codes), "lower", "bar_chart")
        hi = _floats(upper, len(codes), "upper", "bar_chart")
    labels = None if groups is None else _texts(groups, codes, "groups", "bar_chart",
                                                missing="(none)")
    parts = ([(None, order)] if labels is None else
             [(g, np.array([i for i in order if labels[i] == g], dtype=int))
              for g in sorted(set(labels))])
    traces = []
    for label, rows in parts:
        trace = go.Bar(x=[codes[i] for i in rows], y=s[rows],
                       customdata=[texts[i] for i in rows], name=label or name,
                       marker_color=None if label else BLUE,
                       hovertemplate="%{customdata} (%{x})<br>score %{y:.2f}<extra></extra>")
        if lower is not None:
            trace.error_y = whiskers(s[rows], lo[rows], hi[rows], color=GREY)
        traces.append(trace)
    return figure(traces, title, height=460, showlegend=labels is not None,
                  legend_title_text=group_title,
                  xaxis=axis("unit (code)", type="category", categoryorder="array",
                             categoryarray=ordered, tickangle=-60),
                  yaxis=axis(axis_title))


def rank_interval_chart(codes: Sequence[str], nominal: Any, median: Any, q05: Any, q95: Any,
                        *, title: str, names: Sequence[str] | None = None) -> go.Figure:
    """Rank intervals: per unit, by nominal rank, the median rank with a bar from the 5th to
    the 95th percentile rank, and the nominal rank marked (rank 1 at the top of the axis).

    Parameters
    ----------
    codes : sequence of str, length n
    nominal, median, q05, q95 : array-like, shape (n,)
        The columns of :meth:`~innometrics.uncertainty.UncertaintyResult.rank_intervals`
        (an uncertainty run's ``rank_intervals.csv``).
    names : sequence of str, length n, optional
        Shown with the code on hover.
    """
    codes = [str(c) for c in codes]
    nom, med, lo, hi = (_floats(v, len(codes), k, "rank_interval_chart")
                        for k, v in (("nominal", nominal), ("median", median), ("q05", q05),
                                     ("q95", q95)))
    texts = _texts(names, codes, "names", "rank_interval_chart")
    order = _order(nom, descending=False)
    x, hover = [codes[i] for i in order], [texts[i] for i in order]
    interval = go.Scatter(
        x=x, y=med[order], mode="markers", name="median rank (bar: 5th–95th percentile)",
        customdata=hover, marker={"color": BLUE, "size": 7},
        error_y=whiskers(med[order], lo[order], hi[order], color=BLUE, thickness=2, width=0),
        hovertemplate="%{customdata} (%{x})<br>median rank %{y}<extra></extra>")
    marked = go.Scatter(x=x, y=nom[order], mode="markers", name="nominal rank",
                        customdata=hover, marker={"color": ORANGE, "symbol": "x", "size": 7},
                        hovertemplate="%{customdata} (%{x})<br>nominal rank %{y}"
                                      "<extra></extra>")
    return figure([interval, marked], title, height=480,
                  legend={"orientation": "h", "y": 1.08, "x": 0},
                  xaxis=axis("unit (code), by nominal rank", type="category", tickangle=-60),
                  yaxis=axis("rank (1 = best)", autorange="reversed"))


def framework_chart(framework: Framework, *, title: str) -> go.Figure:
    """The framework tree as a sunburst, the index at the centre, each node's angle its
    effective weight (:func:`innometrics.audit.effective_weights`: the product of its
    normalised weights up to the index).

    Aggregates carry no value of their own (``branchvalues="remainder"``), so each ring sums
    exactly to its children's effective weights, without rounding gaps.

    Parameters
    ----------
    framework : Framework
        A recipe's framework, or a run's ``framework.csv`` read back with
        :func:`~innometrics.framework.load_framework`.
    """
    eff = effective_weights(framework).set_index("iCode")["EffWeight"]
    nodes = framework.nodes
    hover = [f"{n.name} ({n.code})<br>weight {n.weight:g} among siblings"
             f"<br>{100 * eff[n.code]:.2f}% of the index" for n in nodes]
    trace = go.Sunburst(ids=[n.code for n in nodes], labels=[n.code for n in nodes],
                        parents=[n.parent or "" for n in nodes],
                        values=[100 * eff[n.code] if n.level == 1 else 0.0 for n in nodes],
                        branchvalues="remainder", hovertext=hover,
                        hovertemplate="%{hovertext}<extra></extra>",
                        insidetextorientation="radial")
    return figure([trace], title, height=620, margin={"l": 10, "r": 10, "t": 60, "b": 10})


def corr_chart(matrices: Mapping[str, pd.DataFrame], *, title: str, colorbar: str,
               hover: Mapping[str, pd.DataFrame] | None = None) -> go.Figure:
    """Correlations as heatmaps (red negative, blue positive, from -1 to 1), one per matrix;
    with several, buttons switch between them.

    Parameters
    ----------
    matrices : mapping of str to DataFrame
        A label (e.g. ``"level 2"``) to a matrix: its index the rows, its columns the columns
        (square or not), NaN left blank.
    title : str
        With several matrices, the shown one's label is added (``"title — level 2"``).
    colorbar : str
        What a value is (``"pearson"``, ``"Pearson r"``).
    hover : mapping of str to DataFrame, optional
        Per label, the text of each cell (same shape as its matrix); by default
        ``"row × column: r"``.
    """
    if not matrices:
        raise InvalidParameter("'matrices' of plot.corr_chart must hold at least one matrix; "
                               "got none.")
    several = len(matrices) > 1
    traces, buttons = [], []
    for k, (label, matrix) in enumerate(matrices.items()):
        rows, cols = [str(c) for c in matrix.index], [str(c) for c in matrix.columns]
        text = None if hover is None or label not in hover else hover[label].to_numpy()
        traces.append(go.Heatmap(
            z=matrix.to_numpy(dtype=float), x=cols, y=rows, zmin=-1, zmax=1,
            colorscale="RdBu", xgap=1, ygap=1, colorbar={"title": {"text": colorbar}},
            name=label, visible=not several or k == 0, hoverongaps=False, text=text,
            hovertemplate=("%{text}" if text is not None else "%{y} × %{x}: %{z:.2f}")
                          + "<extra></extra>"))
        buttons.append({"label": label, "method": "update",
                        "args": [{"visible": [j == k for j in range(len(matrices))]},
                                 {"title.text": f"{title} — {label}"}]})
    size = max(len(t.y) for t in traces)
    font = {"size": 10 if size > 40 else 12}
    extra: dict[str, Any] = {}
    if several:
        extra["updatemenus"] = [{"type": "buttons", "direction": "right", "buttons": buttons,
                                 "x": 1.0, "xanchor": "right", "y": 1.08, "yanchor": "bottom",
                                 "showactive": True}]
    first = next(iter(matrices))
    return figure(traces, f"{title} — {first}" if several else title,
                  height=int(min(1400, max(420, 18 * size + 200))),
                  xaxis=axis("", type="category", tickangle=-60, dtick=1, tickfont=font),
                  yaxis=axis("", type="category", autorange="reversed", dtick=1,
                             tickfont=font), **extra)


def sensitivity_chart(table: pd.DataFrame, *, title: str) -> go.Figure:
    """First-order (S1) and total-order (ST) Sobol indices of each uncertain input as grouped
    bars, whiskers from the 5th to the 95th bootstrap percentile; a whisker is drawn from the
    index to each end of its interval, clipped at the index where a percentile lies beyond it.

    Parameters
    ----------
    table : DataFrame
        ``input, S1, S1_q05, S1_q95, ST, ST_q05, ST_q95``, one row per input
        (:meth:`~innometrics.uncertainty.SensitivityResult.to_frame`, an uncertainty run's
        ``sensitivity.csv``); other columns are not drawn.
    """
    missing = [c for c in SENSITIVITY_COLUMNS if c not in table.columns]
    if missing:
        raise InvalidParameter(f"'table' of plot.sensitivity_chart must have the columns "
                               f"{list(SENSITIVITY_COLUMNS)}; it lacks {missing}.")
    inputs = [str(v) for v in table["input"]]
    traces = []
    for index, color in (("S1", BLUE), ("ST", ORANGE)):
        value = table[index].to_numpy(float)
        traces.append(go.Bar(
            x=inputs, y=value, name=index, marker_color=color,
            error_y=whiskers(value, table[f"{index}_q05"].to_numpy(float),
                             table[f"{index}_q95"].to_numpy(float), color=GREY),
            hovertemplate=f"%{{x}}<br>{index} %{{y:.3f}}<extra></extra>"))
    return figure(traces, title, barmode="group",
                  xaxis=axis("uncertain input", type="category"),
                  yaxis=axis("Sobol index (of the mean absolute rank shift)"))
