"""Aggregate: weighted means level by level, up the framework tree.

Weights are renormalised over the children present, so a missing child drops out of its
parent's mean (the GII's rule for missing data). Works with leading batch axes on the data and
on the weights (Monte Carlo over weights).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .._params import (
    Interval,
    LevelMap,
    Options,
    Real,
    Setting,
    check_params,
    constraints_of,
    level_key,
)
from ._result import StepResult

__all__ = ["aggregate", "weighted_mean", "coverage_flags", "METHODS", "SETTINGS", "at_level"]

#: Accepted aggregation methods.
METHODS = ("arithmetic", "geometric", "harmonic")
_UNITS = -2


def weighted_mean(x: np.ndarray, weights: np.ndarray, *, method: str = "arithmetic",
                  min_coverage: float = 0.0) -> np.ndarray:
    """Weighted means of groups of columns, skipping missing values.

    For parent ``p`` with children ``c`` of weights ``w_c`` and values ``x_c`` present:

    - arithmetic: ``Σ w_c x_c / Σ w_c`` (COINr ``a_amean``)
    - geometric: ``exp(Σ w_c ln x_c / Σ w_c)`` (COINr ``a_gmean``; needs x > 0)
    - harmonic: ``Σ w_c / Σ (w_c / x_c)`` (COINr ``a_hmean``; needs x > 0)

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_children)
    weights : ndarray, shape (..., n_children, n_parents)
        ``weights[c, p]`` is the weight of child c in parent p (0 if c is not a child of p).
    min_coverage : float, default 0
        Parent is NaN when the share of its children present is below this (a data-minimum-
        coverage rule, COINr's ``dat_thresh``).

    Returns
    -------
    ndarray, shape (..., n_units, n_parents)

    Examples
    --------
    >>> x = np.array([[50.0, np.nan, 100.0]])
    >>> w = np.array([[1.0], [1.0], [3.0]])
    >>> weighted_mean(x, w)
    array([[87.5]])
    """
    x = np.asarray(x, dtype=np.float64)
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    p = present.astype(np.float64)
    weight_present = p @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = (filled @ weights) / weight_present
        else:
            if np.any(filled[present] <= 0):
                raise ValueError(f"{method} aggregation needs positive scores; normalise onto "
                                 "a positive range such as [1, 100].")
            if method == "geometric":
                out = np.exp((np.where(present, np.log(np.where(present, x, 1.0)), 0.0)
                              @ weights) / weight_present)
            else:
                out = weight_present / (np.where(present, 1.0 / np.where(present, x, 1.0), 0.0)
                                        @ weights)
        if min_coverage > 0:
            is_child = (np.asarray(weights) > 0).astype(np.float64)
            share = (p @ is_child) / is_child.sum(axis=-2, keepdims=True)
            out = np.where(share >= min_coverage, out, np.nan)
    return np.where(weight_present > 0, out, np.nan)


_COVERAGE = Interval(Real, 0, 1)
#: Settings of the step (a recipe's ``aggregate:``); method, min_coverage and dmc may be given
#: per level. ``ratios`` (``{name: [numerator, denominator]}``) is computed by the recipe
#: runner from the aggregated scores (e.g. the GII's Innovation Efficiency Ratio).
SETTINGS = {
    "method": Setting([Options(METHODS), LevelMap((Options(METHODS),))]),
    "min_coverage": Setting([_COVERAGE, LevelMap((_COVERAGE,))]),
    "dmc": Setting([_COVERAGE, LevelMap((_COVERAGE,))]),
    "ratios": Setting([Mapping]),
}
_CONSTRAINTS = constraints_of({k: v for k, v in SETTINGS.items() if k != "ratios"})
_DEFAULTS = {"method": "arithmetic", "min_coverage": 0.0, "dmc": None}


def at_level(value: object, level: int, setting: str) -> object:
    """A setting's value at ``level``: the value itself, or from a per-level mapping
    ``{level: value, "default": value}`` (the step's default where neither names it).

    Examples
    --------
    >>> at_level({2: "geometric", "default": "arithmetic"}, 3, "method")
    'arithmetic'
    """
    if not isinstance(value, Mapping):
        return value
    for key, item in value.items():
        if level_key(key) == level:
            return item
    return value.get("default", _DEFAULTS[setting])


def coverage_flags(x: np.ndarray, weight_matrices: Sequence[np.ndarray],
                   dmc: float | Mapping) -> np.ndarray:
    """Data-minimum-coverage flags: which aggregates fail, level by level (scores are kept).

    At level 2 a node fails when the share of its indicators with a value is below the level's
    threshold; above, when the share of its children that have a score and pass is below it
    (the GII's rule: a sub-pillar needs 2/3 of its indicators, a pillar 2 of its 3 sub-pillars).
    Shares count children, unweighted; a level without a threshold flags nothing.

    Returns
    -------
    ndarray of bool, shape (..., n_units, n_aggregates): True where the node fails.

    Examples
    --------
    >>> x = np.array([[1.0, np.nan, np.nan], [1.0, 2.0, np.nan]])
    >>> coverage_flags(x, [np.ones((3, 1))], {2: 0.6}).tolist()
    [[True], [False]]
    """
    passing = ~np.isnan(np.asarray(x, dtype=np.float64))
    flags = []
    for level, w in enumerate(weight_matrices, start=2):
        is_child = (np.asarray(w) > 0).astype(np.float64)
        threshold = at_level(dmc, level, "dmc")
        has_children = (passing.astype(np.float64) @ is_child) > 0
        if threshold is None:
            fails = np.zeros(has_children.shape, dtype=bool)
        else:
            share = (passing.astype(np.float64) @ is_child) / is_child.sum(axis=-2)
            fails = share < threshold - 1e-12
        flags.append(fails)
        passing = has_children & ~fails
    return np.concatenate(flags, axis=-1)


def aggregate(x: np.ndarray, weight_matrices: Sequence[np.ndarray], *,
              method: str | Mapping = "arithmetic",
              min_coverage: float | Mapping = 0.0,
              dmc: float | Mapping | None = None) -> StepResult:
    """Aggregate indicator scores up every level of the tree.

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_indicators)
        Normalised indicator scores.
    weight_matrices : sequence of ndarray
        For levels 2, 3, ...: the (..., n_children, n_parents) weight matrix linking the level
        below to that level (see :meth:`Framework.weight_matrix`).
    method : str or mapping, default "arithmetic"
        One method for every level, or ``{level: method, "default": method}``.
    min_coverage : float or mapping, default 0
        See :func:`weighted_mean`; one value, or ``{level: share, "default": share}``.
    dmc : float or mapping, optional
        Data-minimum-coverage thresholds that flag aggregates without blanking them (see
        :func:`coverage_flags`); recorded in ``info["dmc"]``.

    Returns
    -------
    StepResult
        ``values``: (..., n_units, n_indicators + n_aggregates), indicators first, then each
        level's aggregates. ``info["methods"]``: the method used at each level;
        ``info["dmc"]``: the coverage flags (units × aggregates) when ``dmc`` is given.
    """
    check_params("aggregate", {"method": method, "min_coverage": min_coverage}, _CONSTRAINTS)
    if dmc is not None:
        check_params("aggregate", {"dmc": dmc}, _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    blocks, current, methods = [x], x, {}
    for level, w in enumerate(weight_matrices, start=2):
        methods[level] = at_level(method, level, "method")
        current = weighted_mean(current, w, method=methods[level],
                                min_coverage=at_level(min_coverage, level, "min_coverage"))
        blocks.append(current)
    lead = np.broadcast_shapes(*(b.shape[:-1] for b in blocks))  # weights may add batch axes
    blocks = [np.broadcast_to(b, lead + b.shape[-1:]) for b in blocks]
    info: dict = {"methods": methods}
    if dmc is not None:
        info["dmc"] = coverage_flags(x, weight_matrices, dmc)
    return StepResult(np.concatenate(blocks, axis=-1), info)
