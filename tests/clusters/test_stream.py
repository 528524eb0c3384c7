"""Chunked records: the reader's checks on every format, exact reduction, fractional counts."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest
from test_records import _frame

from innometrics.clusters.ranking import RankingSettings, rank_clusters
from innometrics.clusters.records import validate_records
from innometrics.clusters.stream import scan_records
from innometrics.clusters.synth import synthesize
from innometrics.errors import InputError


def _write(df: pd.DataFrame, folder, fmt: str):
    """``df`` as a records file; the row number of its third record."""
    if fmt == "parquet":
        path = folder / "recs.parquet"
        df.to_parquet(path, index=False)
    elif fmt == "csv":
        path = folder / "recs.csv"
        df.to_csv(path, index=False)
    elif fmt == "csv.gz":
        path = folder / "recs.csv.gz"
        with gzip.open(path, "wt") as fh:
            df.to_csv(fh, index=False)
    else:
        path = folder / "recs.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in df.to_dict("records")))
    return path, 3 if fmt == "jsonl" else 4


FORMATS = ["parquet", "csv", "csv.gz", "jsonl"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("col, value, text", [
    ("lat", "95", "latitude outside"), ("lon", "-181", "longitude outside"),
    ("lat", "", "missing latitude"), ("lon", "NaN", "missing longitude"),
    ("lat", "north", "not a number"), ("weight", "-1", "negative weight"),
    ("kind", "paper", "kind is not"), ("id", "a", "duplicate id")])
def test_bad_rows_raise_with_row_in_every_format(tmp_path, fmt, col, value, text):
    path, row = _write(_frame(**{col: (2, value)}), tmp_path, fmt)
    with pytest.raises(InputError, match=rf"recs\..*, row {row}, column '{col}': .*{text}"
                                         r".*1 bad row\(s\) in all"):
        scan_records(path, chunk_rows=2)


def test_typed_parquet_and_integer_ids(tmp_path):
    df = pd.DataFrame({"id": np.array([10, 11, 12], dtype=np.int64), "lat": [1.0, 95.0, 2.0],
                       "lon": [1.0, 1.0, 2.0], "kind": ["patent", "patent", "publication"]})
    path = tmp_path / "typed.parquet"
    df.to_parquet(path)
    with pytest.raises(InputError, match=r"row 3, column 'lat': latitude outside .*id 11"):
        scan_records(path)
    points = scan_records(path, on_invalid="exclude")
    assert points.excluded.to_dict("list") == {"row": [3], "id": [11],
                                               "reason": ["latitude outside [-90, 90]"]}
    result = rank_clusters(points, RankingSettings(patent_min_weight=5,
                                                   publication_min_weight=5))
    assert result.assignments["id"].tolist() == [10, 12]  # integers as they are


@pytest.mark.parametrize("fmt", FORMATS)
def test_exclusions_across_chunks_equal_the_in_memory_reader(tmp_path, fmt):
    df = _frame(lat=(0, "100")).iloc[[0, 1, 2, 1, 2, 0]].reset_index(drop=True)
    df.loc[5, "id"] = "z"
    path, _ = _write(df, tmp_path, fmt)
    points = scan_records(path, on_invalid="exclude", chunk_rows=2)
    memory = validate_records(df, on_invalid="exclude")
    shift = -1 if fmt == "jsonl" else 0  # a JSON object's row is its line
    assert points.excluded["reason"].tolist() == memory.excluded["reason"].tolist()
    assert (points.excluded["row"] - shift).tolist() == memory.excluded["row"].tolist()
    assert points.exclusion_counts().to_dict() == {"duplicate id": 2,
                                                   "latitude outside [-90, 90]": 2}
    assert points.n_records == len(memory.frame) == 2
    assert points.points["weight"].sum() == pytest.approx(memory.frame["weight"].sum())


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_repeated_header_is_refused_naming_both(tmp_path, fmt):
    if fmt == "csv":
        path = tmp_path / "r.csv"
        path.write_text("id,lat,lon,kind,lat\na,1,1,patent,2\n")
    elif fmt == "jsonl":
        path = tmp_path / "r.jsonl"
        path.write_text('{"id": "a", "lat": 1, "lon": 1, "kind": "patent", "lat": 2}\n')
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = tmp_path / "r.parquet"
        pq.write_table(pa.table([["a"], [1.0], [1.0], ["patent"], [2.0]],
                                names=["id", "lat", "lon", "kind", "lat"]), path)
    with pytest.raises(InputError, match=r"'lat' appears twice \(columns 2 and 5\)"):
        scan_records(path)


def _same_tables(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) > 5
    for col in ("name", "economies", "rank", "places"):
        assert a[col].tolist() == b[col].tolist(), col
    for col in ("patents", "publications", "patent_share", "publication_share", "score",
                "population", "lat", "lon"):
        np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-6,
                                   atol=1e-9, err_msg=col)


def test_rows_and_preaggregated_points_give_the_same_ranking(tmp_path):
    df = synthesize(20000, seed=4, n_cities=40, duplicate_share=0.6, background=0.1)
    df["lat"], df["lon"] = df["lat"].round(2), df["lon"].round(2)  # geocodes repeat
    at_sea = pd.DataFrame({"id": [f"sea{i}" for i in range(40)], "lat": 0.0,
                           "lon": np.r_[np.full(30, -30.0), np.full(10, -30.05)],
                           "kind": "patent", "weight": 1.0, "country": None})
    df = pd.concat([df.drop(columns=["true_city"]), at_sea], ignore_index=True)
    settings = RankingSettings(patent_eps_km=10, patent_min_weight=10, publication_eps_km=10,
                               publication_min_weight=10, top_n=20)
    rows = rank_clusters(validate_records(df), settings)
    grouped = (df.assign(country=df["country"].fillna("")).groupby(
        ["kind", "lat", "lon", "country"], as_index=False)["weight"].sum())
    grouped = grouped.assign(id=np.arange(len(grouped)),
                             country=grouped["country"].replace("", None))
    assert len(grouped) < len(df) / 2
    pre = rank_clusters(validate_records(grouped), settings)
    path = tmp_path / "rows.parquet"
    df.to_parquet(path)
    streamed = rank_clusters(scan_records(path, chunk_rows=3000), settings)
    _same_tables(rows.clusters, pre.clusters)
    _same_tables(rows.clusters, streamed.clusters)
    unnamed = rows.clusters[rows.clusters["name"].str.startswith("Cluster at")]
    assert unnamed["name"].tolist() == ["Cluster at 0.00, -30.01"]  # weighted centre
    pd.testing.assert_frame_equal(rows.assignments, streamed.assignments)


def test_document_column_splits_one_per_document(tmp_path):
    df = pd.DataFrame({"id": [1, 2, 3, 4, 5], "doc": ["P1", "P1", "P2", "P1", "P3"],
                       "lat": [1.0, 1.0, 2.0, 3.0, 95.0], "lon": 1.0,
                       "kind": ["patent"] * 5})
    path = tmp_path / "docs.csv"
    df.to_csv(path, index=False)
    points = scan_records(path, document_column="doc", on_invalid="exclude", chunk_rows=2)
    weights = points.points.set_index("lat")["weight"]
    # P1 has three addresses (1/3 each), P2 one; P3's only row is excluded, its share lost
    assert weights[1.0] == pytest.approx(2 / 3) and weights[3.0] == pytest.approx(1 / 3)
    assert weights[2.0] == 1.0 and len(weights) == 3
    memory = validate_records(df, document_column="doc", on_invalid="exclude")
    assert memory.frame["weight"].tolist() == pytest.approx([1 / 3, 1 / 3, 1.0, 1 / 3])
    with pytest.raises(InputError, match="weight column and --document-column"):
        validate_records(df.assign(weight=1.0), document_column="doc")
    with pytest.raises(InputError, match=r"missing column\(s\) patent_id"):
        scan_records(path, document_column="patent_id")


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_columns_and_overflowing_weights(tmp_path, fmt):
    path, _ = _write(_frame().drop(columns=["kind"]), tmp_path, fmt)
    with pytest.raises(InputError, match=r"row 1: missing column\(s\) kind"):
        scan_records(path)
    path, _ = _write(_frame(weight=(0, "1e308"), id=(1, "x")).assign(weight=lambda d: d[
        "weight"].replace({"0.5": "1e308"})), tmp_path, fmt)
    with pytest.raises(InputError, match="weights sum to infinity"):
        scan_records(path, chunk_rows=1)


def test_json_lines_key_missing_from_the_first_object_is_refused(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "a", "lat": 1, "lon": 1, "kind": "patent"}\n'
                    '{"id": "b", "lat": 1, "lon": 1, "kind": "patent", "weight": 9}\n')
    with pytest.raises(InputError, match=r"row 2: key 'weight' is not in the first object"):
        scan_records(path)
