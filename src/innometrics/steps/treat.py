"""Treat: bring skewed, heavy-tailed indicators into line (winsorise, then log).

The default rule is COINr's (and the JRC's for the GII): an indicator passes if
``|skew| < skew`` OR ``kurtosis < kurtosis``. A failing indicator is winsorised one extreme
at a time — every point tied at the extreme (the high end if skew >= 0, else the low end) takes
the next value inward — until it passes or the number of points tied at the extreme reaches
``max_winsorised``. If it still fails, the fallback transformation is applied to the original
(un-winsorised) values, or to the winsorised ones with ``combine=True``.
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
    Setting,
    check_params,
    constraints_of,
)
from ..stats import kurtosis as _kurt
from ..stats import skew_kurt_complete
from ..stats import skewness as _skew
from ._result import StepResult

__all__ = ["treat", "winsorise", "winsorise_points", "log_ct", "log_ct_plus1", "log_gii",
           "FALLBACKS", "INDICATOR_METHODS", "SETTINGS", "INDICATOR_SETTINGS"]


def log_ct(x: np.ndarray) -> np.ndarray:
    """COIN Tool log (COINr ``log_CT``): ``ln(x − min + 0.01·(max − min))``."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log(x - lo + 0.01 * (hi - lo))


def log_ct_plus1(x: np.ndarray) -> np.ndarray:
    """Original COIN Tool log (COINr ``log_CT_orig``): ``ln(x − min + 1)``."""
    return np.log(x - np.nanmin(x) + 1)


def log_gii(x: np.ndarray) -> np.ndarray:
    """GII 2020 spreadsheet log: ``ln((max − 1)(x − min)/(max − min) + 1)``.

    Maps min to 0 and max to ln(max); reverses the order when max < 1. (COINr 1.1.14's
    ``log_GII`` computes this but returns the untransformed ``x``; this one returns the
    transform.)
    """
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log((hi - 1) * (x - lo) / (hi - lo) + 1)


#: Fallback transformations by name.
FALLBACKS = {"log_ct": log_ct, "log_ct_plus1": log_ct_plus1, "log_gii": log_gii, "none": None}
#: Treatment of one indicator: the outlier rule, nothing, a fixed winsorisation, or a transform.
INDICATOR_METHODS = ("default", "none", "winsorise", "log_ct", "log_ct_plus1", "log_gii")

_RULE = ("default",)
#: Settings of one indicator's treatment (``indicators: {code: {...}}``).
INDICATOR_SETTINGS = {
    "method": Setting([Options(INDICATOR_METHODS)]),
    "skew": Setting([Interval(Real, 0, None, closed="neither")], _RULE),
    "kurtosis": Setting([Real], _RULE),
    "max_winsorised": Setting([Interval(Integral, 0, None)], _RULE),
    "fallback": Setting([Options(FALLBACKS)], _RULE),
    "combine": Setting([bool], _RULE),
    "high": Setting([Interval(Integral, 0, None)], ("winsorise",)),
    "low": Setting([Interval(Integral, 0, None)], ("winsorise",)),
}
#: Settings of the step (a recipe's ``treat:``).
SETTINGS = {
    "method": Setting([Options({"default", "none"})]),
    **{k: v for k, v in INDICATOR_SETTINGS.items() if v.methods == frozenset(_RULE)},
    "indicators": Setting([CodeMap((Mapping,), "{method: ..., ...}")]),
}
_CONSTRAINTS = constraints_of(SETTINGS)


def _passes(sk: float, ku: float, skew: float, kurtosis: float) -> bool:
    return bool(abs(sk) < skew or ku < kurtosis)


def winsorise(x: np.ndarray, *, skew: float = 2.0, kurtosis: float = 3.5,
              max_winsorised: int = 5) -> tuple[np.ndarray, int, np.ndarray]:
    """Winsorise one indicator until it passes the skew/kurtosis check (COINr ``winsorise``).

    Returns the winsorised vector, the number of points tied at the extreme(s) last moved, and
    a per-point code: ``"winhi"``, ``"winlo"`` or ``""``.
    """
    x = np.array(x, dtype=np.float64)
    present = ~np.isnan(x)
    v = x[present]
    sk, ku = skew_kurt_complete(v)
    at_high = at_low = np.zeros(v.shape, dtype=bool)
    n_win = 0
    while not _passes(sk, ku, skew, kurtosis) and n_win < max_winsorised:
        high = sk >= 0
        at_extreme = v == (v.max() if high else v.min())
        if at_extreme.all():  # one value left: nothing further inward
            break
        inward = v[~at_extreme]
        v[at_extreme] = inward.max() if high else inward.min()
        if high:
            at_high = at_extreme
        else:
            at_low = at_extreme
        n_win = int(at_high.sum() + at_low.sum())
        sk, ku = skew_kurt_complete(v)
    x[present] = v
    codes = np.full(x.shape, "", dtype=object)
    codes[np.flatnonzero(present)[at_high]] = "winhi"
    codes[np.flatnonzero(present)[at_low]] = "winlo"
    return x, n_win, codes


def winsorise_points(x: np.ndarray, *, high: int = 0, low: int = 0) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Winsorise a fixed number of points: the ``high`` largest values take the value of the
    ``(high + 1)``-th largest, the ``low`` smallest that of the ``(low + 1)``-th smallest.

    ``x'_i = min(x_i, x_(n−high))`` and ``x'_i = max(x'_i, x_(low+1))`` with ``x_(k)`` the k-th
    smallest present value. Points tied with the new bound keep their value, so fewer than
    ``high`` points may change. Used for rules fixed in advance, e.g. WIPO's calibrated GII.

    Returns the winsorised vector and the per-point codes (``"winhi"``, ``"winlo"``, ``""``).

    Examples
    --------
    >>> winsorise_points(np.array([1.0, 2.0, 3.0, 50.0, 40.0]), high=2)[0]
    array([1., 2., 3., 3., 3.])
    """
    x = np.array(x, dtype=np.float64)
    codes = np.full(x.shape, "", dtype=object)
    present = np.flatnonzero(~np.isnan(x))
    v = np.sort(x[present])
    if high and len(v) > high:
        bound = v[len(v) - 1 - high]
        moved = present[x[present] > bound]
        x[moved], codes[moved] = bound, "winhi"
    if low and len(v) > low:
        bound = v[low]
        moved = present[x[present] < bound]
        x[moved], codes[moved] = bound, "winlo"
    return x, codes


def _rule_of(j: int, codes: Sequence[str] | None, indicators: Mapping | None,
             base: dict) -> dict:
    """The treatment settings of indicator ``j``: the step's, overridden per indicator."""
    if not indicators:
        return base
    if codes is None:
        raise ValueError("treat: per-indicator settings need the indicator codes.")
    own = indicators.get(codes[j])
    return base if own is None else {**base, **own}


def treat(x: np.ndarray, *, method: str = "default", skew: float = 2.0,
          kurtosis: float = 3.5, max_winsorised: int = 5, fallback: str = "log_ct",
          combine: bool = False, indicators: Mapping[str, Mapping] | None = None,
          codes: Sequence[str] | None = None) -> StepResult:
    """Treat outliers indicator by indicator.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
    method : {"default", "none"}, default "default"
        "default" applies the outlier rule; "none" returns the data unchanged.
    skew : float, default 2.0
        Threshold on absolute skewness (COINr's default; the GII documentation quotes 2.25).
    kurtosis : float, default 3.5
        Threshold on excess kurtosis.
    max_winsorised : int, default 5
        Stop winsorising when this many points are tied at the extreme.
    fallback : {"log_ct", "log_ct_plus1", "log_gii", "none"}, default "log_ct"
        Transformation for indicators that still fail after winsorising.
    combine : bool, default False
        Apply the fallback to the winsorised values instead of the original ones.
    indicators : mapping of code → settings, optional
        Per-indicator overrides (like COINr's ``indiv_specs``): any of the settings above, or
        ``method`` ``none`` (exempt), ``winsorise`` with ``high``/``low`` points
        (:func:`winsorise_points`), or a transform (``log_ct``, ``log_ct_plus1``,
        ``log_gii``) applied directly.
    codes : sequence of str, optional
        Indicator codes (the columns of ``x``), needed with ``indicators``.

    Returns
    -------
    StepResult
        ``info`` holds per indicator: ``rule`` (the method applied), ``skew0``/``kurt0``/
        ``pass0`` (before), ``n_winsorised``, ``skew1``/``kurt1``/``pass1`` (after
        winsorising), ``transformed``, ``skew2``/``kurt2``/``pass2`` (after the fallback), and
        ``points``: a (n_units, n_indicators) array of codes (``winhi``, ``winlo``,
        ``log_ct``, ...). Stages not reached are NaN.

    References
    ----------
    OECD/JRC (2008). Handbook on Constructing Composite Indicators, step 5. Becker, W. et al.
    (2022). COINr: an R package for developing composite indicators. JOSS 7(78), 4567.
    doi:10.21105/joss.04567
    """
    base = {"method": method, "skew": skew, "kurtosis": kurtosis,
            "max_winsorised": max_winsorised, "fallback": fallback, "combine": combine}
    check_params("treat", base, _CONSTRAINTS)
    if indicators:
        check_params("treat", {"indicators": indicators}, _CONSTRAINTS)
        for code, own in indicators.items():
            check_params(f"treat.indicators.{code}", own, constraints_of(INDICATOR_SETTINGS))
    x = np.asarray(x, dtype=np.float64)
    n_ind = x.shape[1]
    info = {key: np.full(n_ind, np.nan) for key in
            ("skew0", "kurt0", "n_winsorised", "skew1", "kurt1", "skew2", "kurt2")}
    for key in ("pass0", "pass1", "pass2"):
        info[key] = np.full(n_ind, None, dtype=object)
    info["transformed"] = np.zeros(n_ind, dtype=bool)
    info["rule"] = np.full(n_ind, method, dtype=object)
    info["points"] = np.full(x.shape, "", dtype=object)
    out = x.copy()
    if method == "none" and not indicators:
        return StepResult(out, info)

    info["skew0"], info["kurt0"] = _skew(x), _kurt(x)
    for j in range(n_ind):
        rule = _rule_of(j, codes, indicators, base)
        info["rule"][j] = rule["method"]
        if rule["method"] == "none":
            continue
        if rule["method"] == "winsorise":
            out[:, j], info["points"][:, j] = winsorise_points(
                x[:, j], high=rule.get("high", 0), low=rule.get("low", 0))
            info["n_winsorised"][j] = np.count_nonzero(info["points"][:, j])
        elif rule["method"] in FALLBACKS:
            out[:, j] = FALLBACKS[rule["method"]](x[:, j])
            info["transformed"][j] = True
            info["points"][:, j] = np.where(np.isnan(x[:, j]), "", rule["method"])
        else:
            _apply_rule(x[:, j], j, rule, out, info)
    return StepResult(out, info)


def _apply_rule(col0: np.ndarray, j: int, rule: dict, out: np.ndarray, info: dict) -> None:
    """The outlier rule on one indicator: test, winsorise, fall back (module docstring)."""
    skew, kurtosis = rule["skew"], rule["kurtosis"]
    sk0, ku0 = info["skew0"][j], info["kurt0"][j]
    if np.isnan(sk0) or np.isnan(ku0):
        warnings.warn(f"treat: indicator column {j} has too few distinct values for "
                      "skew/kurtosis; left untreated.", RuntimeWarning, stacklevel=3)
        return
    info["pass0"][j] = _passes(sk0, ku0, skew, kurtosis)
    if info["pass0"][j]:
        return
    col, n_win, codes = winsorise(col0, skew=skew, kurtosis=kurtosis,
                                  max_winsorised=rule["max_winsorised"])
    info["n_winsorised"][j] = n_win
    info["skew1"][j], info["kurt1"][j] = skew_kurt_complete(col[~np.isnan(col)])
    info["pass1"][j] = _passes(info["skew1"][j], info["kurt1"][j], skew, kurtosis)
    info["points"][:, j] = codes
    transform = FALLBACKS[rule["fallback"]]
    if not info["pass1"][j] and transform is not None:
        combine = rule["combine"]
        col = transform(col if combine else col0)
        info["transformed"][j] = True
        info["skew2"][j], info["kurt2"][j] = skew_kurt_complete(col[~np.isnan(col)])
        info["pass2"][j] = _passes(info["skew2"][j], info["kurt2"][j], skew, kurtosis)
        info["points"][:, j] = [
            "" if np.isnan(v) else (f"{c}+{rule['fallback']}" if combine and c
                                    else rule["fallback"])
            for v, c in zip(col0, codes, strict=True)
        ]
    out[:, j] = col
