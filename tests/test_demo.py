"""`innometrics demo`: GII 2021 and 2022 from the bundled pillar scores, with China's rank
and its Monte Carlo interval."""

from __future__ import annotations

import re

import pandas as pd
from typer.testing import CliRunner

from innometrics.cli import app


def test_demo_prints_china_ranks_and_intervals(tmp_path):
    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["demo", "--out", str(out)], env={"COLUMNS": "120"})
    assert run.exit_code == 0, run.output
    assert "China: rank 12 of 132" in run.output
    assert "China: rank 11 of 132" in run.output
    intervals = re.findall(r"90% interval \[(\d+), (\d+)\]", run.output)
    assert len(intervals) == 2
    for (low, high), rank in zip(intervals, (12, 11), strict=True):
        assert int(low) <= rank <= int(high)
    for edition in (2021, 2022):
        scores = pd.read_csv(out / f"gii-{edition}" / "scores.csv")
        assert list(scores.columns) == ["uCode", "IN.1", "IN.2", "IN.3", "IN.4", "IN.5",
                                        "OUT.6", "OUT.7", "IN", "OUT", "GII"]
        assert (out / f"gii-{edition}-uncertainty" / "rank_intervals.csv").exists()
    # the cluster part runs on synthetic records and says so in the output and in every file
    assert "SYNTHETIC" in run.output
    clusters = pd.read_csv(out / "clusters-synthetic" / "clusters.csv")
    assert clusters["synthetic"].all() and clusters["rank"].iloc[:10].tolist() == list(range(1, 11))
