"""COINr 1.1.14's everyday operations around the build (issue 20), reproduced.

References in ``tests/reference/coinr-daily/`` (made by ``make_references.R`` there; see its
SOURCE.md), all on COINr's ASEM data (``tests/reference/coinr-asem/``). Unit lists must match
exactly; numbers to ``rtol=1e-12``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innometrics as im

RTOL = 1e-12
HERE = Path(__file__).parent / "reference" / "coinr-daily"
ASEM = Path(__file__).parent / "reference" / "coinr-asem"


def asem_recipe(tmp_path: Path, steps: str) -> im.Recipe:
    """COINr's ASEM data with ``steps`` (YAML lines of the ``steps:`` list)."""
    path = tmp_path / "asem.yaml"
    path.write_text(f"framework: {ASEM / 'ASEM_iMeta.csv'}\ndata: {ASEM / 'ASEM_iData.csv'}\n"
                    f"steps:\n{steps}")
    return im.load_recipe(path)


def removed(result) -> list[str]:
    table = result.screening()
    return sorted(table.index[~table["kept"]])


def expected_removed(case: str) -> list[str]:
    return sorted(pd.read_csv(HERE / case / "removed.csv")["uCode"])


def test_screen_by_zeros_counts_zeros_among_present_values(tmp_path):
    result = im.build(asem_recipe(tmp_path, "  - screen: {max_zero_share: 0.05}\n"))
    assert removed(result) == expected_removed("screen-byzeros")
    assert len(removed(result)) == 7


def test_screen_by_missing_and_zeros(tmp_path):
    result = im.build(asem_recipe(
        tmp_path, "  - screen: {min_coverage: 0.9, max_zero_share: 0.05}\n"))
    assert removed(result) == expected_removed("screen-bynaandzeros")


def test_screen_force_overrides_the_rules(tmp_path):
    force = pd.read_csv(HERE / "screen-force" / "force.csv")
    include = force.uCode[force.Include].tolist()
    exclude = force.uCode[~force.Include].tolist()
    result = im.build(asem_recipe(
        tmp_path, f"  - screen: {{max_zero_share: 0.05, force: {{include: {include}, "
                  f"exclude: {exclude}}}}}\n"))
    assert removed(result) == expected_removed("screen-force")


@pytest.mark.parametrize("force, message", [
    ("{include: [XXX]}", "not in the data: \\['XXX'\\]"),
    ("{include: [AUT], exclude: [AUT]}", "both includes and excludes"),
    ("{keep: [AUT]}", "'force' of .* must be"),
])
def test_screen_force_refuses_what_it_cannot_do(tmp_path, force, message):
    with pytest.raises(im.InvalidParameter, match=message):
        im.build(asem_recipe(tmp_path, f"  - screen: {{force: {force}}}\n"))


@pytest.mark.parametrize("complete", [False, True])
def test_cronbach_on_raw_data_with_gaps(tmp_path, complete):
    from innometrics.audit import cronbach_alpha

    result = im.build(asem_recipe(tmp_path, "  - screen: {}\n"))
    fw, raw = result.recipe.framework, result.stages["Raw"]
    ref = pd.read_csv(HERE / "cronbach-raw" / "alpha.csv").set_index("iCode")
    for pillar, row in ref.iterrows():
        members = [c for c in fw.indicators if fw[c].parent == pillar]
        alpha = cronbach_alpha(raw[members].to_numpy(), complete_cases=complete)
        np.testing.assert_allclose(alpha, row["Complete" if complete else "Pairwise"],
                                   rtol=RTOL, err_msg=pillar)
    if not complete:
        assert round(ref.loc["P2P", "Pairwise"], 4) == 0.0513


@pytest.mark.parametrize("unit", ["AUT", "CHN", "NZL", "MLT", "KHM"])
@pytest.mark.parametrize("stage", ["Raw", "Normalised"])
def test_strengths_and_weaknesses_like_coinr(tmp_path, unit, stage):
    result = im.build(asem_recipe(tmp_path, "  - normalise: {method: minmax, range: [0, 100]}\n"))
    mine = result.strengths_weaknesses(unit, stage=stage, top=5)
    for kind, name in (("strength", "strengths"), ("weakness", "weaknesses")):
        ref = pd.read_csv(HERE / "str-weak" / f"{unit}_{stage}_{name}.csv")
        got = mine[mine.Kind == kind]
        assert got.iCode.tolist() == ref.Code.tolist()
        assert got.Level_2.tolist() == ref.Level_2.tolist()
        np.testing.assert_array_equal(got.Rank.to_numpy(), ref.Rank.to_numpy(float))
        np.testing.assert_allclose(got.Value.to_numpy(), ref.Value.to_numpy(float), rtol=RTOL)


@pytest.fixture(scope="module")
def aggregated(tmp_path_factory):
    return im.build(asem_recipe(tmp_path_factory.mktemp("agg"),
                                "  - normalise: {method: minmax, range: [0, 100]}\n"
                                "  - aggregate: {method: arithmetic}\n"))


def test_results_table_like_get_results(aggregated):
    ref = pd.read_csv(HERE / "results" / "aggs.csv").set_index("uCode")
    mine = aggregated.results_table()
    assert mine.index.tolist() == ref.index.tolist()
    assert mine.uName.tolist() == ref.uName.tolist()
    np.testing.assert_array_equal(mine.Rank.to_numpy(), ref.Rank.to_numpy(float))
    codes = [c for c in ref.columns if c not in ("uName", "Rank")]
    np.testing.assert_allclose(mine[codes].to_numpy(float), ref[codes].to_numpy(float),
                               rtol=RTOL)
    np.testing.assert_array_equal(mine["Conn.Rank"], aggregated.ranks.loc[mine.index, "Conn"])


def test_results_table_levels_and_groups(aggregated):
    table = aggregated.results_table(levels=[4, 2], groups=["GDP_group"], ranks=False)
    fw = aggregated.recipe.framework
    assert table.columns.tolist() == ["uName", "GDP_group", "Rank", "Rank in GDP_group",
                                      "Index", *fw.codes_at(2)]
    ref = pd.read_csv(HERE / "results" / "groupranks_GDP_group.csv").set_index("uCode")
    np.testing.assert_array_equal(table.loc[ref.index, "Rank in GDP_group"], ref["Index"])
    with pytest.raises(im.InvalidParameter, match="levels \\[7\\]"):
        aggregated.results_table(levels=[7])
    with pytest.raises(im.InvalidParameter, match="'Income'"):
        aggregated.results_table(groups=["Income"])


def test_ranks_within_group_like_coinr(aggregated):
    ref = pd.read_csv(HERE / "results" / "groupranks_GDP_group.csv").set_index("uCode")
    mine = aggregated.ranks_within("GDP_group").loc[ref.index]
    assert mine.GDP_group.tolist() == ref.GDP_group.tolist()
    codes = ref.columns[1:]
    np.testing.assert_array_equal(mine[codes].to_numpy(float), ref[codes].to_numpy(float))


def test_unit_summary_like_coinr(aggregated):
    ref = pd.read_csv(HERE / "results" / "unit_summary_KHM.csv")
    mine = aggregated.unit_summary("KHM", levels=[4, 3, 2]).set_index("iCode").loc[ref.Code]
    np.testing.assert_allclose(mine.Score.to_numpy(), ref.Score.to_numpy(float), rtol=RTOL)
    np.testing.assert_array_equal(mine.Rank.to_numpy(), ref.Rank.to_numpy(float))
    with pytest.raises(im.InvalidParameter, match="unit 'XXX'"):
        aggregated.unit_summary("XXX")


@pytest.fixture(scope="module")
def raw_audit(tmp_path_factory):
    from innometrics.audit import audit

    result = im.build(asem_recipe(tmp_path_factory.mktemp("raw"),
                                  "  - normalise: {method: minmax, range: [0, 100]}\n"))
    return result, audit(result, stage="Raw", low=-0.2, high=0.6)


def _pairs(table: pd.DataFrame, group: str, a: str, b: str, value: str) -> dict:
    return {(row[group], frozenset((row[a], row[b]))): row[value]
            for _, row in table.iterrows()}


@pytest.mark.parametrize("kind, file", [("high", "corr_flags_high_0.6.csv"),
                                        ("low", "corr_flags_low_-0.2.csv")])
def test_correlation_flags_on_a_stage_like_coinr(raw_audit, kind, file):
    _, report = raw_audit
    ref = _pairs(pd.read_csv(HERE / "analysis-raw" / file), "Group", "Ind1", "Ind2", "Corr")
    table = report.correlation_flags
    mine = _pairs(table[table.Flag == kind], "Group", "Ind1", "Ind2", "Corr")
    assert mine.keys() == ref.keys()
    np.testing.assert_allclose([mine[k] for k in ref], list(ref.values()), rtol=RTOL)
    assert (report.flags.Check == "correlation:pair").sum() == len(table)


def test_denominator_correlations_like_coinr(raw_audit):
    _, report = raw_audit
    ref = pd.read_csv(HERE / "analysis-raw" / "denom_corr_0.6.csv")
    table = report.denominator_correlations
    mine = table[table.Flag == "high"].set_index(["iCode", "Denominator"]).Corr
    ref = ref.set_index(["Ind", "Denom"]).Corr
    assert sorted(mine.index) == sorted(ref.index)
    np.testing.assert_allclose(mine.loc[ref.index], ref, rtol=RTOL)


def test_data_availability_like_coinr(raw_audit):
    _, report = raw_audit
    mine = report.data_availability
    summary = pd.read_csv(HERE / "analysis-raw" / "data_avail_summary.csv").set_index("uCode")
    groups = pd.read_csv(HERE / "analysis-raw" / "data_avail_bygroup.csv").set_index("uCode")
    for ref in (summary, groups):
        np.testing.assert_allclose(mine.loc[ref.index, ref.columns].to_numpy(float),
                                   ref.to_numpy(float), rtol=RTOL)


def test_correlations_on_a_stage_carry_coinr_pvalues(raw_audit):
    from innometrics.audit import audit

    result, _ = raw_audit
    report = audit(result, stage="Raw", node="P2P")
    ref = _pairs(pd.read_csv(HERE / "analysis-raw" / "pvals_P2P.csv").assign(G="P2P"),
                 "G", "Var1", "Var2", "P")
    within = report.correlations[report.correlations.Kind == "within"]
    mine = _pairs(within, "Group", "Var1", "Var2", "P")
    assert set(mine) == {k for k in ref if len(k[1]) == 2}
    np.testing.assert_allclose([mine[k] for k in mine], [ref[k] for k in mine], rtol=RTOL)
    assert report.cronbach.iCode.tolist() == ["P2P"]
    assert round(report.cronbach.Alpha.item(), 4) == 0.0513
    assert set(report.stats) == {"Raw"}
    assert set(report.stats["Raw"].iCode) == set(within.Var1) | set(within.Var2)
    assert report.pca.iCode.tolist() == ["P2P"]
    assert report.importance.empty
