"""Reading tables (CSV, Excel, Parquet) and writing outputs without half-written files."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["read_table", "to_float", "text_column", "atomic_output_dir", "MISSING_MARKERS"]

#: Cell texts read as a missing value (besides empty cells).
MISSING_MARKERS = frozenset({"", "NA", "N/A", "n/a", "NaN", "nan", "..", "#N/A", "null", "NULL"})

_EXCEL = {".xlsx", ".xlsm", ".xls"}
_PARQUET = {".parquet", ".pq"}


def read_table(path: str | os.PathLike, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet table with every cell kept as found.

    CSV cells are read as text so that validation can name a bad cell exactly; Excel and Parquet
    cells keep their types. For Excel, ``sheet`` is used when the workbook has a sheet of that
    name, otherwise the first sheet.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "file not found", "check the path (paths in a recipe are "
                         "relative to the recipe file)")
    suffix = path.suffix.lower()
    try:
        if suffix in _EXCEL:
            with pd.ExcelFile(path) as book:
                name = sheet if sheet in book.sheet_names else book.sheet_names[0]
            return pd.read_excel(path, sheet_name=name, dtype=object)
        if suffix in _PARQUET:
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(str(path), f"cannot be read as a table ({first_line})",
                         "save it as UTF-8 CSV, .xlsx or .parquet") from exc


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in MISSING_MARKERS


def to_float(series: pd.Series, *, source: str, column: str, fix: str) -> np.ndarray:
    """Convert a column to float64 (NaN = missing), naming the first cell that is not a number.

    Conversion goes through Python's ``float`` so that decimal text round-trips exactly.
    """
    out = np.empty(len(series), dtype=np.float64)
    for i, value in enumerate(series.tolist()):
        if _is_missing(value):
            out[i] = np.nan
            continue
        try:
            out[i] = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise InputError(source, f"'{value}' is not a number", fix,
                             row=i + 2, column=column) from None
    return out


def text_column(series: pd.Series) -> list[str | None]:
    """Cells as stripped strings, ``None`` where missing."""
    return [None if _is_missing(v) else str(v).strip() for v in series.tolist()]


@contextlib.contextmanager
def atomic_output_dir(out: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary directory that replaces ``out`` only if the block succeeds.

    Files are written next to ``out`` (same file system, so the final rename is atomic); on any
    error the temporary directory is removed and an existing ``out`` is left untouched.
    """
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    backup = None
    if out.exists():
        backup = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(backup)
    tmp.rename(out)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
