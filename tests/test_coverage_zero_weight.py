"""``min_coverage`` counts every child of a parent, a child of weight 0 too, as COINr's
``dat_thresh`` does (``tests/reference/coinr-coverage-zero-weight``, see its SOURCE.md), in the
build, the Monte Carlo and the dashboard alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from toy_index import META, write_toy

import innometrics as im
from innometrics.serve.model import DashboardModel
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

HERE = Path(__file__).parent / "reference" / "coinr-coverage-zero-weight"
ASEM = Path(__file__).parent / "reference" / "coinr-asem"


def test_asem_with_a_weightless_indicator_matches_coinr(tmp_path):
    path = tmp_path / "recipe.yaml"
    path.write_text(f"framework: {HERE / 'iMeta.csv'}\ndata: {ASEM / 'ASEM_iData.csv'}\n"
                    "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n"
                    "  - aggregate: {method: arithmetic, min_coverage: 0.8}\n")
    result = im.build(im.load_recipe(path))
    ref = pd.read_csv(HERE / "dset_Aggregated.csv", dtype={"uCode": str}).set_index("uCode")
    mine = result.scores
    np.testing.assert_allclose(mine.to_numpy(), ref.loc[mine.index, mine.columns].to_numpy(),
                               rtol=1e-12, atol=0)
    # blanked only because the weightless Pat counts (LAO and VNM are blank either way)
    assert sorted(mine.index[mine["P2P"].isna()]) == ["BGD", "BRN", "KHM", "LAO", "MMR", "VNM"]


ZERO_B = META.replace("b,Beta,1,P,1,2,", "b,Beta,1,P,1,0,")
STEPS = """steps:
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic, min_coverage: 0.6}
"""


def test_monte_carlo_and_dashboard_count_the_weightless_child(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path, meta=ZERO_B, steps=STEPS))
    built = im.build(recipe)
    # BBB lacks b (weight 0): 1 of P's 2 children present, below 0.6
    assert np.isnan(built.scores.loc["BBB", "P"]) and not np.isnan(built.scores.loc["AAA", "P"])
    options = [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "mean": 10,
                                                          "sd": 2}]
    design = UncertaintyDesign(runs=8, seed=1, alternatives={"normalise": options},
                               target="P")
    mc = run_uncertainty(recipe, design)
    for r, row in mc.sampled.to_frame(recipe, design).iterrows():
        rebuilt = im.build(recipe.with_step("normalise", **options[row["normalise"]]))
        np.testing.assert_allclose(mc.scores[r], rebuilt.scores["P"].to_numpy())
    model = DashboardModel(recipe)
    np.testing.assert_allclose(model.compute(model.parse([])), built.scores.to_numpy())


def test_element_removal_counts_the_weightless_child(tmp_path):
    """COINr's remove_elements sets a weight to 0 and regenerates, so a removed child still
    counts for dat_thresh: each node's mean absolute rank change equals that of a rebuild with
    its weight at 0."""
    from innometrics.audit.removal import mean_abs_rank_change, remove_elements

    recipe = im.load_recipe(write_toy(tmp_path, meta=ZERO_B, steps=STEPS))
    built = im.build(recipe)
    table = remove_elements(built)
    compared = []
    for row in table.itertuples():
        try:  # a parent left with no weighted child cannot be built (removal drops it)
            rebuilt = im.build(recipe.with_weights({row.iCode: 0.0}))
        except im.InputError:
            continue
        compared.append(row.iCode)
        both = np.column_stack([built.scores.iloc[:, -1], rebuilt.scores.iloc[:, -1]])
        np.testing.assert_allclose(row[-1], mean_abs_rank_change(both)[0], err_msg=row.iCode)
    assert len(compared) >= 3, compared


def test_generalised_mean_is_missing_with_a_missing_weightless_child(tmp_path):
    """COINr's a_genmean gives a missing child's weight NA, so its sum is NA whatever the
    weight: a parent with a missing child of weight 0 is missing too (reference made by the
    same R script: Aggregate(f_ag = "a_genmean", f_ag_para = list(p = 2)))."""
    path = tmp_path / "recipe.yaml"
    path.write_text(f"framework: {HERE / 'iMeta.csv'}\ndata: {ASEM / 'ASEM_iData.csv'}\n"
                    "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n"
                    "  - aggregate: {method: generalised, p: 2}\n")
    result = im.build(im.load_recipe(path))
    ref = pd.read_csv(HERE / "dset_Aggregated_genmean2.csv",
                      dtype={"uCode": str}).set_index("uCode")
    mine = result.scores
    np.testing.assert_allclose(mine.to_numpy(), ref.loc[mine.index, mine.columns].to_numpy(),
                               rtol=1e-12, atol=0)


def test_generalised_mean_with_a_weightless_child_missing_like_coinr(tmp_path):
    """The toy index with b weighing 0 and BBB lacking only b: COINr's a_genmean gives BBB's
    P (and the index) NA (reference toy/dset_Aggregated_genmean2.csv, make_toy_genmean.R)."""
    steps = ("steps:\n  - normalise: {method: minmax, range: [1, 100]}\n"
             "  - aggregate: {method: generalised, p: 2}\n")
    result = im.build(im.load_recipe(write_toy(tmp_path, meta=ZERO_B, steps=steps)))
    ref = pd.read_csv(HERE / "toy" / "dset_Aggregated_genmean2.csv",
                      dtype={"uCode": str}).set_index("uCode")
    mine = result.scores
    np.testing.assert_allclose(mine.to_numpy(), ref.loc[mine.index, mine.columns].to_numpy(),
                               rtol=1e-12, atol=0)
    assert np.isnan(mine.loc["BBB", "P"])
