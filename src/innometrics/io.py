"""Reading tables (CSV, Excel, Parquet) and writing outputs without half-written files."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["read_table", "table_from", "to_float", "text_column", "atomic_output_dir",
           "write_table_atomic",
           "MISSING_MARKERS"]

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
        return pd.read_csv(path, dtype=object, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(str(path), f"cannot be read as a table ({first_line})",
                         "save it as UTF-8 CSV, .xlsx or .parquet") from exc


_MISSING_TEXT = frozenset(MISSING_MARKERS | {"None", "<NA>"})
_is_missing_text = np.frompyfunc(_MISSING_TEXT.__contains__, 1, 1)


def table_from(path_or_frame: str | os.PathLike | pd.DataFrame, *, sheet: str,
               default_source: str, source: str | None = None) -> tuple[pd.DataFrame, str]:
    """A table from a file (see :func:`read_table`) or a DataFrame given in memory, with
    stripped column names, and the name to use for it in messages."""
    if isinstance(path_or_frame, pd.DataFrame):
        table, src = path_or_frame.copy(), source or default_source
    else:
        table, src = read_table(path_or_frame, sheet=sheet), source or Path(path_or_frame).name
    table.columns = [str(c).strip() for c in table.columns]
    return table, src


def _as_text(cells: pd.Series | pd.DataFrame | np.ndarray) -> np.ndarray:
    """Cells as stripped text (missing cells as ""), vectorised; keeps the shape (1-D or 2-D)."""
    text = np.char.strip(np.asarray(cells, dtype=object).astype(str))
    return np.where(_is_missing_text(text).astype(bool), "", text)


def to_float(cells: pd.Series | pd.DataFrame | np.ndarray, *, source: str,
             column: str | list[str], fix: str) -> np.ndarray:
    """Convert a column (or a block of columns) to float64, NaN = missing.

    Text goes through numpy's float parser, which round-trips decimal text exactly. When the
    block does not parse, cells are parsed one by one to name the first culprit: an
    :class:`InputError` with its row and column (``column`` gives the names of a block's
    columns).
    """
    dtypes = cells.dtypes if isinstance(cells, pd.DataFrame) else [np.asarray(cells).dtype]
    if all(isinstance(d, np.dtype) and d.kind in "fiub" for d in dtypes):
        return np.asarray(cells, dtype=np.float64)  # already numbers: nothing to parse
    text = _as_text(cells)
    present = text != ""
    out = np.full(text.shape, np.nan)
    try:
        out[present] = text[present].astype(np.float64)
    except ValueError:
        for index in zip(*np.nonzero(present), strict=True):
            try:
                float(text[index])
            except ValueError:
                name = column[index[1]] if text.ndim == 2 else column
                raise InputError(source, f"'{text[index]}' is not a number", fix,
                                 row=int(index[0]) + 2, column=name) from None
        raise
    return out


def text_column(cells: pd.Series | np.ndarray) -> list[str | None]:
    """Cells as stripped strings, ``None`` where missing."""
    return [t or None for t in _as_text(cells).tolist()]


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


def write_table_atomic(frame: pd.DataFrame, out: str | os.PathLike) -> Path:
    """Write ``frame`` to ``out`` (Parquet for ``.parquet``/``.pq``, else CSV) through a
    temporary file in the same directory, renamed into place only once complete."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    # a fresh name that pandas creates itself, so the file gets the umask's usual mode
    # (mkstemp would make it 0600)
    tmp = out.parent / f".{out.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    try:
        if out.suffix.lower() in (".parquet", ".pq"):
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
