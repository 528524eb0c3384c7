"""Issue 20's operations against COINr 1.1.14 on data that is not ASEM.

Two synthetic coins in ``tests/reference/coinr-sweep/`` (``four``: 40 units, 12 indicators,
4 levels, uneven weights, two group columns (one unit without a Region), two denominators,
~10% gaps, zeros, ties, negative values, a direction -1, pillar codes whose file order and
case differ from COINr's sorted order; ``two``: 25 units, 10 indicators, 3 levels, a unit with
8 of 10 values missing). ``make_references.R`` there made the inputs and every reference (see
SOURCE.md). Unit and code lists must match exactly (order too where COINr's order is the
contract: results tables, unit summaries, strengths and weaknesses); numbers to ``rtol=1e-9``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import innometrics as im
from innometrics.audit import audit, cronbach_alpha
from innometrics.audit.correlations import correlation_flags
from innometrics.audit.spearman import spearman_pvalue
from innometrics.cli import app

RTOL = 1e-9
HERE = Path(__file__).parent / "reference" / "coinr-sweep"
COINS = ["four", "two"]
BUILD = ("  - normalise: {method: minmax, range: [0, 100]}\n"
         "  - aggregate: {method: arithmetic}\n")


def recipe_file(tmp: Path, coin: str, steps: str) -> Path:
    path = tmp / f"{coin}.yaml"
    path.write_text(f"framework: {HERE / coin / 'iMeta.csv'}\ndata: {HERE / coin / 'iData.csv'}\n"
                    f"steps:\n{steps}")
    return path


def build(tmp: Path, coin: str, steps: str = BUILD) -> im.IndexResult:
    return im.build(im.load_recipe(recipe_file(tmp, coin, steps)))


def ref(coin: str, file: str, **kw) -> pd.DataFrame:
    return pd.read_csv(HERE / coin / file, **kw)


def lines(coin: str, file: str) -> list[str]:
    return (HERE / coin / file).read_text().split()


@pytest.fixture(scope="module", params=COINS)
def built(request, tmp_path_factory):
    return request.param, build(tmp_path_factory.mktemp(request.param), request.param)


# ------------------------------------------------------------------------------------ screening
def _screen_settings(row: pd.Series) -> str:
    parts = []
    if row.unit_screen in ("byNA", "byNAandzeros"):
        parts.append(f"min_coverage: {row.dat_thresh!r}")
    if row.unit_screen in ("byzeros", "byNAandzeros"):
        # COINr's nonzero_thresh t is innometrics' max_zero_share 1 - t, as a user types it
        parts.append(f"max_zero_share: {round(1 - row.nonzero_thresh, 12)!r}")
    return ", ".join(parts)


def removed(result) -> list[str]:
    table = result.screening()
    return sorted(table.index[~table["kept"]])


@pytest.mark.parametrize("coin", COINS)
def test_screen_like_coinr(tmp_path, coin):
    for _, row in ref(coin, "screen/removed.csv", keep_default_na=False,
                      na_values={"dat_thresh": "", "nonzero_thresh": ""}).iterrows():
        result = build(tmp_path, coin, f"  - screen: {{{_screen_settings(row)}}}\n")
        expected = sorted(row.removed.split(";")) if row.removed else []
        assert removed(result) == expected, dict(row)


@pytest.mark.parametrize("coin", COINS)
def test_screen_coverage_like_get_data_avail(tmp_path, coin):
    summary = ref(coin, "screen/summary.csv").set_index("uCode")
    table = build(tmp_path, coin, "  - screen: {min_coverage: 0.75, max_zero_share: 0.2}\n"
                  ).screening()
    np.testing.assert_array_equal(table.loc[summary.index, "coverage"], summary.Dat_Avail)
    assert table.loc[summary.index, "kept"].tolist() == summary.Included.tolist()


@pytest.mark.parametrize("coin", COINS)
def test_screen_force_like_coinr(tmp_path, coin):
    force = ref(coin, "screen/force.csv")
    include, exclude = force.uCode[force.Include].tolist(), force.uCode[~force.Include].tolist()
    result = build(tmp_path, coin, f"  - screen: {{min_coverage: 0.75, max_zero_share: 0.2, "
                                   f"force: {{include: {include}, exclude: {exclude}}}}}\n")
    assert removed(result) == ref(coin, "screen/force_removed.csv").uCode.tolist()


@pytest.mark.parametrize("coin", COINS)
def test_screen_then_build_like_coinr(tmp_path, coin):
    expected = ref(coin, "screen/then_built_aggs.csv").set_index("uCode")
    result = build(tmp_path, coin, "  - screen: {min_coverage: 0.75, max_zero_share: 0.2}\n"
                   + BUILD)
    table = result.results_table(ranks=False)
    assert table.index.tolist() == expected.index.tolist()
    np.testing.assert_array_equal(table.Rank, expected.Rank)
    codes = expected.columns[1:].tolist()
    assert [c for c in table.columns if c in codes] == codes
    np.testing.assert_allclose(table[codes], expected[codes], rtol=RTOL)


# ------------------------------------------------------------------------------------- the build
def test_build_and_treat_control(built, tmp_path):
    coin, result = built
    for stage in ("Normalised", "Aggregated"):
        expected = ref(coin, f"build/{stage}.csv").set_index("uCode")
        np.testing.assert_allclose(result.stages[stage].loc[expected.index, expected.columns],
                                   expected, rtol=RTOL, err_msg=stage)
    treated = build(tmp_path, coin, "  - treat: {}\n" + BUILD)
    for stage in ("Treated", "Aggregated"):
        expected = ref(coin, f"control/{stage}.csv").set_index("uCode")
        np.testing.assert_allclose(treated.stages[stage].loc[expected.index, expected.columns],
                                   expected, rtol=RTOL, err_msg=stage)


# -------------------------------------------------------------------------------------- Cronbach
def test_cronbach_any_node_level_and_stage(built):
    coin, result = built
    for _, row in ref(coin, "cronbach.csv").iterrows():
        x = result.select(stage=row.dset, under=row.iCode, level=row.Level).to_numpy(float)
        for column, complete in (("Pairwise", False), ("Complete", True)):
            np.testing.assert_allclose(cronbach_alpha(x, complete_cases=complete), row[column],
                                       rtol=RTOL, err_msg=f"{dict(row)} {column}")


@pytest.mark.parametrize("stage", ["Raw", "Normalised", None])
def test_cronbach_of_an_audited_stage(built, stage):
    coin, result = built
    fw = result.recipe.framework
    expected = ref(coin, "cronbach.csv")
    expected = expected[expected.dset == (stage or "Aggregated")]
    # the audit's groups: each aggregate over its children (COINr: iCodes = a, Level = level − 1)
    expected = expected[[fw[c].level == lv + 1 for c, lv in zip(expected.iCode, expected.Level,
                                                                 strict=True)]]
    expected = expected.set_index("iCode")
    for complete in (False, True):
        table = audit(result, stage=stage, complete_cases=complete).cronbach.set_index("iCode")
        assert sorted(table.index) == sorted(expected.index)
        np.testing.assert_allclose(table.loc[expected.index, "Alpha"],
                                   expected["Complete" if complete else "Pairwise"], rtol=RTOL)


# ---------------------------------------------------------------------------------- correlations
def _pairs(table: pd.DataFrame, a: str, b: str, value: str, group: str | None = None) -> dict:
    return {((row[group],) if group else ()) + (frozenset((row[a], row[b])),): row[value]
            for _, row in table.iterrows() if row[a] != row[b]}


def _same(mine: dict, expected: dict) -> None:
    assert mine.keys() == expected.keys()
    keys = list(expected)
    np.testing.assert_allclose([mine[k] for k in keys], [expected[k] for k in keys], rtol=RTOL,
                               atol=1e-15)


@pytest.mark.parametrize("stage", ["Raw", "Normalised"])
def test_correlations_within_pillars_like_get_corr(built, stage):
    coin, result = built
    within = audit(result, stage=stage).correlations.query("Kind == 'within'")
    for method, column in (("pearson", "Pearson"), ("spearman", "Spearman")):
        expected = ref(coin, f"corr/within_{stage}_{method}.csv")
        _same(_pairs(within, "Var1", "Var2", column), _pairs(expected, "Var1", "Var2",
                                                             "Correlation"))


def test_correlations_with_parents_like_get_corr(built):
    coin, result = built
    parent = audit(result).correlations.query("Kind == 'parent'")
    for method, column in (("pearson", "Pearson"), ("spearman", "Spearman")):
        for level in range(1, result.recipe.framework.n_levels):
            expected = ref(coin, f"corr/parent_Aggregated_{method}_{level}.csv")
            mine = parent[parent.Level == level]
            _same(_pairs(mine, "Var1", "Var2", column), _pairs(expected, "Var1", "Var2",
                                                               "Correlation"))


def test_pvalues_like_get_pvals(built):
    coin, result = built
    within = audit(result, stage="Raw").correlations.query("Kind == 'within'")
    for pillar in result.recipe.framework.codes_at(2):
        for method, column in (("pearson", "P"), ("spearman", "P.Spearman")):
            expected = _pairs(ref(coin, f"pvals/{pillar}_{method}.csv"), "Var1", "Var2", "P")
            mine = _pairs(within[within.Group == pillar], "Var1", "Var2", column)
            _same(mine, expected)
    # get_corr's default pval = 0.05 blanks the pairs whose p-value is above it
    blanked = ref(coin, "corr/within_Raw_pval0.05.csv")
    blanked = {k for k, v in _pairs(blanked, "Var1", "Var2", "Correlation").items()
               if np.isnan(v)}
    assert blanked == {k for k, p in _pairs(within, "Var1", "Var2", "P").items()
                       if not p <= 0.05}


def test_spearman_pvalue_like_cor_test():
    cases = pd.read_csv(HERE / "spearman_pvalues.csv")
    mine = [spearman_pvalue(np.array(x.split(";"), float), np.array(y.split(";"), float))
            for x, y in zip(cases.x, cases.y, strict=True)]
    # atol: a perfect rank correlation with ties has p ~ 1e-60, set by the last bits of rho
    np.testing.assert_allclose(mine, cases.P, rtol=RTOL, atol=1e-15)
    assert {n <= 9 for n in cases.n} == {True, False}


def _flag_files(coin: str):
    for path in sorted((HERE / coin / "corr_flags").glob("*.csv")):
        stage, kind, threshold, level = path.stem.split("_")
        yield path, stage, kind, float(threshold), int(level[3:])


def test_correlation_flags_like_get_corr_flags(built):
    coin, result = built
    fw = result.recipe.framework
    for path, stage, kind, threshold, level in _flag_files(coin):
        expected = _pairs(pd.read_csv(path), "Ind1", "Ind2", "Corr", "Group")
        table = correlation_flags(result.stages[stage], fw, level=level, **{kind: threshold})
        _same(_pairs(table, "Ind1", "Ind2", "Corr", "Group"), expected)
        flags = audit(result, stage=stage, group_level=level,
                      **{kind: threshold}).correlation_flags
        _same(_pairs(flags[flags.Flag == kind], "Ind1", "Ind2", "Corr", "Group"), expected)


@pytest.mark.parametrize("level", [1, 5, 2.5])
def test_audit_refuses_a_group_level_outside_the_framework(built, level):
    _, result = built
    with pytest.raises(im.InvalidParameter, match="'group_level' of audit must be a level"):
        audit(result, stage="Raw", group_level=level)


@pytest.mark.parametrize("threshold", [0.6, 0.3, 0])
def test_denominator_correlations_like_get_denom_corr(built, threshold):
    coin, result = built
    expected = ref(coin, f"denom_corr_{threshold}.csv")
    table = audit(result, stage="Raw", denominator_threshold=threshold).denominator_correlations
    _same(_pairs(table[table.Flag == "high"], "iCode", "Denominator", "Corr"),
          _pairs(expected, "Ind", "Denom", "Corr"))


def test_data_availability_like_get_data_avail(built):
    coin, result = built
    mine = audit(result, stage="Raw").data_availability
    for file in ("avail/summary.csv", "avail/bygroup.csv"):
        expected = ref(coin, file).set_index("uCode")
        assert sorted(mine.index) == sorted(expected.index)
        assert [c for c in mine.columns if c in expected.columns] == expected.columns.tolist()
        np.testing.assert_array_equal(mine.loc[expected.index, expected.columns].to_numpy(float),
                                      expected.to_numpy(float), err_msg=file)


def test_pca_like_get_pca(built):
    coin, result = built
    expected = ref(coin, "pca.csv")
    for stage, rows in expected.groupby("dset"):
        report = audit(result, stage=stage)
        table = report.pca.set_index("iCode")
        for group, part in rows.groupby("Group"):
            assert table.loc[group, "N.Units"] == part.N.iloc[0]
            np.testing.assert_allclose(table.loc[group, "PC1.Share"], part["PC1.Share"].iloc[0],
                                       rtol=RTOL)
            loadings = report.pca_loadings.query("Group == @group and PC == 1").set_index("iCode")
            np.testing.assert_allclose(loadings.loc[part.iCode, "Loading"].abs(),
                                       part.AbsLoading1, rtol=RTOL)


# --------------------------------------------------------------------------------------- results
_LEVELS = {"Summ": "top", "Aggs": None, "Full": "all"}


def _levels(result, tab_type: str) -> list[int] | None:
    n = result.recipe.framework.n_levels
    return {"top": [n], "all": list(range(n, 0, -1)), None: None}[_LEVELS[tab_type]]


@pytest.mark.parametrize("tab_type", ["Summ", "Aggs", "Full"])
def test_results_table_like_get_results(built, tab_type):
    coin, result = built
    expected = ref(coin, f"results/{tab_type}.csv").set_index("uCode")
    table = result.results_table(levels=_levels(result, tab_type))
    assert table.index.tolist() == expected.index.tolist()
    assert table.uName.tolist() == expected.uName.tolist()
    np.testing.assert_array_equal(table.Rank, expected.Rank)
    codes = [c for c in expected.columns if c not in ("uName", "Rank")]
    assert [c for c in table.columns if c in codes] == codes  # COINr's column order
    np.testing.assert_allclose(table[codes].to_numpy(float), expected[codes].to_numpy(float),
                               rtol=RTOL)
    ranks = ref(coin, f"results/{tab_type}_ranks.csv").set_index("uCode")
    mine = table[[f"{c}.Rank" if f"{c}.Rank" in table else "Rank" for c in ranks.columns]]
    np.testing.assert_array_equal(mine.to_numpy(float), ranks.to_numpy(float))


def test_ranks_within_groups_like_get_results_groupranks(built):
    coin, result = built
    for group in result.recipe.data.groups.columns:
        expected = ref(coin, f"results/groupranks_{group}.csv").set_index("uCode")
        mine = result.ranks_within(group).loc[expected.index]
        assert mine[group].fillna("").tolist() == expected[group].fillna("").tolist()
        codes = expected.columns[1:]
        np.testing.assert_array_equal(mine[codes].to_numpy(float), expected[codes].to_numpy(float))
        table = result.results_table(groups=[group])
        np.testing.assert_array_equal(table.loc[expected.index, f"Rank in {group}"],
                                      expected[result.recipe.framework.codes[-1]])


def test_unit_summary_like_get_unit_summary(built):
    coin, result = built
    n = result.recipe.framework.n_levels
    for unit in lines(coin, "unit_summary/units.txt"):
        expected = ref(coin, f"unit_summary/{unit}.csv")
        mine = result.unit_summary(unit, levels=list(range(n, 0, -1)))
        assert mine.iCode.tolist() == expected.Code.tolist(), unit
        np.testing.assert_allclose(mine.Score, expected.Score, rtol=RTOL)
        np.testing.assert_array_equal(mine.Rank, expected.Rank)


@pytest.mark.parametrize("stage", ["Raw", "Normalised"])
@pytest.mark.parametrize("top", [3, 5])
def test_strengths_and_weaknesses_like_get_str_weak(built, stage, top):
    coin, result = built
    for unit in lines(coin, "unit_summary/units.txt"):
        mine = result.strengths_weaknesses(unit, stage=stage, top=top)
        for kind, name in (("strength", "strengths"), ("weakness", "weaknesses")):
            expected = ref(coin, f"str_weak/{unit}_{stage}_{top}_{name}.csv")
            got = mine[mine.Kind == kind]
            where = f"{unit} {stage} top {top} {name}"
            assert got.iCode.tolist() == expected.Code.tolist(), where
            assert got.Level_2.tolist() == expected.Level_2.tolist(), where
            np.testing.assert_array_equal(got.Rank, expected.Rank, err_msg=where)
            np.testing.assert_allclose(got.Value, expected.Value, rtol=RTOL, err_msg=where)


# ------------------------------------------------------------------------------ changing the index
def test_select_like_get_data(built):
    coin, result = built
    pillar, top, group, value, other = lines(coin, "get_data/args.txt")
    cases = [("raw_under_pillar", dict(stage="Raw", under=pillar, level=1)),
             ("agg_under_top_level1", dict(stage="Aggregated", under=top, level=1)),
             ("agg_level2", dict(stage="Aggregated", level=2)),
             ("normalised_group", dict(stage="Normalised", under=other, level=1,
                                       group={group: value}))]
    for file, kwargs in cases:
        expected = ref(coin, f"get_data/{file}.csv").set_index("uCode")
        codes = [c for c in expected.columns if c in result.recipe.framework]
        mine = result.select(**kwargs)
        assert sorted(mine.index) == sorted(expected.index), file
        assert sorted(mine.columns) == sorted(codes), file
        np.testing.assert_allclose(mine.loc[expected.index, codes], expected[codes], rtol=RTOL)


def test_select_units_and_their_peers_like_get_data(built):
    """get_data(coin, "Raw", uCodes = units, use_group = "column"): the units sharing a group
    with the chosen ones (a unit without a group shares it with those without one); uCodes
    alone: those units (references made by make_peers.R)."""
    coin, result = built
    for row in ref(coin, "peers/peers.csv").itertuples():
        mine = result.select(stage="Raw", units=row.units.split(), group=row.group)
        assert sorted(mine.index) == row.peers.split(), (row.group, row.units)
    first = ref(coin, "peers/peers.csv").units[0].split()
    assert sorted(result.select(stage="Raw", units=first).index) == lines(
        coin, "peers/units_only.txt")


def test_without_like_change_ind(built):
    coin, result = built
    (dropped,) = lines(coin, "change_ind/dropped.txt")
    for file, mine in (("dropped", result.without([dropped])), ("added_back", result)):
        expected = ref(coin, f"change_ind/{file}.csv").set_index("uCode")
        assert dropped not in mine.scores.columns or file == "added_back"
        assert sorted(mine.scores.columns) == sorted(expected.columns), file
        np.testing.assert_allclose(mine.scores.loc[expected.index, expected.columns], expected,
                                   rtol=RTOL, err_msg=file)


# ---------------------------------------------------------------------------------- command line
runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep-cli")
    recipe = recipe_file(tmp, "four", BUILD)
    run = runner.invoke(app, ["build", str(recipe), "--out", str(tmp / "run")])
    assert run.exit_code == 0, run.output
    return recipe, tmp / "run"


def test_cli_results_like_get_results(run_dir, tmp_path):
    _, run = run_dir
    out = tmp_path / "full.csv"
    done = runner.invoke(app, ["results", str(run), "--levels", "4,3,2,1", "--group", "Region",
                               "--out", str(out)])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out).set_index("uCode")
    expected = ref("four", "results/Full.csv").set_index("uCode")
    assert table.index.tolist() == expected.index.tolist()
    codes = [c for c in expected.columns if c not in ("uName", "Rank")]
    np.testing.assert_allclose(table[codes], expected[codes], rtol=RTOL)
    groups = ref("four", "results/groupranks_Region.csv").set_index("uCode")
    np.testing.assert_array_equal(table.loc[groups.index, "Rank in Region"], groups.Index)


def test_cli_profile_lists_coinr_strengths(run_dir):
    _, run = run_dir
    unit = lines("four", "unit_summary/units.txt")[0]
    done = runner.invoke(app, ["profile", str(run), unit, "--stage", "Normalised", "--top", "3"])
    assert done.exit_code == 0, done.output
    text = done.output.split("Strengths on Normalised:")[1]
    strengths, weaknesses = text.split("Weaknesses on Normalised:")
    for part, name in ((strengths, "strengths"), (weaknesses, "weaknesses")):
        codes = [line.split()[0] for line in part.strip().splitlines()[1:]]
        assert codes == ref("four", f"str_weak/{unit}_Normalised_3_{name}.csv").Code.tolist()


@pytest.mark.parametrize("kind, threshold", [("low", 0.1), ("high", 0.3)])
def test_cli_audit_stage_flags_like_get_corr_flags(run_dir, tmp_path, kind, threshold):
    recipe, _ = run_dir
    out = tmp_path / "audit"
    done = runner.invoke(app, ["audit", str(recipe), "--stage", "Normalised", "--node",
                               "Outputs", f"--{kind}", str(threshold), "--out", str(out),
                               "--no-store"])
    assert done.exit_code == 0, done.output
    flags = pd.read_csv(out / "correlation_flags.csv")
    expected = ref("four", f"corr_flags/Normalised_{kind}_{threshold:g}_lev2.csv")
    expected = expected[expected.Group.isin(["Tech", "eco"])]
    _same(_pairs(flags[flags.Flag == kind], "Ind1", "Ind2", "Corr", "Group"),
          _pairs(expected, "Ind1", "Ind2", "Corr", "Group"))
