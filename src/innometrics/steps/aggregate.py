"""Aggregate: weighted means (or outranking, benefit of the doubt, Mazziotta–Pareto) level by
level, up the framework tree.

Weights are renormalised over the children present, so a missing child drops out of its
parent's mean (the GII's rule for missing data). Works with leading batch axes on the data and
on the weights (Monte Carlo over weights).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._params import (
    Interval,
    LevelMap,
    Options,
    Real,
    Setting,
    check_params,
    constraints_of,
    is_number,
    level_key,
)
from ..errors import InvalidParameter
from ._result import StepResult
from .bod import benefit_of_the_doubt
from .own import OWN_FUNCTION, aggregate_level_with, reference_of

__all__ = ["aggregate", "weighted_mean", "copeland", "mazziotta_pareto", "benefit_of_the_doubt",
           "coverage_flags", "METHODS", "SETTINGS", "at_level"]

#: The weighted means (:func:`weighted_mean`).
MEANS = ("arithmetic", "geometric", "harmonic", "generalised")
#: Accepted aggregation methods.
METHODS = MEANS + ("copeland", "bod", "mpi")
_UNITS = -2


def weighted_mean(x: np.ndarray, weights: np.ndarray, *, method: str = "arithmetic",
                  min_coverage: float = 0.0, p: float | None = None,
                  children: np.ndarray | None = None) -> np.ndarray:
    """Weighted means of groups of columns, skipping missing values.

    For parent ``p`` with children ``c`` of weights ``w_c`` and values ``x_c`` present:

    - arithmetic: ``Σ w_c x_c / Σ w_c`` (COINr ``a_amean``)
    - geometric: ``exp(Σ w_c ln x_c / Σ w_c)`` (COINr ``a_gmean``; needs x > 0)
    - harmonic: ``Σ w_c / Σ (w_c / x_c)`` (COINr ``a_hmean``; needs x > 0)
    - generalised: ``(Σ w_c x_c^p / Σ w_c)^(1/p)``, p ≠ 0 (COINr ``a_genmean``; p = 1 is the
      arithmetic mean, p = −1 the harmonic, p → 0 the geometric; negative p needs x > 0,
      fractional p needs x ≥ 0). As in COINr's ``a_genmean``, a parent with a missing child
      is missing (impute first to score it), a child of weight 0 too.

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_children)
    weights : ndarray, shape (..., n_children, n_parents)
        ``weights[c, p]`` is the weight of child c in parent p (0 if c is not a child of p).
    min_coverage : float, default 0
        Parent is NaN when the share of its children present is below this (a data-minimum-
        coverage rule, COINr's ``dat_thresh``).
    children : ndarray, shape (n_children, n_parents), optional
        Which children belong to which parent, whatever their weight (see
        :func:`aggregate`); default the children of positive weight.

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
    present_share = present.astype(np.float64)
    weight_present = present_share @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = (filled @ weights) / weight_present
        elif method == "generalised":
            out = _generalised(x, present, weights, weight_present, p, children)
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
    out = _blank_low_coverage(out, present, weights if children is None else children,
                              min_coverage)
    return np.where(weight_present > 0, out, np.nan)


def _generalised(x: np.ndarray, present: np.ndarray, weights: np.ndarray,
                 weight_present: np.ndarray, p: float | None,
                 children: np.ndarray | None = None) -> np.ndarray:
    if p is None or not is_number(p) or p == 0:
        raise ValueError(f"the generalised mean needs a non-zero 'p' (got {p!r}); p = 0 is the "
                         "geometric mean: use method: geometric.")
    values = x[present]
    if p < 0 and np.any(values <= 0):
        raise ValueError(f"the generalised mean with negative p = {p} needs positive scores; "
                         "normalise onto a positive range such as [1, 100].")
    if float(p) != int(p) and np.any(values < 0):
        raise ValueError(f"the generalised mean with fractional p = {p} needs non-negative "
                         "scores; normalise onto a non-negative range such as [0, 100].")
    powered = np.where(present, np.where(present, x, 1.0) ** p, 0.0)
    is_child = _membership(weights if children is None else children)
    complete = present.astype(np.float64) @ is_child == is_child.sum(axis=-2, keepdims=True)
    return np.where(complete, ((powered @ weights) / weight_present) ** (1.0 / p), np.nan)


def _membership(structure: np.ndarray) -> np.ndarray:
    """1.0 where a child belongs to a parent: a positive weight, or True in a ``children``
    structure (which counts children of weight 0 too)."""
    return (np.asarray(structure) > 0).astype(np.float64)


def _blank_low_coverage(out: np.ndarray, present: np.ndarray, weights: np.ndarray,
                        min_coverage: float) -> np.ndarray:
    """NaN where the share of a parent's children present is below ``min_coverage``
    (``weights``: the weights, or the ``children`` structure)."""
    if min_coverage <= 0:
        return out
    is_child = _membership(weights)
    share = (present.astype(np.float64) @ is_child) / is_child.sum(axis=-2, keepdims=True)
    return np.where(share >= min_coverage, out, np.nan)


def copeland(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted Copeland scores: net pairwise wins among units over a parent's children.

    For units i, j and the parent's children c with weights ``w_c``::

        D_ij = Σ_c w_c sign(x_ic − x_jc)        over the children both units have
        score_i = Σ_{j ≠ i} sign(D_ij)           (+1 win, 0 tie, −1 loss)

    which is COINr's ``a_copeland`` (the outranking matrix ``outrankMatrix`` with node
    weights, > ½ → +1, < ½ → −1, = ½ → 0, summed over each row) when no value is missing.
    Missing values: a pair is compared on the children both units have (COINr's double loop
    instead counts a missing comparison as a loss for the unit earlier in the data and a win
    for the later, so its scores depend on the row order); a unit missing every child gets
    NaN and is a tie for everyone else. ``|D_ij|`` within 1e-12 of the weight total is a tie.

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_children)
    weights : ndarray, shape (..., n_children, n_parents)

    Returns
    -------
    ndarray, shape (..., n_units, n_parents): integers from −(n − 1) to n − 1.

    Notes
    -----
    Memory: one (..., n_units, n_units, n_parents) array; a loop over children, none over
    units.

    Examples
    --------
    >>> x = np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 3.0]])
    >>> copeland(x, np.array([[2.0], [1.0]])).ravel().tolist()
    [2.0, 0.0, -2.0]
    """
    x = np.asarray(x, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    net = 0.0
    for c in range(x.shape[-1]):
        column = x[..., c]
        wins = np.nan_to_num(np.sign(column[..., :, None] - column[..., None, :]), nan=0.0)
        net = net + wins[..., None] * weights[..., None, None, c, :]
    tie = np.abs(net) <= 1e-12 * np.abs(weights).sum(axis=-2)[..., None, None, :]
    scores = np.where(tie, 0.0, np.sign(net)).sum(axis=-2)
    has = (~np.isnan(x)).astype(np.float64) @ (weights > 0) > 0
    return np.where(has, scores, np.nan)


def mazziotta_pareto(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mazziotta–Pareto index (MPI, positive polarity) of each parent from its children.

    Each child is standardised over the units present, ``z_ij = 100 + 10 (x_ij − μ_j)/σ_j``
    (σ the population standard deviation); then, per unit over the children it has, with the
    node weights ``w_j``::

        M_i = Σ w_j z_ij / Σ w_j,   S_i = √(Σ w_j (z_ij − M_i)² / Σ w_j),   MPI_i = M_i − S_i²/M_i

    the mean penalised by the unit's imbalance (``S_i · cv_i``, cv = S/M). With equal weights
    this is Compind's ``ci_mpi(penalty = "POS")``. Reference: De Muro, Mazziotta and Pareto
    (2011), "Composite indices of development and poverty: an application to MDGs", *Social
    Indicators Research* 104, 1–18, doi:10.1007/s11205-010-9727-z. A child with no spread puts
    every unit at its mean, z = 100 (Compind divides by zero there).

    Examples
    --------
    >>> x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    >>> mazziotta_pareto(x, np.ones((2, 1))).ravel().round(4).tolist()
    [87.7526, 105.7704, 105.7704]
    """
    x = np.asarray(x, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.nanmean(x, axis=_UNITS, keepdims=True)
        sigma = np.nanstd(x, axis=_UNITS, keepdims=True)
        z = 100 + np.where(sigma > 0, 10 * (x - mu) / np.where(sigma > 0, sigma, 1.0), 0.0)
        present = ~np.isnan(x)
        w_present = present.astype(np.float64) @ weights
        mean = np.where(present, z, 0.0) @ weights / w_present
        square = np.where(present, z ** 2, 0.0) @ weights / w_present
        spread = np.maximum(square - mean ** 2, 0.0)
        return np.where(w_present > 0, mean - spread / mean, np.nan)


class _Exponent:
    """The generalised mean's ``p``: a finite number other than 0."""

    def accepts(self, value: object) -> bool:
        return is_number(value) and value != 0

    def __str__(self) -> str:
        return "a finite number other than 0 (p = 0 is the geometric mean: use method: geometric)"


class _ShareBounds:
    """``[lo, hi]`` with 0 ≤ lo < hi ≤ 1."""

    def accepts(self, value: object) -> bool:
        return (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2
                and all(is_number(v) for v in value) and 0 <= value[0] < value[1] <= 1)

    def __str__(self) -> str:
        return "a pair [lo, hi] of shares with 0 <= lo < hi <= 1"


_COVERAGE = Interval(Real, 0, 1)
#: Settings of the step (a recipe's ``aggregate:``); method, p, min_coverage and dmc may be
#: given per level. ``ratios`` (``{name: [numerator, denominator]}``) is computed by the recipe
#: runner from the aggregated scores (e.g. the GII's Innovation Efficiency Ratio).
SETTINGS = {
    "method": Setting([Options(METHODS), OWN_FUNCTION,
                       LevelMap((Options(METHODS), OWN_FUNCTION))]),
    "p": Setting([_Exponent(), LevelMap((_Exponent(),))], ("generalised",)),
    "share_bounds": Setting([_ShareBounds()], ("bod",)),
    "min_coverage": Setting([_COVERAGE, LevelMap((_COVERAGE,))]),
    "dmc": Setting([_COVERAGE, LevelMap((_COVERAGE,))]),
    "ratios": Setting([Mapping]),
}
_CONSTRAINTS = constraints_of({k: v for k, v in SETTINGS.items() if k != "ratios"})
_DEFAULTS = {"method": "arithmetic", "min_coverage": 0.0, "dmc": None, "p": None}


def _named(method: object) -> list:
    """The methods a ``method`` setting names: one, or those of a per-level mapping."""
    return list(method.values()) if isinstance(method, Mapping) else [method]


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
        is_child = _membership(w)
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


def _one_level(x: np.ndarray, weights: np.ndarray, method: str | Callable, p: float | None,
               share_bounds: Sequence[float] | None, params: Mapping | None, level: int,
               children: np.ndarray | None):
    """One level's aggregates, and the benefit-of-the-doubt weights when that is the method
    (the coverage rule is applied by :func:`aggregate`)."""
    if callable(method):
        return aggregate_level_with(x, weights, method, params=params, level=level), None
    if method in MEANS:
        return weighted_mean(x, weights, method=method, p=p, children=children), None
    unit_weights = None
    if method == "bod":
        out, unit_weights = benefit_of_the_doubt(x, weights, share_bounds=share_bounds)
    elif method == "copeland":
        out = copeland(x, weights)
    else:
        out = mazziotta_pareto(x, weights)
    return out, unit_weights


def aggregate(x: np.ndarray, weight_matrices: Sequence[np.ndarray], *,
              method: str | Mapping = "arithmetic",
              p: float | Mapping | None = None,
              share_bounds: Sequence[float] | None = None,
              min_coverage: float | Mapping = 0.0,
              dmc: float | Mapping | None = None,
              params: Mapping | None = None,
              children: Sequence[np.ndarray] | None = None) -> StepResult:
    """Aggregate indicator scores up every level of the tree.

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_indicators)
        Normalised indicator scores.
    weight_matrices : sequence of ndarray
        For levels 2, 3, ...: the (..., n_children, n_parents) weight matrix linking the level
        below to that level (see :meth:`Framework.weight_matrix`).
    method : str, callable or mapping, default "arithmetic"
        One method for every level, or ``{level: method, "default": method}``:
        ``arithmetic``, ``geometric``, ``harmonic``, ``generalised`` (:func:`weighted_mean`),
        ``copeland`` (:func:`copeland`), ``bod`` (:func:`benefit_of_the_doubt`), ``mpi``
        (:func:`mazziotta_pareto`), or an own function (:mod:`innometrics.steps.own`; COINr's
        ``f_ag``, which ``Aggregate`` also takes per level).
    p : float or mapping, optional
        The generalised mean's exponent (≠ 0), one value or ``{level: p, "default": p}``.
    share_bounds : [lo, hi], optional
        Benefit of the doubt's bounds on each child's share of a unit's score.
    min_coverage : float or mapping, default 0
        See :func:`weighted_mean`; one value, or ``{level: share, "default": share}``.
    dmc : float or mapping, optional
        Data-minimum-coverage thresholds that flag aggregates without blanking them (see
        :func:`coverage_flags`); recorded in ``info["dmc"]``.
    params : mapping, optional
        Keyword arguments of the own functions given as ``method`` (see
        :mod:`innometrics.steps.own`); ``min_coverage`` and ``dmc`` apply to them too.
    children : sequence of ndarray, optional
        For each level, boolean (n_children, n_parents): which children belong to which
        parent, whatever their weight; ``min_coverage`` counts a child of weight 0 among its
        parent's children, as COINr's ``dat_thresh`` does. Default: the children of positive
        weight.

    Returns
    -------
    StepResult
        ``values``: (..., n_units, n_indicators + n_aggregates), indicators first, then each
        level's aggregates. ``info["methods"]``: the method used at each level;
        ``info["dmc"]``: the coverage flags (units × aggregates) when ``dmc`` is given;
        ``info["bod_weights"]``: ``{level: (..., n_units, n_children, n_parents)}``, each
        unit's benefit-of-the-doubt weights at the levels using ``bod``.
    """
    check_params("aggregate", {"method": method, "min_coverage": min_coverage}, _CONSTRAINTS)
    if params is not None and not any(map(callable, _named(method))):
        raise InvalidParameter("'params' of aggregate are an own function's arguments; give "
                               "one as method (for every level or per level) or remove them.")
    for name, value in (("dmc", dmc), ("p", p), ("share_bounds", share_bounds)):
        if value is not None:
            check_params("aggregate", {name: value}, _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    blocks, current, methods, bod_weights = [x], x, {}, {}
    for level, w in enumerate(weight_matrices, start=2):
        here = at_level(method, level, "method")
        methods[level] = reference_of(here) if callable(here) else here
        below = current
        structure = None if children is None else children[level - 2]
        current, unit_weights = _one_level(below, w, here, at_level(p, level, "p"),
                                           share_bounds, params, level, structure)
        current = _blank_low_coverage(current, ~np.isnan(below),
                                      w if structure is None else structure,
                                      at_level(min_coverage, level, "min_coverage"))
        if unit_weights is not None:
            bod_weights[level] = unit_weights
        blocks.append(current)
    lead = np.broadcast_shapes(*(b.shape[:-1] for b in blocks))  # weights may add batch axes
    blocks = [np.broadcast_to(b, lead + b.shape[-1:]) for b in blocks]
    info: dict = {"methods": methods}
    if bod_weights:
        info["bod_weights"] = bod_weights
    if dmc is not None:
        info["dmc"] = coverage_flags(x, weight_matrices, dmc)
    return StepResult(np.concatenate(blocks, axis=-1), info)
