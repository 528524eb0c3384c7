"""Treat: bring skewed, heavy-tailed indicators into line (winsorise, then log).

The default rule is COINr's (and the JRC's for the GII): an indicator passes if
``|skew| < skew`` OR ``kurtosis < kurtosis``. A failing indicator is winsorised one extreme
at a time — every point tied at the extreme (the high end if skew >= 0, else the low end) takes
the next value inward — until it passes or the number of points tied at the extreme reaches
``max_winsorised``. If it still fails, the fallback transformation is applied to the original
(un-winsorised) values, or to the winsorised ones with ``combine=True``.

Own functions take the places of COINr's ``f_pass``, ``f1`` and ``f2`` (``Treat.numeric``):
``pass_check`` decides whether a column needs treatment (before, after the treatment, after
the fallback), ``treatment`` replaces the winsorisation, ``fallback`` may be a function; see
:mod:`innometrics.steps.own` for what each gets and must return.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

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
from ..errors import InvalidParameter
from ..stats import skew_kurt, skew_kurt_complete
from ._result import StepResult
from .own import OWN_FUNCTION, passes_with, reference_of, transform_with

__all__ = ["treat", "winsorise", "winsorise_points", "log_ct", "log_ct_plus1", "log_gii",
           "FALLBACKS", "INDICATOR_METHODS", "SETTINGS", "INDICATOR_SETTINGS", "FUNCTIONS"]


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


_OWN = OWN_FUNCTION
#: Settings that may be own functions (COINr's f_pass, f1, f2), each with its ``*_params``.
FUNCTIONS = ("pass_check", "treatment", "fallback")
#: Settings of the step (a recipe's ``treat:``).
SETTINGS = {
    "method": Setting([Options({"default", "none"})]),
    **{k: v for k, v in INDICATOR_SETTINGS.items() if v.methods == frozenset(_RULE)},
    "fallback": Setting([Options(FALLBACKS), _OWN], _RULE),
    "pass_check": Setting([_OWN], _RULE),
    "treatment": Setting([_OWN], _RULE),
    **{f"{name}_params": Setting([Mapping], _RULE) for name in FUNCTIONS},
    "indicators": Setting([CodeMap((Mapping,), "{method: ..., ...}")]),
}
_CONSTRAINTS = constraints_of(SETTINGS)


def _passes(sk: np.ndarray, ku: np.ndarray, skew: np.ndarray | float,
            kurtosis: np.ndarray | float) -> np.ndarray:
    return (np.abs(sk) < skew) | (ku < kurtosis)  # NaN compares False, silently


def winsorise_columns(x: np.ndarray, *, skew: np.ndarray | float = 2.0,
                      kurtosis: np.ndarray | float = 3.5,
                      max_winsorised: np.ndarray | int = 5) -> tuple[np.ndarray, np.ndarray,
                                                                     np.ndarray, np.ndarray]:
    """COINr's ``winsorise`` on every column at once (thresholds per column or shared).

    While a column fails the check and fewer than ``max_winsorised`` points are winsorised:
    every point tied at the extreme (the high end if skew ≥ 0, else the low end) takes the
    next value inward; the points moved at each end are those tied at it after the last move.
    A column whose values are all tied stops.

    Returns
    -------
    out : ndarray (n_units, n_columns)
    n_winsorised : ndarray of int (n_columns,)
    at_high, at_low : boolean ndarrays (n_units, n_columns): points moved at each end
    """
    out = np.array(x, dtype=np.float64)
    return _winsorise(out, *skew_kurt(out), skew=skew, kurtosis=kurtosis,
                      max_winsorised=max_winsorised)[:4]


def _winsorise(out: np.ndarray, sk: np.ndarray, ku: np.ndarray, *, skew: np.ndarray | float,
               kurtosis: np.ndarray | float, max_winsorised: np.ndarray | int,
               ) -> tuple[np.ndarray, ...]:
    """:func:`winsorise_columns` in place on ``out``, given the skew and kurtosis of its
    columns (which the caller has computed already); returns also the final skew and
    kurtosis of every column, so that they are not computed again."""
    m = out.shape[1]
    skew, kurtosis = np.broadcast_to(skew, (m,)), np.broadcast_to(kurtosis, (m,))
    max_winsorised = np.broadcast_to(max_winsorised, (m,))
    n_present = np.sum(~np.isnan(out), axis=0)
    at_high = np.zeros(out.shape, dtype=bool)
    at_low = np.zeros(out.shape, dtype=bool)
    n_win = np.zeros(m, dtype=np.int64)
    active = ~_passes(sk, ku, skew, kurtosis) & np.isfinite(sk) & np.isfinite(ku) \
        & (n_win < max_winsorised)
    while active.any():
        cols = np.flatnonzero(active)
        v = out[:, cols]
        high = sk[cols] >= 0
        # fmax/fmin skip NaN like nanmax/nanmin, without their copies and all-NaN warnings
        extreme = np.where(high, np.fmax.reduce(v, axis=0), np.fmin.reduce(v, axis=0))
        at_extreme = v == extreme
        moving = at_extreme.sum(axis=0) < n_present[cols]  # all tied: nothing inward
        inward_values = np.where(at_extreme, np.nan, v)  # not moving: no inward value (NaN)
        inward = np.where(high, np.fmax.reduce(inward_values, axis=0),
                          np.fmin.reduce(inward_values, axis=0))
        v = np.where(at_extreme & moving, inward, v)
        out[:, cols] = v
        # the active columns' new values are kept in locals, not read back from the full
        # arrays (each fancy index costs a microsecond, a dozen of them each round)
        high_now = np.where(moving & high, at_extreme, at_high[:, cols])
        low_now = np.where(moving & ~high, at_extreme, at_low[:, cols])
        at_high[:, cols], at_low[:, cols] = high_now, low_now
        n_now = high_now.sum(axis=0) + low_now.sum(axis=0)
        n_win[cols] = n_now
        sk_now, ku_now = skew_kurt(v)
        sk[cols], ku[cols] = sk_now, ku_now
        active[cols] = (moving & ~_passes(sk_now, ku_now, skew[cols], kurtosis[cols])
                        & (n_now < max_winsorised[cols]))
    return out, n_win, at_high, at_low, sk, ku


def _win_codes(at_high: np.ndarray, at_low: np.ndarray) -> np.ndarray:
    # filled in place: np.where over text arrays then astype(object) costs three times more
    codes = np.full(at_high.shape, "", dtype=object)
    codes[at_low] = "winlo"
    codes[at_high] = "winhi"
    return codes


def winsorise(x: np.ndarray, *, skew: float = 2.0, kurtosis: float = 3.5,
              max_winsorised: int = 5) -> tuple[np.ndarray, int, np.ndarray]:
    """Winsorise one indicator until it passes the skew/kurtosis check (COINr ``winsorise``;
    see :func:`winsorise_columns`).

    Returns the winsorised vector, the number of points winsorised, and a per-point code:
    ``"winhi"``, ``"winlo"`` or ``""``.

    Examples
    --------
    >>> x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 100])
    >>> out, n, codes = winsorise(x)
    >>> out[-2:].tolist(), n
    ([50.0, 50.0], 1)
    """
    out, n_win, at_high, at_low = winsorise_columns(np.asarray(x, float)[:, None], skew=skew,
                                                    kurtosis=kurtosis,
                                                    max_winsorised=max_winsorised)
    return out[:, 0], int(n_win[0]), _win_codes(at_high, at_low)[:, 0]


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


def _rules(n: int, codes: Sequence[str] | None, indicators: Mapping | None,
           base: dict) -> list[dict]:
    """The treatment settings of each indicator: the step's, overridden per indicator."""
    if not indicators:
        return [base] * n
    if codes is None:
        raise ValueError("treat: per-indicator settings need the indicator codes.")
    return [{**base, **indicators[code]} if code in indicators else base for code in codes]


def check_function_params(settings: Mapping, owner: str) -> None:
    """``pass_check_params``, ``treatment_params`` and ``fallback_params`` only with an own
    function as ``pass_check``, ``treatment`` and ``fallback`` (a reference, in a recipe)."""
    for name in FUNCTIONS:
        function = settings.get(name)
        if settings.get(f"{name}_params") is not None and (
                function is None or (isinstance(function, str) and function in FALLBACKS)):
            raise InvalidParameter(f"'{name}_params' of {owner} has no effect without an own "
                                   f"function as '{name}'; remove it or give one.")


def treat(x: np.ndarray, *, method: str = "default", skew: float = 2.0,
          kurtosis: float = 3.5, max_winsorised: int = 5,
          fallback: str | Callable = "log_ct", combine: bool = False,
          indicators: Mapping[str, Mapping] | None = None,
          codes: Sequence[str] | None = None, pass_check: Callable | None = None,
          treatment: Callable | None = None, pass_check_params: Mapping | None = None,
          treatment_params: Mapping | None = None,
          fallback_params: Mapping | None = None) -> StepResult:
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
    fallback : {"log_ct", "log_ct_plus1", "log_gii", "none"} or callable, default "log_ct"
        Transformation for indicators that still fail after winsorising (COINr's ``f2``);
        an own function ``fallback(column, **fallback_params) -> column``.
    combine : bool, default False
        Apply the fallback to the winsorised values instead of the original ones.
    indicators : mapping of code → settings, optional
        Per-indicator overrides (like COINr's ``indiv_specs``): any of the settings above, or
        ``method`` ``none`` (exempt), ``winsorise`` with ``high``/``low`` points
        (:func:`winsorise_points`), or a transform (``log_ct``, ``log_ct_plus1``,
        ``log_gii``) applied directly.
    codes : sequence of str, optional
        Indicator codes (the columns of ``x``), needed with ``indicators``.
    pass_check : callable, optional
        COINr's ``f_pass``: ``pass_check(column, **pass_check_params)`` is True when the
        column needs no (more) treatment; asked before the treatment, after it and after the
        fallback, in place of the skew/kurtosis check (which the built-in winsorisation still
        uses to stop). NaN or None leaves the column untreated (COINr: ``f_pass`` gave NA).
    treatment : callable, optional
        COINr's ``f1``: ``treatment(column, **treatment_params) -> column`` in place of the
        built-in winsorisation, applied when the column fails the pass check.

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
    own = {"pass_check": pass_check, "treatment": treatment,
           "pass_check_params": pass_check_params, "treatment_params": treatment_params,
           "fallback_params": fallback_params}
    base.update({k: v for k, v in own.items() if v is not None})
    check_params("treat", base, _CONSTRAINTS)
    check_function_params(base, "treat")
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
    rules = _rules(n_ind, codes, indicators, base)
    info["rule"] = np.array([r["method"] for r in rules], dtype=object)
    info["points"] = np.full(x.shape, "", dtype=object)
    out = x.copy()
    if method == "none" and not indicators:
        return StepResult(out, info)

    info["skew0"], info["kurt0"] = skew_kurt(x)
    for j, rule in enumerate(rules):
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
    by_rule = [j for j, rule in enumerate(rules) if rule["method"] == "default"]
    if by_rule and any(callable(base.get(name)) for name in FUNCTIONS):
        for j in by_rule:
            _apply_own_rule(x[:, j], j, rules[j], out, info,
                            codes[j] if codes is not None else f"column {j}")
    elif by_rule:
        _apply_rule(x, np.array(by_rule), [rules[j] for j in by_rule], out, info, codes)
    return StepResult(out, info)


def _label(function: Callable | str) -> str:
    return function if isinstance(function, str) else reference_of(function).rsplit(":")[-1]


def _apply_own_rule(col0: np.ndarray, j: int, rule: Mapping, out: np.ndarray, info: dict,
                    name: str) -> None:
    """COINr's ``Treat.numeric`` on one column with own functions: pass check, treatment
    (own, or the built-in winsorisation), pass check, fallback (own or built-in), pass
    check. A check that gives no answer leaves the column untreated, as COINr does."""
    what = f"indicator {name}"

    def passes(col: np.ndarray, stage: int) -> bool | None:
        sk, ku = skew_kurt(col[:, None])
        if stage:
            info[f"skew{stage}"][j], info[f"kurt{stage}"][j] = sk[0], ku[0]
        check = rule.get("pass_check")
        if check is not None:
            verdict = passes_with(col, check, rule.get("pass_check_params"), what)
        else:
            verdict = None if np.isnan(sk[0]) or np.isnan(ku[0]) else bool(
                _passes(sk[0], ku[0], rule["skew"], rule["kurtosis"]))
        info[f"pass{stage}"][j] = verdict
        if verdict is None:
            warnings.warn(f"treat: {name}: the pass check gave no answer; left untreated.",
                          RuntimeWarning, stacklevel=4)
        return verdict

    if passes(col0, 0) in (None, True):
        return
    treatment = rule.get("treatment")
    if treatment is None:
        col1, info["n_winsorised"][j], codes = winsorise(
            col0, skew=rule["skew"], kurtosis=rule["kurtosis"],
            max_winsorised=rule["max_winsorised"])
    else:
        col1 = transform_with(col0, treatment, rule.get("treatment_params"), what)
        changed = (col1 != col0) & ~np.isnan(col0)
        codes = np.where(changed, _label(treatment), "").astype(object)
    verdict = passes(col1, 1)
    if verdict is None:
        return
    out[:, j], info["points"][:, j] = col1, codes
    fallback = rule["fallback"]
    if verdict or fallback == "none":
        return
    source = col1 if rule["combine"] else col0
    col2 = (transform_with(source, fallback, rule.get("fallback_params"), what)
            if callable(fallback) else FALLBACKS[fallback](source))
    if passes(col2, 2) is None:
        out[:, j], info["points"][:, j] = col0, ""
        return
    info["transformed"][j] = True
    label = _label(fallback)
    if rule["combine"]:
        label = np.where(codes != "", codes + "+" + label, label)
    out[:, j], info["points"][:, j] = col2, np.where(np.isnan(col0), "", label)


def _apply_rule(x: np.ndarray, cols: np.ndarray, rules: list[dict], out: np.ndarray,
                info: dict, codes: Sequence[str] | None = None) -> None:
    """The outlier rule on the columns ``cols``: test, winsorise, fall back (module
    docstring)."""
    skew = np.array([r["skew"] for r in rules], dtype=np.float64)
    kurtosis = np.array([r["kurtosis"] for r in rules], dtype=np.float64)
    sk0, ku0 = info["skew0"][cols], info["kurt0"][cols]
    undefined = np.isnan(sk0) | np.isnan(ku0)
    if undefined.any():
        named = [codes[j] if codes is not None else f"column {j}" for j in cols[undefined]]
        warnings.warn(f"treat: {', '.join(map(str, named))}: too few distinct values for "
                      "skew and kurtosis; left untreated.", RuntimeWarning, stacklevel=3)
    passes0 = _passes(sk0, ku0, skew, kurtosis)
    info["pass0"][cols[~undefined]] = passes0[~undefined]
    failing = ~undefined & ~passes0
    if not failing.any():
        return
    cols, rules = cols[failing], [r for r, f in zip(rules, failing, strict=True) if f]
    skew, kurtosis = skew[failing], kurtosis[failing]
    winsorised, n_win, at_high, at_low, sk1, ku1 = _winsorise(
        x[:, cols], sk0[failing], ku0[failing], skew=skew, kurtosis=kurtosis,
        max_winsorised=np.array([r["max_winsorised"] for r in rules]))
    codes = _win_codes(at_high, at_low)
    info["n_winsorised"][cols] = n_win
    info["skew1"][cols], info["kurt1"][cols] = sk1, ku1
    passes1 = _passes(sk1, ku1, skew, kurtosis)
    info["pass1"][cols] = passes1
    info["points"][:, cols] = codes
    out[:, cols] = winsorised
    for k, (j, rule) in enumerate(zip(cols, rules, strict=True)):
        transform = FALLBACKS[rule["fallback"]]
        if passes1[k] or transform is None:
            continue
        combine, col0 = rule["combine"], x[:, j]
        col = transform(winsorised[:, k] if combine else col0)
        info["transformed"][j] = True
        info["skew2"][j], info["kurt2"][j] = skew_kurt_complete(col[~np.isnan(col)])
        info["pass2"][j] = bool(_passes(info["skew2"][j], info["kurt2"][j], skew[k],
                                        kurtosis[k]))
        label = np.where(codes[:, k] != "", codes[:, k] + "+" + rule["fallback"],
                         rule["fallback"]) if combine else rule["fallback"]
        info["points"][:, j] = np.where(np.isnan(col0), "", label)
        out[:, j] = col
