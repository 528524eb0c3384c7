"""Panels: one index per time from one recipe, panel imputation, normalisation across time,
trends, and single-edition data unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from toy_index import META, write_toy

import innometrics as im
from innometrics.steps.impute import impute_panel
from innometrics.trends import trends

PANEL = """uCode,uName,Time,G,Pop,a,b,c,d
AAA,Aland,2020,x,10,1,20,5,0.5
BBB,Bland,2020,x,20,2,,4,0.7
CCC,Cland,2020,y,5,3,10,,0.2
DDD,Dland,2020,y,40,4,80,1,0.9
AAA,Aland,2021,x,10,2,22,5,
BBB,Bland,2021,x,20,3,30,3,0.8
CCC,Cland,2021,y,5,,12,2,0.3
DDD,Dland,2021,y,40,5,90,1,
AAA,Aland,2022,x,10,4,24,6,0.6
BBB,Bland,2022,x,20,5,33,2,0.9
CCC,Cland,2022,y,5,6,14,,0.4
EEE,Eland,2022,y,8,7,28,2,
"""
META_T = META + "Time,Time,,,,,Other,\n"


def steps(*lines: str) -> str:
    return "steps:\n" + "".join(f"  - {line}\n" for line in lines)


def build(tmp_path, *lines, data=PANEL):
    tmp_path.mkdir(parents=True, exist_ok=True)
    return im.build(im.load_recipe(write_toy(tmp_path, META_T, data, steps(*lines))))


def test_one_index_per_time_long_tables(tmp_path):
    result = build(tmp_path, "normalise: {method: minmax}", "aggregate: {}")
    assert isinstance(result, im.PanelResult)
    assert result.times == ["2020", "2021", "2022"]
    scores = result.scores
    assert list(scores.columns[:2]) == ["Time", "uCode"]
    assert list(scores.columns[2:]) == ["a", "b", "c", "d", "P", "Q", "Index"]
    assert scores.groupby("Time").size().to_dict() == {"2020": 4, "2021": 4, "2022": 4}
    # each time alone is the single-edition build of its rows
    rows = PANEL.splitlines()
    only_2021 = "\n".join([rows[0]] + [r for r in rows[1:] if ",2021," in r]) + "\n"
    alone = build(tmp_path / "alone", "normalise: {method: minmax}", "aggregate: {}",
                  data=only_2021)
    assert isinstance(alone, im.IndexResult)
    mine = scores[scores["Time"] == "2021"].set_index("uCode").drop(columns="Time")
    pd.testing.assert_frame_equal(mine, alone.scores, check_names=False,
                                  check_index_type=False)


def test_written_run_carries_time(tmp_path):
    result = build(tmp_path, "impute: {method: panel}", "normalise: {method: minmax}",
                   "aggregate: {}")
    out = result.write(tmp_path / "run")
    for name in ("scores.csv", "ranks.csv", "data/Raw.csv", "data/Imputed.csv",
                 "data/Aggregated.csv", "data.csv"):
        assert "Time" in pd.read_csv(out / name).columns, name
    ranks = pd.read_csv(out / "ranks.csv")
    assert ranks.groupby("Time")["Index"].min().eq(1).all()
    trend = pd.read_csv(out / "trends.csv")
    assert list(trend.columns) == ["uCode", "iCode", "CAGR", "Avail", "t_first", "t_latest"]
    points = pd.read_csv(out / "imputed_points.csv")
    assert list(points.columns) == ["Time", "uCode", "iCode", "method", "from_time"]
    # AAA's d is missing in 2021 and taken from 2020
    row = points[(points["uCode"] == "AAA") & (points["iCode"] == "d")]
    assert row[["Time", "from_time"]].values.tolist() == [[2021, 2020]]
    # the data as read rebuilds the panel
    again = im.build(im.load_recipe(out / "recipe.yaml"))
    pd.testing.assert_frame_equal(again.scores, result.scores)


def test_single_edition_has_no_time_column(tmp_path):
    rows = PANEL.splitlines()
    one = "\n".join([rows[0]] + [r for r in rows[1:] if ",2020," in r]) + "\n"
    result = build(tmp_path, "normalise: {method: minmax}", "aggregate: {}", data=one)
    tables = result.tables()
    assert "Time" not in tables["scores.csv"].columns
    assert "trends.csv" not in tables


def test_framework_changes_by_leaving_an_indicator_missing(tmp_path):
    # indicator b has no value in 2020: every unit misses it there, and P is a alone
    data = PANEL.replace(",20,5,0.5", ",,5,0.5").replace(",10,5,", ",,5,")
    data = data.replace("DDD,Dland,2020,y,40,4,80,1,0.9", "DDD,Dland,2020,y,40,4,,1,0.9")
    result = build(tmp_path, "normalise: {method: minmax}", "aggregate: {}", data=data)
    first = result.results["2020"].scores
    assert first["b"].isna().all()
    np.testing.assert_allclose(first["P"], first["a"])


def test_panel_imputation_kernel_semantics():
    times = np.array([2018.0, 2019.0, 2020.0, 2021.0])
    x = np.array([np.nan, 1.0, np.nan, np.nan])[:, None, None]
    present = np.ones((4, 1), dtype=bool)
    latest = impute_panel(x, times, present, fill="latest")
    np.testing.assert_array_equal(latest.values.ravel(), [np.nan, 1, 1, 1])
    limited = impute_panel(x, times, present, fill="latest", max_time=1)
    np.testing.assert_array_equal(limited.values.ravel(), [np.nan, 1, 1, np.nan])
    constant = impute_panel(x, times, present, fill="constant")
    np.testing.assert_array_equal(constant.values.ravel(), [1, 1, 1, 1])
    # one value: COINr's linear imputation stops (approx needs two); here it fills with it
    linear = impute_panel(x, times, present, fill="linear")
    np.testing.assert_array_equal(linear.values.ravel(), [1, 1, 1, 1])
    two = np.array([2.0, np.nan, np.nan, 8.0])[:, None, None]
    out = impute_panel(two, np.array([2018.0, 2019.0, 2021.0, 2022.0]), present, fill="linear")
    np.testing.assert_allclose(out.values.ravel(), [2, 3.5, 6.5, 8])
    assert out.info["from_first"].ravel().tolist() == [-1, 0, 0, -1]
    assert out.info["from_last"].ravel().tolist() == [-1, 3, 3, -1]
    # an absent unit-year stays absent
    gap = present.copy()
    gap[1] = False
    assert np.isnan(impute_panel(two, times, gap, fill="linear").values[1, 0, 0])


def test_single_value_series_is_filled(tmp_path):
    data = PANEL.replace("AAA,Aland,2020,x,10,1,", "AAA,Aland,2020,x,10,,").replace(
        "AAA,Aland,2021,x,10,2,", "AAA,Aland,2021,x,10,,")
    result = build(tmp_path, "impute: {method: panel, fill: linear}",
                   "normalise: {method: minmax}", "aggregate: {}", data=data)
    imputed = result.stage("Imputed").set_index(["Time", "uCode"])["a"]
    assert imputed[("2020", "AAA")] == imputed[("2021", "AAA")] == 4.0


def test_second_impute_fills_what_the_series_could_not(tmp_path):
    # DDD has no d at any time before 2021 ... EEE exists only in 2022 with d missing
    result = build(tmp_path, "impute: {method: panel, fill: latest}",
                   "impute: {method: group_mean, group: G}", "normalise: {method: minmax}",
                   "aggregate: {}")
    assert "PanelImputed" in result.results["2022"].stages
    imputed = result.stage("Imputed").set_index(["Time", "uCode"])
    assert imputed.loc[("2022", "EEE"), "d"] == pytest.approx(0.4)  # CCC, group y, 2022
    points = result.imputed_points()
    assert set(points["method"]) == {"panel latest", "group_mean"}


@pytest.mark.parametrize("lines, fragment", [
    (["impute: {method: mean}", "impute: {method: panel}"], "appears twice"),
    (["impute: {method: panel, fill: linear, max_time: 2}"], "'max_time' of impute has no "
                                                             "effect with fill 'linear'"),
    (["normalise: {method: minmax, reference_time: 1999}"], "reference_time 1999 is not a time"),
    (["normalise: {method: rank, reference_time: 2020}"], "cannot be fitted on a reference"),
])
def test_bad_panel_settings(tmp_path, lines, fragment):
    with pytest.raises(ValueError, match=fragment):
        build(tmp_path, *lines, "aggregate: {}")


def test_panel_impute_needs_a_panel(tmp_path):
    rows = PANEL.splitlines()
    one = "\n".join([rows[0]] + [r for r in rows[1:] if ",2020," in r]) + "\n"
    with pytest.raises(ValueError, match="needs panel data"):
        build(tmp_path, "impute: {method: panel}", "aggregate: {}", data=one)


def test_duplicate_unit_and_time_is_an_error(tmp_path):
    data = PANEL + "AAA,Aland,2022,x,10,4,24,6,0.6\n"
    with pytest.raises(im.InputError, match="duplicate unit 'AAA' at Time 2022"):
        build(tmp_path, "aggregate: {}", data=data)


def test_normalisation_across_time_and_on_a_reference_time(tmp_path):
    pooled = build(tmp_path / "p", "normalise: {method: minmax, across_time: true}",
                   "aggregate: {}").stage("Normalised")
    raw = pd.read_csv(pd.io.common.StringIO(PANEL))
    a = raw["a"].to_numpy(float)
    expected = (a - np.nanmin(a)) / (np.nanmax(a) - np.nanmin(a)) * 100
    np.testing.assert_allclose(pooled["a"].to_numpy(float), expected)
    fitted = build(tmp_path / "r", "normalise: {method: minmax, reference_time: 2020}",
                   "aggregate: {}").stage("Normalised")
    base = raw.loc[raw["Time"] == 2020, "a"]
    expected = (a - base.min()) / (base.max() - base.min()) * 100
    np.testing.assert_allclose(fitted["a"].to_numpy(float), expected)
    # the reference time's own scores are its per-time scores
    per_time = build(tmp_path / "t", "normalise: {method: minmax}", "aggregate: {}")
    np.testing.assert_allclose(
        fitted[fitted["Time"] == "2020"]["a"], per_time.stage("Normalised").query(
            "Time == '2020'")["a"])


def test_trends_kernel():
    x = np.array([[[0.0, 2.0]], [[np.nan, np.nan]], [[5.0, 4.5]]])
    trend, avail, first, latest = trends(x, np.array([2020.0, 2021.0, 2022.0]))
    assert np.isinf(trend[0, 0])
    assert trend[0, 1] == pytest.approx(0.5)
    np.testing.assert_allclose(avail, [[2 / 3, 2 / 3]])
    with pytest.raises(im.InvalidParameter, match="metric"):
        trends(x, np.array([2020.0, 2021.0, 2022.0]), metric="slope")


def test_with_step_replaces_the_impute_of_the_same_kind(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path, META_T, PANEL, steps(
        "impute: {method: panel, fill: latest}", "impute: {method: group_mean, group: G}",
        "aggregate: {}")))
    second = recipe.with_step("impute", method="mean")
    assert [s.get("method") for n, s in second.steps if n == "impute"] == ["panel", "mean"]
    first = recipe.with_step("impute", method="panel", fill="linear")
    assert [s.get("fill") for n, s in first.steps if n == "impute"] == ["linear", None]
