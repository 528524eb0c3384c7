"""The schema of a recipe's ``uncertainty:`` section: which steps may have alternatives, which
step settings may vary (``parameters``), the node analysed (``target``), and the aggregations
that cannot be Monte Carlo inputs. Every alternative and parameter value goes through the same
checks as the steps (:func:`innometrics.schema.check_step`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ._params import Integral, Interval, Real, check_params, constraints_of, did_you_mean
from .errors import InputError, InvalidParameter
from .schema import (
    STEP_SETTINGS,
    as_plain,
    check_against_framework,
    check_step,
    methods_named,
    unknown_key,
)
from .stages import stages_before

__all__ = ["ALTERNATIVE_STEPS", "NOT_MONTE_CARLO", "check_monte_carlo_aggregate",
           "check_uncertainty", "check_uncertainty_against_framework",
           "check_alternative_stages", "check_weights_vary"]


#: Steps that may have alternatives in an uncertainty design (screening would change the set of
#: units ranked; denominating is not a modelling choice).
ALTERNATIVE_STEPS = ("impute", "treat", "normalise", "aggregate")
_UNCERTAINTY_KEYS = ("runs", "seed", "weights", "alternatives", "parameters", "target")
_UNCERTAINTY_DEFAULTS = {"runs": 500, "seed": 1}


def check_uncertainty(spec: Any, source: str, functions: Collection[str] = ()) -> dict:
    """Validate a recipe's ``uncertainty:`` section; return it with defaults resolved:
    ``{runs, seed, weights: {noise, levels[, sets]}, alternatives: {step: [settings, ...]}}``
    (``sets``: COINr's design of pre-drawn weight sets, see
    :mod:`innometrics.uncertainty.sampling`) where
    every alternative went through :func:`check_step`. Levels are checked against the
    framework by :func:`check_uncertainty_against_framework`."""
    if spec is None or spec == {}:
        return {}
    if not isinstance(spec, Mapping):
        raise InputError(source, "'uncertainty' is not a mapping",
                         "write 'uncertainty:' with runs, seed, weights, alternatives",
                         key="uncertainty")
    for key in spec:
        if key not in _UNCERTAINTY_KEYS:
            raise InvalidParameter(unknown_key(key, "uncertainty", _UNCERTAINTY_KEYS))
    check_params("uncertainty", {k: spec[k] for k in ("runs", "seed") if k in spec},
                 {"runs": [Interval(Integral, 1, None)], "seed": [Interval(Integral, 0, None)]})
    weights = spec.get("weights") or {}
    if not isinstance(weights, Mapping):
        raise InvalidParameter("'weights' of uncertainty must be a mapping {noise: f, levels: "
                               f"[...]}}; got {weights!r}.")
    for key in weights:
        if key not in ("noise", "levels", "sets"):
            raise InvalidParameter(unknown_key(key, "uncertainty.weights",
                                               ("noise", "levels", "sets")))
    check_params("uncertainty.weights", {k: weights[k] for k in ("noise", "sets") if k in weights},
                 {"noise": [Interval(Real, 0, 1, closed="left")],
                  "sets": [Interval(Integral, 1, None), None]})
    levels = weights.get("levels", [])
    if (not isinstance(levels, list | tuple)
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in levels)):
        raise InvalidParameter("'levels' of uncertainty.weights must be a list of framework "
                               f"levels, e.g. [2, 3]; got {levels!r}.")
    alternatives = spec.get("alternatives") or {}
    if not isinstance(alternatives, Mapping):
        raise InvalidParameter("'alternatives' of uncertainty must be a mapping {step: "
                               f"[settings, ...]}}; got {alternatives!r}.")
    resolved_alternatives = {}
    for step, options in alternatives.items():
        if step not in ALTERNATIVE_STEPS:
            raise InvalidParameter(f"uncertainty.alternatives names '{step}', which cannot have "
                                   f"alternatives.{did_you_mean(step, ALTERNATIVE_STEPS)} "
                                   f"Steps with alternatives: {', '.join(ALTERNATIVE_STEPS)}.")
        if not isinstance(options, list) or not options:
            raise InvalidParameter(f"uncertainty.alternatives.{step} must be a list of settings, "
                                   f"e.g. [{{method: ...}}, {{method: ...}}]; got {options!r}.")
        resolved_alternatives[step] = [
            check_step(step, option, f"uncertainty.alternatives.{step}[{k}]", functions)
            for k, option in enumerate(options)]
        if step == "aggregate":
            for k, option in enumerate(resolved_alternatives[step]):
                check_monte_carlo_aggregate(option, f"uncertainty.alternatives.aggregate[{k}]")
    parameters = _check_parameters(spec.get("parameters") or {})
    target = spec.get("target")
    if target is not None and not isinstance(target, str):
        raise InvalidParameter(f"'target' of uncertainty must be a node code, e.g. target: P; "
                               f"got {target!r}.")
    return {"runs": spec.get("runs", _UNCERTAINTY_DEFAULTS["runs"]),
            "seed": spec.get("seed", _UNCERTAINTY_DEFAULTS["seed"]),
            "weights": {"noise": float(weights.get("noise", 0.0)), "levels": list(levels),
                        **({"sets": weights["sets"]} if weights.get("sets") is not None else {})},
            "alternatives": resolved_alternatives,
            **({"parameters": parameters} if parameters else {}),
            **({"target": target} if target is not None else {})}


def _check_parameters(parameters: Any) -> dict[str, list]:
    """``uncertainty.parameters``: ``{"step.setting": [value, ...]}``, each value checked
    against the setting's constraints (with the step's other settings: by the design, once
    the recipe is known)."""
    if not isinstance(parameters, Mapping):
        raise InvalidParameter("'parameters' of uncertainty must be a mapping {step.setting: "
                               f"[value, ...]}}, e.g. treat.max_winsorised: [3, 5]; got "
                               f"{parameters!r}.")
    out = {}
    for factor, values in parameters.items():
        step, _, name = str(factor).partition(".")
        table = STEP_SETTINGS.get(step, {}) if step in ALTERNATIVE_STEPS else {}
        if name not in table:
            raise InvalidParameter(f"uncertainty.parameters names '{factor}', which is not "
                                   "'step.setting' of a step with alternatives ("
                                   f"{', '.join(ALTERNATIVE_STEPS)}).")
        if not isinstance(values, list) or not values:
            raise InvalidParameter(f"uncertainty.parameters.{factor} must be a list of values, "
                                   f"e.g. [3, 5]; got {values!r}.")
        for k, value in enumerate(values):
            check_params(f"uncertainty.parameters.{factor}[{k}]", {name: value},
                         constraints_of({name: table[name]}))
        out[str(factor)] = [as_plain(v) for v in values]
    return out


#: Aggregation methods that cannot be Monte Carlo inputs, and why.
NOT_MONTE_CARLO = {
    "bod": "benefit of the doubt chooses each unit's weights itself (so weight noise has no "
           "effect on it) and solves one linear programme per unit, node and replication",
}


def check_monte_carlo_aggregate(settings: Mapping, where: str) -> None:
    """Refuse, in a Monte Carlo design, an aggregation in :data:`NOT_MONTE_CARLO`; ``where``
    names the alternative, or the nominal step of a recipe with an ``uncertainty`` section."""
    for method in sorted(methods_named(settings.get("method")) & set(NOT_MONTE_CARLO)):
        raise InvalidParameter(f"{where} uses method '{method}', which cannot be a Monte Carlo "
                               f"input: {NOT_MONTE_CARLO[method]}; build it as a recipe of its "
                               "own, without 'uncertainty'.")


def check_uncertainty_against_framework(spec: Mapping, framework) -> None:
    """Weight levels must be levels below the top; alternatives must fit the framework."""
    if not spec:
        return
    target = spec.get("target")
    if target is not None and target not in framework:
        raise InvalidParameter(f"'target' of uncertainty is '{target}', which is not a code of "
                               f"the framework.{did_you_mean(target, framework.codes)}")
    top = framework.n_levels
    bad = [lv for lv in spec["weights"]["levels"] if not 1 <= lv < top]
    if bad:
        raise InvalidParameter(f"'levels' of uncertainty.weights must be levels 1-{top - 1} "
                               f"(the top node has no siblings); got {spec['weights']['levels']}.")
    for step, options in spec["alternatives"].items():
        for k, option in enumerate(options):
            check_against_framework(step, option, f"uncertainty.alternatives.{step}[{k}]",
                                    framework)


def check_alternative_stages(steps: Sequence[tuple[str, Mapping]],
                             alternatives: Mapping[str, Sequence[Mapping]]) -> None:
    """An alternative's ``from_stage`` names a stage produced before its step in ``steps``
    (as :func:`innometrics.schema.check_from_stage` checks the steps' own)."""
    for step, options in alternatives.items():
        available = stages_before(steps, step)
        for k, option in enumerate(options):
            wanted = option.get("from_stage")
            if wanted is not None and wanted not in available:
                raise InvalidParameter(f"uncertainty.alternatives.{step}[{k}]: from_stage "
                                       f"'{wanted}' is not a stage produced before {step}."
                                       f"{did_you_mean(wanted, available)} Stages available: "
                                       f"{', '.join(available)}.")


def check_weights_vary(noise: float, levels: Sequence[int], top: int) -> None:
    """Noise needs levels: without them no weight would vary, and the Monte Carlo would run
    as if the user had not asked for weight uncertainty. (Levels with noise 0 are a design
    with the weights switched off, which is what it says.) Checked when a design is made, not
    when a recipe is read, so that runs recorded with such a section still open."""
    if noise > 0 and not levels:
        every = ", ".join(str(lv) for lv in range(1, top))
        raise InvalidParameter(f"uncertainty.weights has noise {noise:g} but no 'levels', so no "
                               f"weight would vary; add levels: [{every}] (or those of them "
                               "whose weights should vary).")
