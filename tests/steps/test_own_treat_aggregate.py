"""Own functions in treat (COINr's f_pass, f1, f2) and as one level's aggregate method,
reproduced against COINr 1.1.14 (``tests/reference/coinr-own-functions/``, made by
``make_references.R`` there; see its SOURCE.md) at rtol 1e-12."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from coinr_reference import assert_like_coinr
from own_functions import clip_q, says_maybe, softmin, sqrt_shift, zmax_pass

import innometrics as im
from innometrics.audit import remove_elements
from innometrics.steps.treat import treat
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty
from innometrics.weights import optimise_weights

REFERENCE = Path(__file__).parents[1] / "reference"
HERE = REFERENCE / "coinr-own-functions"
INPUTS = REFERENCE / "coinr-imeta"
TREATMENTS = {
    "pass": "{pass_check: own_functions:zmax_pass, pass_check_params: {limit: 3}}",
    "all3": "{pass_check: own_functions:zmax_pass, pass_check_params: {limit: 2.5}, "
            "treatment: own_functions:clip_q, treatment_params: {q: 0.02}, "
            "fallback: own_functions:sqrt_shift}",
}
TREATMENTS["all3combine"] = TREATMENTS["all3"][:-1] + ", combine: true}"


def _recipe(tmp_path: Path, data: str, steps: str) -> Path:
    """``data``: asem, random (COINr's ASEM and the gappy random framework of coinr-imeta),
    or skewed (that framework with heavy-tailed values, made here)."""
    framework = INPUTS / ("random" if data == "skewed" else data) / "iMeta_params.csv"
    values = (HERE if data == "skewed" else INPUTS) / data / "iData.csv"
    path = tmp_path / "recipe.yaml"
    path.write_text(f"framework: {framework}\ndata: {values}\nsteps:\n{steps}")
    return path


@pytest.mark.parametrize("data", ["asem", "random", "skewed"])
@pytest.mark.parametrize("name", list(TREATMENTS))
def test_treat_with_own_functions_like_coinr(tmp_path, data, name):
    recipe = im.load_recipe(_recipe(tmp_path, data, f"  - treat: {TREATMENTS[name]}\n"),
                            allow_functions=True)
    result = im.build(recipe)
    assert_like_coinr(result.stages["Treated"], HERE / f"{data}-treat-{name}" / "dset_Treated.csv")


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
@pytest.mark.parametrize("data", ["asem", "random", "skewed"])
def test_own_aggregate_at_one_level_like_coinr(tmp_path, data):
    steps = ("  - normalise: {}\n  - aggregate: {method: {2: own_functions:softmin, "
             "default: arithmetic}, params: {k: 0.5}}\n")
    result = im.build(im.load_recipe(_recipe(tmp_path, data, steps), allow_functions=True))
    assert_like_coinr(result.stages["Aggregated"], HERE / f"{data}-aggregate-perlevel" /
             "dset_Aggregated.csv")
    assert result.records["aggregate"]["methods"] == {
        2: "own_functions:softmin", **{level: "arithmetic"
                                      for level in range(3, result.recipe.framework.n_levels + 1)}}


def test_own_check_equal_to_the_builtin_one_gives_the_builtin_treatment():
    rng = np.random.default_rng(3)
    x = rng.lognormal(0, 1.6, (40, 5))
    x[4, 2] = np.nan

    def skew_kurt_check(column):
        from innometrics.stats import skew_kurt
        sk, ku = skew_kurt(column[:, None])
        return bool(abs(sk[0]) < 2 or ku[0] < 3.5)

    builtin, own = treat(x), treat(x, pass_check=skew_kurt_check)
    np.testing.assert_array_equal(own.values, builtin.values)
    for key in ("pass0", "pass1", "pass2", "transformed", "points"):
        np.testing.assert_array_equal(own.info[key], builtin.info[key])
    np.testing.assert_allclose(own.info["n_winsorised"], builtin.info["n_winsorised"])


def test_treat_functions_by_name_and_in_the_manifest(tmp_path):
    path = _recipe(tmp_path, "random", "  - treat: {pass_check: zmax, fallback: root}\n")
    recipe = im.load_recipe(path, functions={"zmax": zmax_pass, "root": sqrt_shift})
    assert recipe.settings("treat")["pass_check"] == "own_functions:zmax_pass"
    assert recipe.own_functions() == {"own_functions:sqrt_shift": "own_functions:sqrt_shift",
                                      "own_functions:zmax_pass": "own_functions:zmax_pass"}
    direct = recipe.with_step("treat", pass_check=zmax_pass, treatment=clip_q,
                              treatment_params={"q": 0.2})
    assert direct.settings("treat")["treatment"] == "own_functions:clip_q"
    assert im.build(direct).stages["Treated"].shape == im.build(recipe).stages["Raw"].shape


@pytest.mark.parametrize(("steps", "message"), [
    ("  - treat: {pass_check: own_functions:zmax_pass}\n", "--allow-functions"),
    ("  - treat: {fallback: own_functions:sqrt_shift}\n", "'fallback' of steps\\[0\\].treat"),
    ("  - normalise: {}\n  - aggregate: {method: {2: own_functions:softmin}}\n",
     "'method' of steps\\[1\\].aggregate is 'own_functions:softmin'"),
])
def test_a_recipe_file_names_no_function_unasked(tmp_path, steps, message):
    with pytest.raises(im.InvalidParameter, match=message) as caught:
        im.load_recipe(_recipe(tmp_path, "random", steps))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("settings", "message"), [
    ({"pass_check_params": {"limit": 2}}, "'pass_check_params' of .*treat has no effect "
                                          "without an own function as 'pass_check'"),
    ({"pass_check": says_maybe}, "returned 'maybe' for indicator x01; a pass check must "
                                 "return True"),
    ({"pass_check": zmax_pass, "method": "none"}, "'pass_check' of .*has no effect with "
                                                  "method 'none'"),
    ({"pass_check": zmax_pass, "pass_check_params": {"limit": 0.5}, "fallback": np.log},
     "own function numpy:log turned a value of indicator x0\\d into NaN"),
])
def test_bad_treat_functions_are_one_line_errors(tmp_path, settings, message):
    recipe = im.load_recipe(_recipe(tmp_path, "random", "  - treat: {}\n"))
    with pytest.raises((ValueError, im.InvalidParameter), match=message) as caught:
        im.build(recipe.with_step("treat", **settings))
    assert "\n" not in str(caught.value)


def test_params_without_an_own_aggregate_function_are_refused():
    with pytest.raises(im.InvalidParameter, match="'params' of aggregate"):
        im.steps.aggregate(np.ones((3, 2)), [np.ones((2, 1))], params={"k": 1})


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
def test_own_treat_and_level_functions_as_monte_carlo_alternatives(tmp_path):
    steps = ("  - treat: {}\n  - normalise: {range: [1, 100]}\n  - aggregate: {}\n"
             "uncertainty:\n  alternatives:\n"
             f"    treat: [{{}}, {TREATMENTS['pass']}]\n"
             "    aggregate: [{}, {method: {2: own_functions:softmin, default: arithmetic}}]\n")
    recipe = im.load_recipe(_recipe(tmp_path, "random", steps), allow_functions=True)
    mc = run_uncertainty(recipe, UncertaintyDesign.from_recipe(recipe, runs=16, seed=1))
    assert np.isfinite(mc.scores).all()
    sampled = mc.sampled.to_frame(mc.recipe, mc.design)
    assert {s for s in sampled["aggregate_settings"] if "softmin" in s} == {
        '{"method": {"2": "own_functions:softmin", "default": "arithmetic"}, "min_coverage": '
        '0.0, "params": {}}'}
    assert any("zmax_pass" in s for s in sampled["treat_settings"])
    own = im.build(recipe.with_step("treat", pass_check=zmax_pass, pass_check_params={"limit": 3})
                   .with_step("aggregate", method={2: softmin, "default": "arithmetic"}))
    both = [k for k, (t, a) in enumerate(zip(sampled["treat_settings"],
                                              sampled["aggregate_settings"], strict=True))
            if "zmax_pass" in t and "softmin" in a]
    np.testing.assert_allclose(mc.scores[both[0]], own.scores["Index"].to_numpy(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
def test_removal_and_weight_optimisation_re_aggregate_with_own_functions(tmp_path):
    recipe = im.load_recipe(_recipe(tmp_path, "random", "  - normalise: {}\n  - aggregate: {}\n"))
    recipe = recipe.with_step("aggregate", method={2: softmin, "default": "arithmetic"},
                              params={"k": 0.3})
    removal = remove_elements(im.build(recipe))
    assert np.isfinite(removal.iloc[:, -1].to_numpy(float)).all()
    optimised = optimise_weights(recipe, level=2)
    assert optimised is not None


def test_points_an_own_treatment_changed_are_named_after_it():
    x = np.array([[1.0], [2.0], [np.nan], [3.0], [4.0], [100.0]])
    out = treat(x, pass_check=zmax_pass, pass_check_params={"limit": 1.5}, treatment=clip_q,
                treatment_params={"q": 0.2}, fallback="none")
    assert out.info["points"][:, 0].tolist() == ["clip_q", "", "", "", "", "clip_q"]
    assert out.info["pass0"][0] is False and out.info["pass1"][0] is zmax_pass(
        out.values[:, 0], 1.5)
    np.testing.assert_allclose(out.values[:, 0], np.clip(x[:, 0], *np.nanquantile(x, [0.2, 0.8])))
