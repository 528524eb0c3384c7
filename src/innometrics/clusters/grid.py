"""A grid of cubic cells over 3-D unit vectors, and the numba kernels that search it.

Points on the sphere are stored as unit vectors; the great-circle distance ``d`` (radians)
and the chord ``c`` (straight-line distance between unit vectors) are tied by
``c = 2 sin(d / 2)``, a monotone map, so ``d <= eps`` exactly when ``c <= 2 sin(eps / 2)``.
The cell side is ``eps_chord / sqrt(3)`` (times ``1 - 1e-9``), so that

* any two points of one cell are within ``eps`` of each other (the cell diagonal is shorter
  than ``eps``), and
* every point within ``eps`` of a point lies in one of the 5 × 5 × 5 cells around it.

This is the grid of Gunawan (2013) and Wang, Gu & Shun (2020), on the sphere. Cells are kept
sorted by an integer key ``(cx · M + cy) · M + cz``, so the five cells of a ``(dx, dy)``
column are one contiguous key range, and one forward sweep per column finds the neighbours
of all cells.

Exact boundary (``d == eps``)
-----------------------------
scikit-learn's ball tree with the haversine metric keeps a pair when
``sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2) <= sin²(eps/2)`` (its "reduced distance"). Chord and
haversine round differently, so a pair whose squared chord is within a relative ``1e-6`` of
``eps_chord²`` is decided by that very haversine expression, on the same radians; every other
pair is decided by the chord. The result is the same neighbourhood as scikit-learn's.

References
----------
Ester, M., Kriegel, H.-P., Sander, J. & Xu, X. (1996). A density-based algorithm for
discovering clusters in large spatial databases with noise. KDD-96, 226–231.
Gunawan, A. (2013). A faster algorithm for DBSCAN. Master's thesis, TU Eindhoven.
Wang, Y., Gu, Y. & Shun, J. (2020). Theoretically-efficient and practical parallel DBSCAN.
SIGMOD 2020, 2555–2571. https://doi.org/10.1145/3318464.3380582
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

__all__ = ["EARTH_RADIUS_KM", "SphereGrid", "build_grid", "chord_of_km", "label_pairs_within",
           "to_unit_vectors", "within", "chord2", "box_gap", "sort_keys"]

#: Mean Earth radius (IUGG), km; the value the scikit-learn haversine examples use.
EARTH_RADIUS_KM = 6371.0088

_MARGIN = 2  # cells of offset on each side, so neighbour keys never wrap


def chord_of_km(eps_km: float) -> float:
    """Chord length on the unit sphere of a great-circle distance: ``2 sin(eps / (2 R))``."""
    return 2.0 * math.sin(eps_km / (2.0 * EARTH_RADIUS_KM))


@nb.njit(cache=True, parallel=True)
def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    out = np.empty((lat.shape[0], 3))
    for i in nb.prange(lat.shape[0]):
        c = math.cos(lat[i])
        out[i, 0] = c * math.cos(lon[i])
        out[i, 1] = c * math.sin(lon[i])
        out[i, 2] = math.sin(lat[i])
    return out


def to_unit_vectors(lat_rad: np.ndarray, lon_rad: np.ndarray) -> np.ndarray:
    """Unit vectors ``(cos φ cos λ, cos φ sin λ, sin φ)`` of shape (n, 3) from radians."""
    return _unit_vectors(np.ascontiguousarray(lat_rad, dtype=np.float64),
                         np.ascontiguousarray(lon_rad, dtype=np.float64))


@nb.njit(cache=True, parallel=True)
def _cell_keys(xyz: np.ndarray, side: float, m: np.int64) -> np.ndarray:
    keys = np.empty(xyz.shape[0], dtype=np.int64)
    for i in nb.prange(xyz.shape[0]):
        cx = np.int64(math.floor((xyz[i, 0] + 1.0) / side)) + _MARGIN
        cy = np.int64(math.floor((xyz[i, 1] + 1.0) / side)) + _MARGIN
        cz = np.int64(math.floor((xyz[i, 2] + 1.0) / side)) + _MARGIN
        keys[i] = (cx * m + cy) * m + cz
    return keys


def sort_keys(keys: np.ndarray, key_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``order`` and ``keys[order]`` of non-negative integer keys below ``2**key_bits``, ties
    in index order.

    When ``key_bits`` plus the bits of an index fit in 63, one ``np.sort`` of the packed
    ``key << b | index`` does it — several times faster than ``np.argsort`` (numpy sorts plain
    integers with SIMD); otherwise a stable ``argsort``.
    """
    n = keys.shape[0]
    b = max(int(n - 1).bit_length(), 1)
    if key_bits + b <= 63:
        packed = np.sort((keys.astype(np.int64) << b) | np.arange(n, dtype=np.int64))
        return packed & ((1 << b) - 1), packed >> b
    order = np.argsort(keys, kind="stable")
    return order, keys[order]


@nb.njit(cache=True, parallel=True)
def _gather(order, keys, xyz, rad, weight):
    """``(keys, xyz, rad, weight)[order]`` in one parallel pass (numpy's row gathers of
    (n, 3) arrays are several times slower)."""
    n = order.shape[0]
    keys_s = np.empty(n, dtype=keys.dtype)
    xyz_s = np.empty((n, 3))
    rad_s = np.empty((n, 2))
    weight_s = np.empty(n)
    for i in nb.prange(n):
        o = order[i]
        keys_s[i] = keys[o]
        xyz_s[i, 0] = xyz[o, 0]
        xyz_s[i, 1] = xyz[o, 1]
        xyz_s[i, 2] = xyz[o, 2]
        rad_s[i, 0] = rad[o, 0]
        rad_s[i, 1] = rad[o, 1]
        weight_s[i] = weight[o]
    return keys_s, xyz_s, rad_s, weight_s


@nb.njit(cache=True)
def _lower_bound(a: np.ndarray, x: np.int64) -> int:
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


_SWEEP_CHUNK = 4096  # cells per parallel task of the neighbour sweep


@nb.njit(cache=True)
def _sweep_chunk(cell_keys, m, c0, c1, cursor, out):
    """Neighbours of cells ``c0:c1``: one merge-like sweep per ``(dx, dy)`` column.

    The wanted key ranges grow with ``c``, so one pointer per column walks forward instead of
    a binary search per cell. Counts into ``cursor[c - c0]`` when ``out`` is empty, else writes
    at ``cursor`` and advances it.
    """
    n = cell_keys.shape[0]
    fill = out.shape[0] > 0
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            off = (dx * m + dy) * m
            j = _lower_bound(cell_keys, cell_keys[c0] + off - 2)
            for c in range(c0, c1):
                low = cell_keys[c] + off - 2
                while j < n and cell_keys[j] < low:
                    j += 1
                k = j
                while k < n and cell_keys[k] <= low + 4:
                    if fill:
                        out[cursor[c - c0]] = k
                    cursor[c - c0] += 1
                    k += 1


@nb.njit(cache=True, parallel=True)
def _neighbour_cells(cell_keys: np.ndarray, m: np.int64) -> tuple[np.ndarray, np.ndarray]:
    n = cell_keys.shape[0]
    n_chunks = (n + _SWEEP_CHUNK - 1) // _SWEEP_CHUNK
    counts = np.zeros(n + 1, dtype=np.int64)
    nothing = np.empty(0, dtype=np.int32)
    for ch in nb.prange(n_chunks):
        c0 = ch * _SWEEP_CHUNK
        c1 = min(n, c0 + _SWEEP_CHUNK)
        cursor = np.zeros(c1 - c0, dtype=np.int64)
        _sweep_chunk(cell_keys, m, c0, c1, cursor, nothing)
        counts[c0 + 1:c1 + 1] = cursor
    ptr = np.cumsum(counts)
    idx = np.empty(ptr[n], dtype=np.int32)
    for ch in nb.prange(n_chunks):
        c0 = ch * _SWEEP_CHUNK
        c1 = min(n, c0 + _SWEEP_CHUNK)
        cursor = ptr[c0:c1].copy()
        _sweep_chunk(cell_keys, m, c0, c1, cursor, idx)
    return ptr, idx


@dataclass(frozen=True)
class SphereGrid:
    """Points sorted into cells; arrays are in cell order (``order`` maps back).

    Attributes
    ----------
    order : ndarray of int64, shape (n,)
        ``xyz[i]`` is input point ``order[i]``.
    xyz, rad, weight : ndarrays, shapes (n, 3), (n, 2), (n,)
        Unit vectors, ``[lat, lon]`` radians and weights, in cell order.
    cell_start : ndarray of int64, shape (n_cells + 1,)
        Points of cell ``c`` are ``cell_start[c]:cell_start[c + 1]``.
    cell_weight : ndarray of float64, shape (n_cells,)
    nb_ptr, nb_idx : CSR arrays of the neighbouring cells of each cell (itself included).
    cell_lo : ndarray of float64, shape (n_cells, 3)
        Lower corner of each cell's box (the box is ``[cell_lo, cell_lo + side]``).
    side : float
        Cell side (chord units).
    eps_chord, eps_rad : float
    """

    order: np.ndarray
    xyz: np.ndarray
    rad: np.ndarray
    weight: np.ndarray
    cell_start: np.ndarray
    cell_weight: np.ndarray
    nb_ptr: np.ndarray
    nb_idx: np.ndarray
    cell_lo: np.ndarray
    side: float
    eps_chord: float
    eps_rad: float

    @property
    def n_cells(self) -> int:
        return int(self.cell_weight.shape[0])

    def limits(self) -> tuple[float, float, float, float, float]:
        """``(lo, hi, red, near, far)`` for :func:`within` and :func:`box_gap`.

        ``lo``–``hi`` is the squared-chord band decided by haversine, ``red`` scikit-learn's
        reduced haversine radius ``sin²(eps / 2)``; a cell whose box lies entirely within
        squared chord ``near`` of a point holds only neighbours of it, one beyond ``far`` none
        (``1e-9 · eps²`` of slack absorbs the rounding of the cell bounds).
        """
        eps2 = self.eps_chord * self.eps_chord
        band = 1e-6 * eps2 + 1e-15
        red = math.sin(0.5 * self.eps_rad)
        slack = 1e-9 * eps2
        return eps2 - band, eps2 + band, red * red, eps2 - band - slack, eps2 + band + slack


def build_grid(rad: np.ndarray, weight: np.ndarray, eps_km: float) -> SphereGrid:
    """Sort points ``rad`` (n × 2, ``[lat, lon]`` radians) into the grid for radius ``eps_km``.

    Costs one sort of ``n`` integer keys and 25 linear sweeps over the cells.
    """
    eps_rad = eps_km / EARTH_RADIUS_KM
    eps_chord = chord_of_km(eps_km)
    side = eps_chord / math.sqrt(3.0) * (1.0 - 1e-9)
    m = int(math.floor(2.0 / side)) + 2 * _MARGIN + 2
    if float(m) ** 3 >= 2.0**62:
        raise ValueError(f"eps {eps_km} km is too small for the grid (cell keys overflow)")
    xyz = to_unit_vectors(rad[:, 0], rad[:, 1])
    keys = _cell_keys(xyz, side, np.int64(m))
    order, _ = sort_keys(keys, int(m**3 - 1).bit_length())
    keys, xyz, rad, weight = _gather(order, keys, xyz, rad,
                                     np.asarray(weight, dtype=np.float64))
    n = keys.shape[0]
    if n:
        new = np.empty(n, dtype=bool)
        new[0] = True
        np.not_equal(keys[1:], keys[:-1], out=new[1:])
        starts = np.flatnonzero(new)
    else:
        starts = np.zeros(0, dtype=np.int64)
    cell_keys = keys[starts]
    cell_start = np.append(starts, n).astype(np.int64)
    cell_weight = np.add.reduceat(weight, starts) if n else np.zeros(0)
    nb_ptr, nb_idx = _neighbour_cells(cell_keys, np.int64(m))
    cell_index = np.column_stack([cell_keys // (m * m), (cell_keys // m) % m, cell_keys % m])
    cell_lo = (cell_index - _MARGIN) * side - 1.0
    return SphereGrid(order=order, xyz=xyz, rad=rad, weight=weight, cell_start=cell_start,
                      cell_weight=cell_weight, nb_ptr=nb_ptr, nb_idx=nb_idx, cell_lo=cell_lo,
                      side=side, eps_chord=eps_chord, eps_rad=eps_rad)


@nb.njit(cache=True, inline="always")
def chord2(xyz: np.ndarray, i: int, j: int) -> float:
    """Squared chord between unit vectors ``i`` and ``j``."""
    dx = xyz[i, 0] - xyz[j, 0]
    dy = xyz[i, 1] - xyz[j, 1]
    dz = xyz[i, 2] - xyz[j, 2]
    return dx * dx + dy * dy + dz * dz


@nb.njit(cache=True, inline="always")
def within(xyz: np.ndarray, rad: np.ndarray, i: int, j: int, lim: tuple) -> bool:
    """Whether points ``i`` and ``j`` are within eps (chord test, haversine in the band);
    ``lim`` is :meth:`SphereGrid.limits`."""
    d2 = chord2(xyz, i, j)
    if d2 <= lim[0]:
        return True
    if d2 > lim[1]:
        return False
    s0 = math.sin(0.5 * (rad[i, 0] - rad[j, 0]))
    s1 = math.sin(0.5 * (rad[i, 1] - rad[j, 1]))
    return s0 * s0 + math.cos(rad[i, 0]) * math.cos(rad[j, 0]) * s1 * s1 <= lim[2]


@nb.njit(cache=True, inline="always")
def box_gap(xyz: np.ndarray, i: int, cell_lo: np.ndarray, d: int,
            side: float) -> tuple[float, float]:
    """Smallest and largest squared distance from point ``i`` to the box of cell ``d``."""
    near = 0.0
    far = 0.0
    for a in range(3):
        low = cell_lo[d, a]
        high = low + side
        p = xyz[i, a]
        gap = max(low - p, p - high, 0.0)
        span = max(p - low, high - p)
        near += gap * gap
        far += span * span
    return near, far


@nb.njit(cache=True)
def _pairs_kernel(xyz, rad, group, label, cell_start, nb_ptr, nb_idx, lim):
    seen = set()
    seen.add((np.int64(-1), np.int64(-1)))
    for c in range(cell_start.shape[0] - 1):
        for i in range(cell_start[c], cell_start[c + 1]):
            if group[i] != 0:
                continue
            for k in range(nb_ptr[c], nb_ptr[c + 1]):
                d = nb_idx[k]
                for j in range(cell_start[d], cell_start[d + 1]):
                    if group[j] == 1 and (label[i], label[j]) not in seen \
                            and within(xyz, rad, i, j, lim):
                        seen.add((label[i], label[j]))
    out = np.empty((len(seen) - 1, 2), dtype=np.int64)
    k = 0
    for a, b in seen:
        if a >= 0:
            out[k, 0] = a
            out[k, 1] = b
            k += 1
    return out


def label_pairs_within(rad: np.ndarray, group: np.ndarray, label: np.ndarray,
                       eps_km: float) -> np.ndarray:
    """Distinct ``(label_a, label_b)`` of points of group 0 and group 1 within ``eps_km``.

    Parameters
    ----------
    rad : ndarray of shape (n, 2)
        ``[lat, lon]`` radians.
    group : ndarray of int, shape (n,)
        0 or 1.
    label : ndarray of int64, shape (n,)
        Non-negative labels.

    Returns
    -------
    ndarray of int64, shape (k, 2), rows sorted.
    """
    grid = build_grid(rad, np.ones(len(rad)), eps_km)
    pairs = _pairs_kernel(grid.xyz, grid.rad, np.asarray(group, np.int64)[grid.order],
                          np.asarray(label, np.int64)[grid.order], grid.cell_start,
                          grid.nb_ptr, grid.nb_idx, grid.limits())
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs
