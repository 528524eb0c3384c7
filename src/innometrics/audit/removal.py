"""Element removal: how far the index ranking moves when one node is left out (COINr's
``remove_elements``, every level at once)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._params import Integral, Interval, check_params
from ..pipeline import child_matrices
from ..ranking import rank_min
from ..schema import kernel_settings
from ..steps.aggregate import aggregate

__all__ = ["removal_weights", "removal_scores", "mean_abs_rank_change", "remove_elements",
           "REMOVAL_COLUMNS"]

#: Columns of :func:`remove_elements` (the audit's ``removal.csv``).
REMOVAL_COLUMNS = ["level", "iCode", "mean_abs_rank_change"]
#: Aggregate settings that do not change scores: flags and ratios are not recomputed here.
_NOT_SCORING = ("dmc", "ratios")


def removal_weights(weight_matrices: Sequence[np.ndarray]) -> list[np.ndarray]:
    """A batch of weight sets: the framework's, then one per node with that node's weight 0.

    The nodes below the top are numbered as the rows of ``weight_matrices`` run, level after
    level (indicators first, then the aggregates of level 2, ...), i.e. as the columns of
    :func:`~innometrics.steps.aggregate.aggregate`'s output without the top node. Batch entry
    0 is unchanged; entry ``1 + k`` has node ``k``'s weight set to 0. Its siblings then share
    the parent between them (weights renormalise over the children present); a parent whose
    only child is removed has no score and drops out of its own parent in turn. This is
    COINr's removal, which sets the weight to 0 and regenerates the coin.

    Parameters
    ----------
    weight_matrices : sequence of ndarray
        For levels 2, 3, ...: the (n_children, n_parents) weight matrix of that level.

    Returns
    -------
    list of ndarray
        For each level, shape (1 + n_nodes, n_children, n_parents), ``n_nodes`` being the total
        number of rows of ``weight_matrices``.

    Examples
    --------
    >>> w = removal_weights([np.array([[1.0], [3.0]]), np.array([[2.0]])])
    >>> w[0][:, :, 0].tolist()
    [[1.0, 3.0], [0.0, 3.0], [1.0, 0.0], [1.0, 3.0]]
    >>> w[1][:, 0, 0].tolist()
    [2.0, 2.0, 2.0, 0.0]
    """
    matrices = [np.asarray(w, dtype=np.float64) for w in weight_matrices]
    sizes = [w.shape[0] for w in matrices]
    n_nodes = sum(sizes)
    batch, start = [], 0
    for w, n in zip(matrices, sizes, strict=True):
        keep = np.ones((1 + n_nodes, n))
        keep[1 + start + np.arange(n), np.arange(n)] = 0.0
        batch.append(keep[:, :, None] * w)
        start += n
    return batch


def removal_scores(x: np.ndarray, weight_matrices: Sequence[np.ndarray],
                   **aggregate_settings) -> np.ndarray:
    """Index scores with each node below the top removed in turn, in one batched aggregation.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
        Normalised indicator scores (the input of
        :func:`~innometrics.steps.aggregate.aggregate`).
    weight_matrices : sequence of ndarray
        For levels 2, 3, ...: the (n_children, n_parents) weight matrix of that level; the top
        level has one parent (the index).
    **aggregate_settings
        ``method``, ``min_coverage``, ... as for :func:`~innometrics.steps.aggregate.aggregate`.

    Returns
    -------
    ndarray, shape (n_units, 1 + n_nodes)
        Column 0: the index as built; column ``1 + k``: the index with node ``k`` removed
        (nodes numbered as in :func:`removal_weights`).

    Notes
    -----
    One call of the aggregation kernel over a batch of ``1 + n_nodes`` weight sets: memory
    ``(1 + n_nodes) · n_units · (n_indicators + n_aggregates)`` floats (ASEM: 60 × 51 × 60).

    Examples
    --------
    >>> x = np.array([[10.0, 20.0, 60.0], [40.0, 20.0, 0.0]])
    >>> w = [np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.array([[1.0], [1.0]])]
    >>> removal_scores(x, w).tolist()
    [[37.5, 40.0, 35.0, 15.0, 60.0, 15.0], [15.0, 10.0, 20.0, 30.0, 0.0, 30.0]]
    """
    batch = removal_weights(weight_matrices)
    scores = aggregate(np.asarray(x, dtype=np.float64), batch, **aggregate_settings)
    return scores.values[..., -1].T


def mean_abs_rank_change(scores: np.ndarray) -> np.ndarray:
    """Mean absolute change of each unit's rank, column 0 being the nominal scores.

    ``m_k = mean_u |r_u,0 − r_u,k|`` over the units ranked in both, where ``r_u,k`` is unit
    ``u``'s rank in column ``k`` (1 = highest; ties take the lowest rank of their run). This is
    COINr's ``MeanAbsDiff`` of ``remove_elements`` (``colMeans(abs(·), na.rm = TRUE)``): a
    column ranking no unit gives NaN.

    Parameters
    ----------
    scores : ndarray, shape (n_units, 1 + k)

    Returns
    -------
    ndarray, shape (k,)

    Examples
    --------
    >>> mean_abs_rank_change(np.array([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0], [1.0, 3.0, 2.0]]))
    array([1.33333333, 0.33333333])
    """
    ranks = rank_min(np.asarray(scores, dtype=np.float64))
    with warnings.catch_warnings():  # a column ranking no unit is NaN, as in COINr
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.abs(ranks[:, 1:] - ranks[:, :1]), axis=0)


def remove_elements(result, level: int | None = None) -> pd.DataFrame:
    """Mean absolute rank change of the index when each node is removed (its weight set to 0).

    For every node at ``level`` (every level below the top when ``None``), the index is
    re-aggregated from the last stage's indicator scores with that node's weight set to 0
    (:func:`removal_weights`: siblings renormalise; a parent left without children drops
    out), and the units' ranks are compared with the index as built
    (:func:`mean_abs_rank_change`). COINr's ``remove_elements(coin, Level, dset =
    "Aggregated", iCode = <index>)$MeanAbsDiff``, for every level at once. Settings of the
    recipe's ``aggregate`` step apply (``method``, ``min_coverage``, ...); ``dmc`` flags and
    ``ratios`` do not change the index and are not recomputed.

    Parameters
    ----------
    result : IndexResult
        A run that includes the ``aggregate`` step.
    level : int, optional
        One level, from 1 (indicators) to the top level minus one; default: all of them.

    Returns
    -------
    DataFrame
        ``level, iCode, mean_abs_rank_change``: one row per node, by level, then in framework
        order. A node whose removal leaves no unit ranked has NaN.

    Raises
    ------
    InvalidParameter
        If ``level`` is not a level below the top.
    ValueError
        If the recipe has no ``aggregate`` step.

    Notes
    -----
    One batched aggregation (:func:`removal_scores`) whatever the number of nodes: no loop
    over nodes or units.

    References
    ----------
    Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimitriou, E. & Saisana, M. (2022).
    COINr: an R package for developing composite indicators. Journal of Open Source Software
    7(78), 4567. doi:10.21105/joss.04567

    Examples
    --------
    Three units, indicators ``a, b`` in pillar ``P``, ``c`` alone in ``Q``: removing ``c``
    leaves ``Q`` without a score, so the index is ``P``.

    >>> import pandas as pd
    >>> from innometrics import Recipe, load_data, load_framework
    >>> fw = load_framework(pd.DataFrame({
    ...     "iCode": list("abcPQI"), "iName": list("abcPQI"), "Level": [1, 1, 1, 2, 2, 3],
    ...     "Parent": list("PPQII") + [None], "Weight": 1, "Direction": 1,
    ...     "Type": ["Indicator"] * 3 + ["Aggregate"] * 3}))
    >>> data = load_data(pd.DataFrame({"uCode": ["U1", "U2", "U3"], "uName": ["U1", "U2", "U3"],
    ...                                "a": [10, 40, 30], "b": [20, 20, 0], "c": [60, 0, 20]}), fw)
    >>> result = Recipe(fw, data, (("aggregate", {}),)).run()
    >>> result.scores["I"].tolist()
    [37.5, 15.0, 17.5]
    >>> print(remove_elements(result).round(4).to_string(index=False))
     level iCode  mean_abs_rank_change
         1     a                0.3333
         1     b                0.0000
         1     c                1.0000
         2     P                0.0000
         2     Q                1.0000
    """
    fw = result.recipe.framework
    top = fw.n_levels
    if level is not None:
        check_params("remove_elements", {"level": level},
                     {"level": [Interval(Integral, 1, top - 1)]})
    settings = result.recipe.settings("aggregate")
    if settings is None:
        raise ValueError("element removal re-aggregates the index; the recipe has no "
                         "'aggregate' step. Fix: add an 'aggregate' step to the recipe.")
    settings = result.recipe.callable_settings(
        {k: v for k, v in kernel_settings(settings).items() if k not in _NOT_SCORING})
    x = result.scores[fw.indicators].to_numpy(dtype=np.float64)
    matrices = [fw.weight_matrix(lev) for lev in range(2, top + 1)]
    # a removed node is a child of weight 0, which min_coverage still counts (as COINr's
    # remove_elements, which zeroes the weight and regenerates, and as the build)
    change = mean_abs_rank_change(removal_scores(x, matrices, children=child_matrices(fw),
                                                 **settings))
    nodes = [(lev, code) for lev in range(1, top) for code in fw.codes_at(lev)]
    table = pd.DataFrame(nodes, columns=REMOVAL_COLUMNS[:2])
    table[REMOVAL_COLUMNS[2]] = change
    if level is not None:
        table = table[table["level"] == level].reset_index(drop=True)
    return table
