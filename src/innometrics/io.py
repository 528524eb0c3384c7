"""Reading tables (CSV, Excel, Parquet) strictly: every row checked, sheets and delimiters
chosen or detected, headers unique. (Outputs are written by :mod:`innometrics.runs`.)"""

from __future__ import annotations

import csv
import gzip
import io as io_module
import os
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._params import did_you_mean
from .cells import MISSING_MARKERS, columns_of, number_columns, text_column, to_float
from .errors import InputError

__all__ = ["TableSpec", "read_table", "table_from", "to_float", "text_column",
           "match_columns", "columns_of", "number_columns", "sniff_delimiter",
           "check_unique_header", "open_excel", "MISSING_MARKERS", "DELIMITERS"]

#: Delimiters recognised in CSV files when none is set.
DELIMITERS = (",", ";", "\t")

_EXCEL = {".xlsx", ".xlsm", ".xls"}
_PARQUET = {".parquet", ".pq"}


@dataclass(frozen=True)
class TableSpec:
    """Where a table is and how to read it: a recipe's ``framework:`` or ``data:`` entry.

    A plain path, or ``{path: book.xlsx, sheet: Data}`` / ``{path: data.csv, delimiter: ";",
    decimal: ","}``.
    """

    path: Path
    sheet: str | None = None
    delimiter: str | None = None
    decimal: str = "."

    _KEYS = ("path", "sheet", "delimiter", "decimal")

    @classmethod
    def parse(cls, value: object, *, key: str, source: str, base: Path) -> TableSpec:
        """Read a recipe entry; relative paths are relative to ``base``."""
        if isinstance(value, str | os.PathLike):
            value = {"path": value}
        if not isinstance(value, Mapping):
            raise InputError(source, f"'{key}' is neither a path nor {{path: ..., sheet: ...}}",
                             f"write '{key}: file.csv' or '{key}: {{path: book.xlsx, sheet: "
                             "Sheet1}'", key=key)
        unknown = [k for k in value if k not in cls._KEYS]
        if unknown:
            raise InputError(source, f"'{key}.{unknown[0]}' is not a table setting."
                             f"{did_you_mean(unknown[0], cls._KEYS)}",
                             f"use {', '.join(cls._KEYS)}", key=key)
        if not isinstance(value.get("path"), str) or not value["path"].strip():
            raise InputError(source, f"'{key}.path' is missing", f"give the file of the {key}",
                             key=key)
        for name in ("sheet", "delimiter", "decimal"):
            if name in value and not isinstance(value[name], str):
                raise InputError(source, f"'{key}.{name}' must be a text; got {value[name]!r}",
                                 f"quote it, e.g. {name}: \"{value[name]}\"", key=key)
        delimiter = value.get("delimiter")
        if delimiter is not None and len(delimiter.replace("\\t", "\t")) != 1:
            raise InputError(source, f"'{key}.delimiter' must be one character; got "
                             f"{delimiter!r}", 'write e.g. delimiter: ";" or "\\t"', key=key)
        decimal = value.get("decimal", ".")
        if decimal not in (".", ","):
            raise InputError(source, f"'{key}.decimal' must be '.' or ','; got {decimal!r}",
                             'write decimal: "," for decimal commas', key=key)
        path = Path(os.path.expanduser(value["path"]))
        return cls(path=(base / path).resolve() if not path.is_absolute() else path,
                   sheet=value.get("sheet"),
                   delimiter=None if delimiter is None else delimiter.replace("\\t", "\t"),
                   decimal=decimal)

    def to_dict(self, relative_to: Path | None = None) -> dict | str:
        """The entry as a recipe writes it (a plain path when nothing else is set)."""
        path = str(self.path if relative_to is None else os.path.relpath(self.path, relative_to))
        extra = {k: v for k, v in (("sheet", self.sheet), ("delimiter", self.delimiter))
                 if v is not None}
        if self.decimal != ".":
            extra["decimal"] = self.decimal
        return {"path": path, **extra} if extra else path

    def read(self) -> pd.DataFrame:
        return read_table(self.path, sheet=self.sheet, delimiter=self.delimiter,
                          decimal=self.decimal)


def _not_a_table(path: Path, problem: str, fix: str = "save it as UTF-8 CSV, .xlsx or .parquet",
                 **where) -> InputError:
    return InputError(str(path), problem, fix, **where)


def read_table(path: str | os.PathLike, *, sheet: str | None = None,
               delimiter: str | None = None, decimal: str = ".") -> pd.DataFrame:
    """Read a CSV, Excel or Parquet table with every cell kept as found.

    CSV cells are read as text so that validation can name a bad cell exactly; the delimiter
    (``,``, ``;`` or tab) is detected from the header unless given, and every row must have as
    many fields as the header (a row with more or fewer, e.g. a truncated last line, is an
    error naming the row). Excel and Parquet cells keep their types. An Excel workbook with
    several sheets needs ``sheet``. Duplicate or empty headers are errors under their own
    names. With ``decimal=","``, decimal commas in numbers are read as points.
    """
    path = Path(path)
    if not path.exists():
        raise _not_a_table(path, "file not found", "check the path (paths in a recipe are "
                           "relative to the recipe file)")
    if path.is_dir():
        raise _not_a_table(path, "is a directory, not a table", "give the path of a file")
    suffix = path.suffix.lower()
    try:
        if suffix in _EXCEL:
            table = _read_excel(path, sheet)
        elif suffix in _PARQUET:
            with open(path, "rb") as handle:
                if handle.read(4) != b"PAR1":  # told by content, like Excel
                    raise _not_a_table(path, "is not a Parquet file (its content is "
                                       f"{'text' if _looks_like_text(path) else 'another format'})",
                                       "give the .parquet file, or name a CSV file .csv")
            table = pd.read_parquet(path)
            check_unique_header(table.columns.tolist(), path)
        else:
            if sheet is not None:
                raise _not_a_table(path, f"a sheet ('{sheet}') is named but the file is not "
                                   "an Excel workbook", "remove 'sheet' or give the .xlsx file")
            table = _read_csv(path, delimiter)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError,
            zipfile.BadZipFile) as exc:
        if isinstance(exc, InputError):
            raise
        if isinstance(exc, UnicodeDecodeError):
            raise _not_a_table(path, f"is not UTF-8 text (byte {exc.start})",
                               "save it as UTF-8 CSV") from None
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _not_a_table(path, f"cannot be read as a table ({first_line})") from None
    if decimal == ",":
        table = _decimal_commas(table)
    return table


#: First bytes of the Excel formats: a zip package (.xlsx, .xlsm) or an OLE2 file (.xls).
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_excel(path: str | os.PathLike, *, source: str | None = None) -> pd.ExcelFile:
    """Open an Excel workbook, told by its content rather than its name.

    A file that is not a workbook (CSV text named ``.xlsx``, an old ``.xls`` without its
    reader, an empty or cut-short download) is an :class:`InputError` saying so in one line,
    never the reading library's own message. ``source`` names the file in messages (default:
    its path). Use as a context manager, like :class:`pandas.ExcelFile`.
    """
    path = Path(path)
    name = source or str(path)
    with open(path, "rb") as handle:
        start = handle.read(8)
    if not start:
        raise InputError(name, "is empty, not an Excel workbook", "give the saved .xlsx file")
    if start.startswith(_OLE2):
        engine = "xlrd"
        try:
            import xlrd  # noqa: F401  (pandas' reader of .xls, an optional dependency)
        except ImportError:
            raise InputError(name, "is an Excel 97-2003 (.xls) workbook, which is not read "
                             "here", "save it as .xlsx from Excel or LibreOffice") from None
    elif start.startswith(_ZIP):
        engine = "openpyxl"
    else:
        looks = "text (a CSV file?)" if _looks_like_text(path) else "neither .xlsx nor .xls"
        raise InputError(name, f"is not an Excel workbook: its content is {looks}",
                         "give the workbook saved as .xlsx, or name a CSV file .csv")
    try:
        return pd.ExcelFile(path, engine=engine)
    except (ValueError, OSError, zipfile.BadZipFile, KeyError, EOFError, TypeError):
        raise InputError(name, "is a damaged or incomplete Excel workbook (it cannot be "
                         "opened)", "download or save the .xlsx file again") from None


def _looks_like_text(path: Path) -> bool:
    sample = path.read_bytes()[:4096]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:  # a cut multi-byte character at the end is still text
        return exc.start >= len(sample) - 3 and b"\x00" not in sample
    return b"\x00" not in sample


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    with open_excel(path) as book:
        names = [str(n) for n in book.sheet_names]
        if sheet is None:
            if len(names) > 1:
                raise _not_a_table(path, f"has {len(names)} sheets ({', '.join(names)})",
                                   "name one in the recipe: {path: ..., sheet: NAME}")
            name = names[0]
        elif sheet in names:
            name = sheet
        else:
            raise _not_a_table(path, f"has no sheet '{sheet}' (sheets: {', '.join(names)})",
                               f"use one of the sheet names.{did_you_mean(sheet, names)}")
        raw = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
    _check_formulas(path, name)
    if raw.empty:
        raise _not_a_table(path, f"sheet '{name}' is empty", "put the table in that sheet")
    header = [("" if pd.isna(c) else str(c).strip()) for c in raw.iloc[0]]
    body = raw.iloc[1:]
    blank = body.map(lambda v: pd.isna(v) or str(v).strip() == "").all(axis=1)
    body = body[~blank].reset_index(drop=True)  # blank rows are skipped, as in CSV files
    return _drop_empty_trailing(body, header, path)


def _check_formulas(path: Path, sheet: str) -> None:
    """A formula cell whose value was never computed reads as empty: refuse it (a workbook
    written by a program that does not evaluate formulas), naming the cell."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    import openpyxl

    formulas = _formula_cells(openpyxl, path, sheet, data_only=False)
    if not formulas:  # the usual data file: one pass, no second reading
        return
    saved = _formula_cells(openpyxl, path, sheet, data_only=True, only=set(formulas))
    for coordinate, formula in formulas.items():
        if saved.get(coordinate) is None:
            raise _not_a_table(path, f"cell {coordinate} of sheet '{sheet}' holds a formula "
                               f"({formula[:40]}) with no saved value",
                               "open and save the workbook in Excel or LibreOffice (which "
                               "compute formulas), or export the sheet as CSV")


def _formula_cells(openpyxl, path: Path, sheet: str, *, data_only: bool,
                   only: set[str] | None = None) -> dict[str, object]:
    """Formula cells of ``sheet`` (``data_only=False``: coordinate → formula), or the saved
    values of the cells in ``only`` (``data_only=True``)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        found = {}
        for row in book[sheet].iter_rows():
            for cell in row:
                coordinate = getattr(cell, "coordinate", None)
                if coordinate is None:  # an empty cell of a read-only sheet
                    continue
                if only is not None:
                    if coordinate in only:
                        found[coordinate] = cell.value
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    found[coordinate] = cell.value
        return found
    finally:
        book.close()


def check_unique_header(header: Sequence[object], source: str | os.PathLike, *,
                        same: Callable[[str], str] | None = None, note: str = "") -> None:
    """Refuse a header that names one column twice, naming both positions.

    Every reader calls this on the header *as written in the file*, before any library can
    rename a repeated name (pandas turns a second ``SCORE`` into ``SCORE.1``, and the wrong
    copy would then be used without a word).

    Parameters
    ----------
    header : sequence
        The header cells in file order; empty cells (``None``, NaN, blank text) are skipped
        but keep their position, so positions are the file's (1 = first column).
    source : str or path
        The file (and sheet) in messages.
    same : callable, optional
        Folds a name to the key two columns must not share (e.g. ``str.casefold``, or a rule
        ignoring spacing); by default names must differ exactly.
    note : str
        Appended to the problem when two different spellings fold together, e.g. " (names
        match whatever their case)".

    Raises
    ------
    InputError
        ``"data.csv, row 1, column 'SCORE': column 'SCORE' appears twice (columns 7 and
        12)."`` with the fix "rename or delete one of them".

    Examples
    --------
    >>> try:
    ...     check_unique_header(["ISO3", "SCORE", None, "SCORE"], "book.xlsx, sheet 'Data'")
    ... except InputError as error:
    ...     print(error.problem)
    column 'SCORE' appears twice (columns 2 and 4)
    """
    seen: dict[str, int] = {}
    names: list[str] = []
    for i, cell in enumerate(header):
        name = "" if cell is None or (isinstance(cell, float) and cell != cell) \
            else str(cell).strip()
        names.append(name)
        if not name:
            continue
        key = same(name) if same is not None else name
        if key in seen:
            first = seen[key]
            if names[first] == name:
                problem = f"column '{name}' appears twice (columns {first + 1} and {i + 1})"
            else:
                problem = (f"columns {first + 1} ('{names[first]}') and {i + 1} ('{name}') "
                           f"name the same column{note}")
            raise InputError(str(source), problem, "rename or delete one of them", row=1,
                             column=name)
        seen[key] = i


def _drop_empty_trailing(table: pd.DataFrame, header: list[str], path: Path) -> pd.DataFrame:
    """Columns without a header are dropped when they hold nothing (a trailing delimiter);
    with content they are an error."""
    keep = []
    for i, name in enumerate(header):
        if name == "":
            column = table.iloc[:, i]
            if column.map(lambda v: not (pd.isna(v) or str(v).strip() == "")).any():
                raise _not_a_table(path, f"column {i + 1} has values but no header",
                                   "give the column a name in the first row", row=1)
            continue
        keep.append(i)
    check_unique_header(header, path)
    names = [header[i] for i in keep]
    return table.iloc[:, keep].set_axis(names, axis=1)


def sniff_delimiter(line: str) -> str:
    """The candidate delimiter most frequent outside quotes in ``line`` (``,`` if none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


#: First bytes of compressed files, which are read as text only after decompressing.
_COMPRESSED = {b"\x1f\x8b": "gzip", b"PK\x03\x04": "zip", b"BZh": "bzip2",
               b"\xfd7zXZ": "xz"}


def _read_csv(path: Path, delimiter: str | None) -> pd.DataFrame:
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz" and raw.startswith(b"\x1f\x8b"):  # e.g. data.csv.gz
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            raise _not_a_table(path, "is a damaged or incomplete gzip file",
                               "compress the CSV file again") from None
    if raw.startswith(_OLE2) or (raw.startswith(_ZIP) and b"[Content_Types].xml" in raw):
        raise _not_a_table(path, "is an Excel workbook, not CSV text",
                           "name the file .xlsx (and the sheet with 'sheet:'), or export the "
                           "sheet as CSV")
    for magic, kind in _COMPRESSED.items():
        if raw.startswith(magic):
            raise _not_a_table(path, f"is a {kind}-compressed file, not a text table",
                               "decompress it first (or give .xlsx or .parquet)")
    text = raw.decode("utf-8-sig")
    if not text.strip():
        raise _not_a_table(path, "is empty", "write a header row and one row per record")
    first = next(line for line in text.splitlines() if line.strip())
    sep = delimiter or sniff_delimiter(first)
    try:
        rows = [r for r in csv.reader(io_module.StringIO(text, newline=""), delimiter=sep,
                                      strict=True) if r and any(c.strip() for c in r)]
    except csv.Error as exc:
        raise _not_a_table(path, f"is not valid CSV ({exc})",
                           "check the quotes in the file") from None
    header = [c.strip() for c in rows[0]]
    width = len(header)
    if width == 1 and delimiter is not None and sniff_delimiter(first) != delimiter:
        raise _not_a_table(path, f"with delimiter {delimiter!r} the header is one column "
                           f"'{header[0][:40]}'", f"the file looks delimited by "
                           f"{sniff_delimiter(first)!r}: set that delimiter or remove it",
                           row=1)
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            last = " (the last row: the file may be truncated)" if i == len(rows) else ""
            hint = (f"; the file looks delimited by {sniff_delimiter(first)!r}"
                    if delimiter and sniff_delimiter(first) != delimiter else "")
            raise _not_a_table(path, f"row has {len(row)} fields but the header has {width}"
                               f"{last}{hint}", "give every row one value per column (empty "
                               "for missing)", row=i)
    table = pd.DataFrame(rows[1:], columns=range(width), dtype=object)
    return _drop_empty_trailing(table, header, path)


_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*$")


def _decimal_commas(table: pd.DataFrame) -> pd.DataFrame:
    """Cells that are numbers written with a decimal comma, rewritten with a point.

    Not pandas' ``decimal=","``: it acts only while pandas itself converts text to numbers,
    and cells here stay text until :func:`~innometrics.cells.to_float`, which names the row
    and column of a cell that is not a number. pandas would leave such a cell as text or NaN
    and could not name it (and ``read_excel`` applies it to no text cell at all).
    """
    def convert(cell: object) -> object:
        if isinstance(cell, str) and _DECIMAL_COMMA.match(cell):
            return cell.replace(",", ".")
        return cell

    return table.map(convert)


def match_columns(table: pd.DataFrame, canonical: Sequence[str]) -> pd.DataFrame:
    """Rename columns that equal one of ``canonical`` but for case (``direction`` →
    ``Direction``); two columns that fold to one name are an error left to the caller's
    duplicate check."""
    folded = {name.casefold(): name for name in canonical}
    given = table.columns.tolist()
    renamed = [folded.get(str(c).casefold(), c) for c in given]
    if renamed != given:
        table = table.copy()
        table.columns = renamed
    return table


def table_from(path_or_frame: str | os.PathLike | pd.DataFrame | TableSpec, *,
               default_source: str, source: str | None = None) -> tuple[pd.DataFrame, str]:
    """A table from a file (see :func:`read_table`), a :class:`TableSpec` or a DataFrame given
    in memory, with stripped column names, and the name to use for it in messages."""
    if isinstance(path_or_frame, pd.DataFrame):
        table, src = path_or_frame, source or default_source
        given = table.columns.tolist()  # one conversion (iterating an Index is slow)
        names = [str(c).strip() for c in given]
        check_unique_header(names, src)
        if names != given:
            table = table.set_axis(names, axis=1)
        return table, src
    spec = (path_or_frame if isinstance(path_or_frame, TableSpec)
            else TableSpec(path=Path(path_or_frame)))
    src = source or spec.path.name + (f", sheet '{spec.sheet}'" if spec.sheet else "")
    return spec.read(), src
