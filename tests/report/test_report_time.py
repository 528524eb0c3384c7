"""The report's time page: rank trajectories with interval bands and a unit selector, the slope
chart of the last two times with significant moves marked, the trends table; for a panel build
(with or without its uncertainty run), a panel uncertainty run alone and a GII atlas run."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import local_page
from test_panel import META_T, PANEL, steps
from toy_index import write_toy

import innometrics as im
from innometrics.report import render_report, write_report
from innometrics.report.index_section import index_section
from innometrics.report.inputs import IndexGroup
from innometrics.report.time_section import PATH_COLUMNS, rank_paths, slope_figure, time_section
from innometrics.runs import open_run, write_run
from innometrics.uncertainty import run_uncertainty

DESIGN = """uncertainty:
  runs: 40
  seed: 3
  weights: {noise: 0.5, levels: [1, 2]}
"""


@pytest.fixture(scope="module")
def panel_runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("panel")
    text = steps("impute: {method: panel}", "normalise: {method: minmax, range: [1, 100], "
                 "across_time: true}", "aggregate: {}") + DESIGN
    recipe = im.load_recipe(write_toy(root, META_T, PANEL, text))
    return {"build": im.build(recipe).write(root / "build"),
            "uncertainty": run_uncertainty(recipe).write(root / "mc")}


def _atlas() -> pd.DataFrame:
    """Three editions of four economies; China rises 3 places into 2023, significantly."""
    rows = []
    ranks = {2021: [1, 2, 3, 4], 2022: [1, 2, 4, 3], 2023: [2, 3, 1, 4]}
    for edition, order in ranks.items():
        for code, name, rank in zip(["USA", "DEU", "CHN", "FRA"],
                                    ["United States", "Germany", "China", "France"], order,
                                    strict=True):
            previous = ranks.get(edition - 1)
            change = rank - previous[["USA", "DEU", "CHN", "FRA"].index(code)] if previous \
                else np.nan
            rows.append({"edition": edition, "uCode": code, "name": name, "rank": rank,
                         "score": 60 - rank, "rank_median": rank, "rank_q05": max(rank - 1, 1),
                         "rank_q95": rank + 1, "change": change,
                         "change_q05": change - 1 if code != "CHN" else change,
                         "change_median": change, "change_q95": change + 1 if code != "CHN"
                         else change, "significant": (code == "CHN") if previous else np.nan,
                         "level": "pillar"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def atlas_run(tmp_path_factory) -> Path:
    return write_run(tmp_path_factory.mktemp("atlas") / "atlas", kind="gii-atlas",
                     tables={"atlas.csv": _atlas()})


def test_panel_paths_join_ranks_intervals_and_changes(panel_runs):
    build, mc = open_run(panel_runs["build"]), open_run(panel_runs["uncertainty"])
    paths = rank_paths(build, mc)
    assert list(paths.columns) == PATH_COLUMNS
    ranks = build.table("ranks")
    assert len(paths) == len(ranks)
    nominal = ranks.astype({"Time": str}).set_index(["Time", "uCode"])["Index"]
    for row in paths.itertuples():
        assert row.rank == nominal[(row.time, row.uCode)]
        assert row.rank_q05 <= row.rank_q95
    changes = mc.table("rank_changes").astype({"Time": str}).set_index(["Time", "uCode"])
    joined = paths.dropna(subset=["change"]).set_index(["time", "uCode"])
    assert len(joined) == len(changes)
    assert (joined["change"] == changes.loc[joined.index, "change"]).all()
    assert paths.loc[paths["uCode"] == "AAA", "name"].iloc[0] == "Aland"
    # the uncertainty run alone gives the same ranks (its nominal ranks)
    alone = rank_paths(None, mc)
    np.testing.assert_array_equal(alone["rank"].to_numpy(float), paths["rank"].to_numpy(float))


def test_atlas_section_data(atlas_run):
    section = time_section(open_run(atlas_run), focus=["FRA"])
    assert section.selected[:2] == ["FRA", "CHN"]  # the claims' economy, then China
    assert [c for c, _ in section.units][:2] == ["FRA", "CHN"]
    traces = section.trajectories.figure["data"]
    assert len(traces) == 2 * len(section.units)  # a band and a line per unit
    visible = {t["legendgroup"] for t in traces if t["visible"]}
    assert visible == set(section.selected)
    line = next(t for t in traces if t["legendgroup"] == "CHN" and t["mode"] != "lines")
    assert line["x"] == ["2021", "2022", "2023"] and line["y"] == [3, 4, 1]
    band = next(t for t in traces if t["legendgroup"] == "CHN" and t["mode"] == "lines")
    assert band["y"] == [2, 3, 1, 2, 5, 4]  # q05 forwards, q95 backwards
    slope = {t["name"]: t for t in section.slope.figure["data"]}
    assert set(slope) == {"not significant", "significant rise"}
    assert slope["significant rise"]["y"] == [4, 1, None]
    # named: the significant move and the focus units (FRA given, China), not the others
    assert {a["text"] for a in section.slope.figure["layout"]["annotations"]} == {"CHN", "FRA"}
    assert section.tables[0].title == "Rank changes into 2023"


def test_slope_needs_two_times():
    one = pd.DataFrame({"time": ["2020"], "uCode": ["A"], "name": ["A"], "rank": [1],
                        "rank_q05": [np.nan], "rank_q95": [np.nan], "change": [np.nan],
                        "significant": [np.nan]})
    assert slope_figure(one, title="") is None


def test_report_pages_of_runs_with_time(panel_runs, atlas_run, tmp_path):
    both = render_report([panel_runs["build"], panel_runs["uncertainty"]])
    assert both.count('class="section section-time"') == 1
    assert both.count('class="section section-index"') == 1
    assert "Trends of the index Index per unit" in both
    # the index section shows the latest time: one ranking row per unit scored then
    assert "this section shows its latest time, 2022" in both
    section = index_section(IndexGroup(build=open_run(panel_runs["build"])))
    assert [row[1][0] for row in section.ranking.rows] == ["BBB", "EEE", "CCC", "AAA"]
    alone = render_report([panel_runs["uncertainty"]])  # no build given: the time page only
    assert alone.count("section-time") == 1 and "section-index" not in alone
    # a demo run holding an atlas run and a claims run about France: France first
    demo = tmp_path / "demo"
    write_run(demo, kind="demo", tables={})
    write_run(demo / "gii-atlas", kind="gii-atlas", tables={"atlas.csv": _atlas()},
              force=True)
    write_run(demo / "claims", kind="check", force=True, tables={"claims.csv": pd.DataFrame(
        {"id": ["c"], "measure": ["gii_rank"], "economy": ["FRA"], "year": [2023],
         "claimed": [4], "found": [4], "verdict": ["consistent"]})})
    page = render_report([demo])
    assert page.count("section-time") == 1
    options = re.findall(r'<option value="(\w+)"( selected)?>', page)
    assert options[0] == ("FRA", " selected") and options[1] == ("CHN", " selected")


def test_time_page_in_the_browser(atlas_run, panel_runs, tmp_path):
    out = write_report([atlas_run, panel_runs["build"], panel_runs["uncertainty"]],
                       tmp_path / "report.html")
    with local_page(out.as_uri(), "file://") as (page, problems, requested):
        box = page.locator(".time-page", has=page.locator("option[value=DEU]"))
        plot_id = box.get_attribute("data-time")
        page.wait_for_function(f"() => document.getElementById('{plot_id}').data", timeout=60_000)
        shown = f"""() => document.getElementById('{plot_id}')._fullData
            .filter(t => t.visible === true && t.mode !== 'lines').map(t => t.legendgroup)"""
        before = page.evaluate(shown)
        box.locator("select.time-select").select_option(["DEU"])
        after = page.evaluate(shown)
        marks = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.section-time .js-plotly-plot')).map(gd => gd.querySelectorAll(
            '.scatterlayer .point').length)""")
    assert problems == [] and requested == []
    assert set(before) == {"USA", "DEU", "CHN", "FRA"} and after == ["DEU"]
    assert len(marks) == 4 and all(n > 0 for n in marks)  # trajectories and slope, twice


def test_cli_build_of_a_panel_says_units_by_times_and_reports_the_time_page(tmp_path):
    from typer.testing import CliRunner

    from innometrics.cli import app

    recipe = write_toy(tmp_path, META_T, PANEL, steps("normalise: {method: minmax}",
                                                      "aggregate: {}"))
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["build", str(recipe), "--out", str(out), "--report",
                                      "--no-store"])
    assert result.exit_code == 0, result.output
    assert "built Index for 5 units × 3 times" in result.output
    assert "section-time" in (out / "report.html").read_text(encoding="utf-8")
