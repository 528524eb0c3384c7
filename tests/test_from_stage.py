"""A step reading an earlier stage (``from_stage``, COINr's ``dset``; issue 20, item 6):
COINr references, the recipe key, ``with_step``, the run's recipe.yaml, panels and the Monte
Carlo.

References in ``tests/reference/coinr-from-stage/`` (``make_references.R`` there, see its
SOURCE.md), on COINr's ASEM data; every stage to ``rtol=1e-12``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_asem_recipe
from test_panel import META_T, PANEL, steps
from toy_index import STEPS, write_toy

import innometrics as im
import innometrics.errors
from innometrics.errors import InvalidParameter
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

RTOL = 1e-12
HERE = Path(__file__).parent / "reference" / "coinr-from-stage"

#: Each reference's COINr calls as a recipe (SOURCE.md lists the calls side by side).
CASES = {
    "impute-treat-raw": """steps:
  - impute: {method: mean}
  - treat: {from_stage: Raw}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
""",
    "screen-impute-denominated": """steps:
  - denominate: {}
  - screen: {min_coverage: 0.9}
  - impute: {from_stage: Denominated, method: group_mean, group: EurAsia_group}
  - treat: {max_winsorised: 5}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
""",
    "normalise-aggregate-earlier": """steps:
  - impute: {method: median}
  - treat: {}
  - normalise: {from_stage: Imputed, method: minmax, range: [0, 100]}
  - aggregate: {from_stage: Treated, method: arithmetic}
""",
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.filterwarnings("ignore:.*no denominator:innometrics.errors.DataWarning")
def test_every_stage_matches_coinr(tmp_path, case):
    recipe = im.load_recipe(write_asem_recipe(tmp_path, CASES[case], case))
    result = im.build(recipe)  # LAO has no denominator for two indicators, as in COINr
    files = sorted((HERE / case).glob("dset_*.csv"))
    assert files
    for file in files:
        stage = file.stem.removeprefix("dset_")
        ref = pd.read_csv(file, dtype={"uCode": str}).set_index("uCode")
        mine = result.stages[stage]
        assert sorted(mine.index) == sorted(ref.index), f"{case}/{stage}: units differ"
        np.testing.assert_allclose(mine.to_numpy(), ref.loc[mine.index, mine.columns].to_numpy(),
                                   rtol=RTOL, atol=0, err_msg=f"{case}/{stage}")
    if case == "screen-impute-denominated":  # the screened units come back
        removed = sorted(pd.read_csv(HERE / case / "removed.csv")["uCode"])
        assert sorted(set(recipe.data.units) - set(result.stages["Screened"].index)) == removed
        assert len(result.scores) == len(recipe.data.units)


def test_with_step_reads_an_earlier_stage_and_later_steps_continue(tmp_path):
    path = write_toy(tmp_path, steps=STEPS.replace("  - normalise:", "  - treat: {}\n"
                                                                       "  - normalise:"))
    result = im.build(im.load_recipe(path))
    again = result.with_step("treat", from_stage="Denominated")
    assert again.recipe.settings("treat")["from_stage"] == "Denominated"
    direct = im.build(result.recipe.without_step("impute"))
    # treat read the data before imputing: the gaps are back, and normalise continued from it
    np.testing.assert_array_equal(again.stages["Treated"].to_numpy(),
                                  direct.stages["Treated"].to_numpy())
    np.testing.assert_array_equal(again.scores.to_numpy(), direct.scores.to_numpy())
    assert again.stages["Imputed"].notna().all().all()  # imputation still ran


def test_run_recipe_records_it_and_rebuilds(tmp_path):
    result = im.build(im.load_recipe(write_toy(tmp_path))).with_step(
        "normalise", from_stage="Denominated", method="minmax")
    run = result.write(tmp_path / "run")
    assert "from_stage: Denominated" in (run / "recipe.yaml").read_text()
    rebuilt = im.open_run(run).rebuild()
    np.testing.assert_array_equal(rebuilt.scores.to_numpy(), result.scores.to_numpy())


@pytest.mark.parametrize("step, stage, fragment", [
    ("impute", "Normalised", "steps[1].impute: from_stage 'Normalised' is not a stage produced "
                             "before it. Stages available: Raw, Denominated."),
    ("normalise", "Denominatd", "Did you mean 'Denominated'? Stages available: Raw, "
                                "Denominated, Imputed."),
    ("denominate", "Denominated", "Stages available: Raw."),
    ("aggregate", 3, "'from_stage' of steps[3].aggregate must be a stage name"),
])
def test_a_stage_not_produced_before_is_one_line(tmp_path, step, stage, fragment):
    result = im.build(im.load_recipe(write_toy(tmp_path)))
    with pytest.raises(InvalidParameter) as caught:
        result.with_step(step, from_stage=stage)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_recipe_file_names_the_file(tmp_path):
    path = write_toy(tmp_path, steps=STEPS.replace("denominate: {}",
                                                   "denominate: {from_stage: Imputed}"))
    with pytest.raises(InvalidParameter, match=r"recipe.yaml: steps\[0\].denominate: "
                                               "from_stage 'Imputed'"):
        im.load_recipe(path)


def test_panel_steps_read_earlier_stages_at_every_time(tmp_path):
    lines = ["impute: {method: panel}", "normalise: {from_stage: Raw, method: minmax}",
             "aggregate: {}"]
    recipe = im.load_recipe(write_toy(tmp_path, META_T, PANEL, steps(*lines)))
    panel = im.build(recipe)
    plain = im.build(recipe.without_step("impute"))
    pd.testing.assert_frame_equal(panel.scores, plain.scores)
    assert panel.stage("Imputed")["c"].notna().sum() > plain.stage("Raw")["c"].notna().sum()


# --- the Monte Carlo honours it ----------------------------------------------------------

TREAT_STEPS = STEPS.replace("  - normalise:", "  - treat: {from_stage: Denominated, "
                                              "max_winsorised: 1, skew: 0.5, kurtosis: 0.5}\n"
                                              "  - normalise:")


def test_each_replication_equals_a_rebuild_with_its_from_stage(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path, steps=TREAT_STEPS))
    options = [{"from_stage": "Denominated", "max_winsorised": 1, "skew": 0.5,
                "kurtosis": 0.5}, {"max_winsorised": 1, "skew": 0.5, "kurtosis": 0.5}]
    aggregate = [{"method": "arithmetic"}, {"from_stage": "Imputed", "method": "arithmetic"}]
    design = UncertaintyDesign(runs=16, seed=3, alternatives={"treat": options,
                                                              "aggregate": aggregate})
    mc = run_uncertainty(recipe, design)
    table = mc.sampled.to_frame(recipe, design)
    assert set(table["treat"]) == {0, 1} and set(table["aggregate"]) == {0, 1}
    for r, row in table.iterrows():
        rebuilt = (recipe.with_step("treat", **options[row["treat"]])
                   .with_step("aggregate", **aggregate[row["aggregate"]]))
        np.testing.assert_allclose(mc.scores[r], im.build(rebuilt).scores["Index"].to_numpy(),
                                   rtol=1e-13)
    np.testing.assert_array_equal(mc.nominal_scores,
                                  im.build(recipe).scores["Index"].to_numpy())


@pytest.mark.filterwarnings("ignore:normalise. b. no spread:RuntimeWarning")
def test_replications_ranking_different_units_are_refused(tmp_path):
    path = write_toy(tmp_path, steps=STEPS.replace("  - impute:", "  - screen: {min_coverage: "
                                                                  "0.9}\n  - impute:"))
    recipe = im.load_recipe(path)
    design = UncertaintyDesign(runs=8, alternatives={"impute": [
        {"method": "mean"}, {"from_stage": "Denominated", "method": "mean"}]})
    with pytest.raises(InvalidParameter, match="rank 5 units, others 2, because a from_stage"):
        run_uncertainty(recipe, design)


def test_an_alternative_from_a_later_stage_is_refused_on_loading(tmp_path):
    path = write_toy(tmp_path)
    path.write_text(path.read_text() + "uncertainty:\n  alternatives:\n    impute: "
                    "[{method: mean}, {from_stage: Normalised, method: median}]\n")
    with pytest.raises(InvalidParameter, match=r"uncertainty.alternatives.impute\[1\]: "
                                               "from_stage 'Normalised' is not a stage "
                                               "produced before impute"):
        im.load_recipe(path)


def test_the_dashboard_model_keeps_the_recipe_wiring(tmp_path):
    from innometrics.serve.model import DashboardModel

    recipe = im.load_recipe(write_toy(tmp_path)).with_step(
        "normalise", from_stage="Denominated", method="minmax")
    recipe = recipe.with_step("aggregate", from_stage="Normalised", method="arithmetic")
    model = DashboardModel(recipe)
    nominal = model.compute(model.parse([]))
    np.testing.assert_allclose(nominal, im.build(recipe).scores.to_numpy())
    zscores = model.compute(model.parse([("normalise", "zscore")]))
    expected = im.build(recipe.with_step("normalise", from_stage="Denominated",
                                         method="zscore", mean=0.0, sd=1.0))
    np.testing.assert_allclose(zscores, expected.scores.to_numpy())


def test_order_notes_follow_what_a_step_reads(tmp_path):
    """Screening after imputing counts imputed values, unless the screen reads the raw data."""
    base = STEPS.replace("  - normalise:", "  - screen: {min_coverage: 0.5}\n  - normalise:")
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    with pytest.warns(im.errors.DataWarning, match="screening counts imputed values"):
        im.load_recipe(write_toy(tmp_path / "a", steps=base))
    rewired = base.replace("screen: {min_coverage", "screen: {from_stage: Denominated, "
                                                    "min_coverage")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        im.load_recipe(write_toy(tmp_path / "b", steps=rewired))


def test_positive_scores_are_asked_of_what_the_aggregation_reads(tmp_path):
    """A geometric mean needs positive scores: refused after a min-max from 0 when it reads
    the normalised scores, accepted when its from_stage reads the (positive) raw data."""
    text = """steps:
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: geometric%s}
"""
    with pytest.raises(InvalidParameter, match="geometric at level 2, which needs positive"):
        im.load_recipe(write_toy(tmp_path, steps=text % ""))
    recipe = im.load_recipe(write_toy(tmp_path, steps=text % ", from_stage: Raw"))
    raw = im.build(recipe)
    direct = im.build(recipe.without_step("normalise").with_step("aggregate",
                                                                 method="geometric"))
    np.testing.assert_allclose(raw.scores.iloc[:, -1], direct.scores.iloc[:, -1], rtol=1e-12)
    with pytest.raises(InvalidParameter, match="geometric at level 2, which needs positive"):
        im.load_recipe(write_toy(tmp_path, steps=text % ", from_stage: Normalised"))
