"""`innometrics demo`: GII 2023 rebuilt from WIPO's workbook beside WIPO's values, China's rank
intervals, GII 2021/2022 from pillar scores, the press claims checked, synthetic clusters."""

from __future__ import annotations

import re

import pandas as pd
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.runs import open_run


def test_demo_on_bundled_data(tmp_path):
    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert run.exit_code == 0, run.output
    text = " ".join(run.output.split())
    assert "│ 12 │ CHN │ China │ 55.31 │ 55.31 │ 12 │" in text
    assert "13,468 of 13,468 published scores" in text and "every GII rank equal: yes" in text
    intervals = re.findall(r"90% interval \[(\d+), (\d+)\]", text)
    assert len(intervals) == 4  # GII 2023, 2021, 2022, and the 2023 rank claim
    for (low, high), rank in zip(intervals, (12, 12, 11, 12), strict=True):
        assert int(low) <= rank <= int(high)
    assert "China rank 12 of 132 (GII 54.79)" in text and "China rank 11 of 132" in text
    assert open_run(out).kind == "demo"
    assert open_run(out / "gii-2023").kind == "gii-import"
    assert (out / "gii-2023" / "report.html").exists()
    claims = open_run(out / "claims").table("claims").set_index("id")
    # the press report's four R&D claims, dated 2024-04-25, match the figures out then
    rnd = ["cn-gerd-2023", "cn-gerd-growth-2023", "cn-basic-research-2023",
           "cn-basic-research-growth-2023"]
    assert (claims.loc[rnd, "verdict"] == "consistent").all()
    assert "revised to 8.36% on 2024-10-02" in claims.loc["cn-gerd-growth-2023", "note"]
    assert claims.loc["cn-gii-rank-2023", "verdict"] == "consistent"
    for edition in (2021, 2022):
        scores = pd.read_csv(out / f"gii-{edition}" / "scores.csv")
        assert list(scores.columns) == ["uCode", "IN.1", "IN.2", "IN.3", "IN.4", "IN.5",
                                        "OUT.6", "OUT.7", "IN", "OUT", "GII"]
        assert (out / f"gii-{edition}-uncertainty" / "rank_intervals.csv").exists()
    # China's GII rank 2011-2023 from the atlas, its significant moves named
    atlas = pd.read_csv(out / "gii-atlas" / "atlas.csv")
    china = atlas[atlas["uCode"] == "CHN"].set_index("edition")
    assert china.index.tolist() == list(range(2011, 2024))
    assert china.loc[2023, "rank"] == 12 and china.loc[2011, "rank"] == 29
    assert "Significant moves of China" in text
    # the cluster part runs on synthetic records and says so in the output and in every file
    assert "SYNTHETIC" in run.output
    clusters = pd.read_csv(out / "clusters-synthetic" / "clusters.csv")
    assert clusters["synthetic"].all() and clusters["rank"].iloc[:10].tolist() == list(range(1, 11))
    # a second run replaces the first (it is a demo run)
    assert CliRunner().invoke(app, ["demo", "--out", str(out), "-q"]).exit_code == 0
