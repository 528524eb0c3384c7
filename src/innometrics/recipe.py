"""Recipes: a framework, unit data and the ordered steps with their settings, as plain data.

A recipe file is YAML; paths are relative to the file::

    framework: iMeta.csv
    data: iData.csv
    steps:
      - denominate: {}
      - impute: {method: mean}
      - treat: {skew: 2.0, kurtosis: 3.5, max_winsorised: 5, fallback: log_ct}
      - normalise: {method: minmax, range: [0, 100]}
      - aggregate: {method: arithmetic}

Running it (:func:`build` or :meth:`Recipe.run`) gives an :class:`~innometrics.result.IndexResult`.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import steps as _steps
from .data import Dataset, load_data
from .errors import InputError, InvalidParameter
from .framework import Framework, load_framework

__all__ = ["Recipe", "load_recipe", "build", "STEP_NAMES", "STAGE_NAMES"]

#: Steps a recipe may use, and the name of the data set each one produces (COINr's names).
STAGE_NAMES = {
    "denominate": "Denominated",
    "screen": "Screened",
    "impute": "Imputed",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}
STEP_NAMES = tuple(STAGE_NAMES)


@dataclass(frozen=True)
class Recipe:
    """A framework, its unit data and the ordered steps.

    Attributes
    ----------
    framework : Framework
    data : Dataset
    steps : tuple of (str, dict)
        Step names (see ``STEP_NAMES``) with their settings, in order.
    uncertainty : dict
        The Monte Carlo design, if the recipe has one (see :mod:`innometrics.uncertainty`).
    source : str or None
        The recipe file, if read from one.
    files : dict
        Paths of the framework and data files, as resolved.
    """

    framework: Framework
    data: Dataset
    steps: tuple[tuple[str, dict], ...]
    uncertainty: dict = field(default_factory=dict)
    source: str | None = None
    files: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_steps(self.steps, self.source or "recipe")

    def settings(self, step: str) -> dict | None:
        """The settings of ``step``, or None if the recipe does not use it."""
        for name, settings in self.steps:
            if name == step:
                return dict(settings)
        return None

    def with_step(self, step: str, **settings: Any) -> Recipe:
        """A copy with ``step``'s settings replaced (or the step added in its usual place)."""
        if step not in STAGE_NAMES:
            raise InvalidParameter(f"'step' of Recipe.with_step must be one of "
                                   f"{list(STEP_NAMES)}; got {step!r}.")
        new = [(n, dict(settings) if n == step else s) for n, s in self.steps]
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

    def to_dict(self) -> dict:
        """The recipe as plain data (as it would be written in YAML)."""
        out: dict[str, Any] = {
            "framework": self.files.get("framework", self.framework.source),
            "data": self.files.get("data", self.data.source),
            "steps": [{name: dict(settings)} for name, settings in self.steps],
        }
        if self.uncertainty:
            out["uncertainty"] = self.uncertainty
        return out

    def run(self):
        """Run the steps; see :func:`build`."""
        return build(self)


def _check_steps(steps, source: str) -> None:
    seen: set[str] = set()
    for i, (name, settings) in enumerate(steps, start=1):
        if name not in STAGE_NAMES:
            raise InputError(source, f"step {i} '{name}' is not a known step",
                             f"use one of {', '.join(STEP_NAMES)}", column="steps")
        if name in seen:
            raise InputError(source, f"step '{name}' appears twice",
                             "keep one entry per step", column="steps")
        if not isinstance(settings, Mapping):
            raise InputError(source, f"settings of step '{name}' are not a mapping",
                             f"write e.g. '- {name}: {{}}'", column="steps")
        seen.add(name)
    names = [n for n, _ in steps]
    if "aggregate" in names and names[-1] != "aggregate":
        raise InputError(source, "'aggregate' is not the last step",
                         "move aggregate to the end of the steps", column="steps")


def _parse_steps(raw: Any, source: str) -> tuple[tuple[str, dict], ...]:
    if not isinstance(raw, list):
        raise InputError(source, "'steps' is not a list", "write steps as a YAML list, "
                         "e.g. '- normalise: {method: minmax}'", column="steps")
    parsed = []
    for i, entry in enumerate(raw, start=1):
        if isinstance(entry, str):
            entry = {entry: {}}
        if not isinstance(entry, Mapping) or len(entry) != 1:
            raise InputError(source, f"step {i} is not a single 'name: settings' entry",
                             "write each step as '- name: {settings}'", column="steps")
        (name, settings), = entry.items()
        parsed.append((str(name), {} if settings is None else settings))
    return tuple(parsed)


def load_recipe(path: str | os.PathLike) -> Recipe:
    """Read a recipe file (YAML), load and validate its framework and data.

    Raises
    ------
    InputError
        For a missing file, bad YAML, missing keys, unknown steps, or any error in the
        framework or data (see :func:`load_framework`, :func:`load_data`).
    """
    path = Path(path)
    src = str(path)
    if not path.exists():
        raise InputError(src, "file not found", "check the path of the recipe")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(src, f"not valid YAML ({problem})", "fix the YAML syntax",
                         row=row) from None
    if not isinstance(raw, Mapping):
        raise InputError(src, "is not a mapping", "write 'framework:', 'data:' and 'steps:'")
    for key in ("framework", "data", "steps"):
        if key not in raw:
            raise InputError(src, f"key '{key}' is missing", f"add '{key}:' to the recipe")
    unknown = sorted(set(raw) - {"framework", "data", "steps", "uncertainty", "name",
                                 "description"})
    if unknown:
        raise InputError(src, f"unknown key(s) {unknown}", "remove them or check the spelling "
                         "(framework, data, steps, uncertainty, name, description)")
    base = path.parent
    framework_path = (base / str(raw["framework"])).resolve()
    data_path = (base / str(raw["data"])).resolve()
    framework = load_framework(framework_path)
    data = load_data(data_path, framework)
    uncertainty = raw.get("uncertainty") or {}
    if not isinstance(uncertainty, Mapping):
        raise InputError(src, "'uncertainty' is not a mapping",
                         "write 'uncertainty:' with runs, seed, weights, alternatives")
    return Recipe(framework=framework, data=data, steps=_parse_steps(raw["steps"], src),
                  uncertainty=dict(uncertainty), source=src,
                  files={"framework": str(framework_path), "data": str(data_path),
                         "framework_sha256": _sha256(framework_path),
                         "data_sha256": _sha256(data_path), "recipe_sha256": _sha256(path)})


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Running a recipe: each step's adapter pulls what it needs from the framework and data.


@dataclass
class _State:
    """What flows between steps while a recipe runs."""

    values: np.ndarray
    units: list[str]


def _run_denominate(recipe: Recipe, state: _State, settings: dict):
    fw, data = recipe.framework, recipe.data
    denominators = np.full(state.values.shape, np.nan)
    table = data.denominators.loc[state.units]
    for j, code in enumerate(fw.indicators):
        name = fw[code].denominator
        if name is not None:
            denominators[:, j] = table[name].to_numpy(dtype=np.float64)
    return _steps.denominate(state.values, denominators)


def _run_screen(recipe: Recipe, state: _State, settings: dict):
    return _steps.screen(state.values, **settings)


def _run_impute(recipe: Recipe, state: _State, settings: dict):
    settings = dict(settings)
    group = settings.pop("group", None)
    labels = None
    if group is not None:
        if group not in recipe.data.groups:
            raise InputError(recipe.data.source, f"group column '{group}' is not in the data",
                             f"use one of {list(recipe.data.groups.columns)}", column=group)
        labels = recipe.data.groups.loc[state.units, group].tolist()
    elif str(settings.get("method", "")).startswith("group_"):
        raise InvalidParameter(f"impute method '{settings['method']}' needs 'group: COLUMN'; "
                               f"columns: {list(recipe.data.groups.columns)}.")
    return _steps.impute(state.values, groups=labels, **settings)


def _run_treat(recipe: Recipe, state: _State, settings: dict):
    return _steps.treat(state.values, **settings)


def _run_normalise(recipe: Recipe, state: _State, settings: dict):
    settings = dict(settings)
    fw = recipe.framework
    if settings.get("method") == "dist2target" and "targets" not in settings:
        settings["targets"] = {c: fw[c].target for c in fw.indicators
                               if fw[c].target is not None}
    return _steps.normalise(state.values, directions=fw.directions, codes=fw.indicators,
                            **settings)


def _run_aggregate(recipe: Recipe, state: _State, settings: dict):
    fw = recipe.framework
    matrices = [fw.weight_matrix(level) for level in range(2, fw.n_levels + 1)]
    return _steps.aggregate(state.values, matrices, **settings)


def _accepted_settings(step: str) -> set[str]:
    """Settings a recipe may give a step: its keyword parameters, less what the runner
    supplies from the framework and data, plus the runner's own (e.g. impute's ``group``)."""
    func = getattr(_steps, step)
    params = inspect.signature(func).parameters.values()
    keywords = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
    return (keywords - _SUPPLIED.get(step, set())) | _EXTRA.get(step, set())


_SUPPLIED = {"normalise": {"directions", "codes"}, "impute": {"groups"}}
_EXTRA = {"impute": {"group"}}

_ADAPTERS = {
    "denominate": _run_denominate,
    "screen": _run_screen,
    "impute": _run_impute,
    "treat": _run_treat,
    "normalise": _run_normalise,
    "aggregate": _run_aggregate,
}


def _frame(values: np.ndarray, units: pd.Index, columns: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(values, index=units, columns=columns, copy=False)


def build(recipe: Recipe):
    """Run a recipe's steps in order and collect every stage.

    Returns
    -------
    IndexResult
        Scores and ranks at every level, the data after each step, what each step did, and
        the recipe, from which a changed setting regenerates the result.
    """
    from .result import IndexResult  # result imports recipe for with_step

    fw = recipe.framework
    state = _State(values=recipe.data.values.copy(), units=list(recipe.data.units))
    index = pd.Index(state.units, name="uCode")
    indicators, codes = pd.Index(fw.indicators), pd.Index(fw.codes)
    stages = {"Raw": _frame(state.values, index, indicators)}
    records: dict[str, dict] = {}
    for name, settings in recipe.steps:
        accepted = _accepted_settings(name)
        for key in settings:
            if key not in accepted:
                raise InvalidParameter(f"'{key}' is not a setting of {name}; accepted "
                                       f"settings: {', '.join(sorted(accepted)) or 'none'}.")
        out = _ADAPTERS[name](recipe, state, settings)
        units_in = list(state.units)
        if name == "screen":
            state.units = [u for u, keep in zip(units_in, out.info["kept"], strict=True)
                           if keep]
            index = pd.Index(state.units, name="uCode")
        state.values = out.values
        columns = codes if name == "aggregate" else indicators
        stages[STAGE_NAMES[name]] = _frame(out.values, index, columns)
        records[name] = {"settings": dict(settings), "units": units_in, **out.info}
    return IndexResult(recipe=recipe, stages=stages, records=records)
