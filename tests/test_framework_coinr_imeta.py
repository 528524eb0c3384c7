"""COINr's extra iMeta parameter columns: read, validated, and used by ``normalise:
{from_framework: true}`` as COINr 1.1.14's ``Normalise(f_n_para = "use_iMeta")`` uses them.

References in ``tests/reference/coinr-imeta/`` (``make_references.R`` there; see SOURCE.md):
COINr's ASEM data with three directions turned to −1 and every parameter column added, and a
random framework with gaps, negative values, ties and mixed directions (no
``dist2targ_cap_max`` column, as COINr's backward-compatible case). Tolerance ``rtol=1e-12``
with ``atol=1e-12`` so exact zeros compare; missing cells must be missing in both.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from coinr_reference import assert_like_coinr

import innometrics as im

RTOL, ATOL = 1e-12, 1e-12
HERE = Path(__file__).parent / "reference" / "coinr-imeta"
METHODS = {"goalposts": "goalposts", "minmax": "minmax", "zscore": "zscore",
           "dist2targ": "dist2target"}
#: folder → (dataset, normalise settings)
CASES = {f"{data}-{name}": (data, f"{{method: {method}, from_framework: true}}")
         for data in ("asem", "random") for name, method in METHODS.items()}
CASES["random-goalposts-indiv"] = (
    "random", "{method: goalposts, from_framework: true, indicators: {x02: {method: rank}, "
    "x05: {method: minmax, range: [0, 1]}}}")


def _recipe(tmp_path: Path, data: str, normalise: str, framework: Path | None = None) -> Path:
    framework = framework or HERE / data / "iMeta_params.csv"
    path = tmp_path / "recipe.yaml"
    path.write_text(f"framework: {framework}\ndata: {HERE / data / 'iData.csv'}\nsteps:\n"
                    f"  - normalise: {normalise}\n  - aggregate: {{}}\n")
    return path


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
@pytest.mark.parametrize("folder", list(CASES))
def test_parameters_from_the_framework_like_coinr(tmp_path, folder):
    result = im.build(im.load_recipe(_recipe(tmp_path, *CASES[folder])))
    assert_like_coinr(result.stages["Aggregated"], HERE / folder / "dset_Aggregated.csv",
                      rtol=RTOL, atol=ATOL)


def test_parameter_columns_are_read_and_written_back():
    fw = im.load_framework(HERE / "asem" / "iMeta_params.csv")
    lpi = fw["LPI"]
    assert (lpi.goalpost_lower, lpi.goalpost_upper, lpi.goalpost_scale) == (2.75, 4.11, 100.0)
    assert lpi.goalpost_trunc2posts is True and fw["Flights"].goalpost_trunc2posts is False
    assert lpi.dist2targ_cap_max is True and (lpi.zscore_mean, lpi.zscore_sd) == (10.0, 2.0)
    again = im.load_framework(fw.to_frame(), source="again")
    assert again.nodes == fw.nodes



def test_loaded_nodes_are_the_nodes_the_dataclass_builds():
    # load_framework builds nodes without Node.__init__ (speed): each must hold exactly the
    # fields and compare, hash and print as Node(**fields) does
    fw = im.load_framework(HERE / "asem" / "iMeta_params.csv")
    names = [f.name for f in dataclasses.fields(im.Node)]
    for node in fw.nodes:
        built = im.Node(**{name: getattr(node, name) for name in names})
        assert set(vars(node)) == set(names)
        assert node == built and hash(node) == hash(built) and repr(node) == repr(built)

def test_settings_of_each_indicator_follow_coinr():
    fw = im.load_framework(HERE / "random" / "iMeta_params.csv")
    code = next(c for c in fw.indicators if fw[c].direction == -1)
    node = fw[code]
    goalposts = fw.normalise_parameters("goalposts")[code]  # own units: the step flips them
    assert goalposts["goalposts"] == [node.goalpost_lower, node.goalpost_upper]
    assert fw.normalise_parameters("dist2target")[code] == {"targets": {code: node.target}}
    assert fw.normalise_parameters("minmax", skip=[code]).keys() == set(fw.indicators) - {code}


def _framework_with(tmp_path: Path, edit) -> Path:
    meta = pd.read_csv(HERE / "random" / "iMeta_params.csv", keep_default_na=False, dtype=str)
    edit(meta)
    path = tmp_path / "iMeta.csv"
    meta.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("edit", "message"), [
    (lambda m: m.loc.__setitem__((2, "goalpost_lower"), "low"),
     r"row 4.*column 'goalpost_lower'.*'low'"),
    (lambda m: m.loc.__setitem__((1, "goalpost_trunc2posts"), "maybe"),
     r"row 3.*column 'goalpost_trunc2posts'.*'maybe' is not TRUE or FALSE"),
    (lambda m: m.loc.__setitem__((0, "zscore_sd"), "inf"), r"row 2.*column 'zscore_sd'"),
    (lambda m: m.__setitem__("goalpost_lowr", "1"), r"'goalpost_lowr' is not a framework column"
                                                    r".*goalpost_lower"),
])
def test_bad_parameter_columns_are_one_line_errors(tmp_path, edit, message):
    with pytest.raises(im.InputError, match=message) as caught:
        im.load_framework(_framework_with(tmp_path, edit))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("edit", "normalise", "message"), [
    (lambda m: m.loc.__setitem__((3, "goalpost_upper"), ""), "{method: goalposts}",
     "'x04' has no goalpost_upper"),
    (lambda m: m.__delitem__("zscore_sd"), "{method: zscore}",
     "needs the column zscore_sd"),
    (lambda m: m.loc.__setitem__((0, "zscore_sd"), "0"), "{method: zscore}",
     "zscore_sd of 'x01' is 0"),
    (lambda m: m.loc.__setitem__((0, "goalpost_lower"), "99"), "{method: goalposts}",
     "'x01' has goalpost_lower 99 not below goalpost_upper"),
    (lambda m: None, "{method: goalposts, scale: 10}",
     "'scale' of steps\\[0\\].normalise is given by the framework's columns too"),
    (lambda m: None, "{method: rank}", "'from_framework' of steps\\[0\\].normalise has no "
                                       "effect with method 'rank'"),
])
def test_parameters_a_method_cannot_take_are_refused_at_load(tmp_path, edit, normalise,
                                                             message):
    framework = _framework_with(tmp_path, edit)
    settings = normalise.replace("}", ", from_framework: true}")
    with pytest.raises((im.InputError, im.InvalidParameter), match=message) as caught:
        im.load_recipe(_recipe(tmp_path, "random", settings, framework))
    assert "\n" not in str(caught.value)


def test_optional_columns_absent_leave_the_step_settings(tmp_path):
    """Without goalpost_scale and goalpost_trunc2posts the step's scale and truncate apply."""
    def drop(meta):
        del meta["goalpost_scale"], meta["goalpost_trunc2posts"]

    framework = _framework_with(tmp_path, drop)
    recipe = im.load_recipe(_recipe(tmp_path, "random", "{method: goalposts, from_framework: "
                                    "true, scale: 1, truncate: false}", framework))
    result = im.build(recipe)
    fw = recipe.framework
    raw = result.stages["Raw"][fw.indicators].to_numpy(float)
    scores = result.stages["Normalised"]
    low = np.array([fw[c].goalpost_lower for c in fw.indicators])
    high = np.array([fw[c].goalpost_upper for c in fw.indicators])
    d = fw.directions
    expected = np.where(d > 0, (raw - low) / (high - low), (high - raw) / (high - low))
    np.testing.assert_allclose(scores[fw.indicators].to_numpy(float), expected, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
def test_parameters_from_the_framework_as_a_monte_carlo_alternative(tmp_path):
    from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

    path = _recipe(tmp_path, "random", "{method: minmax}")
    path.write_text(path.read_text() + "uncertainty:\n  alternatives:\n    normalise: "
                    "[{method: minmax}, {method: goalposts, from_framework: true}]\n")
    recipe = im.load_recipe(path)
    mc = run_uncertainty(recipe, UncertaintyDesign.from_recipe(recipe, runs=8, seed=2))
    sampled = mc.sampled.to_frame(mc.recipe, mc.design)["normalise_settings"].tolist()
    own = im.build(recipe.with_step("normalise", method="goalposts", from_framework=True))
    row = next(k for k, s in enumerate(sampled) if "goalposts" in s)
    np.testing.assert_allclose(mc.scores[row], own.scores["Index"].to_numpy(), rtol=1e-12)


def test_coinr_effective_weights_column_is_read_and_checked(tmp_path):
    """An iMeta saved after COINr's get_eff_weights(out2 = "coin") carries EffWeight."""
    path = HERE / "asem" / "iMeta_effweight.csv"
    fw = im.load_framework(path)
    ref = pd.read_csv(path).dropna(subset=["EffWeight"]).set_index("iCode")["EffWeight"]
    mine = fw.effective_weights()
    np.testing.assert_allclose([mine[c] for c in ref.index], ref.to_numpy(), rtol=1e-12)
    meta = pd.read_csv(path, keep_default_na=False, dtype=str)
    row = meta.index[meta["iCode"] == "LPI"][0]
    meta.loc[row, "EffWeight"] = "0.5"
    meta.to_csv(tmp_path / "iMeta.csv", index=False)
    with pytest.raises(im.InputError, match=rf"row {row + 2}, column 'EffWeight': EffWeight of "
                                            r"'LPI' is 0.5, but the weights give 0.0125"):
        im.load_framework(tmp_path / "iMeta.csv")


def test_a_positive_range_from_the_framework_allows_a_geometric_mean(tmp_path):
    def positive(meta):
        meta.loc[meta["Type"] == "Indicator", ["minmax_lower", "minmax_upper"]] = ["1", "100"]

    path = _recipe(tmp_path, "random", "{method: minmax, from_framework: true}",
                   _framework_with(tmp_path, positive))
    path.write_text(path.read_text().replace("aggregate: {}", "aggregate: {method: geometric}"))
    result = im.build(im.load_recipe(path))
    assert result.stages["Normalised"].min().min() == 1.0


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
def test_validate_names_the_parameter_columns_the_recipe_leaves_unused(tmp_path):
    """The columns are read and checked whatever the recipe; the plan says which no
    normalisation reads (an alternative reading them counts as a use)."""
    from innometrics.plan import describe_plan

    unused = [line for line in describe_plan(im.load_recipe(_recipe(
        tmp_path, "asem", "{method: minmax}"))) if "does not use" in line]
    assert len(unused) == 1 and "goalpost_lower" in unused[0] and "zscore_mean" in unused[0]
    assert "Target" not in unused[0]  # dist2target reads it without from_framework
    path = _recipe(tmp_path, "asem", "{method: goalposts, from_framework: true}")
    (line,) = [x for x in describe_plan(im.load_recipe(path)) if "does not use" in x]
    assert "goalpost_lower" not in line and "goalpost_trunc2posts" not in line
    assert "zscore_mean" in line
