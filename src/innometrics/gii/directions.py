"""Where each GII indicator's direction (+1 more is better, −1 a "bad") comes from.

WIPO's workbook does not state directions; its scores show them. In order of evidence:

1. the indicator's published ``SCORE`` against its ``VALUE_SCREEN`` (the sign of Spearman's
   rank correlation, :func:`infer_direction`);
2. where the scores cannot show it (absent, a single one, or constant), a ``DIRECTION``
   column of sheet ``Index Structure`` (1 or −1), which any workbook may carry;
3. else WIPO's published GII 2023 scores of the indicator with the same name, bundled with
   innometrics (``innometrics/datasets/gii_2023``).

With none of these the indicator is refused by name: a direction is never assumed, since a
"bad" taken as +1 turns a weakness into a strength. A ``DIRECTION`` that contradicts the
scores is refused too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .workbook import Workbook, read_workbook_tables

__all__ = ["infer_direction", "indicator_directions", "DIRECTION_SOURCES"]

#: What a direction was taken from (the ``source`` of :func:`indicator_directions`).
DIRECTION_SOURCES = ("scores", "workbook", "GII 2023")
_FIX = ("add a DIRECTION column to sheet 'Index Structure' (1: more is better, -1: less is "
        "better) or the indicator's SCOREs")


def infer_direction(values: np.ndarray, scores: np.ndarray) -> int:
    """+1 if scores rise with values, −1 if they fall: the sign of Spearman's correlation;
    0 when the scores cannot show a direction (fewer than two economies with both, or values
    or scores all equal).

    Examples
    --------
    >>> infer_direction(np.array([1.0, 3.0, 2.0]), np.array([100.0, 0.0, 50.0]))
    -1
    >>> infer_direction(np.array([1.0, 3.0, 2.0]), np.array([np.nan, np.nan, 50.0]))
    0
    """
    v, s = np.asarray(values, float), np.asarray(scores, float)
    both = ~np.isnan(v) & ~np.isnan(s)
    if both.sum() < 2:
        return 0
    rv = pd.Series(v[both]).rank().to_numpy()
    rs = pd.Series(s[both]).rank().to_numpy()
    if np.ptp(rv) == 0 or np.ptp(rs) == 0:
        return 0
    return -1 if np.corrcoef(rv, rs)[0, 1] < 0 else 1


def _name_key(name: object) -> str:
    return re.sub(r"\s+", " ", str(name or "")).strip().casefold()


@lru_cache(maxsize=1)
def _gii_2023_directions() -> dict[str, int]:
    """Direction shown by WIPO's GII 2023 scores, by indicator name (bundled copy)."""
    folder = Path(str(resources.files("innometrics.datasets").joinpath("gii_2023")))
    book = read_workbook_tables(folder)
    values = book.wide("VALUE_SCREEN", book.indicators)
    scores = book.wide("SCORE", book.indicators)
    names = book.structure.set_index("NUM")["NAME"]
    return {_name_key(names[c]): d for c in book.indicators
            if (d := infer_direction(values[c].to_numpy(), scores[c].to_numpy()))}


def indicator_directions(workbook: Workbook) -> pd.DataFrame:
    """The direction of every indicator and what it was taken from (module docstring).

    Returns
    -------
    DataFrame
        One row per indicator in sheet order: ``iCode``, ``direction`` (1 or −1),
        ``source`` (one of :data:`DIRECTION_SOURCES`) and ``evidence`` (a sentence).

    Raises
    ------
    InputError
        Naming the indicator (its row of sheet ``Index Structure``) when nothing shows its
        direction, or when its ``DIRECTION`` contradicts its scores.
    """
    codes = workbook.indicators
    values = workbook.wide("VALUE_SCREEN", codes)
    scores = workbook.wide("SCORE", codes)
    structure = workbook.structure.reset_index(drop=True)
    row_of = {code: i + 2 for i, code in enumerate(structure["NUM"])}
    names = structure.set_index("NUM")["NAME"]
    stated = (structure.set_index("NUM")["DIRECTION"] if "DIRECTION" in structure.columns
              else pd.Series(dtype=float))
    where = workbook.place("structure")
    rows = []
    for code in codes:
        shown = infer_direction(values[code].to_numpy(), scores[code].to_numpy())
        given = stated.get(code)
        given = None if given is None or pd.isna(given) else int(given)
        label = f"indicator '{code}' ({names[code]})"
        if shown and given is not None and shown != given:
            raise InputError(where, f"{label} has DIRECTION {given} but its published SCOREs "
                             f"{'rise' if shown > 0 else 'fall'} with VALUE_SCREEN",
                             f"write DIRECTION {shown}, or leave it empty",
                             row=row_of[code], column="DIRECTION")
        if shown:
            rows.append((code, shown, "scores", "shown by the published SCOREs"))
        elif given is not None:
            rows.append((code, given, "workbook", "no SCOREs show it: the workbook's "
                                                  "DIRECTION"))
        elif (found := _gii_2023_directions().get(_name_key(names[code]))) is not None:
            rows.append((code, found, "GII 2023", "no SCOREs show it: WIPO's GII 2023 scores "
                                                  "of the indicator of the same name"))
        else:
            raise InputError(where, f"{label}: no published SCOREs show its direction and "
                             "no documented direction is known", _FIX, row=row_of[code],
                             column="NUM")
    return pd.DataFrame(rows, columns=["iCode", "direction", "source", "evidence"])
