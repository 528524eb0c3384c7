"""``innometrics results`` and ``innometrics profile`` on a build run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_coinr_daily import ASEM, HERE
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("results-cli")
    recipe = tmp / "asem.yaml"
    recipe.write_text(f"framework: {ASEM / 'ASEM_iMeta.csv'}\ndata: {ASEM / 'ASEM_iData.csv'}\n"
                      "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n"
                      "  - aggregate: {method: arithmetic}\n")
    assert runner.invoke(app, ["build", str(recipe), "--out", str(tmp / "run")]).exit_code == 0
    return tmp / "run"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_results_to_a_file(run_dir, tmp_path, suffix):
    out = tmp_path / f"table{suffix}"
    run = runner.invoke(app, ["results", str(run_dir), "--group", "GDP_group", "--out",
                              str(out)])
    assert run.exit_code == 0, run.output
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    ref = pd.read_csv(HERE / "results" / "aggs.csv")
    assert table.uCode.tolist() == ref.uCode.tolist()
    assert table.columns[:5].tolist() == ["uCode", "uName", "GDP_group", "Rank",
                                          "Rank in GDP_group"]
    again = runner.invoke(app, ["results", str(run_dir), "--out", str(out)])
    assert again.exit_code == 0  # a file innometrics wrote may be replaced


def test_results_never_replace_a_foreign_file(run_dir, tmp_path):
    out = tmp_path / "mine.csv"
    out.write_text("keep me\n")
    run = runner.invoke(app, ["results", str(run_dir), "--out", str(out)])
    assert run.exit_code == 2 and out.read_text() == "keep me\n"
    bad = runner.invoke(app, ["results", str(run_dir), "--out", str(tmp_path / "t.json")])
    assert bad.exit_code == 2 and ".csv or .xlsx" in bad.output


def test_results_printed_with_levels(run_dir):
    run = runner.invoke(app, ["results", str(run_dir), "--levels", "4,3"])
    assert run.exit_code == 0
    header = run.output.splitlines()[0].split()
    assert header == ["uName", "Rank", "Index", "Conn", "Sust", "Conn.Rank", "Sust.Rank"]
    assert runner.invoke(app, ["results", str(run_dir), "--levels", "x"]).exit_code == 2


def test_profile_prints_summary_strengths_and_weaknesses(run_dir):
    run = runner.invoke(app, ["profile", str(run_dir), "KHM", "--stage", "Normalised",
                              "--top", "5"])
    assert run.exit_code == 0, run.output
    ref = pd.read_csv(HERE / "str-weak" / "KHM_Normalised_weaknesses.csv")
    weaknesses = run.output.split("Weaknesses on Normalised:")[1]
    assert [line.split()[0] for line in weaknesses.strip().splitlines()[1:]] == ref.Code.tolist()
    missing = runner.invoke(app, ["profile", str(run_dir), "XXX"])
    assert missing.exit_code == 2 and "unit 'XXX'" in missing.output


def test_audit_of_one_stage_and_node(tmp_path):
    recipe = tmp_path / "asem.yaml"
    recipe.write_text(f"framework: {ASEM / 'ASEM_iMeta.csv'}\ndata: {ASEM / 'ASEM_iData.csv'}\n"
                      "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n")
    out = tmp_path / "audit"
    run = runner.invoke(app, ["audit", str(recipe), "--out", str(out), "--stage", "Raw",
                              "--node", "Conn", "--low", "-0.3"])
    assert run.exit_code == 0, run.output
    avail = pd.read_csv(out / "data_availability.csv")
    # COINr's get_data_avail ByGroup order (tests/reference/coinr-daily/.../data_avail_bygroup.csv)
    assert avail.columns[6:].tolist() == ["ConEcFin", "Instit", "P2P", "Physical", "Political",
                                          "Conn"]
    flags = pd.read_csv(out / "correlation_flags.csv")
    assert set(flags.Flag) <= {"low", "high"} and (flags.Corr[flags.Flag == "low"] < -0.3).all()
    assert {"P", "Pearson"} <= set(pd.read_csv(out / "correlations.csv").columns)
    assert "denominator_correlations.csv" in {p.name for p in out.iterdir()}
    bad = runner.invoke(app, ["audit", str(recipe), "--out", str(tmp_path / "x"), "--stage",
                              "Nope"])
    assert bad.exit_code == 2 and "stage 'Nope'" in bad.output


def test_results_and_profile_of_a_panel_run_pick_a_time(tmp_path):
    """A panel run (COINr's purse) has one result per time: the commands show one time's,
    the latest unless --time picks another, and say which; --time on a one-time run and a
    time the panel lacks are one-line errors."""
    from toy_index import write_toy

    rows = ["uCode,uName,Time,G,Pop,a,b,c,d"]
    for t in (2020, 2021):
        rows += [f"{u},{u} land,{t},x,{10 + i},{i + 1 + t % 2},{20 + 7 * i},{5 - i % 3},"
                 f"{0.5 + i / 10}" for i, u in enumerate(["AAA", "BBB", "CCC", "DDD"])]
    recipe = write_toy(tmp_path, data="\n".join(rows) + "\n",
                       steps="steps:\n  - normalise: {method: minmax, range: [1, 100]}\n"
                             "  - aggregate: {}\n")
    built = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "run"),
                                "--no-store"])
    assert built.exit_code == 0, built.output
    panel = im.build(im.load_recipe(recipe))
    latest = runner.invoke(app, ["results", str(tmp_path / "run"), "--out",
                                 str(tmp_path / "t.csv")])
    assert latest.exit_code == 0, latest.output
    assert "time 2021 (the latest; --time picks another) of 2020, 2021" in latest.output
    table = pd.read_csv(tmp_path / "t.csv").set_index("uCode")
    expected = panel.at(2021).results_table()
    np.testing.assert_allclose(table.loc[expected.index, "Index"], expected["Index"])
    earlier = runner.invoke(app, ["profile", str(tmp_path / "run"), "AAA", "--time", "2020"])
    assert earlier.exit_code == 0 and "time 2020 of 2020, 2021" in earlier.output
    missing = runner.invoke(app, ["results", str(tmp_path / "run"), "--time", "1999"])
    assert missing.exit_code != 0 and "time 1999 is not in the panel; its times are 2020, " \
        "2021" in missing.output
