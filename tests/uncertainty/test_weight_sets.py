"""COINr's Monte Carlo weight design (``weights: {noise, sets}``) beside the continuous one."""

from __future__ import annotations

import numpy as np
import pytest
from toy_index import write_toy

import innometrics as im
from innometrics.uncertainty import UncertaintyDesign, run_sensitivity, sample_design
from innometrics.uncertainty.sampling import weight_sets

DESIGN = """
uncertainty:
  runs: 64
  seed: 5
  weights: {noise: 0.25, levels: [1, 2], sets: 7}
  alternatives:
    normalise: [{method: minmax, range: [0, 100]}, {method: zscore, mean: 50, sd: 10}]
"""


@pytest.fixture
def recipe(tmp_path):
    path = write_toy(tmp_path)
    path.write_text(path.read_text() + DESIGN)
    return im.load_recipe(path)


def test_each_replication_takes_one_of_the_drawn_sets(recipe):
    design = UncertaintyDesign.from_recipe(recipe)
    assert design.sets == 7
    sets = weight_sets(recipe, design)
    sampled = sample_design(recipe, design)
    np.testing.assert_array_equal(sampled.multipliers, sets[sampled.weight_set])
    assert len(np.unique(sampled.multipliers, axis=0)) <= 7
    noisy = sets[:, sets.std(axis=0) > 0]
    assert noisy.size and (np.abs(noisy - 1) <= 0.25).all()
    np.testing.assert_array_equal(sets, weight_sets(recipe, design))  # same seed, same sets
    assert "weight_set" in sampled.to_frame(recipe, design)
    assert design.to_dict()["weights"]["sets"] == 7


def test_continuous_design_is_unchanged_without_sets(recipe):
    design = UncertaintyDesign.from_recipe(recipe)
    continuous = UncertaintyDesign(runs=design.runs, seed=design.seed, noise=design.noise,
                                   levels=design.levels, alternatives=design.alternatives)
    sampled = sample_design(recipe, continuous)
    assert sampled.weight_set is None
    assert len(np.unique(sampled.multipliers, axis=0)) == design.runs


def test_sobol_takes_the_sets_as_one_discrete_input(recipe):
    table = run_sensitivity(recipe, resamples=10).table.set_index("input")
    assert list(table.index) == ["weights", "normalise"]
    assert np.isfinite(table["ST"]).all()


@pytest.mark.parametrize("sets", ["0", "2.5", "yes"])
def test_bad_sets_is_one_clear_line(tmp_path, sets):
    path = write_toy(tmp_path)
    path.write_text(path.read_text() + DESIGN.replace("sets: 7", f"sets: {sets}"))
    with pytest.raises(im.InvalidParameter, match="'sets' of uncertainty.weights"):
        im.load_recipe(path)


def test_coinr_design_rank_intervals_agree_with_coinr(asem_main_recipe, asem_dir):
    """COINr's own design (100 noisy weight sets, N = 500): criteria of
    ``test_uncertainty.test_rank_intervals_agree_with_coinr``."""
    import pandas as pd
    from test_uncertainty import ASEM_DESIGN

    from innometrics.uncertainty import run_uncertainty

    design = ASEM_DESIGN.replace("levels: [2, 3]}", "levels: [2, 3], sets: 100}")
    asem_main_recipe.write_text(asem_main_recipe.read_text() + design)
    ours = run_uncertainty(im.load_recipe(asem_main_recipe)).rank_intervals().set_index("uCode")
    ref = pd.read_csv(asem_dir / "uncertainty" / "UA_N500_RankStats.csv").set_index("uCode")
    ours = ours.loc[ref.index]
    assert ((ours["median"] - ref["Median"]).abs() <= 1).mean() >= 0.9
    assert ((ours["q05"] - ref["Q5"]).abs() <= 2).all()
    assert ((ours["q95"] - ref["Q95"]).abs() <= 2).all()
