"""Impute: fill missing values (or leave them for the aggregation to skip)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from numbers import Integral, Real

import numpy as np
import scipy.linalg

from .._params import Interval, Options, Setting, check_params, constraints_of
from ._result import StepResult
from .own import impute_with

__all__ = ["impute", "impute_panel", "em_normal", "METHODS", "SETTINGS", "PANEL_FILLS"]

#: Accepted imputation methods (``panel`` fills each unit's series over time: a panel only).
METHODS = ("none", "mean", "median", "group_mean", "group_median", "em", "panel")
#: How ``panel`` fills a series (COINr ``impute_panel``'s ``imp_type``).
PANEL_FILLS = ("latest", "constant", "linear")
#: Settings of the step (a recipe's ``impute:``); ``group`` names the data's group column
#: that the recipe runner turns into ``groups``; ``within`` (EM only) imputes each block of
#: indicators sharing an ancestor at that framework level separately (e.g. 3: within each
#: pillar of the GII, so that EM estimates small covariance matrices it can pin down).
SETTINGS = {
    "method": Setting([Options(METHODS)]),
    "group": Setting([str], ("group_mean", "group_median")),
    "max_iter": Setting([Interval(Integral, 1, None)], ("em",)),
    "tol": Setting([Interval(Real, 0.0, None, closed="neither")], ("em",)),
    "within": Setting([Interval(Integral, 2, None)], ("em",)),
    "fill": Setting([Options(PANEL_FILLS)], ("panel",)),
    "max_time": Setting([Interval(Integral, 1, None)], ("panel",)),
}
#: Settings the recipe runner handles (``group`` → ``groups``; ``within`` → one call per
#: block of indicators; ``panel`` and its ``fill``, ``max_time`` → :func:`impute_panel` on
#: the whole panel).
RUNNER_SETTINGS = ("group", "within", "fill", "max_time")
_CONSTRAINTS = constraints_of({k: v for k, v in SETTINGS.items() if k not in RUNNER_SETTINGS})


def _regression(sigma: np.ndarray, o: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``Σ_mo Σ_oo⁻¹`` by a Cholesky solve, or a pseudo-inverse where ``Σ_oo`` is singular
    (more indicators than units, collinear indicators)."""
    s_oo, s_om = sigma[np.ix_(o, o)], sigma[np.ix_(o, m)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
            return scipy.linalg.solve(s_oo, s_om, assume_a="pos", check_finite=False).T
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning,
            ValueError):
        return (np.linalg.pinv(s_oo) @ s_om).T


def _conditional_means(filled: np.ndarray, x: np.ndarray, mu: np.ndarray, sigma: np.ndarray,
                       patterns: np.ndarray, rows_of: list[np.ndarray]) -> np.ndarray:
    """E-step: write the conditional means of the missing cells into ``filled``; return the
    summed conditional covariances ``Σ_rows C_m`` (p × p, zero outside missing blocks)."""
    extra = np.zeros_like(sigma)
    for pattern, rows in zip(patterns, rows_of, strict=True):
        m = np.flatnonzero(pattern)
        if not len(m):
            continue
        o = np.flatnonzero(~pattern)
        coef = _regression(sigma, o, m)
        filled[np.ix_(rows, m)] = mu[m] + (x[np.ix_(rows, o)] - mu[o]) @ coef.T
        extra[np.ix_(m, m)] += len(rows) * (sigma[np.ix_(m, m)] - coef @ sigma[np.ix_(o, m)])
    return extra


def em_normal(x: np.ndarray, *, max_iter: int = 1000,
              tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Maximum-likelihood mean and covariance of a multivariate normal from data with missing
    values, by the EM algorithm, and the conditional means of the missing cells.

    E-step, for each row with observed part ``o`` and missing part ``m``::

        x̂_m = μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o),      C_m = Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om

    M-step: ``μ = mean(x̂)``, ``Σ = mean(x̂ x̂ᵀ + C) − μ μᵀ`` (``C`` zero outside the missing
    block). Rows are grouped by missingness pattern. The iterations run on the indicators
    standardised by their available-case mean and standard deviation (the ML estimates are
    equivariant under that change of units, and indicators in units a million times apart no
    longer make ``Σ_oo`` numerically singular); ``Σ_mo Σ_oo⁻¹`` is a Cholesky solve, or a
    pseudo-inverse where ``Σ_oo`` is singular, so more indicators than units or collinear ones
    do not stop it. Starts from the available-case means and the covariance of the
    mean-filled data; stops when no entry of ``μ`` or ``Σ`` (in standard units) moves by more
    than ``tol``.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
    max_iter : int, default=1000
    tol : float, default=1e-10
        In standard units (see above).

    Returns
    -------
    filled : ndarray
        ``x`` with each missing cell replaced by its conditional mean at the final estimates.
    mean, cov : ndarray
        The estimates.
    n_iter : int

    References
    ----------
    Dempster, A. P., Laird, N. M. & Rubin, D. B. (1977). Maximum likelihood from incomplete
    data via the EM algorithm. JRSS B 39(1), 1–38. Little, R. J. A. & Rubin, D. B. (2002).
    Statistical Analysis with Missing Data, 2nd ed., §11.2. OECD/JRC (2008). Handbook on
    Constructing Composite Indicators, §1.4 (EM imputation).
    """
    raw = np.asarray(x, dtype=np.float64)
    n, p = raw.shape
    miss = np.isnan(raw)
    centre = np.nanmean(raw, axis=0)
    spread = np.nanstd(raw, axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    x = (raw - centre) / spread
    mu = np.nanmean(x, axis=0)
    filled = np.where(miss, mu, x)
    sigma = np.cov(filled, rowvar=False, bias=True).reshape(p, p)
    patterns, pattern_of = np.unique(miss, axis=0, return_inverse=True)
    rows_of = [np.flatnonzero(pattern_of.ravel() == k) for k in range(len(patterns))]
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        extra = _conditional_means(filled, x, mu, sigma, patterns, rows_of)
        new_mu = filled.mean(axis=0)
        centred = filled - new_mu
        new_sigma = (centred.T @ centred + extra) / n
        moved = max(float(np.max(np.abs(new_mu - mu), initial=0.0)),
                    float(np.max(np.abs(new_sigma - sigma), initial=0.0)))
        mu, sigma = new_mu, new_sigma
        if moved <= tol:
            break
    _conditional_means(filled, x, mu, sigma, patterns, rows_of)  # at the final estimates
    return (np.where(miss, filled * spread + centre, raw), mu * spread + centre,
            sigma * np.outer(spread, spread), n_iter)


def _fill(x: np.ndarray, stat) -> np.ndarray:
    """Fill the NaNs of each column of ``x`` with ``stat`` (``np.nanmean`` or
    ``np.nanmedian``) of its present values; a column with none stays missing."""
    missing = np.isnan(x)
    if not missing.any():
        return x.copy()
    with warnings.catch_warnings():  # an all-missing column has no statistic: stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        fill = stat(x, axis=0)
    return np.where(missing, fill, x)


def impute(x: np.ndarray, *, method: str = "none",
           groups: Sequence[object] | None = None, max_iter: int = 1000,
           tol: float = 1e-10, params: Mapping | None = None) -> StepResult:
    """Fill missing values of each indicator.

    - ``none``: leave them; aggregation then averages over the values present, which is the
      GII's rule (equivalent to imputing the mean of the sibling indicators).
    - ``mean`` / ``median``: the indicator's mean / median over all units (COINr ``i_mean``,
      ``i_median``).
    - ``group_mean`` / ``group_median``: the same within the unit's group (COINr
      ``i_mean_grp``, ``i_median_grp``); a value stays missing when its whole group lacks it, or
      when the unit has no group.
    - ``em``: conditional means under a multivariate normal fitted to all indicators by EM
      (:func:`em_normal`; the OECD/JRC Handbook's EM imputation, the alternative the JRC's GII
      audits vary against no imputation). ``max_iter`` and ``tol`` tune it. An indicator with
      no value at all stays missing.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
    method : str, default "none"
    groups : sequence of length n_units, required for the group methods
        The group label of each unit (None = no group).
    max_iter : int, default 1000
        ``em`` only: most EM iterations.
    tol : float, default 1e-10
        ``em`` only: convergence tolerance, in standard deviations of the indicators.
    params : mapping, optional
        Keyword arguments of an own function given as ``method`` (see
        :mod:`innometrics.steps.own`).

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
    if callable(method):
        return impute_with(x, method, params=params)
    check_params("impute", {"method": method, "max_iter": max_iter, "tol": tol}, _CONSTRAINTS)
    if method == "panel":
        raise ValueError("impute method 'panel' fills series over time and needs panel data "
                         "(a Time column with several times).")
    x = np.asarray(x, dtype=np.float64)
    stat = np.nanmedian if method.endswith("median") else np.nanmean
    if method == "none":
        out = x.copy()
    elif method == "em":
        present = ~np.all(np.isnan(x), axis=0)
        out = x.copy()
        if present.any():
            out[:, present] = em_normal(x[:, present], max_iter=max_iter, tol=tol)[0]
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


def impute_panel(x: np.ndarray, times: np.ndarray, present: np.ndarray, *,
                 fill: str = "latest", max_time: int | None = None) -> StepResult:
    """Fill each unit's series of each indicator over time (COINr ``impute_panel``).

    - ``latest``: a missing value at time ``t`` takes the unit's value at the latest earlier
      time that has one, looking back at most ``max_time`` time points (default: all); values
      come from the data as given (a filled value never fills another), and the first times
      of a series stay missing.
    - ``constant``: R's ``approx(method = "constant", rule = 2)`` over the times at which the
      unit has a row: the last earlier value, and before the first value the first value.
    - ``linear``: ``approx(method = "linear", rule = 2)``: linear interpolation between the
      nearest values before and after, and the nearest value outside them. A series with one
      value is filled with that value (where COINr stops: R's ``approx`` needs two points).

    A unit absent at a time (no row) stays absent; a series with no value stays missing.
    ``max_time`` applies to ``latest`` only, as in COINr.

    Parameters
    ----------
    x : ndarray, shape (n_times, n_units, n_indicators)
        NaN = missing (and every cell of a unit absent at a time).
    times : ndarray, shape (n_times,)
        Increasing numeric times.
    present : ndarray of bool, shape (n_times, n_units)
        Whether the unit has a row at that time.
    fill : {"latest", "constant", "linear"}, default "latest"
    max_time : int or None, default None

    Returns
    -------
    StepResult
        ``values`` (same shape); ``info["imputed"]`` (mask of the cells filled),
        ``info["from_first"]``, ``info["from_last"]``: int arrays, the index in ``times`` of
        the earliest and latest time whose value filled the cell (equal when copied, the two
        ends of a linear interpolation), −1 where not filled.

    References
    ----------
    Becker, W. et al. (2022). COINr: An R package for developing composite indicators. JOSS
    7(78), 4567. doi:10.21105/joss.04567 (``impute_panel``, R/impute.R, COINr 1.1.14).

    Examples
    --------
    >>> x = np.array([[[1.0]], [[np.nan]], [[3.0]]])
    >>> present = np.ones((3, 1), dtype=bool)
    >>> impute_panel(x, np.array([2020., 2021., 2022.]), present, fill="linear").values.ravel()
    array([1., 2., 3.])
    >>> impute_panel(x, np.array([2020., 2021., 2022.]), present).values.ravel()
    array([1., 1., 3.])
    """
    check_params("impute", {"fill": fill, **({} if max_time is None else
                                             {"max_time": max_time})},
                 constraints_of({k: SETTINGS[k] for k in ("fill", "max_time")}))
    x = np.asarray(x, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    present = np.asarray(present, dtype=bool)
    if x.ndim != 3 or present.shape != x.shape[:2] or times.shape != x.shape[:1]:
        raise ValueError("impute_panel: x must be (times, units, indicators) with times and "
                         "present matching its first axes.")
    out = x.copy()
    first = np.full(x.shape, -1, dtype=np.int64)
    last = np.full(x.shape, -1, dtype=np.int64)
    if fill == "latest":
        for k in range(len(times)):
            lags = range(1, min(k, max_time if max_time is not None else k) + 1)
            for lag in lags:
                take = np.isnan(out[k]) & present[k][:, None] & ~np.isnan(x[k - lag])
                out[k][take] = x[k - lag][take]
                first[k][take] = last[k][take] = k - lag
    else:
        for u in range(x.shape[1]):
            at = np.flatnonzero(present[:, u])
            for j in range(x.shape[2]):
                y = x[at, u, j]
                known = ~np.isnan(y)
                if known.all() or not known.any():
                    continue
                filled, lo, hi = _series_fill(times[at], y, known, fill)
                gaps = at[~known]
                out[gaps, u, j] = filled
                first[gaps, u, j], last[gaps, u, j] = at[lo], at[hi]
    imputed = np.isnan(x) & ~np.isnan(out)
    return StepResult(out, {"imputed": imputed, "from_first": first, "from_last": last})


def _series_fill(t: np.ndarray, y: np.ndarray, known: np.ndarray,
                 fill: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The missing points of one series by R's ``approx(rule = 2)``, and for each the
    positions (in ``t``) of the values it came from."""
    tk, yk, pos = t[known], y[known], np.flatnonzero(known)
    want = t[~known]
    left = np.clip(np.searchsorted(tk, want, side="right") - 1, 0, len(tk) - 1)
    if fill == "constant":
        return yk[left], pos[left], pos[left]
    right = np.clip(np.searchsorted(tk, want, side="left"), 0, len(tk) - 1)
    # outside the known times, and for a single value, both ends are the nearest value
    left = np.where(want < tk[0], right, left)
    return np.interp(want, tk, yk), pos[left], pos[right]
