"""Provenance and nesting of runs: every input file with its SHA-256 (each file of a folder,
bundled data by package path), the final path of a run written inside another's staging
directory, and runs written inside other runs."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pytest
from toy_index import write_toy
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.datasets import gii_workbook_dir
from innometrics.recipe import load_recipe
from innometrics.report import add_report_to_run
from innometrics.runs import open_run, write_run


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _build(tmp_path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tmp_path.mkdir(parents=True, exist_ok=True)
        return load_recipe(write_toy(tmp_path)).run()


def test_gii_import_of_a_folder_records_each_file_with_its_sha256(tmp_path):
    folder = tmp_path / "wb"
    shutil.copytree(gii_workbook_dir(2023), folder)
    result = CliRunner().invoke(app, ["gii", "import", str(folder), "--out",
                                      str(tmp_path / "run"), "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    inputs = open_run(tmp_path / "run").manifest["inputs"]
    files = sorted(p for p in folder.iterdir() if p.is_file())
    assert [(i["role"], i["path"], i["sha256"]) for i in inputs] == [
        ("workbook", str(p.resolve()), _sha(p)) for p in files]
    assert any(i["path"].endswith("economies.csv") for i in inputs)


def test_bundled_data_is_recorded_by_its_package_path(tmp_path):
    out = tmp_path / "chn.csv"
    result = CliRunner().invoke(app, ["rnd", "show", "CHN", "--out", str(out)])
    assert result.exit_code == 0, result.output
    inputs = json.loads((tmp_path / "chn.csv.manifest.json").read_text())["inputs"]
    assert inputs and all(i["path"].startswith("innometrics/datasets/") for i in inputs)
    assert any(i["path"].startswith("innometrics/datasets/oecd_rnd/") for i in inputs)
    assert all(len(i["sha256"]) == 64 for i in inputs)


def test_a_run_written_inside_another_runs_staging_names_its_final_path(tmp_path):
    result = _build(tmp_path / "toy")

    def sub_run(path: Path) -> None:
        result.write(path)
        add_report_to_run(path)

    out = write_run(tmp_path / "outer", kind="demo", tables={"sub": sub_run},
                    inputs={"recipe": tmp_path / "toy" / "recipe.yaml"})
    texts = {name: data.decode("utf-8", "replace") for name, data in _snapshot(out).items()}
    assert not [name for name, text in texts.items() if "innometrics-tmp" in text]
    assert str(out / "sub") in texts["sub/report.html"]


def test_a_run_inside_another_run_is_refused_without_force(tmp_path):
    (tmp_path / "toy").mkdir()
    recipe = write_toy(tmp_path / "toy")
    runner = CliRunner()
    outer = tmp_path / "outer"
    assert runner.invoke(app, ["build", str(recipe), "--out", str(outer), "--no-store"]
                         ).exit_code == 0
    before = _snapshot(outer)
    refused = runner.invoke(app, ["build", str(recipe), "--out", str(outer / "data" / "x"),
                                  "--no-store"])
    assert refused.exit_code == 2 and "lies inside the 'build' run" in refused.output
    assert _snapshot(outer) == before


def test_with_force_the_outer_runs_manifest_stays_true(tmp_path):
    toy = tmp_path / "toy"
    result = _build(toy)
    demo = write_run(tmp_path / "demo", kind="demo", tables={"gii-x": result.write})
    runner = CliRunner()
    forced = runner.invoke(app, ["build", str(toy / "recipe.yaml"), "--out",
                                 str(demo / "gii-x"), "--force", "--report", "--no-store"])
    assert forced.exit_code == 0, forced.output
    outer = open_run(demo)  # every file listed exists
    on_disk = {str(p.relative_to(demo)) for p in demo.rglob("*") if p.is_file()}
    assert set(outer.files) == on_disk and "gii-x/report.html" in outer.files
    page = runner.invoke(app, ["report", str(demo), "--out", str(tmp_path / "r.html"),
                               "--no-store"])
    assert page.exit_code == 0, page.output
    # the outer run can still be replaced: nothing in it is foreign to its manifest
    again = write_run(demo, kind="demo", tables={"gii-x": result.write})
    assert open_run(again).files


@pytest.mark.parametrize("inner", ["sub", "sub/deeper"])
def test_a_new_sub_run_is_listed_in_the_outer_manifest(tmp_path, inner):
    result = _build(tmp_path / "toy")
    outer = write_run(tmp_path / "outer", kind="demo", tables={"a.csv": "x\n1\n"})
    result.write(outer / inner, force=True)
    assert f"{inner}/manifest.json" in open_run(outer).files
