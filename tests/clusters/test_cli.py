"""CLI contract: file names and columns; synthetic label; one-line errors; atomic outputs."""

from __future__ import annotations

import pandas as pd
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
    for extra in ("economies.csv", "intensity.csv", "excluded.csv", "settings.json"):
        assert (out / extra).exists()

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
