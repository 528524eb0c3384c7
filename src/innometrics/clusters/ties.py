"""Ties of sums: the order of floating-point additions must not decide a rank."""

from __future__ import annotations

import numpy as np

__all__ = ["tie_key"]


def tie_key(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to 12 significant digits: the same weights summed in another order
    (rows or pre-aggregated points, chunk by chunk) differ by ~1e-16 relative, and must tie
    as exact sums would."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = 11 - np.floor(np.log10(np.abs(values)))
    digits = np.where(np.isfinite(digits), digits, 0).astype(int)
    return np.array([round(v, d) for v, d in zip(values.tolist(), digits.tolist(), strict=True)])
