"""The Monte Carlo: :func:`run_uncertainty` and its :class:`UncertaintyResult` (what its
tables are; the run layer writes them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..ranking import rank_min
from ..recipe import Recipe
from ..result import IndexResult, recipe_files
from ..runs import write_run
from .design import UncertaintyDesign, with_functions_named
from .evaluation import check_memory, evaluate_design, nominal_build
from .panel import PanelUncertaintyResult, evaluate_panel
from .sampling import Design, sample_design
from .sobol import SensitivityResult
from .statistics import (
    RANK_QUANTILE_METHOD,
    SCORE_QUANTILE_METHOD,
    rank_statistics,
    score_statistics,
)

__all__ = ["UncertaintyResult", "run_uncertainty"]


@dataclass(frozen=True)
class UncertaintyResult:
    """Rank and score intervals of the index under the design."""

    recipe: Recipe
    design: UncertaintyDesign
    sampled: Design
    scores: np.ndarray  # (runs, units)
    ranks: np.ndarray  # (runs, units)
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray
    units: tuple[str, ...]
    nominal: IndexResult  # the nominal build itself (written beside the intervals on request)

    def rank_intervals(self) -> pd.DataFrame:
        """Per unit: uCode, nominal, mean, median, q05, q95 ranks (the median and percentiles
        are ranks that occurred: numpy's ``inverted_cdf``), then the score interval
        (score_nominal, score_q05, score_median, score_q95) where every alternative shares
        one scale (:meth:`UncertaintyDesign.shared_scale`), and uName."""
        table = rank_statistics(self.ranks, self.nominal_ranks)
        table.insert(0, "uCode", list(self.units))
        if self.design.shared_scale(self.recipe) is None:
            scores = score_statistics(self.scores, self.nominal_scores)
            table[list(scores.columns)] = scores.to_numpy()
        names = dict(zip(self.recipe.data.units, self.recipe.data.names, strict=True))
        table["uName"] = [names[u] for u in self.units]
        return table.sort_values(["nominal", "uCode"]).reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The rank intervals (:meth:`rank_intervals`)."""
        return self.rank_intervals()

    def _repr_html_(self) -> str:
        """Rank intervals of the first 20 units (for Jupyter)."""
        return self.rank_intervals().head(20).to_html(index=False, float_format="{:.2f}".format)

    def notes(self) -> list[str]:
        """What the tables leave out, and why."""
        why = self.design.shared_scale(self.recipe)
        return [f"score intervals left out: {why}; rank intervals are comparable"] if why else []

    def tables(self, sensitivity: SensitivityResult | None = None) -> dict:
        """``rank_intervals.csv``, ``design.csv`` (the sampled replications), the recipe
        (``recipe.yaml``, ``framework.csv``, ``data.csv``) and, if given,
        ``sensitivity.csv``."""
        out = {"rank_intervals.csv": self.rank_intervals(),
               "design.csv": self.sampled.to_frame(self.recipe, self.design),
               **recipe_files(self.recipe)}
        if sensitivity is not None:
            out["sensitivity.csv"] = sensitivity.table
        return out

    def settings(self) -> dict:
        """The recipe and the design actually run."""
        return {"recipe": self.recipe.to_dict(), "design": self.design.to_dict()}

    def details(self) -> dict:
        """What a reader of the tables needs to know: the notes, and how quantiles were taken
        (numpy's ``method=`` for ranks and for scores)."""
        return {"notes": self.notes(),
                "quantile_method": {"ranks": RANK_QUANTILE_METHOD,
                                    "scores": SCORE_QUANTILE_METHOD}}

    def write(self, out: str | os.PathLike, sensitivity: SensitivityResult | None = None, *,
              force: bool = False, started: float | None = None,
              engine: str = "local", with_nominal: bool = False) -> Path:
        """Write an ``uncertainty`` run directory (see :mod:`innometrics.runs`); with
        ``with_nominal`` it also holds the nominal build as a run of its own in ``nominal/``
        (what a report of the intervals needs beside them)."""
        settings = {**self.settings(), "engine": engine,
                    "sensitivity": None if sensitivity is None else
                    {"runs": sensitivity.runs, "resamples": sensitivity.resamples}}
        tables = self.tables(sensitivity)
        if with_nominal:
            tables["nominal"] = self.nominal.write
        return write_run(out, kind="uncertainty", tables=tables, settings=settings,
                         inputs=self.recipe.input_files(), force=force, started=started,
                         details=self.details())


def run_uncertainty(recipe: Recipe, design: UncertaintyDesign | None = None, *,
                    engine: str = "local", client: Any = None,
                    progress: Callable[[int, int], None] | None = None,
                    target: str | None = None
                    ) -> UncertaintyResult | PanelUncertaintyResult:
    """Monte Carlo over the design: every unit's rank and score distribution.

    Same recipe, design and seed give the same numbers, locally or on Dask. On a panel, the
    paired Monte Carlo (:mod:`innometrics.uncertainty.panel`): one sampled design applied to
    every time; its result adds ``Time`` to the rank intervals, and the rank changes between
    times with their intervals. ``target`` (a node code) overrides ``design.target``: the
    node whose scores and ranks are analysed (default the index).
    """
    design = design or UncertaintyDesign.from_recipe(recipe)
    if target is not None:
        design = replace(design, target=target)
    recipe, design = with_functions_named(recipe, design)
    design.validate(recipe)
    check_memory(design.runs, len(recipe.data.units))
    sampled = sample_design(recipe, design)
    if recipe.data.is_panel:
        return _paired(recipe, design, sampled, engine=engine, client=client,
                       progress=progress)
    scores = evaluate_design(recipe, design, sampled, engine=engine, client=client,
                             progress=progress)
    nominal_scores, nominal_ranks, nominal = nominal_build(recipe, design.target_of(recipe))
    return UncertaintyResult(recipe=recipe, design=design, sampled=sampled, scores=scores,
                             ranks=rank_min(scores, axis=-1), nominal_scores=nominal_scores,
                             nominal_ranks=nominal_ranks, units=tuple(nominal.scores.index),
                             nominal=nominal)


def _paired(recipe: Recipe, design: UncertaintyDesign, sampled: Design,
            **evaluation: Any) -> PanelUncertaintyResult:
    """Every time of a panel under the same replications: one :class:`UncertaintyResult`
    per time."""
    nominal, scores = evaluate_panel(recipe, design, sampled, **evaluation)
    results = {}
    for time, built in nominal.results.items():
        nominal_scores = built.scores[design.target_of(recipe)].to_numpy()
        results[time] = UncertaintyResult(
            recipe=built.recipe, design=design, sampled=sampled, scores=scores[time],
            ranks=rank_min(scores[time], axis=-1), nominal_scores=nominal_scores,
            nominal_ranks=rank_min(nominal_scores[:, None])[:, 0],
            units=tuple(built.scores.index), nominal=built)
    return PanelUncertaintyResult(recipe=recipe, design=design, sampled=sampled,
                                  results=results, nominal=nominal)
