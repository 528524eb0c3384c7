"""The look every figure of innometrics shares: the Python plots (:mod:`innometrics.plot`) and
the HTML report's figures (:mod:`innometrics.report`), whether built as plotly objects or as
plain ``{"data": [...], "layout": {...}}`` dicts.

System fonts only (a report never fetches a web font), white backgrounds, light grid lines;
titles name what is shown and axis titles its unit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go

__all__ = ["FONT", "BLUE", "ORANGE", "GREY", "layout", "axis", "figure", "whiskers", "clean"]

#: System fonts only: a page never fetches a web font.
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
        "size": 13}
BLUE, ORANGE, GREY = "#1f5f9f", "#d9822b", "#6b7280"

#: An empty plotly template: plotly.py would otherwise write its default template (about
#: 7 kB of styles this look overrides anyway) into every figure it serialises.
_NO_TEMPLATE = go.layout.Template()


def layout(title: str, **extra: Any) -> dict:
    """A figure's layout: ``title`` at the top left, the shared font, margins and
    backgrounds; ``extra`` keys (axes, height, legend...) are added or replace these."""
    out = {"title": {"text": title, "x": 0.0, "xanchor": "left"}, "font": FONT,
           "margin": {"l": 60, "r": 20, "t": 60, "b": 60}, "paper_bgcolor": "white",
           "plot_bgcolor": "white", "hovermode": "closest"}
    out.update(extra)
    return out


def axis(title: str, **extra: Any) -> dict:
    """A cartesian axis titled ``title`` (what its values are, with their unit)."""
    return {"title": {"text": title}, "gridcolor": "#e5e7eb", "zeroline": False,
            "automargin": True, **extra}


def figure(traces: list, title: str, **extra: Any) -> go.Figure:
    """A plotly figure of ``traces`` with :func:`layout` (``extra`` as there)."""
    return go.Figure(data=traces, layout={**layout(title, **extra), "template": _NO_TEMPLATE})


def whiskers(value: np.ndarray, low: np.ndarray, high: np.ndarray, **style: Any) -> dict:
    """An ``error_y`` from each ``value`` down to ``low`` and up to ``high``; a bound beyond
    its value (possible for a percentile of another quantity) draws no whisker on that side."""
    return {"type": "data", "symmetric": False, "array": np.maximum(high - value, 0.0),
            "arrayminus": np.maximum(value - low, 0.0), **style}


def clean(values: Any) -> list:
    """A list of floats with NaN and ±inf as None (JSON ``null``), for dict figures."""
    return [v if math.isfinite(v) else None
            for v in np.asarray(values, dtype=np.float64).ravel().tolist()]
