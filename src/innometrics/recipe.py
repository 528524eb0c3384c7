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
data. Running it (:func:`build` or :meth:`Recipe.run`) gives an
:class:`~innometrics.result.IndexResult`.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import steps as _steps
from ._params import did_you_mean, one_of
from .data import Dataset, load_data
from .errors import DataWarning, InputError, InvalidParameter
from .framework import Framework, load_framework
from .io import TableSpec
from .schema import (
    STAGE_NAMES,
    STEP_NAMES,
    check_against_framework,
    check_monte_carlo_aggregate,
    check_steps,
    check_uncertainty,
    check_uncertainty_against_framework,
    parse_steps,
)

__all__ = ["Recipe", "load_recipe", "build", "STEP_NAMES", "STAGE_NAMES", "RECIPE_KEYS"]

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
    """

    framework: Framework
    data: Dataset
    steps: tuple[tuple[str, dict], ...]
    uncertainty: dict = field(default_factory=dict)
    source: str | None = None
    tables: dict = field(default_factory=dict)
    name: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        src = self.source or "recipe"
        steps = check_steps(tuple((n, s) for n, s in self.steps), src)
        for i, (name, settings) in enumerate(steps):
            check_against_framework(name, settings, f"steps[{i}].{name}", self.framework)
        uncertainty = check_uncertainty(self.uncertainty, src)
        check_uncertainty_against_framework(uncertainty, self.framework)
        if tuple(self.data.indicators) != tuple(self.framework.indicators):
            raise InvalidParameter("the data's indicators are not the framework's; load the data "
                                   "with load_data(..., framework).")
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "uncertainty", uncertainty)

    def settings(self, step: str) -> dict | None:
        """The settings of ``step``, or None if the recipe does not use it."""
        for name, settings in self.steps:
            if name == step:
                return dict(settings)
        return None

    def with_step(self, step: str, **settings: Any) -> Recipe:
        """A copy with ``step``'s settings replaced (or the step added in its usual place)."""
        if step not in STAGE_NAMES:
            raise InvalidParameter(one_of("step", STEP_NAMES, step, owner="Recipe.with_step"))
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

    def run(self):
        """Run the steps; see :func:`build`."""
        return build(self)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first: int, line: int) -> None:
        self.key, self.first, self.line = key, first, line


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key written twice in one mapping (plain YAML keeps the
    last silently, so ``{method: minmax, method: zscore}`` would build z-scores)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _DuplicateKey(key, seen[key], line)
            with contextlib.suppress(TypeError):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> Any:
    src = str(path)
    if not path.exists():
        raise InputError(src, "file not found", "check the path of the recipe")
    if path.is_dir():
        raise InputError(src, "is a directory, not a recipe file",
                         "give the recipe's YAML file (e.g. recipe.yaml)")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except _DuplicateKey as exc:
        raise InputError(src, f"key '{exc.key}' appears twice in one mapping (lines "
                         f"{exc.first} and {exc.line})", "keep one of them", row=exc.line,
                         ) from None
    except UnicodeDecodeError:
        raise InputError(src, "is not UTF-8 text", "save the recipe as UTF-8 YAML") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(src, f"not valid YAML ({problem})", "fix the YAML syntax",
                         row=row) from None


def load_recipe(path: str | os.PathLike) -> Recipe:
    """Read a recipe file (YAML), validate every setting, then load its framework and data.

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
    raw = _read_yaml(path)
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
        steps = check_steps(parse_steps(raw["steps"], src), src)
        uncertainty = check_uncertainty(raw.get("uncertainty"), src)
        for i, (name, settings) in enumerate(steps):
            if uncertainty and name == "aggregate":
                check_monte_carlo_aggregate(settings, f"steps[{i}].aggregate")
        framework = load_framework(tables["framework"])
        for i, (name, settings) in enumerate(steps):
            check_against_framework(name, settings, f"steps[{i}].{name}", framework)
        check_uncertainty_against_framework(uncertainty, framework)
    except InvalidParameter as exc:
        raise InvalidParameter(f"{src}: {exc}") from None
    data = load_data(tables["data"], framework)
    return Recipe(framework=framework, data=data, steps=steps, uncertainty=uncertainty,
                  source=src, tables=tables, name=raw.get("name"),
                  description=raw.get("description"))


# ---------------------------------------------------------------------------------------------
# Running a recipe: each step's adapter pulls what it needs from the framework and data.


@dataclass
class _State:
    """What flows between steps while a recipe runs: the values and, for each row, its unit
    and its row in the dataset."""

    values: np.ndarray
    units: list[str]
    rows: np.ndarray


def _run_denominate(recipe: Recipe, state: _State, settings: dict):
    fw, data = recipe.framework, recipe.data
    given = {name: k for k, name in enumerate(data.denominators.columns)}
    column = np.array([given[fw[c].denominator] if fw[c].denominator is not None else -1
                       for c in fw.indicators])
    table = np.column_stack([data.denominators.to_numpy(np.float64)[state.rows],
                             np.full(len(state.rows), np.nan)])  # column -1: no denominator
    out = _steps.denominate(state.values, table[:, column])
    blanked = np.isnan(out.values) & ~np.isnan(state.values)
    if blanked.any():
        cells = [f"{state.units[i]}/{fw.indicators[j]}" for i, j in zip(*np.nonzero(blanked),
                                                                          strict=True)]
        warnings.warn(f"{recipe.data.source}: {len(cells)} value(s) have no denominator and "
                      f"became missing: {', '.join(cells[:10])}"
                      f"{', ...' if len(cells) > 10 else ''}", DataWarning, stacklevel=4)
    return out


def _run_screen(recipe: Recipe, state: _State, settings: dict):
    return _steps.screen(state.values, **settings)


def _run_impute(recipe: Recipe, state: _State, settings: dict):
    settings = dict(settings)
    within = settings.pop("within", None)
    if within is not None:
        return _impute_within(recipe, state, settings, within)
    group = settings.pop("group", None)
    labels = None
    if group is not None:
        if group not in recipe.data.groups:
            raise InputError(recipe.data.source, f"group column '{group}' is not in the data",
                             f"add it or use one of {list(recipe.data.groups.columns)}",
                             column=group)
        labels = recipe.data.groups[group].to_numpy(dtype=object)[state.rows].tolist()
    return _steps.impute(state.values, groups=labels, **settings)


def _impute_within(recipe: Recipe, state: _State, settings: dict, level: int):
    """Impute each block of indicators that share an ancestor at ``level`` on its own."""
    fw = recipe.framework
    blocks: dict[str, list[int]] = {}
    for j, code in enumerate(fw.indicators):
        node = fw[code]
        while node.level < level:
            node = fw[node.parent]
        blocks.setdefault(node.code, []).append(j)
    values = state.values.copy()
    imputed = np.zeros(values.shape, dtype=bool)
    for columns in blocks.values():
        out = _steps.impute(state.values[:, columns], **settings)
        values[:, columns] = out.values
        imputed[:, columns] = out.info["imputed"]
    return _steps.StepResult(values, {"imputed": imputed, "within": sorted(blocks)})


def _run_treat(recipe: Recipe, state: _State, settings: dict):
    return _steps.treat(state.values, codes=recipe.framework.indicators, **settings)


def _run_normalise(recipe: Recipe, state: _State, settings: dict):
    settings = dict(settings)
    fw = recipe.framework
    if "targets" not in settings:
        settings["targets"] = ({c: fw[c].target for c in fw.indicators if fw[c].target is not None}
                               or None)
    if settings.get("bounds") == "framework":
        settings["indicators"] = {**_scaled_from_framework(recipe, settings),
                                  **(settings.get("indicators") or {})}
        settings["bounds"] = (0.0, 100.0)  # every indicator has its own now
    return _steps.normalise(state.values, directions=fw.directions, codes=fw.indicators,
                            units=state.units, **settings)


def _scaled_from_framework(recipe: Recipe, settings: dict) -> dict[str, dict]:
    """``bounds: framework``: each indicator's ``scaled`` settings from the framework's
    ``scaled_lower``/``scaled_upper`` (own units; for direction −1 they become
    [−upper, −lower] on the flipped values) and ``scale_factor`` (else the step's ``scale``),
    as COINr's ``Normalise(f_n_para = "use_iMeta")`` reads them from iMeta."""
    fw = recipe.framework
    out = {}
    for code in fw.indicators:
        node = fw[code]
        for column in ("scaled_lower", "scaled_upper"):
            if getattr(node, column) is None:
                raise InputError(fw.source, f"'{code}' has no {column}, which 'bounds: "
                                 "framework' of the normalise step needs",
                                 f"give every indicator a {column}, or bounds: [l, u]",
                                 column=column)
        low, high = node.scaled_lower, node.scaled_upper
        if node.direction == -1:
            low, high = -high, -low
        if not low < high:
            raise InputError(fw.source, f"'{code}' has scaled_lower {node.scaled_lower:g} not "
                             f"below scaled_upper {node.scaled_upper:g}",
                             "give scaled_lower < scaled_upper", column="scaled_lower")
        scale = node.scale_factor if node.scale_factor is not None else settings.get("scale")
        out[code] = {"method": "scaled", "bounds": [low, high],
                     **({} if scale is None else {"scale": scale})}
    return out


def _run_aggregate(recipe: Recipe, state: _State, settings: dict):
    fw = recipe.framework
    settings = dict(settings)
    ratios = settings.pop("ratios", {})
    matrices = [fw.weight_matrix(level) for level in range(2, fw.n_levels + 1)]
    out = _steps.aggregate(state.values, matrices, **settings)
    if ratios:
        position = {code: j for j, code in enumerate(fw.codes)}
        with np.errstate(invalid="ignore", divide="ignore"):
            out.info["ratios"] = {name: out.values[:, position[num]] / out.values[:, position[den]]
                                  for name, (num, den) in ratios.items()}
    return out


_ADAPTERS = {
    "denominate": _run_denominate,
    "screen": _run_screen,
    "impute": _run_impute,
    "treat": _run_treat,
    "normalise": _run_normalise,
    "aggregate": _run_aggregate,
}


def _check_finite(recipe: Recipe, step: str, where: str, before: np.ndarray,
                  after: np.ndarray, columns: list[str], units: list[str]) -> None:
    """A step must not turn a finite value into ±inf or NaN (overflow, a log of a
    non-positive number): that is an error naming the cell, never a silent gap. NaN from a
    zero-range indicator (which warns) or from a missing denominator is allowed."""
    bad = np.isinf(after)
    if after.shape == before.shape and step != "denominate":
        lost = np.isnan(after) & np.isfinite(before)
        if lost.any():
            with warnings.catch_warnings():  # an all-missing column has no range: NaN is right
                warnings.simplefilter("ignore", RuntimeWarning)
                constant = np.nanmax(before, axis=0) == np.nanmin(before, axis=0)
            bad |= lost & ~constant
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        value = float(before[i, j]) if after.shape == before.shape else None
        was = f" (input {value:g})" if value is not None else ""
        raise InputError(recipe.data.source, f"{where} gives a non-finite result for "
                         f"'{columns[j]}' of unit '{units[i]}'{was}",
                         "check the indicator's values (numbers this large overflow; a log needs "
                         "positive values; a fraction of the maximum needs a non-zero maximum) "
                         "or choose another method", column=columns[j])


def _frame(values: np.ndarray, units: pd.Index, columns: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(values, index=units, columns=columns, copy=False)


def build(recipe: Recipe):
    """Run a recipe's steps in order and collect every stage.

    Returns
    -------
    IndexResult
        Scores and ranks at every level, the data after each step, what each step did, and
        the recipe, from which a changed setting regenerates the result.

    Raises
    ------
    InputError
        If a step turns a finite value into a non-finite one (see :func:`_check_finite`).
    """
    from .result import IndexResult  # result imports recipe for with_step

    fw = recipe.framework
    state = _State(values=recipe.data.values.copy(), units=list(recipe.data.units),
                   rows=np.arange(len(recipe.data.units)))
    index = pd.Index(state.units, name="uCode", dtype=object)
    indicators, codes = pd.Index(fw.indicators, dtype=object), pd.Index(fw.codes, dtype=object)
    stages = {"Raw": _frame(state.values, index, indicators)}
    records: dict[str, dict] = {}
    for i, (name, settings) in enumerate(recipe.steps):
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                out = _ADAPTERS[name](recipe, state, settings)
        except (InputError, InvalidParameter):
            raise
        except ValueError as exc:  # what a step finds in the data, named by its recipe key
            raise InvalidParameter(f"{recipe.source or 'recipe'}: steps[{i}].{name}: {exc}"
                                   ) from None
        units_in = list(state.units)
        before = state.values
        if name == "screen":
            kept = out.info["kept"]
            state.units = [u for u, keep in zip(units_in, kept, strict=True) if keep]
            state.rows = state.rows[kept]
            index = pd.Index(state.units, name="uCode", dtype=object)
            before = before[kept]
        columns = codes if name == "aggregate" else indicators
        _check_finite(recipe, name, f"steps[{i}].{name}", before, out.values, list(columns),
                      state.units)
        state.values = out.values
        stages[STAGE_NAMES[name]] = _frame(out.values, index, columns)
        records[name] = {"settings": dict(settings), "units": units_in, **out.info}
    return IndexResult(recipe=recipe, stages=stages, records=records)
