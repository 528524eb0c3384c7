"""Index scores of every replication (chunks of replications aggregated at once, locally or
on Dask), the nominal build they are compared with, and the up-front memory check."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import psutil

from .._params import one_of
from ..errors import InvalidParameter
from ..pipeline import child_matrices
from ..ranking import rank_min
from ..recipe import Recipe
from ..result import IndexResult, build
from ..steps.aggregate import aggregate
from ..uncertainty_schema import ALTERNATIVE_STEPS
from .design import UncertaintyDesign
from .sampling import Design

__all__ = ["ENGINES", "evaluate_design", "nominal_build", "available_memory", "check_memory"]

#: Where the chunks of replications run.
ENGINES = ("local", "dask")
_PRE_AGGREGATE = ALTERNATIVE_STEPS[:-1]
_CHUNK = 256
#: Aggregate settings that change index scores (the Monte Carlo passes only these).
_SCORING_SETTINGS = ("method", "p", "min_coverage", "params")
#: Bytes per replication and unit held at once: scores, ranks, the argsort and quantile copies.
_BYTES_PER_CELL = 8 * 8


def _option_recipe(recipe: Recipe, design: UncertaintyDesign, combo: Mapping[str, int]) -> Recipe:
    out = recipe
    for step in _PRE_AGGREGATE:
        settings = design.settings_for(recipe, dict(combo), step)
        if settings is not None:
            out = out.with_step(step, **settings)
    return out


def _step_of(factor: str) -> str:
    """The step a choice factor changes (``treat`` of ``treat`` and ``treat.max_winsorised``)."""
    return factor.partition(".")[0]


def _aggregate_chunk(x: np.ndarray, matrices: Sequence[np.ndarray],
                     children: Sequence[np.ndarray], multipliers: np.ndarray,
                     settings: Mapping[str, Any], column: int = -1) -> np.ndarray:
    """Scores (runs, units) of the node at ``column`` of ``framework.codes`` (default the
    index) in one chunk: each level's weight matrix scaled by the multipliers of its child
    nodes (``children``: their positions in ``framework.codes``)."""
    weights = [w * multipliers[:, rows][:, :, None]
               for w, rows in zip(matrices, children, strict=True)]
    return aggregate(x, weights, **settings).values[..., column]


def _pre_aggregate(recipe: Recipe) -> IndexResult:
    """The recipe built up to aggregation (every stage aggregation may read)."""
    return build(recipe.without_step("aggregate"))


def _aggregate_input(pre: IndexResult, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The indicator scores aggregation reads (units × indicators): the stage its
    ``from_stage`` names, else the last one."""
    stage = settings.get("from_stage")
    return pre.scores if stage is None else pre.stages[stage]


def _same_units(units: pd.Index, first: pd.Index, combo: Mapping[str, int]) -> None:
    """Every replication ranks the same units: a ``from_stage`` that reads data from before
    a screening in some replications and after it in others would not."""
    if not units.equals(first):
        chosen = ", ".join(f"{factor} option {k}" for factor, k in combo.items())
        raise InvalidParameter(
            f"uncertainty: the replications choosing {chosen} rank {len(units)} units, others "
            f"{len(first)}, because a from_stage reads data from before the screening; give "
            "the step and its alternatives the same from_stage.")


def evaluate_design(recipe: Recipe, design: UncertaintyDesign, sampled: Design, *,
                    engine: str = "local", client: Any = None,
                    progress: Callable[[int, int], None] | None = None,
                    prepare: Callable[[Recipe], IndexResult] = _pre_aggregate) -> np.ndarray:
    """Scores of the target node (``design.target``, default the index) in every
    replication, shape (runs, n_units).

    Each distinct combination of pre-aggregation alternatives is built once (``prepare``: a
    recipe with that combination built up to aggregation; a panel passes one time's result of
    the whole panel built once); replications are then aggregated in chunks of 256 with a
    leading replication axis, from the stage the aggregation reads (its ``from_stage``, else
    the last). Every step's ``from_stage`` is honoured, the alternatives' too; replications
    that would rank different units (a ``from_stage`` before a screening in some of them
    only) are refused. ``engine="dask"`` sends the chunks to a Dask cluster (``client`` or the
    default one); the chunks and their order are the same as locally, so results are
    identical.
    """
    if engine not in ENGINES:
        raise InvalidParameter(one_of("engine", ENGINES, engine))
    fw = recipe.framework
    codes = fw.codes
    position = {c: i for i, c in enumerate(codes)}
    matrices = [fw.weight_matrix(level) for level in range(2, fw.n_levels + 1)]
    children = [np.array([position[c] for c in fw.codes_at(level - 1)])
                for level in range(2, fw.n_levels + 1)]
    base_aggregate = recipe.settings("aggregate") or {}
    structure = child_matrices(fw)  # which children min_coverage counts, weights aside
    column = position[design.target_of(recipe)]
    pre_steps = [f for f in sampled.choices if _step_of(f) != "aggregate"]

    # one group of replications per distinct combination of options (a leading zero column
    # makes the no-alternatives case one group too); np.unique sorts the groups
    keys = np.column_stack([np.zeros(len(sampled), dtype=np.int64),
                            *(sampled.choices[s] for s in sampled.choices)])
    groups, group_of = np.unique(keys, axis=0, return_inverse=True)
    tasks = []  # (rows, x, aggregate settings)
    prepared: dict[tuple, IndexResult] = {}
    units = None
    for g, key in enumerate(groups.tolist()):
        rows = np.flatnonzero(group_of.ravel() == g)
        combo = dict(zip(sampled.choices, key[1:], strict=True))
        pre_key = tuple(combo[s] for s in pre_steps)
        if pre_key not in prepared:
            pre = _option_recipe(recipe, design, {s: combo[s] for s in pre_steps})
            prepared[pre_key] = prepare(pre)
        settings = design.settings_for(recipe, combo, "aggregate") or base_aggregate
        frame = _aggregate_input(prepared[pre_key], settings)
        units = frame.index if units is None else units
        _same_units(frame.index, units, combo)
        x = frame.to_numpy()
        # index scores need the method, its exponent and coverage; flags and ratios are not
        # computed here
        settings = {**recipe.callable_settings({k: v for k, v in settings.items()
                                                if k in _SCORING_SETTINGS}),
                    "children": structure}
        for start in range(0, len(rows), _CHUNK):
            tasks.append((rows[start:start + _CHUNK], x, dict(settings)))

    if engine == "dask":
        from dask.distributed import default_client

        client = client or default_client()
        futures = [client.submit(_aggregate_chunk, x, matrices, children,
                                 sampled.multipliers[rows], settings, column, pure=False)
                   for rows, x, settings in tasks]
        chunks = (future.result() for future in futures)
    else:
        chunks = (_aggregate_chunk(x, matrices, children, sampled.multipliers[rows], settings,
                                   column) for rows, x, settings in tasks)
    scores = np.empty((len(sampled), len(units)))
    for done, ((rows, _, _), chunk) in enumerate(zip(tasks, chunks, strict=True), 1):
        scores[rows] = chunk
        if progress:
            progress(done, len(tasks))
    return scores


def nominal_build(recipe: Recipe, target: str | None = None
                  ) -> tuple[np.ndarray, np.ndarray, IndexResult]:
    """The recipe built as written: the scores of ``target`` (default the index; units,),
    their ranks and the result."""
    result = build(recipe)
    scores = (result.scores[target] if target else result.scores.iloc[:, -1]).to_numpy()
    return scores, rank_min(scores[:, None])[:, 0], result


def available_memory() -> int:
    """Bytes of memory available to a new allocation (``psutil.virtual_memory().available``)."""
    return int(psutil.virtual_memory().available)


def check_memory(runs: int, units: int, what: str = "--runs") -> None:
    """Refuse up front a Monte Carlo whose arrays would not fit in the memory available."""
    need = runs * units * _BYTES_PER_CELL
    have = available_memory()
    if need > 0.8 * have:
        fits = max(int(0.8 * have // (units * _BYTES_PER_CELL)), 1)
        raise InvalidParameter(f"{what} {runs:,} needs about {need / 2**30:.1f} GiB for "
                               f"{units} units, but {have / 2**30:.1f} GiB are available; use "
                               f"at most about {fits:,} replications.")
