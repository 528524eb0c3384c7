"""The claim checker: the press report's claims, precision, GII ranks, clusters runs and bad
claims files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from one_line import assert_one_line_error

import innometrics.datasets as ds
from innometrics.claims import (
    CLAIM_COLUMNS,
    RANK_COLUMNS,
    VERDICTS,
    GiiData,
    check_claims,
    load_claims,
    stated_unit,
)
from innometrics.datasets import claims_example_path, load_gii_panel, oecd_rnd_dir
from innometrics.errors import InputError, InvalidParameter
from innometrics.gii import gii_published

FAST = GiiData(runs=200)


def _raw(var: str) -> dict[int, float]:
    """China's yearly values of one OECD variable, parsed here from the bundled XML."""
    root = ET.parse(oecd_rnd_dir() / f"{var}_V8.txt").getroot()
    return {int(o.get("TIME_PERIOD")): float(o.get("OBS_VALUE")) for s in root.iter()
            if s.tag.endswith("}Series") and s.get("LOCATION") == "CHN" for o in s
            if o.get("TIME_PERIOD") != "2999"}


@pytest.fixture(scope="module")
def press():
    return check_claims(claims_example_path("press_report_2023"), gii=FAST)


def undated_press_claims() -> dict:
    """The press report's claims without their date (judged against the latest figures)."""
    import yaml

    data = yaml.safe_load(claims_example_path("press_report_2023").read_text("utf-8"))
    data.pop("as_of")
    return data


@pytest.fixture(scope="module")
def press_latest():
    return check_claims(undated_press_claims(), gii=GiiData(monte_carlo=False))


# ---------------------------------------------------------------- the press report

def test_press_claims_every_claim_has_a_verdict_and_a_source(press):
    table = press.table
    assert list(table.columns[:len(CLAIM_COLUMNS)]) == CLAIM_COLUMNS
    assert set(RANK_COLUMNS) <= set(table.columns)
    assert table["id"].tolist() == ["cn-gerd-2023", "cn-gerd-growth-2023",
                                    "cn-basic-research-2023", "cn-basic-research-growth-2023",
                                    "cn-gii-rank-2023", "cn-clusters-2023"]
    assert table["verdict"].isin(VERDICTS).all()
    for row in table.itertuples():
        # a verifiable claim names its source series; an unverifiable one what is needed
        assert row.source if row.verdict != "unverifiable" else "needs" in row.note
        assert row.note
    assert press.tables()["claims.csv"] is press.table
    timelines = press.tables()["timelines.csv"]
    assert set(timelines["id"]) == {"cn-gerd-2023", "cn-gerd-growth-2023",
                                    "cn-basic-research-2023", "cn-basic-research-growth-2023"}
    assert timelines[timelines["id"] == "cn-gerd-2023"]["released"].tolist() == [
        "2024-02-29", "2024-10-02", "2026-04-13"]
    # dated 2024-04-25, the four R&D claims match the preliminary figures out then
    assert press.counts() == {"consistent": 5, "differs": 0, "unverifiable": 1}
    assert set(table["as_of"]) == {"2024-04-25"}


def test_press_rnd_claims_find_the_final_figures(press_latest):
    press = press_latest
    assert press.counts() == {"consistent": 2, "differs": 3, "unverifiable": 1}
    nc, share = _raw("G_NC"), _raw("G_BRXG")
    br = {y: nc[y] * share[y] / 100 for y in nc if y in share}
    expected = {
        "cn-gerd-2023": nc[2023] * 1e6,
        "cn-gerd-growth-2023": 100 * (nc[2023] / nc[2022] - 1),
        "cn-basic-research-2023": br[2023] * 1e6,
        "cn-basic-research-growth-2023": 100 * (br[2023] / br[2022] - 1),
    }
    table = press.table.set_index("id")
    for claim_id, value in expected.items():
        assert table.loc[claim_id, "found"] == pytest.approx(value, rel=1e-12), claim_id
        assert table.loc[claim_id, "source"].startswith("OECD MSTI via STI Scoreboard")
    # the preliminary figures of the press report differ from the final ones ...
    for claim_id in ("cn-gerd-growth-2023", "cn-basic-research-2023",
                     "cn-basic-research-growth-2023"):
        assert table.loc[claim_id, "verdict"] == "differs", claim_id
    # ... except GERD itself: 3,335,706.9 million yuan is 3.3 trillion at the precision the
    # claim states (3.3e12 ± 0.05e12); claiming "3.30e12" would state a digit more
    assert table.loc["cn-gerd-2023", "verdict"] == "consistent"
    assert "3,335,706.9 million CNY" in table.loc["cn-gerd-2023", "note"]
    assert "claim 3.3e12 ± 0.05e12" in table.loc["cn-gerd-2023", "note"]
    assert "3,335,706.9 / G_NC 2022 3,078,288.2" in table.loc["cn-gerd-growth-2023", "note"]
    assert "G_BRXG 6.773%" in table.loc["cn-basic-research-2023", "note"]
    assert table.loc["cn-basic-research-2023", "tolerance"] == pytest.approx(0.05e9)


def test_press_gii_claim_from_wipos_workbook_and_clusters_claim_unverifiable(press):
    table = press.table.set_index("id")
    row = table.loc["cn-gii-rank-2023"]
    assert row["verdict"] == "consistent" and row["found"] == 12
    assert "WIPO's data workbook" in row["source"]
    assert row["rank_q05"] <= row["rank_median"] <= row["rank_q95"]
    assert "impute none vs em" in press.settings["gii_monte_carlo"]["2023"]
    assert table.loc["cn-clusters-2023", "verdict"] == "unverifiable"
    assert "clusters run" in table.loc["cn-clusters-2023", "note"]


def test_more_digits_make_gerd_differ():
    result = check_claims({"claims": [
        {"id": "a", "measure": "gerd", "economy": "CHN", "year": 2023, "value": "3.30e12"},
        {"id": "b", "measure": "gerd", "economy": "CHN", "year": 2023, "value": "3.34e12"},
        {"id": "c", "measure": "gerd", "economy": "CHN", "year": 2023, "value": 3.3e12,
         "precision": 1e10}]})
    assert result.table["verdict"].tolist() == ["differs", "consistent", "differs"]


# ---------------------------------------------------------------- precision

@pytest.mark.parametrize(("stated", "unit"), [
    ("8.1", 0.1), ("3.3e12", 1e11), ("3.3E+12", 1e11), ("3300000000000", 1e11),
    ("3300000000000.0", 0.1), ("221.2e9", 1e8), ("12", 1.0), ("0.05", 0.01), ("2.580", 0.001),
    ("-1.5", 0.1), ("1.5e-3", 1e-4), ("0", 1.0),
])
def test_stated_unit(stated, unit):
    assert stated_unit(stated) == pytest.approx(unit, rel=1e-12)


@pytest.mark.parametrize("written", ["3.3e12", "3.3e+12", "'3.3e12'", "3300000000000"])
def test_precision_from_yaml_text(tmp_path, written):
    path = tmp_path / "c.yaml"
    path.write_text("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, "
                    f"value: {written}}}\n")
    claim = load_claims(path).claims[0]
    assert claim.value == 3.3e12 and claim.tolerance == pytest.approx(0.05e12)


def test_precision_from_python_values_and_override():
    claims = load_claims({"claims": [
        {"id": "a", "measure": "gerd_growth", "economy": "CHN", "year": 2023, "value": 8.1},
        {"id": "b", "measure": "gerd", "economy": "CHN", "year": 2023, "value": 3.3e12},
        {"id": "c", "measure": "gerd_growth", "economy": "CHN", "year": 2023, "value": 8,
         "precision": 0.01},
        {"id": "d", "measure": "gii_rank", "economy": "CHN", "year": 2022, "value": 11}]})
    tolerances = [c.tolerance for c in claims.claims]
    assert tolerances == pytest.approx([0.05, 0.05e12, 0.005, 0.0])


# ---------------------------------------------------------------- GII

def test_gii_published_ranks():
    panel = load_gii_panel()
    for edition in (2013, 2021, 2022):
        table = gii_published(edition)
        scores = panel.loc[panel["edition"] == edition].set_index("uCode")["GII_published"]
        for code, rank in zip(table["uCode"], table["rank"], strict=True):
            assert rank == 1 + (scores > scores[code]).sum()
    assert gii_published(2022).set_index("uCode").loc["CHN", "rank"] == 11
    assert gii_published(2021).set_index("uCode").loc["CHN", "rank"] == 12
    assert gii_published(2018).set_index("uCode").loc["MYS", "score"] == 43.16  # erratum
    with pytest.raises(ValueError, match="not bundled"):
        gii_published(2031)


def test_gii_rank_claim_with_monte_carlo_interval():
    result = check_claims({"claims": [
        {"id": "r", "measure": "gii_rank", "economy": "CHN", "year": 2022, "value": 11},
        {"id": "r2", "measure": "gii_rank", "economy": "CHN", "year": 2022, "value": 12},
        {"id": "s", "measure": "gii_score", "economy": "CHN", "year": 2021, "value": 54.8},
        {"id": "x", "measure": "gii_rank", "economy": "AND", "year": 2022, "value": 99},
        {"id": "old", "measure": "gii_rank", "economy": "CHN", "year": 2009, "value": 37}]},
        gii=FAST)
    table = result.table.set_index("id")
    assert table["verdict"].tolist() == ["consistent", "differs", "consistent",
                                         "unverifiable", "unverifiable"]
    r = table.loc["r"]
    assert r["found"] == 11 and r["rank_q05"] <= 11 <= r["rank_q95"]
    assert "Monte Carlo rank (200 runs" in r["note"] and "90% interval" in r["note"]
    assert np.isnan(table.loc["s", "rank_median"])
    assert "not in GII 2022" in table.loc["x", "note"]
    assert "GII 2009 data not bundled (bundled editions 2011-2023)" in table.loc["old", "note"]
    assert result.settings["gii_monte_carlo"]["2022"].startswith("200 runs, seed 1")
    off = check_claims({"claims": [{"id": "r", "measure": "gii_rank", "economy": "CHN",
                                    "year": 2022, "value": 11}]},
                       gii=GiiData(monte_carlo=False))
    assert np.isnan(off.table["rank_q05"].item())


def test_gii_bundle_plugs_in(tmp_path, monkeypatch):
    """A datasets/gii_<edition>/scores.csv bundle makes that edition's claims verifiable."""
    here = tmp_path / "datasets"
    here.mkdir()
    for name in ("gii_panel", "gii_2023", "oecd_rnd", "ncses_rnd", "claims"):
        (here / name).symlink_to(ds._here() / name)
    (here / "gii_2024").mkdir()
    pd.DataFrame({"uCode": ["CHE", "SWE", "USA", "CHN"],
                  "uName": ["Switzerland", "Sweden", "United States", "China"],
                  "score": [67.5, 64.5, 62.4, 56.3],
                  "rank": [1, 2, 3, 11]}).to_csv(here / "gii_2024" / "scores.csv", index=False)
    monkeypatch.setattr(ds, "_here", lambda: here)
    assert 2024 in ds.gii_editions()
    result = check_claims({"claims": [{"id": "r", "measure": "gii_rank", "economy": "CHN",
                                       "year": 2024, "value": 11}]}, gii=FAST)
    row = result.table.set_index("id").loc["r"]
    assert row["verdict"] == "consistent" and row["found"] == 11
    assert "datasets/gii_2024" in row["source"]
    assert np.isnan(row["rank_q05"])  # no recipe for that edition: no interval


# ---------------------------------------------------------------- clusters

def _run(tmp_path, *, synthetic: bool, china: int = 24, cross: int = 1):
    rows = []
    for rank in range(1, 121):
        economies = "USA"
        if rank <= china - cross:
            economies = "CHN"
        elif rank <= china:
            economies = "HKG;CHN"  # a cross-border cluster counts for both
        elif rank > 100 and rank <= 105:
            economies = "CHN"  # outside the top 100: not counted
        rows.append({"cluster_id": rank, "name": f"c{rank}", "economies": economies,
                     "patents": 1.0, "publications": 1.0, "patent_share": 0.0,
                     "publication_share": 0.0, "score": 1.0 / rank, "rank": rank,
                     "synthetic": synthetic})
    folder = tmp_path / ("synthetic" if synthetic else "real")
    folder.mkdir()
    pd.DataFrame(rows).to_csv(folder / "clusters.csv", index=False)
    return folder


def test_clusters_claims(tmp_path):
    claims = {"claims": [{"id": "c", "measure": "clusters_in_top100", "economy": "CHN",
                          "year": 2023, "value": 24}]}
    real = check_claims(claims, clusters_run=_run(tmp_path, synthetic=False))
    row = real.table.iloc[0]
    assert row["verdict"] == "consistent" and row["found"] == 24
    assert real.inputs[-1].name == "clusters.csv"
    fake = check_claims(claims, clusters_run=_run(tmp_path, synthetic=True))
    assert fake.table["verdict"].item() == "unverifiable"
    assert "synthetic" in fake.table["note"].item()
    with pytest.raises(InputError, match="no clusters.csv"):
        check_claims(claims, clusters_run=tmp_path / "nowhere")


def test_clusters_run_key_is_relative_to_the_file(tmp_path):
    _run(tmp_path, synthetic=False, china=20)
    path = tmp_path / "claims.yaml"
    path.write_text("clusters_run: real\nclaims:\n  - {id: c, measure: clusters_in_top100, "
                    "economy: CHN, year: 2023, value: 24}\n")
    row = check_claims(path).table.iloc[0]
    assert row["verdict"] == "differs" and row["found"] == 20


# ---------------------------------------------------------------- other verdicts

def test_unverifiable_rnd_claim_says_what_is_needed():
    row = check_claims({"claims": [{"id": "i", "measure": "gerd", "economy": "IND",
                                    "year": 2023, "value": 1e12}]}).table.iloc[0]
    assert row["verdict"] == "unverifiable" and np.isnan(row["found"])
    assert "IND is not covered" in row["note"] and "needs GERD in national currency" in row["note"]


# ---------------------------------------------------------------- bad claims files

GOOD = "{id: a, measure: gerd, economy: CHN, year: 2023, value: 3.3e12}"
BAD_FILES = {
    "bad yaml": ("claims:\n  - {id: a, value: [1, 2}\n", ["line 2", "not valid YAML"]),
    "empty file": ("", ["empty"]),
    "not a list": ("claims: 3\n", ["line 1", "not a non-empty list"]),
    "no claims": ("title: x\n", ["no 'claims' list"]),
    "unknown top key": (f"claim:\n  - {GOOD}\n", ["line 1", "unknown key 'claim'",
                                                   "title, as_of, vintages, clusters_run, "
                                                   "claims"]),
    "unknown claim key": ("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, "
                          "value: 1, unit: CNY}\n", ["claim 'a'", "unknown key 'unit'"]),
    "missing key": ("claims:\n  - {id: a, measure: gerd, economy: CHN, value: 1}\n",
                    ["line 2", "claim 'a'", "missing key(s) year"]),
    "words for a number": ("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 2023, "
                           "value: 3.3 trillion}\n",
                           ["claim 'a'", "value '3.3 trillion' is not a number", "3.3e12"]),
    "percent sign": ("claims:\n  - {id: a, measure: gerd_growth, economy: CHN, year: 2023, "
                     "value: 8.1%}\n", ["value '8.1%' is not a number", "without the %"]),
    "boolean": ("claims:\n  - {id: a, measure: gerd_growth, economy: CHN, year: 2023, "
                "value: yes}\n", ["value 'yes' is not a number"]),
    "duplicate id": (f"claims:\n  - {GOOD}\n  - {GOOD}\n",
                     ["line 3", "claim 'a'", "duplicate id 'a' (first on line 2)"]),
    "duplicate key": ("claims:\n  - {id: a, id: b, measure: gerd, economy: CHN, year: 2023, "
                      "value: 1}\n", ["key 'id' appears twice"]),
    "unknown measure": ("claims:\n  - {id: a, measure: gerd_grwth, economy: CHN, year: 2023, "
                        "value: 1}\n", ["claim 'a'", "unknown measure 'gerd_grwth'",
                                        "did you mean 'gerd_growth'"]),
    "unknown economy": ("claims:\n  - {id: a, measure: gerd, economy: CHA, year: 2023, "
                        "value: 1}\n", ["economy 'CHA' is not an ISO3 code", "CHN"]),
    "year outside the data": ("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 2031, "
                              "value: 1}\n", ["year 2031 is outside the R&D data (1981-"]),
    "no such GII edition": ("claims:\n  - {id: a, measure: gii_rank, economy: CHN, "
                            "year: 1999, value: 1}\n", ["there is no GII edition 1999"]),
    "year not a year": ("claims:\n  - {id: a, measure: gerd, economy: CHN, year: 23, "
                        "value: 1}\n", ["year '23' is not a year"]),
    "rank not whole": ("claims:\n  - {id: a, measure: gii_rank, economy: CHN, year: 2022, "
                       "value: 11.5}\n", ["is not a whole number"]),
    "claim not a mapping": ("claims:\n  - cn-gerd\n", ["claim 1 is not a mapping"]),
    "rank change without from": ("claims:\n  - {id: a, measure: gii_rank_change, economy: CHN, "
                                 "to: 2023, value: -2}\n", ["claim 'a'", "missing key(s) from"]),
    "rank change backwards": ("claims:\n  - {id: a, measure: gii_rank_change, economy: CHN, "
                              "from: 2023, to: 2019, value: 2}\n",
                              ["from 2023 is not before to 2019"]),
    "rank change year not to": ("claims:\n  - {id: a, measure: gii_rank_change, economy: CHN, "
                                "from: 2019, to: 2023, year: 2022, value: -2}\n",
                                ["'year' differs from 'to'"]),
    "from on a rank": ("claims:\n  - {id: a, measure: gii_rank, economy: CHN, year: 2023, "
                       "from: 2019, value: 12}\n", ["'from' applies to measure gii_rank_change"]),
    "rank change from no edition": ("claims:\n  - {id: a, measure: gii_rank_change, economy: "
                                    "CHN, from: 1999, to: 2023, value: -2}\n",
                                    ["there is no GII edition 1999", "as 'from'"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_claims_files(tmp_path, case):
    text, words = BAD_FILES[case]
    assert_one_line_error(check_claims, tmp_path / "claims.yaml", text, words)


def test_bad_arguments(tmp_path):
    with pytest.raises(InvalidParameter, match="'gii' of check_claims"):
        check_claims({"claims": [{"id": "a", "measure": "gerd", "economy": "CHN",
                                  "year": 2023, "value": 1}]}, gii="bundled")
    with pytest.raises(InvalidParameter, match="'runs' of GiiData"):
        GiiData(runs=0)
    with pytest.raises(InputError, match="file not found"):
        check_claims(tmp_path / "missing.yaml")
    with pytest.raises(ValueError, match="press_report_2023"):
        claims_example_path("nope")


@pytest.mark.parametrize(("measure", "value"), [("gii_rank", -12), ("gii_rank", 0),
                                                ("clusters_in_top100", -1), ("gerd", -3.3e12)])
def test_impossible_claim_values_are_refused(measure, value):
    with pytest.raises(InputError, match="is impossible"):
        check_claims({"claims": [{"id": "x", "measure": measure, "economy": "CHN",
                                  "year": 2023, "value": value}]})


def test_a_result_writes_its_own_run_with_every_file_read(tmp_path):
    from innometrics.runs import open_run

    result = check_claims(claims_example_path(), gii=GiiData(monte_carlo=False))
    run = open_run(result.write(tmp_path / "checked"))
    assert run.kind == "check"
    roles = {i["role"] for i in run.manifest["inputs"]}
    assert roles == {"claims", "data"}
    assert run.manifest["details"] == result.counts()


def test_gii_rank_change_verdict_on_published_ranks_with_paired_interval():
    """"Rose from 14th in 2019 to 12th in 2023": a change of −2 on WIPO's published ranks,
    with the paired Monte Carlo interval of the change (the atlas on the two editions)."""
    result = check_claims({"claims": [
        {"id": "rose", "measure": "gii_rank_change", "economy": "CHN", "from": 2019,
         "to": 2023, "value": -2},
        {"id": "off", "measure": "gii_rank_change", "economy": "CHN", "from": 2013, "to": 2014,
         "value": -5}]}, gii=FAST)
    table = result.table.set_index("id")
    before = gii_published(2019).set_index("uCode").loc["CHN", "rank"]
    after = gii_published(2023).set_index("uCode").loc["CHN", "rank"]
    assert table.loc["rose", "found"] == after - before == -2
    assert table.loc["rose", "year"] == 2023
    assert table["verdict"].tolist() == ["consistent", "differs"]
    for row in table.itertuples():
        assert row.rank_q05 <= row.rank_median <= row.rank_q95
        significant = row.rank_q05 > 0 or row.rank_q95 < 0
        assert ("not significant" not in row.note) == significant
    assert "2019-2023" in result.settings["gii_monte_carlo"]
