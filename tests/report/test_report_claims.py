"""The report's claims section: verdicts and each R&D claim's vintage timeline."""

from __future__ import annotations

from innometrics.claims import GiiData, check_claims
from innometrics.datasets import claims_example_path
from innometrics.report import render_report
from innometrics.report.claims_section import claims_section
from innometrics.runs import open_run


def test_claims_section_shows_each_rnd_claims_vintage_timeline(tmp_path):
    result = check_claims(claims_example_path(), gii=GiiData(monte_carlo=False))
    run = open_run(result.write(tmp_path / "checked"))
    section = claims_section(run)
    assert section.kind == "claims"
    assert len(section.verdicts.rows) == 6
    ids = [fig.figure["layout"]["title"]["text"].split(":")[0] for fig, _ in section.timelines]
    assert ids == ["cn-gerd-2023", "cn-gerd-growth-2023", "cn-basic-research-2023",
                   "cn-basic-research-growth-2023"]
    fig, table = section.timelines[1]
    releases, claimed = fig.figure["data"][0], fig.figure["data"][1]
    assert releases["x"] == ["2024-02-29", "2024-10-02", "2026-04-13"]
    assert round(releases["y"][0], 2) == 8.11 and claimed["y"] == [8.1, 8.1]
    assert fig.figure["layout"]["shapes"][0]["x0"] == "2024-04-25"   # the claim date
    # the table lists each release and the claim date between them
    assert [row[1][0] for row in table.rows] == [
        "G_NC 2022 final of 2023-09-18 + G_NC 2023 preliminary of 2024-02-29", "claim date",
        "G_NC 2022 final of 2023-09-18 + G_NC 2023 final of 2024-10-02", "OECD extract"]
    page = render_report([run])
    assert "Vintage timelines of the R&amp;D claims" in page
    assert page.count('class="chart chart-timeline"') == 4
