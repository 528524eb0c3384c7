"""Element removal (COINr's ``remove_elements``): COINr 1.1.14 references on ASEM (levels 1-3)
and on random data with ties, gaps and negative values (arithmetic and geometric means); the
batch equals one rebuild per node; the audit and the CLI write ``removal.csv``.

Tolerance: 1e-9 relative (``rtol=1e-9``, ``atol=1e-12`` so that zeros compare); ranks identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ASEM_MAIN_STEPS, REFERENCE, write_asem_recipe

import innometrics as im
from innometrics.audit import audit, remove_elements
from innometrics.audit.removal import REMOVAL_COLUMNS, removal_scores
from innometrics.errors import InvalidParameter
from innometrics.ranking import rank_min

RTOL, ATOL = 1e-9, 1e-12
REF = REFERENCE / "coinr-breadth" / "asem-remove-elements"
RANDOM_BUILDS = {"amean": ("arithmetic", 0), "gmean": ("geometric", 1)}


@pytest.fixture(scope="module")
def asem_result(tmp_path_factory):
    path = write_asem_recipe(tmp_path_factory.mktemp("asem"), ASEM_MAIN_STEPS)
    return im.load_recipe(path).run()


def _random_result(build: str, folder: Path) -> im.IndexResult:
    method, low = RANDOM_BUILDS[build]
    recipe = folder / f"{build}.yaml"
    recipe.write_text(f"framework: {REF / 'random' / 'iMeta.csv'}\n"
                      f"data: {REF / 'random' / 'iData.csv'}\nsteps:\n"
                      f"  - normalise: {{method: minmax, range: [{low}, 100]}}\n"
                      f"  - aggregate: {{method: {method}}}\n")
    return im.load_recipe(recipe).run()


@pytest.fixture(scope="module", params=sorted(RANDOM_BUILDS))
def random_build(request, tmp_path_factory):
    return request.param, _random_result(request.param, tmp_path_factory.mktemp("random"))


def _all_scores(result) -> pd.DataFrame:
    """The kernel's batch as a frame: ``Nominal``, then one column per node removed."""
    fw = result.recipe.framework
    matrices = [fw.weight_matrix(level) for level in range(2, fw.n_levels + 1)]
    method = result.recipe.settings("aggregate")["method"]
    scores = removal_scores(result.scores[fw.indicators].to_numpy(), matrices, method=method)
    codes = [c for level in range(1, fw.n_levels) for c in fw.codes_at(level)]
    return pd.DataFrame(scores, index=result.scores.index, columns=["Nominal", *codes])


def _compare_mean_abs_diff(result, level: int, ref_file: Path) -> None:
    ref = pd.read_csv(ref_file).set_index("iCode").drop(index="Nominal")["MeanAbsDiff"]
    mine = remove_elements(result, level=level).set_index("iCode")["mean_abs_rank_change"]
    assert sorted(mine.index) == sorted(ref.index)
    np.testing.assert_allclose(mine[ref.index], ref, rtol=RTOL, atol=ATOL)


def _compare_scores(result, ref_file: Path) -> None:
    ref = pd.read_csv(ref_file).set_index("uCode")
    mine = _all_scores(result).loc[ref.index, ref.columns]
    np.testing.assert_allclose(mine, ref, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(rank_min(mine.to_numpy()), rank_min(ref.to_numpy()))


# --- COINr references ---------------------------------------------------------------------------
@pytest.mark.parametrize("level, suffix", [(1, "_L1"), (2, ""), (3, "_L3")])
def test_asem_matches_coinr(asem_result, level, suffix):
    _compare_mean_abs_diff(asem_result, level, REF / f"mean_abs_diff{suffix}.csv")
    _compare_scores(asem_result, REF / f"scores{suffix}.csv")


def test_asem_level2_ranks_match_coinr(asem_result):
    ref = pd.read_csv(REF / "ranks.csv").set_index("uCode")
    mine = _all_scores(asem_result).loc[ref.index, ref.columns]
    np.testing.assert_array_equal(rank_min(mine.to_numpy()), ref.to_numpy(float))


@pytest.mark.parametrize("level", [1, 2, 3])
def test_random_data_matches_coinr(random_build, level):
    build, result = random_build
    _compare_mean_abs_diff(result, level, REF / "random" / f"{build}_mean_abs_diff_L{level}.csv")


def test_random_data_scores_match_coinr(random_build):
    build, result = random_build
    _compare_scores(result, REF / "random" / f"{build}_scores_L1.csv")


# --- the batch is one rebuild per node ----------------------------------------------------------
def test_batch_equals_rebuild_with_weight_zero(random_build):
    """Each column equals a rebuild with that node's weight set to 0, where the framework
    allows it (a node with siblings); the nominal column is the index as built."""
    _, result = random_build
    scores = _all_scores(result)
    np.testing.assert_allclose(scores["Nominal"], result.scores["Index"], rtol=1e-12)
    fw = result.recipe.framework
    for code in scores.columns[1:]:
        siblings = [n for n in fw.nodes if n.parent == fw[code].parent]
        if len(siblings) > 1:
            rebuilt = result.with_weights({code: 0.0}).scores["Index"]
            np.testing.assert_allclose(scores[code], rebuilt, rtol=1e-12, err_msg=code)


def test_parent_losing_its_only_child_drops_out(random_build):
    """``i9`` is ``P4``'s only indicator: without it ``P4`` has no score, which is removing
    ``P4``; a unit with no other score in ``S2`` then has ``S1`` alone."""
    _, result = random_build
    scores = _all_scores(result)
    np.testing.assert_array_equal(scores["i9"], scores["P4"])
    assert np.isnan(scores["S1"]["U23"]) and scores["S1"].notna().sum() == 39


def test_zero_weight_node_changes_nothing(random_build):
    _, result = random_build
    zero = result.with_weights({"i1": 0.0})
    table = remove_elements(zero, level=1).set_index("iCode")
    assert table.loc["i1", "mean_abs_rank_change"] == 0.0


# --- the table ----------------------------------------------------------------------------------
def test_table_rows_and_levels(asem_result):
    table = remove_elements(asem_result)
    fw = asem_result.recipe.framework
    assert list(table.columns) == REMOVAL_COLUMNS
    assert list(table["iCode"]) == [c for lev in (1, 2, 3) for c in fw.codes_at(lev)]
    assert table["level"].tolist() == [fw[c].level for c in table["iCode"]]
    for level in (1, 2, 3):
        pd.testing.assert_frame_equal(
            remove_elements(asem_result, level=level),
            table[table["level"] == level].reset_index(drop=True))


@pytest.mark.parametrize("level", [0, 4, 2.0, "1", True])
def test_bad_level_is_refused(asem_result, level):
    with pytest.raises(InvalidParameter, match="'level' of remove_elements must be an integer "
                                               r"in \[1, 3\]"):
        remove_elements(asem_result, level=level)


def test_no_aggregate_step_is_refused(asem_result):
    recipe = asem_result.recipe
    without = im.Recipe(recipe.framework, recipe.data,
                        tuple(s for s in recipe.steps if s[0] != "aggregate"))
    with pytest.raises(ValueError, match="Fix: add an 'aggregate' step"):
        remove_elements(without.run())


# --- the audit writes it ------------------------------------------------------------------------
def test_audit_has_removal_table(asem_result):
    report = audit(asem_result)
    pd.testing.assert_frame_equal(report.removal, remove_elements(asem_result))
    assert report.tables()["removal.csv"] is report.removal


def test_cli_audit_writes_removal_csv(asem_result, tmp_path):
    from typer.testing import CliRunner

    from innometrics.cli import app

    recipe = write_asem_recipe(tmp_path, ASEM_MAIN_STEPS)
    out = tmp_path / "audit"
    run = CliRunner().invoke(app, ["audit", str(recipe), "--out", str(out)])
    assert run.exit_code == 0, run.output
    written = pd.read_csv(out / "removal.csv")
    assert list(written.columns) == REMOVAL_COLUMNS
    np.testing.assert_allclose(written["mean_abs_rank_change"],
                               remove_elements(asem_result)["mean_abs_rank_change"], rtol=1e-15)
