"""Normalise: bring indicators onto a common scale, good direction up.

Indicators with direction −1 are multiplied by −1 first (as COINr does), so that after any
method a higher score is better. In a recipe, ``from_framework: true`` gives each indicator the
method's parameters from the framework's COINr iMeta columns (COINr's ``f_n_para =
"use_iMeta"``; :mod:`innometrics.imeta`), as per-indicator settings. Every kernel works
along the units axis (−2) and accepts leading batch axes (replications × units × indicators).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from .._params import (
    CodeMap,
    Integral,
    Interval,
    Options,
    Real,
    RealPair,
    Setting,
    check_params,
    constraints_of,
)
from ..ranking import rank_min
from ._result import StepResult
from .own import normalise_with

__all__ = ["normalise", "minmax", "zscore", "rank", "percentile_rank", "borda", "goalpost_scores",
           "dist2max", "dist2target", "dist2ref", "fracmax", "METHODS", "SETTINGS",
           "INDICATOR_SETTINGS", "FROM_FRAMEWORK"]

_UNITS = -2


def _range_warning(span: np.ndarray) -> None:
    if np.any(span == 0):
        warnings.warn("normalise: an indicator has zero range; its scores are NaN.",
                      RuntimeWarning, stacklevel=3)


def _fitted(x: np.ndarray, fit: np.ndarray | None) -> np.ndarray:
    """The rows (units axis) the parameters are fitted on: all, or those ``fit`` marks (the
    rows of a reference time, fitted once and applied to every time)."""
    return x if fit is None else np.compress(fit, x, axis=_UNITS)


#: Methods whose parameters can be fitted on some rows and applied to all (``fit``).
FITTABLE = ("minmax", "zscore", "dist2max", "dist2target", "fracmax", "goalposts", "scaled",
            "none")


def minmax(x: np.ndarray, *, lower: float = 0.0, upper: float = 100.0,
           fit: np.ndarray | None = None) -> np.ndarray:
    """Min-max: ``(x − min)/(max − min)·(upper − lower) + lower`` (COINr ``n_minmax``); min
    and max over the rows ``fit`` marks (default all: a boolean mask over units).

    Examples
    --------
    >>> minmax(np.array([[1.0], [3.0], [2.0]])).ravel()
    array([  0., 100.,  50.])
    """
    lo = np.nanmin(_fitted(x, fit), axis=_UNITS, keepdims=True)
    hi = np.nanmax(_fitted(x, fit), axis=_UNITS, keepdims=True)
    _range_warning(hi - lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x - lo) / (hi - lo) * (upper - lower) + lower


def zscore(x: np.ndarray, *, mean: float = 0.0, sd: float = 1.0,
           fit: np.ndarray | None = None) -> np.ndarray:
    """z-score: ``(x − mean(x))/sd(x)·sd + mean``, sample sd (n − 1) (COINr ``n_zscore``);
    mean and sd over the rows ``fit`` marks (default all).

    Examples
    --------
    >>> zscore(np.array([[1.0], [2.0], [3.0]]), mean=10, sd=2).ravel()
    array([ 8., 10., 12.])
    """
    with np.errstate(over="ignore", invalid="ignore"):
        mu = np.nanmean(_fitted(x, fit), axis=_UNITS, keepdims=True)
        s = np.nanstd(_fitted(x, fit), axis=_UNITS, ddof=1, keepdims=True)
    s = np.where(np.isfinite(s), s, np.nan)  # an overflowing spread gives NaN, not zeros
    _range_warning(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x - mu) / s * sd + mean


def rank(x: np.ndarray) -> np.ndarray:
    """Ranks, lowest value = 1, ties = min, missing kept (COINr ``n_rank``)."""
    return rank_min(x, axis=_UNITS, descending=False)


def borda(x: np.ndarray) -> np.ndarray:
    """Borda scores: ``rank − 1``, lowest value = 0, ties at the minimum rank, missing kept
    (COINr ``n_borda``): a unit scores the number of units it beats.

    Examples
    --------
    >>> borda(np.array([[3.0], [1.0], [3.0], [np.nan]])).ravel()
    array([ 1.,  0.,  1., nan])
    """
    return rank(x) - 1


def percentile_rank(x: np.ndarray, *, scale: float = 100.0) -> np.ndarray:
    """Percentile rank: ``(rank_min − 1)/(n − 1)·scale`` with n the values present (COINr
    ``n_prank`` times ``scale``).

    Examples
    --------
    >>> percentile_rank(np.array([[1.0], [5.0], [3.0]])).ravel()
    array([  0., 100.,  50.])
    """
    n = np.sum(~np.isnan(x), axis=_UNITS, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rank(x) - 1) / (n - 1) * scale


def goalpost_scores(x: np.ndarray, *, lower: np.ndarray, upper: np.ndarray, scale: float = 100.0,
              truncate: bool = True) -> np.ndarray:
    """Goalposts: ``(x − lower)/(upper − lower)·scale``, clipped to ``[0, scale]`` if
    ``truncate`` (COINr ``n_goalposts``; without truncation, COINr's ``n_scaled``).

    ``lower`` and ``upper`` broadcast against the indicators axis.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - lower) / (upper - lower)
    if truncate:
        y = np.clip(y, 0.0, 1.0)
    return y * scale


def dist2max(x: np.ndarray, *, scale: float = 1.0, fit: np.ndarray | None = None) -> np.ndarray:
    """Distance to the maximum: ``(1 − (max − x)/(max − min))·scale`` (COINr ``n_dist2max``);
    min and max over the rows ``fit`` marks (default all)."""
    lo = np.nanmin(_fitted(x, fit), axis=_UNITS, keepdims=True)
    hi = np.nanmax(_fitted(x, fit), axis=_UNITS, keepdims=True)
    _range_warning(hi - lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (1 - (hi - x) / (hi - lo)) * scale


def dist2target(x: np.ndarray, *, targets: np.ndarray, cap: bool = False,
                scale: float = 1.0, fit: np.ndarray | None = None) -> np.ndarray:
    """Distance to target: ``(1 − (target − x)/(target − min))·scale``, capped at ``scale``
    if ``cap`` (COINr ``n_dist2targ``); min over the rows ``fit`` marks (default all)."""
    lo = np.nanmin(_fitted(x, fit), axis=_UNITS, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 1 - (targets - x) / (targets - lo)
    if cap:
        y = np.minimum(y, 1.0)
    return y * scale


def dist2ref(x: np.ndarray, *, reference: int, cap: bool = False,
             scale: float = 1.0) -> np.ndarray:
    """Distance to a reference unit: ``(1 − (x_ref − x)/(x_ref − min))·scale``, capped at
    ``scale`` if ``cap`` (COINr ``n_dist2ref`` with ``iref``, ``cap_max``).

    ``reference`` is the row of the reference unit on the units axis; the reference scores
    ``scale`` and the lowest value 0 (:func:`dist2target` with the reference's values as
    targets).

    Examples
    --------
    >>> dist2ref(np.array([[0.0], [5.0], [10.0]]), reference=1, cap=True).ravel()
    array([0., 1., 1.])
    """
    return dist2target(x, targets=np.take(x, [reference], axis=_UNITS), cap=cap, scale=scale)


def fracmax(x: np.ndarray, *, scale: float = 1.0, fit: np.ndarray | None = None) -> np.ndarray:
    """Fraction of the maximum: ``x/max·scale`` (COINr ``n_fracmax``); NaN where the
    maximum is 0; max over the rows ``fit`` marks (default all)."""
    top = np.nanmax(_fitted(x, fit), axis=_UNITS, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return x / np.where(top == 0, np.nan, top) * scale


#: Accepted normalisation methods.
METHODS = ("minmax", "zscore", "rank", "prank", "borda", "goalposts", "scaled", "dist2max",
           "dist2target", "dist2ref", "fracmax", "none")  # dispatched by _METHOD_TABLE

#: The ``scale`` of each scaled method when the recipe leaves it out.
DEFAULT_SCALE = {"prank": 100.0, "goalposts": 100.0, "scaled": 100.0, "dist2max": 1.0,
                 "dist2target": 1.0, "dist2ref": 1.0, "fracmax": 1.0}
#: Settings of one indicator's normalisation (``indicators: {code: {...}}``).
INDICATOR_SETTINGS = {
    "method": Setting([Options(METHODS)]),
    "range": Setting([RealPair], ("minmax",)),
    "mean": Setting([Real], ("zscore",)),
    "sd": Setting([Interval(Real, 0, None, closed="neither")], ("zscore",)),
    "scale": Setting([Interval(Real, 0, None, closed="neither")], tuple(DEFAULT_SCALE)),
    "goalposts": Setting([RealPair, CodeMap((RealPair,), "[low, high]")], ("goalposts",)),
    "truncate": Setting([bool], ("goalposts",)),
    "bounds": Setting([RealPair, Options({"framework"})], ("scaled",)),
    "targets": Setting([CodeMap((Real,), "target")], ("dist2target",)),
    "reference": Setting([str], ("dist2ref",)),
    "cap": Setting([bool], ("dist2target", "dist2ref")),
}
#: Methods whose settings may come from the framework's COINr iMeta parameter columns, one
#: set per indicator (``from_framework: true``, COINr's ``f_n_para = "use_iMeta"``; see
#: :meth:`innometrics.Framework.normalise_parameters`).
FROM_FRAMEWORK = ("minmax", "zscore", "scaled", "dist2target", "goalposts")
#: Settings of the step (a recipe's ``normalise:``).
SETTINGS = {**INDICATOR_SETTINGS,
            "indicators": Setting([CodeMap((Mapping,), "{method: ..., ...}")]),
            "from_framework": Setting([bool], FROM_FRAMEWORK),
            "across_time": Setting([bool]),
            "reference_time": Setting([Integral, str])}
#: Settings the recipe runner handles: ``from_framework`` becomes per-indicator settings read
#: from the framework; on a panel, ``across_time`` (parameters from every time pooled, COINr's
#: ``global = TRUE``) and ``reference_time`` (fitted on one time, applied to all) become one
#: call on the stacked times, with ``fit`` marking the reference rows.
RUNNER_SETTINGS = ("from_framework", "across_time", "reference_time")
_CONSTRAINTS = constraints_of({k: v for k, v in SETTINGS.items() if k not in RUNNER_SETTINGS})


def _per_indicator(value, codes: Sequence[str] | None, n: int, what: str) -> np.ndarray:
    """Turn a scalar/pair or a {code: value} mapping into an array over indicators."""
    if isinstance(value, Mapping):
        if codes is None:
            raise ValueError(f"normalise: {what} given by code needs the indicator codes.")
        missing = [c for c in codes if c not in value]
        if missing:
            raise ValueError(f"normalise: no {what} for indicator(s) {missing}; give one for "
                             "every indicator.")
        return np.array([value[c] for c in codes], dtype=np.float64)
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == (2 if what == "goalposts" else 1):  # one per indicator already
        if len(array) != n:
            raise ValueError(f"normalise: {len(array)} {what} values for {n} indicators.")
        return array
    return np.broadcast_to(array, (n,) + array.shape)


def _columns_of(settings: Mapping, columns: Sequence[int], n: int) -> dict:
    """``settings`` for a subset of the indicators: per-indicator arrays are sliced."""
    out = dict(settings)
    for key, per_column_ndim in (("targets", 1), ("goalposts", 2)):
        value = settings[key]
        if (value is not None and not isinstance(value, Mapping)
                and np.ndim(value) == per_column_ndim and len(value) == n):
            out[key] = np.asarray(value, dtype=np.float64)[list(columns)]
    return out


def normalise(x: np.ndarray, *, directions: np.ndarray | None = None, method: str = "minmax",
              range: Sequence[float] = (0.0, 100.0), mean: float = 0.0, sd: float = 1.0,
              scale: float | None = None, goalposts: Sequence[float] | Mapping | None = None,
              truncate: bool = True, bounds: Sequence[float] = (0.0, 100.0),
              targets: Mapping | np.ndarray | None = None, reference: str | None = None,
              cap: bool = False, codes: Sequence[str] | None = None,
              units: Sequence[str] | None = None,
              indicators: Mapping[str, Mapping] | None = None,
              fit: np.ndarray | None = None, params: Mapping | None = None) -> StepResult:
    """Normalise every indicator with one method.

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_indicators)
        Leading axes are batch axes (e.g. Monte Carlo replications).
    directions : ndarray, shape (n_indicators,), optional
        +1 or −1 per indicator; −1 indicators are multiplied by −1 first. Default all +1.
    method : str, default "minmax"
        ``minmax`` (onto ``range``), ``zscore`` (``mean``, ``sd``), ``rank``, ``prank``
        (percentile rank × ``scale``, default 100), ``borda`` (rank − 1), ``goalposts``
        (``goalposts``: [low, high] for all indicators or {code: [low, high]}; ``scale``
        default 100; ``truncate``), ``scaled`` (``bounds``: [l, u], default [0, 100], or
        ``framework``: see :func:`innometrics.recipe.build`; ``(x − l)/(u − l)·scale``,
        ``scale`` default 100, never truncated), ``dist2max``
        (× ``scale``, default 1), ``dist2target`` (``targets``: {code: value}, ``cap``;
        × ``scale``, default 1), ``dist2ref`` (``reference``: a unit code, ``cap``; × ``scale``,
        default 1), ``fracmax`` (× ``scale``, default 1), ``none``. Goalposts and targets are
        given in the indicator's own units and direction; ``bounds`` apply, as in COINr's
        ``n_scaled``, to the values after direction −1 indicators are flipped.
    codes : sequence of str, optional
        Indicator codes, needed when goalposts, targets or ``indicators`` are given by code.
    units : sequence of str, optional
        Unit codes along the units axis, needed by ``dist2ref``.
    indicators : mapping of code → settings, optional
        Per-indicator methods and settings overriding the step's (like COINr's
        ``indiv_specs``), e.g. ``{"IN.1.3.1": {"method": "goalposts", "goalposts": [1, 7]}}``.
    fit : ndarray of bool, shape (n_units,), optional
        Fit the parameters (min, max, mean, sd) on these rows only and apply them to all
        rows (a panel's reference time); only the methods in :data:`FITTABLE`.

    params : mapping, optional
        Keyword arguments of an own function given as ``method`` (see
        :mod:`innometrics.steps.own`; every other setting is then unused).

    Returns
    -------
    StepResult
        ``info["method"]``: the method used.
    """
    if callable(method):
        return normalise_with(x, method, directions=directions, params=params)
    check_params("normalise", {"method": method, "range": list(range), "mean": mean, "sd": sd,
                               "truncate": truncate,
                               "bounds": bounds if isinstance(bounds, str) else list(bounds),
                               "cap": cap}, _CONSTRAINTS)
    if scale is not None:
        check_params("normalise", {"scale": scale}, _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    d = np.ones(n) if directions is None else np.asarray(directions, dtype=np.float64)
    if d.shape != (n,) or not ((d == 1.0) | (d == -1.0)).all():  # np.isin: 10 µs more
        raise ValueError(f"directions must be {n} values of +1 or -1.")
    base = {"method": method, "range": range, "mean": mean, "sd": sd, "scale": scale,
            "goalposts": goalposts, "truncate": truncate, "bounds": bounds, "targets": targets,
            "reference": reference, "cap": cap, "units": units, "fit": fit}
    if indicators and codes is None:
        raise ValueError("normalise: per-indicator settings need the indicator codes.")
    own_columns = [j for j, code in enumerate(codes or []) if code in (indicators or {})]
    shared = np.ones(n, dtype=bool)  # a mask, not np.setdiff1d (which sorts: ~20 µs)
    shared[own_columns] = False
    rest = np.flatnonzero(shared)
    out = np.full(x.shape, np.nan)
    with warnings.catch_warnings():  # one warning below names the indicators instead
        warnings.simplefilter("ignore", RuntimeWarning)
        if len(rest) == n:
            out = _normalise_all(x, d, codes, base)
        elif len(rest):
            out[..., rest] = _normalise_all(x[..., rest], d[rest],
                                            None if codes is None else [codes[j] for j in rest],
                                            _columns_of(base, rest, n))
        for j in own_columns:
            own = indicators[codes[j]]
            check_params(f"normalise.indicators.{codes[j]}", own,
                         constraints_of(INDICATOR_SETTINGS))
            out[..., j:j + 1] = _normalise_all(x[..., j:j + 1], d[j:j + 1], [codes[j]],
                                               {**_columns_of(base, [j], n), "scale": None,
                                                **own})
    lost = np.all(np.isnan(out) | ~np.isfinite(x), axis=_UNITS) & np.any(np.isfinite(x),
                                                                         axis=_UNITS)
    if lost.any():
        where = np.flatnonzero(lost.reshape(-1, n).any(axis=0))
        named = [codes[j] if codes is not None else f"column {j}" for j in where]
        warnings.warn(f"normalise: {', '.join(map(str, named))}: no spread (a single value, "
                      f"or a zero maximum), so method '{method}' gives no scores.",
                      RuntimeWarning, stacklevel=2)
    return StepResult(out, {"method": method})


def _reference_row(settings: Mapping, n_units: int) -> int:
    """The row of ``dist2ref``'s reference unit (a unit code, as COINr's ``iref`` is a row)."""
    reference, units = settings["reference"], settings["units"]
    if reference is None:
        raise ValueError("normalise: method 'dist2ref' needs 'reference: UNIT_CODE'.")
    if units is None or len(units) != n_units:
        raise ValueError("normalise: method 'dist2ref' needs the unit codes of the rows.")
    if reference not in units:
        raise ValueError(f"normalise: 'reference' is '{reference}', which is not a unit of the "
                         "data (or was screened out); give a unit code such as "
                         f"'{units[0]}'.")
    return list(units).index(reference)


def _goalposts(y: np.ndarray, d: np.ndarray, codes, settings: Mapping, scale, fit) -> np.ndarray:
    if settings["goalposts"] is None:
        raise ValueError("normalise: method 'goalposts' needs 'goalposts: [low, high]' or "
                         "'{code: [low, high], ...}'.")
    posts = _per_indicator(settings["goalposts"], codes, y.shape[-1], "goalposts")
    low, high = posts[:, 0], posts[:, 1]
    # in flipped units the posts swap: [-high, -low]
    lower, upper = np.where(d > 0, low, -high), np.where(d > 0, high, -low)
    return goalpost_scores(y, lower=lower, upper=upper, scale=scale,
                           truncate=settings["truncate"])


def _scaled(y: np.ndarray, d: np.ndarray, codes, settings: Mapping, scale, fit) -> np.ndarray:
    if isinstance(settings["bounds"], str):  # the recipe runner turns it into pairs
        raise ValueError("normalise: 'bounds: framework' needs the framework's "
                         "scaled_lower and scaled_upper columns; run it in a recipe.")
    lower, upper = settings["bounds"]
    return goalpost_scores(y, lower=lower, upper=upper, scale=scale, truncate=False)


def _dist2ref(y: np.ndarray, d: np.ndarray, codes, settings: Mapping, scale, fit) -> np.ndarray:
    row = _reference_row(settings, y.shape[_UNITS])
    missing = np.isnan(np.take(y, [row], axis=_UNITS))
    if missing.any():
        where = np.flatnonzero(missing.reshape(-1, y.shape[-1]).any(axis=0))
        named = [codes[j] if codes is not None else f"column {j}" for j in where]
        raise ValueError(f"normalise: the reference unit '{settings['reference']}' has no "
                         f"value for {', '.join(map(str, named))}; impute first or choose "
                         "another reference.")
    return dist2ref(y, reference=row, cap=settings["cap"], scale=scale)


def _dist2target(y: np.ndarray, d: np.ndarray, codes, settings: Mapping, scale,
                 fit) -> np.ndarray:
    if settings["targets"] is None:
        raise ValueError("normalise: method 'dist2target' needs targets (a 'Target' column "
                         "in the framework or 'targets: {code: value}').")
    t = _per_indicator(settings["targets"], codes, y.shape[-1], "target") * d
    return dist2target(y, targets=t, cap=settings["cap"], scale=scale, fit=fit)


#: Every method: (flipped values y, directions d, codes, settings, scale, fit) → scores. The one
#: place a method is dispatched; :data:`METHODS` (what the schema accepts) is its keys.
_METHOD_TABLE = {
    "minmax": lambda y, d, codes, s, scale, fit: minmax(y, lower=s["range"][0],
                                                        upper=s["range"][1], fit=fit),
    "zscore": lambda y, d, codes, s, scale, fit: zscore(y, mean=s["mean"], sd=s["sd"], fit=fit),
    "rank": lambda y, d, codes, s, scale, fit: rank(y),
    "prank": lambda y, d, codes, s, scale, fit: percentile_rank(y, scale=scale),
    "borda": lambda y, d, codes, s, scale, fit: borda(y),
    "goalposts": _goalposts,
    "scaled": _scaled,
    "dist2max": lambda y, d, codes, s, scale, fit: dist2max(y, scale=scale, fit=fit),
    "dist2target": _dist2target,
    "dist2ref": _dist2ref,
    "fracmax": lambda y, d, codes, s, scale, fit: fracmax(y, scale=scale, fit=fit),
    "none": lambda y, d, codes, s, scale, fit: y.copy(),
}


def _normalise_all(x: np.ndarray, d: np.ndarray, codes: Sequence[str] | None,
                   settings: Mapping) -> np.ndarray:
    """Every column of ``x`` with one method (directions ``d`` applied first)."""
    method = settings["method"]
    scale = DEFAULT_SCALE.get(method) if settings["scale"] is None else settings["scale"]
    fit = settings["fit"]
    if fit is not None and method not in FITTABLE:
        raise ValueError(f"normalise: method '{method}' cannot be fitted on a reference time "
                         f"(it can: {', '.join(FITTABLE)}); use across_time: true instead.")
    return _METHOD_TABLE[method](x * d, d, codes, settings, scale, fit)
