"""Weighted spherical DBSCAN ≡ scikit-learn's haversine ball-tree DBSCAN (relabel-invariant)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import DBSCAN
from sklearn.neighbors import BallTree

from innometrics.clusters.dbscan import SphericalDBSCAN, collapse, dbscan, same_clusters
from innometrics.clusters.grid import EARTH_RADIUS_KM
from innometrics.clusters.synth import synthesize
from innometrics.errors import InvalidParameter


def assert_matches_sklearn(lat, lon, w, eps_km, min_samples):
    """Core points, noise and core clusters equal; each border joins the cluster of its
    nearest core point (a choice DBSCAN allows: any adjacent cluster)."""
    eps = eps_km / EARTH_RADIUS_KM
    X = np.radians(np.column_stack([lat, lon]))
    sk = DBSCAN(eps=eps, min_samples=min_samples, metric="haversine",
                algorithm="ball_tree").fit(X, sample_weight=w)
    core = np.zeros(len(lat), bool)
    core[sk.core_sample_indices_] = True
    ours = dbscan(lat, lon, eps_km=eps_km, min_weight=min_samples, weight=w)
    np.testing.assert_array_equal(ours.core, core)
    np.testing.assert_array_equal(ours.labels < 0, sk.labels_ < 0)
    assert same_clusters(ours.labels, sk.labels_, core)
    assert ours.n_clusters == sk.labels_.max() + 1
    border = np.flatnonzero(~core & (sk.labels_ >= 0))
    if len(border):
        tree = BallTree(X[core], metric="haversine")
        dist, nearest = tree.query(X[border], k=2)
        clear = dist[:, 1] - dist[:, 0] > 1e-9 * eps  # no tie for the nearest core point
        expected = ours.labels[np.flatnonzero(core)[nearest[:, 0]]]
        np.testing.assert_array_equal(ours.labels[border][clear], expected[clear])
    return ours


def _synth(n, seed, **kw):
    df = synthesize(n, seed=seed, n_cities=40, **kw)
    return df["lat"].to_numpy(), df["lon"].to_numpy()


@pytest.mark.parametrize("seed", [0, 1])
def test_unit_weights(seed):
    lat, lon = _synth(6000, seed)
    ours = assert_matches_sklearn(lat, lon, None, 8.0, 12)
    assert ours.n_clusters > 5


def test_fractional_dyadic_weights():
    rng = np.random.default_rng(2)
    lat, lon = _synth(6000, 2)
    w = rng.choice([1.0, 0.5, 0.25, 0.125, 0.0], size=len(lat))
    assert_matches_sklearn(lat, lon, w, 10.0, 6)


def test_duplicate_coordinates():
    rng = np.random.default_rng(3)
    lat, lon = _synth(6000, 3, duplicate_share=0.5)
    lat, lon = np.round(lat, 2), np.round(lon, 2)  # geocodes repeat
    w = rng.choice([1.0, 0.5, 0.25], size=len(lat))
    ours = assert_matches_sklearn(lat, lon, w, 6.0, 8)
    assert ours.n_locations < 0.75 * len(lat)


def test_collapse_is_exact_on_neighbouring_floats():
    # longitudes one ulp apart are distinct locations; -0.0 and 0.0 are one
    n = 5000
    lon = (np.float64(100.0).view(np.int64) + np.arange(n)).view(np.float64)
    rad, w, inverse = collapse(np.full(n, 45.0), lon, np.ones(n))
    assert len(w) == n and np.array_equal(np.sort(inverse), np.arange(n))
    rad, w, inverse = collapse(np.array([0.0, -0.0, 0.0]), np.array([-0.0, 0.0, 1.0]),
                               np.array([1.0, 2.0, 4.0]))
    assert sorted(w.tolist()) == [3.0, 4.0] and inverse[0] == inverse[1] != inverse[2]


@pytest.mark.parametrize("centre", [(10.0, 179.95), (-40.0, -179.97), (89.9, 0.0),
                                    (-89.95, 120.0)])
def test_antimeridian_and_poles(centre):
    rng = np.random.default_rng(4)
    n = 1500
    lat = np.clip(centre[0] + rng.normal(0, 0.08, n), -90, 90)
    lon = centre[1] + rng.normal(0, 0.08, n) / np.maximum(np.cos(np.radians(lat)), 0.05)
    lon = (lon + 180.0) % 360.0 - 180.0
    lat = np.r_[lat, 90.0, 90.0, -90.0]  # the poles themselves, any longitude
    lon = np.r_[lon, 10.0, -170.0, 0.0]
    ours = assert_matches_sklearn(lat, lon, None, 5.0, 10)
    assert ours.n_clusters >= 1


def test_exact_eps_boundary():
    """Points exactly eps apart (sklearn's <=): chains along the equator and meridians."""
    eps_km = 7.0
    step = np.degrees(eps_km / EARTH_RADIUS_KM)
    k = np.arange(12)
    lat = np.r_[np.zeros(12), 30.0 + k * step, k * 0.0 + 45.0]
    lon = np.r_[k * step, np.full(12, 20.0), 100.0 + k * step * 1.0000001]
    ours = assert_matches_sklearn(lat, lon, None, eps_km, 3)
    assert ours.n_clusters >= 2  # equator chain and meridian chain are linked at exactly eps
    # a pair just inside and just outside
    lat2 = np.array([0.0, 0.0, 0.0, 0.0])
    lon2 = np.array([0.0, step * (1 - 1e-12), 50.0, 50.0 + step * (1 + 1e-9)])
    assert_matches_sklearn(lat2, lon2, None, eps_km, 2)


def test_near_boundary_random():
    """Many pairs within a hair of eps."""
    rng = np.random.default_rng(5)
    eps_km = 3.0
    step = np.degrees(eps_km / EARTH_RADIUS_KM)
    base_lat = rng.uniform(-60, 60, 400)
    base_lon = rng.uniform(-180, 180, 400)
    jitter = step * (1 + rng.choice([-1e-12, 0.0, 1e-12, -1e-9, 1e-9], 400))
    lat = np.r_[base_lat, base_lat + jitter]
    lon = np.r_[base_lon, base_lon]
    assert_matches_sklearn(lat, lon, None, eps_km, 2)


def test_fractional_sum_tolerance():
    """3 × 1/3 counts as 1 whatever the summation order (documented tolerance)."""
    res = dbscan([0.0, 0.0, 0.0], [0.0, 0.0001, 0.0002], eps_km=1.0, min_weight=1.0,
                 weight=[1 / 3, 1 / 3, 1 / 3])
    assert res.core.all()


def test_toy_exact_and_estimator_and_inputs_untouched():
    lat = np.array([0.0, 0.0, 0.0, 10.0, 10.0])
    lon = np.array([0.0, 0.001, 0.002, 10.0, 10.0])
    before = lat.copy()
    res = dbscan(lat, lon, eps_km=1.0, min_weight=2)
    assert res.labels.tolist() == [0, 0, 0, 1, 1]
    assert res.n_locations == 4
    est = SphericalDBSCAN(eps_km=1.0, min_weight=3).fit(lat, lon)
    assert est.labels_.tolist() == [0, 0, 0, -1, -1]
    assert est.eps_km == 1.0
    np.testing.assert_array_equal(lat, before)


def test_empty_and_single():
    assert dbscan([], [], eps_km=5, min_weight=1).n_clusters == 0
    assert dbscan([1.0], [2.0], eps_km=5, min_weight=1).labels.tolist() == [0]


@pytest.mark.parametrize("params", [{"eps_km": 0.0, "min_weight": 1},
                                    {"eps_km": 5.0, "min_weight": 0},
                                    {"eps_km": "5", "min_weight": 1}])
def test_bad_parameters(params):
    with pytest.raises(InvalidParameter, match="of clusters.dbscan must be"):
        dbscan([0.0], [0.0], **params)


def test_bad_points():
    with pytest.raises(ValueError, match="lat must be"):
        dbscan([91.0], [0.0], eps_km=5, min_weight=1)
    with pytest.raises(ValueError, match="non-negative"):
        dbscan([0.0], [0.0], eps_km=5, min_weight=1, weight=[-1.0])
