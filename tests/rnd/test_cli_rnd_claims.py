"""The command line of the R&D statistics and the claim checker: run directory, verdicts,
one-line errors."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.datasets import claims_example_path
from innometrics.runs import open_run

runner = CliRunner()


def test_check_writes_a_check_run_with_every_verdict(tmp_path):
    out = tmp_path / "checked"
    result = runner.invoke(app, ["check", str(claims_example_path()), "--out", str(out),
                                 "--runs", "50"])
    assert result.exit_code == 0, result.output
    run = open_run(out)
    assert run.kind == "check"
    claims = run.table("claims")
    assert list(claims.columns[:9]) == ["id", "measure", "economy", "year", "claimed", "found",
                                        "verdict", "source", "note"]
    assert set(claims["verdict"]) <= {"consistent", "differs", "unverifiable"}
    # the press report's claims carry their date: +8.1% matched the figures out then
    growth = claims.set_index("id").loc["cn-gerd-growth-2023"]
    assert growth["verdict"] == "consistent" and growth["released"] == "2024-02-29"
    assert "revised to 8.36% on 2024-10-02" in growth["note"]
    assert {"as_of", "vintage", "released"} <= set(claims.columns)
    assert any(i["role"] == "claims" and i["sha256"] for i in run.manifest["inputs"])


def test_check_bad_claims_file_is_one_line(tmp_path):
    claims = tmp_path / "c.yaml"
    claims.write_text("claims:\n  - {id: x, measure: gerdd, economy: CHN, year: 2023, "
                      "value: 1}\n")
    result = runner.invoke(app, ["check", str(claims), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.startswith("error:") and "gerdd" in result.output
    assert not (tmp_path / "o").exists()


def test_rnd_show_prints_and_writes_csv(tmp_path):
    out = tmp_path / "chn.csv"
    result = runner.invoke(app, ["rnd", "show", "CHN", "--from", "2022", "--to", "2023",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3335707" in result.output
    table = pd.read_csv(out)
    assert table["year"].tolist() == [2022, 2023]
    assert (tmp_path / "chn.csv.manifest.json").exists()


def test_rnd_show_unknown_economy_is_one_line():
    result = runner.invoke(app, ["rnd", "show", "XXX"])
    assert result.exit_code == 2 and "'XXX' is not in the R&D data" in result.output
