"""Statistical vintages: every R&D figure as released, with its source and release date.

Statistics are revised: China's 2023 GERD was 33,278 亿元 in the preliminary figures of
29 February 2024 and 33,357.1 in the final ones of 2 October 2024. A claim is made on a date,
so the R&D table keeps every release of every figure (columns ``vintage`` and ``released``,
:data:`VINTAGE_COLUMNS`) and measures can be computed from what was out on a date
(:func:`as_of`): the newest vintage of each input released on or before it
(:func:`~innometrics.rnd.measures.observations`). :func:`timeline` gives a measure's value
after each release, for the claim checker and the report.

Bundled vintages (:func:`load_rnd_vintages`): the OECD extract (vintage ``OECD extract``,
released 2026-04-13, the day the OECD prepared it), the NCSES tables (the publication dates of
the Science & Engineering Indicators reports holding them) and the release files of
:data:`innometrics.datasets.RND_RELEASE_FILES` (China's preliminary and final figures).

**Release files** (:func:`read_releases`): a table with columns :data:`RELEASE_COLUMNS`, e.g.::

    economy,measure,year,value,unit,vintage,released,source
    CHN,gerd,2023,33278,100 million CNY,preliminary,2024-02-29,NBS communique 2023

``measure`` is one of :data:`RELEASE_MEASURES` (figures a release states; growth rates are
derived); ``unit`` is ``[thousand|million|100 million|billion] CUR`` for amounts (``CUR`` the
economy's currency; ``PPP USD`` for ``gerd_ppp``), ``percent of GDP`` for ``gerd_intensity``,
``percent of GERD`` for ``basic_research_share``. Every row needs a source and a release date;
two rows with the same economy, measure, year, vintage and date but different values are an
error, in one file or across files.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets import rnd_release_paths
from ..errors import InputError, InvalidParameter
from ..io import read_table
from .bundled import load_ncses_rnd, load_oecd_rnd
from .economies import currency_of, known_economies
from .measures import DEFAULT_PREFERENCE, MEASURES, measure, measure_inputs
from .sdmx import _COLUMNS

__all__ = ["VINTAGE_COLUMNS", "RELEASE_COLUMNS", "RELEASE_MEASURES", "OECD_EXTRACT",
           "NCSES_RELEASES", "Figure", "parse_date", "with_vintage", "read_releases",
           "add_releases", "load_rnd_vintages", "as_of", "timeline", "releases"]

#: Columns of the R&D table with vintages: the tidy table's, then ``vintage`` and ``released``
#: (YYYY-MM-DD).
VINTAGE_COLUMNS = [*_COLUMNS, "vintage", "released"]
#: Columns of a release file, in order.
RELEASE_COLUMNS = ["economy", "measure", "year", "value", "unit", "vintage", "released",
                   "source"]
#: Measures a release file may give → the tidy table's variable and unit.
RELEASE_MEASURES = {
    "gerd": ("G_NC", "national currency, millions"),
    "basic_research": ("BR_NC", "national currency, millions"),
    "gerd_ppp": ("G_PPP", "US dollars, current PPP, millions"),
    "gerd_intensity": ("G_XGDP", "% of GDP"),
    "basic_research_share": ("G_BRXG", "% of GERD"),
}
#: Vintage and release date of the bundled OECD extract (prepared by the OECD on that day).
OECD_EXTRACT = ("OECD extract", "2026-04-13")
#: Vintage and release date of the bundled NCSES tables, by table id: the publication of the
#: Science & Engineering Indicators report holding them (NSB-2024-6; NSB-2022-5). Each table
#: is a vintage of its own: two tables of one report round the same figure differently.
NCSES_RELEASES = {"10978": ("NCSES SEI 2024 table 10978", "2024-05-21"),
                  "10946": ("NCSES SEI 2024 table 10946", "2024-05-21"),
                  "10936": ("NCSES SEI 2024 table 10936", "2024-05-21"),
                  "6307": ("NCSES SEI 2022 table 6307", "2022-04-28")}

_SCALES = {"": Decimal("1e-6"), "thousand": Decimal("1e-3"), "million": Decimal(1),
           "100 million": Decimal(100), "billion": Decimal(1000)}
_AMOUNT = re.compile(r"^(?:(thousand|million|100 million|billion)\s+)?(PPP USD|[A-Z]{3})$")
_PERCENT = {"gerd_intensity": "GDP", "basic_research_share": "GERD"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEY = ["economy", "variable", "year", "vintage", "released"]


def parse_date(value: object, what: str = "as_of") -> str:
    """A date as ``YYYY-MM-DD`` text, from such text or a :class:`datetime.date`.

    >>> parse_date("2024-04-25"), parse_date(datetime.date(2024, 2, 29))
    ('2024-04-25', '2024-02-29')
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not _DATE.match(text):
            raise ValueError
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidParameter(f"'{what}' must be a date YYYY-MM-DD; got {value!r}.") from None


def with_vintage(table: pd.DataFrame, vintage: str, released: str) -> pd.DataFrame:
    """A tidy R&D table (:data:`~innometrics.rnd.sdmx.TIDY_COLUMNS`) with every row given
    ``vintage`` and the release date ``released``."""
    return table.assign(vintage=vintage, released=parse_date(released, "released"))


def _fail(name: str, row: int, column: str | None, problem: str, fix: str) -> None:
    raise InputError(name, problem, fix, row=row, column=column)


def _value(text: str, unit: str, measure_name: str, economy: str, name: str, row: int
           ) -> float:
    """A release's value in the tidy table's unit (millions for amounts), checked."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        _fail(name, row, "value", f"value '{text}' is not a number",
              "write a decimal number without thousands separators")
    if number < 0:
        _fail(name, row, "value", f"value {text} is negative", f"a {measure_name} is zero "
              "or more")
    if measure_name in _PERCENT:
        base = _PERCENT[measure_name]
        if unit not in (f"percent of {base}", f"% of {base}"):
            _fail(name, row, "unit", f"unit '{unit}' is not a unit of {measure_name}",
                  f"write 'percent of {base}'")
        return float(number)
    match = _AMOUNT.match(unit)
    wanted = "PPP USD" if measure_name == "gerd_ppp" else currency_of(economy)
    if not match or (wanted is not None and match.group(2) != wanted) or (
            wanted is None and match.group(2) == "PPP USD"):
        example = wanted or "the currency's ISO 4217 code"
        _fail(name, row, "unit", f"unit '{unit}' is not a unit of {measure_name} for "
              f"{economy}", f"write e.g. 'million {example}' (or thousand, 100 million, "
              "billion)")
    return float(number * _SCALES[match.group(1) or ""])


def _cell(value: object) -> str:
    """A cell as text: CSV cells as written; an Excel date as YYYY-MM-DD and a whole number
    (a year) without its ".0"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, datetime.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_releases(path: str | os.PathLike, *, source: str | None = None) -> pd.DataFrame:
    """Read a release file (module docstring) into the R&D table with vintages.

    Parameters
    ----------
    path : path-like
        CSV (or .xlsx, .parquet) with columns :data:`RELEASE_COLUMNS`.
    source : str, optional
        Name of the file in messages (default: its path).

    Returns
    -------
    DataFrame
        :data:`VINTAGE_COLUMNS`, one row per release of a figure, in the file's order
        (amounts in millions; a row repeated with the same value kept once).

    Raises
    ------
    InputError
        Naming the file, row and column: a duplicate, missing or unknown column, a row
        without a source or release date, an unknown measure, economy or unit, a value that is
        not a number, or two rows with the same economy, measure, year, vintage and date but
        different values.
    """
    path = Path(path)
    name = source or str(path)
    table = read_table(path)
    header = [str(c) for c in table.columns]
    unknown = [c for c in header if c not in RELEASE_COLUMNS]
    if unknown:
        _fail(name, 1, unknown[0], f"unknown column '{unknown[0]}'",
              f"use the columns {', '.join(RELEASE_COLUMNS)}")
    missing = [c for c in RELEASE_COLUMNS if c not in header]
    if missing:
        _fail(name, 1, None, f"no column {', '.join(missing)}",
              f"give the columns {', '.join(RELEASE_COLUMNS)}")
    economies = known_economies()
    today = datetime.date.today().isoformat()
    rows, seen = [], {}
    for i, record in enumerate(table[RELEASE_COLUMNS].itertuples(index=False), start=2):
        cells = {c: _cell(v) for c, v in zip(RELEASE_COLUMNS, record, strict=True)}
        for column, fix in (("source", "name the release (title and publisher)"),
                            ("released", "give the release date, YYYY-MM-DD"),
                            ("vintage", "name the vintage, e.g. preliminary or final")):
            if not cells[column]:
                _fail(name, i, column, f"no {column}", f"every row needs one: {fix}")
        if cells["measure"] not in RELEASE_MEASURES:
            derived = cells["measure"] in MEASURES
            why = ("is derived, not released" if derived else "is unknown")
            hint = " (growth rates are computed from gerd and basic_research)" if derived else ""
            _fail(name, i, "measure", f"measure '{cells['measure']}' {why}",
                  f"give one of {', '.join(RELEASE_MEASURES)}{hint}")
        if cells["economy"] not in economies:
            _fail(name, i, "economy", f"economy '{cells['economy']}' is not an ISO3 code",
                  "write the economy's ISO3 code, e.g. CHN")
        if not re.fullmatch(r"\d{4}", cells["year"]):
            _fail(name, i, "year", f"year '{cells['year']}' is not a year", "write e.g. 2023")
        try:
            released = parse_date(cells["released"], "released")
        except InvalidParameter:
            _fail(name, i, "released", f"released '{cells['released']}' is not a date",
                  "write the release date as YYYY-MM-DD")
        if released > today:
            _fail(name, i, "released", f"released {released} is after today", "give the "
                  "date the figure was published")
        if int(cells["year"]) > int(released[:4]):
            _fail(name, i, "year", f"year {cells['year']} released on {released}",
                  "check the year and the release date: a year's figures come out after it "
                  "starts")
        value = _value(cells["value"], cells["unit"], cells["measure"], cells["economy"],
                       name, i)
        variable, unit = RELEASE_MEASURES[cells["measure"]]
        key = (cells["economy"], variable, int(cells["year"]), cells["vintage"], released)
        if key in seen:
            first, first_value = seen[key]
            if first_value != value:
                _fail(name, i, "value", f"{cells['measure']} of {key[0]} {key[2]}, vintage "
                      f"'{key[3]}' released {released}, is {first_value:g} in row {first} and "
                      f"{value:g} here", "keep one value per figure and release (or give the "
                      "other a vintage of its own)")
            continue
        seen[key] = (i, value)
        rows.append((cells["economy"], int(cells["year"]), variable, value, unit,
                     cells["source"], "", False, cells["vintage"], released))
    out = pd.DataFrame(rows, columns=VINTAGE_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out


def add_releases(table: pd.DataFrame, parts: Sequence[tuple[str, pd.DataFrame]], *,
                 name: str = "the R&D table") -> pd.DataFrame:
    """``table`` (with vintages, called ``name`` in messages) and release tables named in
    ``parts``, stacked.

    A figure released twice with the same vintage and date is kept once if the values agree
    and refused if they differ, naming both.
    """
    frames = [(name, table), *parts]
    seen: dict[tuple, tuple[str, float]] = {}
    keep = []
    for name, frame in frames:
        missing = [c for c in ("vintage", "released") if c not in frame]
        if missing:
            raise InputError(name, f"no column {', '.join(missing)}",
                             "give a table with release dates (innometrics.rnd.read_releases)")
        mask = np.ones(len(frame), dtype=bool)
        keys = frame[_KEY].itertuples(index=False, name=None)
        for i, (key, value) in enumerate(zip(keys, frame["value"].to_numpy(float),
                                             strict=True)):
            key = (key[0], key[1], int(key[2]), key[3], key[4])
            if key in seen:
                first, first_value = seen[key]
                if first_value != value:
                    raise InputError(name, f"{key[1]} of {key[0]} {key[2]}, vintage '{key[3]}' "
                                     f"released {key[4]}, is {value:g} here and "
                                     f"{first_value:g} in {first}", "keep one value per "
                                     "figure and release (or give the other a vintage of its "
                                     "own)")
                mask[i] = False
            else:
                seen[key] = (name, value)
        keep.append(frame.loc[mask, VINTAGE_COLUMNS])
    out = pd.concat(keep, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out


@functools.lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    oecd = with_vintage(load_oecd_rnd(), *OECD_EXTRACT)
    ncses = load_ncses_rnd()
    table_id = ncses["source"].astype(str).str.extract(r"table (\w+)", expand=False)
    ncses = ncses.assign(vintage=table_id.map(lambda t: NCSES_RELEASES[t][0]),
                         released=table_id.map(lambda t: NCSES_RELEASES[t][1]))
    parts = [(f"bundled {p.parent.name}/{p.name}", read_releases(p, source=p.name))
             for p in rnd_release_paths()]
    return add_releases(pd.concat([oecd, ncses], ignore_index=True)[VINTAGE_COLUMNS], parts)


def load_rnd_vintages(release_files: Iterable[str | os.PathLike] = ()) -> pd.DataFrame:
    """The bundled R&D table with every vintage (module docstring), plus the releases of
    ``release_files`` (:func:`read_releases`).

    Returns
    -------
    DataFrame
        :data:`VINTAGE_COLUMNS`; "latest year" rows left out.
    """
    files = [Path(f) for f in release_files]
    if not files:
        return _bundled().copy()
    return add_releases(_bundled(), [(str(f), read_releases(f)) for f in files],
                        name="the bundled R&D data")


def as_of(table: pd.DataFrame, date: object) -> pd.DataFrame:
    """The rows of ``table`` released on or before ``date`` (a date or YYYY-MM-DD).

    Measures computed on the result use the newest vintage of each input out by then.
    """
    day = parse_date(date)
    if "released" not in table:
        raise InputError("R&D table", "has no release dates (column 'released')",
                         "give a table with vintages (innometrics.rnd.load_rnd_vintages)")
    released = table["released"].fillna("").astype(str)
    return table[(released != "") & (released <= day)]


@dataclass(frozen=True)
class Figure:
    """A measure's value as it stood after one release.

    Attributes
    ----------
    released : str
        Date from which the value held: the newest release among its inputs.
    value : float
        In the measure's unit (:data:`~innometrics.rnd.measures.MEASURES`).
    inputs : DataFrame
        The observations combined (:func:`~innometrics.rnd.measures.measure_inputs`).
    """

    released: str
    value: float
    inputs: pd.DataFrame

    @property
    def vintage(self) -> str:
        """The vintage, or for inputs of several vintages each input's, e.g. ``G_NC 2022
        final of 2023-09-18 + G_NC 2023 preliminary of 2024-02-29``."""
        if self.single:
            return str(self.inputs["vintage"].iloc[0])
        return " + ".join(f"{r.variable} {r.year} {r.vintage} of {r.released}"
                          for r in self.inputs.itertuples())

    @property
    def single(self) -> bool:
        """Whether every input comes from one release (one vintage, one date)."""
        return len(set(zip(self.inputs["vintage"], self.inputs["released"], strict=True))) == 1

    @property
    def sources(self) -> list[str]:
        """The sources of the inputs, each once."""
        return list(dict.fromkeys(self.inputs["source"].astype(str)))


def timeline(table: pd.DataFrame, name: str, economy: str, year: int, *,
             prefer: Sequence[str] = DEFAULT_PREFERENCE) -> list[Figure]:
    """The value of measure ``name`` for ``economy`` and ``year`` after each release that
    changed its inputs, oldest first (empty if it was never computable).

    After each release date ``d`` of one of its inputs, the measure is computed from the rows
    released on or before ``d`` (:func:`as_of`); a release that leaves the inputs as they were
    adds no figure.
    """
    years = [year - 1, year] if name.endswith("_growth") else [year]
    rows = table[(table["economy"] == economy) & table["year"].isin(years)
                 & table["variable"].isin(MEASURES[name].variables)]
    # a table without release dates is one undated release
    released = (rows["released"].fillna("").astype(str) if "released" in rows
                else pd.Series("", index=rows.index))
    rows = rows.assign(released=released, vintage=rows.get("vintage", ""))
    out: list[Figure] = []
    for day in sorted(set(released)):
        known = rows[released <= day]
        value = measure(known, name, prefer=prefer).get((economy, year), np.nan)
        if not np.isfinite(value):
            continue
        inputs = measure_inputs(known, name, economy, year, prefer=prefer)
        if out and out[-1].inputs.equals(inputs):
            continue
        out.append(Figure(released=str(inputs["released"].max()), value=float(value),
                          inputs=inputs))
    return out


def releases(table: pd.DataFrame, economy: str, start: int | None = None,
             end: int | None = None) -> pd.DataFrame:
    """Every release of every figure of ``economy`` (what ``innometrics rnd show
    --vintages`` prints): ``measure, year, value, unit, vintage, released, source``, by
    measure, year and release date."""
    names = {variable: m for m, (variable, _) in RELEASE_MEASURES.items()}
    rows = table[(table["economy"] == economy) & table["variable"].isin(list(names))]
    if start is not None:
        rows = rows[rows["year"] >= start]
    if end is not None:
        rows = rows[rows["year"] <= end]
    out = rows.assign(measure=rows["variable"].map(names))
    order = {m: i for i, m in enumerate(RELEASE_MEASURES)}
    out = out.assign(_order=out["measure"].map(order)).sort_values(
        ["_order", "year", "released", "source"], kind="stable")
    return out[["measure", "year", "value", "unit", "vintage", "released", "source"]
               ].reset_index(drop=True)
