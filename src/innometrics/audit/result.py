"""The audit: :func:`audit` runs every measure on an index result and returns an
:class:`Audit`, which says what its tables are (the run layer writes them)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._params import Interval, Real, check_params
from .._tree import branch
from ..errors import InvalidParameter
from ..result import recipe_files
from ..runs import write_run
from .correlations import correlation_flags, correlation_table, denominator_correlations
from .cronbach import cronbach_table
from .importance import importance_table
from .level_corr import node_correlations
from .pca import pca_tables
from .removal import remove_elements
from .statistics import data_availability, describe
from .weights import effective_weights

__all__ = ["Audit", "audit"]

_CONSTRAINTS = {
    "collinear": [Interval(Real, -1, 1)],
    "alpha_min": [Interval(Real, None, 1)],
    "denominator_threshold": [Interval(Real, 0, 1)],
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
        ``collinear``; "negative": Pearson < 0; "" otherwise), ``P`` and ``P.Spearman`` (the
        two-sided p-values of R's ``cor.test``, as COINr's ``get_pvals``).
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
    removal : DataFrame
        :func:`~innometrics.audit.remove_elements` at every level: ``level, iCode,
        mean_abs_rank_change`` of the index when the node's weight is set to 0.
    flags : DataFrame
        Every flag raised: ``Check, Stage, iCode, Other, Flag, Value``.
    correlation_flags : DataFrame
        :func:`~innometrics.audit.correlations.correlation_flags`: indicator pairs of one
        pillar correlated above ``high`` or below ``low`` (COINr ``get_corr_flags``).
    data_availability : DataFrame
        :func:`~innometrics.audit.statistics.data_availability` of the analysed stage (``Raw``
        by default): per unit overall and per aggregate.
    denominator_correlations : DataFrame
        :func:`~innometrics.audit.correlations.denominator_correlations` on the analysed
        stage (``Raw`` by default); empty without denominators.
    stage, node : str or None
        What was analysed (None: the last stage, the whole framework).
    level_correlations : DataFrame or None
        :func:`~innometrics.audit.node_correlations` between the two ``levels`` of
        :func:`audit` on the analysed stage (every pair, none blanked; within ``node``);
        written as ``correlations_levels.csv``. None without ``levels``.
    """

    stats: dict[str, pd.DataFrame]
    correlations: pd.DataFrame
    cronbach: pd.DataFrame
    pca: pd.DataFrame
    pca_loadings: pd.DataFrame
    weights: pd.DataFrame
    importance: pd.DataFrame
    removal: pd.DataFrame
    flags: pd.DataFrame
    recipe: Any = None
    thresholds: dict = field(default_factory=dict)
    correlation_flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_availability: pd.DataFrame = field(default_factory=pd.DataFrame)
    denominator_correlations: pd.DataFrame = field(default_factory=pd.DataFrame)
    stage: str | None = None
    node: str | None = None
    level_correlations: pd.DataFrame | None = None

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Every table by its file stem (``stats_Raw``, ..., ``correlations``, ``flags``)."""
        frames = {f"stats_{stage}": table for stage, table in self.stats.items()}
        frames.update(correlations=self.correlations, cronbach=self.cronbach, pca=self.pca,
                      pca_loadings=self.pca_loadings, weights_effective=self.weights,
                      importance=self.importance, removal=self.removal, flags=self.flags)
        frames.update(correlation_flags=self.correlation_flags,
                      data_availability=self.data_availability.reset_index(),
                      denominator_correlations=self.denominator_correlations)
        if self.level_correlations is not None:
            frames["correlations_levels"] = self.level_correlations
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
        return {"audit": {**self.thresholds, "stage": self.stage, "node": self.node},
                "recipe": self.recipe.to_dict() if self.recipe is not None else None}

    def write(self, out: str | os.PathLike, *, force: bool = False,
              started: float | None = None) -> Path:
        """Write an ``audit`` run directory (see :mod:`innometrics.runs`)."""
        return write_run(out, kind="audit", tables=self.tables(), settings=self.settings(),
                         inputs=self.recipe.input_files() if self.recipe is not None else {},
                         force=force, started=started, details={"flags": len(self.flags)})


def _flags(stats: dict[str, pd.DataFrame], corr: pd.DataFrame,
           cronbach: pd.DataFrame, pair_flags: pd.DataFrame | None = None) -> pd.DataFrame:
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
    for _, row in (pair_flags if pair_flags is not None else pd.DataFrame()).iterrows():
        rows.append(("correlation:pair", "", row["Ind2"], row["Ind1"], row["Flag"], row["Corr"]))
    return pd.DataFrame(rows, columns=["Check", "Stage", "iCode", "Other", "Flag", "Value"])


def audit(result, *, collinear: float = 0.9, alpha_min: float = 0.7, t_skew: float = 2.0,
          t_kurt: float = 3.5, t_avail: float = 0.65, t_zero: float = 0.5,
          t_unq: float = 0.5, stage: str | None = None, node: str | None = None,
          low: float | None = None, high: float | None = None,
          complete_cases: bool = False, denominator_threshold: float = 0.6,
          group_level: int = 2, levels: Sequence[int] | None = None) -> Audit:
    """Statistical audit of an index result, or of one stage and one branch of it.

    Parameters
    ----------
    result : IndexResult
        Without ``stage``: a run that includes the ``aggregate`` step (its last stage holds
        every node).
    collinear : float, default 0.9
        Pearson correlation above which a pair is flagged "collinear".
    alpha_min : float, default 0.7
        Cronbach's alpha below which a group is flagged "LOW".
    t_skew, t_kurt, t_avail, t_zero, t_unq : float
        Thresholds of :func:`~innometrics.audit.describe` (COINr ``get_stats`` defaults).
    stage : str, optional
        Analyse this stage (``Raw``, ``Treated``, ...) instead of the last one: statistics,
        correlations (groups whose members the stage holds: before aggregation, the
        indicators within each pillar), Cronbach, PCA, data availability and denominator
        correlations on it; importance needs every node, so it is left empty.
    node : str, optional
        Only this node and what lies under it.
    low, high : float, optional
        COINr ``get_corr_flags`` thresholds: indicator pairs of one pillar correlated below
        ``low`` or above ``high`` (default ``collinear``); ``low`` also flags "low" rows of
        the correlation table.
    group_level : int, default 2
        ``low``/``high`` flag pairs of indicators under one node of this level (COINr
        ``get_corr_flags``'s ``grouplev``; the top level pairs every two indicators).
    levels : (int, int), optional
        Also correlate the nodes of these two levels (or of one level, twice) on the analysed
        stage, every pair (:func:`~innometrics.audit.node_correlations` with ``p_value=None``;
        COINr's ``get_corr(Levels = levels, pval = 0)``): :attr:`Audit.level_correlations`.
    complete_cases : bool, default False
        Cronbach's alpha by listwise deletion instead of pairwise-complete covariances.
    denominator_threshold : float, default 0.6
        ``|r|`` above which an indicator–denominator correlation is flagged (COINr
        ``get_denom_corr``'s ``cor_thresh``).

    Returns
    -------
    Audit
        Statistics per stage (only ``stage`` when given; indicators and, for the last stage,
        aggregates too); correlations with p-values, Cronbach's alpha, PCA and importance on
        the analysed stage; effective weights from the framework; element removal at every
        level (of the whole index only). Rows: correlations one per
        node with its parent plus one per sibling pair; cronbach/pca one per aggregate (pca:
        with ≥ 2 children); removal one per non-top node.

    Raises
    ------
    ValueError
        Without ``stage``, if the last stage lacks a node of the framework (aggregate has not
        run); if ``stage`` or ``node`` is not in the result.
    """
    check_params("audit", {"collinear": collinear, "alpha_min": alpha_min,
                           "denominator_threshold": denominator_threshold}, _CONSTRAINTS)
    thresholds = {"t_skew": t_skew, "t_kurt": t_kurt, "t_avail": t_avail, "t_zero": t_zero,
                  "t_unq": t_unq}
    if result.recipe.data.is_panel:  # a PanelResult: one IndexResult per time
        raise InvalidParameter("the audit runs on one time of a panel; audit "
                               "result.at(TIME) in Python, or keep one Time's rows in the "
                               "data.")
    fw = result.recipe.framework
    levels = check_levels(fw, group_level, levels)
    if stage is not None and stage not in result.stages:
        raise ValueError(f"stage '{stage}' is not in the result; its stages are "
                         f"{list(result.stages)}.")
    scores = result.scores if stage is None else result.stages[stage]
    missing = [c for c in fw.codes if c not in scores.columns]
    if missing and stage is None:
        raise ValueError(f"audit needs the scores of every node; {missing[:5]} missing from "
                         f"the last stage. Fix: add an 'aggregate' step to the recipe, or "
                         f"audit one stage (stage=..., --stage).")
    branch = _branch(fw, node)
    scores = scores[[c for c in scores.columns if c in branch]]
    frames = result.stages if stage is None else {stage: result.stages[stage]}
    stats = {name: describe(frame[[c for c in frame.columns if c in branch]], **thresholds)
             for name, frame in frames.items()}
    correlations = correlation_table(scores, fw, collinear, low=low)
    pair_flags = correlation_flags(scores, fw, low=low, high=collinear if high is None else high,
                                   level=group_level)
    cronbach = cronbach_table(scores, fw, alpha_min, complete_cases=complete_cases)
    pca_table, loadings = pca_tables(scores, fw)
    weights = effective_weights(fw)
    whole = stage is None and node is None
    base = result.stages[stage or "Raw"]
    base = base[[c for c in base.columns if c in branch]]
    availability = data_availability(base, fw)
    data = result.recipe.data
    denominators = pd.DataFrame(data.denominators.to_numpy(dtype=float),
                                index=pd.Index(data.units, name="uCode"),
                                columns=data.denominators.columns)
    return Audit(stats=stats, correlations=correlations, cronbach=cronbach, pca=pca_table,
                 pca_loadings=loadings, weights=weights,
                 importance=(importance_table(scores, fw, weights) if whole
                             else pd.DataFrame(columns=_IMPORTANCE_COLUMNS)),
                 removal=(remove_elements(result) if whole
                          else pd.DataFrame(columns=["level", "iCode", "mean_abs_rank_change"])),
                 flags=_flags(stats, correlations, cronbach, pair_flags), recipe=result.recipe,
                 thresholds={"collinear": collinear, "alpha_min": alpha_min, **thresholds,
                             "low": low, "high": high, "group_level": group_level,
                             "levels": None if levels is None else list(levels),
                             "complete_cases": complete_cases,
                             "denominator_threshold": denominator_threshold},
                 correlation_flags=pair_flags,
                 data_availability=availability[[c for c in availability.columns
                                                 if c in branch or c not in fw]],
                 denominator_correlations=denominator_correlations(
                     base, denominators, fw, denominator_threshold),
                 stage=stage, node=node,
                 level_correlations=None if levels is None else _within(
                     node_correlations(result, stage, levels=levels, p_value=None),
                     branch))


def check_levels(fw, group_level: Any, levels: Any, *, cli: bool = False
                 ) -> tuple[int, int] | None:
    """``group_level`` (an aggregate level) and ``levels`` (one level or two) of :func:`audit`
    checked against ``fw``, before anything is built; ``levels`` as a pair. ``cli``: the
    messages name the options (``--group-level``, ``--levels``)."""
    names = ("--group-level", "--levels") if cli else ("'group_level' of audit",
                                                       "'levels' of audit")
    if group_level not in range(2, fw.n_levels + 1) or isinstance(group_level, bool):
        raise InvalidParameter(f"{names[0]} must be a level from 2 to {fw.n_levels} (the "
                               f"framework's aggregate levels); got {group_level!r}.")
    if levels is None:
        return None
    pair = [levels] if isinstance(levels, int) else list(levels)
    if len(pair) not in (1, 2) or not all(lv in range(1, fw.n_levels + 1)
                                          and not isinstance(lv, bool) for lv in pair):
        raise InvalidParameter(f"{names[1]} must be one level or two, each from 1 to "
                               f"{fw.n_levels} (the framework's levels), e.g. 1,2; got "
                               f"{levels!r}.")
    return pair[0], pair[-1]


def _within(table: pd.DataFrame, branch: set[str]) -> pd.DataFrame:
    """The rows of a long correlation table whose two nodes are both in ``branch``."""
    inside = table["Var1"].isin(branch) & table["Var2"].isin(branch)
    return table[inside].reset_index(drop=True)


_IMPORTANCE_COLUMNS = ["iCode", "Level", "Parent", "Weight", "Weight.Norm", "S.Parent",
                       "S.Parent.Norm", "Ratio", "EffWeight", "S.Index", "S.Index.Norm"]


def _branch(fw, node: str | None) -> set[str]:
    """``node`` and every code under it (every code when ``node`` is None)."""
    if node is None:
        return set(fw.codes)
    if node not in fw:
        raise ValueError(f"node '{node}' is not in the framework.")
    return branch(fw, node)
