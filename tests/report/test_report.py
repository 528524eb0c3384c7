"""The HTML report: which runs go together, what the page holds, escaping, safe writing, and
the page itself opened offline in headless Chromium (every chart drawn, maps included)."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from browser import local_page, screenshot_path
from toy_index import write_toy

from innometrics import plot
from innometrics.audit import audit
from innometrics.clusters.ranking import RankingSettings, rank_clusters
from innometrics.clusters.records import validate_records
from innometrics.clusters.synth import synthesize
from innometrics.datasets import gii_recipe_path
from innometrics.errors import InputError
from innometrics.recipe import load_recipe
from innometrics.report import collect_runs, render_report, write_report
from innometrics.report.html import plotly_js, script_json
from innometrics.report.index_section import index_section
from innometrics.report.profiles import generic_strengths
from innometrics.result import build
from innometrics.runs import add_to_run, open_run
from innometrics.uncertainty import UncertaintyDesign, run_sensitivity, run_uncertainty

#: Names that would break a page that did not escape them.
NASTY = ["Weird [/] name", "<script>alert('x')</script>", "</script><img src=x onerror=alert(2)>",
         "Quote \" and \\ backslash & ampersand", "{{ jinja }} {% raw %}"]


@pytest.fixture(scope="module")
def gii_runs(tmp_path_factory) -> dict[str, Path]:
    """GII 2022 (bundled): build, audit and uncertainty runs, and a synthetic cluster run."""
    root = tmp_path_factory.mktemp("gii")
    recipe = load_recipe(gii_recipe_path(2022))
    result = build(recipe)
    runs = {"build": result.write(root / "build"),
            "audit": audit(result).write(root / "audit")}
    mc = run_uncertainty(recipe, UncertaintyDesign.from_recipe(recipe, runs=60))
    runs["uncertainty"] = mc.write(root / "mc")
    records = validate_records(synthesize(30_000, seed=1), source="synthetic records")
    ranking = rank_clusters(records, RankingSettings(patent_min_weight=6.0,
                                                     publication_min_weight=6.0))
    runs["clusters"] = ranking.write(root / "clusters")
    return runs


@pytest.fixture(scope="module")
def toy_runs(tmp_path_factory) -> dict[str, Path]:
    """The toy index with hostile unit and node names, as build, audit and uncertainty runs."""
    root = tmp_path_factory.mktemp("toy")
    data = "uCode,uName,G,Pop,a,b,c,d\n" + "\n".join(
        f"{code},\"{name.replace(chr(34), chr(34) * 2)}\",x,{10 + i},{i + 1},{20 + 7 * i},"
        f"{5 - i % 3},{0.5 + i / 10}" for i, (code, name) in enumerate(
            zip(["CHE", "FRA", "SGP", "AAA", "EEE"], NASTY, strict=True)))
    recipe_path = write_toy(root, data=data, steps="""name: "Toy <index> & 'friends' </script>"
steps:
  - denominate: {}
  - impute: {method: mean}
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
uncertainty:
  runs: 20
  seed: 2
  weights: {noise: 0.25, levels: [2]}
""")
    recipe = load_recipe(recipe_path)
    result = build(recipe)
    return {"build": result.write(root / "build"), "audit": audit(result).write(root / "audit"),
            "uncertainty": run_uncertainty(recipe).write(root / "mc"), "recipe": recipe_path}


# --- which runs go together ---------------------------------------------------------------------
def test_runs_are_matched_by_data_sha(gii_runs):
    grouped = collect_runs([gii_runs["clusters"], gii_runs["uncertainty"], gii_runs["build"],
                            gii_runs["audit"]])
    (group,) = grouped.groups
    assert group.build.kind == "build" and group.audit.kind == "audit"
    assert group.uncertainty.kind == "uncertainty"
    assert len(group.notes) == 2 and all("SHA-256 of their data" in n for n in group.notes)
    assert [r.kind for r in grouped.clusters] == ["clusters-rank"]


def test_mismatched_runs_are_refused(gii_runs, toy_runs, tmp_path):
    with pytest.raises(InputError, match="match no build run given"):
        collect_runs([gii_runs["build"], toy_runs["audit"]])
    with pytest.raises(InputError, match="match no build run given"):
        collect_runs([toy_runs["uncertainty"]])
    second = audit(build(load_recipe(toy_runs["recipe"]))).write(tmp_path / "audit2")
    with pytest.raises(InputError, match="already matched with the audit run"):
        collect_runs([toy_runs["build"], toy_runs["audit"], second])


def test_same_run_twice_and_not_a_run_are_refused(gii_runs, tmp_path):
    with pytest.raises(InputError, match="given twice"):
        collect_runs([gii_runs["build"], gii_runs["build"]])
    with pytest.raises(InputError, match="no innometrics manifest.json"):
        collect_runs([tmp_path])
    with pytest.raises(InputError, match="no run given"):
        collect_runs([])


# --- what the page holds ------------------------------------------------------------------------
def test_report_is_self_contained(gii_runs):
    page = render_report(list(gii_runs.values()))
    assert page.count("plotly.js v") >= 1 and len(page) > 4_000_000
    assert page.index("PlotlyGeoAssets.topojson.world_110m") < page.index("plotly.js v")
    assert page.count(plotly_js()) == 1  # inlined once
    ours = page.replace(plotly_js(), "")  # plotly.js itself names URLs it never loads here
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", ours) == []
    assert "<link" not in ours and "@import" not in ours and "@font-face" not in ours
    assert "default-src 'none'" in ours and "connect-src 'none'" in ours  # CSP: load nothing
    for text in ("SYNTHETIC DATA", "Ranking on GII", "Median rank (MC)", "Unit profiles",
                 "Top 100 clusters", "SHA-256"):
        assert text in page


def test_report_sections_and_provenance(gii_runs):
    page = render_report([gii_runs["build"], gii_runs["uncertainty"], gii_runs["audit"]])
    build = open_run(gii_runs["build"])
    for item in build.manifest["inputs"]:
        assert item["sha256"] in page
    assert "Global Innovation Index 2022" in page
    assert "correlations (Pearson)" in page and "framework and effective weights" in page
    assert "Generic profile, not WIPO&#39;s method" in page
    assert "SYNTHETIC" not in page
    assert "matched to build run" in page


def test_hostile_names_are_escaped(toy_runs):
    page = render_report([toy_runs["build"], toy_runs["audit"], toy_runs["uncertainty"]])
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page,
                            flags=re.S):
        json.loads(block)  # every embedded block is whole, valid JSON
    assert "Weird [/] name" in page


def test_script_json_cannot_close_the_script():
    text = str(script_json({"name": "</script><script>x()</script>", "v": float("nan")}))
    assert "</" not in text and "<" not in text
    assert json.loads(text) == {"name": "</script><script>x()</script>", "v": None}


def test_generic_strengths(toy_runs):
    run = open_run(toy_runs["build"])
    found = generic_strengths(run.ranks, ["a", "b", "c", "d"])
    assert set(found) == set(run.ranks.index)
    for unit, sw in found.items():
        ranks = run.ranks.loc[unit, ["a", "b", "c", "d"]]
        assert ranks[sw["strengths"][0]] == ranks.min()
        assert ranks[sw["weaknesses"][0]] == ranks.max() or not sw["weaknesses"]


# --- the report's charts are innometrics.plot's -------------------------------------------------
def _numbers(value) -> np.ndarray:
    """An array of a serialised figure: plotly writes numpy arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return array.reshape([int(n) for n in str(shape).split(",")]) if shape else array
    return np.array([np.nan if v is None else v for v in value], dtype=float)


def _figures(toy_runs) -> dict[str, dict]:
    """The toy index section's figures (plain dicts, as embedded), by title."""
    group = collect_runs([toy_runs["build"], toy_runs["audit"],
                          toy_runs["uncertainty"]]).groups[0]
    return {f.figure["layout"]["title"]["text"].split(": ", 1)[1]: f.figure
            for f in index_section(group).figures}


def _same_trace(report: dict, python, keys: tuple[str, ...]) -> None:
    for key in keys:
        mine, theirs = report[key], python.to_plotly_json()[key]
        if isinstance(mine, dict) or isinstance(theirs, dict):  # numbers
            np.testing.assert_array_equal(_numbers(mine), _numbers(theirs), err_msg=key)
        else:
            assert list(mine) == list(theirs), key


def test_report_charts_are_the_python_plots(toy_runs):
    """Bars, rank intervals and the sunburst of the report hold what innometrics.plot draws
    for the same build and Monte Carlo (the report reads them back from the run's tables)."""
    figures = _figures(toy_runs)
    recipe = load_recipe(toy_runs["recipe"])
    result = build(recipe)
    mc = run_uncertainty(recipe)  # the recipe's design and seed: the run's replications
    (bars,) = figures["Index scores, best first"]["data"]
    _same_trace(bars, plot.bar(result).data[0], ("x", "y", "customdata", "name"))
    table = mc.rank_intervals().set_index("uCode").loc[bars["x"]]
    y = _numbers(bars["y"])
    np.testing.assert_allclose(y + _numbers(bars["error_y"]["array"]),
                               np.maximum(table["score_q95"], y), rtol=1e-12)
    np.testing.assert_allclose(y - _numbers(bars["error_y"]["arrayminus"]),
                               np.minimum(table["score_q05"], y), rtol=1e-12)
    title = next(t for t in figures if t.startswith("rank intervals"))
    for mine, theirs in zip(figures[title]["data"], plot.uncertainty(mc).data, strict=True):
        _same_trace(mine, theirs, ("x", "y", "customdata", "name"))
        if "error_y" in mine:
            _same_trace(mine["error_y"], theirs.error_y, ("array", "arrayminus"))
    (sun,) = figures["framework and effective weights"]["data"]
    _same_trace(sun, plot.framework(result).data[0],
                ("ids", "parents", "values", "hovertext", "branchvalues"))
    values = dict(zip(sun["ids"], sun["values"], strict=True))
    assert values["b"] == pytest.approx(100 * 0.5 * 2 / 3) and values["P"] == 0.0
    assert sum(values[c] for c in "abcd") == pytest.approx(100.0)


def test_report_sensitivity_chart_is_the_python_plot(toy_runs, tmp_path):
    import warnings

    recipe = load_recipe(toy_runs["recipe"])
    design = UncertaintyDesign(runs=16, seed=3, noise=0.4, levels=(2,), alternatives={
        "normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "rank"}]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a small N, on purpose
        sa = run_sensitivity(recipe, design, resamples=20)
    mc = run_uncertainty(recipe, design).write(tmp_path / "mc", sensitivity=sa)
    group = collect_runs([toy_runs["build"], mc]).groups[0]
    (figure,) = [f.figure for f in index_section(group).figures
                 if "Sobol" in f.figure["layout"]["title"]["text"]]
    for mine, theirs in zip(figure["data"], plot.sensitivity(sa).data, strict=True):
        _same_trace(mine, theirs, ("x", "y", "name"))
        _same_trace(mine["error_y"], theirs.error_y, ("array", "arrayminus"))
    assert [t["name"] for t in figure["data"]] == ["S1", "ST"]


def test_report_names_the_node_an_uncertainty_run_analyses(toy_runs, tmp_path):
    """An uncertainty run made with a target (--target P) gives P's rank intervals: the
    report says so in the ranking's columns and the chart's title, and draws no whiskers of
    P's scores on the index bars."""
    recipe = load_recipe(toy_runs["recipe"])
    design = UncertaintyDesign.from_recipe(recipe, target="P")
    mc = run_uncertainty(recipe, design).write(tmp_path / "mc")
    section = index_section(collect_runs([toy_runs["build"], mc]).groups[0])
    titles = [f.figure["layout"]["title"]["text"] for f in section.figures]
    assert any("rank intervals of P (20 Monte Carlo replications)" in t for t in titles)
    (bars,) = [f.figure for f in section.figures if "scores, best first" in
               f.figure["layout"]["title"]["text"]]
    assert "error_y" not in bars["data"][0] or not bars["data"][0]["error_y"].get("array")
    names = [name for name, _ in section.ranking.columns]
    assert "Median rank of P (MC)" in names and "Rank of P 5th pct" in names


def test_report_heatmap_holds_the_audit_correlations(toy_runs):
    figures = _figures(toy_runs)
    heat = figures["correlations (Pearson) — level 1"]
    corr = open_run(toy_runs["audit"]).table("correlations")
    assert [t["name"] for t in heat["data"]] == [f"level {lv}" for lv in (1, 2)]
    for trace in heat["data"]:
        level = int(trace["name"].split()[1])
        z = _numbers(trace["z"])
        cell = {(r, c): z[i, j] for i, r in enumerate(trace["y"])
                for j, c in enumerate(trace["x"])}
        rows = corr[corr["Level"] == level]
        for r in rows.itertuples():
            if r.Kind == "parent":
                assert cell[(r.Var2, f"{r.Var1} (parent)")] == r.Pearson
            else:
                assert cell[(r.Var1, r.Var2)] == cell[(r.Var2, r.Var1)] == r.Pearson
        assert np.isfinite(z).sum() == 2 * (rows["Kind"] == "within").sum() + (
            rows["Kind"] == "parent").sum() + len(trace["y"])  # and 1 on each diagonal
    buttons = heat["layout"]["updatemenus"][0]["buttons"]
    assert [b["args"][0]["visible"] for b in buttons] == [[True, False], [False, True]]


def test_profiles_csv_is_shown(toy_runs, tmp_path):
    copy = tmp_path / "build"
    shutil.copytree(toy_runs["build"], copy)
    # the GII import's layout: one row per unit and node, flags beside numbers
    profiles = ("uCode,uName,code,level,score,rank,strength_weakness,income_group_sw,"
                "dmc_fails,compared_with\n"
                "CHE,Weird,a,Indicator,80.5,1,S,,,HI\nCHE,Weird,b,Indicator,10.0,5,,,,HI\n"
                "CHE,Weird,c,Indicator,5.0,4,W,W,,HI\nCHE,Weird,P,Pillar,7.0,3,,W,False,HI\n"
                "FRA,Odd,a,Indicator,50.0,2,,S,,UM\n")
    add_to_run(copy, {"profiles.csv": profiles})
    page = render_report([copy])
    assert "Strengths and weaknesses: the run&#39;s profiles.csv" in page
    profile = _profile_block(page)
    assert "generic" not in profile
    assert profile["columns"] == ["iCode", "level", "strength_weakness", "income_group_sw"]
    assert profile["flag_columns"] == ["strength_weakness", "income_group_sw"]
    assert profile["flags"] == {"CHE": [["a", "Indicator", "S", None],
                                        ["c", "Indicator", "W", "W"],
                                        ["P", "Pillar", None, "W"]],
                                "FRA": [["a", "Indicator", None, "S"]]}
    assert profile["attributes"] == {"CHE": [["compared_with", "HI"]],
                                     "FRA": [["compared_with", "UM"]]}
    add_to_run(copy, {"profiles.csv": "uCode,a,b,c,d\nCHE,S,,W,\n"})  # the wide layout
    profile = _profile_block(render_report([copy]))
    assert profile["flags"] == {"CHE": [["a", "S"], ["c", "W"]]}


def _profile_block(page: str) -> dict:
    block = re.search(r'<script type="application/json" class="profile-data">(.*?)</script>',
                      page, flags=re.S).group(1)
    return json.loads(block)


# --- writing ------------------------------------------------------------------------------------
def test_write_report_is_safe(gii_runs, tmp_path):
    out = tmp_path / "report.html"
    written = write_report([gii_runs["build"]], out)
    side = json.loads((tmp_path / "report.html.manifest.json").read_text())
    assert written == out.resolve() and side["kind"] == "report"
    assert [Path(i["path"]).name for i in side["inputs"]] == ["manifest.json"]
    write_report([gii_runs["build"]], out)  # innometrics wrote it: may be replaced
    foreign = tmp_path / "notes.html"
    foreign.write_text("mine")
    with pytest.raises(InputError, match="innometrics did not write"):
        write_report([gii_runs["build"]], foreign)
    assert foreign.read_text() == "mine"


# --- in the browser -----------------------------------------------------------------------------
_DRAWN = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
  id: gd.id,
  types: (gd._fullData || []).map(t => t.type),
  marks: gd.querySelectorAll('.barlayer .point path, .scatterlayer .point, .heatmaplayer image,'
                             + ' .slice path, .choroplethlocation, .scattergeo .point').length,
  svg: gd.querySelectorAll('svg.main-svg').length,
  land: Array.from(gd.querySelectorAll('.layer.land path, .layer.countries path'))
           .reduce((n, p) => n + (p.getAttribute('d') || '').length, 0)}))"""


def test_report_opens_offline_and_draws_every_chart(gii_runs, tmp_path):
    out = write_report(list(gii_runs.values()), tmp_path / "report.html")
    figures = len(re.findall(r"data-plot=", out.read_text(encoding="utf-8")))
    with local_page(out.as_uri(), "file://") as (page, problems, requested):
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= "
                               f"{figures + 1}", timeout=60_000)
        page.wait_for_timeout(1000)
        drawn = page.evaluate(_DRAWN)
        page.screenshot(path=str(screenshot_path("report.png")), full_page=True)
        # click a header: the ranking re-sorts
        first = page.locator("table.sortable").first
        first.locator("th button").nth(3).click()
        low = first.locator("tbody tr").first.get_attribute("data-unit")
    assert requested == [] and problems == []
    assert len(drawn) == figures + 1  # the figures plus one profile chart per index
    for chart in drawn:
        assert chart["svg"] > 0 and chart["marks"] > 0, chart
    maps = [p for p in drawn if {"choropleth", "scattergeo"} & set(p["types"])]
    assert len(maps) == 2 and all(p["land"] > 10_000 for p in maps)  # outlines drawn offline
    choropleth = next(p for p in maps if "choropleth" in p["types"])
    assert choropleth["marks"] > 100  # economies coloured
    assert low == open_run(gii_runs["build"]).scores["GII"].idxmin()


def test_runs_of_other_kinds_get_generic_tables(tmp_path):
    import pandas as pd

    from innometrics.runs import write_run

    run = write_run(tmp_path / "check", kind="check",
                    tables={"verdicts.csv": pd.DataFrame({"claim": ["<b>x</b>"], "ok": [True]})})
    page = render_report([run])
    assert "check run “check”" in page and "verdicts (check run, verdicts.csv)" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_summary_html_for_notebooks(gii_runs):
    from innometrics.report import summary_html

    text = summary_html(open_run(gii_runs["build"]))
    assert "<script" not in text and "CHE" in text and "build" in text
    text = summary_html(build(load_recipe(gii_recipe_path(2022))), rows=3)
    assert text.count("<tr") >= 4 and "Switzerland" in text


def test_gii_import_run(tmp_path):
    """A ``gii-import`` run (here of the GII tests' synthetic workbook): the recipe's name,
    WIPO-method flags from its profiles.csv, and its own tables (agreement, rules)."""
    import warnings

    fixtures = pytest.importorskip("gii.gii_fixtures", reason="the GII test fixtures moved")
    from innometrics.gii.importer import import_gii

    book = fixtures.write_workbook(tmp_path / "book.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = import_gii(book).write(tmp_path / "import", source=book)
    page = render_report([run])
    assert "Agreement with the published values (gii-import run, agreement.csv)" in page
    assert "Rules inferred from the workbook" in page
    profile = _profile_block(page)
    assert "generic" not in profile and "strength_weakness" in profile["flag_columns"]
    assert any(profile["flags"].values())
