"""Weighted spherical DBSCAN over dask: tiles with a halo of eps, merged across borders.

Space (the cube ``[-1, 1]³`` holding the unit vectors) is cut into cubic tiles of side
``tile_chord``. Each collapsed location has one *home* tile and is a *halo* member of every
other tile whose box, widened by ``eps_chord`` on each side, contains it. Two rounds of tasks:

1. per tile, core flags of its home locations (their whole ``eps`` neighbourhood lies in
   home ∪ halo, so the flags are exact);
2. per tile, given the global core flags of home and halo locations, the clusters of its
   core locations and the borders of its home locations
   (:func:`~innometrics.clusters.dbscan.cluster_cores`).

Every core–core edge ``(p, q)`` is seen in the home tile of ``p`` (``q`` is in its halo), so
joining, for each core location, the local clusters it belongs to in all tiles where it
appears (connected components of a small graph) gives exactly the single-machine clusters.
Labels are then renumbered in order of first appearance, as in
:func:`~innometrics.clusters.dbscan.dbscan`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .._params import check_params
from .dbscan import (
    DBSCAN_CONSTRAINTS,
    DBSCANResult,
    check_points,
    cluster_cores,
    collapse,
    core_mask,
    renumber,
)
from .grid import build_grid, chord_of_km, to_unit_vectors

__all__ = ["dbscan_dask", "dask_detector", "join_nodes", "tile_chord_of",
           "tile_keys", "tile_members"]


def tile_chord_of(tile_km: float, eps_km: float) -> float:
    """Tile side as a chord: that of ``tile_km``, at least ``4 · eps`` (so that a point is
    within ``2 · eps`` of at most two tiles per axis)."""
    return max(chord_of_km(min(tile_km, 20000.0)), 4.0 * chord_of_km(eps_km))


def tile_keys(xyz: np.ndarray, tile_chord: float,
              reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Home tile key of each point and every (tile key, point) pair within ``reach``.

    A point belongs to a tile when it lies within ``reach`` per axis of the tile's box; with
    ``2 · reach <= tile_chord`` that is at most 2 tiles per axis, the 8 corners of the box
    ``xyz ± reach``. Keys depend on ``tile_chord`` only, so points read separately (one
    Parquet part at a time) get the same keys as points read together.

    Returns
    -------
    home : ndarray of int64, shape (n,)
        Tile key of each point.
    pairs : ndarray of int64, shape (p, 2)
        Unique ``[tile key, point index]`` rows, sorted by key then point.
    """
    m = int(math.floor(2.0 / tile_chord)) + 3
    shifted = xyz + 1.0

    def key(cells: np.ndarray) -> np.ndarray:
        return (cells[:, 0] * m + cells[:, 1]) * m + cells[:, 2]

    home = key(np.floor(shifted / tile_chord).astype(np.int64))
    lo = np.floor((shifted - reach) / tile_chord).astype(np.int64)
    hi = np.floor((shifted + reach) / tile_chord).astype(np.int64)
    split = hi != lo
    keys, points = [], []
    for corner in range(8):
        pick = np.array([(corner >> a) & 1 for a in range(3)], dtype=bool)
        # a corner that picks hi on an axis where hi == lo repeats another corner's tile
        rows = np.flatnonzero(np.all(split[:, pick], axis=1))
        keys.append(key(np.where(pick, hi[rows], lo[rows])))
        points.append(rows)
    keys_arr, points_arr = np.concatenate(keys), np.concatenate(points)
    order = np.lexsort((points_arr, keys_arr))
    return home, np.column_stack([keys_arr[order], points_arr[order]])


def tile_members(xyz: np.ndarray, tile_chord: float,
                 eps_chord: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """Home tile key of each point and, per tile (sorted keys), its member indices.

    Returns
    -------
    home : ndarray of int64, shape (n,)
        Tile key of each point.
    members : list of ndarray of int64
        For each tile of ``np.unique(home)``, in that order, the points (home and halo) whose
        coordinates lie within ``eps_chord`` per axis of the tile's box. Tiles that would hold
        halo points only are not formed: they have no point to label.
    """
    home, pairs = tile_keys(xyz, tile_chord, eps_chord)
    tiles = np.unique(home)
    pairs = pairs[np.isin(pairs[:, 0], tiles)]
    bounds = np.searchsorted(pairs[:, 0], tiles, side="left")
    members = np.split(pairs[:, 1], bounds[1:])
    return home, members


def join_nodes(node: np.ndarray, same: np.ndarray, n_nodes: int) -> np.ndarray:
    """Global cluster of each node (a tile's local cluster), joining nodes through shared points.

    ``node`` lists, for occurrences of core points sorted by point, the node each lies in;
    ``same[i]`` tells whether occurrences ``i`` and ``i + 1`` are one point. Returns the
    connected component of each of the ``n_nodes`` nodes.
    """
    graph = coo_matrix((np.ones(int(same.sum())), (node[:-1][same], node[1:][same])),
                       shape=(n_nodes, n_nodes))
    return connected_components(graph, directed=False)[1]


def _core_task(rad: np.ndarray, weight: np.ndarray, is_home: np.ndarray, eps_km: float,
               min_weight: float) -> np.ndarray:
    grid = build_grid(rad, weight, eps_km)
    core = np.empty(len(rad), dtype=bool)
    core[grid.order] = core_mask(grid, min_weight)
    return core[is_home]


def _label_task(rad: np.ndarray, weight: np.ndarray, core: np.ndarray,
                eps_km: float) -> np.ndarray:
    grid = build_grid(rad, weight, eps_km)
    labels = np.empty(len(rad), dtype=np.int64)
    labels[grid.order] = cluster_cores(grid, core[grid.order])
    return labels


def dbscan_dask(lat: np.ndarray, lon: np.ndarray, *, eps_km: float, min_weight: float,
                weight: np.ndarray | None = None, client: object | None = None,
                tile_km: float = 500.0) -> DBSCANResult:
    """:func:`~innometrics.clusters.dbscan.dbscan` run tile by tile on a dask cluster.

    Parameters
    ----------
    lat, lon, eps_km, min_weight, weight
        As in :func:`~innometrics.clusters.dbscan.dbscan`.
    client : distributed.Client, optional
        Defaults to the current client (``distributed.get_client()``).
    tile_km : float, default=500.0
        Tile side (as a chord, in km); at least ``4 · eps_km`` is used.

    Returns
    -------
    DBSCANResult
        Same core points, noise and core clusters as the single-machine run.
    """
    check_params("clusters.dbscan_dask", {"eps_km": eps_km, "min_weight": min_weight},
                 DBSCAN_CONSTRAINTS)
    if client is None:
        from distributed import get_client

        client = get_client()
    lat, lon, w = check_points(lat, lon, weight)
    if not len(lat):
        return DBSCANResult(labels=np.zeros(0, np.int64), core=np.zeros(0, bool),
                            n_clusters=0, n_locations=0)
    rad, wsum, inverse = collapse(lat, lon, w)
    xyz = to_unit_vectors(rad[:, 0], rad[:, 1])
    eps_chord = chord_of_km(eps_km)
    tile_chord = tile_chord_of(tile_km, eps_km)
    home, members = tile_members(xyz, tile_chord, eps_chord)
    tiles = np.unique(home)
    home_of = [home[idx] == t for t, idx in zip(tiles, members, strict=True)]

    futures = client.map(_core_task, [rad[idx] for idx in members],
                         [wsum[idx] for idx in members], home_of,
                         eps_km=float(eps_km), min_weight=float(min_weight), pure=False)
    core = np.zeros(len(rad), dtype=bool)
    for idx, is_home, flags in zip(members, home_of, client.gather(futures), strict=True):
        core[idx[is_home]] = flags

    futures = client.map(_label_task, [rad[idx] for idx in members],
                         [wsum[idx] for idx in members], [core[idx] for idx in members],
                         eps_km=float(eps_km), pure=False)
    local = client.gather(futures)
    # Node = (tile, local label); join the nodes of every core location across its tiles.
    offsets = np.cumsum([0] + [int(lab.max()) + 1 if len(lab) else 0 for lab in local])
    point, node, home_node = [], [], np.full(len(rad), -1, dtype=np.int64)
    for t, (idx, is_home, lab) in enumerate(zip(members, home_of, local, strict=True)):
        labelled = lab >= 0
        glob = np.where(labelled, lab + offsets[t], -1)
        home_node[idx[is_home]] = glob[is_home]
        keep = labelled & core[idx]
        point.append(idx[keep])
        node.append(glob[keep])
    point_arr = np.concatenate(point)
    node_arr = np.concatenate(node)
    order = np.argsort(point_arr, kind="stable")
    point_arr, node_arr = point_arr[order], node_arr[order]
    comp = join_nodes(node_arr, point_arr[1:] == point_arr[:-1], int(offsets[-1]))
    loc_labels = np.full(len(rad), -1, dtype=np.int64)
    labelled = home_node >= 0  # none when no location is core: comp is then empty
    loc_labels[labelled] = comp[home_node[labelled]]
    labels, k = renumber(loc_labels[inverse])
    return DBSCANResult(labels=labels, core=core[inverse], n_clusters=k,
                        n_locations=int(rad.shape[0]))


def dask_detector(client: object, tile_km: float = 500.0):
    """A ``detector`` for :func:`~innometrics.clusters.ranking.rank_clusters` using dask."""

    def detect(lat: np.ndarray, lon: np.ndarray, w: np.ndarray, eps_km: float,
               min_weight: float) -> np.ndarray:
        return dbscan_dask(lat, lon, eps_km=eps_km, min_weight=min_weight, weight=w,
                           client=client, tile_km=tile_km).labels

    return detect
