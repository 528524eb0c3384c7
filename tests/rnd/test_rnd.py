"""R&D statistics: the strict SDMX and NCSES readers and every measure, checked against values
this test computes itself from the raw files (parsed here with xml.etree and csv)."""

from __future__ import annotations

import csv
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE
from one_line import assert_one_line_error

from innometrics.datasets import NCSES_RND_FILES, OECD_RND_FILES, oecd_rnd_dir
from innometrics.errors import InputError, InvalidParameter
from innometrics.rnd import (
    TIDY_COLUMNS,
    basic_research,
    basic_research_growth,
    basic_research_share,
    cagr,
    economy_table,
    gerd,
    gerd_growth,
    gerd_intensity,
    gerd_ppp,
    load_ncses_rnd,
    load_oecd_rnd,
    load_rnd,
    ppp_rate,
    rank_economies,
    read_ncses,
    read_sdmx,
    read_sdmx_csv,
    read_sdmx_ml,
    real_growth,
    series,
    to_ppp,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "rnd"
NCSES_DIR = oecd_rnd_dir().parent / "ncses_rnd"
AGGREGATES = {"OECD", "EU27_2020"}


# ---------------------------------------------------------------- raw values, parsed here

def _raw(name: str) -> dict[tuple[str, int], tuple[float, str]]:
    """(economy, year) → (value, status) of a bundled OECD file, 2999 rows left out."""
    out = {}
    for series_el in ET.parse(oecd_rnd_dir() / name).getroot().iter():
        if not series_el.tag.endswith("}Series"):
            continue
        for obs in series_el:
            if obs.get("TIME_PERIOD") == "2999":
                continue
            status = ";".join(obs.get(k) for k in ("OBS_STATUS", "OBS_STATUS_2",
                                                   "OBS_STATUS_3") if obs.get(k))
            key = (series_el.get("LOCATION"), int(obs.get("TIME_PERIOD")))
            assert key not in out
            out[key] = (float(obs.get("OBS_VALUE")), status)
    return out


@pytest.fixture(scope="module")
def raw():
    return {name.split("_V8")[0]: {k: v for k, (v, _) in _raw(name).items()}
            for name in OECD_RND_FILES}


@pytest.fixture(scope="module")
def table():
    """The bundled OECD data alone (the measures are checked against its raw XML)."""
    return load_oecd_rnd()


@pytest.fixture(scope="module")
def combined():
    """OECD and NCSES data together (what the claim checker and ``rnd show`` use)."""
    return load_rnd()


def _as_dict(values: pd.Series) -> dict[tuple[str, int], float]:
    return {(e, int(y)): float(v) for (e, y), v in values.dropna().items()}


def _assert_same(ours: pd.Series, expected: dict[tuple[str, int], float], rtol=1e-12):
    got = _as_dict(ours)
    assert set(got) == set(expected)
    keys = sorted(expected)
    np.testing.assert_allclose([got[k] for k in keys], [expected[k] for k in keys], rtol=rtol)


def _growth(values: dict) -> dict:
    return {(e, y): 100 * (v / values[(e, y - 1)] - 1) for (e, y), v in values.items()
            if (e, y - 1) in values}


# ---------------------------------------------------------------- bundled OECD data

def test_bundled_oecd_table_is_the_raw_sdmx():
    oecd = load_oecd_rnd()
    assert list(oecd.columns[:6]) == TIDY_COLUMNS
    assert not oecd["latest"].any() and oecd["year"].notna().all()
    for name in OECD_RND_FILES:
        var = name.split("_V8")[0]
        expected = _raw(name)
        rows = oecd[oecd["variable"] == var]
        got = {(e, int(y)): (v, s) for e, y, v, s in
               zip(rows["economy"], rows["year"], rows["value"], rows["status"], strict=True)}
        assert got == expected, var
        assert rows["source"].unique().tolist() == [
            "OECD MSTI via STI Scoreboard (OECD.STI.STP:DSD_SBRD(1.2))"]


def test_bundled_files_are_copies_of_the_reference():
    """The bundled OECD and NCSES files are byte copies of the reference files, whose SHA-256
    tests/reference/rnd/SHA256SUMS records (the files are not committed twice)."""
    import hashlib

    sums = dict(reversed(line.split()) for line in
                (REFERENCE / "rnd" / "SHA256SUMS").read_text().splitlines())
    bundled = {f"oecd-sti/{name}": oecd_rnd_dir() / name for name in OECD_RND_FILES}
    bundled |= {name: NCSES_DIR / name for name in NCSES_RND_FILES}
    assert set(bundled) == set(sums)
    for name, path in bundled.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sums[name], name


def test_latest_year_rows_are_kept_apart():
    path = oecd_rnd_dir() / "G_NC_V8.txt"
    kept = read_sdmx(path, latest="keep")
    latest = kept[kept["latest"]]
    assert latest["year"].isna().all() and len(latest) > 0
    assert not read_sdmx(path)["latest"].any()
    chn = kept[kept["economy"] == "CHN"]
    # the OECD's 2999 row repeats the last yearly value (2024 for China)
    assert chn.loc[chn["latest"], "value"].item() == chn.loc[chn["year"] == 2024, "value"].item()
    with pytest.raises(InvalidParameter, match="'latest'"):
        read_sdmx(path, latest="tag")


# ---------------------------------------------------------------- every measure

def test_levels_and_shares(table, raw):
    _assert_same(gerd(table), raw["G_NC"])
    _assert_same(gerd_ppp(table).loc[list(raw["G_PPP"])], raw["G_PPP"])
    _assert_same(gerd_intensity(table).loc[list(raw["G_XGDP"])], raw["G_XGDP"])
    _assert_same(basic_research_share(table).loc[list(raw["G_BRXG"])], raw["G_BRXG"])


def test_gerd_growth(table, raw):
    _assert_same(gerd_growth(table), _growth(raw["G_NC"]))


def test_basic_research_and_its_growth(table, raw):
    nc, share = raw["G_NC"], raw["G_BRXG"]
    amount = {k: nc[k] * share[k] / 100 for k in nc if k in share}
    _assert_same(basic_research(table), amount)
    _assert_same(basic_research_growth(table), _growth(amount))


def test_ppp_rate_and_conversion(table, raw):
    nc, ppp = raw["G_NC"], raw["G_PPP"]
    rate = {k: nc[k] / ppp[k] for k in nc if k in ppp}
    _assert_same(ppp_rate(table), rate)
    assert ppp_rate(table)[("USA", 2023)] == 1.0  # GERD in dollars is its own PPP value
    converted = to_ppp(gerd(table), table)
    _assert_same(converted, {k: nc[k] / rate[k] for k in rate})
    np.testing.assert_allclose(converted[("CHN", 2023)], ppp[("CHN", 2023)], rtol=1e-12)


def test_cagr(table, raw):
    nc = raw["G_NC"]
    expected = 100 * ((nc[("CHN", 2023)] / nc[("CHN", 2013)]) ** (1 / 10) - 1)
    ours = cagr(gerd(table), 2013, 2023)
    assert ours["CHN"] == pytest.approx(expected, rel=1e-12)
    assert math.isnan(ours["DEU"]) or ours["DEU"] > 0
    with pytest.raises(InvalidParameter, match="'end' of cagr"):
        cagr(gerd(table), 2023, 2013)


def test_cagr_matches_ncses_published_rates():
    """NCSES publishes compound growth of GERD in PPP dollars, rounded to 0.1."""
    path = NCSES_DIR / "ncses_10978.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    wanted = ("GERD compound annual growth rate", "Current PPP dollars", "2000–10")
    published = {r["time_period"]: float(r["value"]) for r in rows if r["value"] != "NA"
                 and tuple(r[f"_b_gerd_b_level_{k}"].strip() for k in (2, 3, 4)) == wanted}
    levels = series(read_ncses(path), "G_PPP")
    ours = cagr(levels, 2000, 2010)
    from innometrics.rnd import iso3_of

    checked = 0
    for label, rate in published.items():
        code = iso3_of(label)
        if math.isnan(ours.get(code, np.nan)):
            continue
        # levels are published to 0.01 bn (= 10 million) and the rate to 0.1: the rate
        # recomputed from the rounded levels must lie in the range their rounding allows
        start, end = levels[(code, 2000)], levels[(code, 2010)]
        low = 100 * (((end - 5) / (start + 5)) ** 0.1 - 1) - 0.05
        high = 100 * (((end + 5) / (start - 5)) ** 0.1 - 1) + 0.05
        assert low <= rate <= high, (label, rate, ours[code])
        checked += 1
    assert checked >= 35


def test_real_growth(table, raw):
    nominal = gerd(table)
    years = nominal.index.get_level_values("year")
    deflator = pd.Series(1.02 ** (years - 2000), index=nominal.index)
    expected = {k: (1 + g / 100) / 1.02 * 100 - 100 for k, g in _growth(raw["G_NC"]).items()}
    _assert_same(real_growth(nominal, deflator), expected, rtol=1e-9)
    with pytest.raises(InvalidParameter, match="deflator"):
        real_growth(nominal, deflator * 0)


def test_rank_among_economies(table, raw):
    year = 2022
    values = {e: v for (e, y), v in raw["G_XGDP"].items() if y == year and e not in AGGREGATES}
    ranks = rank_economies(gerd_intensity(table), year)
    for economy, value in values.items():
        assert ranks[economy] == 1 + sum(v > value for v in values.values())
    assert not set(ranks.index) & AGGREGATES
    assert ranks.index[0] == max(values, key=values.get)


def test_china_figures_of_the_source_note(table):
    """The figures SOURCE.md quotes for China, recomputed by the measures."""
    assert gerd(table)[("CHN", 2023)] == pytest.approx(3_335_706.9, abs=0.05)
    assert gerd(table)[("CHN", 2022)] == pytest.approx(3_078_288.2, abs=0.05)
    assert round(gerd_growth(table)[("CHN", 2023)], 2) == 8.36
    assert basic_research(table)[("CHN", 2023)] / 1e3 == pytest.approx(225.9, abs=0.05)
    assert basic_research(table)[("CHN", 2022)] / 1e3 == pytest.approx(202.3, abs=0.05)
    assert round(basic_research_growth(table)[("CHN", 2023)], 1) == 11.6
    assert round(gerd_intensity(table)[("CHN", 2023)], 2) == 2.58


# ---------------------------------------------------------------- economy table

def test_economy_table(table, raw):
    frame = economy_table("CHN", 2022, 2023, table=table)
    assert frame["year"].tolist() == [2022, 2023]
    row = frame.set_index("year").loc[2023]
    assert row["gerd_nc"] == raw["G_NC"][("CHN", 2023)]
    assert row["gerd_growth"] == pytest.approx(_growth(raw["G_NC"])[("CHN", 2023)])
    assert row["ppp_rate"] == pytest.approx(raw["G_NC"][("CHN", 2023)]
                                            / raw["G_PPP"][("CHN", 2023)])
    assert row["currency"] == "CNY" and row["source"].startswith("OECD")
    assert list(economy_table("china", table=table)["year"])[:1] == [1991]
    usa = economy_table("USA", 2023, 2023, table=table)
    assert usa["status"].item() == "B;D"


@pytest.mark.parametrize(("args", "words"), [
    (("CHA",), ["'CHA'", "CHN", "Fix:"]),
    (("CHN", 1950), ["--from 1950", "1991-", "Fix:"]),
    (("CHN", None, 2040), ["--to 2040", "Fix:"]),
    (("CHN", 2023, 2020), ["after", "Fix:"]),
])
def test_economy_table_bad_input(table, args, words):
    with pytest.raises(InputError) as info:
        economy_table(*args, table=table)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


# ---------------------------------------------------------------- NCSES

def test_ncses_10978_against_the_csv():
    path = NCSES_DIR / "ncses_10978.csv"
    ours = read_ncses(path).set_index(["economy", "year", "variable"])["value"]
    with open(path, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle)
                if r["_b_gerd_b_level_1"].strip() == "GERD"
                and r["_b_gerd_b_level_2"].strip() == "Current PPP dollars"
                and r["value"] != "NA"]
    names = {"Non-OECD -> China": "CHN", "Australia (2019)": "AUS", "Germany": "DEU",
             "South Korea": "KOR", "United States": "USA", "Non-OECD -> Russia (2020)": "RUS"}
    checked = 0
    for r in rows:
        if r["time_period"] in names:
            label, year = r["time_period"], r["_b_gerd_b_level_3"].strip()
            m = re.search(r"\((\d{4})\)", label)
            year = int(m.group(1)) if year == "2021a" and m else int(year[:4])
            value = float(Decimal(r["value"]) * 1000)
            assert ours[(names[label], year, "G_PPP")] == value
            checked += 1
    assert checked >= 20


def test_ncses_tables_in_the_combined_table(combined):
    ncses = load_ncses_rnd()
    assert ncses["source"].str.startswith("NCSES SEI table").all()
    assert set(ncses["variable"]) >= {"G_PPP", "G_PPP_K2015", "GDP_PPP", "G_XGDP", "G_BRXG",
                                      "G_PERF_BUS", "G_FUND_ROW"}
    # 2019 basic research shares NCSES quotes (re-labelled table 6307)
    share = series(ncses, "G_BRXG")
    assert share[("USA", 2019)] == 15.4 and share[("CHN", 2019)] == 6.0
    assert share[("FRA", 2018)] == 22.7
    # NCSES fills what the OECD extract lacks; the OECD wins where both have a value
    assert gerd_ppp(combined)[("IND", 2017)] == 55_100.0
    assert gerd_ppp(combined)[("CHN", 2021)] == pytest.approx(701_114.6371)
    # a measure of two variables may take them from two sources (listed in the claims note)
    assert basic_research(combined)[("GBR", 2018)] == pytest.approx(
        gerd(combined)[("GBR", 2018)] * 18.3 / 100)


def test_ncses_10936_equals_10946_where_they_overlap():
    path = REFERENCE / "rnd" / "ncses_10936.csv"
    small = read_ncses(path).set_index(["economy", "year", "variable"])["value"]
    big = read_ncses(NCSES_DIR / "ncses_10946.csv").set_index(
        ["economy", "year", "variable"])["value"]
    common = small.index.intersection(big.index)
    assert len(common) >= 60
    pd.testing.assert_series_equal(small[common], big[common])


def test_ncses_bad_tables(tmp_path):
    raw6307 = tmp_path / "ncses_6307.csv"
    raw6307.write_text("table_id,row_id,time_period,value\n6307,r001,United States (2019),1\n")
    with pytest.raises(InputError, match="labels were lost"):
        read_ncses(raw6307)
    odd = tmp_path / "odd.csv"
    odd.write_text((NCSES_DIR / "ncses_10946.csv").read_text().replace("Austria", "Austrasia"))
    with pytest.raises(InputError, match="row 11.*unknown economy name 'Austrasia'"):
        read_ncses(odd)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not an NCSES table"):
        read_ncses(other)


# ---------------------------------------------------------------- SDMX 2.1, 3.0 and CSV

def _slice_from_bundle() -> pd.DataFrame:
    oecd = load_oecd_rnd(latest="keep")
    keep = (oecd["economy"].isin(["CHN", "USA", "DEU"])
            & oecd["variable"].isin(["G_NC", "G_BRXG"])
            & ((oecd["year"] >= 2019) | oecd["latest"]).fillna(False).astype(bool))
    return oecd[keep].reset_index(drop=True)


@pytest.mark.parametrize("name", ["sbrd_slice_v21.xml", "sbrd_slice_v30.xml",
                                  "sbrd_slice_csv20.csv", "sbrd_slice_csv10.csv"])
def test_fixture_formats_read_like_the_bundle(name):
    ours = read_sdmx(FIXTURES / name, latest="keep")
    pd.testing.assert_frame_equal(ours, _slice_from_bundle())


def test_csv_with_labels(tmp_path):
    text = (FIXTURES / "sbrd_slice_csv20.csv").read_text()
    text = text.replace("LOCATION,VAR", "LOCATION: Reference area,VAR: Variable")
    text = text.replace(",CHN,", ",CHN: China,")
    path = tmp_path / "labels.csv"
    path.write_text(text)
    pd.testing.assert_frame_equal(read_sdmx_csv(path, latest="keep"), _slice_from_bundle())


V30_TEXT = (FIXTURES / "sbrd_slice_v30.xml").read_text() if FIXTURES.exists() else ""
CSV_TEXT = (FIXTURES / "sbrd_slice_csv20.csv").read_text() if FIXTURES.exists() else ""
FIRST_OBS = '<ns1:Obs TIME_PERIOD="2019" OBS_VALUE="6.031415414" />'


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


XML_CASES = {
    "truncated": (V30_TEXT[: len(V30_TEXT) // 2], ["not well-formed XML", "truncated"]),
    "empty": ("", ["not well-formed XML"]),
    "missing OBS_VALUE": (_swap(V30_TEXT, FIRST_OBS, '<ns1:Obs TIME_PERIOD="2019" />'),
                          ["Series 1 (LOCATION=CHN VAR=G_BRXG) Obs 1", "no OBS_VALUE"]),
    "bad number": (_swap(V30_TEXT, 'OBS_VALUE="6.031415414"', 'OBS_VALUE="6,03"'),
                   ["Series 1", "OBS_VALUE '6,03' is not a number"]),
    "NaN": (_swap(V30_TEXT, 'OBS_VALUE="6.031415414"', 'OBS_VALUE="NaN"'),
            ["OBS_VALUE 'NaN' is not a number", "leave a missing observation out"]),
    "wrong root": (V30_TEXT.replace("StructureSpecificData", "GenericData"),
                   ["root element is <GenericData>", "not an SDMX-ML structure-specific"]),
    "not SDMX": ("<html><body>404</body></html>", ["root element is <html>"]),
    "duplicate obs": (_swap(V30_TEXT, FIRST_OBS, FIRST_OBS + FIRST_OBS),
                      ["duplicate observation LOCATION=CHN VAR=G_BRXG TIME_PERIOD=2019",
                       "first at Series 1"]),
    "missing dimension": (_swap(V30_TEXT, '<ns1:Series LOCATION="CHN" VAR="G_BRXG">',
                                '<ns1:Series VAR="G_BRXG">'), ["Series 1", "no LOCATION"]),
    "unknown attribute": (_swap(V30_TEXT, FIRST_OBS,
                                '<ns1:Obs TIME_PERIOD="2019" OBS_VALUE="6.0" UNIT_MULT="6" />'),
                          ["attribute 'UNIT_MULT' is not a component"]),
    "unknown structure": (V30_TEXT.replace("OECD.STI.STP:DSD_SBRD", "ESTAT:DSD_X"),
                          ["unknown data structure ESTAT:DSD_X", "structure=Structure"]),
    "unknown variable": (V30_TEXT.replace('VAR="G_BRXG"', 'VAR="G_XYZ"'),
                         ["VAR 'G_XYZ' has no known unit"]),
    "quarterly period": (_swap(V30_TEXT, 'TIME_PERIOD="2019"', 'TIME_PERIOD="2019-Q1"'),
                         ["TIME_PERIOD '2019-Q1' is not a year"]),
    "no data set": (re.sub(r"<ns1:DataSet.*</ns1:DataSet>", "", V30_TEXT, flags=re.S),
                    ["no DataSet"]),
}


@pytest.mark.parametrize("case", list(XML_CASES))
def test_malformed_sdmx_ml(tmp_path, case):
    text, words = XML_CASES[case]
    assert_one_line_error(read_sdmx_ml, tmp_path / "bad.xml", text, words)


CSV_LINE = "datastructure,OECD.STI.STP:DSD_SBRD(1.2),I,CHN,G_BRXG,2019,6.031415414,,,"
CSV_CASES = {
    "bad number": (_swap(CSV_TEXT, "2019,6.031415414", "2019,6.0x"),
                   ["row 2", "'OBS_VALUE'", "'6.0x' is not a number"]),
    "empty value": (_swap(CSV_TEXT, "2019,6.031415414", "2019,"),
                    ["row 2", "no OBS_VALUE"]),
    "missing column": (CSV_TEXT.replace(",OBS_VALUE,", ",OBS_VALUEX,"),
                       ["column 'OBS_VALUEX' is not a component"]),
    "ragged row": (_swap(CSV_TEXT, CSV_LINE, CSV_LINE + ",extra"),
                   ["row 2", "fields where the header has"]),
    "duplicate obs": (_swap(CSV_TEXT, CSV_LINE, CSV_LINE + "\n" + CSV_LINE),
                      ["row 3", "duplicate observation", "first at row 2"]),
    "unknown structure": (CSV_TEXT.replace("DSD_SBRD", "DSD_OTHER"),
                          ["unknown data structure OECD.STI.STP:DSD_OTHER"]),
    "not SDMX-CSV": ("a,b\n1,2\n", ["first column is 'a'"]),
    "delete action": (_swap(CSV_TEXT, "(1.2),I,CHN", "(1.2),D,CHN"),
                      ["ACTION 'D'"]),
    "bad reference": (_swap(CSV_TEXT, CSV_LINE, CSV_LINE.replace("(1.2)", "")),
                      ["row 2", "not a structure reference"]),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_malformed_sdmx_csv(tmp_path, case):
    text, words = CSV_CASES[case]
    assert_one_line_error(read_sdmx, tmp_path / "bad.csv", text, words)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_sdmx(tmp_path / "nope.xml")
