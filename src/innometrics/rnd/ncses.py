"""NCSES Science & Engineering Indicators R&D tables (compiled from OECD MSTI and UNESCO UIS)
into the tidy table of :mod:`innometrics.rnd.sdmx`.

Tables read (:data:`NCSES_TABLES`), each recognised by its header:

- **10978** (SRD-1): GERD in current and constant (2015) PPP dollars, GDP in PPP dollars and
  GERD/GDP, for 1990, 2000, 2010 and 2021 or the latest year. Its compound annual growth
  rates are left out: they derive from the levels (:func:`~innometrics.rnd.measures.cagr`).
- **10946** (SRD-2) and **10936** (RD-4): GERD in PPP dollars and its shares by performing
  sector and by source of funds, 2021 or the latest year.
- **6307, re-labelled** (``ncses_6307_gerd_by_type_wide.csv``): GERD and basic research in
  PPP dollars and basic research's share of GERD, 2019 or the latest year. (The raw 6307 and
  1878 tables lost their column labels upstream and are refused.)

"Australia (2019)" means the table's latest column holds 2019 data; "NA" cells are
missing observations and are left out. PPP dollars are converted from billions to millions
(exactly, in decimal) so that they share the OECD's unit.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..io import read_table
from .economies import clean_name, iso3_of
from .sdmx import _COLUMNS

__all__ = ["NCSES_TABLES", "NCSES_VARIABLES", "read_ncses"]

#: Tables this module reads: id → (what, latest year of the table).
NCSES_TABLES = {
    "10978": ("GERD, GDP and GERD/GDP, 1990-2021", 2021),
    "10946": ("GERD by performing sector and source of funds, 2021 or latest", 2021),
    "10936": ("GERD by performing sector and source of funds, selected economies, 2021", 2021),
    "6307": ("GERD by type of R&D, 2019 or latest (re-labelled)", 2019),
}
_EDITION = {"10978": "OECD MSTI Sept 2023", "10946": "OECD MSTI Sept 2023",
            "10936": "OECD MSTI Sept 2023", "6307": "OECD MSTI Sept 2021, UNESCO UIS"}

_PPP = "US dollars, current PPP, millions"
#: Variables NCSES tables add beside the OECD's (variable → unit).
NCSES_VARIABLES = {
    "G_PPP": _PPP,
    "G_PPP_K2015": "US dollars, constant 2015 PPP, millions",
    "GDP_PPP": _PPP,
    "G_XGDP": "% of GDP",
    "G_BR_PPP": _PPP,
    "G_BRXG": "% of GERD",
    **{f"G_PERF_{s}": "% of GERD" for s in ("BUS", "GOV", "HE", "PNP")},
    **{f"G_FUND_{s}": "% of GERD" for s in ("BUS", "GOV", "OTH", "ROW")},
}
_SECTORS = {"business": "BUS", "government": "GOV", "higher education": "HE",
            "private nonprofita": "PNP", "private nonprofit": "PNP", "other domestic": "OTH",
            "rest of the world": "ROW"}
_SPACE = re.compile(r"\s+")


def _text(value: object) -> str:
    return _SPACE.sub(" ", str(value or "")).strip()


class _Collector:
    def __init__(self, name: str, table_id: str) -> None:
        self.name, self.table_id = name, table_id
        self.source = f"NCSES SEI table {table_id} ({_EDITION[table_id]})"
        self.rows: list[tuple] = []
        self.seen: dict[tuple, int] = {}

    def economy(self, label: str, row: int, column: str) -> tuple[str, int]:
        name, year = clean_name(label)
        code = iso3_of(name)
        if code is None:
            raise InputError(self.name, f"unknown economy name '{name}'",
                             "add it to innometrics.rnd.economies._NAMES", row=row,
                             column=column)
        return code, year if year is not None else NCSES_TABLES[self.table_id][1]

    def add(self, economy: str, year: int, variable: str, text: str, row: int,
            column: str, scale: int = 1) -> None:
        text = _text(text)
        if text in ("", "NA"):
            return
        try:
            value = float(Decimal(text) * scale)
        except InvalidOperation:
            raise InputError(self.name, f"'{text}' is not a number", "write a number or NA",
                             row=row, column=column) from None
        key = (economy, year, variable)
        if key in self.seen:
            raise InputError(self.name, f"{variable} for {economy} {year} appears twice (first "
                             f"in row {self.seen[key]})", "keep one row per economy, year and "
                             "variable", row=row, column=column)
        self.seen[key] = row
        self.rows.append((economy, year, variable, value, NCSES_VARIABLES[variable],
                          self.source, "", False))

    def frame(self) -> pd.DataFrame:
        table = pd.DataFrame(self.rows, columns=_COLUMNS)
        table["year"] = table["year"].astype("Int64")
        return table.sort_values(["variable", "economy", "year"], ignore_index=True)


def _year(label: str, latest: int | None, name: str, row: int, column: str) -> int:
    text = _text(label)
    match = re.fullmatch(r"(\d{4})(a?)", text)
    if not match:
        raise InputError(name, f"'{text}' is not a year", "keep the table as NCSES publishes it",
                         row=row, column=column)
    # "2021a": 2021 or the economy's latest year (given after its name)
    return latest if match.group(2) and latest is not None else int(match.group(1))


def _read_10978(table: pd.DataFrame, out: _Collector) -> None:
    levels = [c for c in table.columns if c.endswith("_level_1")][0][:-1]
    for i, rec in enumerate(table.to_dict("records"), 2):
        economy, latest = out.economy(rec["time_period"], i, "time_period")
        l1, l2, l3 = (_text(rec[f"{levels}{k}"]) for k in (1, 2, 3))
        if l1 == "Longer-term growth rates":
            continue
        if l1 == "GERD-to-GDP ratio (%)":
            variable, period, column = "G_XGDP", l2, f"{levels}2"
        elif (l1, l2) == ("GERD", "Current PPP dollars"):
            variable, period, column = "G_PPP", l3, f"{levels}3"
        elif (l1, l2) == ("GERD", "Constant (2015) PPP dollars"):
            variable, period, column = "G_PPP_K2015", l3, f"{levels}3"
        elif (l1, l2) == ("GDP", "Current PPP dollars"):
            variable, period, column = "GDP_PPP", l3, f"{levels}3"
        else:
            raise InputError(out.name, f"unknown series '{l1} / {l2}'", "keep the table as "
                             "NCSES publishes it", row=i, column=f"{levels}1")
        year = _year(period, latest if period.endswith("a") else None, out.name, i, column)
        out.add(economy, year, variable, rec["value"], i, "value",
                1 if variable == "G_XGDP" else 1000)


def _read_sectors(table: pd.DataFrame, out: _Collector) -> None:
    for i, rec in enumerate(table.to_dict("records"), 2):
        economy, year = out.economy(rec["time_period"], i, "time_period")
        l1, l2 = _text(rec["column_level_1"]), _text(rec["column_level_2"]).lower()
        if l1.startswith("GERD") and "PPP US$billions" in l1:
            out.add(economy, year, "G_PPP", rec["value"], i, "value", 1000)
            continue
        kind = ("PERF" if "performing sector" in l1 else "FUND" if "source of funds" in l1
                else None)
        if kind is None or l2 not in _SECTORS:
            raise InputError(out.name, f"unknown series '{l1} / {l2}'", "keep the table as "
                             "NCSES publishes it", row=i, column="column_level_1")
        out.add(economy, year, f"G_{kind}_{_SECTORS[l2]}", rec["value"], i, "value")


def _read_6307_wide(table: pd.DataFrame, out: _Collector) -> None:
    blocks: dict[str, int] = {}
    for i, rec in enumerate(table.to_dict("records"), 2):
        economy, year = out.economy(rec["country_year"], i, "country_year")
        block = blocks[economy] = blocks.get(economy, 0) + 1
        total = _text(rec["all_RD_ppp_bn"])
        if block == 1:  # first block: PPP $ billions
            out.add(economy, year, "G_PPP", total, i, "all_RD_ppp_bn", 1000)
            out.add(economy, year, "G_BR_PPP", rec["basic_research"], i, "basic_research", 1000)
        elif block == 2 and total in ("100.0", "100", "NA", ""):  # second block: % shares
            out.add(economy, year, "G_BRXG", rec["basic_research"], i, "basic_research")
        else:
            raise InputError(out.name, f"unexpected row for '{rec['country_year']}'",
                             "keep 8 rows of PPP $ billions, then 8 rows of % shares (total "
                             "100)", row=i, column="country_year")


def read_ncses(path: str | os.PathLike, *, source: str | None = None) -> pd.DataFrame:
    """Read an NCSES R&D table (10978, 10946, 10936 or the re-labelled 6307) into the tidy
    table (:data:`~innometrics.rnd.sdmx.TIDY_COLUMNS`, then ``status`` and ``latest``).

    Parameters
    ----------
    path : path-like
        The table's ``data.csv`` as NCSES publishes it (any file name).
    source : str, optional
        Name of the file in messages.

    Returns
    -------
    DataFrame
        One row per observation; ``source`` is e.g. "NCSES SEI table 10978 (OECD MSTI Sept
        2023)". Units: PPP dollars in millions, shares in percent.
    """
    path = Path(path)
    name = source or path.name
    table = read_table(path)
    columns = list(table.columns)
    if "country_year" in columns and "basic_research" in columns:
        out = _Collector(name, "6307")
        _read_6307_wide(table, out)
        return out.frame()
    if not {"table_id", "time_period", "value"} <= set(columns) or table.empty:
        raise InputError(name, "not an NCSES table (no table_id, time_period, value columns)",
                         "give the data.csv of NCSES table 10978, 10946, 10936, or "
                         "ncses_6307_gerd_by_type_wide.csv")
    table_id = _text(table["table_id"].iloc[0])
    if table_id not in NCSES_TABLES or table_id == "6307":
        hint = (" (its column labels were lost upstream; use "
                "ncses_6307_gerd_by_type_wide.csv)" if table_id in ("6307", "1878") else "")
        raise InputError(name, f"NCSES table {table_id} is not supported{hint}",
                         f"give table {', '.join(k for k in NCSES_TABLES if k != '6307')} or "
                         "the re-labelled 6307", row=2, column="table_id")
    out = _Collector(name, table_id)
    if table_id == "10978":
        _read_10978(table, out)
    else:
        _read_sectors(table, out)
    return out.frame()
