"""HTML reports of run directories: one self-contained file that opens with no network.

>>> from innometrics.report import write_report
>>> write_report(["results", "audit", "mc"], "report.html")      # doctest: +SKIP

:func:`render_report` returns the page as text; :func:`write_report` writes it safely (a new
file, or one innometrics wrote, with a sidecar manifest). What the page shows depends on the
runs given (see :mod:`innometrics.report.inputs` for how they are matched):

- a build (or GII import) run: the recipe and provenance, a sortable ranking, index scores,
  a world map (ISO3 unit codes), the framework as a sunburst, unit profiles;
- with the audit run of the same data: the correlation heatmap and the audit's tables;
- with the uncertainty run of the same data: rank intervals in the ranking and a chart, and
  its Sobol indices (``sensitivity.csv``) as bars;
- a cluster run: a map of clusters sized by output and the top-N table (synthetic records
  marked as such everywhere);
- any other run, and any table no view shows: generic sortable tables.

The score bars, rank intervals, Sobol indices, correlation heatmap and framework sunburst are
drawn by :mod:`innometrics.plot` (``bar_chart``, ``rank_interval_chart``, ``sensitivity_chart``,
``corr_chart``, ``framework_chart``: the functions behind ``plot.bar``, ``plot.uncertainty``,
``plot.sensitivity``, ``plot.corr`` and ``plot.framework``) from the runs' tables, and embedded
as their JSON (plotly.js once per page).

Modules: ``inputs`` (which runs belong together), ``charts`` (the maps and count bars, as data),
``common`` (tables, provenance, source lines), ``index_section``, ``cluster_section``,
``profiles`` (strengths and weaknesses), ``html`` (assets, template, writing).
"""

from .html import (
    add_report_to_run,
    geo_assets_js,
    plotly_js,
    render_report,
    script_json,
    summary_html,
    write_report,
)
from .inputs import IndexGroup, ReportInputs, collect_runs

__all__ = ["render_report", "write_report", "add_report_to_run", "summary_html",
           "collect_runs", "IndexGroup", "ReportInputs", "plotly_js", "geo_assets_js",
           "script_json"]
