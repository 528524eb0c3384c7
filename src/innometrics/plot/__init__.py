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

The charts are drawn from columns by :func:`bar_chart`, :func:`rank_interval_chart`,
:func:`framework_chart`, :func:`corr_chart` and :func:`sensitivity_chart` (module
:mod:`.charts`), which the HTML report calls on a run directory's tables: a chart is drawn by
the same code in a notebook and in the report. :mod:`.style` holds the look they share (font,
backgrounds, axes) with the report's other figures.

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

from .charts import (
    SENSITIVITY_COLUMNS,
    bar_chart,
    corr_chart,
    framework_chart,
    rank_interval_chart,
    sensitivity_chart,
)
from .result_plots import bar, corr, dist, dot, framework, scatter, sensitivity, uncertainty

__all__ = ["bar", "dist", "dot", "scatter", "corr", "framework", "uncertainty", "sensitivity",
           "bar_chart", "rank_interval_chart", "framework_chart", "corr_chart",
           "sensitivity_chart", "SENSITIVITY_COLUMNS"]
