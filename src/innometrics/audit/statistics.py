"""Per-indicator statistics and flags of one data set (COINr's ``get_stats``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._params import Interval, Real, check_params
from .._tree import ancestor_at, branch
from ..framework import Framework
from ..results import lineage_order
from ..stats import kurtosis, skewness

__all__ = ["STATS_COLUMNS", "describe", "data_availability"]

#: Columns of :func:`describe` (COINr ``get_stats`` layout, after ``iCode``).
STATS_COLUMNS = ("Min", "Max", "Mean", "Median", "Std", "Skew", "Kurt", "N.Avail", "N.NonZero",
                 "N.Unique", "N.Same", "Frc.Avail", "Frc.NonZero", "Frc.Unique", "Frc.Same",
                 "Flag.Avail", "Flag.NonZero", "Flag.Unique", "Flag.SkewKurt")

_UNIT = Interval(Real, 0, 1)
_CONSTRAINTS = {
    "t_skew": [Interval(Real, 0, None)],
    "t_kurt": [Real],
    "t_avail": [_UNIT],
    "t_zero": [_UNIT],
    "t_unq": [_UNIT],
}


def _same_count(col: np.ndarray) -> int:
    """Size of the largest group of equal values, values compared at 15 significant digits
    (R's ``max(table(x))`` tabulates ``as.character(x)``)."""
    if col.size == 0:
        return 0
    keys = np.array([float(f"{v:.15g}") for v in col])
    return int(np.unique(keys, return_counts=True)[1].max())


def describe(frame: pd.DataFrame, *, t_skew: float = 2.0, t_kurt: float = 3.5,
             t_avail: float = 0.65, t_zero: float = 0.5, t_unq: float = 0.5) -> pd.DataFrame:
    """Per-column statistics and flags, as COINr's ``get_stats`` (COINr 1.1.14 defaults).

    With ``n`` rows, and per column ``a`` values present, ``z`` non-zero, ``u`` distinct and
    ``s`` the count of the most frequent value:

    - ``Min, Max, Mean, Median``; ``Std`` the sample sd (n − 1); ``Skew``, ``Kurt`` Excel-style
      (:func:`innometrics.stats.skewness`, :func:`~innometrics.stats.kurtosis`, excess);
    - ``N.Avail = a``, ``N.NonZero = z``, ``N.Unique = u``, ``N.Same = s``;
      ``Frc.Avail = a/n``, ``Frc.NonZero = z/a``, ``Frc.Unique = u/a``, ``Frc.Same = s/a``;
    - ``Flag.Avail`` "LOW" if ``a/n < t_avail``; ``Flag.NonZero`` "LOW" if ``z/n < t_zero``;
      ``Flag.Unique`` "LOW" if ``u/n < t_unq`` (note: over ``n``, as COINr); ``Flag.SkewKurt``
      "OUT" if ``|Skew| > t_skew`` and ``Kurt > t_kurt``; otherwise "ok".

    Parameters
    ----------
    frame : DataFrame, shape (n_units, n_columns)
        Numeric columns; NaN = missing.
    t_skew, t_kurt, t_avail, t_zero, t_unq : float, defaults 2, 3.5, 0.65, 0.5, 0.5

    Returns
    -------
    DataFrame, shape (n_columns, 20)
        ``iCode`` then :data:`STATS_COLUMNS`, one row per column of ``frame``.

    Examples
    --------
    >>> t = describe(pd.DataFrame({"a": [0.0, 1.0, 1.0, np.nan]}))
    >>> t[["iCode", "Min", "Max", "N.Avail", "N.NonZero", "N.Same", "Flag.Avail"]]
      iCode  Min  Max  N.Avail  N.NonZero  N.Same Flag.Avail
    0     a  0.0  1.0        3          2       2         ok
    """
    check_params("audit.describe", {"t_skew": t_skew, "t_kurt": t_kurt, "t_avail": t_avail,
                                    "t_zero": t_zero, "t_unq": t_unq}, _CONSTRAINTS)
    x = frame.to_numpy(dtype=np.float64)
    n = x.shape[0]
    rows = []
    with np.errstate(invalid="ignore", divide="ignore"):
        skew, kurt = skewness(x, axis=0), kurtosis(x, axis=0)
        for j, code in enumerate(frame.columns):
            col = x[:, j][~np.isnan(x[:, j])]
            a = col.size
            z = int(np.count_nonzero(col))
            u = int(np.unique(col).size)
            s = _same_count(col)
            rows.append({
                "iCode": code,
                "Min": col.min() if a else np.nan,
                "Max": col.max() if a else np.nan,
                "Mean": col.mean() if a else np.nan,
                "Median": np.median(col) if a else np.nan,
                "Std": col.std(ddof=1) if a > 1 else np.nan,
                "Skew": skew[j], "Kurt": kurt[j],
                "N.Avail": a, "N.NonZero": z, "N.Unique": u, "N.Same": s,
                "Frc.Avail": a / n if n else np.nan,
                "Frc.NonZero": z / a if a else np.nan,
                "Frc.Unique": u / a if a else np.nan,
                "Frc.Same": s / a if a else np.nan,
                "Flag.Avail": "ok" if n and a / n >= t_avail else "LOW",
                "Flag.NonZero": "ok" if n and z / n >= t_zero else "LOW",
                "Flag.Unique": "ok" if n and u / n >= t_unq else "LOW",
                "Flag.SkewKurt": "OUT" if abs(skew[j]) > t_skew and kurt[j] > t_kurt else "ok",
            })
    return pd.DataFrame(rows, columns=["iCode", *STATS_COLUMNS])


def data_availability(frame: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Each unit's data availability overall and under every aggregate (COINr's
    ``get_data_avail``, its ``Summary`` and ``ByGroup`` side by side).

    Over the ``k`` indicators of ``frame`` (other columns are ignored), with ``m`` missing and
    ``z`` zeros among the values present: ``N_missing = m``, ``N_zero = z``,
    ``N_miss_or_zero = m + z``, ``Dat_Avail = 1 − m/k``, ``Non_Zero = 1 − z/(k − m)``; then,
    per aggregate (COINr's column order: level by level upwards, within a level as in
    :func:`~innometrics.results.lineage_order`), the share of its indicators present,
    ``1 − missing/n`` as COINr computes it (``1 − 1/3`` is one ulp above ``2/3``).

    Returns
    -------
    DataFrame
        Indexed by ``uCode``, one row per unit of ``frame``.

    Examples
    --------
    >>> from innometrics.framework import load_framework
    >>> fw = load_framework(pd.DataFrame({
    ...     "iCode": ["a", "b", "P"], "Level": [1, 1, 2], "Parent": ["P", "P", None],
    ...     "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]}))
    >>> data_availability(pd.DataFrame({"a": [0.0, 1.0], "b": [np.nan, 2.0]},
    ...                                index=pd.Index(["X", "Y"], name="uCode")), fw).reset_index()
      uCode  N_missing  N_zero  N_miss_or_zero  Dat_Avail  Non_Zero    P
    0     X          1       1               2        0.5       0.0  0.5
    1     Y          0       0               0        1.0       1.0  1.0
    """
    codes = [c for c in fw.indicators if c in frame.columns]
    x = frame[codes].to_numpy(dtype=np.float64)
    present = ~np.isnan(x)
    missing = (~present).sum(axis=1)
    zeros = (x == 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame({"N_missing": missing, "N_zero": zeros,
                              "N_miss_or_zero": missing + zeros,
                              "Dat_Avail": 1 - missing / len(codes),
                              "Non_Zero": 1 - zeros / (len(codes) - missing)}, index=frame.index)
    column = {c: j for j, c in enumerate(codes)}
    # COINr's ByGroup columns: level by level from 2, nodes in the order of its Lineage table
    nodes = dict.fromkeys(ancestor_at(fw, c, lv) for lv in range(2, fw.n_levels + 1)
                          for c in lineage_order(fw))
    for node in nodes:
        inside = branch(fw, node)
        under = [column[c] for c in codes if c in inside]
        if under:
            table[node] = 1 - (~present[:, under]).mean(axis=1)  # as COINr: 1 − share missing
    return table
