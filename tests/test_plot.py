"""Plots of a result from Python (issue 20, item 4): each function returns a plotly Figure
holding the result's own numbers, refuses unknown arguments in one line, and saves to a
self-contained offline HTML file."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs
from toy_index import write_toy

import innometrics as im
from innometrics import plot
from innometrics.errors import InvalidParameter
from innometrics.uncertainty import UncertaintyDesign, run_sensitivity, run_uncertainty


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return im.build(im.load_recipe(write_toy(tmp_path_factory.mktemp("toy"))))


@pytest.fixture(scope="module")
def design():
    return UncertaintyDesign(runs=16, seed=3, noise=0.4, levels=(1,),
                             alternatives={"normalise": [{"method": "minmax",
                                                          "range": [0, 100]},
                                                         {"method": "rank"}]})


def test_bar_sorts_the_node_and_splits_by_group(result):
    fig = plot.bar(result, "P")
    assert isinstance(fig, go.Figure)
    (trace,) = fig.data
    expected = result.scores["P"].sort_values(ascending=False)
    assert list(trace.x) == list(expected.index)
    np.testing.assert_array_equal(trace.y, expected.to_numpy())
    grouped = plot.bar(result, by_group="G")
    assert [t.name for t in grouped.data] == ["x", "y"]
    groups = result.recipe.data.groups["G"]
    for t in grouped.data:
        assert set(t.x) == set(groups[groups == t.name].index)
        np.testing.assert_array_equal(t.y, result.scores.loc[list(t.x), "Index"].to_numpy())
    assert list(grouped.layout.xaxis.categoryarray) == list(
        result.scores["Index"].sort_values(ascending=False).index)


def test_dist_shows_each_code_on_the_stage(result):
    fig = plot.dist(result, ["a", "b"], stage="Raw")
    assert [(t.type, t.name) for t in fig.data] == [("box", "a"), ("box", "b")]
    np.testing.assert_array_equal(fig.data[1].y, result.stages["Raw"]["b"].to_numpy())
    violin = plot.dist(result, "Index", kind="violin")
    assert violin.data[0].type == "violin"
    np.testing.assert_array_equal(violin.data[0].y, result.scores["Index"].to_numpy())


def test_dot_marks_the_highlighted_unit(result):
    fig = plot.dot(result, "Q", highlight="CCC")
    units, marked = fig.data
    np.testing.assert_array_equal(units.x, result.scores["Q"].to_numpy())
    assert marked.name == "CCC" and marked.x[0] == result.scores.loc["CCC", "Q"]
    assert len(plot.dot(result, "a", stage="Raw").data) == 1


def test_scatter_pairs_two_codes_by_group(result):
    fig = plot.scatter(result, "P", "Q", by_group="G")
    assert [t.name for t in fig.data] == ["x", "y"]
    y_group = fig.data[1]
    units = ["CCC", "DDD", "EEE"]
    np.testing.assert_array_equal(y_group.x, result.scores.loc[units, "P"].to_numpy())
    np.testing.assert_array_equal(y_group.y, result.scores.loc[units, "Q"].to_numpy())


def test_corr_is_the_correlation_of_the_chosen_levels(result):
    fig = plot.corr(result, levels=[2, 3])
    (heat,) = fig.data
    assert list(heat.x) == ["P", "Q", "Index"] == list(heat.y)
    expected = result.scores[["P", "Q", "Index"]].corr().to_numpy()
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), expected)
    assert len(plot.corr(result).data[0].x) == len(result.scores.columns)


def test_framework_angles_are_effective_weights(result):
    (sun,) = plot.framework(result).data
    values = dict(zip(sun.ids, sun.values, strict=True))
    parents = dict(zip(sun.ids, sun.parents, strict=True))
    # b weighs 2 against a's 1 under P, which is half the index
    assert values["a"] == pytest.approx(100 / 6) and values["b"] == pytest.approx(100 / 3)
    assert values["P"] == 0 and parents["a"] == "P" and parents["Index"] == ""
    assert sun.branchvalues == "remainder"


def test_uncertainty_plots_the_rank_intervals(result, design):
    mc = run_uncertainty(result.recipe, design)
    interval, nominal = plot.uncertainty(mc).data
    table = mc.rank_intervals()
    assert list(interval.x) == list(table["uCode"])
    np.testing.assert_array_equal(interval.y, table["median"])
    np.testing.assert_array_equal(np.asarray(interval.y) + interval.error_y.array, table["q95"])
    np.testing.assert_array_equal(np.asarray(interval.y) - interval.error_y.arrayminus,
                                  table["q05"])
    np.testing.assert_array_equal(nominal.y, table["nominal"])


def test_sensitivity_plots_s1_and_st_with_intervals(result, design):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a small N, on purpose
        sa = run_sensitivity(result.recipe, design, resamples=20)
    s1, st = plot.sensitivity(sa).data
    assert (s1.name, st.name) == ("S1", "ST")
    assert list(s1.x) == list(sa.table["input"]) == ["weights", "normalise"]
    np.testing.assert_array_equal(st.y, sa.table["ST"])
    assert (np.asarray(st.error_y.array) >= 0).all()


@pytest.mark.parametrize(("call", "words"), [
    (lambda r: plot.bar(r, "Nope"), ["'node' of plot.bar", "'Index'", "'Nope'"]),
    (lambda r: plot.bar(r, by_group="H"), ["'by_group' of plot.bar", "'G'"]),
    (lambda r: plot.dist(r, ["a", "zz"]), ["'codes' of plot.dist", "'zz'"]),
    (lambda r: plot.dist(r, "a", stage="Cooked"), ["'stage' of plot.dist", "'Raw'"]),
    (lambda r: plot.dist(r, "a", kind="pie"), ["'kind' of plot.dist", "'violin'"]),
    (lambda r: plot.dist(r, []), ["'codes' of plot.dist", "at least one"]),
    (lambda r: plot.dot(r, "a", highlight="ZZZ"), ["'highlight' of plot.dot", "'AAA'"]),
    (lambda r: plot.scatter(r, "a", "P", by_group="Pop"), ["'by_group'", "'G'"]),
    (lambda r: plot.scatter(r, "P", "Index", stage="Raw"), ["'x' of plot.scatter", "'d'"]),
    (lambda r: plot.corr(r, levels=[4]), ["'levels' of plot.corr", "1, 2, 3"]),
    (lambda r: plot.corr(r, method="cosine"), ["'method' of plot.corr"]),
    (lambda r: plot.uncertainty(r), ["'mc' of plot.uncertainty", "IndexResult"]),
    (lambda r: plot.sensitivity(r), ["'sa' of plot.sensitivity", "IndexResult"]),
])
def test_bad_arguments_are_one_line(result, call, words):
    with pytest.raises(InvalidParameter) as info:
        call(result)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message


def test_write_html_is_self_contained(result, tmp_path):
    """plotly.js is written into the file; outside it, the page names no network address.
    (The bundle itself holds one: the default ``topojsonURL``, fetched only by geo maps,
    which none of these plots draw.)"""
    path = tmp_path / "bar.html"
    plot.bar(result, by_group="G").write_html(path, include_plotlyjs=True)
    html = path.read_text(encoding="utf-8")
    bundle = get_plotlyjs()
    assert bundle in html
    page = html.replace(bundle, "")
    assert "Plotly.newPlot" in page and '"AAA"' in page
    assert "cdn.plot.ly" not in page and "http" not in page.replace("http-equiv", "")


# --- the column-level charts (what the report draws with) ----------------------------------
def test_bar_chart_puts_missing_last_and_draws_whiskers():
    fig = plot.bar_chart(["A", "B", "C", "D"], [40.0, np.nan, 75.5, 40.0], title="t",
                         axis_title="score", names=["a", None, "c", "d"],
                         lower=[30.0, np.nan, 80.0, 39.0], upper=[50.0, np.nan, 90.0, 41.0])
    (bars,) = fig.data
    assert list(bars.x) == ["C", "A", "D", "B"]
    assert list(bars.customdata) == ["c", "a", "d", "B"]  # no name: the code
    np.testing.assert_array_equal(bars.error_y.array, [14.5, 10.0, 1.0, np.nan])
    # a lower bound above the score (possible for a percentile) draws no whisker below
    np.testing.assert_array_equal(bars.error_y.arrayminus, [0.0, 10.0, 1.0, np.nan])
    grouped = plot.bar_chart(["A", "B", "C"], [1.0, 3.0, 2.0], groups=["g", None, "g"],
                             title="t", axis_title="s")
    assert [(t.name, list(t.x)) for t in grouped.data] == [("(none)", ["B"]),
                                                            ("g", ["C", "A"])]


def test_framework_chart_of_a_written_framework_is_the_recipes(result):
    from innometrics.framework import load_framework

    framework = result.recipe.framework
    again = load_framework(framework.to_frame())  # as the report reads a run's framework.csv
    mine, theirs = (plot.framework_chart(f, title="t").data[0] for f in (framework, again))
    assert mine.to_plotly_json() == theirs.to_plotly_json()


def test_corr_chart_switches_between_matrices():
    first = pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["a", "b"], columns=["a", "b"])
    second = pd.DataFrame([[1.0, np.nan, -0.5]], index=["P"], columns=["P", "Q", "I"])
    fig = plot.corr_chart({"level 1": first, "level 2": second}, title="r", colorbar="r")
    assert [t.visible for t in fig.data] == [True, False]
    np.testing.assert_array_equal(fig.data[1].z, second.to_numpy())
    (menu,) = fig.layout.updatemenus
    assert [b.args[0]["visible"] for b in menu.buttons] == [[True, False], [False, True]]
    assert fig.layout.title.text == "r — level 1"
    assert plot.corr_chart({"only": first}, title="r", colorbar="r").layout.updatemenus == ()


@pytest.mark.parametrize(("call", "words"), [
    (lambda: plot.bar_chart(["A", "B"], [1.0], title="", axis_title=""),
     ["'scores' of plot.bar_chart", "(2); got 1"]),
    (lambda: plot.bar_chart(["A"], ["high"], title="", axis_title=""),
     ["'scores' of plot.bar_chart", "numbers"]),
    (lambda: plot.bar_chart(["A"], [1.0], lower=[0.0], title="", axis_title=""),
     ["'lower' and 'upper'", "only 'lower'"]),
    (lambda: plot.bar_chart(["A"], [1.0], names=["a", "b"], title="", axis_title=""),
     ["'names' of plot.bar_chart"]),
    (lambda: plot.rank_interval_chart(["A"], [1], [1], [1], [1, 2], title=""),
     ["'q95' of plot.rank_interval_chart"]),
    (lambda: plot.corr_chart({}, title="", colorbar=""), ["'matrices' of plot.corr_chart"]),
    (lambda: plot.sensitivity_chart(pd.DataFrame({"input": ["w"], "S1": [0.1]}), title=""),
     ["'table' of plot.sensitivity_chart", "'ST_q95'"]),
])
def test_chart_columns_are_checked_in_one_line(call, words):
    with pytest.raises(InvalidParameter) as info:
        call()
    assert "\n" not in str(info.value)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_figures_carry_no_default_template(result):
    """plotly.py's default template (about 7 kB of styles) is not written into each figure:
    the report embeds dozens of them."""
    import json

    for fig in (plot.bar(result), plot.framework(result), plot.corr(result)):
        layout = fig.to_plotly_json()["layout"]
        assert len(json.dumps(layout["template"])) < 100 and layout["font"]["family"]
