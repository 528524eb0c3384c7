"""COINr's iMeta parameter columns: which there are, how they are read, what they give.

COINr 1.1.14 reads normalisation parameters per indicator from extra iMeta columns when
``Normalise`` is called with ``f_n_para = "use_iMeta"`` (``get_iMeta_norm_paras``);
innometrics reads the same columns from a framework table and gives them to the normalise
step with ``normalise: {from_framework: true}``. COINr lets any other extra column pass
unread; a framework refuses it (see :mod:`innometrics.framework`).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["PARAMETER_COLUMNS", "FLAG_COLUMNS", "NUMBER_COLUMNS", "read_flags",
           "normalise_parameters"]

#: COINr's iMeta parameter columns (``Normalise.coin(f_n_para = "use_iMeta")``, COINr 1.1.14
#: ``get_iMeta_norm_paras``): for each normalisation method that reads them, the columns it
#: needs and those it may take (absent: the step's own setting), each with the setting it gives.
PARAMETER_COLUMNS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "minmax": ({"minmax_lower": "range", "minmax_upper": "range"}, {}),
    "zscore": ({"zscore_mean": "mean", "zscore_sd": "sd"}, {}),
    "scaled": ({"scaled_lower": "bounds", "scaled_upper": "bounds"}, {"scale_factor": "scale"}),
    "dist2target": ({"Target": "targets"}, {"dist2targ_cap_max": "cap"}),
    "goalposts": ({"goalpost_lower": "goalposts", "goalpost_upper": "goalposts"},
                  {"goalpost_scale": "scale", "goalpost_trunc2posts": "truncate"}),
}
#: Methods whose two needed columns are one [lower, upper] setting.
_FROM_PAIR = {"minmax": "range", "scaled": "bounds", "goalposts": "goalposts"}
#: Parameter columns holding TRUE/FALSE (R writes them so; 1/0 and true/false read too).
FLAG_COLUMNS = ("dist2targ_cap_max", "goalpost_trunc2posts")
#: Parameter columns holding numbers.
NUMBER_COLUMNS = tuple(dict.fromkeys(
    c for needed, optional in PARAMETER_COLUMNS.values() for c in (*needed, *optional)
    if c not in FLAG_COLUMNS))


_TRUE, _FALSE = {"true", "t", "1", "1.0", "yes"}, {"false", "f", "0", "0.0", "no"}


def read_flags(cells: list, source: str, column: str, rows: list[int]) -> list[bool | None]:
    """A TRUE/FALSE column (as R writes it; also true/false, 1/0, yes/no), None where empty."""
    out: list[bool | None] = []
    for cell, row in zip(cells, rows, strict=True):
        if cell is None or (isinstance(cell, float) and math.isnan(cell)) or (
                isinstance(cell, str) and not cell.strip()):
            out.append(None)
            continue
        text = str(cell).strip().casefold()
        if isinstance(cell, bool | np.bool_) or text in _TRUE | _FALSE:
            out.append(bool(cell) if isinstance(cell, bool | np.bool_) else text in _TRUE)
            continue
        raise InputError(source, f"'{cell}' is not TRUE or FALSE", "write TRUE or FALSE",
                         row=row, column=column)
    return out


def normalise_parameters(framework: Any, method: str,
                         skip: Collection[str] = ()) -> dict[str, dict]:
    """See :meth:`innometrics.framework.Framework.normalise_parameters`."""
    needed, optional = PARAMETER_COLUMNS[method]
    codes = [c for c in framework.indicators if c not in set(skip)]
    nodes = [framework[c] for c in codes]
    given = {col: [getattr(n, col.lower()) for n in nodes] for col in (*needed, *optional)}
    present = {col for col, values in given.items()
               if any(v is not None for v in values)}
    fix = f"add it to the framework, or give the {method} settings in the recipe"
    for col in needed:
        if col not in present and nodes:
            raise InputError(framework.source, f"normalise from_framework with method '{method}' "
                             f"needs the column {col}", fix, column=col)
    for col in present:
        empty = next((c for c, v in zip(codes, given[col], strict=True) if v is None), None)
        if empty is not None:
            raise InputError(framework.source, f"'{empty}' has no {col}, which normalise "
                             f"from_framework with method '{method}' needs",
                             f"give every indicator a {col}", column=col)
    out = {}
    for k, (code, node) in enumerate(zip(codes, nodes, strict=True)):
        own = {} if method in _FROM_PAIR else {
            setting: {code: given[col][k]} if setting == "targets" else given[col][k]
            for col, setting in needed.items()}
        own.update({optional[col]: given[col][k] for col in optional if col in present})
        if method in _FROM_PAIR:  # the needed columns are (lower, upper)
            (low_col, low), (high_col, high) = ((c, given[c][k]) for c in needed)
            if method != "minmax" and not low < high:
                raise InputError(framework.source, f"'{code}' has {low_col} {low:g} not below "
                                 f"{high_col} {high:g}", f"give {low_col} < {high_col}",
                                 column=low_col)
            if method == "scaled" and node.direction == -1:
                low, high = -high, -low
            own[_FROM_PAIR[method]] = [low, high]
        if method == "zscore" and not own["sd"] > 0:
            raise InputError(framework.source, f"zscore_sd of '{code}' is {own['sd']:g}",
                             "give a positive standard deviation", column="zscore_sd")
        out[code] = own
    return out
