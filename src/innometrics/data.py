"""Unit data: a units × indicators table with group and denominator columns.

COINr's ``iData`` layout is read as it is: ``uCode`` (unique unit code), optional ``uName``,
group columns, denominator columns and one column per indicator, named as in the framework.
A ``Time`` column is accepted and ignored (one edition per table).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .framework import Framework
from .io import table_from, text_column, to_float

__all__ = ["Dataset", "load_data"]

_IGNORED = {"uName", "Time"}


@dataclass(frozen=True)
class Dataset:
    """Validated unit data aligned with a framework.

    Attributes
    ----------
    units : tuple of str
        Unit codes, in file order.
    names : tuple of str
        Unit names (the code where none is given).
    values : ndarray, shape (n_units, n_indicators)
        Raw indicator values in framework order; NaN = missing.
    groups : DataFrame
        Group columns, indexed by unit code.
    denominators : DataFrame
        Denominator columns (float), indexed by unit code.
    indicators : tuple of str
        Indicator codes, the columns of ``values``.
    source : str
        Where the data came from (used in messages).
    """

    units: tuple[str, ...]
    names: tuple[str, ...]
    values: np.ndarray
    groups: pd.DataFrame
    denominators: pd.DataFrame
    indicators: tuple[str, ...]
    source: str = "data"

    def to_frame(self) -> pd.DataFrame:
        """The raw indicator values with ``uCode`` as first column."""
        frame = pd.DataFrame(self.values, columns=list(self.indicators))
        frame.insert(0, "uCode", list(self.units))
        return frame

    def fingerprint(self) -> str:
        """SHA-256 of the content (codes, names, groups, denominators, values)."""
        h = hashlib.sha256()
        h.update(repr((self.units, self.names, self.indicators)).encode())
        h.update(np.ascontiguousarray(self.values).tobytes())
        h.update(self.groups.to_csv().encode())
        h.update(np.ascontiguousarray(self.denominators.to_numpy(float)).tobytes())
        return h.hexdigest()


def load_data(path_or_frame: str | os.PathLike | pd.DataFrame, framework: Framework, *,
              source: str | None = None) -> Dataset:
    """Read and validate unit data against ``framework``.

    Raises
    ------
    InputError
        For a missing ``uCode`` column, empty or duplicate unit codes, a column the framework
        does not declare, a missing indicator column, a non-numeric cell, an indicator with no
        data, or a denominator that is missing or zero where its indicator has a value.
    """
    table, src = table_from(path_or_frame, sheet="iData", default_source="data",
                            source=source)
    if "uCode" not in table.columns:
        raise InputError(src, "column 'uCode' is missing",
                         "add a column uCode with a unique code per unit (e.g. ISO3)")
    duplicated = [c for c, n in Counter(table.columns).items() if n > 1]
    if duplicated:
        raise InputError(src, f"column '{duplicated[0]}' appears twice", "keep one of them",
                         column=duplicated[0])

    units = text_column(table["uCode"])
    seen: dict[str, int] = {}
    for i, unit in enumerate(units):
        if unit is None:
            raise InputError(src, "empty unit code", "give every row a uCode", row=i + 2,
                             column="uCode")
        if unit in seen:
            raise InputError(src, f"duplicate unit '{unit}' (also row {seen[unit]})",
                             "keep one row per unit", row=i + 2, column="uCode")
        seen[unit] = i + 2
    names = text_column(table["uName"]) if "uName" in table else units
    names = [n if n is not None else u for n, u in zip(names, units, strict=True)]

    declared = set(framework.indicators) | set(framework.groups) | set(framework.denominators)
    declared |= set(framework.others) | _IGNORED | {"uCode"}
    aggregates = set(framework.codes) - set(framework.indicators)
    for col in table.columns:
        if col in aggregates:
            raise InputError(src, f"'{col}' is an aggregate of the framework, not an indicator",
                             "remove the column: aggregates are computed", column=col)
        if col not in declared:
            raise InputError(src, f"column '{col}' is not in the framework",
                             "add it to the framework (Type Indicator, Group, Denominator or "
                             "Other) or remove the column", column=col)

    missing = [code for code in framework.indicators if code not in table.columns]
    if missing:
        raise InputError(src, f"indicator column '{missing[0]}' is missing",
                         f"add a column '{missing[0]}' or remove it from the framework",
                         column=missing[0])
    values = to_float(table[framework.indicators], source=src, column=framework.indicators,
                      fix="write a number, or leave the cell empty if missing")
    for j, code in enumerate(framework.indicators):
        if np.isnan(values[:, j]).all():
            raise InputError(src, f"indicator '{code}' has no data", "add values for it or "
                             "remove it from the framework", column=code)
        if np.isinf(values[:, j]).any():
            i = int(np.flatnonzero(np.isinf(values[:, j]))[0])
            raise InputError(src, "infinite value", "write a finite number", row=i + 2,
                             column=code)

    index = pd.Index(units, name="uCode")
    given = [name for name in framework.denominators if name in table.columns]
    denominators = pd.DataFrame(to_float(table[given], source=src, column=given,
                                         fix="write a number"), index=index, columns=given)
    for j, code in enumerate(framework.indicators):
        denom = framework[code].denominator
        if denom is None:
            continue
        if denom not in denominators:
            raise InputError(src, f"denominator column '{denom}' (for '{code}') is missing",
                             f"add a column '{denom}' with the denominator of every unit",
                             column=denom)
        d = denominators[denom].to_numpy()
        # a missing denominator makes the denominated value missing (recorded by denominate);
        # a zero one would make it infinite
        zero = ~np.isnan(values[:, j]) & (d == 0)
        if zero.any():
            i = int(np.flatnonzero(zero)[0])
            raise InputError(src, f"denominator '{denom}' of unit '{units[i]}' is zero "
                             f"but '{code}' has a value", "give a non-zero denominator or "
                             f"leave '{code}' empty for that unit", row=i + 2, column=denom)

    groups = pd.DataFrame({name: text_column(table[name]) for name in framework.groups
                           if name in table.columns}, index=index)
    return Dataset(units=tuple(units), names=tuple(names), values=values, groups=groups,
                   denominators=denominators, indicators=tuple(framework.indicators), source=src)
