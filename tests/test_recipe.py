"""Recipes and results: regeneration, output layout, manifest, CSV ≡ Excel ≡ Parquet input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from toy_index import write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app


@pytest.fixture
def toy(tmp_path):
    return im.load_recipe(write_toy(tmp_path))


def test_toy_scores_by_hand(toy):
    result = im.build(toy)
    # b is denominated by Pop; BBB's b is imputed by its group's (x) mean: only AAA's 20/10 = 2
    assert result.stages["Imputed"].loc["BBB", "b"] == 2.0
    assert result.stages["Denominated"].loc["DDD", "b"] == 2.0
    # c has direction -1: the smallest raw value (DDD: 1) scores 100
    assert result.stages["Normalised"].loc["DDD", "c"] == 100.0
    scores = result.scores
    weights = np.array([1.0, 2.0])
    expected_p = (scores[["a", "b"]].to_numpy() @ weights) / 3
    np.testing.assert_allclose(scores["P"], expected_p)
    np.testing.assert_allclose(scores["Index"], (scores["P"] + scores["Q"]) / 2)
    assert list(scores.columns) == ["a", "b", "c", "d", "P", "Q", "Index"]


def test_with_step_regenerates(toy):
    base = im.build(toy)
    z = base.with_step("normalise", method="zscore", mean=10, sd=2)
    assert z.recipe.settings("normalise") == {"method": "zscore", "mean": 10, "sd": 2}
    np.testing.assert_allclose(z.stages["Normalised"].std(ddof=1), 2)
    assert base.recipe.settings("normalise")["method"] == "minmax"  # original untouched
    treated = base.with_step("treat", max_winsorised=2)
    assert [n for n, _ in treated.recipe.steps] == ["denominate", "impute", "treat",
                                                    "normalise", "aggregate"]


def test_with_weights_regenerates(toy):
    base = im.build(toy)
    heavier = base.with_weights({"P": 3})
    expected = (3 * base.scores["P"] + base.scores["Q"]) / 4
    np.testing.assert_allclose(heavier.scores["Index"], expected)
    with pytest.raises(im.InputError, match="unknown node"):
        base.with_weights({"nope": 1})


def test_same_recipe_same_numbers(toy):
    pd.testing.assert_frame_equal(im.build(toy).scores, im.build(toy).scores)


def test_screen_drops_units_downstream(tmp_path):
    steps = "steps:\n  - screen: {min_coverage: 0.9}\n  - normalise: {}\n  - aggregate: {}\n"
    result = im.build(im.load_recipe(write_toy(tmp_path, steps=steps)))
    assert list(result.scores.index) == ["AAA", "DDD"]
    assert result.screening().loc["BBB", "coverage"] == 0.75
    assert list(result.screening().query("not kept").index) == ["BBB", "CCC", "EEE"]


def test_cli_build_layout(tmp_path):
    recipe = write_toy(tmp_path)
    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["build", str(recipe), "--out", str(out)])
    assert run.exit_code == 0, run.output
    scores = pd.read_csv(out / "scores.csv")
    ranks = pd.read_csv(out / "ranks.csv")
    assert list(scores.columns) == ["uCode", "a", "b", "c", "d", "P", "Q", "Index"]
    assert list(ranks.columns) == list(scores.columns)
    assert ranks["Index"].min() == 1
    for stage in ("Raw", "Denominated", "Imputed", "Normalised", "Aggregated"):
        assert (out / "data" / f"{stage}.csv").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"schema", "kind", "command", "settings", "inputs", "versions", "created",
            "duration_s", "files"} <= set(manifest)
    assert manifest["kind"] == "build"
    assert manifest["settings"]["steps"][1] == {"impute": {"method": "group_mean", "group": "G"}}
    assert {i["role"] for i in manifest["inputs"]} == {"recipe", "framework", "data"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["details"]["data_fingerprint"]


def test_excel_and_parquet_inputs_give_identical_results(tmp_path):
    csv_result = im.build(im.load_recipe(write_toy(tmp_path)))
    meta = pd.read_csv(tmp_path / "iMeta.csv")
    data = pd.read_csv(tmp_path / "iData.csv")
    with pd.ExcelWriter(tmp_path / "book.xlsx") as book:
        meta.to_excel(book, sheet_name="iMeta", index=False)
        data.to_excel(book, sheet_name="iData", index=False)
    data.to_parquet(tmp_path / "iData.parquet")
    meta.to_parquet(tmp_path / "iMeta.parquet")
    steps = (tmp_path / "recipe.yaml").read_text().split("steps:")[1]
    for framework, datafile in (("{path: book.xlsx, sheet: iMeta}",
                                 "{path: book.xlsx, sheet: iData}"),
                                ("iMeta.parquet", "iData.parquet")):
        recipe = tmp_path / "r.yaml"
        recipe.write_text(f"framework: {framework}\ndata: {datafile}\nsteps:{steps}")
        other = im.build(im.load_recipe(recipe))
        pd.testing.assert_frame_equal(other.scores, csv_result.scores)
        assert other.recipe.data.fingerprint() == csv_result.recipe.data.fingerprint()


def test_results_show_as_tables_in_jupyter(tmp_path):
    from innometrics.audit import audit
    from innometrics.runs import open_run
    from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

    recipe = im.load_recipe(write_toy(tmp_path))
    result = im.build(recipe)
    out = result.write(tmp_path / "run")
    for obj in (result, open_run(out), audit(result),
                run_uncertainty(recipe, UncertaintyDesign(runs=5, noise=0.1, levels=(1,)))):
        html = obj._repr_html_()
        assert "<table" in html and "<script" not in html
