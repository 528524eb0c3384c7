"""Node weights of a GII edition, inferred from its workbook's aggregate scores.

A parent's SCORE is a weighted mean of its children's SCOREs. On the economies where every
child is present the relation is linear, ``y = Σ_c a_c s_c`` with ``Σ a_c = 1``, so the
relative weights follow from a least-squares fit under that constraint. The fitted weights,
scaled so that the largest is 1, are snapped to multiples of ``step`` (WIPO uses 1 and 0.5)
when the snapped weights still reproduce every economy — the incomplete ones too, with the
weights renormalised over the children present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .workbook import Workbook

__all__ = ["infer_weights", "constrained_weights", "weights_of"]


def constrained_weights(children: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Least-squares weights summing to 1: ``argmin ||A a − y||²`` s.t. ``Σ a = 1``.

    Solved through the KKT system ``[[2AᵀA, 1], [1ᵀ, 0]] [a; λ] = [2Aᵀy; 1]`` (least-squares
    solution if children are collinear).

    Parameters
    ----------
    children : ndarray, shape (n_rows, n_children)
        Children's scores on rows where all are present.
    parent : ndarray, shape (n_rows,)

    Examples
    --------
    >>> a = np.array([[10.0, 40.0], [20.0, 20.0], [0.0, 90.0]])
    >>> np.round(constrained_weights(a, a @ [2 / 3, 1 / 3]), 6)
    array([0.666667, 0.333333])
    """
    a = np.asarray(children, dtype=np.float64)
    y = np.asarray(parent, dtype=np.float64)
    k = a.shape[1]
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2.0 * a.T @ a
    kkt[:k, k] = kkt[k, :k] = 1.0
    rhs = np.concatenate([2.0 * a.T @ y, [1.0]])
    return np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]


def _renormalised(children: np.ndarray, weights: np.ndarray) -> np.ndarray:
    present = ~np.isnan(children)
    filled = np.where(present, children, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (filled @ weights) / (present @ weights)


def _worst(predicted: np.ndarray, published: np.ndarray) -> float:
    both = ~np.isnan(predicted) & ~np.isnan(published)
    if (np.isnan(predicted) != np.isnan(published)).any():
        return float("inf")
    return float(np.max(np.abs(predicted[both] - published[both]), initial=0.0))


def infer_weights(workbook: Workbook, *, tolerance: float = 1e-6,
                  step: float = 0.5) -> pd.DataFrame:
    """Weight of every node within its parent, from the workbook's SCOREs.

    Parameters
    ----------
    workbook : Workbook
    tolerance : float, default 1e-6
        Largest |error| for the weights to count as reproducing a parent's SCOREs.
    step : float, default 0.5
        Weights (scaled to a largest of 1) are snapped to multiples of ``step`` when the
        snapped weights reproduce the parent within ``tolerance``.

    Returns
    -------
    DataFrame
        One row per node but the index: ``NUM``, ``PARENT``, ``DEPTH``, ``weight`` (scaled,
        snapped where possible), ``fitted`` (the least-squares weight, scaled to a largest of
        1), ``n_complete`` (economies with every sibling present, used in the fit),
        ``max_abs_error`` (over every economy with the parent's SCORE, renormalising over the
        children present; the same for all siblings) and ``evidence``.
    """
    scores = workbook.wide("SCORE")
    rows = []
    structure = workbook.structure
    for parent in structure.loc[structure["DEPTH"] >= 2, "NUM"]:
        kids = workbook.children(parent)
        x = scores[kids].to_numpy(dtype=np.float64)
        y = scores[parent].to_numpy(dtype=np.float64)
        complete = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
        if complete.sum() >= len(kids):
            fitted = constrained_weights(x[complete], y[complete])
        else:
            fitted = np.ones(len(kids))
        scaled = fitted / np.max(np.abs(fitted)) if np.any(fitted) else np.ones(len(kids))
        snapped = np.maximum(np.round(scaled / step) * step, 0.0)
        err_snapped = _worst(_renormalised(x, snapped), y) if snapped.any() else np.inf
        err_fitted = _worst(_renormalised(x, scaled), y)
        use_snapped = err_snapped <= tolerance
        weights = snapped if use_snapped else scaled
        error = err_snapped if use_snapped else err_fitted
        n_incomplete = int((np.isnan(x).any(axis=1) & ~np.isnan(y)).sum())
        equal = bool(np.all(weights == weights[0]))
        if complete.sum() < len(kids):
            how = f"too few complete economies ({int(complete.sum())}); equal weights assumed"
        else:
            shape = "equal weights" if equal else "weights " + ":".join(f"{w:g}" for w in weights)
            how = (f"{shape} from constrained least squares on {int(complete.sum())} complete "
                   f"economies (fitted {', '.join(f'{w:.6f}' for w in scaled)})")
        evidence = (f"{how}; renormalised over present children reproduces all "
                    f"{int((~np.isnan(y)).sum())} economies ({n_incomplete} incomplete), "
                    f"max |err| {error:.1e}")
        for kid, w, f in zip(kids, weights, scaled, strict=True):
            rows.append({"NUM": kid, "PARENT": parent,
                         "DEPTH": int(structure.loc[structure["NUM"] == kid, "DEPTH"].iloc[0]),
                         "weight": float(w), "fitted": float(f),
                         "n_complete": int(complete.sum()), "max_abs_error": error,
                         "evidence": evidence})
    frame = pd.DataFrame(rows)
    order = {code: i for i, code in enumerate(structure["NUM"])}
    return frame.sort_values("NUM", key=lambda c: c.map(order)).reset_index(drop=True)


def weights_of(weights: pd.DataFrame) -> dict[str, float]:
    """The ``{code: weight}`` mapping of an :func:`infer_weights` table."""
    return dict(zip(weights["NUM"], weights["weight"].astype(float), strict=True))
