"""Running a recipe's steps: each step's adapter pulls what it needs from the framework and
the data, calls the step's kernel on arrays, and the runner collects every stage.

:func:`run_steps` is the engine behind :func:`innometrics.build` (in :mod:`innometrics.result`,
beside the :class:`~innometrics.result.IndexResult` it returns).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import steps as _steps
from .errors import DataWarning, InputError, InvalidParameter
from .framework import Framework
from .panel import same_time, time_values
from .recipe import Recipe
from .schema import kernel_settings
from .stages import STAGE_NAMES, stage_names
from .steps.impute import impute_panel
from .steps.normalise import INDICATOR_SETTINGS as NORMALISE_INDICATOR_SETTINGS

__all__ = ["run_steps", "run_panel_steps", "StageTables", "child_matrices"]


@dataclass
class _State:
    """What flows between steps while a recipe runs: the values and, for each row, its unit
    and its row in the dataset."""

    values: np.ndarray
    units: list[str]
    rows: np.ndarray

    def copy(self) -> _State:
        """The same state, its unit list its own (a step's output replaces the values and
        the rows, never changes them in place)."""
        return _State(self.values, list(self.units), self.rows)


def _read_from(settings: Mapping, state: _State, kept: Mapping[str, _State]) -> _State:
    """The state a step starts from: the stage its ``from_stage`` names (COINr's ``dset``;
    checked against the steps when the recipe was made), else the previous step's output."""
    stage = settings.get("from_stage")
    return state if stage is None else kept[stage].copy()


def _run_denominate(recipe: Recipe, state: _State, settings: dict):
    fw, data = recipe.framework, recipe.data
    given = {name: k for k, name in enumerate(data.denominators.columns.tolist())}
    column = np.array([given.get(fw[c].denominator, -1) for c in fw.indicators])
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
    return _steps.screen(state.values, units=state.units, **settings)


def _run_impute(recipe: Recipe, state: _State, settings: dict):
    settings = dict(settings)
    for key in ("fill", "max_time"):  # method panel: the kernel says it needs a panel
        settings.pop(key, None)
    within = settings.pop("within", None)
    if within is not None:
        return _impute_within(recipe, state, settings, within)
    group = settings.pop("group", None)
    labels = None
    if group is not None:  # in the data: checked when the recipe was made
        column = recipe.data.groups[group].to_numpy(dtype=object)[state.rows].tolist()
        # a unit without a group keeps its gaps (COINr's i_mean_grp, skip_f_na); pandas holds
        # a missing label as NaN, which must not become a group of its own
        labels = [label if isinstance(label, str) else None for label in column]
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
    settings.pop("across_time", None)  # one time: its own parameters are the pooled ones
    reference = settings.pop("reference_time", None)
    if reference is not None and (recipe.data.time is None
                                  or str(recipe.data.time) != str(reference)):
        raise ValueError(f"reference_time {reference} needs panel data with that time (a "
                         "Time column with several times); remove it for one edition.")
    fw = recipe.framework
    if "targets" not in settings:
        targets = {c: fw[c].target for c in fw.indicators}
        settings["targets"] = {c: t for c, t in targets.items() if t is not None} or None
    if settings.pop("from_framework", False):  # COINr's f_n_para = "use_iMeta"
        own = settings.get("indicators") or {}
        shared = {k: v for k, v in settings.items()
                  if k in NORMALISE_INDICATOR_SETTINGS and v is not None}
        settings["indicators"] = {**{code: {**shared, **read} for code, read in
                                     fw.normalise_parameters(settings["method"], own).items()},
                                  **own}
    return _steps.normalise(state.values, directions=fw.directions, codes=fw.indicators,
                            units=state.units, **settings)


def child_matrices(framework: Framework) -> list[np.ndarray]:
    """For levels 2, 3, ...: boolean (n_children, n_parents), True where the node at the level
    below belongs to the parent, whatever its weight (the aggregate kernel's ``children``:
    COINr's ``dat_thresh`` counts a child of weight 0 too)."""
    out = []
    for level in range(2, framework.n_levels + 1):
        parents = {code: j for j, code in enumerate(framework.codes_at(level))}
        below = framework.codes_at(level - 1)
        matrix = np.zeros((len(below), len(parents)), dtype=bool)
        matrix[np.arange(len(below)), [parents[framework[c].parent] for c in below]] = True
        out.append(matrix)
    return out


def _run_aggregate(recipe: Recipe, state: _State, settings: dict):
    fw = recipe.framework
    settings = dict(settings)
    ratios = settings.pop("ratios", {})
    matrices = [fw.weight_matrix(level) for level in range(2, fw.n_levels + 1)]
    out = _steps.aggregate(state.values, matrices, children=child_matrices(fw), **settings)
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


class StageTables(Mapping):
    """The data after each step, by stage name, in step order: units × codes DataFrames
    indexed by ``uCode``. A build keeps each stage as an array and makes its DataFrame on
    first access (then keeps it): making a frame costs more than most steps, and a
    Monte Carlo replication or a dashboard update looks at one stage at most."""

    def __init__(self) -> None:
        self._arrays: dict[str, tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]] = {}
        self._frames: dict[str, pd.DataFrame] = {}

    def add(self, name: str, values: np.ndarray, units: tuple[str, ...],
            columns: tuple[str, ...]) -> None:
        """Record stage ``name``: ``values`` (units × columns), not copied."""
        self._arrays[name] = (values, units, columns)

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is None:
            values, units, columns = self._arrays[name]
            frame = pd.DataFrame(values, index=pd.Index(units, name="uCode", dtype=object),
                                 columns=pd.Index(columns, dtype=object), copy=False)
            self._frames[name] = frame
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}: {v[0].shape[0]}x{v[0].shape[1]}" for k, v in self._arrays.items())
        return f"StageTables({shapes})"


def _take(recipe: Recipe, state: _State, out, i: int, name: str, settings: dict,
          stages: StageTables, records: dict[str, dict], stage: str, key: str) -> None:
    """Record what step ``i`` did to ``state`` (screened units dropped, finite check) and
    move ``state`` on to its output."""
    units_in = list(state.units)
    before = state.values
    if name == "screen":
        kept = out.info["kept"]
        state.units = [u for u, keep in zip(units_in, kept, strict=True) if keep]
        state.rows = state.rows[kept]
        before = before[kept]
    fw = recipe.framework
    columns = tuple(fw.codes) if name == "aggregate" else tuple(fw.indicators)
    _check_finite(recipe, name, f"steps[{i}].{name}", before, out.values, list(columns),
                  state.units)
    state.values = out.values
    stages.add(stage, out.values, tuple(state.units), columns)
    records[key] = {"settings": dict(settings), "units": units_in, **out.info}


@contextmanager
def _step_errors(recipe: Recipe, i: int, name: str) -> Iterator[None]:
    """Run one step, naming its recipe key in what it finds wrong with the data (a context,
    not a wrapper call: the steps' warnings keep pointing at the caller of ``build``)."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            yield
    except (InputError, InvalidParameter):
        raise
    except ValueError as exc:  # what a step finds in the data, named by its recipe key
        raise InvalidParameter(f"{recipe.source or 'recipe'}: steps[{i}].{name}: {exc}"
                               ) from None


def _start(recipe: Recipe) -> tuple[_State, StageTables, dict[str, _State]]:
    """The Raw state, the stages holding it, and the states a later ``from_stage`` may read
    (by stage name)."""
    state = _State(values=recipe.data.values.copy(), units=list(recipe.data.units),
                   rows=np.arange(len(recipe.data.units)))
    stages = StageTables()
    stages.add("Raw", state.values, tuple(state.units), tuple(recipe.framework.indicators))
    return state, stages, {"Raw": state.copy()}


def run_steps(recipe: Recipe) -> tuple[StageTables, dict[str, dict]]:
    """Run a recipe's steps in order and collect every stage.

    Returns
    -------
    stages : StageTables
        ``Raw`` then the data after each step (units × codes, indexed by ``uCode``).
    records : dict of str → dict
        What each step did: its settings, the units it received, and its kernel's ``info``.

    Raises
    ------
    InputError
        If a step turns a finite value into a non-finite one (see :func:`_check_finite`).
    """
    state, stages, kept = _start(recipe)
    records: dict[str, dict] = {}
    for i, (name, settings) in enumerate(recipe.steps):
        state = _read_from(settings, state, kept)
        with _step_errors(recipe, i, name):
            out = _ADAPTERS[name](recipe, state, kernel_settings(recipe.callable_settings(
                settings)))
        _take(recipe, state, out, i, name, settings, stages, records, STAGE_NAMES[name], name)
        kept[STAGE_NAMES[name]] = state.copy()
    return stages, records


# --- panels ------------------------------------------------------------------------------

def _is_panel_impute(name: str, settings: dict) -> bool:
    return name == "impute" and settings.get("method") == "panel"


def _across_time(name: str, settings: dict) -> bool:
    return name == "normalise" and (bool(settings.get("across_time"))
                                    or settings.get("reference_time") is not None)


def _run_impute_panel(times: list[str], states: dict[str, _State],
                      settings: dict) -> dict[str, _steps.StepResult]:
    """Panel imputation on the whole panel: a times × units × indicators cube (units absent
    at a time are absent cells), split back into one result per time."""
    units = list(dict.fromkeys(u for t in times for u in states[t].units))
    position = {u: k for k, u in enumerate(units)}
    n_ind = states[times[0]].values.shape[1]
    cube = np.full((len(times), len(units), n_ind), np.nan)
    present = np.zeros((len(times), len(units)), dtype=bool)
    rows = {}
    for k, t in enumerate(times):
        rows[t] = np.array([position[u] for u in states[t].units], dtype=np.int64)
        cube[k, rows[t]] = states[t].values
        present[k, rows[t]] = True
    out = impute_panel(cube, time_values(times), present, fill=settings.get("fill", "latest"),
                       max_time=settings.get("max_time"))
    labels = np.array([*times, ""], dtype=object)  # index -1: not filled
    return {t: _steps.StepResult(out.values[k, rows[t]], {
        "imputed": out.info["imputed"][k, rows[t]],
        "from_first": labels[out.info["from_first"][k, rows[t]]],
        "from_last": labels[out.info["from_last"][k, rows[t]]]})
        for k, t in enumerate(times)}


def _run_normalise_panel(recipe: Recipe, times: list[str], states: dict[str, _State],
                         settings: dict) -> dict[str, _steps.StepResult]:
    """Normalisation with parameters from every time pooled (``across_time``: the stacked
    times normalised as one table, COINr's ``Normalise(purse, global = TRUE)``) or from one
    time (``reference_time``: fitted on its rows, applied to every row)."""
    settings = dict(settings)
    settings.pop("across_time", None)
    reference = settings.pop("reference_time", None)
    if settings.get("method") == "dist2ref" or any(
            own.get("method") == "dist2ref" for own in (settings.get("indicators") or {}).values()):
        raise ValueError("method 'dist2ref' compares units within one time; remove "
                         "across_time/reference_time or choose another method.")
    # the normalise adapter reads values and unit codes only (rows index the dataset's
    # denominators and groups, which normalising does not use)
    stacked = _State(values=np.vstack([states[t].values for t in times]),
                     units=[u for t in times for u in states[t].units], rows=np.arange(0))
    if reference is not None:
        match = [t for t in times if same_time(t, reference)]
        if not match:
            raise ValueError(f"reference_time {reference} is not a time of the data; use one "
                             f"of {', '.join(times)}.")
        settings["fit"] = np.concatenate([np.full(len(states[t].units), t == match[0])
                                          for t in times])
    out = _run_normalise(recipe, stacked, settings)
    ends = np.cumsum([0] + [len(states[t].units) for t in times])
    return {t: _steps.StepResult(out.values[ends[k]:ends[k + 1]], dict(out.info))
            for k, t in enumerate(times)}


def run_panel_steps(recipe: Recipe, per_time: dict[str, Recipe]
                    ) -> dict[str, tuple[StageTables, dict[str, dict]]]:
    """Run a recipe on a panel: each time's stages and records, as :func:`run_steps` gives
    for one edition.

    Panel imputation (``impute: {method: panel}``) and normalisation across time
    (``across_time``, ``reference_time``) run on every time at once; every other step runs on
    each time alone (COINr's purse methods with ``global = FALSE``).

    Parameters
    ----------
    recipe : Recipe
        The recipe, its data a panel.
    per_time : dict of time → Recipe
        The same recipe on each time's data (:func:`innometrics.panel.slice_time`), in
        increasing time.
    """
    times = list(per_time)
    started = {t: _start(per_time[t]) for t in times}
    states = {t: s for t, (s, _, _) in started.items()}
    stages = {t: st for t, (_, st, _) in started.items()}
    kept = {t: k for t, (_, _, k) in started.items()}
    records: dict[str, dict[str, dict]] = {t: {} for t in times}
    names = stage_names(recipe.steps)
    for i, (name, settings) in enumerate(recipe.steps):
        states = {t: _read_from(settings, states[t], kept[t]) for t in times}
        with _step_errors(recipe, i, name):
            run_with = kernel_settings(recipe.callable_settings(settings))
            if _is_panel_impute(name, settings):
                outs = _run_impute_panel(times, states, settings)
            elif _across_time(name, settings):
                outs = _run_normalise_panel(recipe, times, states, run_with)
            else:
                outs = {t: _ADAPTERS[name](per_time[t], states[t], run_with) for t in times}
        stage, key = names[i]
        for t in times:
            _take(per_time[t], states[t], outs[t], i, name, settings, stages[t], records[t],
                  stage, key)
            kept[t][stage] = states[t].copy()
    return {t: (stages[t], records[t]) for t in times}
