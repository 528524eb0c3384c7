"""An exactly repeated header is refused by every reader, naming both positions, before pandas
can rename the second copy (``SCORE.1``) and the wrong one be used: CSV and Excel tables,
in-memory frames, the GII workbook's sheets and its CSV folder, SDMX-CSV and NCSES tables."""

from __future__ import annotations

import itertools

import numpy as np
import openpyxl
import pandas as pd
import pytest
from gii.gii_fixtures import synthetic_tables, write_workbook

from innometrics.errors import InputError
from innometrics.gii import (
    read_workbook,
    read_workbook_tables,
    workbook_from_frames,
    write_workbook_tables,
)
from innometrics.io import check_unique_header, read_table, table_from
from innometrics.rnd.ncses import read_ncses
from innometrics.rnd.sdmx import read_sdmx_csv

HEADER = ["uCode", "uName", "a", "b", "c"]


def _with_repeat(header: list[str], first: int, second: int) -> list[str]:
    """``header`` with the name at ``first`` written again at ``second``."""
    out = list(header)
    out[second] = header[first]
    return out


def _check(info: pytest.ExceptionInfo, name: str, first: int, second: int) -> None:
    message = str(info.value)
    assert "\n" not in message and "Fix:" in message, message
    assert f"'{name}' appears twice (columns {first + 1} and {second + 1})" in message, message


@pytest.mark.parametrize(("first", "second"), [(0, 4), (2, 3), (1, 2), (3, 4)])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_repeated_header_names_both_columns(tmp_path, first, second, delimiter):
    header = _with_repeat(HEADER, first, second)
    path = tmp_path / "table.csv"
    path.write_text(delimiter.join(header) + "\n" + delimiter.join("x1234") + "\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    _check(info, header[first], first, second)
    assert str(info.value).startswith(str(path))


def test_position_counts_headerless_columns_as_written(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a,,b,a\n1,,2,3\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    _check(info, "a", 0, 3)


@pytest.mark.parametrize(("first", "second"), [(0, 4), (2, 3)])
def test_excel_sheet_repeated_header(tmp_path, first, second):
    header = _with_repeat(HEADER, first, second)
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(header)
    book.active.append(["AT", "Austria", 1, 2, 3])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(InputError) as info:
        read_table(path, sheet="Data")
    _check(info, header[first], first, second)


def test_frame_in_memory_repeated_header():
    frame = pd.DataFrame([[1, 2, 3]], columns=["a", "b", "a"])
    with pytest.raises(InputError) as info:
        table_from(frame, default_source="data")
    _check(info, "a", 0, 2)


def test_case_different_duplicates_are_still_refused_where_names_fold():
    with pytest.raises(InputError, match="columns 1 .'Score'. and 3 .'SCORE'. name the same"):
        check_unique_header(["Score", "x", "SCORE"], "t.csv", same=str.casefold)
    check_unique_header(["Score", "x", "SCORE"], "t.csv")  # exact comparison: distinct


# --- the GII workbook: every sheet, any column repeated --------------------------------

_SHEET_COLUMNS = {"Index Structure": ["NUM", "NAME", "LEVEL"],
                  "Economies": ["ISO3", "ECONOMY_NAME", "INCOME"],
                  "Data": ["ISO3", "NUM", "VALUE_SCREEN", "SCORE", "RANK"]}
_CASES = [(sheet, repeated, other) for sheet, names in _SHEET_COLUMNS.items()
          for repeated, other in itertools.permutations(names, 2)][::2]


@pytest.mark.parametrize(("sheet", "repeated", "other"), _CASES)
def test_gii_workbook_sheet_with_a_repeated_header(tmp_path, sheet, repeated, other):
    tables = synthetic_tables()
    columns = list(tables[sheet].columns)
    path = write_workbook(tmp_path / "gii.xlsx", tables, columns={sheet: {other: repeated}})
    first, second = sorted((columns.index(repeated), columns.index(other)))
    with pytest.raises(InputError) as info:
        read_workbook(path)
    assert str(info.value).startswith(f"gii.xlsx, sheet '{sheet}'"), info.value
    _check(info, repeated, first, second)


@pytest.mark.parametrize(("file", "repeated", "other"), [
    ("data.csv", "VALUE_SCREEN", "SCORE"), ("data.csv", "SCORE", "RANK"),
    ("data.csv", "ISO3", "NUM"), ("economies.csv", "ISO3", "ECONOMY_NAME"),
    ("economies.csv", "INCOME", "REG_UN"), ("index_structure.csv", "NUM", "NAME"),
    ("index_structure.csv", "LEVEL", "TYPE")])
def test_gii_csv_folder_with_a_repeated_header(tmp_path, file, repeated, other):
    tables = synthetic_tables()
    book = workbook_from_frames(tables["Index Structure"], tables["Economies"], tables["Data"])
    folder = tmp_path / "gii"
    write_workbook_tables(book, folder)
    path = folder / file
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    header[header.index(other)] = repeated
    path.write_text("\n".join([",".join(header), *lines[1:]]) + "\n")
    with pytest.raises(InputError) as info:
        read_workbook_tables(folder)
    positions = sorted(i for i, name in enumerate(header) if name == repeated)
    _check(info, repeated, *positions)
    assert file in str(info.value)


# --- SDMX-CSV and NCSES ------------------------------------------------------------------

_SDMX = ("DATAFLOW,LOCATION,VAR,TIME_PERIOD,OBS_VALUE\n"
         "OECD.STI.STP:DSD_SBRD@SBRD(1.0),CHN,G_XGDP,2020,2.4\n")


@pytest.mark.parametrize(("column", "label"), [("OBS_VALUE", "OBS_VALUE"),
                                               ("LOCATION", "LOCATION"),
                                               ("TIME_PERIOD", "TIME_PERIOD: Time")])
def test_sdmx_csv_repeated_column(tmp_path, column, label):
    header, row = (line.split(",") for line in _SDMX.splitlines())
    path = tmp_path / "sdmx.csv"
    path.write_text(",".join([*header, label]) + "\n" + ",".join([*row, row[header.index(
        column)]]) + "\n")
    with pytest.raises(InputError) as info:
        read_sdmx_csv(path)
    message = str(info.value)
    assert f"{header.index(column) + 1}" in message and f"{len(header) + 1}" in message, message
    assert column in message and "\n" not in message


@pytest.mark.parametrize("repeated", ["value", "time_period", "table_id"])
def test_ncses_repeated_column(tmp_path, repeated):
    header = ["table_id", "time_period", "column_level_1", "column_level_2", "value"]
    path = tmp_path / "ncses.csv"
    path.write_text(",".join([*header, repeated]) + "\n"
                    + ",".join(["10946", "China", "GERD (PPP US$billions)", "", "1", "2"])
                    + "\n")
    with pytest.raises(InputError) as info:
        read_ncses(path)
    _check(info, repeated, header.index(repeated), len(header))


def test_a_single_copy_still_reads(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join("x1234") + "\n")
    assert list(read_table(path).columns) == HEADER
    assert np.array_equal(read_table(path)["a"].to_numpy(), np.array(["2"], dtype=object))
