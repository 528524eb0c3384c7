"""Own functions as a step's method (issue 20, item 5): in Python, from a recipe file only
when allowed, checked for shape and finiteness, recorded in the manifest, usable as Monte
Carlo alternatives."""

import json

import numpy as np
import pytest
from own_functions import fill_zero, infinite, span, weighted_sum, wrong_shape
from toy_index import write_toy

from innometrics import build
from innometrics.cli import app
from innometrics.errors import InputError, InvalidParameter
from innometrics.recipe import load_recipe
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

STEPS = """steps:
  - impute: {method: own_functions:fill_zero}
  - normalise: {method: own_functions:span, params: {top: 100}}
  - aggregate: {method: own_functions:weighted_sum}
"""


def test_python_callables_give_what_the_builtin_methods_give(tmp_path):
    path = write_toy(tmp_path)
    builtin = build(load_recipe(path))
    recipe = load_recipe(path).with_step("normalise", method=span, params={"top": 100})
    recipe = recipe.with_step("aggregate", method=weighted_sum)
    own = build(recipe)
    normalised = builtin.stages["Normalised"]
    np.testing.assert_allclose(own.stages["Normalised"].to_numpy(), normalised.to_numpy())
    fw = recipe.framework
    expected = normalised.to_numpy() @ fw.weight_matrix(2)  # no gaps after group_mean
    np.testing.assert_allclose(own.scores[["P", "Q"]].to_numpy(), expected)
    assert recipe.settings("normalise") == {"method": "own_functions:span",
                                            "params": {"top": 100}}


def test_functions_by_name_and_the_manifest(tmp_path):
    path = write_toy(tmp_path, steps=STEPS.replace("own_functions:", ""))
    recipe = load_recipe(path, functions={"fill_zero": fill_zero, "span": span,
                                          "weighted_sum": weighted_sum})
    result = build(recipe)
    assert result.stages["Imputed"].isna().sum().sum() == 0
    run = result.write(tmp_path / "run")
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["details"]["functions"] == {
        f"own_functions:{f}": f"own_functions:{f}" for f in ("fill_zero", "span",
                                                             "weighted_sum")}
    # the run's recipe names the functions, so that it rebuilds with allow_functions
    again = build(load_recipe(run / "recipe.yaml", allow_functions=True))
    np.testing.assert_array_equal(again.scores.to_numpy(), result.scores.to_numpy())


def test_a_recipe_file_runs_no_code_unasked(tmp_path, capsys):
    path = write_toy(tmp_path, steps=STEPS)
    with pytest.raises(InvalidParameter, match="--allow-functions") as caught:
        load_recipe(path)
    assert "\n" not in str(caught.value)
    allowed = build(load_recipe(path, allow_functions=True))
    assert allowed.index_code == "Index"
    with pytest.raises(SystemExit) as code:
        app(["validate", str(path)])
    assert code.value.code != 0
    assert "--allow-functions" in capsys.readouterr().err
    with pytest.raises(SystemExit) as code:
        app(["build", str(path), "--out", str(tmp_path / "out"), "--allow-functions",
             "--no-store"])
    assert code.value.code == 0
    assert (tmp_path / "out" / "scores.csv").exists()


def test_an_unimportable_reference_is_one_line(tmp_path):
    path = write_toy(tmp_path, steps=STEPS.replace("own_functions:span", "own_functions:nope"))
    with pytest.raises(InputError, match="own_functions:nope.*cannot be imported"):
        load_recipe(path, allow_functions=True)


@pytest.mark.parametrize("function, message", [(wrong_shape, "shape"), (infinite, "infinite")])
def test_own_output_is_checked(tmp_path, function, message):
    recipe = load_recipe(write_toy(tmp_path)).with_step("normalise", method=function)
    with pytest.raises(InvalidParameter, match=f"steps\\[2\\].normalise.*{message}"):
        build(recipe)


def test_own_imputation_may_not_change_values_given(tmp_path):
    recipe = load_recipe(write_toy(tmp_path)).with_step("impute", method=span)
    with pytest.raises(InvalidParameter, match="only fill the gaps"):
        build(recipe)


def test_settings_an_own_function_ignores_are_refused(tmp_path):
    recipe = load_recipe(write_toy(tmp_path))
    with pytest.raises(InvalidParameter, match="'range' of .*own function"):
        recipe.with_step("normalise", method=span, range=[0, 1])
    with pytest.raises(InvalidParameter, match="serve impute, normalise, aggregate"):
        recipe.with_step("treat", method=span)


def test_own_functions_as_monte_carlo_alternatives(tmp_path):
    recipe = load_recipe(write_toy(tmp_path))
    design = UncertaintyDesign(runs=20, seed=3, alternatives={
        "normalise": [{"method": span, "params": {"top": 100}}],
        "aggregate": [{"method": weighted_sum}]})
    mc = run_uncertainty(recipe, design)
    own = build(recipe.with_step("normalise", method=span, params={"top": 100})
                .with_step("aggregate", method=weighted_sum))
    np.testing.assert_allclose(mc.scores, np.tile(own.scores["Index"].to_numpy(), (20, 1)))
    assert set(mc.sampled.to_frame(mc.recipe, mc.design)["aggregate_settings"]) == {
        '{"method": "own_functions:weighted_sum"}'}
    assert len(mc.rank_intervals()) == 5
    run = mc.write(tmp_path / "mc")
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["settings"]["design"]["alternatives"]["normalise"] == [
        {"method": "own_functions:span", "params": {"top": 100}}]
