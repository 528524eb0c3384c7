"""``--store PATH`` and ``--no-store`` on every command that records a run."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import typer
from toy_index import write_toy
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.store import RunStore


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    found = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):  # a sub-app (its group class need not be click's)
            found.update(_commands(command, path + " "))
        else:
            found[path] = command
    return found


#: Every command whose code records its run in the store (found by reading the command's
#: source, so a new recording command is held to the rule without being listed here); the
#: ``runs`` commands manage the store itself and take only ``--store``.
RECORDING = sorted(path for path, command in _commands(typer.main.get_command(app)).items()
                   if command.callback is not None and not path.startswith("runs ")
                   and "record(" in inspect.getsource(inspect.unwrap(command.callback)))


def test_the_recording_commands_are_found():
    assert {"build", "audit", "uncertainty", "demo", "gii import", "gii atlas",
            "clusters rank"} <= set(RECORDING)


@pytest.mark.parametrize("path", RECORDING)
def test_every_recording_command_has_both_flags(path):
    options = {o for p in _commands(typer.main.get_command(app))[path].params for o in p.opts}
    assert {"--store", "--no-store"} <= options, path


def test_build_records_in_the_store_given(tmp_path, monkeypatch):
    default = tmp_path / "default.duckdb"
    monkeypatch.setenv("INNOMETRICS_STORE", str(default))
    recipe = write_toy(tmp_path)
    chosen = tmp_path / "chosen.duckdb"
    result = CliRunner().invoke(app, ["build", str(recipe), "--out", str(tmp_path / "r1"),
                                      "--store", str(chosen)])
    assert result.exit_code == 0, result.output
    assert len(RunStore(chosen).list()) == 1 and not default.exists()


def test_no_store_records_nothing(tmp_path, monkeypatch):
    default = tmp_path / "default.duckdb"
    monkeypatch.setenv("INNOMETRICS_STORE", str(default))
    recipe = write_toy(tmp_path)
    result = CliRunner().invoke(app, ["build", str(recipe), "--out", str(tmp_path / "r"),
                                      "--no-store"])
    assert result.exit_code == 0, result.output
    assert "recorded in the run store" not in result.output and not default.exists()


def test_store_and_no_store_together_are_refused_before_any_work(tmp_path):
    recipe = write_toy(tmp_path)
    result = CliRunner().invoke(app, ["build", str(recipe), "--out", str(tmp_path / "r"),
                                      "--store", str(tmp_path / "s.duckdb"), "--no-store"])
    assert result.exit_code == 2 and "contradict" in result.output
    assert not (tmp_path / "r").exists()


def test_an_output_never_replaces_the_store_given(tmp_path):
    recipe = write_toy(tmp_path)
    chosen = tmp_path / "stores" / "chosen.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "r"),
                               "--store", str(chosen)]).exit_code == 0
    before = chosen.read_bytes()
    result = runner.invoke(app, ["build", str(recipe), "--out", str(chosen.parent), "--force",
                                 "--store", str(chosen)])
    assert result.exit_code == 2 and "contains the input" in result.output
    assert chosen.read_bytes() == before


def test_report_out_must_be_html(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path), "--out",
                                      str(tmp_path / "r.csv")])
    assert result.exit_code == 2 and "end the file name with .html" in result.output


# --- a file --out follows its extension ---------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet", ".xlsx"])
def test_rnd_show_out_follows_the_extension(tmp_path, suffix):
    import pandas as pd

    out = tmp_path / f"chn{suffix}"
    result = CliRunner().invoke(app, ["rnd", "show", "CHN", "--from", "2018", "--to", "2020",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    read = {".csv": pd.read_csv, ".json": pd.read_json, ".parquet": pd.read_parquet,
            ".xlsx": pd.read_excel}[suffix]
    table = read(out)
    assert table["year"].tolist() == [2018, 2019, 2020]


@pytest.mark.parametrize("name", ["chn.txt", "chn", "chn.json.bak"])
def test_a_table_out_with_another_extension_is_refused_before_any_work(tmp_path, name):
    result = CliRunner().invoke(app, ["rnd", "show", "CHN", "--out", str(tmp_path / name)])
    assert result.exit_code == 2 and "end the file name with .csv, .json" in result.output
    assert list(tmp_path.iterdir()) == []


def test_write_file_refuses_a_table_under_an_unknown_extension(tmp_path):
    import pandas as pd

    from innometrics.errors import InputError
    from innometrics.runs import write_file

    with pytest.raises(InputError, match="extension '.txt'"):
        write_file(tmp_path / "t.txt", pd.DataFrame({"a": [1]}), kind="x")
    assert list(tmp_path.iterdir()) == []


def test_store_given_wins_over_store_off(tmp_path, monkeypatch):
    monkeypatch.setenv("INNOMETRICS_STORE", "off")
    recipe = write_toy(tmp_path)
    chosen = tmp_path / "chosen.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "a")]
                         ).exit_code == 0
    assert runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "b"),
                               "--store", str(chosen)]).exit_code == 0
    assert RunStore(chosen).list()["path"].tolist() == [str(tmp_path / "b")]
