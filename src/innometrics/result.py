"""IndexResult: everything a recipe run produced, and the way to regenerate it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._html_table import summary_table
from .changes import recipe_with_directions, recipe_without, select
from .errors import InvalidParameter
from .panel import panel_times, same_time, slice_time, time_values
from .pipeline import run_panel_steps, run_steps
from .ranking import rank_min
from .recipe import Recipe, use_builder
from .results import ranks_within, results_table, strengths_weaknesses, unit_summary
from .runs import write_run
from .trends import trends as _trends

__all__ = ["IndexResult", "PanelResult", "build", "recipe_files"]


@dataclass(frozen=True)
class IndexResult:
    """The outcome of running a :class:`~innometrics.recipe.Recipe`.

    Attributes
    ----------
    recipe : Recipe
        What was run; ``with_step`` / ``with_weights`` rerun a changed copy.
    stages : mapping of str → DataFrame
        The data after each step (``Raw``, ``Denominated``, ``Imputed``, ``Treated``,
        ``Normalised``, ``Aggregated``, ...), units × codes, indexed by ``uCode``.
    records : dict of str → dict
        What each step did (its settings, masks of imputed or treated points, ...).
    created : str
        UTC time of the run (ISO 8601).
    """

    recipe: Recipe
    stages: Mapping[str, pd.DataFrame]
    records: dict[str, dict]
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    # --- the headline tables ---------------------------------------------------------------
    @property
    def scores(self) -> pd.DataFrame:
        """Scores of every node: indicators after the last transforming step, then every
        aggregate (units × codes, indexed by ``uCode``)."""
        return self.stages[next(reversed(self.stages))]

    @property
    def ranks(self) -> pd.DataFrame:
        """Ranks of every column of :attr:`scores` (1 = best, ties share the best rank)."""
        s = self.scores
        return pd.DataFrame(rank_min(s.to_numpy()), index=s.index, columns=s.columns)

    @property
    def index_code(self) -> str:
        """Code of the top node (the index)."""
        return self.scores.columns[-1]

    def top(self, n: int = 10, code: str | None = None) -> pd.DataFrame:
        """The ``n`` best units on ``code`` (default: the index) with names, scores, ranks."""
        code = code or self.index_code
        names = dict(zip(self.recipe.data.units, self.recipe.data.names, strict=True))
        table = pd.DataFrame({
            "uName": [names[u] for u in self.scores.index],
            "score": self.scores[code],
            "rank": self.ranks[code],
        }, index=self.scores.index)
        return table.sort_values(["rank", "uName"]).head(n)

    # --- results tables (COINr's get_results and friends; see innometrics.results) ---------
    def results_table(self, levels: Sequence[int] | None = None, groups: Sequence[str] = (),
                      *, ranks: bool = True) -> pd.DataFrame:
        """Scores at ``levels`` (default every aggregate level) with ranks, names and
        ``groups``, best first (COINr's ``get_results``; see
        :func:`innometrics.results.results_table`)."""
        return results_table(self, levels=levels, groups=groups, ranks=ranks)

    def unit_summary(self, unit: str, levels: Sequence[int] | None = None) -> pd.DataFrame:
        """One unit's scores and ranks at ``levels`` (COINr's ``get_unit_summary``)."""
        return unit_summary(self, unit, levels=levels)

    def strengths_weaknesses(self, unit: str, stage: str = "Raw", top: int = 5, *,
                             level: int = 2) -> pd.DataFrame:
        """A unit's ``top`` strongest and weakest indicators on ``stage`` (COINr's
        ``get_str_weak``; see :func:`innometrics.results.strengths_weaknesses`)."""
        return strengths_weaknesses(self, unit, stage=stage, top=top, level=level)

    def ranks_within(self, group_column: str) -> pd.DataFrame:
        """Ranks of every score within the groups of ``group_column`` (COINr's
        ``use_group``)."""
        return ranks_within(self, group_column)

    # --- regeneration ----------------------------------------------------------------------
    def with_step(self, step: str, **settings: Any) -> IndexResult:
        """Rerun with ``step``'s settings replaced (e.g. ``with_step("normalise",
        method="zscore", mean=10, sd=2)``); ``from_stage="Raw"`` makes the step read that
        earlier stage (COINr's ``dset``), later steps continuing from its output."""
        return build(self.recipe.with_step(step, **settings))

    def with_weights(self, weights: Mapping[str, float]) -> IndexResult:
        """Rerun with some node weights replaced."""
        return build(self.recipe.with_weights(weights))

    def without(self, codes: Sequence[str]) -> IndexResult:
        """Rerun without some nodes, each with everything under it (COINr's
        ``change_ind``; see :func:`innometrics.changes.recipe_without`)."""
        return build(recipe_without(self.recipe, codes))

    def with_directions(self, directions: Mapping[str, int]) -> IndexResult:
        """Rerun with some indicators' directions overridden (``{code: -1}``)."""
        return build(recipe_with_directions(self.recipe, directions))

    def select(self, stage: str | None = None, under: str | None = None,
               level: int | None = None, group: Mapping[str, Any] | str | None = None,
               units: str | Sequence[str] | None = None) -> pd.DataFrame:
        """A slice of a stage: the nodes ``under`` a node at ``level``, the units of a
        ``group``, some ``units`` or, with a group column's name, their peers (COINr's
        ``get_data``; see :func:`innometrics.changes.select`)."""
        return select(self, stage=stage, under=under, level=level, group=group, units=units)

    # --- records as tables -----------------------------------------------------------------
    def treatment(self) -> pd.DataFrame | None:
        """Per indicator: skew and kurtosis before and after, points winsorised, fallback."""
        rec = self.records.get("treat")
        if rec is None:
            return None
        keys = ("skew0", "kurt0", "pass0", "n_winsorised", "skew1", "kurt1", "pass1",
                "transformed", "skew2", "kurt2", "pass2")
        table = pd.DataFrame({k: rec[k] for k in keys},
                             index=pd.Index(self.recipe.framework.indicators, name="iCode"))
        return table

    def treated_points(self) -> pd.DataFrame | None:
        """Per unit and indicator: how the point was treated ("winhi", "winlo", "log_ct")."""
        rec = self.records.get("treat")
        if rec is None:
            return None
        return pd.DataFrame(rec["points"], index=pd.Index(rec["units"], name="uCode"),
                            columns=self.recipe.framework.indicators)

    def imputed_points(self) -> pd.DataFrame | None:
        """Per unit and indicator: True where a value was imputed."""
        rec = self.records.get("impute")
        if rec is None:
            return None
        return pd.DataFrame(rec["imputed"], index=pd.Index(rec["units"], name="uCode"),
                            columns=self.recipe.framework.indicators)

    def coverage(self) -> pd.DataFrame | None:
        """Per unit and aggregate: True where the node fails the data-minimum-coverage rule
        (the aggregate step's ``dmc``), None without one."""
        rec = self.records.get("aggregate")
        if rec is None or "dmc" not in rec:
            return None
        fw = self.recipe.framework
        return pd.DataFrame(rec["dmc"], index=pd.Index(rec["units"], name="uCode"),
                            columns=fw.codes[len(fw.indicators):])

    def derived(self) -> pd.DataFrame | None:
        """Ratios of aggregates (the aggregate step's ``ratios``, e.g. the GII's Innovation
        Efficiency Ratio Output/Input), per unit; None without any."""
        rec = self.records.get("aggregate")
        if rec is None or not rec.get("ratios"):
            return None
        return pd.DataFrame(rec["ratios"], index=pd.Index(rec["units"], name="uCode"))

    def bod_weights(self) -> pd.DataFrame | None:
        """Each unit's benefit-of-the-doubt weights (the aggregate step's ``bod`` levels):
        ``uCode, iCode`` (the node), ``child``, ``weight``, ``share`` (of the unit's score);
        None where no level uses ``bod``."""
        rec = self.records.get("aggregate")
        if rec is None or not rec.get("bod_weights"):
            return None
        fw = self.recipe.framework
        scores = self.stages["Aggregated"]
        rows = []
        for level, weights in rec["bod_weights"].items():
            for p, node in enumerate(fw.codes_at(level)):
                for c, child in enumerate(fw.codes_at(level - 1)):
                    if fw[child].parent != node:
                        continue
                    w = weights[:, c, p]
                    with np.errstate(invalid="ignore", divide="ignore"):
                        share = w * scores[child].to_numpy() / scores[node].to_numpy()
                    rows.append(pd.DataFrame({"uCode": rec["units"], "iCode": node,
                                              "child": child, "weight": w, "share": share}))
        return pd.concat(rows, ignore_index=True).set_index("uCode")

    def screening(self) -> pd.DataFrame | None:
        """Per unit: data coverage (share of indicators present), zero share (share of zeros
        among the values present, COINr's ``1 − Non_Zero`` that ``max_zero_share`` screens
        on; missing for a unit without values) and whether it was kept."""
        rec = self.records.get("screen")
        if rec is None:
            return None
        return pd.DataFrame({"coverage": rec["coverage"], "zero_share": rec["zero_share"],
                             "kept": rec["kept"]}, index=pd.Index(rec["units"], name="uCode"))

    # --- provenance and export -------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The main table: scores of every node (``uCode`` index), one column per node, with
        the index's rank as ``rank``; every table of the run is in :meth:`tables`."""
        return self.scores.assign(rank=self.ranks[self.index_code].astype("Int64"))

    def tables(self) -> dict[str, pd.DataFrame | str]:
        """Every file of a build run by name: ``scores.csv``, ``ranks.csv`` (``uCode`` then one
        column per node), ``data/<Stage>.csv`` for every stage, ``treatment.csv``,
        ``treated_points.csv``, ``imputed_points.csv``, ``screening.csv``, ``dmc.csv`` (coverage
        flags), ``derived.csv`` (ratios), ``bod_weights.csv`` (benefit-of-the-doubt weights)
        where those steps or settings ran, and the inputs as the engine read them:
        ``recipe.yaml`` (every default resolved) with ``framework.csv`` and ``data.csv``, from
        which the run rebuilds exactly."""
        out: dict[str, pd.DataFrame | str] = {
            "scores.csv": self.scores.reset_index(),
            "ranks.csv": self.ranks.astype("Int64").reset_index(),
        }
        for name, frame in self.stages.items():
            out[f"data/{name}.csv"] = frame.reset_index()
        for name, table in (("treatment", self.treatment()),
                            ("treated_points", self.treated_points()),
                            ("imputed_points", self.imputed_points()),
                            ("screening", self.screening()),
                            ("dmc", self.coverage()), ("derived", self.derived()),
                            ("bod_weights", self.bod_weights())):
            if table is not None:
                out[f"{name}.csv"] = table.reset_index()
        out.update(recipe_files(self.recipe))
        return out

    def settings(self) -> dict:
        """The recipe as run, every default resolved (a manifest's ``settings``)."""
        return self.recipe.to_dict()

    def write(self, out: str | os.PathLike, *, force: bool = False,
              started: float | None = None) -> Path:
        """Write the result as a ``build`` run directory (see :mod:`innometrics.runs`):
        :meth:`tables` plus ``manifest.json``; ``out`` is replaced only once every file is
        written, and only if it is new or an earlier build run."""
        return write_run(out, kind="build", tables=self.tables(), settings=self.settings(),
                         inputs=self.recipe.input_files(), force=force, started=started,
                         details={"units": len(self.scores), "index": self.index_code,
                                  "units_screened_out": [u for u in self.recipe.data.units
                                                         if u not in self.scores.index],
                                  "framework_fingerprint": self.recipe.framework.fingerprint(),
                                  "data_fingerprint": self.recipe.data.fingerprint(),
                                  **_functions_used(self.recipe)})

    def _repr_html_(self) -> str:
        """A summary and the top units as an HTML table (for Jupyter)."""
        return summary_table(*self.summary(rows=10))

    def summary(self, *, rows: int = 10) -> tuple[list[tuple[str, str]], pd.DataFrame]:
        """What a notebook shows: index, units, time and steps as ``(label, value)`` pairs,
        and the top ``rows`` units (:meth:`top`)."""
        return ([("index", str(self.index_code)), ("units", str(len(self.scores))),
                 ("created", str(self.created)),
                 ("steps", ", ".join(name for name, _ in self.recipe.steps))], self.top(rows))


def build(recipe: Recipe) -> IndexResult | PanelResult:
    """Run a recipe's steps in order and collect every stage (see
    :func:`~innometrics.pipeline.run_steps`); on a panel (data with several times), one
    index per time (:class:`PanelResult`, :func:`~innometrics.pipeline.run_panel_steps`).

    Returns
    -------
    IndexResult or PanelResult
        Scores and ranks at every level, the data after each step, what each step did, and
        the recipe, from which a changed setting regenerates the result; for a panel, one
        :class:`IndexResult` per time.

    Raises
    ------
    InputError
        If a step turns a finite value into a non-finite one, naming the cell.
    InvalidParameter
        If a step finds the data unfit for its settings, naming the recipe key.
    """
    if recipe.data.is_panel:
        return _build_panel(recipe)
    stages, records = run_steps(recipe)
    return IndexResult(recipe=recipe, stages=stages, records=records)


use_builder(build)  # Recipe.run() builds through it; recipe.py may not import this module


def recipe_files(recipe: Recipe) -> dict[str, pd.DataFrame | str]:
    """``recipe.yaml``, ``framework.csv`` and ``data.csv``: the recipe with every default
    resolved, pointing at the framework and data as the engine read them."""
    import yaml

    spec = recipe.to_dict()
    spec["framework"], spec["data"] = "framework.csv", "data.csv"
    return {"recipe.yaml": yaml.safe_dump(spec, sort_keys=False, allow_unicode=True),
            "framework.csv": recipe.framework.to_frame(),
            "data.csv": recipe.data.to_frame()}


# --- panels (COINr's purses) ------------------------------------------------------------------

@dataclass(frozen=True)
class PanelResult:
    """One :class:`IndexResult` per time of a panel, from one recipe (COINr's purse).

    Attributes
    ----------
    recipe : Recipe
        What was run, its data the whole panel.
    results : dict of str → IndexResult
        Each time's result, in increasing time; its recipe holds that time's data.
    created : str
        UTC time of the run (ISO 8601).
    """

    recipe: Recipe
    results: dict[str, IndexResult]
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def times(self) -> list[str]:
        """The panel's times, increasing."""
        return list(self.results)

    @property
    def latest(self) -> IndexResult:
        """The result of the latest time."""
        return self.results[self.times[-1]]

    def at(self, time: str | float | None = None) -> IndexResult:
        """One time's result (default the latest), as a purse's coin: its results tables,
        profiles and selections (``panel.at(2022).results_table()``).

        Raises
        ------
        InvalidParameter
            For a time the panel does not have (the message lists them).
        """
        if time is None:
            return self.latest
        found = [r for t, r in self.results.items() if same_time(t, time)]
        if found:
            return found[0]
        raise InvalidParameter(f"time {time} is not in the panel; its times are "
                               f"{', '.join(self.times)}.")

    @property
    def records(self) -> dict[str, dict]:
        """What each step did, by record key then time."""
        keys = dict.fromkeys(k for r in self.results.values() for k in r.records)
        return {k: {t: r.records[k] for t, r in self.results.items() if k in r.records}
                for k in keys}

    @property
    def index_code(self) -> str:
        """Code of the top node (the index)."""
        return self.latest.index_code

    def _long(self, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """Per-time tables (indexed by ``uCode``) stacked: ``Time, uCode``, then the columns."""
        parts = [frame.reset_index().assign(Time=t) for t, frame in frames.items()]
        out = pd.concat(parts, ignore_index=True)
        return out[["Time", *[c for c in out.columns if c != "Time"]]]

    @property
    def scores(self) -> pd.DataFrame:
        """Scores of every node at every time, long: ``Time, uCode``, then one column per
        node (COINr's ``get_dset(purse, "Aggregated")``)."""
        return self._long({t: r.scores for t, r in self.results.items()})

    @property
    def ranks(self) -> pd.DataFrame:
        """Ranks within each time, long like :attr:`scores`."""
        out = self._long({t: r.ranks for t, r in self.results.items()})
        codes = out.columns[2:]
        out[codes] = out[codes].astype("Int64")
        return out

    def stage(self, name: str) -> pd.DataFrame:
        """The data after one step at every time, long (``Time, uCode``, codes)."""
        return self._long({t: r.stages[name] for t, r in self.results.items()
                           if name in r.stages})

    def top(self, n: int = 10, code: str | None = None) -> pd.DataFrame:
        """The ``n`` best units of the latest time (see :meth:`IndexResult.top`)."""
        return self.latest.top(n, code)

    def trends(self, metric: str = "CAGR") -> pd.DataFrame:
        """Each unit's trend on every column of :attr:`scores`: ``uCode, iCode, <metric>,
        Avail, t_first, t_latest``, as COINr's ``get_trends(purse, dset, f_trend = metric,
        interp_at = "all")`` (see :func:`innometrics.trends.trends`); ``metric`` is ``CAGR``
        or ``prc_change``. Rows ordered by ``iCode`` then ``uCode``."""
        scores = {t: r.scores for t, r in self.results.items()}
        codes = list(self.latest.scores.columns)
        units = list(dict.fromkeys(u for frame in scores.values() for u in frame.index))
        cube = np.stack([frame.reindex(index=units, columns=codes).to_numpy(np.float64)
                         for frame in scores.values()])
        trend, avail, first, latest = _trends(cube, time_values(self.times), metric=metric)
        labels = np.array([*self.times, None], dtype=object)  # index -1: no time
        table = pd.DataFrame({
            "uCode": np.repeat(units, len(codes)), "iCode": np.tile(codes, len(units)),
            metric: trend.ravel(), "Avail": avail.ravel(),
            "t_first": labels[first.ravel()], "t_latest": labels[latest.ravel()]})
        return table.sort_values(["iCode", "uCode"], ignore_index=True)

    def imputed_points(self) -> pd.DataFrame | None:
        """Every imputed point: ``Time, uCode, iCode, method`` and ``from_time``: the time
        whose value filled it (``2019``), or the two times a linear interpolation spans
        (``2019-2021``); empty for an imputation within the time. None without an impute."""
        rows = []
        for t, r in self.results.items():
            for key in ("impute_panel", "impute"):
                rec = r.records.get(key)
                if rec is None:
                    continue
                settings = rec["settings"]
                method = settings.get("method", "none")
                if method == "panel":
                    method = f"panel {settings.get('fill', 'latest')}"
                for i, j in zip(*np.nonzero(rec["imputed"]), strict=True):
                    source = ""
                    if "from_first" in rec:
                        lo, hi = rec["from_first"][i, j], rec["from_last"][i, j]
                        source = lo if lo == hi else f"{lo}-{hi}"
                    rows.append((t, rec["units"][i], self.recipe.framework.indicators[j],
                                 method, source))
        if not any(k in ("impute", "impute_panel") for k in self.records):
            return None
        return pd.DataFrame(rows, columns=["Time", "uCode", "iCode", "method", "from_time"])

    def tables(self) -> dict[str, pd.DataFrame | str]:
        """Every file of a panel build run: as :meth:`IndexResult.tables`, each table long
        with ``Time`` first (``scores.csv``, ``ranks.csv``: ``Time, uCode``, one column per
        node, ranks within each time; ``data/<Stage>.csv``; ``treatment.csv`` ...), plus
        ``trends.csv`` (CAGR, see :meth:`trends`) and ``imputed_points.csv`` (one row per
        imputed point, see :meth:`imputed_points`); ``data.csv`` carries ``Time``."""
        per_time = {t: r.tables() for t, r in self.results.items()}
        inputs = recipe_files(self.recipe)
        out: dict[str, pd.DataFrame | str] = {"scores.csv": self.scores,
                                              "ranks.csv": self.ranks}
        names = dict.fromkeys(n for tables in per_time.values() for n in tables)
        for name in names:
            if name in out or name in inputs:
                continue
            parts = [tables[name].assign(Time=t) for t, tables in per_time.items()
                     if isinstance(tables.get(name), pd.DataFrame)]
            if parts:
                frame = pd.concat(parts, ignore_index=True)
                out[name] = frame[["Time", *[c for c in frame.columns if c != "Time"]]]
        imputed = self.imputed_points()
        if imputed is not None:
            out["imputed_points.csv"] = imputed
        out["trends.csv"] = self.trends()
        out.update(inputs)
        return out

    def settings(self) -> dict:
        """The recipe as run, every default resolved (a manifest's ``settings``)."""
        return self.recipe.to_dict()

    def write(self, out: str | os.PathLike, *, force: bool = False,
              started: float | None = None) -> Path:
        """Write the panel as one ``build`` run directory (see :meth:`tables`)."""
        return write_run(out, kind="build", tables=self.tables(), settings=self.settings(),
                         inputs=self.recipe.input_files(), force=force, started=started,
                         details={"units": len(set(self.recipe.data.units)),
                                  "index": self.index_code, "times": self.times,
                                  "framework_fingerprint": self.recipe.framework.fingerprint(),
                                  "data_fingerprint": self.recipe.data.fingerprint(),
                                  **_functions_used(self.recipe)})


def _build_panel(recipe: Recipe) -> PanelResult:
    per_time = {t: replace(recipe, data=slice_time(recipe.data, t))
                for t in panel_times(recipe.data)}
    runs = run_panel_steps(recipe, per_time)
    return PanelResult(recipe=recipe, results={
        t: IndexResult(recipe=per_time[t], stages=stages, records=records)
        for t, (stages, records) in runs.items()})


def _functions_used(recipe: Recipe) -> dict:
    """A manifest's ``functions``: the own functions the recipe ran, by reference."""
    used = recipe.own_functions()
    return {"functions": used} if used else {}

