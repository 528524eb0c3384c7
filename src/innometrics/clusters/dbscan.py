"""Exact weighted DBSCAN on the sphere, on a grid of unit vectors.

A point ``p`` is a *core* point when the weights of all points within great-circle distance
``eps`` of it (``p`` included) sum to at least ``min_weight``::

    core(p)  ⇔  Σ_{q : d(p, q) ≤ eps} w_q  ≥  min_weight

Core points within ``eps`` of each other belong to the same cluster (the connected components of
the core–core ``eps`` graph); a non-core point within ``eps`` of a core point is a *border*
point of one of the adjacent clusters; the rest is noise (label ``-1``) — Ester et al. (1996)
with weights, as in scikit-learn's ``DBSCAN(sample_weight=...)``.

The run is:

1. *collapse* identical coordinates into one weighted location (geocodes repeat: inventors and
   authors sit at city centroids), which is exact: duplicates share their neighbourhood;
2. sort locations into the grid of :mod:`innometrics.clusters.grid` (cells of side
   ``eps_chord/√3``);
3. core test per location: a cell whose total weight reaches ``min_weight`` makes all its
   locations core without any distance; otherwise count neighbours until the threshold is met;
4. union–find over cells: all core locations of one cell are connected; two neighbouring cells
   are joined when some pair of their core locations is within ``eps`` (adjacent cells first,
   so that most farther pairs are already joined and need no distance at all);
5. borders take the cluster of their nearest core location (ties: the smaller latitude, then
   longitude), so labels depend neither on the input order nor on the engine (single machine
   or Dask tiles).

Steps 3–5 skip a neighbouring cell whose box lies beyond ``eps`` of the point and count a cell
whose box lies wholly within ``eps`` without visiting its points.

Clusters are numbered 0, 1, ... in order of their first record in the input.

References
----------
Ester, M., Kriegel, H.-P., Sander, J. & Xu, X. (1996). A density-based algorithm for
discovering clusters in large spatial databases with noise. KDD-96, 226–231.
Wang, Y., Gu, Y. & Shun, J. (2020). Theoretically-efficient and practical parallel DBSCAN.
SIGMOD 2020, 2555–2571. https://doi.org/10.1145/3318464.3380582
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numba as nb
import numpy as np
import pandas as pd

from .._params import Interval, check_params
from .grid import SphereGrid, box_gap, build_grid, chord2, sort_keys, within

__all__ = ["DBSCANResult", "SphericalDBSCAN", "dbscan", "collapse", "core_mask",
           "cluster_cores", "weight_threshold", "same_clusters", "DBSCAN_CONSTRAINTS"]

#: Accepted settings of :func:`dbscan` (one declaration, one error template).
DBSCAN_CONSTRAINTS = {
    "eps_km": [Interval(Real, 0.05, 20000.0, closed="both")],
    "min_weight": [Interval(Real, 0.0, None, closed="neither")],
}

#: Relative tolerance on the neighbourhood weight: sums of fractional counts such as
#: ``3 × 1/3`` may round below an integer threshold depending on the order of summation.
WEIGHT_RTOL = 1e-9


def weight_threshold(min_weight: float) -> float:
    """The sum that makes a core point: ``min_weight · (1 − 1e-9)``."""
    return float(min_weight) * (1.0 - WEIGHT_RTOL)


# --------------------------------------------------------------------------- kernels


@nb.njit(cache=True, parallel=True)
def _core_kernel(xyz, rad, w, cell_start, cell_weight, nb_ptr, nb_idx, cell_lo, side, thresh,
                 lim):
    n_cells = cell_weight.shape[0]
    core = np.zeros(xyz.shape[0], dtype=np.bool_)
    for c in nb.prange(n_cells):
        s, e = cell_start[c], cell_start[c + 1]
        if cell_weight[c] >= thresh:
            core[s:e] = True
            continue
        reach = 0.0
        for k in range(nb_ptr[c], nb_ptr[c + 1]):
            reach += cell_weight[nb_idx[k]]
        if reach < thresh:
            continue
        for i in range(s, e):
            # whole cells first (no distance per point), then the cells the eps ball cuts
            acc = cell_weight[c]
            for k in range(nb_ptr[c], nb_ptr[c + 1]):
                d = nb_idx[k]
                if d != c and box_gap(xyz, i, cell_lo, d, side)[1] <= lim[3]:
                    acc += cell_weight[d]
            for k in range(nb_ptr[c], nb_ptr[c + 1]):
                if acc >= thresh:
                    break
                d = nb_idx[k]
                if d == c:
                    continue
                near, far = box_gap(xyz, i, cell_lo, d, side)
                if near > lim[4] or far <= lim[3]:
                    continue
                for j in range(cell_start[d], cell_start[d + 1]):
                    if within(xyz, rad, i, j, lim):
                        acc += w[j]
                        if acc >= thresh:
                            break
            core[i] = acc >= thresh
    return core


@nb.njit(cache=True)
def _find(parent, x):
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@nb.njit(cache=True, inline="always")
def _adjacent(cell_lo, side, c, d):
    """Whether cells ``c`` and ``d`` touch (Chebyshev distance ≤ 1 in cell units)."""
    reach = 1.5 * side
    return (abs(cell_lo[c, 0] - cell_lo[d, 0]) < reach
            and abs(cell_lo[c, 1] - cell_lo[d, 1]) < reach
            and abs(cell_lo[c, 2] - cell_lo[d, 2]) < reach)


@nb.njit(cache=True)
def _cells_linked(xyz, rad, core, cell_start, cell_lo, side, c, d, lim):
    """Whether a core point of cell ``c`` is within eps of a core point of cell ``d``
    (``d`` is known to hold one)."""
    for i in range(cell_start[c], cell_start[c + 1]):
        if not core[i]:
            continue
        near, far = box_gap(xyz, i, cell_lo, d, side)
        if near > lim[4]:
            continue
        if far <= lim[3]:
            return True
        for j in range(cell_start[d], cell_start[d + 1]):
            if core[j] and within(xyz, rad, i, j, lim):
                return True
    return False


@nb.njit(cache=True)
def _component_kernel(xyz, rad, core, cell_start, nb_ptr, nb_idx, cell_lo, side, lim):
    n_cells = cell_lo.shape[0]
    parent = np.arange(n_cells)
    has_core = np.zeros(n_cells, dtype=np.bool_)
    for c in range(n_cells):
        for i in range(cell_start[c], cell_start[c + 1]):
            if core[i]:
                has_core[c] = True
                break
    for adjacent_pass in (True, False):
        for c in range(n_cells):
            if not has_core[c]:
                continue
            for k in range(nb_ptr[c], nb_ptr[c + 1]):
                d = nb_idx[k]
                if d <= c or not has_core[d]:
                    continue
                if _adjacent(cell_lo, side, c, d) != adjacent_pass:
                    continue
                rc = _find(parent, c)
                rd = _find(parent, d)
                if rc == rd:
                    continue
                if _cells_linked(xyz, rad, core, cell_start, cell_lo, side, c, d, lim):
                    parent[max(rc, rd)] = min(rc, rd)
    root = np.full(n_cells, -1, dtype=np.int64)
    for c in range(n_cells):
        if has_core[c]:
            root[c] = _find(parent, c)
    return root


@nb.njit(cache=True, parallel=True)
def _label_kernel(xyz, rad, core, cell_start, root, nb_ptr, nb_idx, cell_lo, side, lim):
    labels = np.full(xyz.shape[0], -1, dtype=np.int64)
    for c in nb.prange(root.shape[0]):
        for i in range(cell_start[c], cell_start[c + 1]):
            if core[i]:
                labels[i] = root[c]
                continue
            # a border takes the cluster of its nearest core point; ties go to the smaller
            # (lat, lon), so the choice depends on neither input order nor engine
            best, best_j = np.inf, -1
            for k in range(nb_ptr[c], nb_ptr[c + 1]):
                d = nb_idx[k]
                if root[d] < 0:
                    continue
                near, _ = box_gap(xyz, i, cell_lo, d, side)
                if near > lim[4] or near > best:
                    continue
                for j in range(cell_start[d], cell_start[d + 1]):
                    if not core[j] or not within(xyz, rad, i, j, lim):
                        continue
                    d2 = chord2(xyz, i, j)
                    if d2 < best or (d2 == best and (
                            rad[j, 0] < rad[best_j, 0]
                            or (rad[j, 0] == rad[best_j, 0] and rad[j, 1] < rad[best_j, 1]))):
                        best, best_j = d2, j
                        labels[i] = root[d]
    return labels


@nb.njit(cache=True)
def _first_appearance(labels):
    """Renumber labels ``0, 1, ...`` in order of first appearance; ``-1`` stays."""
    top = labels.max() if labels.shape[0] else -1
    new = np.full(top + 1, -1, dtype=np.int64)
    out = np.empty_like(labels)
    k = 0
    for i in range(labels.shape[0]):
        lab = labels[i]
        if lab < 0:
            out[i] = -1
            continue
        if new[lab] < 0:
            new[lab] = k
            k += 1
        out[i] = new[lab]
    return out, k


# --------------------------------------------------------------------------- steps


@nb.njit(cache=True)
def _group_equal(order, h, lat, lon):
    """Location of each point, walking points in ``order`` (``h[k]`` is the hash of point
    ``order[k]``, sorted).

    Points with equal coordinates have equal hashes, so they sit in one run of equal ``h``;
    within a run (almost always one location, unless hashes collide) coordinates are compared
    exactly. Returns the location of each point and the first point of each location.
    """
    n = order.shape[0]
    inverse = np.empty(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    n_loc = 0
    i = 0
    while i < n:
        run_start_loc = n_loc
        j = i
        while j < n and h[j] == h[i]:
            p = order[j]
            loc = -1
            for q in range(run_start_loc, n_loc):
                if lat[first[q]] == lat[p] and lon[first[q]] == lon[p]:
                    loc = q
                    break
            if loc < 0:
                loc = n_loc
                first[n_loc] = p
                n_loc += 1
            inverse[p] = loc
            j += 1
        i = j
    return inverse, first[:n_loc]


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier of Fibonacci hashing
_MIX = np.uint64(0xC2B2AE3D27D4EB4F)  # another odd 64-bit multiplier (xxHash's PRIME64_2)


def collapse(lat: np.ndarray, lon: np.ndarray,
             weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge identical ``(lat, lon)`` into weighted locations.

    One sort of a hash of the coordinates' bits (``+0.0`` first, so ``-0.0`` and ``0.0`` are
    one value), then exact comparison inside runs of equal hash.

    Returns
    -------
    rad : ndarray of shape (u, 2)
        ``[lat, lon]`` of each location in radians (``np.radians`` of the degrees, as
        scikit-learn would be given them), in hash order.
    weight : ndarray of shape (u,)
        Summed weight per location.
    inverse : ndarray of int64, shape (n,)
        Location of each input point.
    """
    lat = np.ascontiguousarray(lat, dtype=np.float64) + 0.0
    lon = np.ascontiguousarray(lon, dtype=np.float64) + 0.0
    # both coordinates' bits are mixed (odd multipliers), so nearby longitudes at one latitude
    # do not share the high bits that the sort keeps
    h = (lat.view(np.uint64) * _GOLDEN) ^ (lon.view(np.uint64) * _MIX)
    # keep the hash's high bits so that it packs with the point index into one sortable int64
    spare = max(int(len(h) - 1).bit_length(), 1) + 1
    order, h_sorted = sort_keys((h >> np.uint64(spare)).astype(np.int64), 64 - spare)
    inverse, first = _group_equal(order, h_sorted, lat, lon)
    rad = np.radians(np.column_stack([lat[first], lon[first]]))
    wsum = np.bincount(inverse, weights=weight, minlength=len(first))
    return rad, wsum, inverse


def core_mask(grid: SphereGrid, min_weight: float) -> np.ndarray:
    """Core flag of each grid point (cell order): neighbourhood weight ``>= min_weight``."""
    return _core_kernel(grid.xyz, grid.rad, grid.weight, grid.cell_start, grid.cell_weight,
                        grid.nb_ptr, grid.nb_idx, grid.cell_lo, grid.side,
                        weight_threshold(min_weight), grid.limits())


def cluster_cores(grid: SphereGrid, core: np.ndarray) -> np.ndarray:
    """Cluster of each grid point (cell order) given its core flags; ``-1`` = noise.

    Labels are cell ids of union–find roots (not compact); borders take the cluster of their
    nearest core point.
    """
    lim = grid.limits()
    root = _component_kernel(grid.xyz, grid.rad, core, grid.cell_start, grid.nb_ptr,
                             grid.nb_idx, grid.cell_lo, grid.side, lim)
    return _label_kernel(grid.xyz, grid.rad, core, grid.cell_start, root, grid.nb_ptr,
                         grid.nb_idx, grid.cell_lo, grid.side, lim)


def renumber(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels ``0..k-1`` in order of first appearance (``-1`` kept) and ``k``."""
    out, k = _first_appearance(np.ascontiguousarray(labels, dtype=np.int64))
    return out, int(k)


def check_points(lat: np.ndarray, lon: np.ndarray,
                 weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Float64 copies of the inputs, with a :class:`ValueError` for impossible values.

    Records are validated (with row numbers) by :mod:`innometrics.clusters.records`; this is the
    array-level guard.
    """
    lat = np.asarray(lat, dtype=np.float64).ravel()
    lon = np.asarray(lon, dtype=np.float64).ravel()
    if lat.shape != lon.shape:
        raise ValueError(f"lat and lon differ in length ({lat.size} vs {lon.size})")
    w = (np.ones_like(lat) if weight is None
         else np.asarray(weight, dtype=np.float64).ravel())
    if w.shape != lat.shape:
        raise ValueError(f"weight has {w.size} values for {lat.size} points")
    if not (np.all(np.abs(lat) <= 90.0) and np.all(np.abs(lon) <= 180.0)):
        raise ValueError("lat must be in [-90, 90] and lon in [-180, 180] degrees (no NaN)")
    if not (np.all(np.isfinite(w)) and np.all(w >= 0)):
        raise ValueError("weights must be finite and non-negative")
    return lat, lon, w


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class DBSCANResult:
    """Output of :func:`dbscan`.

    Attributes
    ----------
    labels : ndarray of int64, shape (n,)
        Cluster per input point, ``0..n_clusters-1`` in order of first appearance; ``-1`` noise.
    core : ndarray of bool, shape (n,)
        Whether each point is a core point.
    n_clusters : int
    n_locations : int
        Distinct coordinates after collapsing duplicates.
    """

    labels: np.ndarray
    core: np.ndarray
    n_clusters: int
    n_locations: int

    def to_frame(self) -> pd.DataFrame:
        """One row per input point: ``cluster_id``, ``core``."""
        return pd.DataFrame({"cluster_id": self.labels, "core": self.core})


def dbscan(lat: np.ndarray, lon: np.ndarray, *, eps_km: float, min_weight: float,
           weight: np.ndarray | None = None) -> DBSCANResult:
    """Weighted DBSCAN of points on the Earth (great-circle distance, sphere of radius R).

    Parameters
    ----------
    lat, lon : array-like of shape (n,)
        Degrees; ``lat`` in [-90, 90], ``lon`` in [-180, 180].
    eps_km : float
        Neighbourhood radius in km along the great circle, ``R = 6371.0088`` km; 0.05–20,000.
    min_weight : float
        Weight a neighbourhood (the point included) must reach for a core point, ``> 0``.
    weight : array-like of shape (n,), default=None
        Non-negative weights (fractional counts); ``None`` = 1 each.

    Returns
    -------
    DBSCANResult

    Notes
    -----
    Same core points, noise and core-point clusters as
    ``sklearn.cluster.DBSCAN(eps=eps_km / 6371.0088, min_samples=min_weight,
    metric="haversine", algorithm="ball_tree").fit(np.radians([lat, lon]).T, sample_weight=w)``;
    a border point may join another adjacent cluster, as DBSCAN allows. Sums of weights are
    compared with a relative tolerance of 1e-9 (see :data:`WEIGHT_RTOL`). Memory is about
    100 bytes per point; time is near-linear for bounded density.

    Examples
    --------
    >>> r = dbscan([0.0, 0.0, 0.0, 10.0], [0.0, 0.001, 0.002, 10.0], eps_km=1.0, min_weight=2)
    >>> r.labels.tolist(), r.n_clusters
    ([0, 0, 0, -1], 1)
    """
    check_params("clusters.dbscan", {"eps_km": eps_km, "min_weight": min_weight},
                 DBSCAN_CONSTRAINTS)
    lat, lon, w = check_points(lat, lon, weight)
    rad, wsum, inverse = collapse(lat, lon, w)
    grid = build_grid(rad, wsum, float(eps_km))
    core_sorted = core_mask(grid, float(min_weight))
    labels_sorted = cluster_cores(grid, core_sorted)
    loc_labels = np.empty_like(labels_sorted)
    loc_labels[grid.order] = labels_sorted
    loc_core = np.empty_like(core_sorted)
    loc_core[grid.order] = core_sorted
    labels, k = renumber(loc_labels[inverse])
    return DBSCANResult(labels=labels, core=loc_core[inverse], n_clusters=k,
                        n_locations=int(rad.shape[0]))


class SphericalDBSCAN:
    """Estimator form of :func:`dbscan` (``fit`` sets ``labels_``, ``core_sample_mask_``,
    ``n_clusters_`` and returns ``self``).

    Parameters
    ----------
    eps_km : float, default=10.0
    min_weight : float, default=5.0
    """

    def __init__(self, eps_km: float = 10.0, min_weight: float = 5.0) -> None:
        self.eps_km = eps_km
        self.min_weight = min_weight

    def fit(self, lat: np.ndarray, lon: np.ndarray,
            weight: np.ndarray | None = None) -> SphericalDBSCAN:
        result = dbscan(lat, lon, eps_km=self.eps_km, min_weight=self.min_weight,
                        weight=weight)
        self.labels_ = result.labels
        self.core_sample_mask_ = result.core
        self.n_clusters_ = result.n_clusters
        return self

    def fit_predict(self, lat: np.ndarray, lon: np.ndarray,
                    weight: np.ndarray | None = None) -> np.ndarray:
        return self.fit(lat, lon, weight).labels_


def same_clusters(labels_a: np.ndarray, labels_b: np.ndarray, mask: np.ndarray | None = None
                  ) -> bool:
    """Whether two labellings are the same partition up to renaming (on ``mask``).

    ``-1`` (noise) must match exactly; other labels must correspond one to one.
    """
    a = np.asarray(labels_a, np.int64)
    b = np.asarray(labels_b, np.int64)
    if mask is not None:
        a, b = a[mask], b[mask]
    if not np.array_equal(a < 0, b < 0):
        return False
    a, b = a[a >= 0], b[b >= 0]
    pairs = np.unique(np.column_stack([a, b]), axis=0) if len(a) else np.zeros((0, 2))
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))
