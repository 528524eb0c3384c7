"""Scoring of a GII workbook from per-indicator rules, one indicator at a time, with the
engine's kernels: what calibration needs to try candidate rules quickly. Treat (fixed
winsorisation or the GII log), normalise (min-max or goalposts, "bads" flipped), aggregate
(weighted means renormalised over the children present), rank (ties share the best rank).

A rule is a mapping (or a row of the rules table) with keys ``direction`` (+1/−1),
``treatment`` (``none``, ``winsorised``, ``log``), ``points_high``, ``points_low``,
``normalisation`` (``minmax``, ``goalposts``), ``bound_low``, ``bound_high`` and optionally
``truncate``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..ranking import rank_min
from ..steps.aggregate import weighted_mean
from ..steps.normalise import normalise
from ..steps.treat import log_gii, winsorise_points

__all__ = ["minmax_scores", "goalpost_scores", "indicator_scores", "score_indicators",
           "aggregate_scores", "rank_scores", "max_abs_error"]


def minmax_scores(x: np.ndarray, direction: int = 1) -> np.ndarray:
    """``100·(x − min)/(max − min)``, or ``100·(max − x)/(max − min)`` for a "bad"
    (direction −1): the engine's min-max onto [0, 100] of one indicator.

    Examples
    --------
    >>> minmax_scores(np.array([2.0, 4.0, 3.0]), direction=-1)
    array([100.,   0.,  50.])
    """
    column = np.asarray(x, dtype=np.float64)[:, None]
    return normalise(column, directions=np.array([float(direction)]), method="minmax",
                     range=(0.0, 100.0)).values[:, 0]


def goalpost_scores(x: np.ndarray, direction: int, low: float, high: float, *,
                    truncate: bool = False) -> np.ndarray:
    """Fixed bounds in the indicator's units: ``100·(x − low)/(high − low)``, or
    ``100·(high − x)/(high − low)`` for a "bad"; clipped to [0, 100] if ``truncate`` (the
    engine's goalposts of one indicator).

    Examples
    --------
    >>> goalpost_scores(np.array([1.0, 4.0, 7.0]), 1, 1.0, 7.0)
    array([  0.,  50., 100.])
    """
    column = np.asarray(x, dtype=np.float64)[:, None]
    return normalise(column, directions=np.array([float(direction)]), method="goalposts",
                     goalposts=[float(low), float(high)], truncate=bool(truncate)).values[:, 0]


def _is_true(value: object) -> bool:
    """A flag that may be missing (None/NaN), a bool or numpy bool."""
    return value is not None and not (isinstance(value, float) and np.isnan(value)) \
        and bool(value)


def indicator_scores(values: np.ndarray, rule: Mapping) -> np.ndarray:
    """Scores of one indicator under ``rule`` (see the module docstring): treat, then
    normalise. The GII log is applied to the winsorised values when both are given."""
    x = np.asarray(values, dtype=np.float64)
    treatment = rule["treatment"]
    high, low = int(rule.get("points_high") or 0), int(rule.get("points_low") or 0)
    if treatment in ("winsorised", "log") and (high or low):
        x = winsorise_points(x, high=high, low=low)[0]
    if treatment == "log":
        x = log_gii(x)
    elif treatment not in ("none", "winsorised"):
        raise ValueError(f"treatment must be none, winsorised or log; got {treatment!r}")
    direction = int(rule["direction"])
    if rule["normalisation"] == "goalposts":
        return goalpost_scores(x, direction, float(rule["bound_low"]),
                               float(rule["bound_high"]),
                               truncate=_is_true(rule.get("truncate")))
    if rule["normalisation"] != "minmax":
        raise ValueError(f"normalisation must be minmax or goalposts; got "
                         f"{rule['normalisation']!r}")
    return minmax_scores(x, direction)


def score_indicators(values: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Scores of every indicator: ``values`` is units × indicators (e.g.
    ``workbook.wide("VALUE_SCREEN", workbook.indicators)``), ``rules`` has one row per
    indicator with an ``iCode`` column (see :func:`~innometrics.gii.calibrate.calibrated_rules`).
    """
    by_code = rules.set_index("iCode")
    out = {code: indicator_scores(values[code].to_numpy(), by_code.loc[code])
           for code in values.columns}
    return pd.DataFrame(out, index=values.index)


def aggregate_scores(indicator_scores: pd.DataFrame, structure: pd.DataFrame,
                     weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Scores of every node: each parent is ``Σ w_c s_c / Σ w_c`` over its children with a
    score (NaN when none has one), level by level up to the index (the engine's
    :func:`~innometrics.steps.aggregate.weighted_mean`).

    Parameters
    ----------
    indicator_scores : DataFrame, units × indicators
    structure : DataFrame
        ``workbook.structure`` (columns ``NUM``, ``DEPTH``, ``PARENT``).
    weights : mapping of code → weight, optional
        Weight of each node within its parent; 1 where not given.

    Returns
    -------
    DataFrame, units × nodes, in ``structure`` order.
    """
    weights = weights or {}
    scores = {code: indicator_scores[code].to_numpy(dtype=np.float64)
              for code in indicator_scores.columns}
    for depth in range(2, int(structure["DEPTH"].max()) + 1):
        parents = structure.loc[structure["DEPTH"] == depth, "NUM"].tolist()
        kids = structure.loc[structure["PARENT"].isin(parents), ["NUM", "PARENT"]]
        matrix = np.zeros((len(kids), len(parents)))
        column = {code: j for j, code in enumerate(parents)}
        for i, (kid, parent) in enumerate(kids.itertuples(index=False)):
            matrix[i, column[parent]] = float(weights.get(kid, 1.0))
        values = np.column_stack([scores[kid] for kid in kids["NUM"]])
        for parent, result in zip(parents, weighted_mean(values, matrix).T, strict=True):
            scores[parent] = result
    return pd.DataFrame(scores, index=indicator_scores.index)[list(structure["NUM"])]


def rank_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Ranks per column, highest score first, ties sharing the best rank, NaN unranked."""
    return pd.DataFrame(rank_min(scores.to_numpy(dtype=np.float64), axis=0),
                        index=scores.index, columns=scores.columns)


def max_abs_error(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.Series:
    """Largest |ours − theirs| per column over units where both are present (NaN where a
    unit has one but not the other: a missing-value mismatch is never within tolerance)."""
    a, b = ours.to_numpy(dtype=np.float64), theirs[ours.columns].to_numpy(dtype=np.float64)
    err = np.abs(a - b)
    presence_differs = np.isnan(a) != np.isnan(b)
    with np.errstate(invalid="ignore"):
        worst = np.nanmax(np.where(np.isnan(err), -np.inf, err), axis=0)
    worst = np.where(presence_differs.any(axis=0), np.nan, np.maximum(worst, 0.0))
    return pd.Series(worst, index=ours.columns)
