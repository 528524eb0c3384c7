"""Reading GII data workbooks: WIPO's 2023 file and synthetic ones with awkward layouts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gii.gii_fixtures import WORKBOOK_2023, synthetic_tables, workbook_2023, write_workbook

from innometrics.errors import InputError
from innometrics.gii import (
    read_workbook,
    read_workbook_tables,
    workbook_from_frames,
    write_workbook_tables,
)


@pytest.fixture
def toy_path(tmp_path):
    return write_workbook(tmp_path / "toy.xlsx")


def assert_same_tables(a, b):
    for name in ("structure", "economies", "data"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_dtype=False)


def test_reads_the_synthetic_workbook(toy_path):
    book = read_workbook(toy_path)
    assert book.index_code == "GII"
    assert book.source == "toy.xlsx"
    assert len(book.indicators) == 10 and len(book.economy_codes) == 30
    assert book.codes(4) == ["IN", "OUT"]
    assert book.children("IN.1.2") == ["IN.1.2.1", "IN.1.2.2", "IN.1.2.3"]
    parents = dict(zip(book.structure["NUM"], book.structure["PARENT"], strict=True))
    assert parents["IN"] == "GII" and parents["IN.1.1.1"] == "IN.1.1" and pd.isna(parents["GII"])
    assert book.data["NUM"].eq("GII").sum() == 30  # empty NUM = the index
    wide = book.wide("SCORE", ["GII"])
    assert wide.shape == (30, 1) and wide.notna().all().all()
    assert book.data["SW_OVERALL"].isna().all()  # optional columns filled empty


def test_tolerates_order_case_spacing_and_unnamed_columns(tmp_path, toy_path):
    tables = {name: frame[frame.columns[::-1]]  # every sheet's columns in reverse order
              for name, frame in synthetic_tables().items()}
    messy = write_workbook(
        tmp_path / "messy.xlsx", tables,
        order=["Metadata", "Data", "Economies", "Index Structure"],
        sheet_names={"Index Structure": "index_structure", "Data": "DATA"},
        columns={"Data": {"VALUE_SCREEN": "Value Screen", "ISO3": "iso3", "SCORE": "score"},
                 "Economies": {"ECONOMY_NAME": "Economy-Name"}},
        unnamed_columns=2)
    assert_same_tables(read_workbook(messy), read_workbook(toy_path))


def test_missing_sheet_names_the_sheet(tmp_path):
    path = write_workbook(tmp_path / "no_data.xlsx", skip_sheets=("Data",))
    with pytest.raises(InputError, match="sheet 'Data' is missing") as err:
        read_workbook(path)
    assert err.value.source == "no_data.xlsx"


@pytest.mark.parametrize(("sheet", "column"), [("Data", "SCORE"), ("Economies", "ISO3"),
                                               ("Index Structure", "LEVEL")])
def test_missing_column_names_sheet_and_column(tmp_path, sheet, column):
    path = write_workbook(tmp_path / "cut.xlsx", drop_columns={sheet: [column]})
    with pytest.raises(InputError, match=f"column '{column}' is missing") as err:
        read_workbook(path)
    assert err.value.source == f"cut.xlsx, sheet '{sheet}'"
    assert err.value.column == column


def test_unknown_node_and_economy_are_named_with_their_row():
    tables = synthetic_tables()
    data = tables["Data"].copy()
    data.loc[5, "NUM"] = "IN.9.9.9"
    with pytest.raises(InputError, match="NUM 'IN.9.9.9' is not in sheet") as err:
        workbook_from_frames(tables["Index Structure"], tables["Economies"], data, source="t")
    assert (err.value.row, err.value.column) == (7, "NUM")
    data = tables["Data"].copy()
    data.loc[0, "ISO3"] = "ZZZ"
    with pytest.raises(InputError, match="economy 'ZZZ'"):
        workbook_from_frames(tables["Index Structure"], tables["Economies"], data)


def test_structure_checks():
    tables = synthetic_tables()
    bad_level = tables["Index Structure"].copy()
    bad_level.loc[3, "LEVEL"] = "Subsection"
    with pytest.raises(InputError, match="level 'Subsection' is not known"):
        workbook_from_frames(bad_level, tables["Economies"], tables["Data"])
    orphan = tables["Index Structure"].drop(index=7)  # IN.1.2 gone, its indicators remain
    with pytest.raises(InputError, match="parent 'IN.1.2' of Indicator 'IN.1.2.1' is missing"):
        workbook_from_frames(orphan, tables["Economies"], tables["Data"])


def test_non_numeric_value_is_named():
    tables = synthetic_tables()
    data = tables["Data"].astype({"VALUE_SCREEN": object})
    data.loc[3, "VALUE_SCREEN"] = "n.a.x"
    with pytest.raises(InputError, match="'n.a.x' is not a number") as err:
        workbook_from_frames(tables["Index Structure"], tables["Economies"], data)
    assert err.value.column == "VALUE_SCREEN"


def test_frames_and_csv_copy_read_to_the_same_tables(tmp_path, toy_path):
    book = read_workbook(toy_path)
    tables = synthetic_tables()
    from_frames = workbook_from_frames(tables["Index Structure"], tables["Economies"],
                                       tables["Data"], source="toy")
    assert_same_tables(from_frames, book)
    write_workbook_tables(book, tmp_path / "copy")
    copy = read_workbook_tables(tmp_path / "copy")
    assert_same_tables(copy, book)
    np.testing.assert_array_equal(copy.wide("VALUE_SCREEN").to_numpy(),
                                  book.wide("VALUE_SCREEN").to_numpy())


def test_csv_copy_missing_table(tmp_path, toy_path):
    write_workbook_tables(read_workbook(toy_path), tmp_path / "copy")
    (tmp_path / "copy" / "economies.csv").unlink()
    with pytest.raises(InputError, match="table 'economies.csv' is missing"):
        read_workbook_tables(tmp_path / "copy")


def test_wipo_2023_workbook():
    book = workbook_2023()
    counts = book.structure["LEVEL"].value_counts().to_dict()
    assert counts == {"Indicator": 80, "SubPillar": 21, "Pillar": 7, "SubIndex": 2, "Index": 1}
    assert len(book.economies) == 132 and len(book.data) == 14652
    assert book.index_code == "GII"
    gii = book.wide("SCORE", ["GII"])["GII"]
    assert gii.idxmax() == "CHE" and round(gii["CHE"], 2) == 67.59
    assert int(book.data["VALUE_SCREEN"].notna().sum()) == 9403  # WIPO: 9,403 data points


def test_bundled_2023_copy_equals_wipo_workbook():
    """The bundled CSV copy holds every value of WIPO's workbook, in the columns it keeps (it
    leaves out the long texts DESCRIPTION and WEBSITE and the Data sheet's repeated names)."""
    if not WORKBOOK_2023.exists():
        pytest.skip(f"WIPO's original workbook is not in the repository (its content is bundled "
                    f"as CSV package data, which the other tests read); this check of that copy "
                    f"needs the original at {WORKBOOK_2023}")
    original, bundled = read_workbook(WORKBOOK_2023), workbook_2023()
    for name in ("structure", "economies", "data"):
        ours, theirs = getattr(bundled, name), getattr(original, name)
        kept = [c for c in ours.columns if ours[c].notna().any()]
        pd.testing.assert_frame_equal(ours[kept], theirs[kept], check_dtype=False)
