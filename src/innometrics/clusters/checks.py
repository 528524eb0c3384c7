"""Row checks of a records table (rules: :mod:`~innometrics.clusters.records`), shared by the
in-memory reader and the chunked one (:mod:`~innometrics.clusters.stream`).

Each check runs once per distinct cell value (geocodes, kinds and countries repeat) and is
spread back to the rows, and typed columns (Parquet floats) skip text parsing, so that a chunk
of a million rows is checked in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._params import Options
from ..errors import InputError
from ..io import MISSING_MARKERS

__all__ = ["KINDS", "ON_INVALID", "CheckedRows", "check_columns", "check_rows", "check_total",
           "bad_row_error", "fractional_weights", "id_keys", "normalise_ids", "missing_cells",
           "synthetic_flags", "parse_numbers"]

KINDS = ("patent", "publication")
#: What to do with a bad row: raise on the first, or exclude it (counted).
ON_INVALID = {"on_invalid": [Options({"raise", "exclude"})]}
_REQUIRED = ("id", "lat", "lon", "kind")
_FIX = "correct or remove the row, or rerun with --drop-invalid to exclude bad rows (they are " \
       "counted in the report)"


def _is_number(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values.dtype)


def _per_value(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Row codes (``-1`` = empty cell) and the distinct values: each check runs once per
    distinct value (geocodes, kinds and countries repeat), then spreads back by code."""
    codes, uniques = pd.factorize(values)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def missing_cells(values: pd.Series) -> np.ndarray:
    """Empty cells: NaN/None or a text of :data:`~innometrics.io.MISSING_MARKERS`."""
    values = pd.Series(values)
    if _is_number(values):
        return values.isna().to_numpy(dtype=bool)
    codes, uniques = _per_value(values)
    flags = uniques.astype(str).str.strip().isin(MISSING_MARKERS).to_numpy(dtype=bool)
    return np.r_[flags, True][codes]  # code -1 (an empty cell) picks the appended True


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(float values, missing mask, not-a-number mask)."""
    values = pd.Series(values)
    if _is_number(values):
        nums = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return nums, np.isnan(nums), np.zeros(len(nums), dtype=bool)
    codes, uniques = _per_value(values)
    missing = np.r_[missing_cells(uniques), True][codes]
    parsed = pd.to_numeric(uniques.where(~missing_cells(uniques), None), errors="coerce")
    nums = np.r_[parsed.to_numpy(dtype=np.float64, na_value=np.nan), np.nan][codes]
    return nums, missing, np.isnan(nums) & ~missing


def _labels(values: pd.Series, *, upper: bool) -> pd.Categorical:
    """Stripped text in one case (``None`` where missing), as a categorical."""
    codes, uniques = _per_value(values)
    text = uniques.astype(str).str.strip()
    text = (text.str.upper() if upper else text.str.lower()).where(~missing_cells(uniques), None)
    label_codes, labels = pd.factorize(text)
    return pd.Categorical.from_codes(np.r_[label_codes, -1][codes], categories=labels)


def normalise_ids(values: pd.Series) -> pd.Series:
    """Ids as given: integers stay integers (int64), anything else is stripped text."""
    values = pd.Series(values)
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype(np.int64)
    return values.astype(object).astype(str).str.strip()


def id_keys(ids: pd.Series) -> np.ndarray:
    """One int64 per id for the duplicate test: the integer itself, or a 64-bit hash of the
    text (equal keys are then compared as text, so a hash collision is never a duplicate)."""
    if pd.api.types.is_integer_dtype(ids.dtype):
        return ids.to_numpy(dtype=np.int64)
    return pd.util.hash_array(ids.to_numpy(dtype=object)).view(np.int64)


def fractional_weights(documents: np.ndarray) -> np.ndarray:
    """WIPO's fractional count: each of the ``n`` rows of a document weighs ``1/n``.

    >>> fractional_weights(np.array([7, 7, 3, 7]))
    array([0.33333333, 0.33333333, 1.        , 0.33333333])
    """
    _, inverse, counts = np.unique(documents, return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse]


@dataclass
class CheckedRows:
    """The checks of :func:`validate_records` on one table or chunk, except duplicate ids
    (which need the whole file).

    ``code`` is 0 on a good row, else the number of the row's first problem, whose text and
    column are ``problems[code]``; ``kind`` is an index into :data:`KINDS` (``-1`` = not a
    kind); ``document`` holds the document ids when a document column is named (its rows
    then weigh ``1/n``, see :func:`fractional_weights`).
    """

    code: np.ndarray
    ids: pd.Series
    lat: np.ndarray
    lon: np.ndarray
    kind: np.ndarray
    weight: np.ndarray
    country: pd.Categorical
    problems: list[tuple[str, str]] = field(default_factory=lambda: [("", "")])
    has_id: np.ndarray | None = None
    document: pd.Series | None = None
    has_document: np.ndarray | None = None

    def flag(self, mask: np.ndarray, text: str, col: str) -> None:
        """Give ``text`` (in column ``col``) to the rows of ``mask`` without a problem yet."""
        self.problems.append((text, col))
        self.code[mask & (self.code == 0)] = len(self.problems) - 1

    @property
    def good(self) -> np.ndarray:
        return self.code == 0

    def reason(self, rows: np.ndarray) -> np.ndarray:
        """Problem texts of ``rows`` (positions)."""
        return np.asarray([t for t, _ in self.problems], dtype=object)[self.code[rows]]

    def column(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray([c for _, c in self.problems], dtype=object)[self.code[rows]]


def check_columns(columns: list[str], source: str, document_column: str | None) -> None:
    """Refuse a records table without the required columns, or with a document column and
    a weight column both (the weight would be ignored)."""
    missing_cols = [c for c in (*_REQUIRED, *([document_column] if document_column else []))
                    if c not in columns]
    if missing_cols:
        raise InputError(source, f"missing column(s) {', '.join(missing_cols)}",
                         "records need columns id, lat, lon, kind (optional weight, year, "
                         "country)", row=1)
    if document_column and "weight" in columns:
        raise InputError(source, f"has a weight column and --document-column "
                         f"{document_column!r} (which sets the weights)",
                         "drop the weight column or leave --document-column out", row=1,
                         column="weight")


def check_rows(frame: pd.DataFrame, document_column: str | None = None) -> CheckedRows:
    """Check each row of a records table or chunk (see the module docstring)."""
    n = len(frame)
    ids = frame["id"]
    lat, lat_na, lat_bad = parse_numbers(frame["lat"])
    lon, lon_na, lon_bad = parse_numbers(frame["lon"])
    kind = _labels(frame["kind"], upper=False)
    kind_of_label = pd.Index(list(KINDS)).get_indexer(kind.categories)
    kind_code = np.r_[kind_of_label, -1][kind.codes].astype(np.int8)
    country = (_labels(frame["country"], upper=True) if "country" in frame.columns
               else pd.Categorical.from_codes(np.full(n, -1), categories=[]))
    rows = CheckedRows(code=np.zeros(n, dtype=np.int8), ids=normalise_ids(ids), lat=lat + 0.0,
                       lon=lon + 0.0, kind=kind_code, weight=np.ones(n), country=country)
    rows.has_id = ~missing_cells(ids)
    rows.flag(~rows.has_id, "missing id", "id")
    rows.flag(lat_na, "missing latitude", "lat")
    rows.flag(lat_bad, "latitude is not a number", "lat")
    rows.flag(lon_na, "missing longitude", "lon")
    rows.flag(lon_bad, "longitude is not a number", "lon")
    with np.errstate(invalid="ignore"):
        rows.flag(np.abs(lat) > 90, "latitude outside [-90, 90]", "lat")
        rows.flag(np.abs(lon) > 180, "longitude outside [-180, 180]", "lon")
    rows.flag(kind_code < 0, "kind is not 'patent' or 'publication'", "kind")
    if "weight" in frame.columns:
        weight, w_na, w_bad = parse_numbers(frame["weight"])
        rows.flag(w_na, "missing weight", "weight")
        rows.flag(w_bad, "weight is not a number", "weight")
        with np.errstate(invalid="ignore"):
            rows.flag(weight < 0, "negative weight", "weight")
        rows.flag(np.isinf(weight), "infinite weight", "weight")
        rows.weight = weight
    if document_column:
        rows.has_document = ~missing_cells(frame[document_column])
        rows.flag(~rows.has_document, "missing document id", document_column)
        rows.document = normalise_ids(frame[document_column])
    return rows


def check_total(weight: np.ndarray, source: str) -> None:
    """Refuse weights whose sum overflows."""
    with np.errstate(over="ignore"):
        total = float(np.sum(weight))
    if not np.isfinite(total):
        raise InputError(source, "the weights sum to infinity (values near 1e308 overflow)",
                         "use fractional counts (e.g. 1/n per inventor), not huge numbers",
                         column="weight")


def bad_row_error(source: str, reason: str, value: object, row_id: object, n_bad: int,
                  row: int, column: str) -> InputError:
    """The one-line error for the first bad row."""
    value, row_id = (v.item() if isinstance(v, np.generic) else v for v in (value, row_id))
    return InputError(source, f"{reason} (value {value!r}, id {row_id!r}); "
                      f"{n_bad} bad row(s) in all", _FIX, row=row, column=column)


def synthetic_flags(values: pd.Series) -> np.ndarray:
    """The ``synthetic`` column as booleans (true, 1 or 1.0 in any case)."""
    return pd.Series(values).astype(str).str.strip().str.lower().isin(
        ("true", "1", "1.0")).to_numpy()
