"""Fixtures for the GII workbook tests: WIPO's 2023 workbook (its bundled copy, package data) and a
small synthetic workbook written with openpyxl at test time.

The synthetic workbook's SCOREs are computed here with plain formulas, independently of
``innometrics.gii``, from known rules: plain min-max, a "bad", fixed bounds [1, 7], top-tail
and bottom-tail winsorising, the GII log, a half-weighted indicator and missing values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

#: WIPO's original GII 2023 workbook (0.9 MB), outside the repository: its content is bundled as
#: CSV package data (``innometrics.gii.gii_workbook(2023)``) and not committed twice.
WORKBOOK_2023 = (Path(__file__).resolve().parents[3] / "shared" / "reference" / "gii"
                 / "workbook-2023" / "GII_2023.xlsx")


@lru_cache(maxsize=1)
def workbook_2023():
    """WIPO's GII 2023 workbook as bundled with the package (read once per session)."""
    from innometrics.gii import gii_workbook

    return gii_workbook(2023)


# --- synthetic workbook -----------------------------------------------------------------

#: (NUM, NAME, LEVEL, TYPE); the index row has an empty NUM, as in WIPO's files.
NODES = [
    (None, "Toy Innovation Index", "Index", None),
    ("IN", "Inputs", "SubIndex", None),
    ("IN.1", "Institutions", "Pillar", None),
    ("IN.1.1", "Environment", "SubPillar", None),
    ("IN.1.1.1", "Plain indicator", "Indicator", "Data"),
    ("IN.1.1.2", "Tariff rate (a bad)", "Indicator", "Data"),
    ("IN.1.1.3", "Survey on a 1-7 scale", "Indicator", "Survey"),
    ("IN.1.2", "Regulation", "SubPillar", None),
    ("IN.1.2.1", "Heavy top tail", "Indicator", "Data"),
    ("IN.1.2.2", "Half-weighted", "Indicator", "Index"),
    ("IN.1.2.3", "Heavy bottom tail", "Indicator", "Data"),
    ("OUT", "Outputs", "SubIndex", None),
    ("OUT.2", "Knowledge", "Pillar", None),
    ("OUT.2.1", "Creation", "SubPillar", None),
    ("OUT.2.1.1", "Patents (logged)", "Indicator", "Data"),
    ("OUT.2.1.2", "Sparse indicator", "Indicator", "Data"),
    ("OUT.2.2", "Diffusion", "SubPillar", None),
    ("OUT.2.2.1", "Exports", "Indicator", "Data"),
    ("OUT.2.2.2", "Licences", "Indicator", "Data"),
]

#: The rule each synthetic indicator was scored with.
EXPECTED_RULES = {
    "IN.1.1.1": {"direction": 1, "treatment": "none", "points_high": 0, "points_low": 0},
    "IN.1.1.2": {"direction": -1, "treatment": "none", "points_high": 0, "points_low": 0},
    "IN.1.1.3": {"direction": 1, "treatment": "none", "normalisation": "goalposts",
                 "bound_low": 1.0, "bound_high": 7.0},
    "IN.1.2.1": {"direction": 1, "treatment": "winsorised", "points_high": 2, "points_low": 0},
    "IN.1.2.2": {"direction": 1, "treatment": "none", "weight": 0.5},
    "IN.1.2.3": {"direction": 1, "treatment": "winsorised", "points_high": 0, "points_low": 2},
    "OUT.2.1.1": {"direction": 1, "treatment": "log", "points_high": 0, "points_low": 0},
    "OUT.2.1.2": {"direction": 1, "treatment": "none"},
    "OUT.2.2.1": {"direction": 1, "treatment": "none"},
    "OUT.2.2.2": {"direction": 1, "treatment": "none"},
}
WEIGHTS = {"IN.1.2.2": 0.5}
N_ECONOMIES = 30


def _minmax(x: np.ndarray, direction: int = 1) -> np.ndarray:
    y = x * direction
    return 100 * (y - np.nanmin(y)) / (np.nanmax(y) - np.nanmin(y))


def _clip_ranks(x: np.ndarray, high: int = 0, low: int = 0) -> np.ndarray:
    v = np.sort(x[~np.isnan(x)])
    upper, lower = v[len(v) - 1 - high], v[low]
    return np.clip(x, lower, upper)


def synthetic_tables(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The three sheets of the synthetic workbook as DataFrames (WIPO's layout)."""
    rng = np.random.default_rng(seed)
    n = N_ECONOMIES
    iso = [f"E{i:02d}" for i in range(n)]
    values = {
        "IN.1.1.1": rng.normal(50, 10, n),
        "IN.1.1.2": rng.uniform(0, 12, n),
        "IN.1.1.3": rng.uniform(2.0, 6.5, n),
        "IN.1.2.1": np.r_[rng.uniform(0, 10, n - 2), 80.0, 45.0],
        "IN.1.2.2": rng.normal(0, 1, n),
        "IN.1.2.3": np.r_[rng.uniform(60, 90, n - 2), 3.0, 12.0],
        "OUT.2.1.1": np.exp(rng.normal(1, 1.2, n)),
        "OUT.2.1.2": np.where(np.arange(n) % 4 == 0, np.nan, rng.uniform(0, 5, n)),
        "OUT.2.2.1": rng.uniform(0, 30, n),
        "OUT.2.2.2": np.where(np.arange(n) % 9 == 1, np.nan, rng.gamma(2.0, 2.0, n)),
    }
    logged = values["OUT.2.1.1"]
    lo, hi = logged.min(), logged.max()
    scores = {
        "IN.1.1.1": _minmax(values["IN.1.1.1"]),
        "IN.1.1.2": _minmax(values["IN.1.1.2"], -1),
        "IN.1.1.3": 100 * (values["IN.1.1.3"] - 1) / 6,
        "IN.1.2.1": _minmax(_clip_ranks(values["IN.1.2.1"], high=2)),
        "IN.1.2.2": _minmax(values["IN.1.2.2"]),
        "IN.1.2.3": _minmax(_clip_ranks(values["IN.1.2.3"], low=2)),
        "OUT.2.1.1": _minmax(np.log((hi - 1) * (logged - lo) / (hi - lo) + 1)),
        "OUT.2.1.2": _minmax(values["OUT.2.1.2"]),
        "OUT.2.2.1": _minmax(values["OUT.2.2.1"]),
        "OUT.2.2.2": _minmax(values["OUT.2.2.2"]),
    }
    parent = {num: (num.rsplit(".", 1)[0] if "." in num else "GII")
              for num, *_ in NODES if num}
    for num, _, level, _ in reversed(NODES):  # aggregates, bottom up
        if level == "Indicator":
            continue
        code = num or "GII"
        kids = [k for k, p in parent.items() if p == code]
        stack = np.array([scores[k] for k in kids])
        w = np.array([WEIGHTS.get(k, 1.0) for k in kids])[:, None] * ~np.isnan(stack)
        scores[code] = np.nansum(stack * w, axis=0) / w.sum(axis=0)
    rows = []
    for i, code in enumerate(iso):
        for num, name, _, _ in NODES:
            key = num or "GII"
            value = values.get(key, np.full(n, np.nan))[i]
            score = scores[key][i]
            rank = 1 + int(np.sum(scores[key] > score)) if not np.isnan(score) else np.nan
            rows.append({"ISO3": code, "ECONOMY_NAME": f"Economy {code}", "NUM": num,
                         "NAME": name, "DATAYR": 2022 if not np.isnan(value) else np.nan,
                         "VALUE_SCREEN": value, "SCORE": score, "RANK": rank,
                         "SW_OVERALL": None, "SW_INCGRP": None, "OUTDATED": None, "DMC": None})
    structure = pd.DataFrame(NODES, columns=["NUM", "NAME", "LEVEL", "TYPE"])
    economies = pd.DataFrame({"ISO3": iso, "ECONOMY_NAME": [f"Economy {c}" for c in iso],
                              "INCOME": [("HI", "UM", "LM", "LI")[i % 4] for i in range(n)],
                              "REG_UN": [("Europe", "Asia")[i % 2] for i in range(n)]})
    return {"Index Structure": structure, "Economies": economies, "Data": pd.DataFrame(rows)}


def write_workbook(path: Path, tables: dict[str, pd.DataFrame] | None = None, *,
                   order: list[str] | None = None, sheet_names: dict[str, str] | None = None,
                   columns: dict[str, dict[str, str]] | None = None,
                   drop_columns: dict[str, list[str]] | None = None,
                   unnamed_columns: int = 0, extra_sheets: tuple[str, ...] = ("Metadata",),
                   skip_sheets: tuple[str, ...] = ()) -> Path:
    """Write ``tables`` (default :func:`synthetic_tables`) as an .xlsx with openpyxl.

    ``order`` reorders sheets, ``sheet_names`` renames them, ``columns`` renames columns per
    sheet, ``drop_columns`` removes some, ``unnamed_columns`` appends that many columns with
    an empty header (pandas reads them as ``Unnamed: n``; the first holds stray text, as in
    WIPO's file), ``skip_sheets`` leaves sheets out.
    """
    tables = synthetic_tables() if tables is None else tables
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in order or list(tables) + list(extra_sheets):
        if sheet in skip_sheets:
            continue
        ws = book.create_sheet((sheet_names or {}).get(sheet, sheet))
        if sheet not in tables:
            ws.append(["SHEET", "COLUMN", "DESCRIPTION"])
            continue
        frame = tables[sheet].drop(columns=(drop_columns or {}).get(sheet, []))
        header = [(columns or {}).get(sheet, {}).get(c, c) for c in frame.columns]
        ws.append(header + [None] * unnamed_columns)
        for i, row in enumerate(frame.itertuples(index=False)):
            cells = [None if (isinstance(v, float) and np.isnan(v)) else v for v in row]
            stray = [" spilt text" if (k == 0 and i == 0) else None
                     for k in range(unnamed_columns)]
            ws.append(cells + stray)
    book.save(path)
    return path
