"""The paired Monte Carlo of a panel: one draw per replication applied to every time, rank
intervals with Time, rank changes with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_panel import META_T, PANEL, steps
from toy_index import write_toy

import innometrics as im
from innometrics.ranking import rank_min
from innometrics.uncertainty import PanelUncertaintyResult, run_uncertainty

DESIGN = """uncertainty:
  runs: 60
  seed: 3
  weights: {noise: 0.5, levels: [1, 2]}
"""


def _recipe(tmp_path, design=DESIGN):
    text = steps("impute: {method: panel}", "normalise: {method: minmax, range: [1, 100], "
                 "across_time: true}", "aggregate: {}") + design
    return im.load_recipe(write_toy(tmp_path, META_T, PANEL, text))


def test_paired_replications_share_one_draw(tmp_path):
    recipe = _recipe(tmp_path)
    result = run_uncertainty(recipe)
    assert isinstance(result, PanelUncertaintyResult)
    assert list(result.results) == ["2020", "2021", "2022"]
    fw = recipe.framework
    for r in (0, 17):
        multipliers = result.sampled.multipliers[r]
        weights = {c: fw[c].weight * m for c, m in zip(fw.codes, multipliers, strict=True)}
        rebuilt = im.build(recipe.with_weights(weights))
        for time, mc in result.results.items():
            index = rebuilt.results[time].scores.iloc[:, -1].to_numpy()
            np.testing.assert_allclose(mc.scores[r], index, rtol=1e-12)
            np.testing.assert_array_equal(mc.ranks[r], rank_min(index[:, None])[:, 0])


def test_rank_changes_table(tmp_path):
    result = run_uncertainty(_recipe(tmp_path))
    changes = result.rank_changes()
    assert list(changes.columns) == ["Time", "uCode", "change", "change_q05", "change_median",
                                     "change_q95", "significant"]
    # EEE appears only in 2022 and so has no change; 2020 is nobody's change
    assert "EEE" not in set(changes["uCode"]) and "2020" not in set(changes["Time"])
    assert (changes["significant"] == ((changes["change_q05"] > 0)
                                       | (changes["change_q95"] < 0))).all()
    nominal = result.nominal.ranks.set_index(["Time", "uCode"])["Index"]
    for row in changes.itertuples():
        previous = str(int(row.Time) - 1)
        assert row.change == nominal[(row.Time, row.uCode)] - nominal[(previous, row.uCode)]
    # interval ends are changes that occurred in some replication
    r21, r22 = result.results["2021"], result.results["2022"]
    i, j = r22.units.index("AAA"), r21.units.index("AAA")
    occurred = set((r22.ranks[:, i] - r21.ranks[:, j]).tolist())
    row = changes[(changes["Time"] == "2022") & (changes["uCode"] == "AAA")].iloc[0]
    assert {row.change_q05, row.change_median, row.change_q95} <= occurred


def test_written_run_and_determinism(tmp_path):
    recipe = _recipe(tmp_path)
    out = run_uncertainty(recipe).write(tmp_path / "mc")
    intervals = pd.read_csv(out / "rank_intervals.csv")
    assert list(intervals.columns[:3]) == ["Time", "uCode", "nominal"]
    assert intervals.groupby("Time").size().to_dict() == {2020: 4, 2021: 4, 2022: 4}
    again = run_uncertainty(recipe).rank_changes()
    pd.testing.assert_frame_equal(pd.read_csv(out / "rank_changes.csv", dtype={"Time": str}),
                                  again)


def test_what_does_not_run_on_a_panel_says_so(tmp_path):
    from innometrics.audit import audit
    from innometrics.uncertainty import run_sensitivity

    recipe = _recipe(tmp_path)
    with pytest.raises(im.InvalidParameter, match="Sobol indices of a panel"):
        run_sensitivity(recipe)
    with pytest.raises(im.InvalidParameter, match="audit runs on one time of a panel"):
        audit(im.build(recipe))
