"""The recipe schema: which steps and settings a recipe may hold, their defaults, the order
rules, and one validator used for recipe files, in-memory recipes and uncertainty alternatives.

Every check happens once, when a recipe is loaded, before any data are read; errors name the
recipe key the user wrote (``'method' of steps[4].aggregate``). :func:`check_steps` resolves
every default, so that the settings recorded in a run's manifest are the settings used.

Order. Refused, because it cannot run: a step twice (a result holds one data set per step,
addressed by the step's name, as a coin holds one "Treated"), or aggregate not last (it turns
indicator scores into aggregate scores; the steps are defined on indicators, so none can follow
it). A recipe without aggregate builds indicator scores and no index; what needs an index (the
dashboard, uncertainty) refuses it. Every other order runs, as it does in COINr, and one
:class:`~innometrics.errors.DataWarning` per unusual pair says what it means (a step named on the
left usually comes before the one on the right)::

    denominate → treat, normalise     ratios are treated and normalised, not the raw counts
    screen     → impute               screening counts the data that are really there
    treat      → normalise            outliers are treated on the indicator's own scale
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from itertools import product
from typing import Any

from . import steps as _steps
from ._params import (
    Setting,
    check_params,
    constraints_of,
    did_you_mean,
    level_key,
)
from .errors import InputError, InvalidParameter
from .imeta import PARAMETER_COLUMNS
from .own_schema import (
    OWN_FUNCTION_STEPS,
    check_own_function,
    is_function_reference,
    is_own,
    own_settings,
)
from .stages import (
    ORDER_NOTES,
    STAGE_NAMES,
    STEP_NAMES,
    check_from_stage,
    is_panel_impute,
    lineage,
    order_notes,
    stages_before,
)
from .steps.aggregate import SETTINGS as _AGGREGATE
from .steps.aggregate import at_level
from .steps.denominate import SETTINGS as _DENOMINATE
from .steps.impute import SETTINGS as _IMPUTE
from .steps.normalise import DEFAULT_SCALE
from .steps.normalise import INDICATOR_SETTINGS as _NORMALISE_INDICATOR
from .steps.normalise import SETTINGS as _NORMALISE
from .steps.screen import SETTINGS as _SCREEN
from .steps.treat import INDICATOR_SETTINGS as _TREAT_INDICATOR
from .steps.treat import SETTINGS as _TREAT
from .steps.treat import check_function_params

__all__ = ["STAGE_NAMES", "STEP_NAMES", "STEP_SETTINGS", "ORDER_NOTES",
           "OWN_FUNCTION_STEPS", "is_function_reference", "as_plain", "methods_named",
           "unknown_key", "check_step", "kernel_settings", "check_steps", "check_order",
           "check_scales", "order_notes", "check_against_framework", "parse_steps"]

#: The settings each step accepts in a recipe.
STEP_SETTINGS: dict[str, dict[str, Setting]] = {
    "denominate": _DENOMINATE, "screen": _SCREEN, "impute": _IMPUTE, "treat": _TREAT,
    "normalise": _NORMALISE, "aggregate": _AGGREGATE,
}
#: Keys every step takes besides its own settings: ``from_stage`` (COINr's ``dset``), the
#: stage the step reads instead of the previous step's output (see :func:`check_from_stage`).
GENERIC_KEYS = ("from_stage",)
#: Per-indicator settings (``indicators: {code: {...}}``) of the steps that take them.
INDICATOR_SETTINGS = {"treat": _TREAT_INDICATOR, "normalise": _NORMALISE_INDICATOR}

#: Settings the runner fills from the framework when the recipe leaves them out.
_FROM_FRAMEWORK = {("normalise", "targets")}


@cache
def _signature_defaults(step: str) -> dict[str, Any]:
    params = inspect.signature(getattr(_steps, step)).parameters.values()
    empty = inspect.Parameter.empty
    return {p.name: p.default for p in params
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not empty}


def _method_of(step: str, settings: Mapping) -> Any:
    return settings.get("method", _signature_defaults(step).get("method"))


def methods_named(method: Any) -> set:
    """The methods a setting names: one, or those of a per-level mapping."""
    return set(method.values()) if isinstance(method, Mapping) else {method}


def _applies(setting: Setting, method: Any) -> bool:
    return setting.methods is None or bool(methods_named(method) & setting.methods)


def _check_applicable(step: str, table: Mapping[str, Setting], settings: Mapping,
                      where: str) -> None:
    method = _method_of(step, settings)
    for name in settings:
        setting = table[name]
        if not _applies(setting, method):
            uses = ", ".join(sorted(setting.methods))
            raise InvalidParameter(f"'{name}' of {where} has no effect with method "
                                   f"'{method}' (it applies to {uses}); remove it or change "
                                   "the method.")
    if (step == "aggregate" and "generalised" in methods_named(method)
            and "p" not in settings):
        raise InvalidParameter(f"method 'generalised' of {where} needs 'p', one value or "
                               "{level: p}, e.g. p: 2 (p = 1 is the arithmetic mean).")


def as_plain(value: Any) -> Any:
    """Tuples as lists and mapping keys as text, as YAML and JSON write them."""
    if isinstance(value, Mapping):
        return {k if isinstance(k, str) else str(k): as_plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [as_plain(v) for v in value]
    return value


def _given_by_framework(step: str, settings: Mapping) -> set[str]:
    """The settings ``from_framework: true`` reads from the framework's columns (none of
    them takes a default: a column the framework lacks leaves the kernel's own)."""
    if step != "normalise" or not settings.get("from_framework"):
        return set()
    needed, optional = PARAMETER_COLUMNS[_method_of(step, settings)]
    return {*needed.values(), *optional.values()}


def _resolve(step: str, table: Mapping[str, Setting], settings: Mapping) -> dict:
    """``settings`` with the default of every applicable setting filled in."""
    if step == "normalise" and settings.get("bounds") == "framework":  # the first spelling
        settings = {**{k: v for k, v in settings.items() if k != "bounds"},
                    "from_framework": True}
    method = _method_of(step, settings)
    defaults = _signature_defaults(step)
    from_framework = _given_by_framework(step, settings)
    out: dict[str, Any] = {}
    for name, setting in table.items():
        if name in settings:
            out[name] = as_plain(settings[name])
        elif (_applies(setting, method) and (step, name) not in _FROM_FRAMEWORK
              and name not in from_framework):
            default = defaults.get(name)
            if name == "scale" and default is None:
                default = DEFAULT_SCALE.get(method)  # it depends on the method
            if default is not None:
                out[name] = as_plain(default)
    if step == "impute" and method == "panel":
        out.setdefault("fill", "latest")
        if out["fill"] != "latest" and "max_time" in out:
            raise InvalidParameter(f"'max_time' of impute has no effect with fill "
                                   f"'{out['fill']}' (as in COINr's impute_panel, it limits "
                                   "fill 'latest' only); remove it or use fill: latest.")
    if step == "impute" and method in ("group_mean", "group_median") and "group" not in out:
        raise InvalidParameter(f"impute method '{method}' needs 'group: COLUMN' (a Group column "
                               "of the framework).")
    return out


def check_step(step: str, settings: Any, where: str,
               functions: Collection[str] = ()) -> dict:
    """Validate one step's settings and return them with every default resolved.

    Parameters
    ----------
    step : str
        One of :data:`STEP_NAMES`.
    settings : mapping
        As written in the recipe.
    where : str
        The recipe key, for messages (``steps[4].aggregate``).
    functions : collection of str, optional
        References of the own functions the recipe may name where
        :mod:`~innometrics.own_schema` allows one (a callable is one too); any other
        ``"package.module:function"`` is refused.
    """
    if step not in STEP_SETTINGS:
        raise InvalidParameter(f"{where}: '{step}' is not a step.{did_you_mean(step, STEP_NAMES)}"
                               f" Steps: {', '.join(STEP_NAMES)}.")
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        raise InvalidParameter(f"settings of {where} must be a mapping, e.g. '- {step}: {{}}'; "
                               f"got {settings!r}.")
    generic = _check_generic(settings, where)
    settings = {k: v for k, v in settings.items() if k not in GENERIC_KEYS}
    if is_own(settings.get("method"), functions):
        return {**generic, **as_plain(check_own_function(step, settings, where))}
    plain, own = own_settings(step, settings, where, functions)
    table = STEP_SETTINGS[step]
    check_params(where, plain, constraints_of(table))
    _check_applicable(step, table, {**plain, **{k: v for k, v in own.items()
                                                if k in table and k != "method"}}, where)
    for code, settings_of_code in (plain.get("indicators") or {}).items():
        inner = INDICATOR_SETTINGS[step]
        owner = f"{where}.indicators.{code}"
        check_params(owner, settings_of_code, constraints_of(inner))
        step_method = _method_of(step, plain)
        _check_applicable(step, inner, {"method": step_method, **settings_of_code}, owner)
    if step == "treat":
        check_function_params({**plain, **own}, where)
    return {**generic, **_resolve(step, table, plain), **as_plain(own)}


def _check_generic(settings: Mapping, where: str) -> dict:
    """A step's :data:`GENERIC_KEYS`, type-checked (the stage: :func:`check_from_stage`)."""
    stage = settings.get("from_stage")
    if stage is None:
        return {}
    if not isinstance(stage, str):
        raise InvalidParameter(f"'from_stage' of {where} must be a stage name such as Raw; "
                               f"got {stage!r}.")
    return {"from_stage": stage}


def kernel_settings(settings: Mapping) -> dict:
    """A step's settings without the :data:`GENERIC_KEYS`: what its kernel takes."""
    return {k: v for k, v in settings.items() if k not in GENERIC_KEYS}


def check_order(names: Sequence[str], source: str,
                panel_impute: Sequence[bool] | None = None) -> None:
    """Each step once, and aggregate, if present, last: the orders that cannot run (see the
    module's docstring). Any other order runs; :func:`order_notes` says what it means. The
    one exception: an ``impute`` may follow a panel impute (``panel_impute[i]`` says which
    steps are), to fill what the series over time could not."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if (name == "impute" and name in seen and panel_impute is not None
                and panel_impute[seen[name]] and not panel_impute[i]):
            seen[name] = i
            continue
        if name in seen:
            raise InputError(source, f"step '{name}' appears twice (steps[{seen[name]}] and "
                             f"steps[{i}])", "keep one entry per step", key="steps")
        seen[name] = i
    if "aggregate" in seen and names[-1] != "aggregate":
        raise InputError(source, "'aggregate' is not the last step",
                         "move aggregate to the end of the steps", key="steps")


def parse_steps(raw: Any, source: str) -> tuple[tuple[str, Any], ...]:
    """The ``steps:`` list of a recipe as ``(name, settings)`` pairs, unchecked."""
    if not isinstance(raw, list) or not raw:
        raise InputError(source, "'steps' is not a list of steps", "write steps as a YAML list, "
                         "e.g. '- normalise: {method: minmax}'", key="steps")
    parsed = []
    for i, entry in enumerate(raw):
        if isinstance(entry, str):
            entry = {entry: {}}
        if not isinstance(entry, Mapping) or len(entry) != 1:
            raise InputError(source, f"steps[{i}] is not a single 'name: settings' entry",
                             "write each step as '- name: {settings}'", key="steps")
        (name, settings), = entry.items()
        parsed.append((str(name), {} if settings is None else settings))
    return tuple(parsed)


def check_steps(steps: Sequence[tuple[str, Any]], source: str,
                functions: Collection[str] = ()) -> tuple[tuple[str, dict], ...]:
    """Validate every step and the order; return the steps with defaults resolved
    (``functions``: see :func:`check_step`)."""
    names = []
    for i, (name, _) in enumerate(steps):
        if name not in STEP_SETTINGS:
            raise InputError(source, f"steps[{i}] '{name}' is not a known step."
                             f"{did_you_mean(name, STEP_NAMES)}",
                             f"use one of {', '.join(STEP_NAMES)}", key="steps")
        names.append(name)
    check_order(names, source, [is_panel_impute(name, settings) for name, settings in steps])
    checked = tuple((name, check_step(name, settings, f"steps[{i}].{name}", functions))
                    for i, (name, settings) in enumerate(steps))
    check_from_stage(checked)
    return checked


#: Normalisations whose lowest score is 0 or below, whatever the data.
_NON_POSITIVE = {"prank": "the lowest percentile rank is 0",
                 "dist2max": "the lowest distance score is 0",
                 "borda": "the lowest Borda score is 0",
                 "dist2target": "the lowest distance score is 0",
                 "dist2ref": "the lowest distance score is 0"}


def _non_positive_scale(normalise: Mapping) -> str | None:
    """Why the normalisation ``normalise`` (settings, defaults resolved) certainly gives a
    zero or negative score, whatever the data; None if it need not."""
    method = normalise.get("method")
    if normalise.get("from_framework") and method in ("minmax", "zscore"):
        return None  # the framework's ranges and means are checked by the kernel, per indicator
    if method == "minmax" and normalise.get("range", [0, 100])[0] <= 0:
        return f"min-max puts the lowest value at {normalise.get('range', [0, 100])[0]}"
    if method == "zscore" and normalise.get("mean", 0) <= 0:
        return f"z-scores centred on {normalise.get('mean', 0)} are negative below the mean"
    return _NON_POSITIVE.get(method)


def _options(step: str, steps: Sequence[tuple[str, Mapping]],
             alternatives: Mapping[str, Sequence[Mapping]]) -> list[tuple[str, Mapping]]:
    """Every setting of ``step`` a build or a Monte Carlo replication can use, with its
    recipe key: the uncertainty alternatives when there are any (they replace the step's
    settings), else the step's own settings."""
    if alternatives.get(step):
        return [(f"uncertainty.alternatives.{step}[{k}]", option)
                for k, option in enumerate(alternatives[step])]
    return [(f"steps[{i}].{name}", settings) for i, (name, settings) in enumerate(steps)
            if name == step]


def check_scales(steps: Sequence[tuple[str, Mapping]],
                 alternatives: Mapping[str, Sequence[Mapping]] | None = None) -> None:
    """A geometric, harmonic or negative-p generalised mean of indicator scores needs them
    positive: refuse a
    normalisation that certainly gives zero or negative scores (min-max from 0, percentile
    ranks, distance to the maximum, z-scores centred on 0 or below, the step's own method or a
    per-indicator one) before an aggregation at level 2 that is geometric or harmonic, for
    every pair of settings that can meet: the steps themselves (the nominal build), and each
    normalise option with each aggregate option of a Monte Carlo replication (a step's
    alternatives when it has any, else its own settings). ``innometrics validate``,
    ``build`` and ``uncertainty`` all run this one check when the recipe file is loaded
    (:func:`~innometrics.recipe.load_recipe`); a recipe made in memory checks its steps.

    Raises
    ------
    InvalidParameter
        Naming both recipe keys, e.g. ``'method' of uncertainty.alternatives.aggregate[1] is
        geometric at level 2, which needs positive indicator scores, but min-max puts the
        lowest value at 0 (steps[3].normalise)``.
    """
    alternatives = alternatives or {}
    nominal = list(product(_options("aggregate", steps, {}), _options("normalise", steps, {})))
    replicated = product(_options("aggregate", steps, alternatives),
                         _options("normalise", steps, alternatives))
    for (aggregate_key, aggregate), (normalise_key, normalise) in [*nominal, *replicated]:
        if not _reads_normalised(steps, aggregate):
            continue  # its from_stage reads data the normalisation did not make
        method = at_level(aggregate.get("method", "arithmetic"), 2, "method")
        exponent = at_level(aggregate.get("p"), 2, "p")
        if method == "generalised" and exponent is not None and exponent < 0:
            method = f"the generalised mean with p = {exponent}"
        elif method not in ("geometric", "harmonic"):
            continue
        shared = {k: v for k, v in normalise.items() if k != "indicators"}
        own = [{**shared, **settings}  # a per-indicator override of the step's settings
               for settings in (normalise.get("indicators") or {}).values()]
        why = next(filter(None, map(_non_positive_scale, [normalise, *own])), None)
        if why:
            raise InvalidParameter(
                f"'method' of {aggregate_key} is {method} at level 2, which needs positive "
                f"indicator scores, but {why} ({normalise_key}); use min-max onto a positive "
                "range such as range: [1, 100], or the arithmetic mean.")


def _reads_normalised(steps: Sequence[tuple[str, Mapping]], aggregate: Mapping) -> bool:
    """Whether an aggregation with settings ``aggregate`` (the step's, or an alternative's)
    reads data that went through the normalise step; True when it cannot be told (a
    ``from_stage`` naming no earlier stage, which :func:`check_from_stage` reports)."""
    names = [n for n, _ in steps]
    wanted = aggregate.get("from_stage")
    if "aggregate" not in names or (wanted is not None
                                    and wanted not in stages_before(steps, "aggregate")):
        return True
    replaced = [(n, aggregate if n == "aggregate" else s) for n, s in steps]
    return "normalise" in lineage(replaced)[names.index("aggregate")]


def _check_positive_above_copeland(settings: Mapping, where: str, top: int) -> None:
    """Copeland scores sum to zero, so some are zero or negative: a level above Copeland
    cannot take a geometric, harmonic or negative-p generalised mean of them."""
    method, p = settings.get("method", "arithmetic"), settings.get("p")
    for level in range(3, top + 1):
        here, exponent = at_level(method, level, "method"), at_level(p, level, "p")
        positive = here in ("geometric", "harmonic") or (
            here == "generalised" and exponent is not None and exponent < 0)
        if positive and at_level(method, level - 1, "method") == "copeland":
            raise InvalidParameter(
                f"'method' of {where} is {here} at level {level}, which needs positive scores, "
                f"but level {level - 1} is copeland, whose scores are zero or negative for half "
                "the units; use the arithmetic mean or copeland above it.")


def _check_from_framework(settings: Mapping, where: str, framework) -> None:
    """``from_framework: true``: the framework's columns give every indicator without
    settings of its own the method's parameters (errors name the column), and the recipe
    does not give one of them too."""
    own = settings.get("indicators") or {}
    given = framework.normalise_parameters(settings["method"], skip=own)
    twice = sorted({name for values in given.values() for name in values} & set(settings))
    if twice:
        raise InvalidParameter(f"'{twice[0]}' of {where} is given by the framework's columns "
                               "too (from_framework: true); remove it from the recipe, or "
                               "the column from the framework.")


def check_against_framework(step: str, settings: Mapping, where: str, framework) -> None:
    """Checks that need the framework: per-level keys name existing aggregate levels,
    per-indicator keys name indicators, ``group`` names a Group column."""
    top = framework.n_levels
    for name, value in settings.items():
        if isinstance(value, Mapping) and step == "aggregate" and name not in ("ratios", "params"):
            bad = [k for k in value if k != "default" and not 2 <= (level_key(k) or 0) <= top]
            if bad:
                raise InvalidParameter(f"'{name}' of {where} names level {bad[0]}, which the "
                                       f"framework does not have; aggregate levels are 2-{top}.")
    if step == "normalise" and settings.get("from_framework"):
        _check_from_framework(settings, where, framework)
    indicators = set(framework.indicators)
    codes = list(settings.get("indicators") or {})
    for key in ("goalposts", "targets"):
        if isinstance(settings.get(key), Mapping):
            codes += list(settings[key])
    for own in (settings.get("indicators") or {}).values():
        for key in ("goalposts", "targets"):
            if isinstance(own.get(key), Mapping):
                codes += list(own[key])
    unknown = [c for c in codes if str(c) not in indicators]
    if unknown:
        raise InvalidParameter(f"{where} names '{unknown[0]}', which is not an indicator of the "
                               f"framework.{did_you_mean(unknown[0], framework.indicators)}")
    for name, pair in (settings.get("ratios") or {}).items():
        if (not isinstance(pair, list | tuple) or len(pair) != 2
                or not all(str(code) in framework for code in pair)):
            raise InvalidParameter(f"'ratios' of {where}: '{name}' must be [numerator, "
                                   f"denominator], two codes of the framework; got {pair!r}.")
        if str(name) in framework:
            raise InvalidParameter(f"'ratios' of {where}: '{name}' is a code of the framework; "
                                   "give the ratio another name.")
    if step == "aggregate":
        _check_positive_above_copeland(settings, where, top)
    within = settings.get("within")
    if within is not None and not 2 <= within <= framework.n_levels:
        raise InvalidParameter(f"'within' of {where} is {within}, which the framework does "
                               f"not have; aggregate levels are 2-{framework.n_levels}.")
    group = settings.get("group")
    if group is not None and group not in framework.groups:
        raise InvalidParameter(f"'group' of {where} is '{group}', which is not a Group column of "
                               f"the framework; groups: {list(framework.groups) or 'none'}.")


def unknown_key(key: Any, where: str, accepted: Sequence[str]) -> str:
    """"'x' is not a key of where. Did you mean ...? Keys: ..." """
    return (f"'{key}' is not a key of {where}.{did_you_mean(key, accepted)} Keys: "
            f"{', '.join(accepted)}.")
