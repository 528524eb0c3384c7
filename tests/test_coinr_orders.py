"""Orders COINr accepts run here too, with a warning saying what they mean; COINr's documented
example build (``build_example_coin()``: impute by group mean, *then* screen) is reproduced stage
by stage against COINr 1.1.14's output committed in tests/reference/coinr-impute-then-screen.

Tolerance: 1e-9 relative (``rtol=1e-9``), ``atol=1e-12`` only so that exact zeros compare (the
reference carries 17 significant digits). Units kept, ranks and imputed points must be
identical.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innometrics as im
from innometrics.errors import DataWarning, InputError
from innometrics.plan import describe_plan
from innometrics.schema import ORDER_NOTES
from innometrics.steps import impute

RTOL, ATOL = 1e-9, 1e-12
REFERENCE = Path(__file__).parent / "reference" / "coinr-impute-then-screen"
#: COINr's build_example_coin(), call for call (see SOURCE.md there).
EXAMPLE_STEPS = """
steps:
  - denominate: {}
  - impute: {method: group_mean, group: EurAsia_group}
  - screen: {min_coverage: 0.9}
  - treat: {max_winsorised: 5}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
"""
STAGES = ["Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


def _recipe_file(tmp_path: Path, steps: str) -> Path:
    path = tmp_path / "example.yaml"
    path.write_text(f"framework: {REFERENCE / 'ASEM_iMeta.csv'}\n"
                    f"data: {REFERENCE / 'ASEM_iData.csv'}\n{steps}", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> im.IndexResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # the order note, tested below
        recipe = _recipe_file(tmp_path_factory.mktemp("example"), EXAMPLE_STEPS)
        return im.build(im.load_recipe(recipe))


def _reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / name, keep_default_na=False, na_values=[""]).set_index("uCode")


@pytest.mark.parametrize("stage", STAGES)
def test_example_every_stage_matches_coinr(example, stage):
    ref = _reference(f"dset_{stage}.csv")
    mine = example.stages[stage]
    assert sorted(mine.columns) == sorted(ref.columns), stage  # COINr sorts aggregates by name
    assert sorted(mine.index) == sorted(ref.index), f"{stage}: units differ"
    np.testing.assert_allclose(mine.loc[ref.index, ref.columns].to_numpy(float),
                               ref.to_numpy(float), rtol=RTOL, atol=ATOL, err_msg=stage)


def test_example_ranks_match_coinr(example):
    ref = _reference("ranks_Aggregated.csv")
    np.testing.assert_array_equal(example.ranks.loc[ref.index, list(ref.columns)].to_numpy(),
                                  ref.to_numpy(float))


def test_example_screening_and_imputed_points_match_coinr(example):
    screening = _reference("screening.csv")
    ours = example.screening()
    np.testing.assert_array_equal(ours["kept"].to_numpy(), screening["Included"].to_numpy())
    np.testing.assert_allclose(ours["coverage"].to_numpy(), screening["Dat_Avail"].to_numpy(),
                               rtol=RTOL)
    imputed = _reference("imputed_points.csv")
    np.testing.assert_array_equal(example.imputed_points().loc[imputed.index].to_numpy(),
                                  imputed.to_numpy(bool))


def test_example_warns_once_what_screening_after_imputing_means(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        im.load_recipe(_recipe_file(tmp_path, EXAMPLE_STEPS))
    notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert len(notes) == 1, notes
    assert "'screen' (steps[2]) comes after 'impute' (steps[1])" in notes[0]
    assert "counts imputed values as present" in notes[0]
    assert "\n" not in notes[0]


def test_group_mean_is_coinrs_i_mean_grp():
    """COINr's i_mean_grp: the mean of the unit's group; a unit without a group, or a group with
    no value, stays missing."""
    x = np.array([[1.0], [np.nan], [3.0], [np.nan], [np.nan], [np.nan]])
    groups = ["a", "a", "b", "b", None, "c"]
    out = impute(x, method="group_mean", groups=groups)
    np.testing.assert_array_equal(out.values[:, 0], [1.0, 1.0, 3.0, 3.0, np.nan, np.nan])


# Every pair of steps the order notes name, in the unusual order, builds and says so once.
@pytest.mark.parametrize(("earlier", "later", "means"), ORDER_NOTES,
                         ids=[f"{b}-before-{a}" for a, b, _ in ORDER_NOTES])
def test_unusual_orders_run_and_say_what_they_mean(tmp_path, earlier, later, means):
    usual = ["denominate", "screen", "impute", "treat", "normalise"]
    order = [s for s in usual if s not in (earlier, later)]
    at = min(usual.index(earlier), usual.index(later))
    order[at:at] = [later, earlier]
    settings = {"impute": "{method: mean}", "screen": "{min_coverage: 0.5}"}
    steps = "steps:\n" + "".join(f"  - {s}: {settings.get(s, '{}')}\n" for s in order)
    steps += "  - aggregate: {}\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = im.build(im.load_recipe(_recipe_file(tmp_path, steps)))
    notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)
             and "comes after" in str(w.message)]
    assert [n for n in notes if means in n] and len(set(notes)) == len(notes), notes
    assert np.isfinite(result.scores["Index"]).all()


@pytest.mark.parametrize(("steps", "fragment"), [
    ("steps:\n  - aggregate: {}\n  - normalise: {}\n", "'aggregate' is not the last step"),
    ("steps:\n  - normalise: {}\n  - normalise: {}\n  - aggregate: {}\n", "appears twice"),
])
def test_orders_that_cannot_run_are_refused_in_one_line(tmp_path, steps, fragment):
    with pytest.raises(InputError) as info:
        im.load_recipe(_recipe_file(tmp_path, steps))
    message = str(info.value)
    assert fragment in message and "\n" not in message
    assert "example.yaml" in message


def test_a_group_column_missing_from_the_data_is_refused_when_loading(tmp_path):
    """validate runs the build's checks: group imputation on a group column the framework
    declares but the data lack is refused on loading, not halfway through a build."""
    data = pd.read_csv(REFERENCE / "ASEM_iData.csv").drop(columns="EurAsia_group")
    data.to_csv(tmp_path / "iData.csv", index=False)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"framework: {REFERENCE / 'ASEM_iMeta.csv'}\ndata: iData.csv\n"
                      f"{EXAMPLE_STEPS}", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        with pytest.raises(InputError) as info:
            im.load_recipe(recipe)
    message = str(info.value)
    assert "iData.csv" in message and "'EurAsia_group' is not in the data" in message
    assert "\n" not in message


def test_validate_says_screening_after_imputing_counts_imputed_values(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        lines = describe_plan(im.load_recipe(_recipe_file(tmp_path, EXAMPLE_STEPS)))
    (line,) = [x for x in lines if x.startswith("screening")]
    assert "after imputing and counts imputed values as present" in line


def test_a_unit_without_a_group_keeps_its_gaps(tmp_path):
    """COINr's i_mean_grp skips units whose group is missing (skip_f_na = TRUE): two units
    without a group are not pooled into a group of their own."""
    data = pd.read_csv(REFERENCE / "ASEM_iData.csv")
    gaps = data.set_index("uCode").filter(items=["BGD", "BRN", "MMR"], axis=0)
    unit = gaps.index[gaps.isna().any(axis=1)][0]
    data.loc[data["uCode"].isin([unit, "AUT"]), "EurAsia_group"] = None  # AUT has no gap
    data.to_csv(tmp_path / "iData.csv", index=False)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"framework: {REFERENCE / 'ASEM_iMeta.csv'}\ndata: iData.csv\n"
                      "steps:\n  - impute: {method: group_mean, group: EurAsia_group}\n"
                      "  - normalise: {}\n  - aggregate: {}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        result = im.build(im.load_recipe(recipe))
    raw, imputed = result.stages["Raw"].loc[unit], result.stages["Imputed"].loc[unit]
    assert raw.isna().any()
    np.testing.assert_array_equal(imputed.isna(), raw.isna())
    others = result.stages["Imputed"].drop(index=unit)
    assert not others.isna().any().any()
