"""Statistical audit of a composite index: statistics, coherence, weights and importance.

The audit follows the JRC's checks (OECD/JRC 2008 Handbook, COINr's ``get_stats``,
``get_corr``, ``get_cronbach``, ``get_PCA``, ``get_eff_wts``) and adds the correlation-ratio
importance of Paruolo, Saisana & Saltelli (2013). :func:`audit` runs them all on an
:class:`~innometrics.result.IndexResult` and returns an :class:`Audit`; the kernels below it
(:func:`describe`, :func:`cronbach_alpha`, :func:`pca`, :func:`effective_weights`,
:func:`correlation_ratio`) are pure functions usable on their own.

Coherence checks (correlations, alpha, PCA, importance) use the scores of the last stage
(``Aggregated``): normalised indicators, oriented so that more is better, and the aggregates.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
Psychometrika 16, 297-334. doi:10.1007/BF02310555
OECD/JRC (2008). Handbook on Constructing Composite Indicators. doi:10.1787/9789264043466-en
Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science?
JRSS-A 176(3), 609-634. doi:10.1111/j.1467-985X.2012.01059.x
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ._params import Interval, Real, check_params
from .framework import Framework
from .stats import kurtosis, skewness

__all__ = ["Audit", "audit", "describe", "cronbach_alpha", "pca", "effective_weights",
           "correlation_ratio", "STATS_COLUMNS"]

#: Columns of :func:`describe` (COINr ``get_stats`` layout, after ``iCode``).
STATS_COLUMNS = ("Min", "Max", "Mean", "Median", "Std", "Skew", "Kurt", "N.Avail", "N.NonZero",
                 "N.Unique", "N.Same", "Frc.Avail", "Frc.NonZero", "Frc.Unique", "Frc.Same",
                 "Flag.Avail", "Flag.NonZero", "Flag.Unique", "Flag.SkewKurt")

_UNIT = Interval(Real, 0, 1)
_CONSTRAINTS = {
    "collinear": [Interval(Real, -1, 1)],
    "t_skew": [Interval(Real, 0, None)],
    "t_kurt": [Real],
    "t_avail": [_UNIT],
    "t_zero": [_UNIT],
    "t_unq": [_UNIT],
    "alpha_min": [Interval(Real, None, 1)],
}


# --- kernels ----------------------------------------------------------------------------------
def _same_count(col: np.ndarray) -> int:
    """Size of the largest group of equal values, values compared at 15 significant digits
    (R's ``max(table(x))`` tabulates ``as.character(x)``)."""
    if col.size == 0:
        return 0
    keys = np.array([float(f"{v:.15g}") for v in col])
    return int(np.unique(keys, return_counts=True)[1].max())


def describe(frame: pd.DataFrame, *, t_skew: float = 2.0, t_kurt: float = 3.5,
             t_avail: float = 0.65, t_zero: float = 0.5, t_unq: float = 0.5) -> pd.DataFrame:
    """Per-column statistics and flags, as COINr's ``get_stats`` (COINr 1.1.14 defaults).

    With ``n`` rows, and per column ``a`` values present, ``z`` non-zero, ``u`` distinct and
    ``s`` the count of the most frequent value:

    - ``Min, Max, Mean, Median``; ``Std`` the sample sd (n − 1); ``Skew``, ``Kurt`` Excel-style
      (:func:`innometrics.stats.skewness`, :func:`~innometrics.stats.kurtosis`, excess);
    - ``N.Avail = a``, ``N.NonZero = z``, ``N.Unique = u``, ``N.Same = s``;
      ``Frc.Avail = a/n``, ``Frc.NonZero = z/a``, ``Frc.Unique = u/a``, ``Frc.Same = s/a``;
    - ``Flag.Avail`` "LOW" if ``a/n < t_avail``; ``Flag.NonZero`` "LOW" if ``z/n < t_zero``;
      ``Flag.Unique`` "LOW" if ``u/n < t_unq`` (note: over ``n``, as COINr); ``Flag.SkewKurt``
      "OUT" if ``|Skew| > t_skew`` and ``Kurt > t_kurt``; otherwise "ok".

    Parameters
    ----------
    frame : DataFrame, shape (n_units, n_columns)
        Numeric columns; NaN = missing.
    t_skew, t_kurt, t_avail, t_zero, t_unq : float, defaults 2, 3.5, 0.65, 0.5, 0.5

    Returns
    -------
    DataFrame, shape (n_columns, 20)
        ``iCode`` then :data:`STATS_COLUMNS`, one row per column of ``frame``.

    Examples
    --------
    >>> t = describe(pd.DataFrame({"a": [0.0, 1.0, 1.0, np.nan]}))
    >>> t[["iCode", "Min", "Max", "N.Avail", "N.NonZero", "N.Same", "Flag.Avail"]]
      iCode  Min  Max  N.Avail  N.NonZero  N.Same Flag.Avail
    0     a  0.0  1.0        3          2       2         ok
    """
    check_params("audit.describe", {"t_skew": t_skew, "t_kurt": t_kurt, "t_avail": t_avail,
                                    "t_zero": t_zero, "t_unq": t_unq}, _CONSTRAINTS)
    x = frame.to_numpy(dtype=np.float64)
    n = x.shape[0]
    rows = []
    with np.errstate(invalid="ignore", divide="ignore"):
        skew, kurt = skewness(x, axis=0), kurtosis(x, axis=0)
        for j, code in enumerate(frame.columns):
            col = x[:, j][~np.isnan(x[:, j])]
            a = col.size
            z = int(np.count_nonzero(col))
            u = int(np.unique(col).size)
            s = _same_count(col)
            rows.append({
                "iCode": code,
                "Min": col.min() if a else np.nan,
                "Max": col.max() if a else np.nan,
                "Mean": col.mean() if a else np.nan,
                "Median": np.median(col) if a else np.nan,
                "Std": col.std(ddof=1) if a > 1 else np.nan,
                "Skew": skew[j], "Kurt": kurt[j],
                "N.Avail": a, "N.NonZero": z, "N.Unique": u, "N.Same": s,
                "Frc.Avail": a / n if n else np.nan,
                "Frc.NonZero": z / a if a else np.nan,
                "Frc.Unique": u / a if a else np.nan,
                "Frc.Same": s / a if a else np.nan,
                "Flag.Avail": "ok" if n and a / n >= t_avail else "LOW",
                "Flag.NonZero": "ok" if n and z / n >= t_zero else "LOW",
                "Flag.Unique": "ok" if n and u / n >= t_unq else "LOW",
                "Flag.SkewKurt": "OUT" if abs(skew[j]) > t_skew and kurt[j] > t_kurt else "ok",
            })
    return pd.DataFrame(rows, columns=["iCode", *STATS_COLUMNS])


def _complete(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array (n_units, n_items); got shape {x.shape}.")
    return x[~np.isnan(x).any(axis=1)]


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns (items) of ``x``, on complete cases.

    ``α = k/(k−1) · (1 − Σ_i σ_i² / σ_T²)`` with ``k`` items, ``σ_i²`` the sample variance of
    item ``i`` and ``σ_T²`` that of the row sums (Cronbach 1951). Rows with any missing value
    are dropped first (listwise deletion, as COINr ``get_cronbach`` with ``use =
    "complete.obs"``); NaN with fewer than 2 items, fewer than 2 complete rows or constant
    row sums.

    Parameters
    ----------
    x : ndarray, shape (n_units, k)

    Returns
    -------
    float

    References
    ----------
    Cronbach, L. J. (1951). Psychometrika 16, 297-334. doi:10.1007/BF02310555

    Examples
    --------
    >>> x = np.array([[1.0, 2.0, 2.0], [2.0, 4.0, 3.0], [3.0, 6.0, 5.0], [4.0, 8.0, 4.0]])
    >>> round(cronbach_alpha(x), 6)
    0.891892
    """
    x = _complete(x)
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total))


def pca(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal components of the standardised columns of ``x`` (complete cases).

    Rows with a missing value are dropped; columns are z-scored (sample sd), so the PCA is that
    of the correlation matrix ``R``: ``R = V Λ Vᵀ`` (``numpy.linalg.eigh``), components sorted
    by decreasing eigenvalue. The variance share of component ``m`` is ``λ_m / k``. Loadings
    are the unit-norm eigenvectors (R's ``prcomp(scale. = TRUE)$rotation``), each signed so
    that its entries sum to a non-negative number.

    Parameters
    ----------
    x : ndarray, shape (n_units, k)

    Returns
    -------
    shares : ndarray, shape (k,)
        Share of the total variance of each component (sums to 1).
    loadings : ndarray, shape (k, k)
        ``loadings[i, m]``: weight of column ``i`` in component ``m``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, 8.0]])
    >>> shares, loadings = pca(x)
    >>> bool(shares[0] > 0.99), np.round(loadings[:, 0], 4).tolist()
    (True, [0.7071, 0.7071])
    """
    x = _complete(x)
    k = x.shape[1]
    if x.shape[0] < 2 or k < 1:
        return np.full(k, np.nan), np.full((k, k), np.nan)
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return np.full(k, np.nan), np.full((k, k), np.nan)
    z = (x - x.mean(axis=0)) / sd
    corr = z.T @ z / (x.shape[0] - 1)
    values, vectors = np.linalg.eigh(corr)
    order = np.argsort(values)[::-1]
    values, vectors = np.clip(values[order], 0.0, None), vectors[:, order]
    signs = np.where(vectors.sum(axis=0) < 0, -1.0, 1.0)
    return values / values.sum(), vectors * signs


def effective_weights(framework: Framework) -> pd.DataFrame:
    """Effective weight of every node in the index.

    Weights are first normalised within each sibling group, ``w̃_c = w_c / Σ_{s ∈ sib(c)} w_s``
    (the top level counting as one group); the effective weight is the product of the
    normalised weights along the path to the top, ``e_c = w̃_c · e_parent(c)`` (COINr
    ``get_eff_wts``). The effective weights of each level sum to 1.

    Parameters
    ----------
    framework : Framework

    Returns
    -------
    DataFrame
        ``iCode, Level, Parent, Weight, EffWeight``, one row per node in framework order.

    Examples
    --------
    >>> from innometrics.framework import Node
    >>> fw = Framework((Node("a", "a", 1, "P", 1.0), Node("b", "b", 1, "P", 3.0),
    ...                 Node("c", "c", 1, "Q", 1.0), Node("P", "P", 2, "I", 1.0),
    ...                 Node("Q", "Q", 2, "I", 1.0), Node("I", "I", 3, None, 1.0)))
    >>> effective_weights(fw)["EffWeight"].tolist()
    [0.125, 0.375, 0.5, 0.5, 0.5, 1.0]
    """
    nodes = framework.nodes
    totals: dict[str | None, float] = {}
    for node in nodes:
        totals[node.parent] = totals.get(node.parent, 0.0) + node.weight
    eff: dict[str, float] = {}
    for node in sorted(nodes, key=lambda n: -n.level):
        share = node.weight / totals[node.parent]
        eff[node.code] = share * (eff[node.parent] if node.parent is not None else 1.0)
    return pd.DataFrame({
        "iCode": [n.code for n in nodes],
        "Level": [n.level for n in nodes],
        "Parent": [n.parent for n in nodes],
        "Weight": [n.weight for n in nodes],
        "EffWeight": [eff[n.code] for n in nodes],
    })


def _local_linear(x: np.ndarray, y: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Local-linear fit at the data points with a Gaussian kernel: fitted values and the
    diagonal of the smoother matrix."""
    d = x[None, :] - x[:, None]                      # d[j, i] = x_i − x_j (fit at x_j)
    k = np.exp(-0.5 * (d / h) ** 2)
    s1, s2 = (k * d).sum(axis=1), (k * d * d).sum(axis=1)
    lw = k * (s2[:, None] - d * s1[:, None])         # equivalent kernel weights
    lw /= lw.sum(axis=1, keepdims=True)
    return lw @ y, np.diag(lw).copy()


def correlation_ratio(x: np.ndarray, y: np.ndarray, *, n_bandwidths: int = 25) -> float:
    """First-order sensitivity (correlation ratio) ``S = V(E(y|x)) / V(y)``, nonparametric.

    Estimator: ``E(y|x)`` is fitted by a local-linear regression with a Gaussian kernel
    (Fan & Gijbels 1996), with bandwidth ``h = c · sd(x) · n^(−1/5)`` chosen by exact
    leave-one-out cross-validation over ``n_bandwidths`` values of ``c`` spaced
    logarithmically on ``[0.1, 100]`` (the upper end is practically a straight line, so a
    linear dependence is never penalised). Then ``S = var(m̂(x_j)) / var(y_j)`` over the
    points (Paruolo, Saisana & Saltelli 2013, eq. 6, who use a local-linear / penalised
    spline smoother too). Pairs with a missing value are dropped. A local-linear smoother
    reproduces straight lines, so ``S = 1`` for ``y = a + b·x``; for ``y`` independent of
    ``x``, ``S`` is of order ``1/n``. Not capped at 1.

    Parameters
    ----------
    x, y : ndarray, shape (n,)
    n_bandwidths : int, default 25

    Returns
    -------
    float
        NaN with fewer than 3 complete pairs or constant ``x`` or ``y``.

    Notes
    -----
    Cost O(n_bandwidths · n²) time and O(n²) memory.

    References
    ----------
    Paruolo, P., Saisana, M. & Saltelli, A. (2013). JRSS-A 176(3), 609-634.
    doi:10.1111/j.1467-985X.2012.01059.x

    Examples
    --------
    >>> x = np.linspace(0.0, 1.0, 11)
    >>> round(correlation_ratio(x, 2 * x + 1), 12)
    1.0
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = x.size
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    base = x.std(ddof=1) * n ** -0.2
    best, fit = np.inf, None
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in np.geomspace(0.1, 100.0, n_bandwidths):
            m, diag = _local_linear(x, y, c * base)
            cv = np.mean(((y - m) / (1.0 - diag)) ** 2)
            if np.isfinite(cv) and cv < best:
                best, fit = cv, m
    if fit is None:
        return float("nan")
    return float(fit.var(ddof=1) / y.var(ddof=1))


# --- the audit --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Audit:
    """Results of :func:`audit`; every table is a DataFrame.

    Attributes
    ----------
    stats : dict of str → DataFrame
        :func:`describe` of each stage (``Raw``, ..., ``Aggregated``).
    correlations : DataFrame
        Long table: ``Kind`` ("parent": a node with its parent; "within": two siblings),
        ``Group`` (the parent), ``Level`` (of the nodes correlated), ``Var1``, ``Var2``
        (parent and node for "parent" rows, to match COINr's ``get_corr``), ``Pearson``,
        ``Spearman``, ``N`` (pairwise complete), ``Flag`` ("collinear": Pearson >
        ``collinear``; "negative": Pearson < 0; "" otherwise).
    cronbach : DataFrame
        Per aggregate: ``iCode, Level, N.Items, N.Units`` (complete cases), ``Alpha``, ``Flag``
        ("LOW" below ``alpha_min``).
    pca : DataFrame
        Per aggregate: ``iCode, Level, N.Items, N.Units, PC1.Share``, ``PC1.Eigenvalue``,
        ``N.Eigen>1`` (Kaiser).
    pca_loadings : DataFrame
        Long: ``Group, iCode, PC, Loading``.
    weights : DataFrame
        :func:`effective_weights`.
    importance : DataFrame
        Per non-top node: correlation ratio with its parent ``S.Parent`` and with the index
        ``S.Index``; ``S.Parent.Norm`` (normalised over siblings) against ``Weight.Norm``
        (nominal, normalised over siblings); ``S.Index.Norm`` (normalised over the level)
        against ``EffWeight``; ``Ratio = S.Parent.Norm / Weight.Norm``.
    flags : DataFrame
        Every flag raised: ``Check, Stage, iCode, Other, Flag, Value``.
    """

    stats: dict[str, pd.DataFrame]
    correlations: pd.DataFrame
    cronbach: pd.DataFrame
    pca: pd.DataFrame
    pca_loadings: pd.DataFrame
    weights: pd.DataFrame
    importance: pd.DataFrame
    flags: pd.DataFrame
    recipe: Any = None
    thresholds: dict = field(default_factory=dict)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every table by its file stem (``stats_Raw``, ..., ``correlations``, ``flags``)."""
        frames = {f"stats_{stage}": table for stage, table in self.stats.items()}
        frames.update(correlations=self.correlations, cronbach=self.cronbach, pca=self.pca,
                      pca_loadings=self.pca_loadings, weights_effective=self.weights,
                      importance=self.importance, flags=self.flags)
        return frames

    def _repr_html_(self) -> str:
        """The flags raised (for Jupyter)."""
        return self.flags.to_html(index=False, float_format="{:.3f}".format)

    def tables(self) -> dict[str, pd.DataFrame | str]:
        """Every table as ``<stem>.csv``, with the recipe audited (``recipe.yaml``,
        ``framework.csv``, ``data.csv``)."""
        from .result import recipe_files

        out: dict[str, pd.DataFrame | str] = {f"{stem}.csv": frame
                                              for stem, frame in self.to_frames().items()}
        if self.recipe is not None:
            out.update(recipe_files(self.recipe))
        return out

    def write(self, out: str | os.PathLike, *, force: bool = False,
              started: float | None = None) -> Path:
        """Write an ``audit`` run directory (see :mod:`innometrics.runs`)."""
        from .runs import write_run

        settings = {"audit": dict(self.thresholds),
                    "recipe": self.recipe.to_dict() if self.recipe is not None else None}
        inputs = self.recipe.input_files() if self.recipe is not None else {}
        return write_run(out, kind="audit", tables=self.tables(), settings=settings,
                         inputs=inputs, force=force, started=started,
                         details={"flags": len(self.flags)})


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    keep = ~(np.isnan(a) | np.isnan(b))
    n = int(keep.sum())
    if n < 3 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return np.nan, np.nan, n
    a, b = a[keep], b[keep]
    return (float(np.corrcoef(a, b)[0, 1]), float(_sps.spearmanr(a, b).statistic), n)


def _flag(r: float, collinear: float) -> str:
    if r > collinear:
        return "collinear"
    return "negative" if r < 0 else ""


def _children(fw: Framework) -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {}
    for node in fw.nodes:
        if node.parent is not None:
            kids.setdefault(node.parent, []).append(node.code)
    return kids


def _correlations(scores: pd.DataFrame, fw: Framework, collinear: float) -> pd.DataFrame:
    rows = []
    kids = _children(fw)
    col = {c: scores[c].to_numpy(dtype=np.float64) for c in fw.codes}
    for parent in fw.codes:
        if parent not in kids:
            continue
        members = sorted(kids[parent])
        for code in members:
            r, rho, n = _pair(col[code], col[parent])
            rows.append(("parent", parent, fw[code].level, parent, code, r, rho, n,
                         _flag(r, collinear)))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                r, rho, n = _pair(col[a], col[b])
                rows.append(("within", parent, fw[a].level, a, b, r, rho, n,
                             _flag(r, collinear)))
    table = pd.DataFrame(rows, columns=["Kind", "Group", "Level", "Var1", "Var2", "Pearson",
                                        "Spearman", "N", "Flag"])
    # codes sorted case-insensitively, as R's merge() orders them in COINr's get_corr
    return table.sort_values(["Kind", "Level", "Var1", "Var2"], kind="stable",
                             ignore_index=True, key=_casefold)


def _casefold(column: pd.Series) -> pd.Series:
    return column.str.casefold() if column.name in ("Var1", "Var2") else column


def _coherence(scores: pd.DataFrame, fw: Framework, alpha_min: float):
    kids = _children(fw)
    alpha_rows, pca_rows, loading_rows = [], [], []
    for parent in fw.codes:
        if parent not in kids:
            continue
        members = kids[parent]
        x = scores[members].to_numpy(dtype=np.float64)
        n_units = int((~np.isnan(x).any(axis=1)).sum())
        alpha = cronbach_alpha(x)
        alpha_rows.append((parent, fw[parent].level, len(members), n_units, alpha,
                           "LOW" if alpha < alpha_min else "ok"))
        if len(members) < 2:
            continue
        shares, loadings = pca(x)
        k = len(members)
        pca_rows.append((parent, fw[parent].level, k, n_units, shares[0], shares[0] * k,
                         int(np.sum(shares * k > 1.0))))
        for m in range(k):
            for i, code in enumerate(members):
                loading_rows.append((parent, code, m + 1, loadings[i, m]))
    cronbach = pd.DataFrame(alpha_rows, columns=["iCode", "Level", "N.Items", "N.Units",
                                                 "Alpha", "Flag"])
    pca_table = pd.DataFrame(pca_rows, columns=["iCode", "Level", "N.Items", "N.Units",
                                                "PC1.Share", "PC1.Eigenvalue", "N.Eigen>1"])
    loadings_table = pd.DataFrame(loading_rows, columns=["Group", "iCode", "PC", "Loading"])
    return cronbach, pca_table, loadings_table


def _importance(scores: pd.DataFrame, fw: Framework, weights: pd.DataFrame) -> pd.DataFrame:
    top = fw.codes_at(fw.n_levels)[0]
    eff = dict(zip(weights["iCode"], weights["EffWeight"], strict=True))
    col = {c: scores[c].to_numpy(dtype=np.float64) for c in fw.codes}
    rows = []
    for node in fw.nodes:
        if node.parent is None:
            continue
        rows.append({"iCode": node.code, "Level": node.level, "Parent": node.parent,
                     "Weight": node.weight, "EffWeight": eff[node.code],
                     "S.Parent": correlation_ratio(col[node.code], col[node.parent]),
                     "S.Index": correlation_ratio(col[node.code], col[top])})
    table = pd.DataFrame(rows)
    sib = table.groupby("Parent")
    table["Weight.Norm"] = table["Weight"] / sib["Weight"].transform("sum")
    table["S.Parent.Norm"] = table["S.Parent"] / sib["S.Parent"].transform("sum")
    table["S.Index.Norm"] = table["S.Index"] / table.groupby("Level")["S.Index"].transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["Ratio"] = table["S.Parent.Norm"] / table["Weight.Norm"]
    return table[["iCode", "Level", "Parent", "Weight", "Weight.Norm", "S.Parent",
                  "S.Parent.Norm", "Ratio", "EffWeight", "S.Index", "S.Index.Norm"]]


def _flags(stats: dict[str, pd.DataFrame], corr: pd.DataFrame,
           cronbach: pd.DataFrame) -> pd.DataFrame:
    rows = []
    value_of = {"Flag.Avail": "Frc.Avail", "Flag.NonZero": "Frc.NonZero",
                "Flag.Unique": "Frc.Unique", "Flag.SkewKurt": "Skew"}
    for stage, table in stats.items():
        for flag, value in value_of.items():
            for _, row in table[table[flag] != "ok"].iterrows():
                rows.append(("stats", stage, row["iCode"], "", f"{flag}={row[flag]}",
                             row[value]))
    for _, row in corr[corr["Flag"] != ""].iterrows():
        rows.append((f"correlation:{row['Kind']}", "", row["Var2"], row["Var1"], row["Flag"],
                     row["Pearson"]))
    for _, row in cronbach[cronbach["Flag"] == "LOW"].iterrows():
        rows.append(("cronbach", "", row["iCode"], "", "LOW", row["Alpha"]))
    return pd.DataFrame(rows, columns=["Check", "Stage", "iCode", "Other", "Flag", "Value"])


def audit(result, *, collinear: float = 0.9, alpha_min: float = 0.7, t_skew: float = 2.0,
          t_kurt: float = 3.5, t_avail: float = 0.65, t_zero: float = 0.5,
          t_unq: float = 0.5) -> Audit:
    """Statistical audit of an index result.

    Parameters
    ----------
    result : IndexResult
        A run that includes the ``aggregate`` step (its last stage holds every node).
    collinear : float, default 0.9
        Pearson correlation above which a pair is flagged "collinear".
    alpha_min : float, default 0.7
        Cronbach's alpha below which a group is flagged "LOW".
    t_skew, t_kurt, t_avail, t_zero, t_unq : float
        Thresholds of :func:`describe` (COINr ``get_stats`` defaults).

    Returns
    -------
    Audit
        Statistics per stage (indicators and, for the last stage, aggregates too);
        correlations, Cronbach's alpha, PCA and importance on the last stage's scores;
        effective weights from the framework. Rows: correlations one per non-top node plus
        one per sibling pair; cronbach/pca one per aggregate (pca: with ≥ 2 children).

    Raises
    ------
    ValueError
        If the last stage lacks a node of the framework (aggregate has not run).
    """
    check_params("audit", {"collinear": collinear, "alpha_min": alpha_min}, _CONSTRAINTS)
    thresholds = {"t_skew": t_skew, "t_kurt": t_kurt, "t_avail": t_avail, "t_zero": t_zero,
                  "t_unq": t_unq}
    fw = result.recipe.framework
    scores = result.scores
    missing = [c for c in fw.codes if c not in scores.columns]
    if missing:
        raise ValueError(f"audit needs the scores of every node; {missing[:5]} missing from "
                         f"the last stage. Fix: add an 'aggregate' step to the recipe.")
    stats = {stage: describe(frame, **thresholds) for stage, frame in result.stages.items()}
    correlations = _correlations(scores, fw, collinear)
    cronbach, pca_table, loadings = _coherence(scores, fw, alpha_min)
    weights = effective_weights(fw)
    importance = _importance(scores, fw, weights)
    return Audit(stats=stats, correlations=correlations, cronbach=cronbach, pca=pca_table,
                 pca_loadings=loadings, weights=weights, importance=importance,
                 flags=_flags(stats, correlations, cronbach), recipe=result.recipe,
                 thresholds={"collinear": collinear, "alpha_min": alpha_min, **thresholds})
