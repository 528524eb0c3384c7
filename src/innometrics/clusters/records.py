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

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, InvalidParameter
from ..io import MISSING_MARKERS, read_table

__all__ = ["Records", "KINDS", "read_records", "validate_records", "read_patentsview",
           "read_openalex"]

KINDS = ("patent", "publication")
_REQUIRED = ("id", "lat", "lon", "kind")
_FIX = "correct or remove the row, or rerun with --drop-invalid to exclude bad rows (they are " \
       "counted in the report)"


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

    def exclusion_counts(self) -> pd.Series:
        """Number of excluded rows per reason (empty when none)."""
        return self.excluded["reason"].value_counts().sort_index()

    def of_kind(self, kind: str) -> pd.DataFrame:
        return self.frame[self.frame["kind"] == kind]


def _missing(values: pd.Series) -> np.ndarray:
    values = pd.Series(values)
    text = values.astype(str).str.strip()
    return (values.isna() | text.isin(MISSING_MARKERS)).to_numpy(dtype=bool)


def _numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(float values, missing mask, not-a-number mask)."""
    missing = _missing(values)
    cleaned = values.astype(object).where(~missing, None)
    nums = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return nums, missing, np.isnan(nums) & ~missing


def validate_records(frame: pd.DataFrame, *, source: str = "records",
                     on_invalid: str = "raise") -> Records:
    """Check a records table row by row; see the module docstring for the rules.

    Parameters
    ----------
    frame : DataFrame
        Cells as read (text or numbers).
    source : str, default="records"
        Name used in messages (the file name).
    on_invalid : {"raise", "exclude"}, default="raise"

    Returns
    -------
    Records
    """
    if on_invalid not in ("raise", "exclude"):
        raise InvalidParameter("'on_invalid' of clusters.validate_records must be one of "
                               f"{{'exclude', 'raise'}}; got {on_invalid!r}.")
    missing_cols = [c for c in _REQUIRED if c not in frame.columns]
    if missing_cols:
        raise InputError(source, f"missing column(s) {', '.join(missing_cols)}",
                         "records need columns id, lat, lon, kind (optional weight, year, "
                         "country)", row=1)
    n = len(frame)
    reason = np.full(n, "", dtype=object)
    column = np.full(n, "", dtype=object)

    def flag(mask: np.ndarray, text: str, col: str) -> None:
        new = mask & (reason == "")
        reason[new] = text
        column[new] = col

    ids = frame["id"].astype(object)
    flag(_missing(ids), "missing id", "id")
    ids = ids.astype(str).str.strip()
    lat, lat_na, lat_bad = _numbers(frame["lat"])
    lon, lon_na, lon_bad = _numbers(frame["lon"])
    flag(lat_na, "missing latitude", "lat")
    flag(lat_bad, "latitude is not a number", "lat")
    flag(lon_na, "missing longitude", "lon")
    flag(lon_bad, "longitude is not a number", "lon")
    with np.errstate(invalid="ignore"):
        flag(np.abs(lat) > 90, "latitude outside [-90, 90]", "lat")
        flag(np.abs(lon) > 180, "longitude outside [-180, 180]", "lon")
    kind = frame["kind"].astype(str).str.strip().str.lower()
    flag(~kind.isin(KINDS).to_numpy(), "kind is not 'patent' or 'publication'", "kind")
    if "weight" in frame.columns:
        weight, w_na, w_bad = _numbers(frame["weight"])
        flag(w_na, "missing weight", "weight")
        flag(w_bad, "weight is not a number", "weight")
        with np.errstate(invalid="ignore"):
            flag(weight < 0, "negative weight", "weight")
        flag(np.isinf(weight), "infinite weight", "weight")
    else:
        weight = np.ones(n)
    dup = ids.duplicated(keep="first").to_numpy() & (reason == "")
    flag(dup, "duplicate id", "id")

    bad = reason != ""
    if bad.any() and on_invalid == "raise":
        i = int(np.flatnonzero(bad)[0])
        value = frame.iloc[i][column[i]]
        raise InputError(source, f"{reason[i]} (value {value!r}, id {ids.iloc[i]!r}); "
                         f"{int(bad.sum())} bad row(s) in all", _FIX,
                         row=i + 2, column=str(column[i]))
    excluded = pd.DataFrame({"row": np.flatnonzero(bad) + 2, "id": ids[bad].to_numpy(),
                             "reason": reason[bad]})
    keep = ~bad
    out = pd.DataFrame({"id": ids[keep].to_numpy(dtype=object), "lat": lat[keep],
                        "lon": lon[keep], "kind": kind[keep].to_numpy(dtype=object),
                        "weight": weight[keep]})
    out["year"] = (pd.array(_numbers(frame["year"])[0][keep]).astype("Int64")
                   if "year" in frame.columns else pd.array([pd.NA] * int(keep.sum()),
                                                            dtype="Int64"))
    if "country" in frame.columns:
        cc = frame["country"][keep]
        out["country"] = cc.astype(str).str.strip().str.upper().where(
            ~_missing(cc), None).to_numpy(dtype=object)
    else:
        out["country"] = None
    for extra in frame.columns:
        if extra not in out.columns:
            out[extra] = frame[extra][keep].to_numpy()
    if "synthetic" in out.columns:
        out["synthetic"] = out["synthetic"].astype(str).str.strip().str.lower().isin(
            ("true", "1", "1.0")).to_numpy()
    return Records(frame=out.reset_index(drop=True), excluded=excluded, source=source)


def read_records(path: str | os.PathLike, *, on_invalid: str = "raise") -> Records:
    """Read and validate a records CSV or Parquet file (see :func:`validate_records`)."""
    return validate_records(read_table(path), source=str(path), on_invalid=on_invalid)


def _read_delimited(path: str | os.PathLike) -> pd.DataFrame:
    path = Path(path)
    if path.suffix.lower() in (".tsv", ".txt"):
        if not path.exists():
            raise InputError(str(path), "file not found", "check the path")
        return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
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
    ``g_location_disambiguated`` tables (TSV as distributed, or CSV/Parquet).

    Each inventor of a patent counts ``1/n`` (``n`` inventors on the patent, located or not);
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
    n_inv = inv.groupby("patent_id")["patent_id"].transform("size").to_numpy(dtype=float)
    merged = inv.merge(loc[["location_id", "latitude", "longitude", "disambig_country"]],
                       on="location_id", how="left", validate="many_to_one")
    ids = merged["patent_id"].astype(str) + "-" + merged["inventor_sequence"].astype(str)
    geocoded = ~(_missing(merged["latitude"]) | _missing(merged["longitude"]))
    excluded = [(int(i) + 2, ids.iloc[i], "no geocode (inventor location unknown)")
                for i in np.flatnonzero(~geocoded)]
    rows = pd.DataFrame({"id": ids, "lat": merged["latitude"], "lon": merged["longitude"],
                         "kind": "patent", "weight": 1.0 / n_inv,
                         "country": merged["disambig_country"]})[geocoded]
    return _finish(rows.reset_index(drop=True), excluded, str(inventors), on_invalid)


def _short_openalex_id(value: object) -> str:
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def read_openalex(works: str | os.PathLike, institutions: str | os.PathLike, *,
                  on_invalid: str = "raise") -> Records:
    """Publication records from OpenAlex works (JSON lines) and an institutions table.

    ``works``: one work per line with ``id``, ``publication_year`` and
    ``authorships[].institutions[].id``. ``institutions``: a table with ``id, latitude,
    longitude, country_code`` (OpenAlex keeps coordinates in the institutions entity,
    ``geo.latitude``/``geo.longitude``). Each of ``n`` authors counts ``1/n`` of the work, split
    equally over that author's ``m`` institutions (``1/(n·m)`` each); ``id`` is
    ``"<work>-<author position>-<institution position>"``. Authors without an institution, and
    institutions missing from the table or without coordinates, are excluded with a reason.
    """
    inst = read_table(institutions)
    _need_columns(inst, ("id", "latitude", "longitude", "country_code"), str(institutions))
    inst = inst.assign(key=inst["id"].map(_short_openalex_id)).drop_duplicates("key")
    geo = inst.set_index("key")[["latitude", "longitude", "country_code"]]
    path = Path(works)
    if not path.exists():
        raise InputError(str(path), "file not found", "check the path")
    rows: list[dict] = []
    excluded: list[tuple[int, str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                work = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"line is not JSON ({exc.msg})",
                                 "give one OpenAlex work object per line",
                                 row=line_no) from None
            wid = _short_openalex_id(work.get("id", f"line{line_no}"))
            authors = work.get("authorships") or []
            for a_pos, author in enumerate(authors, start=1):
                insts = author.get("institutions") or []
                if not insts:
                    excluded.append((line_no, f"{wid}-{a_pos}", "author without institution"))
                    continue
                for i_pos, institution in enumerate(insts, start=1):
                    rid = f"{wid}-{a_pos}-{i_pos}"
                    key = _short_openalex_id(institution.get("id", ""))
                    if key not in geo.index or _missing(geo.loc[[key], "latitude"])[0]:
                        excluded.append((line_no, rid, "institution without coordinates"))
                        continue
                    lat, lon, cc = geo.loc[key]
                    rows.append({"id": rid, "lat": lat, "lon": lon, "kind": "publication",
                                 "weight": 1.0 / (len(authors) * len(insts)),
                                 "year": work.get("publication_year"), "country": cc})
    frame = pd.DataFrame(rows, columns=["id", "lat", "lon", "kind", "weight", "year",
                                        "country"])
    return _finish(frame, excluded, str(path), on_invalid)
