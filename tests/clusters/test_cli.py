"""CLI contract: file names and columns; synthetic label; one-line errors; atomic outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from innometrics.clusters.cli import app
from innometrics.clusters.ranking import CLUSTER_COLUMNS

runner = CliRunner()


def test_synth_rank_detect(tmp_path):
    data = tmp_path / "synth.parquet"
    res = runner.invoke(app, ["synth", "--points", "8000", "--seed", "3", "--out", str(data),
                              "--cities", "30"])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC" in res.output
    df = pd.read_parquet(data)
    assert {"true_cluster", "synthetic"} <= set(df.columns) and df["synthetic"].all()

    out = tmp_path / "ranked"
    res = runner.invoke(app, ["rank", str(data), "--out", str(out), "--patent-min-weight", "8",
                              "--publication-min-weight", "8", "--top-n", "5"])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC" in res.output
    clusters = pd.read_csv(out / "clusters.csv")
    assert list(clusters.columns[:len(CLUSTER_COLUMNS)]) == CLUSTER_COLUMNS
    assert clusters["synthetic"].all() and len(clusters) > 5
    assign = pd.read_parquet(out / "assignments.parquet")
    assert list(assign.columns[:3]) == ["id", "kind", "cluster_id"]
    assert len(assign) == 8000 and (assign["cluster_id"] >= -1).all()
    assert set(assign["cluster_id"]) - {-1} == set(clusters["cluster_id"])
    for extra in ("economies.csv", "intensity.csv", "excluded.csv", "manifest.json"):
        assert (out / extra).exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "clusters-rank"
    assert manifest["settings"]["patent_min_weight"] == 8
    assert manifest["inputs"][0]["sha256"]

    det = tmp_path / "detected"
    res = runner.invoke(app, ["detect", str(data), "--eps-km", "8", "--min-weight", "8",
                              "--kind", "publication", "--out", str(det)])
    assert res.exit_code == 0, res.output
    d = pd.read_csv(det / "clusters.csv")
    assert list(d.columns[:len(CLUSTER_COLUMNS)]) == CLUSTER_COLUMNS
    assert (d["patents"] == 0).all()


def test_bad_records_one_line_and_out_untouched(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon,kind\na,1,1,patent\nb,99,1,patent\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["detect", str(bad), "--eps-km", "5", "--min-weight", "1",
                              "--out", str(out)])
    assert res.exit_code == 2
    text = " ".join(res.output.split())
    assert "row 3, column 'lat'" in text and "latitude outside" in text
    assert not out.exists()
    res = runner.invoke(app, ["detect", str(bad), "--eps-km", "5", "--min-weight", "1",
                              "--out", str(out), "--drop-invalid"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())  # rich wraps lines
    assert "1 excluded" in text and "1 × latitude outside" in text and out.exists()


def test_import_commands_write_records_and_exclusions(tmp_path):
    fixtures = Path(__file__).parent / "fixtures"
    pv = tmp_path / "pv.parquet"
    res = runner.invoke(app, ["import-patentsview", str(fixtures / "g_inventor_disambiguated.tsv"),
                              str(fixtures / "g_location_disambiguated.tsv"), "--out", str(pv)])
    assert res.exit_code == 0, res.output
    records = pd.read_parquet(pv)
    assert list(records.columns[:5]) == ["id", "lat", "lon", "kind", "weight"]
    assert (records["kind"] == "patent").all()
    excluded = pd.read_csv(tmp_path / "pv.excluded.csv")
    assert len(records) + len(excluded) == len(pd.read_csv(
        fixtures / "g_inventor_disambiguated.tsv", sep="\t"))

    oa = tmp_path / "oa.csv"
    res = runner.invoke(app, ["import-openalex", str(fixtures / "openalex_works.jsonl"),
                              str(fixtures / "openalex_institutions.csv"), "--out", str(oa)])
    assert res.exit_code == 0, res.output
    pubs = pd.read_csv(oa)
    assert (pubs["kind"] == "publication").all() and (tmp_path / "oa.excluded.csv").exists()
    # the imported file is a valid input of the ranking
    res = runner.invoke(app, ["detect", str(oa), "--eps-km", "50", "--min-weight", "0.5",
                              "--out", str(tmp_path / "det")])
    assert res.exit_code == 0, res.output


def test_import_missing_column_is_one_line(tmp_path):
    bad = tmp_path / "inventors.csv"
    bad.write_text("patent_id,inventor_sequence\n1,0\n")
    fixtures = Path(__file__).parent / "fixtures"
    res = runner.invoke(app, ["import-patentsview", str(bad),
                              str(fixtures / "g_location_disambiguated.tsv"),
                              "--out", str(tmp_path / "r.parquet")])
    assert res.exit_code == 2
    assert "location_id" in res.output and not (tmp_path / "r.parquet").exists()


def test_rank_with_world_defaults_on_a_small_file_says_why_nothing_clustered(tmp_path):
    data = tmp_path / "small.csv"
    runner.invoke(app, ["synth", "--points", "2000", "--out", str(data)])
    res = runner.invoke(app, ["rank", str(data), "--out", str(tmp_path / "r")],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "No cluster found" in text and "min weight 2,000.0" in text
    assert pd.read_csv(tmp_path / "r" / "clusters.csv").empty


def test_rank_with_document_column_records_how_it_ran(tmp_path):
    data = tmp_path / "docs.jsonl"
    rows = [{"id": i, "doc": f"P{i // 3}", "lat": 48.0 + 0.001 * (i % 5), "lon": 11.0,
             "kind": "patent" if i % 2 else "publication"} for i in range(60)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "ranked"
    res = runner.invoke(app, ["rank", str(data), "--out", str(out), "--document-column", "doc",
                              "--patent-min-weight", "2", "--publication-min-weight", "2"])
    assert res.exit_code == 0, res.output
    clusters = pd.read_csv(out / "clusters.csv")
    total = clusters["patents"].sum() + clusters["publications"].sum()
    assert total == pytest.approx(20)  # 20 documents of 3 rows, 1/3 each
    assign = pd.read_parquet(out / "assignments.parquet")
    assert assign["id"].tolist() == list(range(60))  # integer ids, input order
    settings = json.loads((out / "manifest.json").read_text())["settings"]
    assert settings["document_column"] == "doc" and settings["merge_km_used"] == 13.0
    assert settings["engine"] == "numba" and settings["patent_min_weight"] == 2
