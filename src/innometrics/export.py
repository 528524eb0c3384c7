"""Excel export of a run: one sheet per table, plus the manifest flattened into ``provenance``.

Works for every kind of run, since it reads only what :func:`~innometrics.runs.open_run` reads:
the tables the manifest lists (CSV and Parquet) and the manifest itself. Code columns stay
text (they are read as text, as every run reader reads them); missing values are empty cells.
Numbers are written by openpyxl with 16 significant digits ("%.16g"), so a float may differ
from its CSV by one unit in the 16th digit (relative 1e-15).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError
from .runs import MANIFEST, Run, open_run, write_file

__all__ = ["workbook_sheets", "flatten", "export_run", "EXCEL_MAX_ROWS"]

#: Rows of an Excel sheet, header included.
EXCEL_MAX_ROWS = 1_048_576
_SHEET_NAME = 31  # Excel's limit on a sheet name
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings and lists as ``(key path, value)`` rows.

    Examples
    --------
    >>> flatten({"kind": "build", "settings": {"steps": [{"normalise": {"method": "borda"}}]}})
    [('kind', 'build'), ('settings.steps[0].normalise.method', 'borda')]
    """
    if isinstance(value, Mapping):
        rows = []
        for key, item in value.items():
            rows += flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return rows or [(prefix, None)]
    if isinstance(value, list | tuple):
        rows = []
        for i, item in enumerate(value):
            rows += flatten(item, f"{prefix}[{i}]")
        return rows or [(prefix, None)]
    return [(prefix, value)]


def _sheet_name(file: str, taken: set[str]) -> str:
    """``data/Raw.csv`` → ``data_Raw``: Excel's characters and length, unique in the book."""
    stem = _NOT_IN_NAME.sub("_", str(Path(file).with_suffix("")))[:_SHEET_NAME]
    name, k = stem, 2
    while name.casefold() in taken or name.casefold() == "provenance":
        suffix = f"~{k}"
        name, k = stem[:_SHEET_NAME - len(suffix)] + suffix, k + 1
    taken.add(name.casefold())
    return name


def workbook_sheets(run: Run) -> dict[str, pd.DataFrame]:
    """Every table of ``run`` by sheet name, then ``provenance`` (key, value): the manifest
    flattened, and which file each sheet holds (``sheet.<name>``).

    Raises
    ------
    InputError
        If a table has more rows than an Excel sheet holds.
    """
    sheets: dict[str, pd.DataFrame] = {}
    taken: set[str] = set()
    files = {}
    for file in run.tables():
        table = run.table(file)
        if len(table) + 1 > EXCEL_MAX_ROWS:
            raise InputError(str(run.path / file), f"has {len(table):,} rows, more than an Excel "
                             "sheet holds", "read that table from the run directory instead")
        name = _sheet_name(file, taken)
        sheets[name], files[name] = table, file
    rows = flatten(run.manifest) + [(f"sheet.{name}", file) for name, file in files.items()]
    sheets["provenance"] = pd.DataFrame(
        [(key, value if isinstance(value, int | float | str | bool) or value is None
          else str(value)) for key, value in rows], columns=["key", "value"])
    return sheets


def _write_workbook(sheets: Mapping[str, pd.DataFrame]):
    def write(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as book:
            for name, table in sheets.items():
                table.to_excel(book, sheet_name=name, index=False)
    return write


def export_run(run_dir: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Write the workbook of the run at ``run_dir`` to ``out`` (.xlsx) with the output safety
    of every innometrics file (:func:`~innometrics.runs.write_file`: an existing file is
    replaced only if innometrics wrote it). Returns the path written."""
    if Path(out).suffix.lower() != ".xlsx":
        raise InputError(str(out), "is not an .xlsx file name", "give --out FILE.xlsx")
    run = open_run(run_dir)
    sheets = workbook_sheets(run)
    return write_file(out, _write_workbook(sheets), kind="export",
                      settings={"run": str(run.path), "run_kind": run.kind,
                                "sheets": list(sheets)},
                      inputs={"run": run.path / MANIFEST})
