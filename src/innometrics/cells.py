"""Cells of a table read as text: missing markers, numbers (to float64, the culprit named) and
stripped text. (Reading the tables themselves is :mod:`innometrics.io`.)"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["MISSING_MARKERS", "to_float", "text_column", "columns_of", "number_columns"]

#: Cell texts read as a missing value (besides empty cells).
MISSING_MARKERS = frozenset({"", "NA", "N/A", "n/a", "NaN", "nan", "..", "#N/A", "null", "NULL"})

_MISSING_TEXT = frozenset(MISSING_MARKERS | {"None", "<NA>"})


def _cell_text(value: object) -> str:
    if isinstance(value, str):  # most cells: no missing-value tests before stripping
        text = value.strip()
    elif value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    else:
        text = str(value).strip()
    return "" if text in _MISSING_TEXT else text


def _objects(cells: pd.Series | pd.DataFrame | np.ndarray) -> np.ndarray:
    if isinstance(cells, pd.Series | pd.DataFrame):
        return cells.to_numpy(dtype=object, na_value=None)
    return np.asarray(cells, dtype=object)


def _as_text(cells: pd.Series | pd.DataFrame | np.ndarray) -> np.ndarray:
    """Cells as stripped text (missing cells as ""); keeps the shape (1-D or 2-D)."""
    raw = _objects(cells)
    out = np.empty(raw.shape, dtype=object)
    out.ravel()[:] = [_cell_text(v) for v in raw.ravel().tolist()]
    return out


def to_float(cells: pd.Series | pd.DataFrame | np.ndarray, *, source: str,
             column: str | list[str], fix: str, finite: bool = False) -> np.ndarray:
    """Convert a column (or a block of columns) to float64, NaN = missing.

    Text goes through numpy's float parser, which round-trips decimal text exactly. When the
    block does not parse, cells are parsed one by one to name the first culprit: an
    :class:`InputError` with its row and column (``column`` gives the names of a block's
    columns). With ``finite=True``, ``±inf`` (as a number, as text such as ``inf`` or
    ``-Infinity``, or a number too large for float64) and ``NaN`` written as text are refused
    the same way, before any numeric work sees them; empty cells stay missing.
    """
    out = _parse_float(cells, source=source, column=column, fix=fix)
    if finite:
        raw = (cells.to_numpy(dtype=object) if isinstance(cells, pd.Series | pd.DataFrame)
               else np.asarray(cells, dtype=object))
        written = np.array([isinstance(v, str) and v.strip().casefold() in _NON_FINITE_TEXT
                            for v in raw.ravel().tolist()], dtype=bool).reshape(raw.shape)
        bad = np.isinf(out) | written
        if bad.any():
            index = next(zip(*np.nonzero(bad), strict=True))
            name = column[index[1]] if bad.ndim == 2 else column
            shown = raw[index] if isinstance(raw[index], str) else f"{out[index]:g}"
            raise InputError(source, f"'{str(shown).strip()}' is not a finite number", fix,
                             row=int(index[0]) + 2, column=name)
    return out


#: Texts of non-finite floats, refused by ``to_float(..., finite=True)`` (casefolded).
_NON_FINITE_TEXT = frozenset(sign + word for sign in ("", "+", "-")
                             for word in ("nan", "inf", "infinity"))


def _parse_float(cells: pd.Series | pd.DataFrame | np.ndarray, *, source: str,
                 column: str | list[str], fix: str) -> np.ndarray:
    dtypes = cells.dtypes if isinstance(cells, pd.DataFrame) else [np.asarray(cells).dtype]
    if all(isinstance(d, np.dtype) and d.kind in "fiub" for d in dtypes):
        return np.asarray(cells, dtype=np.float64)  # already numbers: nothing to parse
    if (isinstance(cells, np.ndarray) and cells.dtype == object
            and not any(isinstance(v, bool | np.bool_) for v in cells.ravel().tolist())):
        try:  # numbers (or None) as Python objects convert directly
            return cells.astype(np.float64)
        except (TypeError, ValueError):
            pass  # text cells: parsed one by one below, so that the culprit is named
    text = _as_text(cells)
    present = text != ""
    out = np.full(text.shape, np.nan)
    try:
        out[present] = text[present].astype(str).astype(np.float64)
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


def columns_of(table: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    """The cells of ``table`` as one object array and the position of each column: one
    conversion instead of one per column (pandas' per-column access dominates small tables)."""
    return (table.to_numpy(dtype=object),
            {str(name): j for j, name in enumerate(table.columns.tolist())})



def number_columns(table: pd.DataFrame) -> set[str]:
    """Names of the columns pandas read as numbers (int, unsigned, float): they hold no text
    to parse and no bool to refuse, so one conversion reads them (``to_float`` scans every
    cell, the slowest part of loading a table)."""
    # dtypes as a list: iterating the dtypes Series costs as much as a small table's checks
    return {str(name) for name, dtype in zip(table.columns.tolist(), table.dtypes.tolist(),
                                              strict=True)
            if isinstance(dtype, np.dtype) and dtype.kind in "fiu"}


def text_column(cells: pd.Series | np.ndarray) -> list[str | None]:
    """Cells as stripped strings, ``None`` where missing."""
    # one pass to a list, text cells stripped inline: a call per cell was a tenth of the time
    # of loading a small table
    return [(None if (t := v.strip()) in _MISSING_TEXT else t) if type(v) is str
            else _cell_text(v) or None for v in _objects(cells).tolist()]
