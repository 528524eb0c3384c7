"""Geocoded records: load, validate, and import from PatentsView and OpenAlex.

A records table has one row per inventor or author location::

    id, lat, lon, kind [, weight, year, country]

``kind`` is ``patent`` or ``publication``; ``weight`` is a fractional count (default 1: a
patent with ``n`` inventors gives each ``1/n``); ``country`` is an ISO 3166 alpha-2 code.

Validation happens once, here. Each row is checked for: a missing or non-numeric coordinate,
latitude outside [-90, 90], longitude outside [-180, 180], an unknown kind, a missing,
non-numeric, negative or infinite weight, and an id already used. With
``on_invalid="raise"`` (the default) the first bad row raises :class:`InputError` naming file,
row and column; with ``on_invalid="exclude"`` bad rows are left out and listed in
:attr:`Records.excluded` with their reason — nothing is dropped silently. Rows are numbered as a
spreadsheet shows them (header = row 1).
"""

from __future__ import annotations

import contextlib
import gzip
import io as io_module
import itertools
import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .._params import check_params
from ..errors import InputError
from ..io import read_table, sniff_delimiter
from .checks import (
    KINDS,
    ON_INVALID,
    bad_row_error,
    check_columns,
    check_rows,
    check_total,
    fractional_weights,
    id_keys,
    missing_cells,
    normalise_ids,
    parse_numbers,
    synthetic_flags,
)

__all__ = ["Records", "KINDS", "read_records", "validate_records", "read_patentsview",
           "read_openalex", "read_institutions", "iter_json_objects", "open_text"]



@dataclass(frozen=True)
class Records:
    """Validated records.

    Attributes
    ----------
    frame : DataFrame
        ``id`` (str), ``lat``, ``lon`` (float64, degrees), ``kind`` (str), ``weight``
        (float64), ``year`` (Int64), ``country`` (str or None) and any extra input columns.
    excluded : DataFrame
        ``row, id, reason`` of every row left out.
    source : str
    """

    frame: pd.DataFrame
    excluded: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"row": [], "id": [], "reason": []}))
    source: str = "records"

    @property
    def synthetic(self) -> bool:
        """Whether the records come from :func:`~innometrics.clusters.synth.synthesize`."""
        return "synthetic" in self.frame and bool(self.frame["synthetic"].astype(bool).any())

    @property
    def n_records(self) -> int:
        """Rows kept."""
        return len(self.frame)

    def exclusion_counts(self) -> pd.Series:
        """Number of excluded rows per reason (empty when none)."""
        return self.excluded["reason"].value_counts().sort_index()

    def of_kind(self, kind: str) -> pd.DataFrame:
        return self.frame[self.frame["kind"] == kind]


def validate_records(frame: pd.DataFrame, *, source: str = "records",
                     on_invalid: str = "raise", document_column: str | None = None) -> Records:
    """Check a records table row by row; see the module docstring for the rules.

    Parameters
    ----------
    frame : DataFrame
        Cells as read (text or numbers).
    source : str, default="records"
        Name used in messages (the file name).
    on_invalid : {"raise", "exclude"}, default="raise"
    document_column : str, optional
        Column of document ids (patent, article): the rows of a document weigh ``1/n``
        each (:func:`fractional_weights`, over the rows with a document id) instead of a
        ``weight`` column.

    Returns
    -------
    Records
    """
    check_params("clusters.validate_records", {"on_invalid": on_invalid}, ON_INVALID)
    check_columns([str(c) for c in frame.columns], source, document_column)
    rows = check_rows(frame, document_column)
    if document_column:
        has_doc = rows.has_document
        rows.weight[has_doc] = fractional_weights(id_keys(rows.document[has_doc]))
    check_total(np.where(rows.good, rows.weight, 0.0), source)
    dup = rows.ids.duplicated(keep="first").to_numpy() & rows.has_id
    rows.flag(dup, "duplicate id", "id")

    bad = ~rows.good
    ids = rows.ids
    where = np.flatnonzero(bad)
    if bad.any() and on_invalid == "raise":
        i = int(where[0])
        column = str(rows.column(where[:1])[0])
        raise bad_row_error(source, rows.reason(where[:1])[0], frame.iloc[i][column],
                            ids.iloc[i], int(bad.sum()), i + 2, column)
    excluded = pd.DataFrame({"row": where + 2, "id": ids[bad].to_numpy(),
                             "reason": rows.reason(where)})
    keep = ~bad
    out = pd.DataFrame({"id": ids[keep].to_numpy(), "lat": rows.lat[keep],
                        "lon": rows.lon[keep],
                        "kind": np.asarray(KINDS, dtype=object)[rows.kind[keep]],
                        "weight": rows.weight[keep]})
    out["year"] = (pd.array(parse_numbers(frame["year"])[0][keep]).astype("Int64")
                   if "year" in frame.columns else pd.array([pd.NA] * int(keep.sum()),
                                                            dtype="Int64"))
    out["country"] = np.asarray(rows.country[keep], dtype=object)
    for extra in frame.columns:
        if extra not in out.columns:
            out[extra] = frame[extra][keep].to_numpy()
    if "synthetic" in out.columns:
        out["synthetic"] = synthetic_flags(out["synthetic"])
    return Records(frame=out.reset_index(drop=True), excluded=excluded, source=source)


def read_records(path: str | os.PathLike, *, on_invalid: str = "raise") -> Records:
    """Read and validate a records CSV or Parquet file (see :func:`validate_records`)."""
    if not Path(path).exists():
        raise InputError(str(path), "file not found", "check the path of the records file")
    return validate_records(read_table(path), source=str(path), on_invalid=on_invalid)


@contextlib.contextmanager
def open_text(path: str | os.PathLike) -> Iterator[IO[str]]:
    """Open a text file as distributed: plain, gzip (``.gz``, OpenAlex's snapshot) or a zip
    archive holding one file (``.zip``, PatentsView's bulk downloads)."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "file not found", "check the path")
    if path.is_dir():
        raise InputError(str(path), "is a directory", "give the path of a file")
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
                yield fh
        elif path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/")]
                if len(members) != 1:
                    raise InputError(str(path), f"the archive holds {len(members)} files "
                                     f"({', '.join(members[:4])})", "give an archive with one "
                                     "table, or unzip it and give the file")
                with archive.open(members[0]) as raw:
                    yield io_module.TextIOWrapper(raw, encoding="utf-8-sig")
        else:
            with path.open(encoding="utf-8-sig") as fh:
                yield fh
    except (OSError, zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise unreadable(path, exc, "check that the file is complete (a download may be cut "
                         "short)") from None


def unreadable(path: str | os.PathLike, exc: Exception, fix: str) -> InputError:
    """The error for a file that fails while being read, naming the library's reason."""
    return InputError(str(path), f"cannot be read ({type(exc).__name__}: "
                      f"{str(exc).splitlines()[0] if str(exc) else ''})", fix)


def _inner_suffix(path: Path) -> str:
    """``.tsv`` for ``x.tsv.zip`` / ``x.tsv.gz``, else the suffix itself."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".zip", ".gz") and len(suffixes) > 1:
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def _read_delimited(path: str | os.PathLike) -> pd.DataFrame:
    """A PatentsView or institutions table: TSV (``.tsv``, ``.txt``, also zipped or gzipped),
    CSV or Parquet."""
    path = Path(path)
    inner = _inner_suffix(path)
    if path.suffix.lower() in (".zip", ".gz") or inner in (".tsv", ".txt"):
        with open_text(path) as fh:
            header = fh.readline()
            sep = sniff_delimiter(header)  # the name may not say (a .tsv holding commas)
            try:
                return pd.read_csv(io_module.StringIO(header + fh.read()), sep=sep, dtype=str,
                                   keep_default_na=False)
            except (pd.errors.ParserError, ValueError) as exc:
                raise InputError(str(path), f"cannot be read as a table "
                                 f"({str(exc).splitlines()[0]})",
                                 "check that the file is complete") from None
    return read_table(path)


def _need_columns(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(source, f"missing column(s) {', '.join(missing)}",
                         "use the public schema's column names", row=1)


def _finish(rows: pd.DataFrame, excluded: list[tuple[int, str, str]], source: str,
            on_invalid: str) -> Records:
    records = validate_records(rows, source=source, on_invalid=on_invalid)
    pre = pd.DataFrame(excluded, columns=["row", "id", "reason"])
    both = pd.concat([pre, records.excluded], ignore_index=True) if len(pre) else \
        records.excluded
    return Records(frame=records.frame, excluded=both, source=source)


def read_patentsview(inventors: str | os.PathLike, locations: str | os.PathLike, *,
                     on_invalid: str = "raise") -> Records:
    """Patent records from PatentsView's ``g_inventor_disambiguated`` and
    ``g_location_disambiguated`` tables (TSV as distributed, zipped or not, or CSV/Parquet).

    Each inventor of a patent counts ``1/n`` (``n`` inventors on the patent, located or not:
    :func:`~innometrics.clusters.checks.fractional_weights`, as ``--document-column``);
    ``id`` is ``"<patent_id>-<inventor_sequence>"``; ``country`` is ``disambig_country``.
    Inventors whose ``location_id`` is empty or absent from the location table, or whose
    location has no coordinates, are excluded with reason "no geocode" (their share of the
    patent is not reassigned).
    """
    inv = _read_delimited(inventors)
    loc = _read_delimited(locations)
    _need_columns(inv, ("patent_id", "inventor_sequence", "location_id"), str(inventors))
    _need_columns(loc, ("location_id", "latitude", "longitude", "disambig_country"),
                  str(locations))
    share = fractional_weights(id_keys(normalise_ids(inv["patent_id"])))
    merged = inv.merge(loc[["location_id", "latitude", "longitude", "disambig_country"]],
                       on="location_id", how="left", validate="many_to_one")
    ids = merged["patent_id"].astype(str) + "-" + merged["inventor_sequence"].astype(str)
    geocoded = ~(missing_cells(merged["latitude"]) | missing_cells(merged["longitude"]))
    excluded = [(int(i) + 2, ids.iloc[i], "no geocode (inventor location unknown)")
                for i in np.flatnonzero(~geocoded)]
    rows = pd.DataFrame({"id": ids, "lat": merged["latitude"], "lon": merged["longitude"],
                         "kind": "patent", "weight": share,
                         "country": merged["disambig_country"]})[geocoded]
    return _finish(rows.reset_index(drop=True), excluded, str(inventors), on_invalid)


def _short_openalex_id(value: object) -> str:
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def iter_json_objects(path: str | os.PathLike) -> Iterator[tuple[int, dict]]:
    """The JSON objects of an OpenAlex file, with the line (or array position) of each: JSON
    lines, a JSON array, an API page ``{"results": [...]}`` (also one page per line), plain
    or gzipped. Anything else is an :class:`InputError` naming the line.

    JSON lines are read one line at a time (a snapshot file need not fit in memory); only an
    array or a single pretty-printed document is parsed whole."""
    source = str(path)
    with open_text(path) as fh:
        line_no = 0
        for line in fh:
            line_no += 1
            if line.strip():
                break
        else:
            return
        first = line.lstrip()[0]
        if first == "{":
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                pass  # the start of one pretty-printed document
            else:
                yield from _objects_of(value, line_no, source)
                yield from _json_lines(fh, line_no, source)
                return
        if first in "[{":
            try:
                value = json.loads(line + fh.read())
            except json.JSONDecodeError as exc:
                raise InputError(source, f"is not valid JSON ({exc.msg})", "check that the "
                                 "file is complete", row=line_no + exc.lineno - 1) from None
            yield from _objects_of(value, line_no, source)
            return
        yield from _json_lines(itertools.chain([line], fh), line_no - 1, source)


def _json_lines(lines: Iterable[str], before: int, source: str) -> Iterator[tuple[int, dict]]:
    """The objects of JSON lines, numbered from ``before + 1``."""
    for line_no, line in enumerate(lines, start=before + 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(source, f"line is not JSON ({exc.msg})",
                             "give one OpenAlex object per line, a JSON array or an API page",
                             row=line_no) from None
        yield from _objects_of(value, line_no, source)


def _objects_of(value: object, line_no: int, source: str) -> Iterator[tuple[int, dict]]:
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]  # an API page
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("results"), list):
            yield from _objects_of(item, line_no, source)
        elif isinstance(item, dict):
            yield line_no, item
        else:
            raise InputError(source, f"holds a {type(item).__name__} where an object was "
                             "expected", "give OpenAlex objects", row=line_no)


_GEO = ("latitude", "longitude", "country_code")


def read_institutions(path: str | os.PathLike) -> pd.DataFrame:
    """OpenAlex institutions as ``key, latitude, longitude, country_code``: a table with those
    columns (or ``geo.latitude`` ... as flattened exports name them), or institution objects
    (JSON lines, array or API pages) with OpenAlex's nested ``geo``."""
    path = Path(path)
    if _inner_suffix(path) in (".json", ".jsonl", ".ndjson"):
        rows = []
        for _, obj in iter_json_objects(path):
            geo = obj.get("geo") if isinstance(obj.get("geo"), dict) else {}
            rows.append({"id": obj.get("id"),
                         **{k: geo.get(k, obj.get(k)) for k in _GEO}})
        table = pd.DataFrame(rows, columns=["id", *_GEO])
    else:
        table = _read_delimited(path)
        table = table.rename(columns={f"geo.{k}": k for k in _GEO if k not in table.columns})
    _need_columns(table, ("id", *_GEO), str(path))
    table = table.assign(key=table["id"].map(_short_openalex_id)).drop_duplicates("key")
    return table.set_index("key")[list(_GEO)]


def read_openalex(works: str | os.PathLike, institutions: str | os.PathLike, *,
                  on_invalid: str = "raise") -> Records:
    """Publication records from OpenAlex works and institutions.

    ``works``: OpenAlex work objects with ``id``, ``publication_year`` and
    ``authorships[].institutions[].id``, as JSON lines, a JSON array or API pages
    (``{"results": [...]}``), plain or gzipped (the snapshot's ``.gz`` parts).
    ``institutions``: see :func:`read_institutions` (OpenAlex keeps coordinates in the
    institutions entity, ``geo.latitude``/``geo.longitude``). Each of ``n`` authors counts
    ``1/n`` of the work, split equally over that author's ``m`` institutions (``1/(n·m)``
    each); ``id`` is ``"<work>-<author position>-<institution position>"``. Authors without
    an institution, and institutions missing from the table or without coordinates, are
    excluded with a reason.
    """
    geo = read_institutions(institutions)
    source = str(works)
    rows: list[dict] = []
    excluded: list[tuple[int, str, str]] = []
    for line_no, work in iter_json_objects(works):
        wid = _short_openalex_id(work.get("id", f"line{line_no}"))
        authors = work.get("authorships") or []
        if not isinstance(authors, list):
            raise InputError(source, f"work {wid}: 'authorships' is not a list",
                             "give OpenAlex work objects", row=line_no)
        for a_pos, author in enumerate(authors, start=1):
            insts = author.get("institutions") or [] if isinstance(author, dict) else []
            if not insts:
                excluded.append((line_no, f"{wid}-{a_pos}", "author without institution"))
                continue
            for i_pos, institution in enumerate(insts, start=1):
                rid = f"{wid}-{a_pos}-{i_pos}"
                key = _short_openalex_id((institution or {}).get("id", ""))
                if key not in geo.index or missing_cells(geo.loc[[key], "latitude"])[0]:
                    excluded.append((line_no, rid, "institution without coordinates"))
                    continue
                lat, lon, cc = geo.loc[key]
                rows.append({"id": rid, "lat": lat, "lon": lon, "kind": "publication",
                             "weight": 1.0 / (len(authors) * len(insts)),
                             "year": work.get("publication_year"), "country": cc})
    frame = pd.DataFrame(rows, columns=["id", "lat", "lon", "kind", "weight", "year",
                                        "country"])
    return _finish(frame, excluded, source, on_invalid)
