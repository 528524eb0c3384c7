"""The audit: :func:`audit` runs every measure on an index result and returns an
:class:`Audit`, which says what its tables are (the run layer writes them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._params import Interval, Real, check_params
from ..errors import InvalidParameter
from ..result import recipe_files
from .correlations import correlation_table
from .cronbach import cronbach_table
from .importance import importance_table
from .pca import pca_tables
from .statistics import describe
from .weights import effective_weights

__all__ = ["Audit", "audit"]

_CONSTRAINTS = {
    "collinear": [Interval(Real, -1, 1)],
    "alpha_min": [Interval(Real, None, 1)],
}


@dataclass(frozen=True)
class Audit:
    """Results of :func:`audit`; every table is a DataFrame.

    Attributes
    ----------
    stats : dict of str → DataFrame
        :func:`~innometrics.audit.describe` of each stage (``Raw``, ..., ``Aggregated``).
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
        :func:`~innometrics.audit.effective_weights`.
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

    def to_frame(self) -> pd.DataFrame:
        """Every flag raised (a copy of :attr:`flags`): the audit's findings in one table."""
        return self.flags.copy()

    def _repr_html_(self) -> str:
        """The flags raised (for Jupyter)."""
        return self.flags.to_html(index=False, float_format="{:.3f}".format)

    def tables(self) -> dict[str, pd.DataFrame | str]:
        """Every table as ``<stem>.csv``, with the recipe audited (``recipe.yaml``,
        ``framework.csv``, ``data.csv``)."""
        out: dict[str, pd.DataFrame | str] = {f"{stem}.csv": frame
                                              for stem, frame in self.to_frames().items()}
        if self.recipe is not None:
            out.update(recipe_files(self.recipe))
        return out

    def settings(self) -> dict:
        """The thresholds and the recipe audited (a manifest's ``settings``)."""
        return {"audit": dict(self.thresholds),
                "recipe": self.recipe.to_dict() if self.recipe is not None else None}

    def write(self, out: str | os.PathLike, *, force: bool = False,
              started: float | None = None) -> Path:
        """Write an ``audit`` run directory (see :mod:`innometrics.runs`)."""
        from ..runs import write_run

        return write_run(out, kind="audit", tables=self.tables(), settings=self.settings(),
                         inputs=self.recipe.input_files() if self.recipe is not None else {},
                         force=force, started=started, details={"flags": len(self.flags)})


def _flags(stats: dict[str, pd.DataFrame], corr: pd.DataFrame,
           cronbach: pd.DataFrame) -> pd.DataFrame:
    """Every flag of the statistics, correlations and alphas, one row each."""
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
        Thresholds of :func:`~innometrics.audit.describe` (COINr ``get_stats`` defaults).

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
    if result.recipe.data.is_panel:  # a PanelResult: one IndexResult per time
        raise InvalidParameter("the audit runs on one time of a panel; audit "
                               "result.results[TIME] in Python, or keep one Time's rows in "
                               "the data.")
    fw = result.recipe.framework
    scores = result.scores
    missing = [c for c in fw.codes if c not in scores.columns]
    if missing:
        raise ValueError(f"audit needs the scores of every node; {missing[:5]} missing from "
                         f"the last stage. Fix: add an 'aggregate' step to the recipe.")
    stats = {stage: describe(frame, **thresholds) for stage, frame in result.stages.items()}
    correlations = correlation_table(scores, fw, collinear)
    cronbach = cronbach_table(scores, fw, alpha_min)
    pca_table, loadings = pca_tables(scores, fw)
    weights = effective_weights(fw)
    return Audit(stats=stats, correlations=correlations, cronbach=cronbach, pca=pca_table,
                 pca_loadings=loadings, weights=weights,
                 importance=importance_table(scores, fw, weights),
                 flags=_flags(stats, correlations, cronbach), recipe=result.recipe,
                 thresholds={"collinear": collinear, "alpha_min": alpha_min, **thresholds})
