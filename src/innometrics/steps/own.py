"""Your own functions as a step's method (COINr's ``f_n``, ``f_i`` and ``f_ag`` hooks).

A step whose ``method`` is a callable hands each piece of data to it and checks what comes
back: the right shape, and no ±inf or new gaps where a value was given. ``params`` are passed
to the function as keyword arguments (COINr's ``f_n_para``, ``f_i_para``, ``f_ag_para``).

- normalise: ``f(column, **params) -> column``, one indicator at a time (after direction −1
  indicators are multiplied by −1, as COINr's ``Normalise`` does); a finite value must stay
  finite.
- impute: ``f(column, **params) -> column`` with its gaps filled, one indicator at a time
  (COINr's ``impute_by = "column"``); the values given must come back unchanged, and a cell
  may stay missing.
- aggregate: ``f(scores, weights, **params) -> scores``, once per parent node and level:
  ``scores`` is units × children (NaN = missing), ``weights`` the children's weights; it
  returns one score per unit (vectorised, where COINr calls ``f_ag`` per unit row). No ±inf.
  ``method`` may also be ``{level: f or a built-in method, "default": ...}``.
- treat (COINr's ``f_pass``, ``f1``, ``f2`` of ``Treat``): ``pass_check(column, **params) ->
  True/False`` (True: needs no treatment; NaN or None: left untreated, as COINr does when
  ``f_pass`` returns NA); ``treatment(column, **params) -> column`` (instead of the built-in
  winsorisation) and ``fallback(column, **params) -> column``, checked as normalise's are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ._result import StepResult

__all__ = ["reference_of", "normalise_with", "impute_with", "aggregate_level_with",
           "transform_with", "passes_with", "OWN_FUNCTION"]


def reference_of(function: Callable) -> str:
    """``module:qualname``, how a recipe file names a function (``method: "pkg.mod:f"``)."""
    return f"{function.__module__}:{function.__qualname__}"


def _call(function: Callable, args: tuple, params: Mapping | None, shape: tuple,
          what: str) -> np.ndarray:
    """Call an own function and check that it returns numbers of ``shape``."""
    name = reference_of(function)
    try:
        out = np.asarray(function(*args, **dict(params or {})), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"own function {name} failed on {what}: {exc}") from None
    if out.shape != shape:
        raise ValueError(f"own function {name} returned shape {out.shape} for {what}; it must "
                         f"return {shape}.")
    if np.isinf(out).any():
        raise ValueError(f"own function {name} returned an infinite value for {what}.")
    return out


def transform_with(column: np.ndarray, function: Callable, params: Mapping | None,
                   what: str) -> np.ndarray:
    """``function(column, **params)``: the same length, no ±inf, every value given kept."""
    out = _call(function, (column.copy(),), params, column.shape, what)
    if (np.isfinite(column) & np.isnan(out)).any():
        raise ValueError(f"own function {reference_of(function)} turned a value of {what} into "
                         "NaN; it must keep every value given.")
    return out


def passes_with(column: np.ndarray, function: Callable, params: Mapping | None,
                what: str) -> bool | None:
    """``function(column, **params)`` as a pass check: True or False; None (not decided)
    where it returns NaN or None."""
    name = reference_of(function)
    try:
        out = function(column.copy(), **dict(params or {}))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"own function {name} failed on {what}: {exc}") from None
    if out is None or (isinstance(out, float | np.floating) and np.isnan(out)):
        return None
    if not isinstance(out, bool | np.bool_):
        raise ValueError(f"own function {name} returned {out!r} for {what}; a pass check must "
                         "return True (no treatment needed) or False.")
    return bool(out)


def normalise_with(x: np.ndarray, function: Callable, *, directions: np.ndarray | None = None,
                   params: Mapping | None = None) -> StepResult:
    """Normalise each indicator (column of ``x``, units × indicators) with ``function``."""
    x = np.asarray(x, dtype=np.float64)
    d = np.ones(x.shape[-1]) if directions is None else np.asarray(directions, np.float64)
    flipped = x * d
    out = np.empty_like(flipped)
    for j in range(x.shape[-1]):
        out[..., j] = transform_with(flipped[..., j], function, params, f"indicator column {j}")
    return StepResult(out, {"method": reference_of(function)})


def impute_with(x: np.ndarray, function: Callable, *,
                params: Mapping | None = None) -> StepResult:
    """Fill the gaps of each indicator (column of ``x``) with ``function``."""
    x = np.asarray(x, dtype=np.float64)
    out = x.copy()
    for j in range(x.shape[1]):
        gaps = np.isnan(x[:, j])
        if not gaps.any():
            continue
        filled = _call(function, (x[:, j].copy(),), params, x[:, j].shape,
                       f"indicator column {j}")
        if not np.array_equal(filled[~gaps], x[~gaps, j]):
            raise ValueError(f"own function {reference_of(function)} changed values given in "
                             f"indicator column {j}; it may only fill the gaps.")
        out[:, j] = filled
    return StepResult(out, {"imputed": np.isnan(x) & ~np.isnan(out)})


def aggregate_level_with(current: np.ndarray, w: np.ndarray, function: Callable, *,
                         params: Mapping | None = None, level: int = 2) -> np.ndarray:
    """One level's aggregates with ``function`` (see the module docstring): ``current`` is
    (..., n_units, n_children), ``w`` the (..., n_children, n_parents) weight matrix, as
    :func:`~innometrics.steps.aggregate` takes them (with leading batch axes)."""
    w = np.asarray(w, dtype=np.float64)
    lead = np.broadcast_shapes(current.shape[:-2], w.shape[:-2])
    scores = np.broadcast_to(current, lead + current.shape[-2:])
    weights = np.broadcast_to(w, lead + w.shape[-2:])
    n_units, n_parents = current.shape[-2], w.shape[-1]
    out = np.empty(lead + (n_units, n_parents))
    for batch in np.ndindex(*lead):
        for p in range(n_parents):
            children = np.flatnonzero(weights[batch][:, p] != 0)
            out[batch][:, p] = _call(function, (scores[batch][:, children],
                                                weights[batch][children, p]),
                                     params, (n_units,), f"parent {p} of level {level}")
    return out


class _OwnFunction:
    """A setting's form: an own function (a recipe names it; the step gets the callable)."""

    def accepts(self, value: object) -> bool:
        return callable(value)

    def __str__(self) -> str:
        return ("an own function (a Python callable, a name given in functions=, or "
                "'package.module:function' with --allow-functions)")


#: The form of a setting that may be an own function (for a :class:`~innometrics._params.Setting`).
OWN_FUNCTION = _OwnFunction()
