"""The paired Monte Carlo of a panel: each replication's draw (weights, alternatives) applied
to every time, so that a rank *change* between times gets an interval.

Every time is aggregated with the same sampled design (the same weight multipliers and
alternatives in replication ``r``); steps that look across time (panel imputation,
normalisation across time) run on the whole panel once per combination of alternatives. The
change of unit ``u`` at time ``t`` in replication ``r`` is ``rank[t, r, u] − rank[t', r, u]``
(``t'`` the previous time at which ``u`` is ranked); its 90% interval is the 5th–95th
percentile over the replications (numpy's ``inverted_cdf``: changes that occurred), and a
change is significant when that interval excludes 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..recipe import Recipe
from ..result import IndexResult, PanelResult, build, recipe_files
from ..runs import write_run
from .design import UncertaintyDesign
from .evaluation import evaluate_design
from .sampling import Design
from .statistics import RANK_QUANTILE_METHOD

__all__ = ["PanelUncertaintyResult", "evaluate_panel", "rank_changes"]


def rank_changes(ranks: np.ndarray, previous: np.ndarray, nominal: np.ndarray,
                 nominal_previous: np.ndarray) -> pd.DataFrame:
    """Paired rank changes and their 90% intervals.

    Parameters
    ----------
    ranks, previous : ndarray, shape (runs, units)
        Each replication's ranks at a time and at the previous time (same units, same
        replications).
    nominal, nominal_previous : ndarray, shape (units,)

    Returns
    -------
    DataFrame
        ``change`` (nominal: rank − previous rank; negative = moved up), ``change_q05``,
        ``change_median``, ``change_q95`` (numpy's ``inverted_cdf``: changes that occurred)
        and ``significant`` (the 90% interval excludes 0).

    Examples
    --------
    >>> now = np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0]])
    >>> before = np.array([[2.0, 1.0], [2.0, 1.0], [2.0, 1.0]])
    >>> rank_changes(now, before, np.array([1.0, 2.0]), np.array([2.0, 1.0]))
       change  change_q05  change_median  change_q95  significant
    0    -1.0        -1.0           -1.0         0.0        False
    1     1.0         0.0            1.0         1.0        False
    """
    q05, median, q95 = np.quantile(ranks - previous, [0.05, 0.5, 0.95], axis=0,
                                   method=RANK_QUANTILE_METHOD)
    return pd.DataFrame({"change": nominal - nominal_previous, "change_q05": q05,
                         "change_median": median, "change_q95": q95,
                         "significant": (q05 > 0) | (q95 < 0)})


@dataclass(frozen=True)
class PanelUncertaintyResult:
    """Rank intervals at every time and rank changes between times, from one paired design.

    Attributes
    ----------
    recipe : Recipe
        The panel recipe.
    results : dict of str → :class:`~innometrics.uncertainty.UncertaintyResult`
        Each time's replications (same draws at every time), in increasing time.
    nominal : PanelResult
        The panel built as written.
    """

    recipe: Recipe
    design: UncertaintyDesign
    sampled: Design
    results: dict[str, Any]  # time → UncertaintyResult (that module builds this one)
    nominal: PanelResult

    def rank_intervals(self) -> pd.DataFrame:
        """:meth:`UncertaintyResult.rank_intervals` of every time, ``Time`` first."""
        parts = [r.rank_intervals().assign(Time=t) for t, r in self.results.items()]
        table = pd.concat(parts, ignore_index=True)
        return table[["Time", *[c for c in table.columns if c != "Time"]]]

    def rank_changes(self) -> pd.DataFrame:
        """``Time, uCode, change, change_q05, change_median, change_q95, significant``: each
        unit's rank change since the previous time at which it was ranked (see
        :func:`rank_changes`); a unit's first time has no row."""
        last_seen: dict[str, tuple[str, int]] = {}  # unit → (time, its row there)
        parts = []
        for t, r in self.results.items():
            by_previous: dict[str, list[tuple[int, int]]] = {}
            for i, u in enumerate(r.units):
                if u in last_seen:
                    before, j = last_seen[u]
                    by_previous.setdefault(before, []).append((i, j))
            for before, pairs in by_previous.items():
                now, then = (np.array(k) for k in zip(*pairs, strict=True))
                prev = self.results[before]
                table = rank_changes(r.ranks[:, now], prev.ranks[:, then],
                                     r.nominal_ranks[now], prev.nominal_ranks[then])
                table.insert(0, "uCode", [r.units[i] for i in now])
                table.insert(0, "Time", t)
                parts.append(table)
            last_seen.update({u: (t, i) for i, u in enumerate(r.units)})
        columns = ["Time", "uCode", "change", "change_q05", "change_median", "change_q95",
                   "significant"]
        if not parts:
            return pd.DataFrame(columns=columns)
        return pd.concat(parts, ignore_index=True)[columns]

    def to_frame(self) -> pd.DataFrame:
        """The rank intervals (:meth:`rank_intervals`)."""
        return self.rank_intervals()

    def notes(self) -> list[str]:
        """What the tables leave out, and why."""
        return next(iter(self.results.values())).notes()

    def tables(self, sensitivity: Any = None) -> dict:
        """``rank_intervals.csv`` (with ``Time``), ``rank_changes.csv``, ``design.csv`` (the
        replications, shared by every time) and the panel recipe's files."""
        if sensitivity is not None:
            raise ValueError("Sobol indices of a panel are not computed; run without "
                             "--sensitivity.")
        return {"rank_intervals.csv": self.rank_intervals(),
                "rank_changes.csv": self.rank_changes(),
                "design.csv": self.sampled.to_frame(self.recipe, self.design),
                **recipe_files(self.recipe)}

    def settings(self) -> dict:
        """The recipe and the design actually run."""
        return {"recipe": self.recipe.to_dict(), "design": self.design.to_dict()}

    def write(self, out: str | os.PathLike, sensitivity: Any = None, *, force: bool = False,
              started: float | None = None, engine: str = "local",
              with_nominal: bool = False) -> Path:
        """Write an ``uncertainty`` run directory (as :meth:`UncertaintyResult.write`)."""
        tables = self.tables(sensitivity)
        if with_nominal:
            tables["nominal"] = self.nominal.write
        first = next(iter(self.results.values()))
        return write_run(out, kind="uncertainty", tables=tables,
                         settings={**self.settings(), "engine": engine, "sensitivity": None},
                         inputs=self.recipe.input_files(), force=force, started=started,
                         details={**first.details(), "times": list(self.results),
                                  "paired": True})


def evaluate_panel(recipe: Recipe, design: UncertaintyDesign, sampled: Design, *,
                   engine: str = "local", client: Any = None,
                   progress: Callable[[int, int], None] | None = None
                   ) -> tuple[PanelResult, dict[str, np.ndarray]]:
    """The nominal panel and, for each time, the index scores (runs, units at that time) of
    every replication of one sampled design (see the module's docstring). Each combination
    of alternatives builds the whole panel once, for every time."""
    nominal = build(recipe)
    panels: dict[str, PanelResult] = {}

    def prepare_at(time: str) -> Callable[[Recipe], np.ndarray]:
        def prepare(pre: Recipe) -> IndexResult:
            key = repr(pre.steps)
            if key not in panels:
                panels[key] = build(pre.without_step("aggregate"))
            return panels[key].results[time]
        return prepare

    return nominal, {time: evaluate_design(recipe, design, sampled, engine=engine,
                                           client=client, progress=progress,
                                           prepare=prepare_at(time))
                     for time in nominal.times}
