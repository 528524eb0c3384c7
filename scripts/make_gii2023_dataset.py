"""Bundle WIPO's GII 2023 data workbook as a compact package dataset (run once by a maintainer).

Reads ../shared/reference/gii/workbook-2023/GII_2023.xlsx and writes
src/innometrics/datasets/gii_2023/: the three sheets the importer needs (Index Structure,
Economies, Data) as CSV, the long Data sheet gzipped and without the names it repeats, the
descriptions and web links left out. ``innometrics.gii.read_workbook_tables`` reads the copy back
to the same tables as the workbook (a test checks it). Nothing is computed here.

    .venv/bin/python scripts/make_gii2023_dataset.py
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from pathlib import Path

from innometrics.gii import read_workbook, write_workbook_tables

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "reference" / "gii" / "workbook-2023" / "GII_2023.xlsx"
OUT = ROOT / "src" / "innometrics" / "datasets" / "gii_2023"


def main() -> None:
    book = read_workbook(SOURCE)
    book = replace(book, data=book.data.drop(columns=["ECONOMY_NAME", "NAME"]))
    written = write_workbook_tables(book, OUT)
    data = OUT / "data.csv"
    with data.open("rb") as raw, gzip.GzipFile(OUT / "data.csv.gz", "wb", mtime=0) as packed:
        shutil.copyfileobj(raw, packed)
    data.unlink()
    for path in [*written[:-1], OUT / "data.csv.gz"]:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
