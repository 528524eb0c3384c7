"""Benefit of the doubt: each unit scored with the weights that favour it most.

Cherchye, Moesen, Rogge and Van Puyenbroeck (2007), "An introduction to 'benefit of the doubt'
composite indicators", *Social Indicators Research* 82, 111–145, doi:10.1007/s11205-006-9029-7;
the R package Compind's ``ci_bod`` (Fusco, Vidoli and Sahoo, on CRAN).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

__all__ = ["benefit_of_the_doubt"]


def _one_unit(x: np.ndarray, i: int, share_bounds: Sequence[float] | None) -> np.ndarray:
    """The optimal weights of unit ``i`` (rows of ``x`` are units, columns children)."""
    n_children = x.shape[1]
    own = x[i]
    rows, bounds = [x], [np.ones(len(x))]
    if share_bounds is not None:
        lo, hi = share_bounds
        # w_j x_ij ≥ lo Σ_k w_k x_ik and ≤ hi Σ_k w_k x_ik, for each child the unit has (> 0)
        for j in np.flatnonzero(own > 0):
            alone = np.zeros(n_children)
            alone[j] = own[j]
            rows += [(lo * own - alone)[None], (alone - hi * own)[None]]
            bounds += [np.zeros(1), np.zeros(1)]
    res = linprog(-own, A_ub=np.vstack(rows), b_ub=np.concatenate(bounds), bounds=(0, None),
                  method="highs")
    if res.status != 0:
        raise ValueError(f"benefit of the doubt: the linear programme of a unit has no "
                         f"solution ({res.message}); widen 'share_bounds'.")
    return res.x


def benefit_of_the_doubt(x: np.ndarray, weights: np.ndarray, *,
                         share_bounds: Sequence[float] | None = None,
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Benefit-of-the-doubt scores of each parent from its children.

    For parent ``p`` with children ``j`` and unit ``i``::

        score_i = max_w Σ_j w_j x_ij   subject to   Σ_j w_j x_kj ≤ 1 for every unit k,  w ≥ 0

    so scores lie in [0, 1] and the best unit on any mix of children scores 1. With
    ``share_bounds = [lo, hi]`` each child the unit has (``x_ij > 0``) must take a share
    ``w_j x_ij / Σ_k w_k x_ik`` in [lo, hi] of the unit's score (Cherchye et al.'s pie-share
    restrictions). Each programme is solved with scipy's HiGHS (``linprog(method="highs")``).

    The framework weights only say which columns are children (weight > 0); their values do
    not enter. A missing child counts as 0 (no credit for what is not there); a unit missing
    every child of ``p`` gets NaN. Scores must be non-negative.

    Parameters
    ----------
    x : ndarray, shape (..., n_units, n_children)
    weights : ndarray, shape (..., n_children, n_parents)
    share_bounds : pair of float, optional

    Returns
    -------
    scores : ndarray, shape (..., n_units, n_parents)
    unit_weights : ndarray, shape (..., n_units, n_children, n_parents)
        Each unit's optimal weights (0 for columns that are not children of the parent).

    Notes
    -----
    One linear programme per unit, parent and batch element: cost grows with their product.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.4, 0.2]])
    >>> scores, _ = benefit_of_the_doubt(x, np.ones((2, 1)))
    >>> scores.ravel().round(6).tolist()
    [1.0, 1.0, 1.0, 0.6]
    """
    x = np.asarray(x, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if np.any(x < 0):
        raise ValueError("benefit of the doubt needs non-negative scores; normalise onto a "
                         "non-negative range such as minmax [0, 1].")
    lead = np.broadcast_shapes(x.shape[:-2], weights.shape[:-2])
    x = np.broadcast_to(x, lead + x.shape[-2:])
    weights = np.broadcast_to(weights, lead + weights.shape[-2:])
    n_units, n_children = x.shape[-2:]
    n_parents = weights.shape[-1]
    scores = np.full(lead + (n_units, n_parents), np.nan)
    unit_weights = np.zeros(lead + (n_units, n_children, n_parents))
    for batch in np.ndindex(*lead):
        for p in range(n_parents):
            children = np.flatnonzero(weights[batch][:, p] > 0)
            if share_bounds is not None and not (
                    share_bounds[0] * len(children) <= 1 <= share_bounds[1] * len(children)):
                raise ValueError(f"share_bounds {list(share_bounds)} cannot hold for a node with "
                                 f"{len(children)} children (the shares sum to 1); widen them.")
            block = x[batch][:, children]
            has = ~np.all(np.isnan(block), axis=1)
            filled = np.nan_to_num(block, nan=0.0)
            for i in np.flatnonzero(has):
                w = _one_unit(filled, i, share_bounds)
                unit_weights[batch + (i, children, p)] = w
                scores[batch + (i, p)] = filled[i] @ w
    return scores, unit_weights
