"""Monte Carlo uncertainty and variance-based sensitivity of ranks.

Uncertain inputs, as in COINr's ``get_sensitivity`` and the JRC's GII audits:

- **weights**: each weight at the chosen levels becomes ``w·(1 + U(−f, f))`` (COINr's
  ``get_noisy_weights`` convention); aggregation renormalises over siblings;
- **alternatives**: for the steps impute, treat, normalise and aggregate, a list of settings;
  each replication picks one per step, uniformly.

The design lives in the recipe::

    uncertainty:
      runs: 500
      seed: 1
      weights: {noise: 0.25, levels: [2, 3]}
      alternatives:
        normalise: [{method: minmax, range: [0, 100]}, {method: zscore, mean: 10, sd: 2}]
        aggregate: [{method: arithmetic}, {method: geometric}]

Replications are not rebuilt one by one. Everything before aggregation is computed once per
distinct combination of alternatives; the aggregation then runs for a whole chunk of
replications at once, with a leading replication axis on the weight matrices. Chunks go
through numpy locally or through Dask (``engine="dask"``) with identical results.

References
----------
Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators. JRSS-A 168(2),
307-323. doi:10.1111/j.1467-985X.2005.00350.x
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Computer
Physics Communications 181(2), 259-270. doi:10.1016/j.cpc.2009.09.018
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._params import Integral, Interval, Real, check_params
from .errors import InvalidParameter
from .ranking import rank_min
from .recipe import Recipe
from .result import IndexResult, build
from .schema import ALTERNATIVE_STEPS, check_step, check_uncertainty_against_framework
from .steps.aggregate import aggregate

__all__ = ["UncertaintyDesign", "UncertaintyResult", "SensitivityResult", "run_uncertainty",
           "run_sensitivity", "sample_design", "evaluate_design", "rank_statistics"]

_PRE_AGGREGATE = ALTERNATIVE_STEPS[:-1]
_CHUNK = 256


@dataclass(frozen=True)
class UncertaintyDesign:
    """What is uncertain and how much.

    Attributes
    ----------
    runs : int
        Replications (for sensitivity: the base sample size N, giving N·(d + 2) runs).
    seed : int
    noise : float
        Weight noise factor f: weights become ``w·(1 + U(−f, f))``. 0 = weights fixed.
    levels : tuple of int
        Levels whose node weights are perturbed (1 = indicators, 2 = their parents, ...).
    alternatives : dict of str → list of dict
        Settings to choose from, per step.
    """

    runs: int = 500
    seed: int = 1
    noise: float = 0.0
    levels: tuple[int, ...] = ()
    alternatives: dict[str, list[dict]] = field(default_factory=dict)

    @classmethod
    def from_recipe(cls, recipe: Recipe, **overrides: Any) -> UncertaintyDesign:
        """The recipe's ``uncertainty`` section (validated when the recipe was loaded);
        keyword arguments (``runs``, ``seed`` from the command line) override it."""
        spec = recipe.uncertainty or {}
        weights = spec.get("weights", {})
        values = {"runs": spec.get("runs", cls.runs), "seed": spec.get("seed", cls.seed),
                  "noise": weights.get("noise", 0.0), "levels": tuple(weights.get("levels", ()))}
        given = {k: v for k, v in overrides.items() if v is not None}
        check_params("the command line", {f"--{k}": v for k, v in given.items()},
                     {f"--{k}": v for k, v in _CONSTRAINTS.items()})
        values.update(given)
        design = cls(runs=values["runs"], seed=values["seed"], noise=values["noise"],
                     levels=tuple(values["levels"]),
                     alternatives={k: [dict(o) for o in v]
                                   for k, v in spec.get("alternatives", {}).items()})
        design.validate(recipe)
        return design

    def validate(self, recipe: Recipe) -> None:
        """Check the design against the recipe (in-memory designs are checked here)."""
        check_params("UncertaintyDesign", {"runs": self.runs, "seed": self.seed,
                                           "noise": self.noise}, _CONSTRAINTS)
        check_uncertainty_against_framework(
            {"weights": {"levels": list(self.levels)},
             "alternatives": {step: [check_step(step, option,
                                                f"uncertainty.alternatives.{step}[{k}]")
                                     for k, option in enumerate(options)]
                              for step, options in self.alternatives.items()}},
            recipe.framework)
        if "aggregate" not in [n for n, _ in recipe.steps]:
            raise InvalidParameter("uncertainty needs a recipe with an aggregate step.")
        present = {name for name, _ in recipe.steps}
        for step, options in self.alternatives.items():
            if step not in present and not any(o.get("method") == "none" for o in options):
                raise InvalidParameter(
                    f"uncertainty.alternatives.{step}: the recipe has no {step} step, so its "
                    f"nominal result is {{method: none}}, which is not among the alternatives; "
                    f"add it, or add the step to the recipe.")

    def to_dict(self) -> dict:
        """The design as a recipe's ``uncertainty:`` section would write it."""
        return {"runs": self.runs, "seed": self.seed,
                "weights": {"noise": self.noise, "levels": list(self.levels)},
                "alternatives": {k: [dict(o) for o in v] for k, v in self.alternatives.items()}}

    def shared_scale(self, recipe: Recipe) -> str | None:
        """None when the recipe's own normalisation and every alternative put scores on one
        scale; otherwise why not (score intervals would then mix scales)."""
        nominal = dict(recipe.steps).get("normalise", {"method": "none"})
        options = [nominal] + [check_step("normalise", o, "uncertainty.alternatives.normalise")
                               for o in self.alternatives.get("normalise", [])]
        scales = {json.dumps({k: v for k, v in o.items() if k in _SCALE_KEYS}, sort_keys=True)
                  for o in options}
        if len(scales) <= 1:
            return None
        return "normalisations put scores on different scales (" + " vs ".join(
            sorted(scales)) + ")"

    @property
    def factors(self) -> list[str]:
        """Names of the uncertain inputs: "weights" (if noisy) and each step with
        alternatives."""
        return (["weights"] if self.noise > 0 and self.levels else []) + list(self.alternatives)


_CONSTRAINTS = {
    "runs": [Interval(Integral, 1, None)],
    "seed": [Interval(Integral, 0, None)],
    "noise": [Interval(Real, 0, 1, closed="left")],
}
_ENGINES = ("local", "dask")
#: Base samples below this give Sobol indices too noisy to read (a warning says so).
_MIN_SOBOL_RUNS = 64
#: Aggregate settings that change index scores (the Monte Carlo passes only these).
_SCORING_SETTINGS = ("method", "min_coverage")
#: Normalisation settings that decide the scale of the scores.
_SCALE_KEYS = ("method", "range", "mean", "sd", "scale")
#: Bytes per replication and unit held at once: scores, ranks, the argsort and quantile copies.
_BYTES_PER_CELL = 8 * 8


@dataclass(frozen=True)
class Design:
    """Sampled replications: a weight multiplier per node and an option per step.

    ``multipliers`` has shape (runs, n_nodes) over ``framework.codes``; ``choices`` maps each
    step with alternatives to an int array (runs,) of option indices.
    """

    multipliers: np.ndarray
    choices: dict[str, np.ndarray]

    def __len__(self) -> int:
        return self.multipliers.shape[0]

    def to_frame(self, recipe: Recipe, design: UncertaintyDesign) -> pd.DataFrame:
        frame = pd.DataFrame({"run": np.arange(len(self))})
        for step, index in self.choices.items():
            frame[step] = index
            frame[f"{step}_settings"] = [json.dumps(design.alternatives[step][i]) for i in index]
        noisy = _noisy_nodes(recipe, design)
        codes = recipe.framework.codes
        for j in np.flatnonzero(noisy):
            frame[f"w:{codes[j]}"] = self.multipliers[:, j]
        return frame


def _noisy_nodes(recipe: Recipe, design: UncertaintyDesign) -> np.ndarray:
    fw = recipe.framework
    return np.array([fw[c].level in design.levels for c in fw.codes]) & (design.noise > 0)


def _design_from_unit(recipe: Recipe, design: UncertaintyDesign, u_weights: np.ndarray,
                      u_choices: dict[str, np.ndarray]) -> Design:
    """Map uniform [0, 1) numbers to weight multipliers and option indices."""
    noisy = _noisy_nodes(recipe, design)
    multipliers = np.ones((u_weights.shape[0], len(noisy)))
    multipliers[:, noisy] = 1 + design.noise * (2 * u_weights - 1)
    choices = {step: np.minimum((u * len(design.alternatives[step])).astype(np.int64),
                                len(design.alternatives[step]) - 1)
               for step, u in u_choices.items()}
    return Design(multipliers, choices)


def sample_design(recipe: Recipe, design: UncertaintyDesign) -> Design:
    """Draw ``design.runs`` replications with ``numpy.random.default_rng(design.seed)``."""
    rng = np.random.default_rng(design.seed)
    n_noisy = int(_noisy_nodes(recipe, design).sum())
    u_weights = rng.random((design.runs, n_noisy))
    u_choices = {step: rng.random(design.runs) for step in design.alternatives}
    return _design_from_unit(recipe, design, u_weights, u_choices)


def _option_recipe(recipe: Recipe, design: UncertaintyDesign, combo: Mapping[str, int]) -> Recipe:
    for step, i in combo.items():
        recipe = recipe.with_step(step, **design.alternatives[step][i])
    return recipe


def _aggregate_chunk(x: np.ndarray, matrices: Sequence[np.ndarray],
                     children: Sequence[np.ndarray], multipliers: np.ndarray,
                     settings: Mapping[str, Any]) -> np.ndarray:
    """Index scores (runs, units) of one chunk: each level's weight matrix scaled by the
    multipliers of its child nodes (``children``: their positions in ``framework.codes``)."""
    weights = [w * multipliers[:, rows][:, :, None]
               for w, rows in zip(matrices, children, strict=True)]
    return aggregate(x, weights, **settings).values[..., -1]


def evaluate_design(recipe: Recipe, design: UncertaintyDesign, sampled: Design, *,
                    engine: str = "local", client: Any = None,
                    progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Index scores of every replication, shape (runs, n_units).

    Each distinct combination of pre-aggregation alternatives is built once; replications are
    then aggregated in chunks of 256 with a leading replication axis. ``engine="dask"`` sends
    the chunks to a Dask cluster (``client`` or the default one); the chunks and their order
    are the same as locally, so results are identical.
    """
    if engine not in _ENGINES:
        raise InvalidParameter(f"'engine' must be one of {_ENGINES}; got {engine!r}.")
    fw = recipe.framework
    codes = fw.codes
    position = {c: i for i, c in enumerate(codes)}
    matrices = [fw.weight_matrix(level) for level in range(2, fw.n_levels + 1)]
    children = [np.array([position[c] for c in fw.codes_at(level - 1)])
                for level in range(2, fw.n_levels + 1)]
    base_aggregate = recipe.settings("aggregate") or {}
    pre_steps = [s for s in _PRE_AGGREGATE if s in sampled.choices]

    # one group of replications per distinct combination of options (a leading zero column
    # makes the no-alternatives case one group too); np.unique sorts the groups
    keys = np.column_stack([np.zeros(len(sampled), dtype=np.int64),
                            *(sampled.choices[s] for s in sampled.choices)])
    groups, group_of = np.unique(keys, axis=0, return_inverse=True)
    tasks = []  # (rows, x, aggregate settings)
    prepared: dict[tuple, np.ndarray] = {}
    for g, key in enumerate(groups.tolist()):
        rows = np.flatnonzero(group_of.ravel() == g)
        combo = dict(zip(sampled.choices, key[1:], strict=True))
        pre_key = tuple(combo[s] for s in pre_steps)
        if pre_key not in prepared:
            pre = _option_recipe(recipe, design, {s: combo[s] for s in pre_steps})
            prepared[pre_key] = build(pre.without_step("aggregate")).scores.to_numpy()
        settings = (design.alternatives["aggregate"][combo["aggregate"]]
                    if "aggregate" in combo else base_aggregate)
        # index scores need the method and coverage; flags and ratios are not computed here
        settings = {k: v for k, v in settings.items() if k in _SCORING_SETTINGS}
        for start in range(0, len(rows), _CHUNK):
            tasks.append((rows[start:start + _CHUNK], prepared[pre_key], dict(settings)))

    if engine == "dask":
        from dask.distributed import default_client

        client = client or default_client()
        futures = [client.submit(_aggregate_chunk, x, matrices, children,
                                 sampled.multipliers[rows], settings, pure=False)
                   for rows, x, settings in tasks]
        chunks = (future.result() for future in futures)
    else:
        chunks = (_aggregate_chunk(x, matrices, children, sampled.multipliers[rows], settings)
                  for rows, x, settings in tasks)
    scores = np.empty((len(sampled), next(iter(prepared.values())).shape[0]))
    for done, ((rows, _, _), chunk) in enumerate(zip(tasks, chunks, strict=True), 1):
        scores[rows] = chunk
        if progress:
            progress(done, len(tasks))
    return scores


def rank_statistics(ranks: np.ndarray, nominal: np.ndarray) -> pd.DataFrame:
    """Nominal, mean, median, 5th and 95th percentile rank per unit (COINr ``RankStats``;
    percentiles as R's ``quantile`` type 7)."""
    return pd.DataFrame({
        "nominal": nominal,
        "mean": ranks.mean(axis=0),
        "median": np.median(ranks, axis=0),
        "q05": np.quantile(ranks, 0.05, axis=0),
        "q95": np.quantile(ranks, 0.95, axis=0),
    })


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
        """Per unit: uCode, nominal, mean, median, q05, q95 ranks, then the score interval
        (score_nominal, score_q05, score_median, score_q95) where every alternative shares
        one scale (:meth:`UncertaintyDesign.shared_scale`), and uName."""
        table = rank_statistics(self.ranks, self.nominal_ranks)
        table.insert(0, "uCode", list(self.units))
        if self.design.shared_scale(self.recipe) is None:
            table["score_nominal"] = self.nominal_scores
            table["score_q05"] = np.quantile(self.scores, 0.05, axis=0)
            table["score_median"] = np.median(self.scores, axis=0)
            table["score_q95"] = np.quantile(self.scores, 0.95, axis=0)
        names = dict(zip(self.recipe.data.units, self.recipe.data.names, strict=True))
        table["uName"] = [names[u] for u in self.units]
        return table.sort_values(["nominal", "uCode"]).reset_index(drop=True)

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
        from .result import recipe_files

        out = {"rank_intervals.csv": self.rank_intervals(),
               "design.csv": self.sampled.to_frame(self.recipe, self.design),
               **recipe_files(self.recipe)}
        if sensitivity is not None:
            out["sensitivity.csv"] = sensitivity.table
        return out

    def settings(self) -> dict:
        """The recipe and the design actually run."""
        return {"recipe": self.recipe.to_dict(), "design": self.design.to_dict()}

    def write(self, out: str | os.PathLike, sensitivity: SensitivityResult | None = None, *,
              force: bool = False, started: float | None = None,
              engine: str = "local", with_nominal: bool = False) -> Path:
        """Write an ``uncertainty`` run directory (see :mod:`innometrics.runs`); with
        ``with_nominal`` it also holds the nominal build as a run of its own in ``nominal/``
        (what a report of the intervals needs beside them)."""
        from .runs import write_run

        settings = {**self.settings(), "engine": engine,
                    "sensitivity": None if sensitivity is None else
                    {"runs": sensitivity.runs, "resamples": sensitivity.resamples}}
        tables = self.tables(sensitivity)
        if with_nominal:
            tables["nominal"] = self.nominal.write
        return write_run(out, kind="uncertainty", tables=tables,
                         settings=settings, inputs=self.recipe.input_files(), force=force,
                         started=started, details={"notes": self.notes()})


def _nominal(recipe: Recipe) -> tuple[np.ndarray, np.ndarray, IndexResult]:
    result = build(recipe)
    scores = result.scores.iloc[:, -1].to_numpy()
    return scores, rank_min(scores[:, None])[:, 0], result


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(runs: int, units: int, what: str = "--runs") -> None:
    """Refuse up front a Monte Carlo whose arrays would not fit in the memory available."""
    need = runs * units * _BYTES_PER_CELL
    have = available_memory()
    if have is not None and need > 0.8 * have:
        fits = max(int(0.8 * have // (units * _BYTES_PER_CELL)), 1)
        raise InvalidParameter(f"{what} {runs:,} needs about {need / 2**30:.1f} GiB for "
                               f"{units} units, but {have / 2**30:.1f} GiB are available; use "
                               f"at most about {fits:,} replications.")


def run_uncertainty(recipe: Recipe, design: UncertaintyDesign | None = None, *,
                    engine: str = "local", client: Any = None,
                    progress: Callable[[int, int], None] | None = None) -> UncertaintyResult:
    """Monte Carlo over the design: every unit's rank and score distribution.

    Same recipe, design and seed give the same numbers, locally or on Dask.
    """
    design = design or UncertaintyDesign.from_recipe(recipe)
    design.validate(recipe)
    check_memory(design.runs, len(recipe.data.units))
    sampled = sample_design(recipe, design)
    scores = evaluate_design(recipe, design, sampled, engine=engine, client=client,
                             progress=progress)
    nominal_scores, nominal_ranks, nominal = _nominal(recipe)
    return UncertaintyResult(recipe=recipe, design=design, sampled=sampled, scores=scores,
                             ranks=rank_min(scores, axis=-1), nominal_scores=nominal_scores,
                             nominal_ranks=nominal_ranks, units=tuple(nominal.scores.index),
                             nominal=nominal)


@dataclass(frozen=True)
class SensitivityResult:
    """First- and total-order Sobol indices of each uncertain input on the mean absolute
    rank shift, with bootstrap intervals."""

    table: pd.DataFrame
    design: UncertaintyDesign
    runs: int
    resamples: int = 100


def mean_rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Mean over units of ``|rank − nominal rank|`` per replication (COINr's SA target)."""
    return np.abs(ranks - nominal).mean(axis=-1)


def run_sensitivity(recipe: Recipe, design: UncertaintyDesign | None = None, *,
                    engine: str = "local", client: Any = None, resamples: int = 100,
                    progress: Callable[[int, int], None] | None = None) -> SensitivityResult:
    """Sobol indices (Saltelli design, SALib) of each uncertain input.

    Each input is one group of factors: "weights" groups the noise factor of every perturbed
    weight; each step with alternatives is a single factor whose uniform value picks the
    option. ``design.runs`` is the base sample N: the model runs N·(d + 2) times for d inputs.
    Indices: first order S1 (Saltelli et al. 2010) and total order ST (Jansen 1999), with
    5th-95th percentile intervals over ``resamples`` bootstrap resamples.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    design = design or UncertaintyDesign.from_recipe(recipe)
    design.validate(recipe)
    factors = design.factors
    if len(factors) < 2:
        raise InvalidParameter("sensitivity analysis needs at least two uncertain inputs "
                               f"(weights noise and/or step alternatives); got {factors}.")
    n_noisy = int(_noisy_nodes(recipe, design).sum())
    check_memory(design.runs * (len(factors) + 2), len(recipe.data.units), "--runs N·(d+2) =")
    if design.runs < _MIN_SOBOL_RUNS:
        warnings.warn(f"sensitivity indices from a base sample of N = {design.runs} are "
                      f"unreliable (their bootstrap intervals collapse); use N ≥ "
                      f"{_MIN_SOBOL_RUNS}, e.g. --runs 500 as in COINr's example",
                      RuntimeWarning, stacklevel=2)
    names = [f"w{i}" for i in range(n_noisy if "weights" in factors else 0)]
    groups = ["weights"] * len(names) + list(design.alternatives)
    names += list(design.alternatives)
    problem = {"num_vars": len(names), "names": names, "groups": groups,
               "bounds": [[0.0, 1.0]] * len(names)}
    with warnings.catch_warnings():  # SALib asks for N = 2^k; COINr's N = 500 is kept as is
        warnings.simplefilter("ignore", UserWarning)
        sample = sobol_sample.sample(problem, design.runs, calc_second_order=False,
                                     seed=design.seed)
    u_weights = sample[:, :n_noisy] if "weights" in factors else np.zeros((len(sample), 0))
    u_choices = {step: sample[:, names.index(step)] for step in design.alternatives}
    sampled = _design_from_unit(recipe, design, u_weights, u_choices)
    scores = evaluate_design(recipe, design, sampled, engine=engine, client=client,
                             progress=progress)
    _, nominal_ranks, _ = _nominal(recipe)
    target = mean_rank_shift(rank_min(scores, axis=-1), nominal_ranks)
    indices = sobol_analyze.analyze(problem, target, calc_second_order=False,
                                    num_resamples=resamples, conf_level=0.90,
                                    keep_resamples=True, seed=design.seed)
    table = pd.DataFrame({
        "input": factors,
        "S1": indices["S1"], "S1_q05": np.quantile(indices["S1_conf_all"], 0.05, axis=0),
        "S1_q95": np.quantile(indices["S1_conf_all"], 0.95, axis=0),
        "ST": indices["ST"], "ST_q05": np.quantile(indices["ST_conf_all"], 0.05, axis=0),
        "ST_q95": np.quantile(indices["ST_conf_all"], 0.95, axis=0),
    })
    return SensitivityResult(table=table, design=design, runs=len(sample), resamples=resamples)

