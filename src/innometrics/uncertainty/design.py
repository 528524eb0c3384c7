"""What is uncertain and how much: :class:`UncertaintyDesign`, read from a recipe's
``uncertainty:`` section and checked against its framework."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .._params import Integral, Interval, Real, check_params
from ..errors import InvalidParameter
from ..recipe import Recipe
from ..schema import STEP_SETTINGS, check_against_framework, check_step
from ..steps.own import reference_of
from ..uncertainty_schema import (
    ALTERNATIVE_STEPS,
    check_alternative_stages,
    check_uncertainty_against_framework,
    check_weights_vary,
)

__all__ = ["UncertaintyDesign", "noisy_nodes", "with_functions_named"]

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
    parameters : dict of str → list
        Values to choose from for one setting of a step, by ``"step.setting"`` (e.g.
        ``{"treat.max_winsorised": [3, 5]}``): each value is an option of its own Monte Carlo
        input, set on top of the step's settings (its alternative, when it has some).
    target : str or None
        The node whose scores and ranks are analysed; None: the index.
    """

    runs: int = 500
    seed: int = 1
    noise: float = 0.0
    levels: tuple[int, ...] = ()
    sets: int | None = None
    alternatives: dict[str, list[dict]] = field(default_factory=dict)
    parameters: dict[str, list] = field(default_factory=dict)
    target: str | None = None

    @classmethod
    def from_recipe(cls, recipe: Recipe, **overrides: Any) -> UncertaintyDesign:
        """The recipe's ``uncertainty`` section (validated when the recipe was loaded);
        keyword arguments (``runs``, ``seed``, ``target`` from the command line) override
        it."""
        spec = recipe.uncertainty or {}
        target = overrides.pop("target", None) or spec.get("target")
        weights = spec.get("weights", {})
        values = {"runs": spec.get("runs", cls.runs), "seed": spec.get("seed", cls.seed),
                  "noise": weights.get("noise", 0.0), "levels": tuple(weights.get("levels", ()))}
        try:
            check_weights_vary(values["noise"], values["levels"], recipe.framework.n_levels)
        except InvalidParameter as exc:
            raise InvalidParameter(f"{recipe.source or 'recipe'}: {exc}") from None
        given = {k: v for k, v in overrides.items() if v is not None}
        check_params("the command line", {f"--{k}": v for k, v in given.items()},
                     {f"--{k}": v for k, v in _CONSTRAINTS.items()})
        values.update(given)
        design = cls(runs=values["runs"], seed=values["seed"], noise=values["noise"],
                     levels=tuple(values["levels"]), sets=weights.get("sets"),
                     alternatives={k: [dict(o) for o in v]
                                   for k, v in spec.get("alternatives", {}).items()},
                     parameters={k: list(v) for k, v in spec.get("parameters", {}).items()},
                     target=target)
        design.validate(recipe)
        return design

    def validate(self, recipe: Recipe) -> None:
        """Check the design against the recipe (in-memory designs are checked here)."""
        check_params("UncertaintyDesign", {"runs": self.runs, "seed": self.seed,
                                           "noise": self.noise, "sets": self.sets},
                     _CONSTRAINTS)
        check_uncertainty_against_framework(
            {"weights": {"levels": list(self.levels)}, "target": self.target,
             "alternatives": {step: [check_step(step, option,
                                                f"uncertainty.alternatives.{step}[{k}]",
                                                recipe.functions)
                                     for k, option in enumerate(options)]
                              for step, options in self.alternatives.items()}},
            recipe.framework)
        check_weights_vary(self.noise, self.levels, recipe.framework.n_levels)
        if "aggregate" not in [n for n, _ in recipe.steps]:
            raise InvalidParameter("uncertainty needs a recipe with an aggregate step.")
        check_alternative_stages(recipe.steps, self.alternatives)
        present = {name for name, _ in recipe.steps}
        for step, options in self.alternatives.items():
            if step not in present and not any(o.get("method") == "none" for o in options):
                raise InvalidParameter(
                    f"uncertainty.alternatives.{step}: the recipe has no {step} step, so its "
                    f"nominal result is {{method: none}}, which is not among the alternatives; "
                    f"add it, or add the step to the recipe.")
        for factor in self.parameters:
            self._check_parameter(recipe, factor)

    def _check_parameter(self, recipe: Recipe, factor: str) -> None:
        """Each value of ``factor`` (``step.setting``) must be valid with each of the step's
        settings it can meet: the alternatives of the step, else its own settings."""
        step, _, name = factor.partition(".")
        if step not in ALTERNATIVE_STEPS or name not in STEP_SETTINGS.get(step, {}):
            raise InvalidParameter(f"uncertainty.parameters names '{factor}', which is not "
                                   "'step.setting' of a step with alternatives "
                                   f"({', '.join(ALTERNATIVE_STEPS)}).")
        bases = self.alternatives.get(step) or [recipe.settings(step)]
        if bases == [None]:
            raise InvalidParameter(f"uncertainty.parameters.{factor}: the recipe has no {step} "
                                   "step; add it, or vary the step with alternatives.")
        for k, value in enumerate(self.parameters[factor]):
            for base in bases:
                where = f"uncertainty.parameters.{factor}[{k}]"
                check_against_framework(step, check_step(step, {**base, name: value}, where,
                                                         recipe.functions),
                                        where, recipe.framework)

    def to_dict(self) -> dict:
        """The design as a recipe's ``uncertainty:`` section would write it."""
        return {"runs": self.runs, "seed": self.seed,
                "weights": {"noise": self.noise, "levels": list(self.levels),
                            **({"sets": self.sets} if self.sets is not None else {})},
                "alternatives": {k: [dict(o) for o in v] for k, v in self.alternatives.items()},
                **({"parameters": {k: list(v) for k, v in self.parameters.items()}}
                   if self.parameters else {}),
                **({"target": self.target} if self.target is not None else {})}

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
        return (["weights"] if self.noise > 0 and self.levels else []) + self.choice_factors

    @property
    def choice_factors(self) -> list[str]:
        """The inputs that pick one of a list of options: each step with alternatives, then
        each varied parameter (``step.setting``)."""
        return list(self.alternatives) + list(self.parameters)

    def options(self, factor: str) -> list:
        """The options of a choice factor: a step's alternative settings, or a parameter's
        values."""
        return self.alternatives[factor] if factor in self.alternatives else \
            self.parameters[factor]

    def settings_for(self, recipe: Recipe, combo: dict[str, int], step: str) -> dict | None:
        """``step``'s settings in a replication choosing ``combo`` (factor → option index):
        its chosen alternative (else the recipe's own settings), with each chosen parameter
        value set on top; None when nothing in ``combo`` touches the step."""
        touching = [f for f in combo if f == step or f.startswith(f"{step}.")]
        if not touching:
            return None
        settings = (dict(self.alternatives[step][combo[step]]) if step in combo
                    else recipe.settings(step) or {})
        for factor in touching:
            if factor != step:
                settings[factor.partition(".")[2]] = self.parameters[factor][combo[factor]]
        return settings

    def target_of(self, recipe: Recipe) -> str:
        """The code of the node analysed: ``target``, else the index (the last code)."""
        return self.target or recipe.framework.codes[-1]


def with_functions_named(recipe: Recipe, design: UncertaintyDesign
                         ) -> tuple[Recipe, UncertaintyDesign]:
    """An in-memory design whose alternatives hold own functions (callables) named by their
    reference ``module:qualname``, and the recipe knowing them: the tables and the manifest
    of a run then name each function as a recipe file would."""
    functions = {reference_of(o["method"]): o["method"] for options in
                 design.alternatives.values() for o in options if callable(o.get("method"))}
    if not functions:
        return recipe, design
    named = {step: [{**o, "method": reference_of(o["method"])} if callable(o.get("method"))
                    else o for o in options] for step, options in design.alternatives.items()}
    return (replace(recipe, functions={**recipe.functions, **functions}),
            replace(design, alternatives=named))


def noisy_nodes(recipe: Recipe, design: UncertaintyDesign) -> np.ndarray:
    """Boolean mask over ``recipe.framework.codes``: the nodes whose weight is perturbed."""
    fw = recipe.framework
    return np.array([fw[c].level in design.levels for c in fw.codes]) & (design.noise > 0)
