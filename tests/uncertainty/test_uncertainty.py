"""Monte Carlo rank intervals and Sobol indices: against COINr, against a loop of rebuilds,
reproducible, and identical on Dask."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from toy_index import write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app
from innometrics.errors import InvalidParameter
from innometrics.uncertainty import (
    UncertaintyDesign,
    evaluate_design,
    run_sensitivity,
    run_uncertainty,
    sample_design,
)

ASEM_DESIGN = """
uncertainty:
  runs: 500
  seed: 1
  weights: {noise: 0.25, levels: [2, 3]}
  alternatives:
    normalise: [{method: minmax, range: [0, 100]}, {method: zscore, mean: 10, sd: 2}]
"""

TOY_DESIGN = """
uncertainty:
  runs: 40
  seed: 3
  weights: {noise: 0.5, levels: [1, 2]}
  alternatives:
    impute: [{method: mean}, {method: median}]
    normalise: [{method: minmax, range: [1, 100]}, {method: zscore, mean: 50, sd: 5}]
    aggregate: [{method: arithmetic}, {method: geometric}, {method: harmonic}]
"""


@pytest.fixture
def asem_ua(asem_main_recipe):
    asem_main_recipe.write_text(asem_main_recipe.read_text() + ASEM_DESIGN)
    return im.load_recipe(asem_main_recipe)


@pytest.fixture
def toy(tmp_path):
    recipe = write_toy(tmp_path)
    recipe.write_text(recipe.read_text() + TOY_DESIGN)
    return im.load_recipe(recipe)


def test_rank_intervals_agree_with_coinr(asem_ua, asem_dir):
    """COINr N = 500 on the same design: medians within ±1 for ≥ 90% of units, 5th and 95th
    percentiles within ±2 for every unit (COINr's own run is one stochastic draw)."""
    ours = run_uncertainty(asem_ua).rank_intervals().set_index("uCode")
    ref = pd.read_csv(asem_dir / "uncertainty" / "UA_N500_RankStats.csv").set_index("uCode")
    ours = ours.loc[ref.index]
    np.testing.assert_array_equal(ours["nominal"], ref["Nominal"])
    assert ((ours["median"] - ref["Median"]).abs() <= 1).mean() >= 0.9
    assert ((ours["q05"] - ref["Q5"]).abs() <= 2).all()
    assert ((ours["q95"] - ref["Q95"]).abs() <= 2).all()


def test_sobol_indices_within_coinr_bootstrap_intervals(asem_ua, asem_dir):
    ours = run_sensitivity(asem_ua).table.set_index("input")
    ref = pd.read_csv(asem_dir / "uncertainty" / "SA_N500_Sensitivity.csv").set_index(
        "Variable")
    for mine, theirs in (("weights", "Weights"), ("normalise", "Normalisation")):
        row = ref.loc[theirs]
        assert row["Si_q5"] <= ours.loc[mine, "S1"] <= row["Si_q95"], mine
        assert row["STi_q5"] <= ours.loc[mine, "ST"] <= row["STi_q95"], mine


def test_vectorised_batch_equals_loop_of_rebuilds(toy):
    design = UncertaintyDesign.from_recipe(toy)
    sampled = sample_design(toy, design)
    scores = evaluate_design(toy, design, sampled)
    codes = toy.framework.codes
    for r in range(design.runs):
        recipe = toy.with_weights({c: toy.framework[c].weight * sampled.multipliers[r, j]
                                   for j, c in enumerate(codes)})
        for step, index in sampled.choices.items():
            recipe = recipe.with_step(step, **design.alternatives[step][index[r]])
        rebuilt = im.build(recipe).scores["Index"].to_numpy()
        np.testing.assert_allclose(scores[r], rebuilt, rtol=1e-12, err_msg=f"run {r}")


def test_same_seed_same_numbers_other_seed_other_numbers(toy):
    first = run_uncertainty(toy)
    again = run_uncertainty(toy)
    np.testing.assert_array_equal(first.scores, again.scores)
    other = run_uncertainty(toy, UncertaintyDesign.from_recipe(toy, seed=4))
    assert not np.array_equal(first.scores, other.scores)


def test_no_uncertainty_gives_nominal_ranks(toy):
    fixed = UncertaintyDesign(runs=5, seed=0)
    result = run_uncertainty(toy, fixed)
    assert (result.ranks == result.nominal_ranks).all()


def test_weight_noise_needs_levels_in_memory_too(toy):
    """An in-memory design is held to the recipe file's rule: noise with no levels would vary
    no weight, so it is refused rather than run as a fixed-weight design."""
    with pytest.raises(InvalidParameter, match="no 'levels', so no weight would vary"):
        run_uncertainty(toy, UncertaintyDesign(runs=4, seed=0, noise=0.25))


def test_weight_noise_without_levels_refused_where_it_would_run(toy, tmp_path):
    """validate and uncertainty refuse a recipe whose weight noise names no levels (the file
    is named); build, and a recorded run of such a recipe, still work: nothing there runs
    the design."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(toy.source).read_text().replace("{noise: 0.5, levels: [1, 2]}",
                                                        "{noise: 0.5}"))
    runner = CliRunner()
    for args in (["validate", str(bad)],
                 ["uncertainty", str(bad), "--out", str(tmp_path / "mc"), "--no-store"]):
        out = runner.invoke(app, args)
        assert out.exit_code != 0
        assert "bad.yaml: uncertainty.weights has noise" in out.output
        assert "but no 'levels', so no weight would vary" in out.output
    assert not (tmp_path / "mc").exists()
    built = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path / "b"), "--no-store"])
    assert built.exit_code == 0, built.output
    assert runner.invoke(app, ["results", str(tmp_path / "b")]).exit_code == 0


def test_score_intervals_only_where_the_nominal_build_shares_the_scale(toy):
    """Alternatives that agree with each other but not with the recipe's own normalisation
    would put the nominal score on another scale than the intervals: they are left out."""
    nominal = dict(toy.steps)["normalise"]
    same = UncertaintyDesign(runs=4, seed=0, alternatives={"normalise": [dict(nominal)]})
    assert same.shared_scale(toy) is None
    assert "score_q05" in run_uncertainty(toy, same).rank_intervals()
    other_range = UncertaintyDesign(runs=4, seed=0, alternatives={
        "normalise": [{"method": "minmax", "range": [0, 1]}]})
    assert "different scales" in other_range.shared_scale(toy)
    result = run_uncertainty(toy, other_range)
    assert "score_q05" not in result.rank_intervals()
    assert any("score intervals left out" in n for n in result.notes())


def test_dask_local_cluster_identical(toy):
    from innometrics._dask import dask_client

    with dask_client(processes=False, dashboard_address=None) as client:
        on_dask = run_uncertainty(toy, engine="dask", client=client)
    local = run_uncertainty(toy)
    np.testing.assert_array_equal(on_dask.scores, local.scores)
    pd.testing.assert_frame_equal(on_dask.rank_intervals(), local.rank_intervals())


def test_cli_uncertainty_layout_and_overrides(toy, tmp_path):
    out = tmp_path / "ua"
    run = CliRunner().invoke(app, ["uncertainty", toy.source, "--runs", "16", "--seed", "9",
                                   "--out", str(out), "--sensitivity"])
    assert run.exit_code == 0, run.output
    intervals = pd.read_csv(out / "rank_intervals.csv")
    assert list(intervals.columns[:6]) == ["uCode", "nominal", "mean", "median", "q05", "q95"]
    design = pd.read_csv(out / "design.csv")
    assert len(design) == 16 and {"impute", "normalise", "aggregate"} <= set(design.columns)
    sensitivity = pd.read_csv(out / "sensitivity.csv")
    assert list(sensitivity["input"]) == ["weights", "impute", "normalise", "aggregate"]


@pytest.mark.parametrize(("block", "fragment"), [
    ("uncertainty:\n  alternatives:\n    screen: [{min_coverage: 1}]\n",
     "uncertainty.alternatives names 'screen', which cannot have alternatives"),
    ("uncertainty:\n  weights: {noise: 0.25, levels: [3]}\n", "'levels' of uncertainty"),
    ("uncertainty:\n  weights: {noise: 2, levels: [1]}\n", "'noise' of uncertainty"),
    ("uncertainty:\n  runs: 0\n", "'runs' of uncertainty"),
    ("uncertainty:\n  draws: 5\n", "'draws' is not a key of uncertainty"),
])
def test_bad_design_is_one_clear_line(tmp_path, block, fragment):
    recipe = write_toy(tmp_path)
    recipe.write_text(recipe.read_text() + block)
    out = tmp_path / "ua"
    run = CliRunner().invoke(app, ["uncertainty", str(recipe), "--out", str(out)])
    assert run.exit_code == 2
    assert fragment in run.output and run.output.count("\n") == 1
    assert not out.exists()


def test_rank_quantiles_are_ranks_that_occurred(toy, tmp_path):
    """Median, q05 and q95 of every unit are ranks it took in some replication (numpy's
    inverted_cdf), and the manifest names the method."""
    import json

    result = run_uncertainty(toy)
    table = result.rank_intervals().set_index("uCode")
    for j, unit in enumerate(result.units):
        taken = set(result.ranks[:, j].tolist())
        assert {table.loc[unit, c] for c in ("median", "q05", "q95")} <= taken, unit
    out = result.write(tmp_path / "ua")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["details"]["quantile_method"] == {"ranks": "inverted_cdf",
                                                       "scores": "linear"}


def test_scheduler_wait_is_a_setting(monkeypatch):
    from innometrics._dask import DEFAULT_TIMEOUT, TIMEOUT_VARIABLE, scheduler_timeout

    monkeypatch.delenv(TIMEOUT_VARIABLE, raising=False)
    assert scheduler_timeout() == DEFAULT_TIMEOUT == 10.0
    monkeypatch.setenv(TIMEOUT_VARIABLE, "2.5")
    assert scheduler_timeout() == 2.5 and scheduler_timeout(0.5) == 0.5
    for bad in ("soon", "0", "-1", "nan"):
        monkeypatch.setenv(TIMEOUT_VARIABLE, bad)
        with pytest.raises(im.InvalidParameter, match=f"{TIMEOUT_VARIABLE} must be a positive"):
            scheduler_timeout()
    with pytest.raises(im.InvalidParameter, match="'timeout' of dask_client"):
        scheduler_timeout(0)
