"""The rest of the reliability contract: importers read what the sources distribute, settings
are recorded as used, errors name the flag, Monte Carlo memory is checked up front, score
intervals never mix scales, and ``innometrics validate`` prints the plan."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from toy_index import write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics import uncertainty
from innometrics.cli import app
from innometrics.clusters.records import read_openalex, read_patentsview
from innometrics.runs import open_run
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

runner = CliRunner()
FIXTURES = Path(__file__).parent / "clusters" / "fixtures"


def _works() -> list[dict]:
    lines = (FIXTURES / "openalex_works.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("layout", ["jsonl", "gz", "array", "api page", "pages per line",
                                    "pretty page"])
def test_openalex_works_in_every_distributed_layout(tmp_path, layout):
    works = _works()
    reference = read_openalex(FIXTURES / "openalex_works.jsonl",
                              FIXTURES / "openalex_institutions.csv")
    path = tmp_path / "works.json"
    if layout == "jsonl":
        shutil.copy(FIXTURES / "openalex_works.jsonl", path)
    elif layout == "gz":
        path = tmp_path / "works.jsonl.gz"
        with gzip.open(path, "wt") as fh:
            fh.write("\n".join(json.dumps(w) for w in works) + "\n")
    elif layout == "array":
        path.write_text(json.dumps(works))
    elif layout == "api page":
        path.write_text(json.dumps({"meta": {"count": len(works)}, "results": works}))
    elif layout == "pages per line":
        half = len(works) // 2
        path.write_text(json.dumps({"results": works[:half]}) + "\n"
                        + json.dumps({"results": works[half:]}) + "\n")
    else:
        path.write_text(json.dumps({"meta": {}, "results": works}, indent=2))
    records = read_openalex(path, FIXTURES / "openalex_institutions.csv")
    pd.testing.assert_frame_equal(records.frame, reference.frame)
    assert len(records.frame) > 0


def test_openalex_institutions_with_nested_geo(tmp_path):
    table = pd.read_csv(FIXTURES / "openalex_institutions.csv")
    objects = [{"id": r.id, "display_name": r.display_name,
                "geo": {"latitude": r.latitude, "longitude": r.longitude,
                        "country_code": r.country_code}} for r in table.itertuples()]
    path = tmp_path / "institutions.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in objects) + "\n")
    reference = read_openalex(FIXTURES / "openalex_works.jsonl",
                              FIXTURES / "openalex_institutions.csv")
    records = read_openalex(FIXTURES / "openalex_works.jsonl", path)
    pd.testing.assert_frame_equal(records.frame, reference.frame)


def test_openalex_bad_json_names_the_line(tmp_path):
    path = tmp_path / "works.jsonl"
    path.write_text(json.dumps(_works()[0]) + "\n{not json\n")
    with pytest.raises(im.InputError, match="row 2"):
        read_openalex(path, FIXTURES / "openalex_institutions.csv")


def test_patentsview_zip_as_distributed(tmp_path):
    zipped = {}
    for name in ("g_inventor_disambiguated", "g_location_disambiguated"):
        zipped[name] = tmp_path / f"{name}.tsv.zip"
        with zipfile.ZipFile(zipped[name], "w") as archive:
            archive.write(FIXTURES / f"{name}.tsv", f"{name}.tsv")
    reference = read_patentsview(FIXTURES / "g_inventor_disambiguated.tsv",
                                 FIXTURES / "g_location_disambiguated.tsv")
    records = read_patentsview(zipped["g_inventor_disambiguated"],
                               zipped["g_location_disambiguated"])
    pd.testing.assert_frame_equal(records.frame, reference.frame)


def test_import_cli_writes_records_with_a_sidecar_manifest(tmp_path):
    out = tmp_path / "pubs.parquet"
    result = runner.invoke(app, ["clusters", "import-openalex",
                                 str(FIXTURES / "openalex_works.jsonl"),
                                 str(FIXTURES / "openalex_institutions.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "pubs.parquet.manifest.json").read_text())
    assert sidecar["kind"] == "clusters-import-openalex" and len(sidecar["sha256"]) == 64
    assert (tmp_path / "pubs.excluded.csv").exists()


def test_empty_openalex_file_is_an_error(tmp_path):
    empty = tmp_path / "works.jsonl"
    empty.write_text("")
    result = runner.invoke(app, ["clusters", "import-openalex", str(empty),
                                 str(FIXTURES / "openalex_institutions.csv"), "--out",
                                 str(tmp_path / "out.csv")])
    assert result.exit_code == 2 and "no usable record" in result.output


def test_weights_that_overflow_are_refused(tmp_path):
    records = tmp_path / "r.csv"
    records.write_text("id,lat,lon,kind,weight\na,35,139,patent,1e308\nb,35,139,patent,1e308\n"
                       "c,35,139,publication,1\n")
    result = runner.invoke(app, ["clusters", "rank", str(records), "--out",
                                 str(tmp_path / "o")])
    assert result.exit_code == 2 and "sum to infinity" in result.output


def test_detect_records_the_settings_it_used(tmp_path):
    records = tmp_path / "r.csv"
    records.write_text("id,lat,lon,kind\n" + "".join(
        f"r{i},{35 + i * 1e-4},139,patent\n" for i in range(20)))
    out = tmp_path / "d"
    result = runner.invoke(app, ["clusters", "detect", str(records), "--eps-km", "7.5",
                                 "--min-weight", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    settings = open_run(out).settings
    assert settings["eps_km"] == 7.5 and settings["min_weight"] == 4


@pytest.mark.parametrize(("args", "flag"), [
    (["--patent-eps-km", "0"], "--patent-eps-km"),
    (["--name-places", "0"], "--name-places"),
    (["--merge-km", "nan"], "--merge-km"),
])
def test_cluster_settings_errors_name_the_flag(tmp_path, args, flag):
    records = tmp_path / "r.csv"
    records.write_text("id,lat,lon,kind\na,1,1,patent\n")
    result = runner.invoke(app, ["clusters", "rank", str(records), "--out",
                                 str(tmp_path / "o"), *args])
    assert result.exit_code == 2 and f"'{flag}'" in result.output, result.output
    assert "RankingSettings" not in result.output


def test_monte_carlo_too_large_for_memory_is_refused_up_front(tmp_path, monkeypatch):
    monkeypatch.setattr(uncertainty.evaluation, "available_memory", lambda: 2**30)
    recipe = write_toy(tmp_path)
    recipe.write_text(recipe.read_text() + "uncertainty:\n  weights: {noise: 0.2, levels: [1]}\n")
    result = runner.invoke(app, ["uncertainty", str(recipe), "--out", str(tmp_path / "mc"),
                                 "--runs", "100000000"])
    assert result.exit_code == 2
    assert "--runs 100,000,000 needs about" in result.output and "at most about" in result.output
    assert not (tmp_path / "mc").exists()


def test_score_intervals_only_where_alternatives_share_a_scale(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path))
    same = UncertaintyDesign(runs=20, seed=1, noise=0.2, levels=(1,),
                             alternatives={"aggregate": [{"method": "arithmetic"},
                                                         {"method": "arithmetic",
                                                          "min_coverage": 0.5}]})
    table = run_uncertainty(recipe, same).rank_intervals()
    assert "score_q05" in table.columns
    mixed = UncertaintyDesign(runs=20, seed=1, alternatives={"normalise": [
        {"method": "minmax", "range": [0, 100]}, {"method": "zscore", "mean": 10, "sd": 2}]})
    result = run_uncertainty(recipe, mixed)
    assert not any(c.startswith("score_") for c in result.rank_intervals().columns)
    assert "score intervals left out" in result.notes()[0]
    out = tmp_path / "mc"
    result.write(out)
    assert open_run(out).manifest["details"]["notes"] == result.notes()


def test_validate_prints_the_plan_and_writes_nothing(tmp_path):
    recipe = write_toy(tmp_path, steps="steps:\n  - denominate: {}\n  - screen: "
                       "{min_coverage: 0.8}\n  - impute: {method: mean}\n  - normalise: {}\n"
                       "  - aggregate: {}\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["validate", str(recipe)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "steps[3].normalise" in text and '"range": [0.0, 100.0]' in text
    assert "direction -1 (less is better): c" in text
    assert "b/Pop" in text and "screening drops" in text and "imputed with method 'mean'" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_version_and_quiet(tmp_path):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("innometrics ")
    recipe = write_toy(tmp_path)
    result = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 0 and result.output == ""


def test_every_command_help_has_an_example():
    commands = [["build"], ["audit"], ["uncertainty"], ["validate"], ["check"], ["demo"],
                ["rnd", "show"], ["clusters", "synth"], ["clusters", "detect"],
                ["clusters", "rank"], ["clusters", "import-patentsview"],
                ["clusters", "import-openalex"]]
    for command in commands:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Example: innometrics" in result.output, command


def test_uncertainty_with_nothing_uncertain_is_refused(tmp_path):
    recipe = write_toy(tmp_path)
    result = runner.invoke(app, ["uncertainty", str(recipe), "--out", str(tmp_path / "mc")])
    assert result.exit_code == 2 and "nothing in the design is uncertain" in result.output
    assert not (tmp_path / "mc").exists()


def test_alternatives_for_an_absent_step_must_include_its_absence(tmp_path):
    recipe = write_toy(tmp_path, steps="steps:\n  - normalise: {}\n  - aggregate: {}\n")
    recipe.write_text(recipe.read_text() + "uncertainty:\n  alternatives:\n    impute: "
                      "[{method: mean}, {method: median}]\n")
    result = runner.invoke(app, ["uncertainty", str(recipe), "--out", str(tmp_path / "mc")])
    assert result.exit_code == 2 and "the recipe has no impute step" in result.output


def test_uncertainty_report_holds_the_nominal_build(tmp_path):
    recipe = write_toy(tmp_path)
    recipe.write_text(recipe.read_text() + "uncertainty:\n  weights: {noise: 0.2, levels: [1]}\n")
    out = tmp_path / "mc"
    result = runner.invoke(app, ["uncertainty", str(recipe), "--out", str(out), "--runs", "20",
                                 "--report"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").exists() and open_run(out / "nominal").kind == "build"


def test_a_users_file_deep_in_an_earlier_run_is_never_deleted(tmp_path):
    recipe = write_toy(tmp_path)
    out = tmp_path / "res"
    assert runner.invoke(app, ["build", str(recipe), "--out", str(out)]).exit_code == 0
    (out / "data" / "my-notes.csv").write_text("mine\n")
    result = runner.invoke(app, ["build", str(recipe), "--out", str(out)])
    assert result.exit_code == 2 and "data/my-notes.csv" in result.output
    assert (out / "data" / "my-notes.csv").read_text() == "mine\n"


def test_a_users_sidecar_named_file_is_not_overwritten(tmp_path):
    (tmp_path / "pts.csv.manifest.json").write_text("my own notes\n")
    result = runner.invoke(app, ["clusters", "synth", "--points", "20", "--out",
                                 str(tmp_path / "pts.csv")])
    assert result.exit_code == 2 and "did not write" in result.output
    assert (tmp_path / "pts.csv.manifest.json").read_text() == "my own notes\n"


def test_the_run_store_is_never_inside_a_replaced_directory(tmp_path, monkeypatch):
    keep = tmp_path / "keep"
    keep.mkdir()
    monkeypatch.setenv("INNOMETRICS_STORE", str(keep / "runs.duckdb"))
    recipe = write_toy(tmp_path)
    assert runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "a")]
                         ).exit_code == 0
    assert (keep / "runs.duckdb").exists()
    result = runner.invoke(app, ["build", str(recipe), "--out", str(keep), "--force"])
    assert result.exit_code == 2 and (keep / "runs.duckdb").exists()


def test_duplicate_keys_in_a_recipe_are_refused(tmp_path):
    recipe = write_toy(tmp_path, steps="steps:\n  - normalise: {method: minmax, method: zscore}"
                       "\n  - aggregate: {}\n")
    with pytest.raises(im.InputError, match="key 'method' appears twice"):
        im.load_recipe(recipe)


def test_codes_with_leading_zeros_stay_text_when_read_back(tmp_path):
    from toy_index import DATA

    data = DATA.replace("AAA", "001").replace("BBB", "002")
    out = tmp_path / "res"
    im.build(im.load_recipe(write_toy(tmp_path, data=data))).write(out)
    assert "001" in open_run(out).scores.index and "002" in open_run(out).ranks.index


def test_compressed_tables_say_so(tmp_path):
    write_toy(tmp_path)
    raw = (tmp_path / "iData.csv").read_bytes()
    with gzip.open(tmp_path / "iData.csv", "wb") as fh:
        fh.write(raw)
    with pytest.raises(im.InputError, match="gzip-compressed"):
        im.load_recipe(tmp_path / "recipe.yaml")


def test_excel_formulas_without_saved_values_are_refused(tmp_path):
    import openpyxl

    write_toy(tmp_path)
    frame = pd.read_csv(tmp_path / "iData.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    sheet["E2"] = "=1+1"  # written by openpyxl: no cached value
    book.save(tmp_path / "iData.xlsx")
    (tmp_path / "recipe.yaml").write_text((tmp_path / "recipe.yaml").read_text()
                                          .replace("iData.csv", "iData.xlsx"))
    with pytest.raises(im.InputError, match="cell E2 .* holds a formula"):
        im.load_recipe(tmp_path / "recipe.yaml")


def test_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("INNOMETRICS_SCHEDULER_TIMEOUT", "1")  # the wait is a setting (10 s)
    recipe = write_toy(tmp_path)
    recipe.write_text(recipe.read_text() + "uncertainty:\n  weights: {noise: 0.2, levels: [1]}\n")
    result = runner.invoke(app, ["uncertainty", str(recipe), "--out", str(tmp_path / "mc"),
                                 "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "--scheduler tcp://127.0.0.1:9" in result.output


def test_dask_flags_without_dask_are_refused(tmp_path):
    records = tmp_path / "r.csv"
    records.write_text("id,lat,lon,kind\na,1,1,patent\n")
    result = runner.invoke(app, ["clusters", "detect", str(records), "--eps-km", "5",
                                 "--min-weight", "1", "--tile-km", "100", "--out",
                                 str(tmp_path / "o")])
    assert result.exit_code == 2 and "'--tile-km' applies to '--engine dask'" in result.output
