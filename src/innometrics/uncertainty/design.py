"""What is uncertain and how much: :class:`UncertaintyDesign`, read from a recipe's
``uncertainty:`` section and checked against its framework."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._params import Integral, Interval, Real, check_params
from ..errors import InvalidParameter
from ..recipe import Recipe
from ..schema import check_step, check_uncertainty_against_framework

__all__ = ["UncertaintyDesign", "noisy_nodes"]

_CONSTRAINTS = {
    "runs": [Interval(Integral, 1, None)],
    "seed": [Interval(Integral, 0, None)],
    "noise": [Interval(Real, 0, 1, closed="left")],
    "sets": [Interval(Integral, 1, None), None],
}
#: Normalisation settings that decide the scale of the scores.
_SCALE_KEYS = ("method", "range", "mean", "sd", "scale")


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
    sets : int or None
        None: every replication perturbs every weight afresh (continuous design). An integer:
        COINr's design, ``sets`` noisy weight sets are drawn once and each replication picks
        one of them (see :mod:`innometrics.uncertainty.sampling`).
    alternatives : dict of str → list of dict
        Settings to choose from, per step.
    """

    runs: int = 500
    seed: int = 1
    noise: float = 0.0
    levels: tuple[int, ...] = ()
    sets: int | None = None
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
                     levels=tuple(values["levels"]), sets=weights.get("sets"),
                     alternatives={k: [dict(o) for o in v]
                                   for k, v in spec.get("alternatives", {}).items()})
        design.validate(recipe)
        return design

    def validate(self, recipe: Recipe) -> None:
        """Check the design against the recipe (in-memory designs are checked here)."""
        check_params("UncertaintyDesign", {"runs": self.runs, "seed": self.seed,
                                           "noise": self.noise, "sets": self.sets},
                     _CONSTRAINTS)
        check_uncertainty_against_framework(
            {"weights": {"levels": list(self.levels)},
             "alternatives": {step: [check_step(step, option,
                                                f"uncertainty.alternatives.{step}[{k}]",
                                                recipe.functions)
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
                "weights": {"noise": self.noise, "levels": list(self.levels),
                            **({"sets": self.sets} if self.sets is not None else {})},
                "alternatives": {k: [dict(o) for o in v] for k, v in self.alternatives.items()}}

    def shared_scale(self, recipe: Recipe) -> str | None:
        """None when the recipe's own normalisation and every alternative put scores on one
        scale; otherwise why not (score intervals would then mix scales)."""
        nominal = dict(recipe.steps).get("normalise", {"method": "none"})
        options = [nominal] + [check_step("normalise", o, "uncertainty.alternatives.normalise",
                                          recipe.functions)
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


def noisy_nodes(recipe: Recipe, design: UncertaintyDesign) -> np.ndarray:
    """Boolean mask over ``recipe.framework.codes``: the nodes whose weight is perturbed."""
    fw = recipe.framework
    return np.array([fw[c].level in design.levels for c in fw.codes]) & (design.noise > 0)
