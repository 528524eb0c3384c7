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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ._result import StepResult

__all__ = ["reference_of", "normalise_with", "impute_with", "aggregate_with"]


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


def normalise_with(x: np.ndarray, function: Callable, *, directions: np.ndarray | None = None,
                   params: Mapping | None = None) -> StepResult:
    """Normalise each indicator (column of ``x``, units × indicators) with ``function``."""
    x = np.asarray(x, dtype=np.float64)
    d = np.ones(x.shape[-1]) if directions is None else np.asarray(directions, np.float64)
    flipped = x * d
    out = np.empty_like(flipped)
    for j in range(x.shape[-1]):
        out[..., j] = _call(function, (flipped[..., j],), params, flipped[..., j].shape,
                            f"indicator column {j}")
        lost = np.isfinite(flipped[..., j]) & np.isnan(out[..., j])
        if lost.any():
            raise ValueError(f"own function {reference_of(function)} turned a value of "
                             f"indicator column {j} into NaN; it must keep every value given.")
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


def aggregate_with(x: np.ndarray, weight_matrices: Sequence[np.ndarray], function: Callable, *,
                   params: Mapping | None = None) -> StepResult:
    """Aggregate up every level with ``function`` (see the module docstring); ``x`` and the
    weight matrices may carry leading batch axes, as :func:`~innometrics.steps.aggregate`'s."""
    x = np.asarray(x, dtype=np.float64)
    blocks, current = [x], x
    for level, w in enumerate(weight_matrices, start=2):
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
        blocks.append(out)
        current = out
    lead = np.broadcast_shapes(*(b.shape[:-1] for b in blocks))
    blocks = [np.broadcast_to(b, lead + b.shape[-1:]) for b in blocks]
    methods: dict[int, Any] = {level: reference_of(function)
                               for level in range(2, len(weight_matrices) + 2)}
    return StepResult(np.concatenate(blocks, axis=-1), {"methods": methods})
