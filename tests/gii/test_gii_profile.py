"""Strengths and weaknesses: toy cases and WIPO's SW_OVERALL / SW_INCGRP of GII 2023."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gii.gii_fixtures import workbook_2023

from innometrics.gii import (
    comparison_groups,
    data_age,
    excel_percent_rank,
    flag_agreement,
    income_group_comparison,
    income_group_strengths_weaknesses,
    overall_strengths_weaknesses,
)


def test_excel_percent_rank_truncates_like_excel():
    scores = pd.DataFrame({"a": [0.0, 0.0, 5.0, 7.0, np.nan], "b": [1.0, 2.0, 3.0, 4.0, 5.0]})
    pr = excel_percent_rank(scores)
    assert pr["a"].tolist()[:4] == [0.0, 0.0, 0.666, 1.0] and np.isnan(pr["a"].iloc[4])
    assert pr["b"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert excel_percent_rank(pd.DataFrame({"c": np.arange(8.0)}))["c"].iloc[1] == 0.142


def test_data_age_uses_the_modal_year():
    years = pd.DataFrame({"x": [2020.0, 2021, 2021, 2015, np.nan]})
    assert data_age(years)["x"].tolist()[:4] == [1.0, 0.0, 0.0, 6.0]


def test_overall_flags_on_a_toy():
    # 3 economies x 4 indicators; top_k=1: each economy's best indicator(s) S, worst W
    scores = pd.DataFrame([[10.0, 50, 90, 40], [20, 60, 10, 40], [30, 70, 50, 40]],
                          index=["A", "B", "C"], columns=list("abcd"))
    ranks = scores.rank(ascending=False, method="min")
    flags = overall_strengths_weaknesses(scores, ranks, list("abcd"), top_k=1,
                                         auto_strength_rank=0)
    assert flags.loc["A"].tolist() == ["W", "W", "S", "W"]  # a, b and d tie at the bottom (0)
    old = pd.DataFrame(0.0, index=scores.index, columns=scores.columns)
    old.loc["A", "c"] = 6
    flags = overall_strengths_weaknesses(scores, ranks, list("abcd"), top_k=1,
                                         auto_strength_rank=0, data_age=old)
    assert flags.loc["A", "c"] is None  # old data: not signalled


def test_income_groups_on_a_toy():
    income = pd.Series({"A": "HI", "B": "HI", "C": "UM", "D": "HI", "E": "UM"})
    rank = pd.Series({"A": 1, "B": 2, "C": 3, "D": 4, "E": 5})
    groups = comparison_groups(income, rank, top_n=3)
    assert groups["compared_with"].tolist() == ["TOP", "TOP", "UM", "HI", "UM"]
    scores = pd.DataFrame({"x": [90.0, 50, 0, 10, 30]}, index=income.index)
    flags = income_group_strengths_weaknesses(scores, groups, zero_min_group_size=2)
    # TOP = A, B, C: mean 46.67, sd 36.8 -> A S; UM = C, E -> C is 0 (W); HI = A, B, D
    assert flags["x"].tolist() == ["S", None, "W", "W", "S"]
    table = income_group_comparison(scores, groups)
    assert table.loc[table["ISO3"] == "A", "group_n"].item() == 3


@pytest.fixture(scope="module")
def gii2023():
    book = workbook_2023()
    return book, book.wide("SCORE"), book.wide("RANK")


def _exclusions(book):
    years = book.wide("DATAYR", book.indicators)
    return data_age(years), book.wide("DMC", book.codes(2) + book.codes(3))


def test_2023_outdated_is_older_than_the_modal_year(gii2023):
    book, _, _ = gii2023
    age, _ = _exclusions(book)
    outdated = book.wide("OUTDATED", book.indicators)
    assert ((age > 0).astype(float).where(outdated.notna()) == outdated).sum().sum() == 9403


def test_2023_sw_overall_reproduced(gii2023):
    book, scores, ranks = gii2023
    age, dmc = _exclusions(book)
    flags = overall_strengths_weaknesses(scores, ranks, book.indicators, data_age=age, dmc=dmc)
    counts = flag_agreement(flags, book.wide("SW_OVERALL"))
    assert counts["agree"] == counts["cells"] == 14652
    assert (counts["S_both"], counts["W_both"]) == (1703, 1495)
    untruncated = overall_strengths_weaknesses(scores, ranks, book.indicators, data_age=age,
                                               dmc=dmc, significance=12)
    assert flag_agreement(untruncated, book.wide("SW_OVERALL"))["agree"] < 14652


def test_2023_sw_incgrp_reproduced(gii2023):
    book, scores, ranks = gii2023
    age, dmc = _exclusions(book)
    income = book.economies.set_index("ISO3")["INCOME"]
    groups = comparison_groups(income, ranks[book.index_code])
    assert groups["compared_with"].value_counts().to_dict() == {
        "LM": 37, "UM": 33, "HI": 26, "TOP": 24, "LI": 12}
    assert groups.loc["CHN", "compared_with"] == "UM" and groups.loc["CHN", "in_top"]
    flags = income_group_strengths_weaknesses(scores, groups, data_age=age, dmc=dmc)
    counts = flag_agreement(flags, book.wide("SW_INCGRP"))
    assert counts["agree"] == counts["cells"] == 14652
    assert (counts["S_both"], counts["W_both"]) == (1664, 2180)
