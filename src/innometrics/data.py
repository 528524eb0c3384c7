"""Unit data: a units × indicators table with group and denominator columns.

COINr's ``iData`` layout is read as it is: ``uCode`` (unique unit code), optional ``uName``,
group columns, denominator columns, other columns and one column per indicator, named as in
the framework. ``uCode``, ``uName`` and ``Time`` match whatever their case. A ``Time`` column
with one value names the edition; with several values (numbers) the table is a *panel*, COINr's
purse: one row per unit and time, each ``(uCode, Time)`` pair once, built one index per time
from one recipe (see :mod:`innometrics.panel`). Any column the framework does not declare is an
error that suggests the closest name.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._params import did_you_mean
from .errors import DataWarning, InputError
from .framework import Framework
from .io import (
    TableSpec,
    columns_of,
    match_columns,
    number_columns,
    table_from,
    text_column,
    to_float,
)

__all__ = ["Dataset", "load_data"]

_UNIT_COLUMNS = ("uCode", "uName", "Time")


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
    others : DataFrame
        Other columns the framework declares (Type Other), as text, indexed by unit code.
    time : str or None
        The edition (the ``Time`` column's one value), if given; None for a panel.
    times : tuple of str
        A panel's time of each row (empty for one edition): rows are ``(uCode, Time)`` pairs,
        so ``units`` repeats across times.
    """

    units: tuple[str, ...]
    names: tuple[str, ...]
    values: np.ndarray
    groups: pd.DataFrame
    denominators: pd.DataFrame
    indicators: tuple[str, ...]
    source: str = "data"
    others: pd.DataFrame = field(default_factory=pd.DataFrame)
    time: str | None = None
    times: tuple[str, ...] = ()

    @property
    def is_panel(self) -> bool:
        """True for a panel (several times), False for one edition."""
        return bool(self.times)

    def to_frame(self) -> pd.DataFrame:
        """The data as a COINr-style ``iData`` table (read back by :func:`load_data` to the
        same dataset): ``uCode, uName``, ``Time``, groups, denominators, others, indicators."""
        index = pd.Index(self.units, name="uCode")
        parts = [pd.DataFrame({"uName": list(self.names)}, index=index)]
        if (self.time is not None or self.times) and "Time" not in self.others.columns:
            parts.append(pd.DataFrame({"Time": list(self.times) or self.time}, index=index))
        parts += [self.groups, self.denominators, self.others,
                  pd.DataFrame(self.values, index=index, columns=list(self.indicators))]
        return pd.concat([p.set_axis(index) for p in parts], axis=1).reset_index()

    def fingerprint(self) -> str:
        """SHA-256 of the content (codes, names, groups, denominators, values)."""
        h = hashlib.sha256()
        h.update(repr((self.units, self.names, self.indicators)).encode())
        if self.times:  # a single edition's fingerprint is unchanged
            h.update(repr(self.times).encode())
        h.update(np.ascontiguousarray(self.values).tobytes())
        h.update(self.groups.to_csv().encode())
        h.update(np.ascontiguousarray(self.denominators.to_numpy(float)).tobytes())
        return h.hexdigest()


def load_data(path_or_frame: str | os.PathLike | pd.DataFrame | TableSpec,
              framework: Framework, *, source: str | None = None) -> Dataset:
    """Read and validate unit data against ``framework``.

    Raises
    ------
    InputError
        For a missing ``uCode`` column, empty or duplicate unit codes, a column the framework
        does not declare, a missing indicator column, a non-numeric or infinite cell, an
        indicator with no data (at any time), a panel ``Time`` that is not a number or is
        missing, a ``(uCode, Time)`` pair twice, or a denominator that is zero where its
        indicator has a value.

    Warns
    -----
    DataWarning
        Naming the units with no indicator data and the indicators with a single value
        (values a missing denominator blanks are named when the denominate step runs).
    """
    table, src = table_from(path_or_frame, default_source="data", source=source)
    table = match_columns(table, _UNIT_COLUMNS)
    _check_columns(table, framework, src)
    cells, position = columns_of(table)

    def block(names: list[str] | tuple[str, ...]) -> np.ndarray:
        return cells[:, [position[name] for name in names]]

    def column(name: str) -> np.ndarray:
        return cells[:, position[name]]

    read_as_numbers = number_columns(table)

    def numbers(names: list[str] | tuple[str, ...], fix: str) -> np.ndarray:
        if read_as_numbers.issuperset(names):
            return block(names).astype(np.float64)
        return to_float(block(names), source=src, column=list(names), fix=fix)

    units = text_column(column("uCode"))
    time, times = _edition(text_column(column("Time")) if "Time" in position else None, src)
    seen: dict[tuple[str, str], int] = {}
    for i, unit in enumerate(units):
        if unit is None:
            raise InputError(src, "empty unit code", "give every row a uCode", row=i + 2,
                             column="uCode")
        key = (unit, times[i] if times else "")
        if key in seen:
            at = f" at Time {key[1]}" if times else ""
            raise InputError(src, f"duplicate unit '{unit}'{at} (also row {seen[key]})",
                             "keep one row per unit" + (" and time" if times else ""),
                             row=i + 2, column="uCode")
        seen[key] = i + 2
    names = text_column(column("uName")) if "uName" in position else units
    names = [n if n is not None else u for n, u in zip(names, units, strict=True)]

    values = numbers(framework.indicators, "write a number, or leave the cell empty if missing")
    _check_values(values, framework, units, src)
    index = pd.Index(units, name="uCode")
    given = [name for name in framework.denominators if name in position]
    given_values = numbers(given, "write a number")
    _check_denominators(values, given, given_values, framework, units, src)
    denominators = pd.DataFrame(given_values, index=index, columns=given)
    groups = pd.DataFrame({name: text_column(column(name)) for name in framework.groups
                           if name in position}, index=index)
    others = pd.DataFrame({name: text_column(column(name)) for name in framework.others
                           if name in position}, index=index)
    return Dataset(units=tuple(units), names=tuple(names), values=values, groups=groups,
                   denominators=denominators, indicators=tuple(framework.indicators), source=src,
                   others=others, time=time, times=times)


def _check_columns(table: pd.DataFrame, framework: Framework, src: str) -> None:
    header = table.columns.tolist()  # once: each tolist of a text Index costs ~5 µs
    if "uCode" not in header:
        raise InputError(src, "column 'uCode' is missing",
                         "add a column uCode with a unique code per unit (e.g. ISO3)", row=1)
    declared = (set(framework.indicators) | set(framework.groups) | set(framework.denominators)
                | set(framework.others) | set(_UNIT_COLUMNS))
    aggregates = set(framework.codes) - set(framework.indicators)
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if col in seen:
            raise InputError(src, f"columns {seen[col] + 1} and {i + 1} are both '{col}' "
                             "(uCode, uName and Time match whatever their case)",
                             "keep one of them", row=1, column=col)
        seen[col] = i
        if col in aggregates:
            raise InputError(src, f"'{col}' is an aggregate of the framework, not an indicator",
                             "remove the column: aggregates are computed", row=1, column=col)
        if col not in declared:
            raise InputError(src, f"column '{col}' is not in the framework."
                             f"{did_you_mean(col, declared)}",
                             "correct its name, declare it in the framework (Type Indicator, "
                             "Group, Denominator or Other) or remove it", row=1, column=col)
    present = set(header)
    missing = [code for code in framework.indicators if code not in present]
    if missing:
        raise InputError(src, f"indicator column '{missing[0]}' is missing"
                         + (f" ({len(missing)} indicators in all)" if len(missing) > 1 else ""),
                         f"add a column '{missing[0]}' or remove it from the framework",
                         row=1, column=missing[0])


def _edition(times: list[str | None] | None, src: str) -> tuple[str | None, tuple[str, ...]]:
    """The one edition of a table, or (None, each row's time) for a panel, whose times must be
    numbers (COINr's ``Time`` is numeric: trends and panel imputation measure time spans)."""
    if times is None:
        return None, ()
    editions = {t for t in times if t is not None}
    if len(editions) <= 1:
        return (editions.pop() if editions else None), ()
    for i, t in enumerate(times):
        if t is None:
            raise InputError(src, "empty Time in a panel", "give every row its time (a year)",
                             row=i + 2, column="Time")
        try:
            float(t)
        except ValueError:
            raise InputError(src, f"Time '{t}' is not a number", "write times as numbers "
                             "(years), as COINr's panels do", row=i + 2, column="Time") from None
    return None, tuple(times)


def _check_values(values: np.ndarray, framework: Framework, units: list[str], src: str) -> None:
    present = ~np.isnan(values)
    for j in np.flatnonzero(~present.any(axis=0)):
        code = framework.indicators[j]
        raise InputError(src, f"indicator '{code}' has no data", "add values for it or "
                         "remove it from the framework", column=code)
    infinite = np.isinf(values)
    if infinite.any():
        i, j = (int(k[0]) for k in np.nonzero(infinite))
        raise InputError(src, "infinite value", "write a finite number", row=i + 2,
                         column=framework.indicators[j])
    empty = [units[i] for i in np.flatnonzero(~present.any(axis=1))]
    if empty:
        warnings.warn(f"{src}: {len(empty)} unit(s) have no indicator data at all: "
                      f"{', '.join(empty[:10])}{', ...' if len(empty) > 10 else ''}; they get "
                      "no score unless imputed (screen them out with 'screen: {min_coverage: "
                      "...}')", DataWarning, stacklevel=3)
    # every column has a value (checked above); fmax/fmin skip NaN like nanmax/nanmin,
    # without their copies
    constant = np.fmax.reduce(values, axis=0) == np.fmin.reduce(values, axis=0)
    flat = [framework.indicators[j] for j in np.flatnonzero(constant)]
    if flat:
        warnings.warn(f"{src}: {len(flat)} indicator(s) have a single value for every unit "
                      f"with data: {', '.join(flat[:10])}; min-max and z-scores of them are "
                      "undefined", DataWarning, stacklevel=3)


def _check_denominators(values: np.ndarray, given: list[str], given_values: np.ndarray,
                        framework: Framework, units: list[str], src: str) -> None:
    column_of = {name: k for k, name in enumerate(given)}
    linked = [(j, code, framework[code].denominator)
              for j, code in enumerate(framework.indicators)]
    linked = [(j, code, denom) for j, code, denom in linked if denom is not None]
    if all(denom in column_of for _, _, denom in linked):
        # the usual case in one test (one per indicator costs ~4 µs); the loop below names
        # the first culprit when there is one
        zero = (~np.isnan(values[:, [j for j, _, _ in linked]])
                & (given_values[:, [column_of[denom] for _, _, denom in linked]] == 0))
        if not zero.any():
            return
    for j, code, denom in linked:
        if denom not in column_of:
            raise InputError(src, f"denominator column '{denom}' (for '{code}') is missing",
                             f"add a column '{denom}' with the denominator of every unit",
                             row=1, column=denom)
        d = given_values[:, column_of[denom]]
        has_value = ~np.isnan(values[:, j])
        # a zero denominator would make the denominated value infinite
        zero = has_value & (d == 0)
        if zero.any():
            i = int(np.flatnonzero(zero)[0])
            raise InputError(src, f"denominator '{denom}' of unit '{units[i]}' is zero "
                             f"but '{code}' has a value", "give a non-zero denominator or "
                             f"leave '{code}' empty for that unit", row=i + 2, column=denom)
