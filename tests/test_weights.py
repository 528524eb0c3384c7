"""``weights optimise``: COINr's objective for optimised weights, reached far better than COINr's
own ``get_opt_weights`` on the shared ASEM case; what the run holds; refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from toy_index import write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app
from innometrics.errors import InvalidParameter
from innometrics.weights import correlations_with_index, optimise_weights

HERE = Path(__file__).parent / "reference" / "coinr-breadth"
runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")


@pytest.fixture
def asem_main(tmp_path) -> Path:
    recipe = tmp_path / "asem.yaml"
    recipe.write_text(f"framework: {HERE / 'asem' / 'ASEM_iMeta.csv'}\n"
                      f"data: {HERE / 'asem' / 'ASEM_iData.csv'}\nsteps:\n"
                      "  - denominate: {}\n  - impute: {method: mean}\n  - treat: {}\n"
                      "  - normalise: {method: minmax, range: [0, 100]}\n"
                      "  - aggregate: {method: arithmetic}\n")
    return recipe


def test_five_times_closer_than_coinr_on_asem(asem_main, tmp_path):
    coinr = pd.read_csv(HERE / "asem-opt-weights-balance" / "corr_results.csv")
    coinr_objective = np.mean((coinr["Desired"] - coinr["Obtained"]) ** 2)
    result = runner.invoke(app, ["weights", "optimise", str(asem_main), "--level", "2",
                                 "--target", "equal", "--out", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    run = im.open_run(tmp_path / "w")
    objective = run.manifest["details"]["objective"]
    assert objective * 5 <= coinr_objective
    fit = run.table("fit")
    assert list(fit.columns) == ["node", "target_share", "obtained_share", "correlation",
                                 "weight"]
    assert np.mean((fit["target_share"] - fit["obtained_share"]) ** 2) == pytest.approx(objective)
    # the written recipe carries the weights, and rebuilding it gives the shares reported
    rebuilt = run.rebuild().scores
    r = correlations_with_index(rebuilt[fit["node"]].to_numpy(), rebuilt["Index"].to_numpy())
    np.testing.assert_allclose(r / r.sum(), fit["obtained_share"], rtol=1e-9)
    weights = run.table("weights").set_index("iCode")["weight"]
    np.testing.assert_allclose(weights[fit["node"]], fit["weight"], rtol=1e-12)
    assert weights[fit["node"]].sum() == pytest.approx(1.0)


def test_given_target_and_infomax_improve_on_the_start(asem_main):
    recipe = im.load_recipe(asem_main)
    given = optimise_weights(recipe, 2, [1, 1, 1, 1, 2, 2, 2, 2])
    assert given.target_shares.tolist() == [1 / 12] * 4 + [1 / 6] * 4
    assert given.objective < given.start_objective
    infomax = optimise_weights(recipe, 2, "infomax")
    assert infomax.target_shares is None and np.isnan(infomax.fit_table()["target_share"]).all()
    assert infomax.objective == pytest.approx(-infomax.correlations.sum())
    assert infomax.objective <= infomax.start_objective


def test_bad_level_or_target_is_refused(tmp_path):
    recipe = write_toy(tmp_path)
    for args, message in ((["--level", "3", "--target", "equal"], "--level must be"),
                          (["--level", "1", "--target", "1,2"], "--target must be"),
                          (["--level", "2", "--target", "1,-1"], "--target must be")):
        result = runner.invoke(app, ["weights", "optimise", str(recipe), *args, "--out",
                                     str(tmp_path / "w")])
        assert result.exit_code == 2 and message in result.output, result.output
        assert not (tmp_path / "w").exists()
    loaded = im.load_recipe(recipe).without_step("aggregate")
    with pytest.raises(InvalidParameter, match="aggregate step"):
        optimise_weights(loaded, 1)
