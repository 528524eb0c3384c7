"""Broken GII workbooks end with one line naming what the user wrote (the workbook's sheet, row
and column, never a generated framework.csv or data.csv), before any numeric work; a
direction is never assumed; agreement counts only what the workbook publishes."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from gii.gii_fixtures import synthetic_tables, write_workbook
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.errors import InputError
from innometrics.gii import (
    import_gii,
    indicator_directions,
    infer_direction,
    read_workbook,
    read_workbook_tables,
    workbook_from_frames,
    write_workbook_tables,
)
from innometrics.io import read_table

runner = CliRunner()


def _one_line(info: pytest.ExceptionInfo, *words: str, folder: bool = False) -> str:
    message = str(info.value)
    assert "\n" not in message and "Fix:" in message, message
    if not folder:  # a folder's data.csv is the user's own file
        assert "framework.csv" not in message and "data.csv" not in message, message
    for word in words:
        assert word in message, message
    return message


def _cli_error(book, tmp_path, *words: str) -> str:
    out = tmp_path / "run"
    result = runner.invoke(app, ["gii", "import", str(book), "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert text.startswith("error:") and "\n" not in text, text
    assert "Traceback" not in text and "framework.csv" not in text, text
    for word in words:
        assert word in text, text
    assert not out.exists()
    return text


# --- non-finite cells ------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "column", "text", "row"), [
    ("Data", "VALUE_SCREEN", "inf", 7), ("Data", "VALUE_SCREEN", "-Infinity", 40),
    ("Data", "SCORE", "nan", 12), ("Data", "SCORE", "1e999", 100),
    ("Data", "RANK", "NaN", 3), ("Data", "DATAYR", "+inf", 250),
    ("Economies", "POP", "inf", 5), ("Economies", "PPPGDP", "-inf", 20)])
def test_non_finite_cells_are_refused_at_read(tmp_path, sheet, column, text, row):
    tables = synthetic_tables()
    frame = tables[sheet]
    if column not in frame.columns:
        frame[column] = 1.0
    frame[column] = frame[column].astype(object)
    frame.iloc[row - 2, frame.columns.get_loc(column)] = text
    book = write_workbook(tmp_path / "gii.xlsx", tables)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning, no LAPACK noise: refused first
        with pytest.raises(InputError) as info:
            read_workbook(book)
    _one_line(info, f"gii.xlsx, sheet '{sheet}', row {row}, column '{column}'", f"'{text}'",
              "finite")
    _cli_error(book, tmp_path, f"sheet '{sheet}', row {row}", column)


@pytest.mark.parametrize(("file", "column", "row"), [("data.csv", "VALUE_SCREEN", 9),
                                                    ("economies.csv", "PPPPC", 4)])
def test_non_finite_cells_in_a_csv_folder(tmp_path, file, column, row):
    tables = synthetic_tables()
    book = workbook_from_frames(tables["Index Structure"], tables["Economies"], tables["Data"])
    write_workbook_tables(book, tmp_path / "gii")
    path = tmp_path / "gii" / file
    table = read_table(path)
    if column not in table.columns:
        table[column] = "1"
    table.loc[row - 2, column] = "-inf"
    table.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        read_workbook_tables(tmp_path / "gii")
    _one_line(info, file, f"row {row}", column, "'-inf'", folder=True)


# --- files that are not workbooks --------------------------------------------------------

@pytest.mark.parametrize(("content", "words"), [
    (b"ISO3,NUM,SCORE\nCHN,IN,1\n", ("not an Excel workbook", "text")),
    (b"", ("empty",)),
    (b"PK\x03\x04" + bytes(range(200)), ("damaged",)),
    (bytes(range(256)) * 4, ("not an Excel workbook",)),
])
def test_a_file_that_is_not_a_workbook(tmp_path, content, words):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    for read in (read_workbook, lambda p: read_table(p, sheet="Data")):
        with pytest.raises(InputError) as info:
            read(path)
        message = _one_line(info, *words)
        assert "engine" not in message and "zip" not in message.lower(), message
    _cli_error(path, tmp_path, *words)


def test_a_cut_short_workbook(tmp_path):
    whole = write_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    _cli_error(path, tmp_path, "cut.xlsx", "damaged or incomplete")


def test_an_xlsx_named_csv_is_told_apart(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(write_workbook(tmp_path / "w.xlsx").read_bytes())
    with pytest.raises(InputError) as info:
        read_table(path)
    _one_line(info, "is an Excel workbook", ".xlsx")


# --- library messages become one line ----------------------------------------------------

def _drop_children(tables, code):
    structure, data = tables["Index Structure"], tables["Data"]
    below = structure["NUM"].fillna("").str.startswith(code + ".")
    tables["Index Structure"] = structure[~below]
    tables["Data"] = data[~data["NUM"].fillna("").str.startswith(code + ".")]
    return tables


@pytest.mark.parametrize(("change", "words"), [
    ({"drop_columns": {"Economies": ["INCOME"]}}, ("sheet 'Economies'", "INCOME", "missing")),
    ({"tables": "no income"}, ("sheet 'Economies'", "INCOME")),
    ({"tables": "OUT.2.2"}, ("sheet 'Index Structure'", "'OUT.2.2' has no Indicator")),
    ({"tables": "IN.1"}, ("sheet 'Index Structure'", "'IN.1' has no SubPillar")),
    ({"tables": "empty data"}, ("sheet 'Data'", "has no rows")),
    ({"skip_sheets": ("Index Structure",)}, ("sheet 'Index Structure' is missing",)),
    ({"tables": "text score"}, ("sheet 'Data', row 9, column 'SCORE'", "'high'")),
    ({"tables": "flag"}, ("column 'SW_INCGRP'", "'strong'")),
])
def test_broken_workbook_classes_are_one_line(tmp_path, change, words):
    tables = synthetic_tables()
    kind = change.pop("tables", None)
    if kind == "no income":
        tables["Economies"]["INCOME"] = None
    elif kind == "empty data":
        tables["Data"] = tables["Data"].iloc[:0]
    elif kind == "text score":
        tables["Data"]["SCORE"] = tables["Data"]["SCORE"].astype(object)
        tables["Data"].loc[7, "SCORE"] = "high"
    elif kind == "flag":
        tables["Data"].loc[3, "SW_INCGRP"] = "strong"
    elif kind is not None:
        tables = _drop_children(tables, kind)
    book = write_workbook(tmp_path / "gii.xlsx", tables, **change)
    _cli_error(book, tmp_path, "gii.xlsx", *words)


def test_true_false_dummies_are_read(tmp_path):
    tables = synthetic_tables()
    tables["Data"]["OUTDATED"] = np.where(np.arange(len(tables["Data"])) % 3 == 0, "TRUE",
                                          "FALSE")
    book = read_workbook(write_workbook(tmp_path / "gii.xlsx", tables))
    assert set(book.data["OUTDATED"].unique()) == {0.0, 1.0}


# --- directions: evidence or a refusal, never +1 by default -------------------------------

def _frames(tables):
    return workbook_from_frames(tables["Index Structure"], tables["Economies"], tables["Data"],
                                source="gii.xlsx")


def test_infer_direction_says_when_scores_cannot_tell():
    v = np.array([1.0, 2.0, 3.0])
    assert infer_direction(v, np.array([np.nan] * 3)) == 0
    assert infer_direction(v, np.array([5.0, 5.0, 5.0])) == 0
    assert infer_direction(np.array([2.0, 2.0, 2.0]), v) == 0
    assert infer_direction(v, np.array([np.nan, 3.0, np.nan])) == 0


@pytest.mark.parametrize("code", ["IN.1.1.2", "IN.1.1.1", "OUT.2.1.1", "IN.1.2.3"])
def test_absent_scores_without_a_documented_direction_are_refused(tmp_path, code):
    tables = synthetic_tables()
    data = tables["Data"]
    data.loc[data["NUM"] == code, "SCORE"] = np.nan
    with pytest.raises(InputError) as info:
        indicator_directions(_frames(tables))
    _one_line(info, f"'{code}'", "DIRECTION", "sheet 'Index Structure'")
    _cli_error(write_workbook(tmp_path / "gii.xlsx", tables), tmp_path, f"'{code}'")


@pytest.mark.parametrize(("code", "direction"), [("IN.1.1.2", -1), ("IN.1.2.1", 1)])
def test_a_direction_column_is_used_where_scores_are_absent(code, direction):
    tables = synthetic_tables()
    data = tables["Data"]
    data.loc[data["NUM"] == code, "SCORE"] = np.nan
    structure = tables["Index Structure"]
    structure["DIRECTION"] = np.where(structure["NUM"] == code, direction, np.nan)
    imported = import_gii(_frames(tables))
    rule = imported.rules.set_index("iCode").loc[code]
    assert rule["direction"] == direction and rule["source_of_rule"] == "documented"
    assert "DIRECTION" in rule["evidence"]
    assert imported.result.recipe.framework.directions[
        list(imported.result.recipe.framework.indicators).index(code)] == direction


def test_a_direction_contradicting_the_scores_is_refused():
    tables = synthetic_tables()
    structure = tables["Index Structure"]
    structure["DIRECTION"] = np.where(structure["NUM"] == "IN.1.1.2", 1, np.nan)
    with pytest.raises(InputError) as info:
        indicator_directions(_frames(tables))
    _one_line(info, "'IN.1.1.2'", "DIRECTION 1", "fall", "row 7")


@pytest.mark.parametrize("value", [2, 0, "up"])
def test_a_direction_other_than_plus_or_minus_one_is_refused(value):
    tables = synthetic_tables()
    structure = tables["Index Structure"]
    structure["DIRECTION"] = None
    structure.loc[5, "DIRECTION"] = value
    with pytest.raises(InputError) as info:
        _frames(tables)
    _one_line(info, "row 7", "DIRECTION")


@pytest.mark.parametrize("code", ["IN.1.2.3", "IN.2.1.5", "IN.4.3.1", "IN.2.1.1", "OUT.6.1.1"])
def test_gii_2023_names_give_wipos_direction_where_scores_are_absent(code):
    from innometrics.gii import gii_workbook

    book = gii_workbook(2023)
    shown = indicator_directions(book).set_index("iCode").loc[code, "direction"]
    data = book.data.copy()
    data.loc[data["NUM"] == code, "SCORE"] = np.nan
    blanked = dataclasses.replace(book, data=data)
    found = indicator_directions(blanked).set_index("iCode").loc[code]
    assert (found["direction"], found["source"]) == (shown, "GII 2023")
    structure = book.structure.copy()
    structure.loc[structure["NUM"] == code, "NAME"] = "An indicator WIPO never published"
    with pytest.raises(InputError) as info:
        indicator_directions(dataclasses.replace(blanked, structure=structure))
    _one_line(info, f"'{code}'")


# --- agreement counts only what is published ----------------------------------------------

def test_no_published_flags_or_ranks_are_not_counted():
    tables = synthetic_tables()
    tables["Data"]["RANK"] = np.nan
    imported = import_gii(_frames(tables))
    assert imported.flags["overall"]["cells"] == imported.flags["incgrp"]["cells"] == 0
    assert imported.agreement["ranks_equal"].isna().all()
    assert imported.summary()["index_ranks_equal"] is None
    lines = " ".join(imported.summary_lines())
    assert "ranks equal to WIPO's: not published" in lines
    assert "scores reproduced within 1e-6: 558 of 558" in lines
    assert "agree on not published (overall), not published (income group)" in lines


@pytest.mark.parametrize(("economies", "nodes"), [(3, ["IN.1.1.1"]),
                                                  (10, ["IN.1.1.1", "OUT.2.2.1", "IN"])])
def test_flags_count_only_economies_and_nodes_with_published_flags(economies, nodes):
    tables = synthetic_tables()
    data = tables["Data"]
    flagged = [f"E{i:02d}" for i in range(economies)]
    for i, (iso, num) in enumerate([(e, n) for e in flagged for n in nodes]):
        data.loc[(data["ISO3"] == iso) & (data["NUM"] == num), "SW_OVERALL"] = "SW"[i % 2]
    imported = import_gii(_frames(tables))
    assert imported.flags["overall"]["cells"] == economies * len(nodes)
    assert imported.flags["incgrp"]["cells"] == 0


def test_absent_scores_of_a_node_are_not_a_perfect_match():
    tables = synthetic_tables()
    data = tables["Data"]
    data.loc[data["NUM"] == "OUT.2", "SCORE"] = np.nan
    agreement = import_gii(_frames(tables)).agreement.set_index("code")
    assert agreement.loc["OUT.2", "economies"] == 0 and agreement.loc["OUT.2", "reproduced"] == 0
    assert np.isnan(agreement.loc["OUT.2", "max_abs_diff"])


# --- gii profile on a run edited by hand ---------------------------------------------------

@pytest.mark.parametrize(("damage", "words"), [
    (lambda t: t.drop(columns=["score"]), ("lacks the column 'score'",)),
    (lambda t: t.drop(columns=["level"]), ("lacks the column 'level'",)),
    (lambda t: t.assign(rank=t["rank"].astype(object).where(t.index != 4, "fifth")),
     ("column 'rank', row 6", "'fifth'")),
    (lambda t: t.assign(score=t["score"].astype(object).where(t.index != 0, "n/a?")),
     ("column 'score', row 2",)),
])
def test_profile_of_a_damaged_run_is_one_line(tmp_path, damage, words):
    run = tmp_path / "run"
    import_gii(_frames(synthetic_tables())).write(run)
    path = run / "profiles.csv"
    damage(read_table(path)).to_csv(path, index=False)
    result = runner.invoke(app, ["gii", "profile", str(run), "E01"])
    text = result.output.strip()
    assert result.exit_code == 2 and text.startswith("error:") and "\n" not in text, text
    assert "profiles.csv" in text and all(w in text for w in words), text
