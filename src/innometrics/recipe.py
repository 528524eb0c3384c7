"""Recipes: a framework, unit data and the ordered steps with their settings, as plain data.

A recipe file is YAML; paths are relative to the file::

    framework: iMeta.csv                        # or {path: book.xlsx, sheet: Meta}
    data: {path: iData.csv, delimiter: ";"}     # or a plain path
    steps:
      - denominate: {}
      - screen: {min_coverage: 0.5}
      - impute: {method: mean}
      - treat: {skew: 2.0, kurtosis: 3.5, max_winsorised: 5, fallback: log_ct}
      - normalise: {method: minmax, range: [0, 100]}
      - aggregate: {method: arithmetic}

:func:`load_recipe` validates everything (see :mod:`innometrics.schema`) before reading any
data. Running it (:func:`innometrics.build`, :mod:`innometrics.result`) gives an
:class:`~innometrics.result.IndexResult`; a recipe itself knows nothing of running.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ._params import did_you_mean, one_of
from .data import Dataset, load_data
from .errors import DataWarning, InputError, InvalidParameter
from .framework import Framework, load_framework
from .io import TableSpec
from .own_schema import function_names, map_functions
from .schema import (
    STAGE_NAMES,
    STEP_NAMES,
    check_against_framework,
    check_scales,
    check_steps,
    is_function_reference,
    order_notes,
    parse_steps,
)
from .steps.own import reference_of
from .uncertainty_schema import (
    check_alternative_stages,
    check_monte_carlo_aggregate,
    check_uncertainty,
    check_uncertainty_against_framework,
)
from .yaml_io import read_yaml

__all__ = ["Recipe", "load_recipe", "STEP_NAMES", "STAGE_NAMES", "RECIPE_KEYS"]

#: Keys a recipe file may hold.
RECIPE_KEYS = ("framework", "data", "steps", "uncertainty", "name", "description")


@dataclass(frozen=True)
class Recipe:
    """A framework, its unit data and the ordered steps, validated on creation.

    Attributes
    ----------
    framework : Framework
    data : Dataset
    steps : tuple of (str, dict)
        Step names (see ``STEP_NAMES``) with their settings, in order; after creation every
        default is resolved.
    uncertainty : dict
        The Monte Carlo design, if the recipe has one (see :mod:`innometrics.uncertainty`),
        defaults resolved.
    source : str or None
        The recipe file, if read from one.
    tables : dict of str → TableSpec
        Where the framework and data were read from (``framework``, ``data``).
    name, description : str or None
    functions : dict of str → callable
        Own functions a step may name as its ``method`` (see :mod:`innometrics.steps.own`):
        ``Recipe(..., functions={"my_norm": f})`` with ``method: my_norm``, or ``method: f``
        itself. Each is recorded by its reference ``module:qualname`` (so the recipe file a
        run writes names it, and ``build --allow-functions`` imports it again).
    """

    framework: Framework
    data: Dataset
    steps: tuple[tuple[str, dict], ...]
    uncertainty: dict = field(default_factory=dict)
    source: str | None = None
    tables: dict = field(default_factory=dict)
    name: str | None = None
    description: str | None = None
    functions: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        src = self.source or "recipe"
        functions = dict(self.functions)
        steps = check_steps(tuple((n, _own_reference(s, functions)) for n, s in self.steps),
                            src, functions)
        for i, (name, settings) in enumerate(steps):
            check_against_framework(name, settings, f"steps[{i}].{name}", self.framework)
        uncertainty = check_uncertainty(_own_references(self.uncertainty, functions), src,
                                        functions)
        check_uncertainty_against_framework(uncertainty, self.framework)
        # the nominal steps only: a copy made to compute something else (the dashboard's
        # with_step) keeps the design it will not run; the design is checked by load_recipe
        check_scales(steps)
        if tuple(self.data.indicators) != tuple(self.framework.indicators):
            raise InvalidParameter("the data's indicators are not the framework's; load the data "
                                   "with load_data(..., framework).")
        _check_group_columns(self.data, [s for n, s in steps if n == "impute"]
                             + list(uncertainty.get("alternatives", {}).get("impute", [])))
        for note in order_notes(steps):
            # stacklevel 1: one place for every copy of the recipe (with_step, the Monte
            # Carlo's options), so that the note prints once
            warnings.warn(f"{src}: {note}", DataWarning, stacklevel=1)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "uncertainty", uncertainty)
        object.__setattr__(self, "functions", functions)

    def callable_settings(self, settings: Mapping) -> dict:
        """``settings`` with an own function's reference replaced by the function (what the
        step's kernel takes)."""
        return map_functions(settings, lambda value: self.functions.get(value, value)
                             if isinstance(value, str) else value)

    def own_functions(self) -> dict[str, str]:
        """The own functions the steps and alternatives use: reference → ``module:qualname``
        (what a manifest records)."""
        options = [s for _, s in self.steps] + [o for alternatives in (
            self.uncertainty.get("alternatives") or {}).values() for o in alternatives]
        used = {name for o in options for name in function_names(o)} & set(self.functions)
        return {ref: reference_of(self.functions[ref]) for ref in sorted(used)}

    def settings(self, step: str) -> dict | None:
        """The settings of ``step``, or None if the recipe does not use it."""
        for name, settings in self.steps:
            if name == step:
                return dict(settings)
        return None

    def run(self) -> Any:
        """Build the recipe: the same as :func:`innometrics.build` (an
        :class:`~innometrics.result.IndexResult`). The builder sits above the recipe
        (``result.py`` imports this module), so it registers itself here on import."""
        return _BUILDER["build"](self)

    def with_step(self, step: str, **settings: Any) -> Recipe:
        """A copy with ``step``'s settings replaced, ``from_stage`` included (or the step
        added in its usual place); of a panel impute followed by another impute, the one of
        the same kind."""
        if step not in STAGE_NAMES:
            raise InvalidParameter(one_of("step", STEP_NAMES, step, owner="Recipe.with_step"))
        panel = settings.get("method") == "panel"
        twice = sum(n == step for n, _ in self.steps) > 1  # a panel impute, then another

        def replaced(name: str, old: dict) -> bool:
            # with two imputes, the one of the same kind (panel or not) is replaced
            return name == step and (not twice or (old.get("method") == "panel") == panel)

        new = [(n, dict(settings) if replaced(n, s) else s) for n, s in self.steps]
        if all(n != step for n, _ in self.steps):
            order = {name: i for i, name in enumerate(STEP_NAMES)}
            at = next((i for i, (n, _) in enumerate(new) if order[n] > order[step]), len(new))
            new.insert(at, (step, dict(settings)))
        return replace(self, steps=tuple(new))

    def without_step(self, step: str) -> Recipe:
        """A copy without ``step``."""
        return replace(self, steps=tuple((n, s) for n, s in self.steps if n != step))

    def with_weights(self, weights: Mapping[str, float]) -> Recipe:
        """A copy with some node weights replaced."""
        return replace(self, framework=self.framework.with_weights(weights))

    def to_dict(self, relative_to: Path | None = None) -> dict:
        """The recipe as plain data (as it would be written in YAML), defaults resolved."""
        def table(key: str, fallback: str) -> Any:
            spec = self.tables.get(key)
            return spec.to_dict(relative_to) if spec is not None else fallback

        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        out.update({"framework": table("framework", self.framework.source),
                    "data": table("data", self.data.source),
                    "steps": [{name: dict(settings)} for name, settings in self.steps]})
        if self.uncertainty:
            out["uncertainty"] = self.uncertainty
        return out

    def input_files(self) -> dict[str, Path]:
        """The files the recipe was read from, by role (recipe, framework, data)."""
        files = {"recipe": Path(self.source)} if self.source else {}
        files.update({key: spec.path for key, spec in self.tables.items()})
        return files


def _check_group_columns(data: Dataset, impute_settings: list[dict]) -> None:
    """Group imputation needs its group column in the data (the framework may declare a
    group column the data file lacks): checked on loading, so that validate refuses it too."""
    for settings in impute_settings:
        group = settings.get("group")
        if group is not None and group not in data.groups.columns:
            raise InputError(data.source, f"group column '{group}' is not in the data",
                             f"add it or use one of {list(data.groups.columns)}", column=group)


#: The builder of :meth:`Recipe.run`: :func:`innometrics.result.build`, registered by
#: ``result.py`` when it is imported (the package imports it, so it is always there).
_BUILDER: dict[str, Any] = {}


def _own_reference(settings: Any, functions: dict) -> Any:
    """``settings`` with each own function (the callable, or a name given in ``functions``;
    see :mod:`~innometrics.own_schema`) named by its reference ``module:qualname``, added to
    ``functions``."""
    if not isinstance(settings, Mapping):
        return settings

    def named(value: Any) -> Any:
        if isinstance(value, str) and not is_function_reference(value) and value in functions:
            value = functions[value]
        if not callable(value):
            return value
        functions[reference_of(value)] = value
        return reference_of(value)

    return map_functions(settings, named)


def _own_references(uncertainty: Any, functions: dict) -> Any:
    """The uncertainty section with each alternative's own function named by reference."""
    if not isinstance(uncertainty, Mapping) or not isinstance(
            uncertainty.get("alternatives"), Mapping):
        return uncertainty
    return {**uncertainty, "alternatives": {
        step: [_own_reference(o, functions) for o in options] if isinstance(options, list)
        else options for step, options in uncertainty["alternatives"].items()}}


def _import_function(reference: str, source: str, key: str) -> Callable:
    """The function ``"package.module:qualname"`` names (imported: only when allowed)."""
    module, _, qualname = reference.partition(":")
    try:
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InputError(source, f"own function '{reference}' cannot be imported ({exc})",
                         "write 'package.module:function' of an importable module",
                         key=key) from None
    if not callable(found):
        raise InputError(source, f"'{reference}' is not a function",
                         "name a function as 'package.module:function'", key=key)
    return found


def _referenced_functions(raw: Mapping, source: str,
                          given: Collection[str] = ()) -> dict[str, Callable]:
    """Import every ``"package.module:function"`` the steps and alternatives name but those
    ``given`` as functions already."""
    options = [(f"steps[{i}]", s) for i, entry in enumerate(raw.get("steps") or [])
               if isinstance(entry, Mapping) for s in entry.values()]
    alternatives = (raw.get("uncertainty") or {}).get("alternatives") or {}
    if isinstance(alternatives, Mapping):
        options += [(f"uncertainty.alternatives.{step}[{k}]", o)
                    for step, listed in alternatives.items() if isinstance(listed, list)
                    for k, o in enumerate(listed)]
    return {name: _import_function(name, source, key) for key, o in options
            for name in function_names(o) if is_function_reference(name) and name not in given}


def use_builder(build: Any) -> None:
    """Register the function :meth:`Recipe.run` calls (done once by ``result.py``)."""
    _BUILDER["build"] = build


def load_recipe(path: str | os.PathLike, *,
                functions: Mapping[str, Callable] | Sequence[Callable] | None = None,
                allow_functions: bool = False) -> Recipe:
    """Read a recipe file (YAML), validate every setting, then load its framework and data.

    A step's ``method`` may name an own function (:mod:`innometrics.steps.own`): a name given
    in ``functions`` (``{"my_norm": f}``; a sequence ``[f]`` names each function by its
    reference ``module:qualname``, as a run's recipe.yaml records it), or
    ``"package.module:function"``, which is imported only with ``allow_functions=True``
    (``--allow-functions`` on the command line): a recipe file never runs code unasked.

    Validation runs in this order, and stops at the first problem with one line naming the
    file and the recipe key: the keys of the recipe; each table entry; every step's settings
    and the step order; the uncertainty section, every alternative through the same checks as
    the steps; then, once the framework is read and before the data are, the settings that
    name levels, indicators or group columns.

    Raises
    ------
    InputError, InvalidParameter
        For a missing file, bad YAML, missing or unknown keys, an unknown or misplaced step,
        a bad setting, or any error in the framework or data (see :func:`load_framework`,
        :func:`load_data`).
    """
    path = Path(path)
    src = str(path)
    raw = read_yaml(path, what="recipe file", example="'- normalise: {method: minmax}'")
    if not isinstance(raw, Mapping):
        raise InputError(src, "is not a mapping", "write 'framework:', 'data:' and 'steps:'")
    for key in raw:
        if key not in RECIPE_KEYS:
            raise InputError(src, f"'{key}' is not a recipe key.{did_you_mean(key, RECIPE_KEYS)}",
                             f"use {', '.join(RECIPE_KEYS)}", key=str(key))
    for key in ("framework", "data", "steps"):
        if key not in raw:
            raise InputError(src, f"key '{key}' is missing", f"add '{key}:' to the recipe")
    for key in ("name", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise InputError(src, f"'{key}' is not a text", f"write '{key}: \"...\"'",
                             key=key)
    try:
        tables = {key: TableSpec.parse(raw[key], key=key, source=src, base=path.parent)
                  for key in ("framework", "data")}
        functions = (dict(functions) if isinstance(functions, Mapping)
                     else {reference_of(f): f for f in functions or ()})
        if allow_functions:
            functions.update(_referenced_functions(raw, src, functions))
        steps = check_steps(parse_steps(raw["steps"], src), src, functions)
        uncertainty = check_uncertainty(raw.get("uncertainty"), src, functions)
        check_alternative_stages(steps, uncertainty.get("alternatives") or {})
        for i, (name, settings) in enumerate(steps):
            if uncertainty and name == "aggregate":
                check_monte_carlo_aggregate(settings, f"steps[{i}].aggregate")
        check_scales(steps, uncertainty.get("alternatives"))
        framework = load_framework(tables["framework"])
        for i, (name, settings) in enumerate(steps):
            check_against_framework(name, settings, f"steps[{i}].{name}", framework)
        check_uncertainty_against_framework(uncertainty, framework)
    except InvalidParameter as exc:
        raise InvalidParameter(f"{src}: {exc}") from None
    data = load_data(tables["data"], framework)
    return Recipe(framework=framework, data=data, steps=steps, uncertainty=uncertainty,
                  source=src, tables=tables, name=raw.get("name"),
                  description=raw.get("description"), functions=functions)
