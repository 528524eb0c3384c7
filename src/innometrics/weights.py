"""Optimised weights: the weights of one level whose nodes' correlations with the index come
closest to target shares (COINr's ``get_opt_weights``, with a real optimiser).

For the nodes ``i`` of level L with weights ``w`` (the rest of the framework fixed), the index
is rebuilt from the data as the recipe aggregates them, and ``r_i(w)`` is the Pearson
correlation of node i's scores with the index (units with both present). Two objectives, as in
COINr:

- ``balance`` with target shares ``t`` (``equal``: all alike; or given): minimise
  ``mean_i (t_i − r_i / Σ_k r_k)²`` (COINr minimises the log of this, which has the same
  minimiser);
- ``infomax``: maximise ``Σ_i r_i`` (the objective reported is ``−Σ_i r_i``, as COINr's).

The search is bounded (each weight in [1e-6, 1] before the level's weights are scaled to sum
to 1) and starts from the targets, the recipe's weights and a few seeded random points;
L-BFGS-B (scipy) from each, the best kept. COINr 1.1.14 runs Nelder–Mead with ``reltol = 0.1``
from the targets alone and stops near its start.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from .errors import InvalidParameter
from .recipe import Recipe
from .result import build
from .runs import write_run
from .steps.aggregate import aggregate

__all__ = ["WeightFit", "optimise_weights", "parse_target", "correlations_with_index"]

_LOWEST = 1e-6  # lowest weight tried (relative to 1): 0 could leave a parent with no weight
_STARTS = 6  # random starts besides the targets and the recipe's weights


def parse_target(text: str, n_nodes: int) -> str | np.ndarray:
    """``--target``: ``equal``, ``infomax`` or ``W1,W2,…`` (one positive number per node).

    Examples
    --------
    >>> parse_target("1,1,2", 3)
    array([0.25, 0.25, 0.5 ])
    """
    if text in ("equal", "infomax"):
        return text
    try:
        values = np.array([float(v) for v in text.split(",")])
    except ValueError:
        values = np.array([])
    if len(values) != n_nodes or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise InvalidParameter(f"--target must be equal, infomax or {n_nodes} positive numbers "
                               f"separated by commas (one per node of the level); got {text!r}.")
    return values / values.sum()


def correlations_with_index(x: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Pearson correlation of each column of ``x`` (..., units, nodes) with ``index``
    (..., units), over the units where both are present."""
    both = ~np.isnan(x) & ~np.isnan(index)[..., None]
    n = both.sum(axis=-2)
    xs = np.where(both, x, 0.0)
    ys = np.where(both, index[..., None], 0.0)
    mx, my = xs.sum(axis=-2) / n, ys.sum(axis=-2) / n
    dx, dy = np.where(both, xs - mx[..., None, :], 0.0), np.where(both, ys - my[..., None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (dx * dy).sum(axis=-2) / np.sqrt((dx ** 2).sum(axis=-2) * (dy ** 2).sum(axis=-2))


@dataclass(frozen=True)
class WeightFit:
    """Optimised weights of one level and how well they meet the target.

    Attributes
    ----------
    recipe : Recipe
        The recipe with the level's weights replaced.
    level : int
    target : str
        ``equal``, ``infomax`` or ``given``.
    nodes : list of str
    target_shares : ndarray or None
        None for infomax.
    weights : ndarray
        The level's weights, summing to 1.
    correlations : ndarray
        Each node's correlation with the index at those weights.
    objective : float
    start_objective : float
        The objective at the recipe's own weights.
    """

    recipe: Recipe
    level: int
    target: str
    nodes: list[str]
    target_shares: np.ndarray | None
    weights: np.ndarray
    correlations: np.ndarray
    objective: float
    start_objective: float

    @property
    def obtained_shares(self) -> np.ndarray:
        """Each node's share of the summed correlations."""
        return self.correlations / self.correlations.sum()

    def fit_table(self) -> pd.DataFrame:
        """``node, target_share, obtained_share, correlation, weight``."""
        target = (np.full(len(self.nodes), np.nan) if self.target_shares is None
                  else self.target_shares)
        return pd.DataFrame({"node": self.nodes, "target_share": target,
                             "obtained_share": self.obtained_shares,
                             "correlation": self.correlations, "weight": self.weights})

    def weights_table(self) -> pd.DataFrame:
        """``iCode, weight`` for every node of the framework, the level's replaced."""
        weights = self.recipe.framework.weights()
        return pd.DataFrame({"iCode": list(weights), "weight": list(weights.values())})

    def tables(self) -> dict:
        """``weights.csv``, ``fit.csv`` and the recipe with its framework and data."""
        from .result import recipe_files  # result imports the recipe runner

        return {"weights.csv": self.weights_table(), "fit.csv": self.fit_table(),
                **recipe_files(self.recipe)}

    def write(self, out: str | os.PathLike, *, inputs: dict, force: bool = False,
              started: float | None = None) -> Path:
        """Write a ``weights-optimise`` run directory."""
        return write_run(out, kind="weights-optimise", tables=self.tables(),
                         settings={"level": self.level, "target": self.target,
                                   "starts": _STARTS + 2, "optimiser": "L-BFGS-B"},
                         inputs=inputs, force=force, started=started,
                         details={"objective": self.objective,
                                  "start_objective": self.start_objective})


def _level_matrix_rows(recipe: Recipe, level: int) -> tuple[list[np.ndarray], int, list[str]]:
    fw = recipe.framework
    if not 1 <= level < fw.n_levels:
        raise InvalidParameter(f"--level must be a level of the framework below the index, "
                               f"1-{fw.n_levels - 1}; got {level}.")
    matrices = [fw.weight_matrix(lv) for lv in range(2, fw.n_levels + 1)]
    return matrices, level - 1, fw.codes_at(level)


def optimise_weights(recipe: Recipe, level: int, target: str | Sequence[float] = "equal",
                     *, seed: int = 0) -> WeightFit:
    """Find the weights of the nodes at ``level`` that best meet ``target`` (see the module
    docstring for the objective and the search).

    Parameters
    ----------
    recipe : Recipe
        Must end with an aggregate step; the data as it enters that step are kept fixed.
    level : int
        1 (indicators) up to the level below the index.
    target : "equal", "infomax" or sequence of float
        Target correlation shares, one per node (scaled to sum to 1).
    seed : int, default 0
        Seed of the random starts.
    """
    if not recipe.steps or recipe.steps[-1][0] != "aggregate":
        raise InvalidParameter("weights optimise needs a recipe ending with an aggregate step.")
    matrices, position, nodes = _level_matrix_rows(recipe, level)
    n = len(nodes)
    if isinstance(target, str) and target not in ("equal", "infomax"):
        target = parse_target(target, n)
    shares = (np.full(n, 1.0 / n) if isinstance(target, str) and target == "equal"
              else None if isinstance(target, str) else np.asarray(target, float) / np.sum(target))
    if shares is not None and len(shares) != n:
        raise InvalidParameter(f"the target has {len(shares)} shares for {n} nodes at level "
                               f"{level}.")
    result = build(recipe)
    stages = list(result.stages)
    x = result.stages[stages[-2]].to_numpy(np.float64)  # the data entering aggregate
    settings = recipe.callable_settings({k: v for k, v in recipe.settings("aggregate").items()
                                         if k not in ("ratios", "dmc")})
    fw = recipe.framework
    children = (matrices[position] > 0).astype(np.float64)
    columns = [fw.codes.index(code) for code in nodes]

    def correlations(w: np.ndarray) -> np.ndarray:
        trial = list(matrices)
        trial[position] = children * w[:, None]
        values = aggregate(x, trial, **settings).values
        return correlations_with_index(values[:, columns], values[:, -1])

    def objective(w: np.ndarray) -> float:
        r = correlations(w)
        value = -r.sum() if shares is None else np.mean((shares - r / r.sum()) ** 2)
        return float(value) if np.isfinite(value) else 1e6

    own = np.array([fw[c].weight for c in nodes])
    rng = np.random.default_rng(seed)
    starts = [own / own.max()] + ([shares / shares.max()] if shares is not None else [])
    starts += list(rng.uniform(_LOWEST, 1, (_STARTS, n)))
    best = min((minimize(objective, start, method="L-BFGS-B", bounds=[(_LOWEST, 1)] * n)
                for start in starts), key=lambda res: res.fun)
    weights = best.x / best.x.sum()
    fitted = recipe.with_weights(dict(zip(nodes, weights.tolist(), strict=True)))
    return WeightFit(recipe=fitted, level=level,
                     target=target if isinstance(target, str) else "given", nodes=nodes,
                     target_shares=shares, weights=weights, correlations=correlations(weights),
                     objective=objective(weights), start_objective=objective(own))
