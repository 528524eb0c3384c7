"""Impute: fill missing values (or leave them for the aggregation to skip)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._params import Options, check_params
from ._result import StepResult

__all__ = ["impute", "METHODS"]

#: Accepted imputation methods.
METHODS = ("none", "mean", "median", "group_mean", "group_median")
_CONSTRAINTS = {"method": [Options(METHODS)]}


def _fill(x: np.ndarray, stat) -> np.ndarray:
    """Fill the NaNs of each column of ``x`` with ``stat`` of its present values."""
    out = x.copy()
    for j in range(x.shape[1]):
        col = x[:, j]
        missing = np.isnan(col)
        if missing.any() and not missing.all():
            out[missing, j] = stat(col[~missing])
    return out


def impute(x: np.ndarray, *, method: str = "none",
           groups: Sequence[object] | None = None) -> StepResult:
    """Fill missing values of each indicator.

    - ``none``: leave them; aggregation then averages over the values present, which is the
      GII's rule (equivalent to imputing the mean of the sibling indicators).
    - ``mean`` / ``median``: the indicator's mean / median over all units (COINr ``i_mean``,
      ``i_median``).
    - ``group_mean`` / ``group_median``: the same within the unit's group (COINr
      ``i_mean_grp``, ``i_median_grp``); a value stays missing when its whole group lacks it, or
      when the unit has no group.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
    method : str, default "none"
    groups : sequence of length n_units, required for the group methods
        The group label of each unit (None = no group).

    Returns
    -------
    StepResult
        ``info["imputed"]``: boolean mask (n_units, n_indicators) of the cells filled.

    Examples
    --------
    >>> import numpy as np
    >>> impute(np.array([[1.0], [np.nan], [3.0]]), method="mean").values.ravel()
    array([1., 2., 3.])
    """
    check_params("impute", {"method": method}, _CONSTRAINTS)
    x = np.asarray(x, dtype=np.float64)
    stat = np.median if method.endswith("median") else np.mean
    if method == "none":
        out = x.copy()
    elif method in ("mean", "median"):
        out = _fill(x, stat)
    else:
        if groups is None or len(groups) != x.shape[0]:
            raise ValueError(f"impute method '{method}' needs one group label per unit; "
                             "name the group column with 'group: COLUMN'.")
        labels = np.array([None if g is None else str(g) for g in groups], dtype=object)
        out = x.copy()
        for label in {g for g in labels if g is not None}:
            rows = labels == label
            out[rows] = _fill(x[rows], stat)
    return StepResult(out, {"imputed": np.isnan(x) & ~np.isnan(out)})
