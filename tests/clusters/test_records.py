"""Records: validation names the row; exclusions are counted; importers follow the schemas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innometrics.clusters.records import (
    read_openalex,
    read_patentsview,
    read_records,
    validate_records,
)
from innometrics.errors import InputError

FIX = Path(__file__).parent / "fixtures"


def _frame(**changes):
    df = pd.DataFrame({"id": ["a", "b", "c"], "lat": ["1.0", "2.0", "3.0"],
                       "lon": ["1.0", "2.0", "3.0"], "kind": ["patent", "publication", "patent"],
                       "weight": ["1", "0.5", "0.25"]})
    for col, (row, value) in changes.items():
        df.loc[row, col] = value
    return df


@pytest.mark.parametrize("col, value, text", [
    ("lat", "95", "latitude outside"), ("lon", "-181", "longitude outside"),
    ("lat", "", "missing latitude"), ("lon", "NaN", "missing longitude"),
    ("lat", "north", "not a number"), ("weight", "-1", "negative weight"),
    ("kind", "paper", "kind is not"), ("id", "a", "duplicate id")])
def test_bad_rows_raise_with_row(col, value, text):
    with pytest.raises(InputError, match=rf"recs.csv, row 4, column '{col}': .*{text}"):
        validate_records(_frame(**{col: (2, value)}), source="recs.csv")


def test_exclude_mode_counts_reasons():
    df = _frame(lat=(0, "100"), id=(2, "b"))
    rec = validate_records(df, on_invalid="exclude")
    assert rec.frame["id"].tolist() == ["b"]
    assert rec.exclusion_counts().to_dict() == {"duplicate id": 1,
                                                "latitude outside [-90, 90]": 1}
    assert rec.excluded["row"].tolist() == [2, 4]


def test_missing_columns_and_defaults(tmp_path):
    with pytest.raises(InputError, match="missing column"):
        validate_records(pd.DataFrame({"id": ["a"], "lat": [1.0]}))
    path = tmp_path / "r.parquet"
    pd.DataFrame({"id": [1, 2], "lat": [1.0, 2.0], "lon": [3.0, 4.0],
                  "kind": ["patent", "Publication"]}).to_parquet(path)
    rec = read_records(path)
    assert rec.frame["weight"].tolist() == [1.0, 1.0]
    assert rec.frame["kind"].tolist() == ["patent", "publication"]
    assert rec.frame["id"].tolist() == [1, 2]  # integer ids are kept as integers


def test_patentsview_fractional_counts():
    rec = read_patentsview(FIX / "g_inventor_disambiguated.tsv",
                           FIX / "g_location_disambiguated.tsv")
    f = rec.frame.set_index("id")
    assert f.loc["10000001-0", "weight"] == 0.5 and f.loc["10000001-1", "weight"] == 0.5
    assert f.loc["10000002-0", "weight"] == 1.0
    assert f.loc["10000003-0", "weight"] == pytest.approx(1 / 3)
    assert f.loc["10000002-0", "country"] == "JP"
    assert (f["kind"] == "patent").all()
    assert rec.exclusion_counts().to_dict() == {"no geocode (inventor location unknown)": 2}
    assert sorted(rec.excluded["id"]) == ["10000003-1", "10000003-2"]


def test_openalex_fractional_counts():
    rec = read_openalex(FIX / "openalex_works.jsonl", FIX / "openalex_institutions.csv")
    f = rec.frame.set_index("id")
    assert f.loc["W100-1-1", "weight"] == 0.5
    assert f.loc["W100-2-1", "weight"] == 0.25 and f.loc["W100-2-2", "country"] == "US"
    assert f.loc["W100-1-1", "year"] == 2020
    assert np.isclose(f.loc["W100-1-1", "lat"], 35.7126)
    assert rec.exclusion_counts().to_dict() == {"author without institution": 1,
                                                "institution without coordinates": 1}
