"""Variance-based sensitivity of ranks: Sobol indices of each uncertain input on the mean
absolute rank shift (Saltelli design and estimators from SALib)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidParameter
from ..ranking import rank_min
from ..recipe import Recipe
from .design import UncertaintyDesign, with_functions_named
from .evaluation import check_memory, evaluate_design, nominal_build
from .sampling import design_from_unit, weight_inputs
from .statistics import mean_rank_shift

__all__ = ["SensitivityResult", "run_sensitivity"]

#: Base samples below this give Sobol indices too noisy to read (a warning says so).
_MIN_SOBOL_RUNS = 64


@dataclass(frozen=True)
class SensitivityResult:
    """First- and total-order Sobol indices of each uncertain input on the mean absolute
    rank shift, with bootstrap intervals."""

    table: pd.DataFrame
    design: UncertaintyDesign
    runs: int
    resamples: int = 100

    def to_frame(self) -> pd.DataFrame:
        """The indices: ``input, S1, S1_q05, S1_q95, ST, ST_q05, ST_q95`` (a copy); ``_q05``
        and ``_q95`` are the 5th and 95th percentiles of the index over the bootstrap
        resamples (SALib's ``keep_resamples``), not SALib's ``S1_conf`` (a normal half-width)."""
        return self.table.copy()


def run_sensitivity(recipe: Recipe, design: UncertaintyDesign | None = None, *,
                    engine: str = "local", client: Any = None, resamples: int = 100,
                    progress: Callable[[int, int], None] | None = None,
                    target: str | None = None) -> SensitivityResult:
    """Sobol indices (Saltelli design, SALib) of each uncertain input.

    Each input is one group of factors: "weights" groups the noise factor of every perturbed
    weight; each step with alternatives and each varied parameter (``step.setting``) is a
    single factor whose uniform value picks the option. The ranks are those of
    ``design.target`` (default the index; ``target`` overrides it). ``design.runs`` is the
    base sample N: the model runs N·(d + 2) times for d inputs.
    Indices: first order S1 (Saltelli et al. 2010) and total order ST (Jansen 1999), with
    5th-95th percentile intervals over ``resamples`` bootstrap resamples.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if recipe.data.is_panel:
        raise InvalidParameter("Sobol indices of a panel are not computed (the paired Monte "
                               "Carlo gives rank changes); run without --sensitivity, or keep "
                               "one Time's rows in the data.")
    design = design or UncertaintyDesign.from_recipe(recipe)
    if target is not None:
        design = replace(design, target=target)
    recipe, design = with_functions_named(recipe, design)
    design.validate(recipe)
    factors = design.factors
    if len(factors) < 2:
        raise InvalidParameter("sensitivity analysis needs at least two uncertain inputs "
                               f"(weights noise and/or step alternatives); got {factors}.")
    n_noisy = weight_inputs(recipe, design)
    check_memory(design.runs * (len(factors) + 2), len(recipe.data.units), "--runs N·(d+2) =")
    if design.runs < _MIN_SOBOL_RUNS:
        warnings.warn(f"sensitivity indices from a base sample of N = {design.runs} are "
                      f"unreliable (their bootstrap intervals collapse); use N ≥ "
                      f"{_MIN_SOBOL_RUNS}, e.g. --runs 500 as in COINr's example",
                      RuntimeWarning, stacklevel=2)
    names = [f"w{i}" for i in range(n_noisy if "weights" in factors else 0)]
    groups = ["weights"] * len(names) + design.choice_factors
    names += design.choice_factors
    problem = {"num_vars": len(names), "names": names, "groups": groups,
               "bounds": [[0.0, 1.0]] * len(names)}
    with warnings.catch_warnings():  # SALib asks for N = 2^k; COINr's N = 500 is kept as is
        warnings.simplefilter("ignore", UserWarning)
        sample = sobol_sample.sample(problem, design.runs, calc_second_order=False,
                                     seed=design.seed)
    u_weights = sample[:, :n_noisy] if "weights" in factors else np.zeros((len(sample), 0))
    u_choices = {factor: sample[:, names.index(factor)] for factor in design.choice_factors}
    sampled = design_from_unit(recipe, design, u_weights, u_choices)
    scores = evaluate_design(recipe, design, sampled, engine=engine, client=client,
                             progress=progress)
    _, nominal_ranks, _ = nominal_build(recipe, design.target_of(recipe))
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
