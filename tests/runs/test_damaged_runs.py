"""A run table edited by hand (a column removed, text in numbers, an empty key, garbage) gives
one line naming the file and the column, for every reader: gii profile, report, runs add."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from toy_index import write_toy
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.datasets import gii_workbook_dir
from innometrics.recipe import load_recipe


def assert_one_line_error(output: str) -> str:
    """The one ``error:`` line of a refused command (no traceback), returned."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output and "Fix:" in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def gii_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gii") / "run"
    result = CliRunner().invoke(app, ["gii", "import", str(gii_workbook_dir(2023)), "--out",
                                      str(out), "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    return out


def _damage(table: Path, how: str) -> str:
    """Damage ``table`` as a user editing it by hand might; return the column to be named."""
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    if how == "drop":
        column = "score" if "score" in frame else frame.columns[-1]
        frame = frame.drop(columns=column)
    elif how == "text":
        column = "rank" if "rank" in frame else frame.columns[-1]
        frame.loc[len(frame) // 2, column] = "twelfth"
    else:  # an empty key
        column = "uCode"
        frame.loc[3, column] = ""
    frame.to_csv(table, index=False)
    return column


@pytest.mark.parametrize("how", ["drop", "text", "empty"])
def test_gii_profile_on_a_damaged_profiles_csv(gii_run, tmp_path, how):
    run = tmp_path / "run"
    shutil.copytree(gii_run, run)
    column = _damage(run / "profiles.csv", how)
    result = CliRunner().invoke(app, ["gii", "profile", str(run), "CHN"])
    assert result.exit_code == 2, result.output
    message = assert_one_line_error(result.output)
    assert "profiles.csv" in message and f"'{column}'" in message


def test_gii_profile_on_a_garbled_profiles_csv(gii_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(gii_run, run)
    (run / "profiles.csv").write_bytes(b"\xff\xfe\x00garbage\n\x00\x01")
    result = CliRunner().invoke(app, ["gii", "profile", str(run), "CHN"])
    assert result.exit_code == 2 and "profiles.csv" in assert_one_line_error(result.output)


@pytest.fixture(scope="module")
def build_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("toy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_recipe(write_toy(folder)).run().write(folder / "run")


@pytest.mark.parametrize("table", ["scores.csv", "ranks.csv"])
@pytest.mark.parametrize("how", ["drop", "text", "empty"])
@pytest.mark.parametrize("command", ["report", "runs add"])
def test_report_and_store_on_a_damaged_build(build_run, tmp_path, table, how, command):
    run = tmp_path / "run"
    shutil.copytree(build_run, run)
    column = _damage(run / table, how)
    args = (["report", str(run), "--out", str(tmp_path / "r.html"), "--no-store"]
            if command == "report" else
            ["runs", "add", str(run), "--store", str(tmp_path / "s.duckdb")])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    message = assert_one_line_error(result.output)
    assert table in message and f"'{column}'" in message
    assert not (tmp_path / "r.html").exists()
