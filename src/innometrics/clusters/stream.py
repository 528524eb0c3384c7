"""Records read in chunks and reduced, exactly, to weighted unique points.

A world ranking counts 50–100 million address rows, but geocodes repeat at city precision:
the rows hold a few hundred thousand distinct ``(kind, lat, lon, country)``. Clustering, names,
economies and shares depend on the rows only through the summed weight at each such point
(DBSCAN with ``sample_weight`` is exact on duplicates, the shares are sums), so the rows are
reduced to :attr:`RecordPoints.points` while they are read, and each row keeps only the index
of its point (:attr:`RecordPoints.row_point`) to join the clusters back
(:meth:`RecordPoints.assignment_chunks`).

Formats: Parquet (only the needed columns), CSV (plain, ``.gz`` or ``.zip``; delimiter from
the header) and JSON lines (``.jsonl``, ``.ndjson``, ``.json``, also ``.gz``). Each chunk gets
the checks of :func:`~innometrics.clusters.records.validate_records` (same reasons, one-line
error and row numbers: header = row 1, or a JSON object's line); duplicate ids are found over
the file by sorting one 64-bit key per row (the integer id, or a hash of a text id confirmed
on the text in a second read of the id column only when keys repeat).

Memory model: per input row 21 bytes kept to the end (int32 point index, float64 weight,
int64 id key, a flag; 8 more with a document column) plus 8 while sorting the keys; per unique
point about 150 bytes (a hash-table key and a row of the points table); one chunk
(``chunk_rows``, default 2**21 rows) at a time. 100 million rows at 40,000 unique points: about
3 GB of arrays; measured peak of the whole ``clusters rank`` (``benchmarks/bench_clusters.py``,
allocator and Arrow buffers included): 4.95 GB, about 50 bytes a row. The unique points must
fit in memory (50 million per 8 GB).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._params import check_params
from ..errors import InputError
from ..io import check_unique_header, sniff_delimiter
from .checks import (
    KINDS,
    ON_INVALID,
    bad_row_error,
    check_columns,
    check_rows,
    check_total,
    fractional_weights,
    id_keys,
    normalise_ids,
    synthetic_flags,
)
from .records import Records, open_text, unreadable

__all__ = ["RecordPoints", "scan_records", "points_of_records", "record_chunks",
           "POINT_COLUMNS"]

#: Columns of :attr:`RecordPoints.points`.
POINT_COLUMNS = ["kind", "lat", "lon", "country", "weight", "records"]
_PARQUET = (".parquet", ".pq")
_JSON = (".jsonl", ".ndjson", ".json")
_OPTIONAL = ("weight", "country", "synthetic")
Chunk = tuple[pd.DataFrame, np.ndarray]


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) > 1 and suffixes[-1] in (".gz", ".zip"):
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def _parquet_chunks(path: Path, wanted: Callable[[list[str]], list[str]],
                    chunk_rows: int) -> Iterator[Chunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    names = list(schema.names)
    check_unique_header(names, path)
    columns = wanted(names)
    text = [c for c in ("kind", "country") if c in columns
            and pa.types.is_string(schema.field(c).type)]
    first = 2
    with pq.ParquetFile(path, read_dictionary=text) as handle:
        batches: list = []
        for batch in handle.iter_batches(batch_size=chunk_rows, columns=columns):
            batches.append(batch)  # batches end at row groups: gather chunk_rows rows
            if sum(len(b) for b in batches) >= chunk_rows:
                frame = pa.Table.from_batches(batches).to_pandas()
                yield frame, np.arange(first, first + len(frame))
                first += len(frame)
                batches = []
        if batches or first == 2:  # the rest, or the header of a file without rows
            table = (pa.Table.from_batches(batches) if batches
                     else handle.schema_arrow.empty_table().select(columns))
            yield table.to_pandas(), np.arange(first, first + table.num_rows)


def _csv_chunks(path: Path, wanted: Callable[[list[str]], list[str]],
                chunk_rows: int) -> Iterator[Chunk]:
    with open_text(path) as fh:
        first_line = fh.readline()
    if not first_line.strip():
        raise InputError(str(path), "is empty", "write a header row and one row per record")
    sep = sniff_delimiter(first_line)
    header = [c.strip() for c in next(csv.reader([first_line], delimiter=sep))]
    check_unique_header(header, path)
    columns = wanted(header)
    reader = pd.read_csv(path, sep=sep, header=0, names=header, usecols=columns, dtype=str,
                         keep_default_na=False, chunksize=chunk_rows, encoding="utf-8-sig",
                         compression="infer")
    first = 2
    try:
        for frame in reader:
            yield frame.reset_index(drop=True), np.arange(first, first + len(frame))
            first += len(frame)
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise InputError(str(path), f"cannot be read as a table "
                         f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
                         "give every row one value per column and check that the file is "
                         "complete", row=first) from None


def _json_object(line: str, line_no: int, source: str) -> dict:
    def no_repeats(pairs: list[tuple[str, object]]) -> dict:
        check_unique_header([k for k, _ in pairs], Path(f"{source}, line {line_no}"))
        return dict(pairs)

    try:
        value = json.loads(line, object_pairs_hook=no_repeats)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"line is not JSON ({exc.msg})",
                         "give one records object per line", row=line_no) from None
    if not isinstance(value, dict):
        raise InputError(source, f"holds a {type(value).__name__} where an object was "
                         "expected", "give one records object per line", row=line_no)
    return value


def _json_chunks(path: Path, wanted: Callable[[list[str]], list[str]],
                 chunk_rows: int) -> Iterator[Chunk]:
    """The first object's keys are the header: a later object may leave one out (an empty
    cell) but not bring a new one, which would hold values the first rows lack."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    objects: list[dict] = []
    lines: list[int] = []
    header: list[str] | None = None
    with opener(path, "rt", encoding="utf-8-sig") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            value = _json_object(line, line_no, str(path))
            header = header if header is not None else list(value)
            new = [key for key in value if key not in header]
            if new:
                raise InputError(str(path), f"key '{new[0]}' is not in the first object "
                                 f"(keys {', '.join(header)})", "give every object the keys "
                                 "of the first (null for missing)", row=line_no)
            objects.append(value)
            lines.append(line_no)
            if len(objects) == chunk_rows:
                yield pd.DataFrame(objects, columns=wanted(header)), np.asarray(lines)
                objects, lines = [], []
    if objects or header is None:
        yield (pd.DataFrame(objects, columns=wanted(header or [])),
               np.asarray(lines, dtype=np.int64))


def record_chunks(path: str | os.PathLike, wanted: Callable[[list[str]], list[str]], *,
                  chunk_rows: int = 1 << 21) -> Iterator[Chunk]:
    """``(frame, row numbers)`` of each chunk of a records file.

    ``wanted(header) -> columns`` picks the columns to read from the header (or the keys of
    the first JSON object), after the header is checked for repeated names.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "file not found", "check the path of the records file")
    if path.is_dir():
        raise InputError(str(path), "is a directory", "give the path of a records file")
    suffix = _suffix(path)
    reader = (_parquet_chunks if suffix in _PARQUET else _json_chunks if suffix in _JSON
              else _csv_chunks)
    try:
        yield from reader(path, wanted, chunk_rows)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise unreadable(path, exc, "check that the file is complete and is CSV, Parquet or "
                         "JSON lines") from None


@dataclass(frozen=True)
class RecordPoints:
    """Validated records reduced to weighted unique points.

    Attributes
    ----------
    points : DataFrame
        :data:`POINT_COLUMNS`: ``kind`` (str), ``lat``, ``lon`` (degrees), ``country`` (ISO2
        or None), ``weight`` (summed) and ``records`` (rows) of each distinct
        ``(kind, lat, lon, country)``.
    row_point : ndarray of int32, shape (input rows,)
        Point of each input row, ``-1`` for an excluded row.
    excluded : DataFrame
        ``row, id, reason`` of every row left out.
    source : str
    synthetic : bool
    id_chunks : callable
        ``id_chunks()`` yields the (normalised) ids of the input rows, in order, in chunks.
    """

    points: pd.DataFrame
    row_point: np.ndarray
    excluded: pd.DataFrame
    source: str
    synthetic: bool
    id_chunks: Callable[[], Iterator[pd.Series]]

    @property
    def n_records(self) -> int:
        """Rows kept."""
        return int(self.points["records"].sum())

    def exclusion_counts(self) -> pd.Series:
        """Number of excluded rows per reason (empty when none)."""
        return self.excluded["reason"].value_counts().sort_index()

    def totals(self) -> pd.Series:
        """Summed weight per kind."""
        return self.points.groupby("kind")["weight"].sum()

    def assignment_chunks(self, point_columns: dict[str, np.ndarray]
                          ) -> Iterator[dict[str, np.ndarray | pd.Categorical]]:
        """Columns ``id, kind`` and the given per-point columns of the kept rows, chunk by
        chunk: the join of the point results back to the rows, in input order."""
        kind_code = pd.Index(list(KINDS)).get_indexer(self.points["kind"]).astype(np.int8)
        start = 0
        for ids in self.id_chunks():
            point = self.row_point[start:start + len(ids)]
            start += len(ids)
            at = point[point >= 0]
            yield {"id": ids.to_numpy()[point >= 0],
                   "kind": pd.Categorical.from_codes(kind_code[at], categories=list(KINDS)),
                   **{name: values[at] for name, values in point_columns.items()}}


def _wanted(document_column: str | None) -> Callable[[list[str]], list[str]]:
    def pick(header: list[str]) -> list[str]:
        extra = [document_column] if document_column else []
        return [c for c in header if c in ("id", "lat", "lon", "kind", *_OPTIONAL, *extra)]
    return pick


def _places(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group rows by exact ``(lat, lon)``: ``(group of each row, lat and lon of each group)``.

    Rows are grouped by a 64-bit hash of the pair (one integer factorisation, much faster
    than hashing pairs of floats); that every row equals its group's first row is then
    checked, and a hash collision falls back to grouping the pairs themselves.
    """
    mixed = pd.util.hash_array(lat) * np.uint64(0x9E3779B97F4A7C15) ^ pd.util.hash_array(lon)
    where, _ = pd.factorize(mixed)
    first = np.empty(int(where.max(initial=-1)) + 1, dtype=np.int64)
    first[where[::-1]] = np.arange(len(where) - 1, -1, -1)
    if not (np.array_equal(lat, lat[first][where]) and np.array_equal(lon, lon[first][where])):
        where, pairs = pd.factorize(lat + 1j * lon)
        return where.astype(np.int64), pairs.real, pairs.imag
    return where.astype(np.int64), lat[first], lon[first]


class _PointIndex:
    """Global numbering of distinct ``(kind, lat, lon, country)`` across chunks."""

    def __init__(self) -> None:
        self._number: dict[tuple, int] = {}

    def __len__(self) -> int:
        return len(self._number)

    def of_rows(self, kind: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                country: pd.Categorical) -> np.ndarray:
        """Global point of each row (rows grouped in the chunk first: one lookup per
        distinct point, not per row)."""
        n_countries = len(country.categories) + 1
        where, lat_of, lon_of = _places(lat, lon)
        combined = (where * n_countries + country.codes + 1) * 2 + kind
        local, keys = pd.factorize(combined)
        rest, kinds = np.divmod(keys, 2)
        place, code = np.divmod(rest, n_countries)
        names = np.r_[None, np.asarray(country.categories, dtype=object)][code]
        number = self._number
        glob = np.fromiter((number.setdefault(key, len(number)) for key in zip(
            kinds.tolist(), lat_of[place].tolist(), lon_of[place].tolist(),
            names.tolist(), strict=True)), dtype=np.int64, count=len(keys))
        return glob[local]

    def frame(self) -> pd.DataFrame:
        kinds, lat, lon, country = (zip(*self._number, strict=True) if self._number
                                    else ((), (), (), ()))
        return pd.DataFrame({"kind": np.asarray(KINDS, dtype=object)[np.asarray(kinds, int)],
                             "lat": np.asarray(lat, float), "lon": np.asarray(lon, float),
                             "country": np.asarray(country, dtype=object)})


@dataclass
class _FirstBad:
    row: int
    reason: str
    column: str
    value: object
    id: object


def _id_chunks(path: Path, chunk_rows: int) -> Callable[[], Iterator[pd.Series]]:
    def chunks() -> Iterator[pd.Series]:
        for frame, _ in record_chunks(path, lambda header: ["id"], chunk_rows=chunk_rows):
            yield normalise_ids(frame["id"])
    return chunks


def _duplicates(keys: np.ndarray, has_id: np.ndarray, ids: Callable[[], Iterator[pd.Series]]
                ) -> np.ndarray:
    """Positions of rows whose id appeared on an earlier row (keys sorted once; the rows
    of repeated keys are compared as ids)."""
    present = keys[has_id]
    present.sort()  # in place: one copy of the keys, not two
    repeated = np.unique(present[1:][present[1:] == present[:-1]])
    del present
    if not len(repeated):
        return np.zeros(0, dtype=np.int64)
    candidates = np.flatnonzero(np.isin(keys, repeated) & has_id)
    return candidates[_ids_at(ids, candidates).duplicated(keep="first").to_numpy()]


def _ids_at(ids: Callable[[], Iterator[pd.Series]], positions: np.ndarray) -> pd.Series:
    """The ids of the rows at ``positions`` (sorted), read again chunk by chunk."""
    found, start = [pd.Series([], dtype=object)], 0
    for chunk in ids() if len(positions) else ():
        inside = positions[(positions >= start) & (positions < start + len(chunk))]
        found.append(chunk.iloc[inside - start])
        start += len(chunk)
    return pd.concat(found, ignore_index=True)


def scan_records(path: str | os.PathLike, *, on_invalid: str = "raise",
                 document_column: str | None = None,
                 chunk_rows: int = 1 << 21) -> RecordPoints:
    """Read, validate and reduce a records file chunk by chunk (module docstring).

    Parameters
    ----------
    path : path
        Parquet, CSV (also ``.gz``/``.zip``) or JSON lines.
    on_invalid : {"raise", "exclude"}, default="raise"
        As in :func:`~innometrics.clusters.records.validate_records`.
    document_column : str, optional
        Column of document ids: each row of a document with ``n`` rows weighs ``1/n``
        (WIPO's fractional count; ``n`` counts the document's rows with an id, excluded rows
        included, whose share is not reassigned); the file must then have no ``weight``
        column. Text ids are compared by a 64-bit hash (two of ``m`` documents share one
        with probability about ``m² / 2⁶⁵``: 3·10⁻⁴ for 100 million).
    chunk_rows : int, default=2**21
        Rows held in memory at a time.

    Returns
    -------
    RecordPoints
    """
    check_params("clusters.scan_records", {"on_invalid": on_invalid}, ON_INVALID)
    path = Path(path)
    source = str(path)
    index = _PointIndex()
    row_point, weight, keys, has_id, documents, has_document = [], [], [], [], [], []
    bad_rows, bad_ids, bad_reasons = [], [], []
    first: _FirstBad | None = None
    synthetic = False
    checked_header = False
    for frame, rows in record_chunks(path, _wanted(document_column), chunk_rows=chunk_rows):
        if not checked_header:
            check_columns(list(frame.columns), source, document_column)
            checked_header = True
        checked = check_rows(frame, document_column)
        good = checked.good
        point = np.full(len(frame), -1, dtype=np.int32)
        if good.any():
            point[good] = index.of_rows(checked.kind[good], checked.lat[good],
                                        checked.lon[good], checked.country[good])
        row_point.append(point)
        weight.append(np.where(good, checked.weight, 0.0))
        keys.append(id_keys(checked.ids))
        has_id.append(checked.has_id)
        if document_column:
            has_doc = checked.has_document
            documents.append(id_keys(checked.document[has_doc]))
            has_document.append(has_doc)
        if not good.all():
            bad = np.flatnonzero(~good)
            bad_rows.append(rows[bad])
            bad_ids.append(checked.ids.to_numpy()[bad])
            bad_reasons.append(checked.reason(bad))
            if first is None:
                i = int(bad[0])
                column = str(checked.column(bad[:1])[0])
                first = _FirstBad(int(rows[i]), checked.reason(bad[:1])[0], column,
                                  frame.iloc[i][column], checked.ids.iloc[i])
        if "synthetic" in frame.columns and not synthetic:
            synthetic = bool(synthetic_flags(pd.Series(frame["synthetic"].unique())).any())
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # the chunks' buffers, before the joins
    row_point_all = _joined(row_point, np.int32)
    del row_point
    row_numbers = (np.concatenate([r for r in bad_rows]) if bad_rows
                   else np.zeros(0, np.int64))
    ids = _id_chunks(path, chunk_rows)
    key_all = _joined(keys, np.int64)
    del keys  # each list of chunks is freed as soon as it is joined
    dup = _duplicates(key_all, _joined(has_id, bool), ids)
    del key_all, has_id
    dup = dup[row_point_all[dup] >= 0]  # a bad row is excluded for its first reason
    weights = _joined(weight, np.float64)
    del weight
    if document_column:
        has_doc = np.concatenate(has_document)
        weights[has_doc] = np.where(row_point_all[has_doc] >= 0,
                                    fractional_weights(np.concatenate(documents)), 0.0)
        del documents
    row_point_all[dup] = -1
    kept = row_point_all >= 0
    check_total(weights[kept], source)
    n_bad = int(sum(len(r) for r in bad_rows)) + len(dup)
    dup_rows = _row_numbers_of(dup, path, chunk_rows)
    if n_bad and on_invalid == "raise":
        if first is None or (len(dup) and dup_rows[0] < first.row):
            dup_id = _ids_at(ids, dup[:1]).iloc[0]
            first = _FirstBad(int(dup_rows[0]), "duplicate id", "id", dup_id, dup_id)
        raise bad_row_error(source, first.reason, first.value, first.id, n_bad, first.row,
                            first.column)
    excluded = pd.DataFrame({
        "row": np.r_[row_numbers, dup_rows].astype(np.int64),
        "id": np.concatenate([*bad_ids, _ids_at(ids, dup).to_numpy(dtype=object)])
        if n_bad else np.zeros(0, dtype=object),
        "reason": np.concatenate([*bad_reasons, np.full(len(dup), "duplicate id",
                                                        dtype=object)])
        if n_bad else np.zeros(0, dtype=object)}).sort_values("row", ignore_index=True)
    points = index.frame()
    at = row_point_all[kept]
    points["weight"] = np.bincount(at, weights=weights[kept], minlength=len(points))
    points["records"] = np.bincount(at, minlength=len(points)).astype(np.int64)
    points = points[points["records"] > 0]  # a point whose only rows were duplicates
    remap = np.full(len(index), -1, dtype=np.int32)
    remap[points.index.to_numpy()] = np.arange(len(points), dtype=np.int32)
    row_point_all[kept] = remap[at]
    return RecordPoints(points=points.reset_index(drop=True), row_point=row_point_all,
                        excluded=excluded, source=source, synthetic=synthetic, id_chunks=ids)


def _joined(chunks: list[np.ndarray], dtype: type) -> np.ndarray:
    """The chunks as one array, emptying the list as it goes (no second copy of them all)."""
    out = np.empty(sum(len(c) for c in chunks), dtype=dtype)
    start = 0
    while chunks:
        chunk = chunks.pop(0)
        out[start:start + len(chunk)] = chunk
        start += len(chunk)
    return out


def _row_numbers_of(positions: np.ndarray, path: Path, chunk_rows: int) -> np.ndarray:
    """Row numbers (as errors name them) of row positions; only read when there are any."""
    if not len(positions):
        return np.zeros(0, dtype=np.int64)
    numbers = np.concatenate([rows for _, rows in record_chunks(
        path, lambda header: ["id"], chunk_rows=chunk_rows)])
    return numbers[positions]


def points_of_records(records: Records) -> RecordPoints:
    """In-memory :class:`~innometrics.clusters.records.Records` as :class:`RecordPoints`
    (the same reduction as :func:`scan_records`)."""
    frame = records.frame
    index = _PointIndex()
    kind = pd.Index(list(KINDS)).get_indexer(frame["kind"]).astype(np.int8)
    country = pd.Categorical(frame["country"].to_numpy(dtype=object))
    point = index.of_rows(kind, frame["lat"].to_numpy(float) + 0.0,
                          frame["lon"].to_numpy(float) + 0.0, country).astype(np.int32)
    points = index.frame()
    points["weight"] = np.bincount(point, weights=frame["weight"].to_numpy(float),
                                   minlength=len(points))
    points["records"] = np.bincount(point, minlength=len(points)).astype(np.int64)
    ids = frame["id"]
    return RecordPoints(points=points, row_point=point, excluded=records.excluded,
                        source=records.source, synthetic=records.synthetic,
                        id_chunks=lambda: iter([ids]))
