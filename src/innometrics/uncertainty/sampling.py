"""The replications drawn from a design: a weight multiplier per node and an option per step.

Two designs for the weights, both with noise factor ``f`` on the nodes of the chosen levels:

=================  ===========================================  ==============================
design             a replication's weights                      Sobol input "weights"
=================  ===========================================  ==============================
continuous         ``w·(1 + f·(2u − 1))``, a fresh uniform ``u``  one uniform per perturbed node
(default)          per node and replication                     (grouped as one input)
sets (COINr's,     one of ``sets`` weight vectors drawn once    one uniform picking the set
``sets: 100``)     the same way (COINr's ``get_noisy_weights``;  (COINr's ``Type = "discrete"``)
                   its SA ``Distribution = noisy_wts``)
=================  ===========================================  ==============================

Both are legitimate; they answer different questions. The continuous design explores the whole
box of weights, so the weights' first-order Sobol index measures their full effect. With sets,
the weights are a discrete input of ``sets`` levels: the index measures the spread among the
drawn sets only; this is COINr's ``get_sensitivity`` design. Sets are drawn with
``numpy.random.default_rng([seed, 1])``, apart from the replications' own stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..recipe import Recipe
from .design import UncertaintyDesign, noisy_nodes

__all__ = ["Design", "design_from_unit", "sample_design", "weight_sets", "weight_inputs"]


@dataclass(frozen=True)
class Design:
    """Sampled replications: a weight multiplier per node and an option per step.

    ``multipliers`` has shape (runs, n_nodes) over ``framework.codes``; ``choices`` maps each
    step with alternatives and each varied parameter (``step.setting``) to an int array
    (runs,) of option indices.
    """

    multipliers: np.ndarray
    choices: dict[str, np.ndarray]

    #: With a design of weight sets: the set each replication took (runs,); else None.
    weight_set: np.ndarray | None = None

    def __len__(self) -> int:
        return self.multipliers.shape[0]

    def to_frame(self, recipe: Recipe, design: UncertaintyDesign) -> pd.DataFrame:
        """One row per replication: ``run``, each step's option index and settings, and the
        weight multiplier ``w:<code>`` of every perturbed node."""
        frame = pd.DataFrame({"run": np.arange(len(self))})
        for step, index in self.choices.items():
            frame[step] = index
            frame[f"{step}_settings"] = [json.dumps(design.options(step)[i]) for i in index]
        noisy = noisy_nodes(recipe, design)
        codes = recipe.framework.codes
        if self.weight_set is not None:
            frame["weight_set"] = self.weight_set
        for j in np.flatnonzero(noisy):
            frame[f"w:{codes[j]}"] = self.multipliers[:, j]
        return frame


def weight_sets(recipe: Recipe, design: UncertaintyDesign) -> np.ndarray:
    """COINr's pre-drawn noisy weight sets as multipliers, shape (sets, n_nodes) over
    ``framework.codes``: ``1 + f·(2u − 1)`` on the perturbed nodes, 1 elsewhere (COINr's
    ``get_noisy_weights``: ``w + (2u − 1)·f·w``). Drawn from
    ``numpy.random.default_rng([design.seed, 1])``."""
    if design.sets is None:
        raise ValueError("the design has no weight sets (weights: {sets: ...}).")
    noisy = noisy_nodes(recipe, design)
    rng = np.random.default_rng([design.seed, 1])
    multipliers = np.ones((design.sets, len(noisy)))
    multipliers[:, noisy] = 1 + design.noise * (2 * rng.random((design.sets, int(noisy.sum())))
                                                - 1)
    return multipliers


def weight_inputs(recipe: Recipe, design: UncertaintyDesign) -> int:
    """How many uniform numbers a replication's weights take: one per perturbed node
    (continuous design), or one picking a set (design with ``sets``); 0 without noise."""
    n_noisy = int(noisy_nodes(recipe, design).sum())
    return min(n_noisy, 1) if design.sets is not None else n_noisy


def design_from_unit(recipe: Recipe, design: UncertaintyDesign, u_weights: np.ndarray,
                     u_choices: dict[str, np.ndarray]) -> Design:
    """Map uniform [0, 1) numbers to weight multipliers and option indices ``⌊u·k⌋`` (k
    options per step). Weights: ``1 + f·(2u − 1)`` (one column of ``u_weights`` per perturbed
    node), or, with ``design.sets``, the set ``⌊u·sets⌋`` of :func:`weight_sets` (one
    column)."""
    choices = {factor: _pick(u, len(design.options(factor))) for factor, u in u_choices.items()}
    noisy = noisy_nodes(recipe, design)
    if design.sets is not None and noisy.any():
        chosen = _pick(u_weights[:, 0], design.sets)
        return Design(weight_sets(recipe, design)[chosen], choices, weight_set=chosen)
    multipliers = np.ones((u_weights.shape[0], len(noisy)))
    multipliers[:, noisy] = 1 + design.noise * (2 * u_weights - 1)
    return Design(multipliers, choices)


def _pick(u: np.ndarray, k: int) -> np.ndarray:
    """Option indices ``⌊u·k⌋`` of uniform numbers (u = 1 exactly picks the last)."""
    return np.minimum((u * k).astype(np.int64), k - 1)


def sample_design(recipe: Recipe, design: UncertaintyDesign) -> Design:
    """Draw ``design.runs`` replications with ``numpy.random.default_rng(design.seed)``."""
    rng = np.random.default_rng(design.seed)
    u_weights = rng.random((design.runs, weight_inputs(recipe, design)))
    u_choices = {factor: rng.random(design.runs) for factor in design.choice_factors}
    return design_from_unit(recipe, design, u_weights, u_choices)
