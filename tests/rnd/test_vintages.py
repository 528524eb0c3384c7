"""Statistical vintages: R&D figures as released, claims judged as of their date, release files,
``rnd show --as-of/--vintages``, and GII rank claims within a tie at the published precision."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from innometrics.claims import GiiData, check_claims
from innometrics.cli import app
from innometrics.datasets import claims_example_path, oecd_rnd_dir, rnd_release_paths
from innometrics.errors import InputError, InvalidParameter
from innometrics.rnd import (
    RELEASE_COLUMNS,
    as_of,
    economy_table,
    load_rnd_vintages,
    read_releases,
    releases,
    timeline,
)
from innometrics.runs import open_run

NO_MC = GiiData(monte_carlo=False)
runner = CliRunner()


def _oecd(var: str, economy: str = "CHN") -> dict[int, float]:
    """One economy's yearly values of an OECD variable, parsed here from the bundled XML."""
    root = ET.parse(oecd_rnd_dir() / f"{var}_V8.txt").getroot()
    return {int(o.get("TIME_PERIOD")): float(o.get("OBS_VALUE")) for s in root.iter()
            if s.tag.endswith("}Series") and s.get("LOCATION") == economy for o in s
            if o.get("TIME_PERIOD") != "2999"}


def _nbs() -> dict[tuple[str, int, str], float]:
    """China's releases, parsed here from the bundled CSV: (measure, year, vintage) → value in
    100 million yuan (amounts) or percent."""
    with open(rnd_release_paths()[0], encoding="utf-8") as handle:
        return {(r["measure"], int(r["year"]), r["vintage"]): float(r["value"])
                for r in csv.DictReader(handle)}


def _check(as_of_date: str | None, *claims: tuple, release_file=None) -> pd.DataFrame:
    """Verdicts on claims ``(id, measure, economy, year, value[, own as_of])``."""
    items = []
    for claim in claims:
        item = dict(zip(("id", "measure", "economy", "year", "value"), claim[:5], strict=True))
        if len(claim) > 5:
            item["as_of"] = claim[5]
        items.append(item)
    data = {"claims": items, **({"as_of": as_of_date} if as_of_date else {})}
    return check_claims(data, gii=NO_MC).table.set_index("id")


# ---------------------------------------------------------------- the press report, dated

def test_press_report_is_consistent_as_of_the_forum_with_its_revisions():
    result = check_claims(claims_example_path(), gii=NO_MC)
    table = result.table.set_index("id")
    rnd = ["cn-gerd-2023", "cn-gerd-growth-2023", "cn-basic-research-2023",
           "cn-basic-research-growth-2023"]
    assert (table.loc[rnd, "verdict"] == "consistent").all()
    assert (table.loc[rnd, "released"] == "2024-02-29").all()
    assert (table["as_of"] == "2024-04-25").all()
    nbs = _nbs()
    growth = table.loc["cn-gerd-growth-2023"]
    expected = 100 * (nbs[("gerd", 2023, "preliminary")] / nbs[("gerd", 2022, "final")] - 1)
    assert growth["found"] == pytest.approx(expected, rel=1e-12)
    # a growth rate combining this year's preliminary figure with last year's final one
    assert growth["vintage"] == ("G_NC 2022 final of 2023-09-18 + G_NC 2023 preliminary of "
                                 "2024-02-29")
    assert "consistent with the figures of 2024-02-29" in growth["note"]
    assert "revised to 8.36% on 2024-10-02" in growth["note"]
    gerd = table.loc["cn-gerd-2023"]
    assert gerd["found"] == pytest.approx(nbs[("gerd", 2023, "preliminary")] * 1e8)
    assert "consistent with the preliminary figures of 2024-02-29" in gerd["note"]
    br = table.loc["cn-basic-research-2023"]
    assert br["found"] == pytest.approx(221.2e9) and br["vintage"] == "preliminary"
    assert "revised to 2.2591e11 on 2024-10-02" in br["note"]
    assert table.loc["cn-basic-research-growth-2023", "found"] == pytest.approx(
        100 * (nbs[("basic_research", 2023, "preliminary")]
               / nbs[("basic_research", 2022, "final")] - 1), rel=1e-12)
    # the release file is an input of the run
    assert rnd_release_paths()[0] in result.inputs


def test_without_a_date_claims_get_todays_verdicts():
    table = _check(None, ("g", "gerd_growth", "CHN", 2023, 8.1),
                   ("i", "gerd_intensity", "CHN", 2023, 2.65))
    nc = _oecd("G_NC")
    assert table.loc["g", "found"] == pytest.approx(100 * (nc[2023] / nc[2022] - 1))
    assert table.loc["g", "verdict"] == "differs"
    assert table.loc["g", "vintage"] == "OECD extract"
    assert table.loc["g", "released"] == "2026-04-13" and table.loc["g", "as_of"] == ""
    # the note says which earlier release the claim matches
    assert "the figures of 2024-02-29" in table.loc["g", "note"]
    assert "gave 8.11%, consistent with the claim" in table.loc["g", "note"]
    assert table.loc["i", "found"] == pytest.approx(_oecd("G_XGDP")[2023])
    assert table.loc["i", "verdict"] == "differs"


# ---------------------------------------------------------------- classes of dates

# 3.33e12 (± 0.005e12) matches the preliminary 3.3278e12, not the final 3.3357e12
CHINA_2023 = (("gerd", "gerd", 3.33e12), ("growth", "gerd_growth", 8.1),
              ("br", "basic_research", 221.2e9), ("brg", "basic_research_growth", 9.3),
              ("int", "gerd_intensity", 2.64), ("int65", "gerd_intensity", 2.65),
              ("int58", "gerd_intensity", 2.58))


@pytest.mark.parametrize(("day", "verdicts"), [
    # before any release of the 2023 figures
    ("2024-02-28", dict.fromkeys(["gerd", "growth", "br", "brg", "int", "int65", "int58"],
                                 "unverifiable")),
    # the day of the preliminary figures, and between them and the final ones
    ("2024-02-29", {"gerd": "consistent", "growth": "consistent", "br": "consistent",
                    "brg": "consistent", "int": "consistent", "int65": "differs",
                    "int58": "differs"}),
    ("2024-07-01", {"gerd": "consistent", "growth": "consistent", "br": "consistent",
                    "brg": "consistent", "int": "consistent", "int65": "differs",
                    "int58": "differs"}),
    # after the final figures
    ("2024-10-02", {"gerd": "differs", "growth": "differs", "br": "differs",
                    "brg": "differs", "int": "differs", "int65": "consistent",
                    "int58": "differs"}),
    ("2025-12-31", {"gerd": "differs", "growth": "differs", "br": "differs",
                    "brg": "differs", "int": "differs", "int65": "consistent",
                    "int58": "differs"}),
    # after the OECD's extract with a revised GDP: the intensity is 2.58%
    ("2026-04-13", {"gerd": "differs", "growth": "differs", "br": "differs",
                    "brg": "differs", "int": "differs", "int65": "differs",
                    "int58": "consistent"}),
])
def test_verdicts_by_date(day, verdicts):
    table = _check(day, *[(i, m, "CHN", 2023, v) for i, m, v in CHINA_2023])
    assert table["verdict"].to_dict() == verdicts
    assert (table["as_of"] == day).all()
    known = table[table["verdict"] != "unverifiable"]
    assert (known["released"] <= day).all() and known["released"].str.len().eq(10).all()


def test_before_any_release_the_note_names_the_first_release():
    table = _check("2024-01-15", ("g", "gerd_growth", "CHN", 2023, 8.1),
                   ("i", "gerd_intensity", "CHN", 2023, 2.64))
    g = table.loc["g"]
    assert g["verdict"] == "unverifiable" and np.isnan(g["found"])
    assert g["vintage"] == "" and g["released"] == ""
    assert "nothing released by 2024-01-15" in g["note"]
    assert "the first release" in g["note"] and "of 2024-02-29" in g["note"]
    assert "Statistical Communique" in g["source"]
    assert "preliminary figures of 2024-02-29 (2.64%)" in table.loc["i", "note"]


def test_a_claims_own_date_overrides_the_files():
    table = _check("2024-04-25", ("before", "gerd_intensity", "CHN", 2023, 2.64),
                   ("after", "gerd_intensity", "CHN", 2023, 2.64, "2024-11-01"))
    assert table.loc["before", "verdict"] == "consistent"
    assert table.loc["after", "verdict"] == "differs"
    assert table.loc["after", "as_of"] == "2024-11-01"
    assert "differs from the final figures of 2024-10-02" in table.loc["after", "note"]
    assert ("the preliminary figures of 2024-02-29 gave 2.64%, consistent with the claim"
            in table.loc["after", "note"])


def test_basic_research_share_from_a_releases_own_figures():
    table = _check("2024-04-25", ("s", "basic_research_share", "CHN", 2023, 6.65),
                   ("late", "basic_research_share", "CHN", 2023, 6.65, "2024-10-02"))
    s = table.loc["s"]
    assert s["verdict"] == "consistent" and s["found"] == pytest.approx(100 * 2212 / 33278)
    assert "100·BR_NC 2023 221,200.0 / G_NC 3,327,800.0" in s["note"]
    assert "revised to 6.77% on 2024-10-02" in s["note"]
    assert table.loc["late", "verdict"] == "differs"
    assert table.loc["late", "found"] == pytest.approx(100 * 2259.1 / 33357.1)


def test_other_economies_and_measures_follow_their_own_releases():
    ppp = _oecd("G_PPP", "DEU")
    table = _check(None, ("early", "gerd_ppp", "DEU", 2019, 1.481e11, "2022-01-01"),
                   ("ncses", "gerd_ppp", "DEU", 2019, 1.481e11, "2023-01-01"),
                   ("oecd", "gerd_ppp", "DEU", 2019, 1.481e11),
                   ("share", "basic_research_share", "USA", 2021, 15.0, "2025-01-01"))
    assert table.loc["early", "verdict"] == "unverifiable"
    assert "2022-04-28" in table.loc["early", "note"]
    assert table.loc["ncses", "vintage"] == "NCSES SEI 2022 table 6307"
    assert table.loc["ncses", "found"] == pytest.approx(148.1e9)
    assert table.loc["oecd", "found"] == pytest.approx(ppp[2019] * 1e6)
    assert table.loc["oecd", "vintage"] == "OECD extract"
    # no release of the US share of 2021 before the OECD extract
    assert table.loc["share", "verdict"] == "unverifiable"
    assert "2026-04-13" in table.loc["share", "note"]


def test_timeline_and_as_of():
    table = load_rnd_vintages()
    figures = timeline(table, "gerd_intensity", "CHN", 2023)
    assert [(f.released, f.vintage) for f in figures] == [
        ("2024-02-29", "preliminary"), ("2024-10-02", "final"),
        ("2026-04-13", "OECD extract")]
    assert [f.value for f in figures[:2]] == [2.64, 2.65]
    assert figures[2].value == pytest.approx(_oecd("G_XGDP")[2023])
    assert timeline(table, "gerd", "CHN", 2031) == []
    early = as_of(table, "2024-03-01")
    assert (early["released"] <= "2024-03-01").all() and len(early) < len(table)
    with pytest.raises(InvalidParameter, match="'as_of' must be a date"):
        as_of(table, "25/04/2024")
    frame = economy_table("CHN", 2022, 2023, as_of="2024-04-25")
    assert frame["gerd_nc"].tolist() == [3078290.0, 3327800.0]
    assert frame["vintage"].tolist() == ["final", "preliminary"]
    assert frame["gerd_growth"].iloc[1] == pytest.approx(100 * (33278 / 30782.9 - 1))
    listing = releases(table, "CHN", 2023, 2023)
    gerd = listing[listing["measure"] == "gerd"]
    assert gerd["vintage"].tolist() == ["preliminary", "final", "OECD extract"]


# ---------------------------------------------------------------- release files

HEADER = ",".join(RELEASE_COLUMNS)


def _release_file(tmp_path, *rows: str, name: str = "releases.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_users_release_file_is_used_by_claims_and_rnd_show(tmp_path):
    path = _release_file(
        tmp_path, "DEU,gerd,2023,129.7,billion EUR,preliminary,2024-03-15,Destatis press release",
        "DEU,gerd,2023,129.7,billion EUR,preliminary,2024-03-15,Destatis press release")
    read = read_releases(path)
    assert len(read) == 1 and read["value"].item() == pytest.approx(129700.0)
    assert read["variable"].item() == "G_NC" and read["unit"].item() == (
        "national currency, millions")
    (tmp_path / "claims.yaml").write_text(
        "as_of: 2024-04-01\nvintages: releases.csv\nclaims:\n"
        "  - {id: de, measure: gerd, economy: DEU, year: 2023, value: 1.3e11}\n"
        "  - {id: de-late, measure: gerd, economy: DEU, year: 2023, value: 1.3e11, "
        "as_of: 2026-05-01}\n", encoding="utf-8")
    result = check_claims(tmp_path / "claims.yaml", gii=NO_MC)
    table = result.table.set_index("id")
    assert table.loc["de", "verdict"] == "consistent"
    assert table.loc["de", "source"].startswith("Destatis press release")
    assert table.loc["de-late", "vintage"] == "OECD extract"
    assert table.loc["de-late", "found"] == pytest.approx(_oecd("G_NC", "DEU")[2023] * 1e6)
    assert path in result.inputs
    run = open_run(result.write(tmp_path / "checked"))
    assert any(i["path"].endswith("releases.csv") for i in run.manifest["inputs"])
    out = runner.invoke(app, ["rnd", "show", "DEU", "--from", "2023", "--to", "2023",
                              "--as-of", "2024-04-01", "--vintages-file", str(path)])
    assert out.exit_code == 0, out.output
    assert "129700" in out.output and "2024-03-15" in out.output


def test_a_release_file_may_be_a_workbook(tmp_path):
    import datetime

    path = tmp_path / "releases.xlsx"
    pd.DataFrame([{"economy": "DEU", "measure": "gerd", "year": 2023, "value": 129.7,
                   "unit": "billion EUR", "vintage": "preliminary",
                   "released": datetime.datetime(2024, 3, 15), "source": "Destatis"}]
                 ).to_excel(path, index=False)
    read = read_releases(path)
    assert read[["year", "value", "released"]].iloc[0].tolist() == [2023, 129700.0,
                                                                     "2024-03-15"]


def _row(**changes: str) -> str:
    cells = {"economy": "CHN", "measure": "gerd", "year": "2023", "value": "33300",
             "unit": "100 million CNY", "vintage": "revised", "released": "2025-01-10",
             "source": "NBS yearbook"}
    cells.update(changes)
    return ",".join(cells[c] for c in RELEASE_COLUMNS)


BAD_RELEASES = {
    "no source": ([_row(source="")], ["row 2", "source", "no source"]),
    "no date": ([_row(released="")], ["row 2", "released", "no released"]),
    "not a date": ([_row(released="10/01/2025")], ["row 2", "is not a date", "YYYY-MM-DD"]),
    "future date": ([_row(released="2999-01-01")], ["after today"]),
    "year after its release": ([_row(year="2026", released="2025-01-10")],
                               ["year 2026 released on 2025-01-10"]),
    "conflicting duplicate": ([_row(), _row(value="33400")],
                              ["row 3", "is 3.33e+06 in row 2 and 3.34e+06 here"]),
    "derived measure": ([_row(measure="gerd_growth", unit="percent")],
                        ["'gerd_growth' is derived", "growth rates are computed"]),
    "unknown measure": ([_row(measure="gerd_real")], ["'gerd_real' is unknown"]),
    "wrong currency": ([_row(unit="100 million USD")], ["unit '100 million USD'",
                                                        "million CNY"]),
    "percent unit": ([_row(measure="gerd_intensity", value="2.6", unit="percent")],
                     ["percent of GDP"]),
    "not a number": ([_row(value="3.3 trillion")], ["value '3.3 trillion' is not a number"]),
    "unknown economy": ([_row(economy="CHA")], ["'CHA' is not an ISO3 code"]),
}


@pytest.mark.parametrize("case", list(BAD_RELEASES))
def test_bad_release_rows_are_refused(tmp_path, case):
    rows, words = BAD_RELEASES[case]
    path = _release_file(tmp_path, *rows)
    with pytest.raises(InputError) as info:
        read_releases(path)
    message = str(info.value)
    assert "releases.csv" in message and "Fix:" in message and "\n" not in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(("header", "words"), [
    (HEADER + ",value", ["column 'value' appears twice (columns 4 and 9)"]),
    (HEADER + ",comment", ["unknown column 'comment'"]),
    (HEADER.replace(",source", ""), ["no column source"]),
])
def test_bad_release_headers_are_refused(tmp_path, header, words):
    cells = dict(zip(RELEASE_COLUMNS, _row().split(","), strict=True))
    path = tmp_path / "releases.csv"
    path.write_text(header + "\n" + ",".join(cells.get(n, "x") for n in header.split(","))
                    + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_releases(path)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_a_release_conflicting_with_a_bundled_one_is_refused(tmp_path):
    path = _release_file(tmp_path, _row(value="33300", vintage="preliminary",
                                        released="2024-02-29"))
    with pytest.raises(InputError, match="is 3.33e\\+06 here and 3.3278e\\+06 in the "
                                         "bundled R&D data"):
        load_rnd_vintages([path])
    # the same figure as bundled is no conflict
    same = _release_file(tmp_path, _row(value="33278", vintage="preliminary",
                                        released="2024-02-29"), name="same.csv")
    assert len(load_rnd_vintages([same])) == len(load_rnd_vintages())


def test_a_released_amount_newer_than_the_oecds_is_used(tmp_path):
    path = _release_file(tmp_path, _row(measure="basic_research", value="2260",
                                        released="2026-06-01"))
    table = _check(None, ("br", "basic_research", "CHN", 2023, 226e9))
    assert table.loc["br", "vintage"] == "OECD extract"
    (tmp_path / "c.yaml").write_text(
        "vintages: [releases.csv]\nclaims:\n"
        "  - {id: br, measure: basic_research, economy: CHN, year: 2023, value: 226e9}\n",
        encoding="utf-8")
    row = check_claims(tmp_path / "c.yaml", gii=NO_MC).table.iloc[0]
    assert row["found"] == pytest.approx(226e9) and row["vintage"] == "revised"
    assert "BR_NC 2023 (basic research as released)" in row["note"]
    assert path.name in row["source"] or row["source"].startswith("NBS yearbook")


@pytest.mark.parametrize(("text", "words"), [
    ("as_of: 25 April 2024\nclaims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, "
     "value: 1}\n", ["line 1", "as_of '25 April 2024' is not a date"]),
    ("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, value: 1, "
     "as_of: 2024-02-30}\n", ["claim 'a'", "as_of '2024-02-30' is not a date"]),
    ("vintages: nowhere.csv\nclaims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, "
     "value: 1}\n", ["line 1", "vintages file 'nowhere.csv' not found"]),
    ("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, value: 1,\n"
     "     value: 2}\n", ["line 3", "key 'value' appears twice", "first on line 2"]),
])
def test_bad_dates_and_vintage_keys_in_claims_files(tmp_path, text, words):
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_claims(path, gii=NO_MC)
    message = str(info.value)
    assert message.startswith("claims.yaml") and "\n" not in message
    for word in words:
        assert word in message, message


def test_a_table_without_release_dates_cannot_judge_a_dated_claim():
    from innometrics.rnd import load_rnd

    plain = load_rnd()
    ok = check_claims({"claims": [{"id": "g", "measure": "gerd", "economy": "CHN",
                                   "year": 2023, "value": 3.3e12}]}, rnd=plain)
    assert ok.table["verdict"].item() == "consistent"
    with pytest.raises(InputError, match="needs release dates"):
        check_claims({"as_of": "2024-04-25", "claims": [
            {"id": "g", "measure": "gerd", "economy": "CHN", "year": 2023, "value": 3.3e12}]},
            rnd=plain)


# ---------------------------------------------------------------- rnd show

def test_rnd_show_as_of_and_vintages(tmp_path):
    out = runner.invoke(app, ["rnd", "show", "CHN", "--from", "2022", "--to", "2023",
                              "--as-of", "2024-04-25"])
    assert out.exit_code == 0, out.output
    assert "as known on 2024-04-25" in out.output and "3327800" in out.output
    assert "3335707" not in out.output
    target = tmp_path / "releases.csv"
    out = runner.invoke(app, ["rnd", "show", "CHN", "--from", "2023", "--to", "2023",
                              "--vintages", "--out", str(target)])
    assert out.exit_code == 0, out.output
    listing = pd.read_csv(target)
    gerd = listing[listing["measure"] == "gerd"]
    assert gerd["vintage"].tolist() == ["preliminary", "final", "OECD extract"]
    assert gerd["released"].tolist() == ["2024-02-29", "2024-10-02", "2026-04-13"]
    bad = runner.invoke(app, ["rnd", "show", "CHN", "--as-of", "2024-02-31"])
    assert bad.exit_code == 2 and "'--as-of' must be a date" in bad.output


# ---------------------------------------------------------------- GII ties

@pytest.mark.parametrize(("economy", "edition", "claimed", "verdict", "span"), [
    ("DEU", 2021, 10, "consistent", "ranks 9–10"),
    ("DEU", 2021, 9, "consistent", "ranks 9–10"),
    ("DNK", 2021, 11, "differs", "ranks 9–10"),
    ("USA", 2018, 6, "consistent", "ranks 5–6"),
    ("ISR", 2022, 18, "consistent", "ranks 16–18"),
    ("EST", 2022, 15, "differs", "ranks 16–18"),
])
def test_a_rank_within_a_tie_at_the_published_precision_is_consistent(
        economy, edition, claimed, verdict, span):
    row = _check(None, ("r", "gii_rank", economy, edition, claimed)).loc["r"]
    assert row["verdict"] == verdict
    assert f"{span} tied at the published precision" in row["note"]


def test_an_untied_rank_is_still_exact():
    row = _check(None, ("r", "gii_rank", "CHN", 2022, 12)).loc["r"]
    assert row["verdict"] == "differs" and "tied" not in row["note"]


def test_a_date_object_is_a_date():
    import datetime

    row = check_claims({"as_of": datetime.date(2024, 4, 25), "claims": [
        {"id": "g", "measure": "gerd_growth", "economy": "CHN", "year": 2023, "value": 8.1}]},
        gii=NO_MC).table.iloc[0]
    assert row["as_of"] == "2024-04-25" and row["verdict"] == "consistent"
