"""Any step parameter as a Monte Carlo input, a node other than the index as the target, and
the sensitivity table's explicit bootstrap intervals (issue 20, item 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from toy_index import STEPS, write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app
from innometrics.errors import InvalidParameter
from innometrics.uncertainty import UncertaintyDesign, run_sensitivity, run_uncertainty

TREAT_STEPS = STEPS.replace("  - normalise:", "  - treat: {max_winsorised: 1, skew: 0.5, "
                                              "kurtosis: 0.5}\n  - normalise:")
DESIGN = """
uncertainty:
  runs: 64
  seed: 2
  weights: {noise: 0.3, levels: [1]}
  parameters:
    treat.max_winsorised: [0, 1]
    normalise.range: [[0, 100], [1, 100]]
  target: P
"""


@pytest.fixture
def recipe(tmp_path):
    path = write_toy(tmp_path, steps=TREAT_STEPS)
    path.write_text(path.read_text() + DESIGN)
    return im.load_recipe(path)


def test_each_replication_equals_a_rebuild_with_its_parameter_values(recipe):
    """Replication r of node P equals the recipe rebuilt with r's values, weights fixed."""
    design = UncertaintyDesign.from_recipe(recipe, runs=12, seed=5)
    design = UncertaintyDesign(runs=12, seed=5, parameters=design.parameters, target="P",
                               alternatives={"impute": [{"method": "mean"},
                                                        {"method": "median"}]})
    mc = run_uncertainty(recipe, design)
    table = mc.sampled.to_frame(recipe, design)
    assert {"treat.max_winsorised", "normalise.range", "impute"} <= set(table.columns)
    for r, row in table.iterrows():
        rebuilt = (recipe.with_step("impute", method=["mean", "median"][row["impute"]])
                   .with_step("treat", **{**recipe.settings("treat"), "max_winsorised":
                                          [0, 1][row["treat.max_winsorised"]]})
                   .with_step("normalise", **{**recipe.settings("normalise"), "range":
                                              [[0, 100], [1, 100]][row["normalise.range"]]}))
        np.testing.assert_allclose(mc.scores[r], im.build(rebuilt).scores["P"].to_numpy())
    assert set(table["treat.max_winsorised"]) == {0, 1}
    nominal = im.build(recipe).scores["P"].to_numpy()
    np.testing.assert_array_equal(mc.nominal_scores, nominal)


def test_target_in_python_and_on_the_command_line(recipe, tmp_path):
    index = run_uncertainty(recipe, target="Index")
    pillar = run_uncertainty(recipe)  # the recipe's target: P
    assert not np.allclose(index.scores, pillar.scores)
    out = tmp_path / "ua"
    run = CliRunner().invoke(app, ["uncertainty", recipe.source, "--out", str(out),
                                   "--target", "Q", "--sensitivity"])
    assert run.exit_code == 0, run.output
    sensitivity = pd.read_csv(out / "sensitivity.csv")
    assert list(sensitivity.columns) == ["input", "S1", "S1_q05", "S1_q95", "ST", "ST_q05",
                                         "ST_q95"]
    assert list(sensitivity["input"]) == ["weights", "treat.max_winsorised", "normalise.range"]
    assert (sensitivity["S1_q05"] <= sensitivity["S1_q95"]).all()
    q = run_uncertainty(recipe, target="Q")
    intervals = pd.read_csv(out / "rank_intervals.csv").set_index("uCode")
    expected = q.rank_intervals().set_index("uCode")
    pd.testing.assert_series_equal(intervals["median"], expected["median"],
                                   check_dtype=False)


def test_sensitivity_of_a_parameter_alone(recipe):
    design = UncertaintyDesign(runs=64, seed=1, parameters={"normalise.range": [[0, 100],
                                                                                [1, 100]],
                                                            "treat.max_winsorised": [0, 1]})
    sa = run_sensitivity(recipe, design, target="P")
    assert list(sa.table["input"]) == ["normalise.range", "treat.max_winsorised"]


@pytest.mark.parametrize(("block", "fragment"), [
    ("  parameters: {treat.nope: [1]}\n", "names 'treat.nope', which is not 'step.setting'"),
    ("  parameters: {screen.min_coverage: [1]}\n", "names 'screen.min_coverage'"),
    ("  parameters: {treat.max_winsorised: [-1]}\n", "uncertainty.parameters.treat"),
    ("  parameters: {treat.max_winsorised: 3}\n", "must be a list of values"),
    ("  target: Nowhere\n", "'target' of uncertainty is 'Nowhere'"),
])
def test_bad_parameters_are_one_clear_line(tmp_path, block, fragment):
    path = write_toy(tmp_path, steps=TREAT_STEPS)
    path.write_text(path.read_text() + "uncertainty:\n  weights: {noise: 0.2, levels: [1]}\n"
                    + block)
    out = tmp_path / "ua"
    run = CliRunner().invoke(app, ["uncertainty", str(path), "--out", str(out)])
    assert run.exit_code == 2, run.output
    assert fragment in run.output and run.output.count("\n") == 1
    assert not out.exists()


def test_a_parameter_of_a_step_the_recipe_lacks_is_refused(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path))
    design = UncertaintyDesign(runs=4, parameters={"treat.max_winsorised": [1, 2]})
    with pytest.raises(InvalidParameter, match="the recipe has no treat step"):
        run_uncertainty(recipe, design)
