"""``innometrics gii import``: the GII rebuilt by the engine from WIPO's workbook, compared
with every published score, rank and flag; the run rebuilds with ``innometrics build``; the
documented rules' agreement; fixture workbooks for what 2023 does not have; economy
profiles."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from gii.gii_fixtures import write_workbook
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.datasets import gii_workbook_dir
from innometrics.gii import gii_workbook, import_gii
from innometrics.runs import open_run

runner = CliRunner()


@pytest.fixture(scope="module")
def calibrated():
    return import_gii(gii_workbook(2023))


def test_bundled_2023_reproduces_every_published_score_and_rank(calibrated):
    summary = calibrated.summary()
    assert summary["scores"] == 13468 and summary["reproduced"] == 13468
    assert summary["indicator_reproduced"] == 9403
    assert summary["max_abs_diff"] < 1e-9
    assert calibrated.agreement["ranks_equal"].loc[calibrated.agreement["level"] != "Indicator"
                                                   ].all()
    gii = calibrated.agreement.set_index("code").loc["GII"]
    assert gii["ranks_equal"] and gii["reproduced"] == 132
    for flags in (summary["sw_overall"], summary["sw_incgrp"]):
        assert flags["agree"] == flags["cells"] == 14652
    china = calibrated.result.scores.loc["CHN", "GII"]
    assert round(china, 2) == 55.31 and calibrated.result.ranks.loc["CHN", "GII"] == 12


def test_calibrated_recipe_is_the_documented_rule_plus_what_the_scores_show(calibrated):
    steps = dict(calibrated.result.recipe.steps)
    assert steps["treat"]["skew"] == 2.25 and steps["treat"]["fallback"] == "log_gii"
    assert "indicators" not in steps["treat"]  # 2023: no indicator departs from the rule
    assert steps["aggregate"]["ratios"] == {"IER": ["OUT", "IN"]}
    weights = calibrated.result.recipe.framework.weights()
    assert (weights["IN.1.2.1"], weights["IN.1.2.2"], weights["OUT.7.2"]) == (0.5, 0.5, 0.5)
    ier = calibrated.result.derived()["IER"]
    scores = calibrated.result.scores
    np.testing.assert_allclose(ier, scores["OUT"] / scores["IN"], rtol=1e-15)


def test_documented_rules_reproduce_every_indicator_and_explain_the_rest():
    documented = import_gii(gii_workbook(2023), rules="documented")
    agreement = documented.agreement.set_index("code")
    indicators = agreement[agreement["level"] == "Indicator"]
    assert (indicators["reproduced"] == indicators["economies"]).all()
    differing = agreement[agreement["reproduced"] < agreement["economies"]]
    assert set(differing.index) == {"IN.1.2", "IN.1", "IN", "OUT.7", "OUT", "GII"}
    assert "WIPO weights IN.1.2.1 0.5" in differing.loc["IN.1.2", "note"]
    assert differing.loc["GII", "note"].startswith("follows from")
    assert documented.differences["same"].all()


def test_cli_import_writes_the_contract_and_build_reproduces_it(tmp_path):
    out = tmp_path / "gii2023"
    result = runner.invoke(app, ["gii", "import", str(gii_workbook_dir(2023)), "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert "13,468 of 13,468" in result.output
    run = open_run(out)
    assert run.kind == "gii-import"
    for name in ("scores.csv", "ranks.csv", "agreement.csv", "rules.csv", "profiles.csv",
                 "framework.csv", "data.csv", "recipe.yaml", "manifest.json"):
        assert (out / name).exists(), name
    scores = run.table("scores")
    assert scores.columns[0] == "uCode" and scores.columns[-1] == "GII"
    assert "IN.1.1.1" in scores.columns and len(scores) == 132
    agreement = run.table("agreement")
    assert list(agreement.columns[:8]) == ["code", "name", "level", "economies", "reproduced",
                                           "max_abs_diff", "ranks_equal", "rank_mismatches"]
    rules = run.table("rules")
    assert {"iCode", "direction", "weight", "treatment", "points_high", "points_low",
            "bound_low", "bound_high", "source_of_rule", "evidence"} <= set(rules.columns)
    rebuilt = tmp_path / "rebuilt"
    result = runner.invoke(app, ["build", str(out / "recipe.yaml"), "--out", str(rebuilt)])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_csv(rebuilt / "scores.csv"),
                                  pd.read_csv(out / "scores.csv"))


def test_fixture_workbook_with_fixed_bounds_bottom_tail_and_half_weight(tmp_path):
    book = write_workbook(tmp_path / "GII_synthetic.xlsx")
    imported = import_gii(book)
    assert imported.summary()["reproduced"] == imported.summary()["scores"]
    rules = imported.rules.set_index("iCode")
    assert rules.loc["IN.1.1.3", "normalisation"] == "goalposts"
    assert (rules.loc["IN.1.1.3", "bound_low"], rules.loc["IN.1.1.3", "bound_high"]) == (1, 7)
    assert (rules.loc["IN.1.2.3", "points_low"], rules.loc["IN.1.2.1", "points_high"]) == (2, 2)
    assert rules.loc["OUT.2.1.1", "treatment"] == "log"
    assert rules.loc["IN.1.1.2", "direction"] == -1
    assert imported.result.recipe.framework.weights()["IN.1.2.2"] == 0.5


def test_renamed_reordered_columns_are_read(tmp_path):
    book = write_workbook(tmp_path / "GII_messy.xlsx", order=["Data", "Metadata", "Economies",
                                                             "Index Structure"],
                          columns={"Data": {"VALUE_SCREEN": "value_screen", "SCORE": "Score"}},
                          unnamed_columns=2)
    result = runner.invoke(app, ["gii", "import", str(book), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("change", "fragment"), [
    ({"skip_sheets": ("Economies",)}, "sheet 'Economies'"),
    ({"drop_columns": {"Data": ["VALUE_SCREEN"]}}, "column 'VALUE_SCREEN' is missing"),
    ({"drop_columns": {"Index Structure": ["LEVEL"]}}, "column 'LEVEL' is missing"),
])
def test_broken_workbooks_are_one_line(tmp_path, change, fragment):
    book = write_workbook(tmp_path / "GII_broken.xlsx", **change)
    out = tmp_path / "o"
    result = runner.invoke(app, ["gii", "import", str(book), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and fragment in result.output, result.output
    assert not out.exists()


def test_profile_command_gives_every_node_as_csv_and_json(tmp_path, calibrated):
    out = tmp_path / "run"
    calibrated.write(out)
    result = runner.invoke(app, ["gii", "profile", str(out), "chn", "--out",
                                 str(tmp_path / "chn.json")])
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "chn.json").read_text())
    assert len(rows) == 111 and {r["uCode"] for r in rows} == {"CHN"}
    gii = next(r for r in rows if r["code"] == "GII")
    assert gii["rank"] == 12 and gii["compared_with"] == "UM"
    result = runner.invoke(app, ["gii", "profile", str(out), "CHNA"])
    assert result.exit_code == 2 and "Did you mean 'CHN'?" in result.output
