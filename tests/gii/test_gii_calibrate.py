"""Rules inferred from VALUE_SCREEN vs SCORE, WIPO's documented rule, weights and DMC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gii.gii_fixtures import EXPECTED_RULES, WEIGHTS, workbook_2023, write_workbook

from innometrics.gii import (
    aggregate_scores,
    calibrated_rules,
    dmc_flags,
    documented_indicator_rule,
    documented_rules,
    infer_dmc_rule,
    infer_indicator_rule,
    infer_weights,
    read_workbook,
    reproduction,
    rule_differences,
    score_indicators,
    weights_of,
)
from innometrics.steps.treat import winsorise_points


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return read_workbook(write_workbook(tmp_path_factory.mktemp("gii") / "toy.xlsx"))


def test_synthetic_rules_are_recovered(toy):
    rules = calibrated_rules(toy).set_index("iCode")
    for code, expected in EXPECTED_RULES.items():
        for key, value in expected.items():
            assert rules.loc[code, key] == value, (code, key)
    assert (rules["n_reproduced"] == rules["n_present"]).all()
    assert (rules["max_abs_error"] < 1e-9).all()
    assert rules.loc["IN.1.1.3", "normalisation"] == "goalposts"
    assert "fixed bounds [1, 7]" in rules.loc["IN.1.1.3", "evidence"]
    assert (rules.drop(index="IN.1.1.3")["normalisation"] == "minmax").all()
    assert rules.loc["IN.1.2.3", "evidence"].startswith("2 smallest set to the 3rd smallest")


def test_synthetic_weights_and_tree_reproduce(toy):
    weights = infer_weights(toy)
    w = weights_of(weights)
    assert w["IN.1.2.2"] == 0.5
    assert all(v == 1.0 for k, v in w.items() if k not in WEIGHTS)
    assert (weights["max_abs_error"] < 1e-9).all()
    ours = aggregate_scores(score_indicators(toy.wide("VALUE_SCREEN", toy.indicators),
                                             calibrated_rules(toy)), toy.structure, w)
    np.testing.assert_allclose(ours.to_numpy(), toy.wide("SCORE").to_numpy(), atol=1e-9)


def test_inference_of_ties_and_goalposts_with_clipping():
    values = np.array([0.5, 1.0, 3.0, 5.0, 7.0, 9.0])
    scores = np.clip(100 * (values - 1) / 7, 0, 100)  # bounds [1, 8], 0.5 clipped to 0
    rule = infer_indicator_rule(values, scores)
    assert (rule.normalisation, rule.bound_low, rule.bound_high) == ("goalposts", 1.0, 8.0)
    assert rule.truncate is True and rule.n_reproduced == 6
    tied = np.array([1.0, 2.0, 3.0, 10.0, 10.0])  # two points tied at the top move together
    rule = infer_indicator_rule(tied, 100 * (np.minimum(tied, 3) - 1) / 2)
    assert (rule.treatment, rule.points_high) == ("winsorised", 2)


def test_documented_rule_picks_the_skewed_tail_and_counts_ties():
    rng = np.random.default_rng(1)
    left = np.r_[rng.uniform(80, 100, 40), 5.0, 10.0]  # negative skew: bottom tail
    rule = documented_indicator_rule(left, direction=1)
    assert (rule.treatment, rule.points_high, rule.points_low) == ("winsorised", 0, 2)
    tied = np.r_[rng.uniform(0, 10, 40), 200.0, 200.0]
    rule = documented_indicator_rule(tied, direction=1)
    assert (rule.treatment, rule.points_high) == ("winsorised", 2)
    heavy = np.r_[rng.uniform(0, 1, 60), 1000, 900, 800, 700, 600, 500, 400]  # 7 outliers
    assert documented_indicator_rule(heavy, direction=1).treatment == "log"
    calm = rng.normal(size=50)
    assert documented_indicator_rule(calm, direction=-1).treatment == "none"


def test_winsorise_fixed_matches_definition():
    x = np.array([5.0, np.nan, 1.0, 9.0, 7.0, 3.0])
    np.testing.assert_array_equal(winsorise_points(x, high=2, low=1)[0],
                                  [5.0, np.nan, 3.0, 5.0, 5.0, 3.0])


# --- WIPO's GII 2023 --------------------------------------------------------------------

@pytest.fixture(scope="module")
def gii2023():
    book = workbook_2023()
    return book, infer_weights(book), calibrated_rules(book)


def test_2023_calibrated_rules_reproduce_every_score(gii2023):
    _, _, rules = gii2023
    assert len(rules) == 80
    assert (rules["n_reproduced"] == rules["n_present"]).all()
    assert rules["max_abs_error"].max() < 1e-12
    counts = rules["treatment"].value_counts().to_dict()
    assert counts == {"none": 46, "winsorised": 27, "log": 7}
    assert (rules["normalisation"] == "minmax").all()
    bads = sorted(rules.loc[rules["direction"] == -1, "iCode"])
    assert bads == ["IN.1.1.1", "IN.1.2.3", "IN.2.1.5", "IN.4.3.1", "IN.4.3.2"]
    low_tail = rules.loc[rules["points_low"] > 0, ["iCode", "points_low"]].values.tolist()
    assert low_tail == [["OUT.7.1.1", 3]]
    assert set(rules.loc[rules["treatment"] == "log", "iCode"]) == {
        "IN.2.3.3", "IN.4.2.2", "IN.5.3.4", "OUT.6.1.1", "OUT.6.3.3", "OUT.7.1.4", "OUT.7.3.4"}
    assert rules.loc[rules["treatment"] == "winsorised", "points_high"].max() == 5


def test_2023_documented_rule_agrees_everywhere(gii2023):
    book, _, calibrated = gii2023
    documented = reproduction(book, documented_rules(book))
    assert (documented["n_reproduced"] == documented["n_present"]).all()
    differences = rule_differences(documented, calibrated)
    assert differences["same"].all(), differences.loc[~differences["same"]]
    at_2 = reproduction(book, documented_rules(book, skew=2.0))  # COINr's code default
    wrong = set(at_2.loc[at_2["n_reproduced"] < at_2["n_present"], "iCode"])
    assert {"IN.3.2.3", "IN.5.1.3"} <= wrong  # treated at 2.0, untreated by WIPO


def test_2023_weights_and_aggregates(gii2023):
    book, weights, rules = gii2023
    half = sorted(weights.loc[weights["weight"] == 0.5, "NUM"])
    assert half == ["IN.1.2.1", "IN.1.2.2", "OUT.7.2", "OUT.7.3"]
    assert set(weights["weight"]) == {0.5, 1.0}
    assert weights["max_abs_error"].max() < 1e-12
    ours = aggregate_scores(score_indicators(book.wide("VALUE_SCREEN", book.indicators), rules),
                            book.structure, weights_of(weights))
    published = book.wide("SCORE")
    assert (ours.isna() == published.isna()).all().all()
    assert float(np.nanmax(np.abs(ours - published).to_numpy())) < 1e-12


def test_2023_dmc_rule(gii2023):
    book, _, _ = gii2023
    rule = infer_dmc_rule(book).set_index(["LEVEL", "basis"])
    sub = rule.loc[("SubPillar", "share of indicators present")]
    assert sub["separable"] and sub["largest_failing_share"] == 0.6
    assert sub["threshold"] == pytest.approx(2 / 3)
    assert not rule.loc[("Pillar", "share of indicators present"), "separable"]
    pillar = rule.loc[("Pillar", "share of sub-pillars passing DMC")]
    assert pillar["separable"] and pillar["threshold"] == pytest.approx(2 / 3)
    flags = dmc_flags(book.wide("VALUE_SCREEN", book.indicators).notna(), book.structure)
    published = book.wide("DMC", list(flags.columns))
    pd.testing.assert_frame_equal(flags, published, check_names=False)
    # a node failing DMC is still scored when a child has data
    failing = published.to_numpy() == 1
    scored = book.wide("SCORE", list(flags.columns)).notna().to_numpy()
    assert (failing & scored).sum() == 272 + 41
