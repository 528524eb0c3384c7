"""A table is read by what its content is, not its name: a file whose content does not match
its extension is one line saying what it is, never the reading library's message."""

from __future__ import annotations

import openpyxl
import pytest

from innometrics.errors import InputError
from innometrics.io import read_table

_CSV = b"uCode,a\nAT,1\n"


def _xlsx(path):
    book = openpyxl.Workbook()
    book.active.append(["uCode", "a"])
    book.save(path)
    return path.read_bytes()


@pytest.mark.parametrize(("name", "content", "words"), [
    ("data.xlsx", _CSV, ("not an Excel workbook", "text")),
    ("data.xlsm", _CSV, ("not an Excel workbook",)),
    ("data.xls", _CSV, ("not an Excel workbook",)),
    ("data.xlsx", b"", ("empty",)),
    ("data.xlsx", b"PK\x03\x04" + b"\x00" * 100, ("damaged or incomplete",)),
    ("data.parquet", _CSV, ("not a Parquet file", "text")),
    ("data.pq", b"\x00\x01\x02" * 50, ("not a Parquet file",)),
    ("data.csv", "xlsx", ("is an Excel workbook", ".xlsx")),
    ("data.txt", "xlsx", ("is an Excel workbook",)),
])
def test_content_not_matching_the_name_is_one_line(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(_xlsx(tmp_path / "real.xlsx") if content == "xlsx" else content)
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message and "Fix:" in message
    assert "engine" not in message and "magic" not in message, message
    for word in words:
        assert word in message, message
