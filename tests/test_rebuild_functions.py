"""A run that used own functions rebuilds when asked (``open_run(dir).rebuild(allow_functions=
..., functions=...)``, ``results``/``profile``/``weights optimise --allow-functions``), and
``validate`` shows what the Monte Carlo varies and which node it analyses (issue 20)."""

from __future__ import annotations

import numpy as np
import pytest
from own_functions import span, weighted_sum
from toy_index import STEPS, write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app
from innometrics.errors import InvalidParameter
from innometrics.plan import describe_plan
from innometrics.weights import correlations_with_index, optimise_weights

OWN_STEPS = """steps:
  - impute: {method: mean}
  - normalise: {method: own_functions:span, params: {top: 100}}
  - aggregate: {method: own_functions:weighted_sum}
"""


@pytest.fixture
def own_run(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path, steps=OWN_STEPS), allow_functions=True)
    result = im.build(recipe)
    return result, result.write(tmp_path / "run")


def test_rebuild_refuses_then_allows_the_recorded_functions(own_run):
    result, run = own_run
    with pytest.raises(InvalidParameter, match="--allow-functions"):
        im.open_run(run).rebuild()
    again = im.open_run(run).rebuild(allow_functions=True)
    np.testing.assert_array_equal(again.scores.to_numpy(), result.scores.to_numpy())


def test_rebuild_with_the_functions_themselves(own_run):
    result, run = own_run
    for functions in ([span, weighted_sum],
                      {"own_functions:span": span, "own_functions:weighted_sum": weighted_sum}):
        again = im.open_run(run).rebuild(functions=functions)
        np.testing.assert_array_equal(again.scores.to_numpy(), result.scores.to_numpy())
    with pytest.raises(InvalidParameter, match="--allow-functions"):  # one is still missing
        im.open_run(run).rebuild(functions=[span])


def test_commands_that_rebuild_a_run_take_allow_functions(own_run):
    result, run = own_run
    runner = CliRunner()
    refused = runner.invoke(app, ["results", str(run)])
    assert refused.exit_code == 2 and "--allow-functions" in refused.output
    for command in (["results", str(run)], ["profile", str(run), "AAA"]):
        done = runner.invoke(app, [*command, "--allow-functions"])
        assert done.exit_code == 0, done.output
    assert "Strengths" in done.output


def test_weights_optimise_with_own_functions(tmp_path):
    path = write_toy(tmp_path, steps=OWN_STEPS)
    runner = CliRunner()
    command = ["weights", "optimise", str(path), "--level", "1", "--target", "equal",
               "--out", str(tmp_path / "w"), "--no-store"]
    refused = runner.invoke(app, command)
    assert refused.exit_code == 2 and "--allow-functions" in refused.output
    done = runner.invoke(app, [*command, "--allow-functions"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "w" / "weights.csv").exists()


def test_weights_optimise_reads_the_stage_aggregate_reads(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path)).with_step(
        "aggregate", from_stage="Imputed", method="arithmetic")
    fit = optimise_weights(recipe, 1, "equal")
    # the correlations at the fitted weights are those of the index rebuilt with them
    rebuilt = im.build(fit.recipe).scores
    expected = correlations_with_index(rebuilt[fit.nodes].to_numpy(),
                                       rebuilt["Index"].to_numpy())
    np.testing.assert_allclose(fit.correlations, expected, rtol=1e-10)


def test_validate_shows_the_parameters_and_the_target(tmp_path):
    path = write_toy(tmp_path, steps=STEPS.replace("  - normalise:", "  - treat: {}\n"
                                                                       "  - normalise:"))
    path.write_text(path.read_text() + "uncertainty:\n  weights: {noise: 0.2, levels: [1]}\n"
                    "  parameters:\n    treat.max_winsorised: [3, 5]\n  target: P\n")
    lines = describe_plan(im.load_recipe(path))
    assert "  varies treat.max_winsorised over [3, 5]" in lines
    assert any(line.startswith("  analyses the ranks of P ") for line in lines)
    run = CliRunner().invoke(app, ["validate", str(path)])
    assert run.exit_code == 0 and "varies treat.max_winsorised over [3, 5]" in run.output
    path.write_text(path.read_text().replace("  target: P\n", ""))
    lines = describe_plan(im.load_recipe(path))
    assert any(line.startswith("  analyses the ranks of the index Index") for line in lines)
