"""``innometrics export``: the workbook of any run equals its tables; codes stay text; the
provenance sheet is the manifest; the usual output safety."""

from __future__ import annotations

import math

import openpyxl
import pytest
from test_output_safety import _commands, world  # noqa: F401  (the fixture)
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.export import flatten
from innometrics.runs import CODE_COLUMNS, open_run

runner = CliRunner()
KINDS = ["build", "audit", "uncertainty", "clusters detect", "clusters rank"]


def _cell_equals(cell, value) -> bool:
    """Equal, except that openpyxl writes numbers with 16 significant digits ("%.16g"), so a
    float may come back one unit in the last place away (relative 1e-15)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell is None
    if isinstance(value, str | bool):
        return cell == value
    return not isinstance(cell, str) and math.isclose(cell, value, rel_tol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_workbook_equals_every_table_of_the_run(world, kind):  # noqa: F811
    out = world / kind.replace(" ", "-")
    assert runner.invoke(app, [*_commands(world)[kind], "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["export", str(out), "--out", "run.xlsx"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(world / "run.xlsx")
    provenance = dict(book["provenance"].iter_rows(min_row=2, values_only=True))
    run = open_run(out)
    assert provenance["kind"] == run.kind
    for key, value in flatten(run.manifest):
        assert _cell_equals(provenance[key], value), key
    sheets = {v: k[len("sheet."):] for k, v in provenance.items() if k.startswith("sheet.")}
    assert sorted(sheets) == sorted(run.tables())
    for file, name in sheets.items():
        table = run.table(file)
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == [str(c) for c in table.columns], file
        assert len(rows) - 1 == len(table), file
        for j, column in enumerate(table.columns):
            cells = [row[j] for row in rows[1:]]
            values = table[column].tolist()
            bad = [(c, v) for c, v in zip(cells, values, strict=True) if not _cell_equals(c, v)]
            assert not bad, f"{file}:{column}: {bad[:3]}"
            if column in CODE_COLUMNS:
                assert all(isinstance(c, str) for c in cells if c is not None), column


def test_export_refuses_a_file_it_did_not_write_and_replaces_its_own(world):  # noqa: F811
    out = world / "b"
    assert runner.invoke(app, [*_commands(world)["build"], "--out", str(out)]).exit_code == 0
    (world / "theirs.xlsx").write_text("a user's workbook")
    result = runner.invoke(app, ["export", str(out), "--out", "theirs.xlsx"])
    assert result.exit_code == 2 and "did not write" in result.output
    assert (world / "theirs.xlsx").read_text() == "a user's workbook"
    for _ in range(2):
        assert runner.invoke(app, ["export", str(out), "--out", "ours.xlsx"]).exit_code == 0
    result = runner.invoke(app, ["export", str(out), "--out", "ours.csv"])
    assert result.exit_code == 2 and ".xlsx" in result.output
    result = runner.invoke(app, ["export", str(world / "mine"), "--out", "x.xlsx"])
    assert result.exit_code == 2 and not (world / "x.xlsx").exists()
