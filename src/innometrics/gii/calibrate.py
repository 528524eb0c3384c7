"""Per-indicator rules of a GII edition, in two modes.

*Calibrated* (:func:`calibrated_rules`): inferred from each indicator's ``VALUE_SCREEN``
against WIPO's ``SCORE``. The direction is the sign of their rank correlation (where the
scores cannot show it, the documented direction of :mod:`~innometrics.gii.directions` and the
documented rule below are used); the treatment
and normalisation are the simplest that reproduce every SCORE within ``tolerance``, searched
in order of the number of points winsorised:

- ``x' = clip(x, x_(low+1), x_(n−high))`` (the ``high`` largest values set to the
  ``(high+1)``-th largest, the ``low`` smallest to the ``(low+1)``-th smallest), optionally
  followed by the GII log ``ln[(max−1)(x−min)/(max−min)+1]``, then min-max onto 0–100
  (``100·(max−x)/(max−min)`` for a "bad");
- failing that, a straight line with fixed bounds (goalposts) fitted on the scores strictly
  between 0 and 100, ``100·(x − low)/(high − low)``, with or without clipping.

*Documented* (:func:`documented_rules`): only what WIPO's methodology states, applied to
``VALUE_SCREEN`` without looking at SCORE: an indicator is treated when ``|skew| ≥ skew`` and
``kurtosis ≥ kurtosis`` (Excel ``SKEW``/``KURT``: bias-adjusted G1, excess G2); it is
winsorised COINr's way (all points tied at the extreme of the skew's tail take the next value
inward, counted together) until it passes or ``max_winsorised`` points are reached; if it
still fails, the GII log of the original values is used; then min-max 0–100, bads inverted.
Directions and weights are not stated per indicator by the methodology, so this mode takes
them as given (by default :func:`~innometrics.gii.directions.indicator_directions`).

Both return the same table (:data:`RULE_COLUMNS`), one row per indicator;
:func:`reproduction` scores any rules table against the workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..stats import skew_kurt_complete
from ..steps.treat import log_gii, winsorise_columns, winsorise_points
from .directions import indicator_directions, infer_direction
from .scoring import goalpost_scores, minmax_scores, score_indicators
from .weights import infer_weights, weights_of
from .workbook import Workbook

__all__ = ["IndicatorRule", "infer_indicator_rule",
           "documented_indicator_rule", "calibrated_rules", "documented_rules",
           "reproduction", "describe_rule", "rule_differences", "RULE_COLUMNS"]

#: Columns of a rules table.
RULE_COLUMNS = ("iCode", "direction", "weight", "treatment", "points_high", "points_low",
                "normalisation", "bound_low", "bound_high", "truncate", "source_of_rule",
                "evidence", "max_abs_error", "n_reproduced", "n_present")
_GII_LOG = "GII log ln[(max−1)(x−min)/(max−min)+1]"


@dataclass(frozen=True)
class IndicatorRule:
    """How one indicator's values become scores (see the module docstring)."""

    code: str
    direction: int
    treatment: str = "none"
    points_high: int = 0
    points_low: int = 0
    normalisation: str = "minmax"
    bound_low: float = float("nan")
    bound_high: float = float("nan")
    truncate: bool | None = None
    evidence: str = ""
    max_abs_error: float = float("nan")
    n_reproduced: int | None = None
    n_present: int = 0

    def as_row(self, *, weight: float, source: str) -> dict:
        """The rule as a row of a rules table."""
        row = asdict(self)
        row["iCode"] = row.pop("code")
        return {**{k: row.get(k) for k in RULE_COLUMNS}, "weight": weight,
                "source_of_rule": source}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _extremes(scores: np.ndarray, tolerance: float) -> str:
    n0 = int(np.sum(scores <= tolerance))
    n100 = int(np.sum(scores >= 100 - tolerance))
    return f"{n100} at 100, {n0} at 0"


def _points_text(high: int, low: int) -> str:
    parts = []
    if high:
        parts.append(f"{high} largest set to the {_ordinal(high + 1)} largest")
    if low:
        parts.append(f"{low} smallest set to the {_ordinal(low + 1)} smallest")
    return " and ".join(parts)


def _max_err(predicted: np.ndarray, scores: np.ndarray) -> float:
    err = np.abs(predicted - scores)
    return float("inf") if np.isnan(err).any() else float(err.max(initial=0.0))


def _nice(x: float, digits: int = 10) -> float:
    return float(f"{x:.{digits}g}")


def _goalposts(v: np.ndarray, s: np.ndarray, tolerance: float):
    """Fixed bounds fitted on the scores strictly inside (0, 100); None if no line fits."""
    inside = (s > tolerance) & (s < 100 - tolerance)
    if inside.sum() < 3 or np.ptp(v[inside]) == 0:
        return None
    beta, alpha = np.polyfit(v[inside], s[inside], 1)
    if beta == 0:
        return None
    direction = 1 if beta > 0 else -1
    low, high = sorted((-alpha / beta, (100 - alpha) / beta))
    best = None
    for lo, hi in ((_nice(low), _nice(high)), (low, high)):
        for truncate in (False, True):
            err = _max_err(goalpost_scores(v, direction, lo, hi, truncate=truncate), s)
            if best is None or err < best[-1]:
                best = (direction, lo, hi, truncate, err)
    return best


def infer_indicator_rule(values: np.ndarray, scores: np.ndarray, *, code: str = "",
                         tolerance: float = 1e-6, max_points: int = 10) -> IndicatorRule:
    """The simplest rule turning ``values`` into ``scores`` within ``tolerance``.

    Parameters
    ----------
    values, scores : ndarray, shape (n_units,)
        ``VALUE_SCREEN`` and ``SCORE`` of one indicator (NaN = missing).
    code : str
        Indicator code, carried into the rule.
    tolerance : float, default 1e-6
        Largest |error| accepted on any economy.
    max_points : int, default 10
        Largest number of points winsorised in each tail that is tried.

    Returns
    -------
    IndicatorRule
        With ``evidence``, ``max_abs_error``, ``n_reproduced`` and ``n_present`` filled. When
        no rule fits, the best candidate is returned and ``evidence`` says so. When the scores
        show no direction (:func:`infer_direction` is 0), ``direction`` is 0 and nothing else
        is inferred.

    Examples
    --------
    >>> v = np.array([1.0, 2.0, 3.0, 4.0, 40.0])
    >>> rule = infer_indicator_rule(v, np.array([0.0, 100 / 3, 200 / 3, 100.0, 100.0]))
    >>> rule.treatment, rule.points_high, rule.evidence.split(";")[0]
    ('winsorised', 1, '1 largest set to the 2nd largest (2 at 100, 1 at 0), then min-max')
    """
    v_all, s_all = np.asarray(values, float), np.asarray(scores, float)
    both = ~np.isnan(v_all) & ~np.isnan(s_all)
    unmatched = int(np.sum(np.isnan(v_all) != np.isnan(s_all)))
    note = f"; {unmatched} economies have a value or a score but not both" if unmatched else ""
    v, s = v_all[both], s_all[both]
    n = int(both.sum())
    direction = infer_direction(v, s)
    if direction == 0:  # no direction is assumed: the caller takes a documented one
        return IndicatorRule(code, 0, evidence=f"the scores show no direction ({n} economies "
                             f"with a value and a score){note}", n_present=n, n_reproduced=0)
    best = None
    for total in range(2 * max_points + 1):
        for high in range(max(0, total - max_points), min(total, max_points) + 1):
            low = total - high
            clipped = winsorise_points(v, high=high, low=low)[0]
            if np.ptp(clipped) == 0:
                continue
            for treatment in ("none", "log"):
                x = log_gii(clipped) if treatment == "log" else clipped
                predicted = minmax_scores(x, direction)
                err = _max_err(predicted, s)
                if best is None or err < best[-1]:
                    best = (treatment, high, low, predicted, err)
                if err <= tolerance:
                    return _found(code, direction, treatment, high, low, v, s, predicted, err,
                                  tolerance, note)
    fit = _goalposts(v, s, tolerance)
    if fit is not None and fit[-1] <= tolerance:
        d, lo, hi, truncate, err = fit
        outside = int(np.sum((v < lo) | (v > hi)))
        clip = f", {outside} outside the bounds clipped" if truncate else ""
        evidence = (f"linear with fixed bounds [{lo:g}, {hi:g}] (values span {v.min():g}–"
                    f"{v.max():g}{clip}){' falling (a bad)' if d < 0 else ''}; "
                    f"max |err| {err:.1e}{note}")
        predicted = goalpost_scores(v, d, lo, hi, truncate=truncate)
        return IndicatorRule(code, d, "none", 0, 0, "goalposts", lo, hi,
                             bool(truncate and outside), evidence, err,
                             int(np.sum(np.abs(predicted - s) <= tolerance)), n)
    treatment, high, low, predicted, err = best
    return IndicatorRule(
        code, direction, "log" if treatment == "log" else ("winsorised" if high or low
                                                            else "none"),
        high, low, evidence=(f"no rule reproduces within {tolerance:g}; closest: "
                             f"{_points_text(high, low) or 'untreated'}"
                             f"{', GII log' if treatment == 'log' else ''}, min-max, max |err| "
                             f"{err:.2g}{note}"),
        max_abs_error=err, n_reproduced=int(np.sum(np.abs(predicted - s) <= tolerance)),
        n_present=n)


def _found(code, direction, treatment, high, low, v, s, predicted, err, tolerance, note):
    bad = "falling (a bad), " if direction < 0 else ""
    ends = _extremes(s, tolerance)
    if treatment == "log":
        what = f"{_GII_LOG} of the {'winsorised' if high or low else 'original'} values"
        if high or low:
            what = f"{_points_text(high, low)}, then {what}"
        evidence = f"{bad}{what}, then min-max ({ends}); max |err| {err:.1e}"
        kind = "log"
    elif high or low:
        evidence = f"{bad}{_points_text(high, low)} ({ends}), then min-max; max |err| {err:.1e}"
        kind = "winsorised"
    else:
        evidence = f"{bad}min-max of the values ({ends}); max |err| {err:.1e}"
        kind = "none"
    return IndicatorRule(code, direction, kind, high, low, "minmax", evidence=evidence + note,
                         max_abs_error=err,
                         n_reproduced=int(np.sum(np.abs(predicted - s) <= tolerance)),
                         n_present=len(v))


def documented_indicator_rule(values: np.ndarray, *, direction: int, code: str = "",
                              skew: float = 2.25, kurtosis: float = 3.5,
                              max_winsorised: int = 5) -> IndicatorRule:
    """WIPO's documented rule for one indicator, from its values alone.

    Treated when ``|G1| ≥ skew`` and ``G2 ≥ kurtosis``; then winsorised COINr's way (every
    point tied at the extreme of the tail the skew points to takes the next value inward;
    the count is the number of points tied at the extreme last moved) until it passes or
    ``max_winsorised`` points are reached; if it still fails, the GII log of the original
    values. Min-max 0–100 follows (``direction`` −1 inverts).

    Examples
    --------
    >>> x = np.r_[np.arange(1.0, 30.0), 500.0]
    >>> documented_indicator_rule(x, direction=1).treatment
    'winsorised'
    """
    x = np.asarray(values, dtype=np.float64)
    v = x[~np.isnan(x)].copy()
    n = int(v.size)
    if n < 4 or np.ptp(v) == 0:
        return IndicatorRule(code, direction, evidence=f"too few distinct values ({n}) for "
                             "skew/kurtosis: untreated", n_present=n)
    sk0, ku0 = skew_kurt_complete(v)

    def fails(sk: float, ku: float) -> bool:
        return abs(sk) >= skew and ku >= kurtosis

    if not fails(sk0, ku0):
        return IndicatorRule(code, direction, evidence=(
            f"skew {sk0:.3f}, kurtosis {ku0:.2f}: passes (|skew| < {skew:g} or kurtosis "
            f"< {kurtosis:g}); min-max"), n_present=n)
    winsorised, n_moved, at_high, at_low = winsorise_columns(
        v[:, None], skew=skew, kurtosis=kurtosis, max_winsorised=max_winsorised)
    moved = int(n_moved[0])
    sk, ku = skew_kurt_complete(winsorised[:, 0])
    start = f"skew {sk0:.3f}, kurtosis {ku0:.2f}: treated"
    if fails(sk, ku):
        return IndicatorRule(code, direction, "log", evidence=(
            f"{start}; still skew {sk:.3f}, kurtosis {ku:.2f} after {moved} points "
            f"winsorised: {_GII_LOG} of the original values, then min-max"), n_present=n)
    high_n, low_n = int(at_high.sum()), int(at_low.sum())
    return IndicatorRule(code, direction, "winsorised", high_n, low_n, evidence=(
        f"{start}; {_points_text(high_n, low_n)} → skew {sk:.3f}, kurtosis {ku:.2f}: "
        "passes; min-max"), n_present=n)


def _table(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(RULE_COLUMNS))
    for column in ("direction", "points_high", "points_low", "n_present"):
        frame[column] = frame[column].astype(int)
    return frame


def calibrated_rules(workbook: Workbook, *, tolerance: float = 1e-6, max_points: int = 10,
                     weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Rules inferred from ``VALUE_SCREEN`` against ``SCORE``, one row per indicator.

    ``weights`` defaults to :func:`~innometrics.gii.weights.infer_weights`. Columns:
    :data:`RULE_COLUMNS`; ``source_of_rule`` is ``"inferred"``, or ``"documented"`` for an
    indicator whose scores cannot show its rule: WIPO's documented rule
    (:func:`documented_indicator_rule`) with the direction of
    :func:`~innometrics.gii.directions.indicator_directions`, whose evidence leads the
    ``evidence`` column.

    Raises
    ------
    InputError
        Naming an indicator whose direction nothing shows (never assumed).
    """
    weights = weights_of(infer_weights(workbook, tolerance=tolerance)) if weights is None \
        else weights
    directions = indicator_directions(workbook).set_index("iCode")
    values = workbook.wide("VALUE_SCREEN", workbook.indicators)
    scores = workbook.wide("SCORE", workbook.indicators)
    rows = []
    for c in workbook.indicators:
        weight = float(weights.get(c, 1.0))
        if directions.loc[c, "source"] == "scores":
            rows.append(infer_indicator_rule(values[c].to_numpy(), scores[c].to_numpy(),
                                             code=c, tolerance=tolerance,
                                             max_points=max_points)
                        .as_row(weight=weight, source="inferred"))
            continue
        rule = documented_indicator_rule(values[c].to_numpy(),
                                         direction=int(directions.loc[c, "direction"]), code=c)
        row = rule.as_row(weight=weight, source="documented")
        row["evidence"] = f"direction: {directions.loc[c, 'evidence']}; {row['evidence']}"
        rows.append(row)
    return _table(rows)


def documented_rules(workbook: Workbook, *, directions: Mapping[str, int] | None = None,
                     weights: Mapping[str, float] | None = None, skew: float = 2.25,
                     kurtosis: float = 3.5, max_winsorised: int = 5) -> pd.DataFrame:
    """WIPO's documented rules applied to ``VALUE_SCREEN`` (see
    :func:`documented_indicator_rule`), one row per indicator; ``source_of_rule`` is
    ``"documented"``.

    The methodology does not list directions or weights per indicator: ``directions``
    defaults to :func:`~innometrics.gii.directions.indicator_directions` (the scores, else a
    documented direction; never assumed), ``weights`` to
    :func:`~innometrics.gii.weights.infer_weights`. The reproduction columns are left empty
    (fill them with :func:`reproduction`).
    """
    values = workbook.wide("VALUE_SCREEN", workbook.indicators)
    if directions is None:
        found = indicator_directions(workbook)
        directions = dict(zip(found["iCode"], found["direction"], strict=True))
    if weights is None:
        weights = weights_of(infer_weights(workbook))
    rows = [documented_indicator_rule(values[c].to_numpy(), direction=int(directions[c]),
                                      code=c, skew=skew, kurtosis=kurtosis,
                                      max_winsorised=max_winsorised)
            .as_row(weight=float(weights.get(c, 1.0)), source="documented")
            for c in workbook.indicators]
    return _table(rows)


def reproduction(workbook: Workbook, rules: pd.DataFrame, *,
                 tolerance: float = 1e-6) -> pd.DataFrame:
    """``rules`` with ``max_abs_error``, ``n_reproduced`` (economies within ``tolerance``)
    and ``n_present`` recomputed against the workbook's SCOREs."""
    values = workbook.wide("VALUE_SCREEN", list(rules["iCode"]))
    published = workbook.wide("SCORE", list(rules["iCode"]))
    ours = score_indicators(values, rules)
    err = (ours - published).abs()
    out = rules.copy()
    present = published.notna()
    same_presence = (ours.notna() == present).all()
    out["max_abs_error"] = [err[c][present[c]].max() if same_presence[c] else np.inf
                            for c in rules["iCode"]]
    out["n_reproduced"] = [int(((err[c] <= tolerance) & present[c]).sum())
                           for c in rules["iCode"]]
    out["n_present"] = [int(present[c].sum()) for c in rules["iCode"]]
    return out


def describe_rule(rule: Mapping) -> str:
    """A rule in a few words, e.g. ``"winsorised 3 high"`` or ``"goalposts [1, 7]"``."""
    if rule["normalisation"] == "goalposts":
        text = f"goalposts [{rule['bound_low']:g}, {rule['bound_high']:g}]"
    else:
        text = "min-max"
    parts = []
    high, low = int(rule["points_high"]), int(rule["points_low"])
    if high:
        parts.append(f"{high} high")
    if low:
        parts.append(f"{low} low")
    treatment = {"none": "untreated", "winsorised": "winsorised", "log": "log"}.get(
        rule["treatment"], rule["treatment"])
    if parts:
        treatment = f"{treatment} {' + '.join(parts)}"
    bad = ", bad" if int(rule["direction"]) < 0 else ""
    return f"{treatment}, {text}{bad}"


def rule_differences(documented: pd.DataFrame, calibrated: pd.DataFrame) -> pd.DataFrame:
    """Indicator by indicator: whether the two rules agree and, where not, why.

    Returns a table with ``iCode``, ``documented``, ``calibrated`` (see
    :func:`describe_rule`), ``same`` and ``difference`` (``direction``, ``log vs
    winsorise``, ``different tail``, ``different number of points``, ``fixed bounds``,
    ``treated vs untreated``; empty when they agree).
    """
    cal = calibrated.set_index("iCode")
    rows = []
    for _, d in documented.iterrows():
        c = cal.loc[d["iCode"]]
        reasons = []
        if int(d["direction"]) != int(c["direction"]):
            reasons.append("direction")
        if d["normalisation"] != c["normalisation"]:
            reasons.append("fixed bounds")
        kinds = {d["treatment"], c["treatment"]}
        if kinds == {"log", "winsorised"}:
            reasons.append("log vs winsorise")
        elif d["treatment"] != c["treatment"]:
            reasons.append("treated vs untreated")
        elif d["treatment"] == "winsorised":
            d_tail = (int(d["points_high"]) > 0, int(d["points_low"]) > 0)
            c_tail = (int(c["points_high"]) > 0, int(c["points_low"]) > 0)
            if d_tail != c_tail:
                reasons.append("different tail")
            elif (int(d["points_high"]), int(d["points_low"])) != \
                    (int(c["points_high"]), int(c["points_low"])):
                reasons.append("different number of points")
        rows.append({"iCode": d["iCode"], "documented": describe_rule(d),
                     "calibrated": describe_rule(c), "same": not reasons,
                     "difference": ", ".join(reasons)})
    return pd.DataFrame(rows)
