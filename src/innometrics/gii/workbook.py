"""WIPO's GII data workbook: sheets ``Index Structure``, ``Economies`` and ``Data`` (long).

One reader for every edition laid out like ``GII_2023.xlsx`` (WIPO's "GII data" file): nothing
here knows an edition, a code or a count. The tree is read from ``NUM`` addresses (``IN``,
``IN.1``, ``IN.1.1``, ``IN.1.1.1``; the index row has an empty ``NUM``), the levels from
``LEVEL``. Sheets may come in any order, sheet and column names may differ in case, spacing
or ``-``/``_``, and headerless columns (e.g. text that spilt out of ``DESCRIPTION``) are
dropped. Headers are read as written: a column named twice (exactly, or but for case and
spacing) is refused with both positions, never renamed. Cells are read without guessing: a
``nan`` or ``inf`` typed in a numeric cell is refused, naming the sheet, row and column,
before any numeric work. ``Index Structure`` may carry a ``DIRECTION`` column (1 or −1; not
in WIPO's files), used where the scores cannot show an indicator's direction.

The same validated tables can be built from three DataFrames (:func:`workbook_from_frames`) or
read from three CSV files (:func:`read_workbook_tables`, written by
:func:`write_workbook_tables`), so a compact bundled copy goes through the same checks.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import check_unique_header, open_excel, read_table, text_column, to_float

__all__ = ["Workbook", "read_workbook", "workbook_from_frames", "read_workbook_tables",
           "write_workbook_tables", "SHEETS", "LEVELS", "TABLE_FILES"]

#: Sheet of each table, as WIPO names it.
SHEETS = {"structure": "Index Structure", "economies": "Economies", "data": "Data"}
#: CSV file of each table in a bundled copy.
TABLE_FILES = {"structure": "index_structure.csv", "economies": "economies.csv",
               "data": "data.csv"}
#: Levels from the indicators (depth 1) up to the index (depth 5).
LEVELS = ("Indicator", "SubPillar", "Pillar", "SubIndex", "Index")
#: Code given to the index when its ``NUM`` is empty (as in WIPO's workbooks).
DEFAULT_INDEX_CODE = "GII"

_REQUIRED = {
    "structure": ("NUM", "NAME", "LEVEL"),
    "economies": ("ISO3", "ECONOMY_NAME"),
    "data": ("ISO3", "NUM", "VALUE_SCREEN", "SCORE"),
}
_OPTIONAL = {
    "structure": ("TYPE", "PROFILE", "DESCRIPTION", "SOURCE", "WEBSITE", "DIRECTION"),
    "economies": ("INCOME", "REG_UN", "REG_UN_CODE", "POP", "PPPGDP", "PPPPC"),
    "data": ("ECONOMY_NAME", "NAME", "DATAYR", "RANK", "SW_OVERALL", "SW_INCGRP", "OUTDATED",
             "DMC"),
}
_NUMERIC = {"economies": ("POP", "PPPGDP", "PPPPC"),
            "data": ("DATAYR", "VALUE_SCREEN", "SCORE", "RANK", "OUTDATED", "DMC")}
_FLAGS = ("SW_OVERALL", "SW_INCGRP")
_DUMMIES = ("OUTDATED", "DMC")
_DIRECTION_FIX = "write 1 (more is better), -1 (less is better) or leave the cell empty"
_NUMBER_FIX = "write a finite number, or leave the cell empty for a missing value"
_UNNAMED = re.compile(r"^Unnamed: \d+(_level_\d+)?$")


def _fold(name: object) -> str:
    """A sheet or column name folded for matching: case, spaces, ``-`` and ``_`` ignored."""
    return re.sub(r"[\s_\-]+", "", str(name)).casefold()


_LEVEL_BY_FOLD = {_fold(level): level for level in LEVELS}


@dataclass(frozen=True)
class Workbook:
    """The three validated tables of a GII data workbook.

    Attributes
    ----------
    structure : DataFrame
        One row per node in sheet order: ``NUM`` (the index's empty ``NUM`` replaced by
        ``index_code``), ``NAME``, ``LEVEL`` (one of :data:`LEVELS`), ``DEPTH`` (1 for
        indicators ... 5 for the index), ``PARENT`` (``NUM`` minus its last ``.part``; the
        index for the sub-indices; missing for the index) and the optional columns present.
    economies : DataFrame
        One row per economy: ``ISO3``, ``ECONOMY_NAME`` and the optional columns present
        (``INCOME``, ``REG_UN``, ...).
    data : DataFrame
        The long table: one row per economy × node, ``NUM`` as in ``structure``; numbers as
        float (NaN = missing), ``SW_OVERALL``/``SW_INCGRP`` as ``"S"``, ``"W"`` or None;
        optional columns absent from the source are added empty.
    source : str
        The workbook's name, used in messages.
    places : dict
        Where each table was read (``"structure"``, ``"economies"``, ``"data"`` → e.g.
        ``"GII_2023.xlsx, sheet 'Data'"`` or ``"gii_2023/data.csv.gz"``), for messages.
    """

    structure: pd.DataFrame
    economies: pd.DataFrame
    data: pd.DataFrame
    source: str = "workbook"
    places: dict = field(default_factory=dict)

    def place(self, table: str) -> str:
        """Where ``table`` (``"structure"``, ``"economies"`` or ``"data"``) was read, as the
        user wrote it (the workbook's sheet, or the CSV file of a folder)."""
        return self.places.get(table, f"{self.source}, sheet '{SHEETS[table]}'")

    @property
    def index_code(self) -> str:
        """Code of the index (the root of the tree)."""
        return str(self.structure.loc[self.structure["DEPTH"] == 5, "NUM"].iloc[0])

    def published_index(self) -> pd.DataFrame:
        """WIPO's score and rank of the index: ``uCode, uName, score, rank`` (float), one row
        per economy of the data."""
        rows = self.data[self.data["NUM"] == self.index_code]
        names = self.economies.set_index("ISO3")["ECONOMY_NAME"]
        return pd.DataFrame({"uCode": rows["ISO3"].to_numpy(),
                             "uName": rows["ISO3"].map(names).to_numpy(),
                             "score": rows["SCORE"].astype(float).to_numpy(),
                             "rank": rows["RANK"].astype(float).to_numpy()})

    @property
    def indicators(self) -> list[str]:
        """Indicator codes, in sheet order."""
        return self.codes(1)

    @property
    def economy_codes(self) -> list[str]:
        """ISO3 codes, in sheet order."""
        return self.economies["ISO3"].tolist()

    def codes(self, depth: int) -> list[str]:
        """Codes of the nodes at ``depth`` (1 indicators ... 5 index), in sheet order."""
        return self.structure.loc[self.structure["DEPTH"] == depth, "NUM"].tolist()

    def children(self, code: str) -> list[str]:
        """Codes of the children of ``code``, in sheet order."""
        return self.structure.loc[self.structure["PARENT"] == code, "NUM"].tolist()

    def wide(self, column: str, codes: Sequence[str] | None = None) -> pd.DataFrame:
        """One column of ``data`` as an economies × nodes table (ISO3 index, sheet order).

        Examples
        --------
        >>> book.wide("SCORE", ["IN", "OUT"]).shape          # doctest: +SKIP
        (132, 2)
        """
        codes = list(self.structure["NUM"] if codes is None else codes)
        table = self.data.pivot(index="ISO3", columns="NUM", values=column)
        return table.reindex(index=self.economy_codes, columns=codes)


# --- reading ----------------------------------------------------------------------------

def read_workbook(path: str | os.PathLike) -> Workbook:
    """Read and validate a GII data workbook (``.xlsx``).

    Parameters
    ----------
    path : path
        The workbook; its sheets ``Index Structure``, ``Economies`` and ``Data`` are found
        whatever their order, case or spacing (other sheets, e.g. ``Metadata``, are ignored).

    Returns
    -------
    Workbook

    Raises
    ------
    InputError
        For a missing file or sheet, a file that is not an Excel workbook (told by its
        content), a column named twice or a missing required column (named with its sheet),
        an unknown level, a ``NUM`` without its parent, an aggregate without children, a
        duplicate code or economy × node row, a ``Data`` row naming an unknown economy or
        node, a non-numeric or non-finite value, or a strength/weakness flag other than S or
        W.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "file not found", "check the path of the GII workbook")
    if path.is_dir():
        raise InputError(str(path), "is a folder", "give the .xlsx file (a folder must hold "
                         f"{', '.join(TABLE_FILES.values())})")
    with open_excel(path, source=path.name) as book:
        names = {_fold(n): str(n) for n in book.sheet_names}
        tables = {}
        for key, wanted in SHEETS.items():
            if _fold(wanted) not in names:
                raise InputError(path.name, f"sheet '{wanted}' is missing (sheets: "
                                 f"{', '.join(map(str, book.sheet_names))})",
                                 f"add the '{wanted}' sheet of WIPO's GII data workbook")
            sheet = names[_fold(wanted)]
            try:
                # no NA guessing: "nan" or "NA" typed in a cell reach the checks as text
                raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object,
                                    keep_default_na=False)
            except (ValueError, OSError, zipfile.BadZipFile, KeyError, EOFError, TypeError):
                raise InputError(path.name, f"sheet '{sheet}' cannot be read (the workbook is "
                                 "damaged)", "save the workbook again from Excel or "
                                 "LibreOffice") from None
            # the header as written: pandas would rename a repeated name ("SCORE.1")
            tables[key] = (raw.iloc[1:].set_axis(raw.iloc[0].tolist(), axis=1) if len(raw)
                           else pd.DataFrame())
    return _validate(tables, f"{_braces(path.name)}, sheet '{{sheet}}'", path.name)


def workbook_from_frames(structure: pd.DataFrame, economies: pd.DataFrame, data: pd.DataFrame,
                         *, source: str = "tables") -> Workbook:
    """Validate three tables laid out like the workbook's sheets (see :func:`read_workbook`).

    ``source`` names them in messages (``"<source>, sheet 'Data'"``).
    """
    tables = {"structure": structure, "economies": economies, "data": data}
    return _validate(tables, f"{_braces(source)}, sheet '{{sheet}}'", source)


def read_workbook_tables(directory: str | os.PathLike) -> Workbook:
    """Read the three tables from CSV files (:data:`TABLE_FILES`, each possibly gzipped as
    ``<name>.gz``) in ``directory``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(str(directory), "is not a folder" if directory.exists()
                         else "folder not found", "give the folder holding "
                         f"{', '.join(TABLE_FILES.values())}")
    tables = {}
    for key, name in TABLE_FILES.items():
        file = directory / name
        if not file.exists() and (directory / f"{name}.gz").exists():
            file = directory / f"{name}.gz"
        if not file.exists():
            raise InputError(str(directory), f"table '{name}' is missing",
                             f"write the {SHEETS[key]} sheet there as {name} "
                             "(see write_workbook_tables)")
        tables[key] = read_table(file)  # strict: ragged rows and repeated headers refused
    files = {SHEETS[k]: TABLE_FILES[k] for k in TABLE_FILES}
    return _validate(tables, f"{_braces(directory.name)}/{{file}}", directory.name, files=files)


def write_workbook_tables(workbook: Workbook, directory: str | os.PathLike, *,
                          drop: Sequence[str] = ("DESCRIPTION", "WEBSITE")) -> list[Path]:
    """Write the three validated tables as CSV (read back by :func:`read_workbook_tables`).

    The index keeps its code in ``NUM`` (so the copy is read back to the same tables);
    derived columns (``DEPTH``, ``PARENT``) and the long texts in ``drop`` are left out.
    Floats are written with 17 significant digits, so values round-trip exactly.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    frames = {"structure": workbook.structure.drop(columns=["DEPTH", "PARENT", *drop],
                                                   errors="ignore"),
              "economies": workbook.economies, "data": workbook.data}
    written = []
    for key, frame in frames.items():
        file = directory / TABLE_FILES[key]
        frame.to_csv(file, index=False, float_format="%.17g")
        written.append(file)
    return written


# --- validation -------------------------------------------------------------------------

def _braces(text: str) -> str:
    """``text`` escaped for use inside a ``str.format`` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _validate(tables: dict[str, pd.DataFrame], where: str, name: str, *,
              files: dict[str, str] | None = None) -> Workbook:
    def source(key: str) -> str:
        sheet = SHEETS[key]
        return where.format(sheet=sheet, file=(files or {}).get(sheet, sheet))

    cleaned = {key: _columns(tables[key], key, source(key)) for key in SHEETS}
    structure = _structure(cleaned["structure"], source("structure"))
    economies = _economies(cleaned["economies"], source("economies"))
    index_code = str(structure.loc[structure["DEPTH"] == 5, "NUM"].iloc[0])
    data = _data(cleaned["data"], source("data"), structure, economies, index_code)
    return Workbook(structure=structure, economies=economies, data=data, source=name,
                    places={key: source(key) for key in SHEETS})


def _columns(table: pd.DataFrame, key: str, src: str) -> pd.DataFrame:
    """Columns renamed to their canonical names; ``Unnamed: n`` columns dropped; required
    columns checked; optional ones added empty."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(src, f"is a {type(table).__name__}, not a table",
                         "pass a pandas DataFrame")
    if table.columns.empty:
        raise InputError(src, "is empty", f"fill the {SHEETS[key]} sheet: a header row "
                         f"({', '.join(_REQUIRED[key])}, ...), then one row per record")
    canonical = {_fold(c): c for c in _REQUIRED[key] + _OPTIONAL[key]}
    header = [None if column is None or (isinstance(column, float) and np.isnan(column))
              or _UNNAMED.match(str(column).strip()) else str(column).strip()
              for column in table.columns.tolist()]
    check_unique_header(header, src, same=_fold,
                        note=" (names match whatever their case, spacing, - and _)")
    keep = [i for i, text in enumerate(header) if text]
    names = [canonical.get(_fold(header[i]), header[i]) for i in keep]
    table = table.iloc[:, keep].set_axis(names, axis=1).reset_index(drop=True)
    for column in _REQUIRED[key]:
        if column not in table.columns:
            raise InputError(src, f"column '{column}' is missing",
                             f"add it (required columns: {', '.join(_REQUIRED[key])})",
                             row=1, column=column)
    for column in _OPTIONAL[key]:
        if column not in table.columns:
            table[column] = None
    known = list(_REQUIRED[key] + _OPTIONAL[key])
    table = table[known + [c for c in table.columns if c not in known]]
    if table.empty:
        raise InputError(src, "has no rows", f"fill the {SHEETS[key]} sheet")
    return table


def _structure(table: pd.DataFrame, src: str) -> pd.DataFrame:
    codes = text_column(table["NUM"])
    levels = []
    for i, level in enumerate(text_column(table["LEVEL"])):
        found = _LEVEL_BY_FOLD.get(_fold(level or ""))
        if found is None:
            raise InputError(src, f"level '{level}' is not known", f"use one of "
                             f"{', '.join(LEVELS)}", row=i + 2, column="LEVEL")
        levels.append(found)
    depth = [LEVELS.index(level) + 1 for level in levels]
    roots = [i for i, d in enumerate(depth) if d == 5]
    if len(roots) != 1:
        raise InputError(src, f"{len(roots)} rows have LEVEL 'Index'",
                         "keep exactly one row for the index (its NUM may be empty)",
                         column="LEVEL")
    index_code = codes[roots[0]] or DEFAULT_INDEX_CODE
    codes[roots[0]] = index_code
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code is None:
            raise InputError(src, f"a {levels[i]} row has an empty NUM",
                             "give every node below the index its address, e.g. IN.1.2",
                             row=i + 2, column="NUM")
        if code in seen:
            raise InputError(src, f"NUM '{code}' appears twice (also row {seen[code]})",
                             "make every NUM unique", row=i + 2, column="NUM")
        seen[code] = i + 2
    depth_of = dict(zip(codes, depth, strict=True))
    parents: list[str | None] = []
    for i, code in enumerate(codes):
        if depth[i] == 5:
            parents.append(None)
            continue
        parent = code.rsplit(".", 1)[0] if "." in code else index_code
        if depth_of.get(parent) != depth[i] + 1:
            found = "missing" if parent not in depth_of else f"a {LEVELS[depth_of[parent] - 1]}"
            raise InputError(src, f"the parent '{parent}' of {levels[i]} '{code}' is {found}",
                             f"add '{parent}' as a {LEVELS[depth[i]]} row, or fix the NUM",
                             row=i + 2, column="NUM")
        parents.append(parent)
    out = table.copy()
    out["NUM"], out["NAME"], out["LEVEL"] = codes, text_column(table["NAME"]), levels
    out["DEPTH"], out["PARENT"] = depth, parents
    has_children = set(parents)
    for i, code in enumerate(codes):
        if depth[i] > 1 and code not in has_children:
            raise InputError(src, f"{levels[i]} '{code}' has no {LEVELS[depth[i] - 2]} rows "
                             "below it", f"add its {LEVELS[depth[i] - 2]} rows (NUM "
                             f"{code}.1, ...) or remove it", row=i + 2, column="NUM")
    for level_depth in range(1, 5):
        if level_depth not in depth:
            raise InputError(src, f"no row has LEVEL '{LEVELS[level_depth - 1]}'",
                             "list every level of the tree", column="LEVEL")
    for column in _OPTIONAL["structure"]:
        if column != "DIRECTION":
            out[column] = text_column(out[column])
    out["DIRECTION"] = _directions(out["DIRECTION"], src)
    first = ["NUM", "NAME", "LEVEL", "DEPTH", "PARENT"]
    return out[first + [c for c in out.columns if c not in first]]


def _directions(cells: pd.Series, src: str) -> np.ndarray:
    """The optional ``DIRECTION`` column (not in WIPO's files): 1, −1 or empty."""
    directions = to_float(cells, source=src, column="DIRECTION", fix=_DIRECTION_FIX,
                          finite=True)
    wrong = ~np.isnan(directions) & ~np.isin(directions, (1.0, -1.0))
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise InputError(src, f"DIRECTION {directions[i]:g} is neither 1 nor -1", _DIRECTION_FIX,
                         row=i + 2, column="DIRECTION")
    return directions


def _boolean(cell: object) -> object:
    """A dummy written TRUE/FALSE (as WIPO's Metadata sheet describes them) as 1/0."""
    if isinstance(cell, bool | np.bool_):
        return float(cell)
    text = str(cell).strip().casefold() if isinstance(cell, str) else None
    return {"true": 1.0, "false": 0.0}.get(text, cell) if text is not None else cell


def _economies(table: pd.DataFrame, src: str) -> pd.DataFrame:
    out = table.copy()
    codes = text_column(table["ISO3"])
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code is None:
            raise InputError(src, "empty ISO3 code", "give every economy its ISO3 code",
                             row=i + 2, column="ISO3")
        if code in seen:
            raise InputError(src, f"ISO3 '{code}' appears twice (also row {seen[code]})",
                             "list every economy once", row=i + 2, column="ISO3")
        seen[code] = i + 2
    out["ISO3"] = codes
    for column in out.columns:
        if column in _NUMERIC["economies"]:
            out[column] = to_float(out[column], source=src, column=column, fix=_NUMBER_FIX,
                                   finite=True)
        elif column != "ISO3":
            out[column] = text_column(out[column])
    return out


def _data(table: pd.DataFrame, src: str, structure: pd.DataFrame, economies: pd.DataFrame,
          index_code: str) -> pd.DataFrame:
    out = table.copy()
    iso = text_column(table["ISO3"])
    num = [code or index_code for code in text_column(table["NUM"])]
    known_iso, known_num = set(economies["ISO3"]), set(structure["NUM"])
    for i, (a, b) in enumerate(zip(iso, num, strict=True)):
        if a not in known_iso:
            raise InputError(src, f"economy '{a}' is not in sheet 'Economies'",
                             "add it there or remove its rows", row=i + 2, column="ISO3")
        if b not in known_num:
            raise InputError(src, f"NUM '{b}' is not in sheet 'Index Structure'",
                             "add the node there or correct the code", row=i + 2, column="NUM")
    out["ISO3"], out["NUM"] = iso, num
    duplicated = out.duplicated(["ISO3", "NUM"])
    if duplicated.any():
        i = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise InputError(src, f"economy '{iso[i]}' has two rows for NUM '{num[i]}'",
                         "keep one row per economy and node", row=i + 2, column="NUM")
    for column in _NUMERIC["data"]:
        cells = out[column].map(_boolean) if column in _DUMMIES else out[column]
        out[column] = to_float(cells, source=src, column=column, fix=_NUMBER_FIX,
                               finite=True)
    for column in _FLAGS:
        flags = text_column(out[column])
        for i, flag in enumerate(flags):
            if flag not in (None, "S", "W"):
                raise InputError(src, f"flag '{flag}' is not S or W", "write S, W or leave "
                                 "the cell empty", row=i + 2, column=column)
        out[column] = flags
    for column in ("ECONOMY_NAME", "NAME"):
        out[column] = text_column(out[column])
    return out
