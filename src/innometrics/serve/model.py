"""What the dashboard computes: re-aggregation from cached stages, and query validation.

The recipe is run once. Its *pre-aggregation* stage (the normalised scores: the input of the
``aggregate`` step) is kept, and so is the *pre-normalisation* stage (the input of
``normalise``). A request with other weights re-aggregates the kept normalised scores with new
weight matrices (:func:`innometrics.steps.aggregate`, the very function a build calls), so
the result equals ``build(recipe.with_weights(weights))`` exactly. A request with another
normalisation re-normalises the kept pre-normalisation stage once and keeps that too; another
aggregation method changes only the aggregation. Nothing is rebuilt per request.

A panel recipe (data with several times) keeps these stages per time: ``time=<time>`` chooses
the time whose ranking is shown (default: the latest), re-aggregated under the query's weights
(aggregation is per time). Another normalisation rebuilds the panel once, because a panel's
normalisation may pool the times (``across_time``, ``reference_time``).

Queries (every endpoint): ``w.<node code>=<weight>`` (repeatable over codes), ``normalise=``
one of :data:`NORMALISE_PRESETS` and ``aggregate=`` one of :data:`AGGREGATE_PRESETS`
(``recipe`` = the recipe's own settings, the default), and on a panel ``time=`` one of its
times. Anything else is a
:class:`QueryError` with a message naming the parameter.
"""

from __future__ import annotations

import inspect
import math
import re
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .. import steps as _steps
from .._params import did_you_mean, one_of
from ..errors import InputError
from ..pipeline import child_matrices
from ..ranking import rank_min
from ..recipe import Recipe
from ..result import PanelResult, build

__all__ = ["DashboardModel", "Query", "QueryError", "NORMALISE_PRESETS", "AGGREGATE_PRESETS",
           "MAX_WEIGHT"]

#: Normalisations the dashboard offers: name → (label, recipe settings); ``recipe`` keeps the
#: recipe's own normalisation (or none).
NORMALISE_PRESETS: dict[str, tuple[str, dict | None]] = {
    "recipe": ("as in the recipe", None),
    "minmax": ("min-max onto [0, 100]", {"method": "minmax", "range": [0.0, 100.0]}),
    "minmax1": ("min-max onto [1, 100] (for geometric means)",
                {"method": "minmax", "range": [1.0, 100.0]}),
    "zscore": ("z-scores (mean 0, sd 1)", {"method": "zscore", "mean": 0.0, "sd": 1.0}),
    "zscore10": ("z-scores (mean 10, sd 2)", {"method": "zscore", "mean": 10.0, "sd": 2.0}),
    "rank": ("ranks (1 = lowest)", {"method": "rank"}),
    "prank": ("percentile ranks (0-100)", {"method": "prank"}),
    "dist2max": ("distance to the maximum (0-1)", {"method": "dist2max"}),
    "fracmax": ("fraction of the maximum", {"method": "fracmax"}),
}
#: Aggregation methods the dashboard offers; ``recipe`` keeps the recipe's (maybe per level).
AGGREGATE_PRESETS = ("recipe", "arithmetic", "geometric", "harmonic")
#: Largest weight a query may give.
MAX_WEIGHT = 1e9
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class QueryError(ValueError):
    """A query the dashboard refuses; ``status`` is the HTTP status (400 or 422)."""

    def __init__(self, message: str, *, parameter: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.parameter, self.status = message, parameter, status


@dataclass(frozen=True)
class Query:
    """A validated query: weights by code, normalisation and aggregation preset names, and
    the time of a panel (None: the latest)."""

    weights: tuple[tuple[str, float], ...] = ()
    normalise: str = "recipe"
    aggregate: str = "recipe"
    time: str | None = None


def _weight(name: str, text: str) -> float:
    if not _NUMBER.match(text.strip()):
        raise QueryError(f"'{name}' must be a number (e.g. {name}=0.5); got {text!r}.",
                         parameter=name)
    value = float(text)
    if not math.isfinite(value):
        raise QueryError(f"'{name}' must be a finite number; got {text!r}.", parameter=name)
    if value < 0:
        raise QueryError(f"'{name}' must be zero or positive; got {text!r}.", parameter=name)
    if value > MAX_WEIGHT:
        raise QueryError(f"'{name}' must be at most {MAX_WEIGHT:g}; got {text!r}.",
                         parameter=name)
    return value


class DashboardModel:
    """A recipe run once, its stages kept, re-aggregated per query.

    Parameters
    ----------
    recipe : Recipe
        Must end with an ``aggregate`` step; a panel recipe is served one time at a time.

    Attributes
    ----------
    units, names : list of str
        The units scored (after any screening) and their names; on a panel, every unit scored
        at some time.
    times : list of str
        The panel's times, increasing (empty for data with one time).
    codes : list of str
        Every node, indicators first, the index last (as in ``scores.csv``).
    index_code : str
    """

    def __init__(self, recipe: Recipe) -> None:
        names = [n for n, _ in recipe.steps]
        if not names or names[-1] != "aggregate":
            raise InputError(recipe.source or "recipe", "has no aggregate step",
                             "add '- aggregate: {method: arithmetic}' as the last step")
        built = build(recipe)
        results = built.results if isinstance(built, PanelResult) else {None: built}
        self.recipe = recipe
        self.framework = fw = recipe.framework
        self.times = [str(t) for t in results] if isinstance(built, PanelResult) else []
        self._units_at = {t: [str(u) for u in r.scores.index] for t, r in results.items()}
        self.units = list(dict.fromkeys(u for units in self._units_at.values() for u in units))
        name_of = dict(zip(recipe.data.units, recipe.data.names, strict=True))
        self.names = [str(name_of.get(u, u)) for u in self.units]
        self._name_of = dict(zip(self.units, self.names, strict=True))
        latest = results[list(results)[-1]]
        self.codes = [str(c) for c in latest.scores.columns]
        self.index_code = self.codes[-1]
        self.levels = list(range(2, fw.n_levels + 1))
        stages = {t: list(r.stages.values()) for t, r in results.items()}
        # what aggregate read: the Aggregated stage carries it (a from_stage may have made it
        # another stage than the one before)
        pre_aggregate = {t: r.scores[fw.indicators].to_numpy(dtype=np.float64)
                         for t, r in results.items()}
        # the normalise step runs on the stage before it; with no normalise step, one would
        # be added just before aggregate (Recipe.with_step), i.e. on the pre-aggregate stage;
        # a step reading an earlier stage (from_stage) takes the rebuild path
        rewired = any("from_stage" in settings for _, settings in recipe.steps)
        if "normalise" in names:
            position = names.index("normalise")
            self._pre_normalise = {t: st[position].to_numpy(dtype=np.float64)
                                   for t, st in stages.items()}
            self._normalise_last = position == len(names) - 2 and not rewired
        else:
            self._pre_normalise, self._normalise_last = pre_aggregate, not rewired
        self._normalised: dict[str, dict] = {"recipe": pre_aggregate}
        self._lock = threading.Lock()
        self._base_weights = np.array([fw[c].weight for c in fw.codes], dtype=np.float64)
        self._children = child_matrices(fw)  # a child weighted 0 still counts for coverage
        self._position = {c: i for i, c in enumerate(fw.codes)}
        self._structure = []  # per level: child positions, parent index of each child, parents
        for level in self.levels:
            children, parents = fw.codes_at(level - 1), fw.codes_at(level)
            col = {p: j for j, p in enumerate(parents)}
            self._structure.append((np.array([self._position[c] for c in children]),
                                    np.array([col[fw[c].parent] for c in children]),
                                    parents, children))
        self.baseline = self.compute(Query())

    # --- queries ---------------------------------------------------------------------------
    def parse(self, items: Iterable[tuple[str, str]], *, allowed: Iterable[str] = ()) -> Query:
        """Validate query parameters (``(name, value)`` pairs, repeats included).

        Raises
        ------
        QueryError
            For an unknown or repeated parameter, an unknown node code, a weight that is not
            a finite number ≥ 0 (and ≤ :data:`MAX_WEIGHT`), an unknown method, or children of
            one parent all weighted zero.
        """
        seen: set[str] = set()
        weights: dict[str, float] = {}
        normalise, aggregate, time = "recipe", "recipe", None
        extra = set(allowed)
        for name, value in items:
            if name in seen:
                raise QueryError(f"'{name}' is given more than once; give it once.",
                                 parameter=name)
            seen.add(name)
            if name.startswith("w."):
                code = name[2:]
                if code not in self._position:
                    raise QueryError(f"'{name}': '{code}' is not a node of the framework."
                                     f"{did_you_mean(code, self._position)} Weights are given "
                                     "as w.<node code>=<weight>.", parameter=name)
                weights[code] = _weight(name, value)
            elif name == "normalise":
                normalise = _choice(name, value, NORMALISE_PRESETS)
            elif name == "aggregate":
                aggregate = _choice(name, value, AGGREGATE_PRESETS)
            elif name == "time" and self.times:
                time = _choice(name, value, self.times)
            elif name == "time":
                raise QueryError("'time' chooses a time of a panel; this index's data have "
                                 "one time: leave 'time' out.", parameter=name)
            elif name not in extra:
                raise QueryError(f"'{name}' is not a query parameter."
                                 f"{did_you_mean(name, ['normalise', 'aggregate', *extra])} "
                                 "Accepted: w.<node code>, normalise, aggregate"
                                 f"{', time' if self.times else ''}.", parameter=name)
        query = Query(weights=tuple(sorted(weights.items())), normalise=normalise,
                      aggregate=aggregate, time=time)
        self._matrices(query)  # all-zero siblings are refused here
        return query

    def _matrices(self, query: Query) -> list[np.ndarray]:
        w = self._base_weights.copy()
        for code, value in query.weights:
            w[self._position[code]] = value
        matrices = []
        for (child_pos, parent_of, parents, children), _level in zip(self._structure,
                                                                     self.levels, strict=True):
            cw = w[child_pos]
            totals = np.bincount(parent_of, weights=cw, minlength=len(parents))
            if np.any(totals == 0):
                j = int(np.flatnonzero(totals == 0)[0])
                kids = [c for c, p in zip(children, parent_of, strict=True) if p == j]
                raise QueryError(f"all weights of the children of '{parents[j]}' are zero "
                                 f"({', '.join(kids)}); give at least one a positive weight.",
                                 parameter=f"w.{kids[0]}")
            m = np.zeros((len(children), len(parents)))
            m[np.arange(len(children)), parent_of] = cw
            matrices.append(m)
        return matrices

    # --- computing -------------------------------------------------------------------------
    def time_of(self, query: Query) -> str | None:
        """The time a query is about: its ``time``, else the panel's latest (None: one time)."""
        return (query.time or self.times[-1]) if self.times else None

    def units_at(self, time: str | None) -> list[str]:
        """The units scored at ``time`` (a panel's time, or None for data with one time)."""
        return self._units_at[time]

    def normalised(self, preset: str) -> dict:
        """The pre-aggregation scores under a normalisation preset (computed once, kept), by
        time (the key None for data with one time)."""
        found = self._normalised.get(preset)
        if found is not None:
            return found
        with self._lock:
            if preset not in self._normalised:
                self._normalised[preset] = self._normalise(preset)
        return self._normalised[preset]

    def _normalise(self, preset: str) -> dict:
        own = self.recipe.settings("normalise") or {}
        settings = {**{k: own[k] for k in ("from_stage",) if k in own},  # the recipe's wiring
                    **NORMALISE_PRESETS[preset][1]}
        recipe = self.recipe.with_step("normalise", **settings)  # resolves every default
        if not self._normalise_last or self.times:
            # later steps between normalise and aggregate, or a panel (whose normalisation may
            # pool its times): rerun once
            built = build(recipe)
            results = built.results if isinstance(built, PanelResult) else {None: built}
            return {t: r.scores[self.framework.indicators].to_numpy(dtype=np.float64)
                    for t, r in results.items()}
        fw = self.framework
        resolved = dict(recipe.settings("normalise"))
        if "targets" not in resolved:  # as the recipe's normalise adapter does
            resolved["targets"] = ({c: fw[c].target for c in fw.indicators
                                    if fw[c].target is not None} or None)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            out = _steps.normalise(self._pre_normalise[None], directions=fw.directions,
                                   codes=fw.indicators, **resolved)
        return {None: out.values}

    def _aggregate_settings(self, preset: str) -> dict:
        # the recipe's settings that the aggregate step takes (the runner handles the others,
        # e.g. ratios computed from the aggregated scores, which are not scores of a node)
        accepted = inspect.signature(_steps.aggregate).parameters
        own = {k: v for k, v in self.recipe.callable_settings(
            self.recipe.settings("aggregate") or {}).items()
               if k in accepted and k not in ("x", "weight_matrices")}
        if preset == "recipe":
            return own
        # a preset replaces the method, own functions and their arguments included
        return {**{k: v for k, v in own.items() if k != "params"}, "method": preset}

    def compute(self, query: Query) -> np.ndarray:
        """Scores of every node (the units at the query's time × :attr:`codes`) for a
        validated query.

        Raises
        ------
        QueryError
            (422) When the aggregation cannot run on these scores (e.g. geometric means of
            scores that are not all positive).
        """
        x = self.normalised(query.normalise)[self.time_of(query)]
        try:
            out = _steps.aggregate(x, self._matrices(query), children=self._children,
                                   **self._aggregate_settings(query.aggregate))
        except ValueError as exc:
            raise QueryError(f"aggregate={query.aggregate} with normalise={query.normalise}: "
                             f"{exc}", parameter="aggregate", status=422) from None
        return out.values

    def index(self, query: Query) -> dict[str, dict]:
        """The ``/api/ranks`` answer: index ranks (1 = best, ties share the best rank) and
        scores by unit code, missing scores (and, on a panel, units not scored at the query's
        time) as None; on a panel also the ``time`` shown."""
        scores = self.compute(query)[:, -1]
        ranks = rank_min(scores[:, None])[:, 0]
        at = dict(zip(self.units_at(self.time_of(query)), zip(ranks, scores, strict=True),
                      strict=True))
        none = (math.nan, math.nan)
        answer = {"ranks": {u: _whole(at.get(u, none)[0]) for u in self.units},
                  "scores": {u: _finite(at.get(u, none)[1]) for u in self.units}}
        if self.times:
            answer["time"] = self.time_of(query)
        return answer

    def table(self, query: Query) -> tuple[list[str], list[list]]:
        """The current ranking as rows: rank, uCode, uName, then every aggregate's score
        (index first), best first."""
        values = self.compute(query)
        units = self.units_at(self.time_of(query))
        n_ind = len(self.framework.indicators)
        aggregates = list(range(values.shape[1] - 1, n_ind - 1, -1))
        ranks = rank_min(values[:, -1:])[:, 0]
        order = np.argsort(np.where(np.isfinite(ranks), ranks, np.inf), kind="stable")
        header = ["rank", "uCode", "uName", *[self.codes[j] for j in aggregates]]
        rows = [[_whole(ranks[i]), units[i], self._name_of[units[i]],
                 *[_finite(values[i, j]) for j in aggregates]] for i in order]
        return header, rows

    def profile(self, unit: str, query: Query) -> dict:
        """Scores and ranks of one unit at every node (at the query's time)."""
        i = self.units_at(self.time_of(query)).index(unit)
        values = self.compute(query)
        ranks = rank_min(values)
        fw = self.framework
        return {"unit": unit, "name": self._name_of[unit], "n": len(values),
                "nodes": [{"code": c, "name": fw[c].name, "level": fw[c].level,
                           "score": _finite(values[i, j]), "rank": _finite(ranks[i, j]),
                           "median": _finite(_median(values[:, j]))}
                          for j, c in enumerate(self.codes)]}

    def describe(self) -> dict:
        """The framework, units and options the page needs."""
        fw = self.framework
        return {"name": self.recipe.name or f"Index {self.index_code}",
                "index": self.index_code, "levels": fw.n_levels,
                "nodes": [{"code": c, "name": fw[c].name, "level": fw[c].level,
                           "parent": fw[c].parent, "weight": fw[c].weight}
                          for c in self.codes],
                "units": [{"code": u, "name": n} for u, n in zip(self.units, self.names,
                                                                 strict=True)],
                "times": self.times,
                "normalise": [{"value": k, "label": v[0]} for k, v in NORMALISE_PRESETS.items()],
                "aggregate": [{"value": k, "label": "as in the recipe" if k == "recipe" else k}
                              for k in AGGREGATE_PRESETS],
                "steps": [{"step": n, "settings": _jsonable(s)} for n, s in self.recipe.steps],
                "source": str(self.recipe.source) if self.recipe.source else None}


def _whole(value: float) -> int | None:
    return int(value) if math.isfinite(float(value)) else None


def _finite(value: float) -> float | None:
    v = float(value)
    return v if math.isfinite(v) else None


def _median(column: np.ndarray) -> float:
    present = column[np.isfinite(column)]
    return float(np.median(present)) if present.size else math.nan


def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _choice(name: str, value: str, presets: Mapping) -> str:
    """``value`` if it names one of ``presets``, else a 400 naming the parameter."""
    if value not in presets:
        raise QueryError(one_of(name, presets, value) + did_you_mean(value, presets),
                         parameter=name)
    return value
