"""The replications drawn from a design: a weight multiplier per node and an option per step."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..recipe import Recipe
from .design import UncertaintyDesign, noisy_nodes

__all__ = ["Design", "design_from_unit", "sample_design"]


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
        """One row per replication: ``run``, each step's option index and settings, and the
        weight multiplier ``w:<code>`` of every perturbed node."""
        frame = pd.DataFrame({"run": np.arange(len(self))})
        for step, index in self.choices.items():
            frame[step] = index
            frame[f"{step}_settings"] = [json.dumps(design.alternatives[step][i]) for i in index]
        noisy = noisy_nodes(recipe, design)
        codes = recipe.framework.codes
        for j in np.flatnonzero(noisy):
            frame[f"w:{codes[j]}"] = self.multipliers[:, j]
        return frame


def design_from_unit(recipe: Recipe, design: UncertaintyDesign, u_weights: np.ndarray,
                     u_choices: dict[str, np.ndarray]) -> Design:
    """Map uniform [0, 1) numbers to weight multipliers ``1 + f·(2u − 1)`` (one column of
    ``u_weights`` per perturbed node) and option indices ``⌊u·k⌋`` (k options per step)."""
    noisy = noisy_nodes(recipe, design)
    multipliers = np.ones((u_weights.shape[0], len(noisy)))
    multipliers[:, noisy] = 1 + design.noise * (2 * u_weights - 1)
    choices = {step: np.minimum((u * len(design.alternatives[step])).astype(np.int64),
                                len(design.alternatives[step]) - 1)
               for step, u in u_choices.items()}
    return Design(multipliers, choices)


def sample_design(recipe: Recipe, design: UncertaintyDesign) -> Design:
    """Draw ``design.runs`` replications with ``numpy.random.default_rng(design.seed)``."""
    rng = np.random.default_rng(design.seed)
    n_noisy = int(noisy_nodes(recipe, design).sum())
    u_weights = rng.random((design.runs, n_noisy))
    u_choices = {step: rng.random(design.runs) for step in design.alternatives}
    return design_from_unit(recipe, design, u_weights, u_choices)
