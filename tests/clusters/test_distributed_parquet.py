"""Dask tiles that read partitioned Parquet give the single-machine clusters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from innometrics._dask import dask_client
from innometrics.clusters.dbscan import dbscan
from innometrics.clusters.distributed import tile_chord_of, tile_members
from innometrics.clusters.grid import to_unit_vectors
from innometrics.clusters.partitioned import dbscan_parquet, write_points_parquet
from innometrics.clusters.synth import synthesize
from innometrics.errors import InputError


@pytest.fixture(scope="module")
def client():
    with dask_client(n_workers=2, threads_per_worker=1, processes=False) as c:
        yield c


def _points():
    """Synthetic city points (centroids repeat, across parts too) and runs of points across
    the antimeridian and around the pole, with shuffled rows."""
    df = synthesize(30000, seed=11, n_cities=80, duplicate_share=0.2)
    lat = np.r_[df["lat"].to_numpy(), 0.01 * np.arange(50), np.full(50, 89.99), -0.0, 0.0]
    lon = np.r_[df["lon"].to_numpy(), np.full(50, 179.999), np.linspace(-180, 180, 50),
                10.0, 10.0]
    w = np.r_[df["weight"].to_numpy(), np.ones(102)]
    order = np.random.default_rng(5).permutation(len(lat))
    return lat[order], lon[order], w[order]


def test_parquet_tiles_equal_single_machine(client, tmp_path):
    lat, lon, w = _points()
    parts = write_points_parquet(lat, lon, w, tmp_path / "points", rows_per_part=7000)
    assert len(parts) == 5
    single = dbscan(lat, lon, eps_km=8.0, min_weight=8.0, weight=w)
    dist = dbscan_parquet(tmp_path / "points", eps_km=8.0, min_weight=8.0, client=client,
                          tile_km=150.0)
    np.testing.assert_array_equal(dist.core, single.core)
    # borders take their nearest core point's cluster in both, clusters are numbered by first
    # appearance: every label is identical, borders included
    assert (~single.core & (single.labels >= 0)).sum() > 100
    np.testing.assert_array_equal(dist.labels, single.labels)
    assert dist.n_clusters == single.n_clusters > 10
    assert dist.n_locations == single.n_locations
    # the data exercise the join: some clusters have home points in several tiles
    home, _ = tile_members(to_unit_vectors(np.radians(lat), np.radians(lon)),
                           tile_chord_of(150.0, 8.0), 0.0)
    tiles_per_cluster = [len(np.unique(home[single.labels == k]))
                         for k in range(single.n_clusters)]
    assert max(tiles_per_cluster) > 1


def test_parquet_with_nothing_to_cluster(client, tmp_path):
    write_points_parquet([0.0, 10.0], [0.0, 10.0], None, tmp_path / "two", rows_per_part=1)
    none = dbscan_parquet(tmp_path / "two", eps_km=1.0, min_weight=5, client=client)
    assert none.labels.tolist() == [-1, -1] and none.n_clusters == 0
    write_points_parquet([], [], None, tmp_path / "empty", rows_per_part=10)
    empty = dbscan_parquet(tmp_path / "empty", eps_km=1.0, min_weight=1, client=client)
    assert len(empty.labels) == 0 and empty.n_clusters == 0


def test_write_never_replaces_a_directory(tmp_path):
    (tmp_path / "points").mkdir()
    with pytest.raises(InputError, match="already exists"):
        write_points_parquet([0.0], [0.0], None, tmp_path / "points", rows_per_part=1)
    assert not any((tmp_path / "points").iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["points"]


def test_parts_that_cannot_be_used_are_named(client, tmp_path):
    with pytest.raises(InputError, match="not a directory of Parquet parts"):
        dbscan_parquet(tmp_path, eps_km=1.0, min_weight=1, client=client)
    bad = tmp_path / "bad"
    write_points_parquet([0.0, 1.0], [0.0, 1.0], None, bad, rows_per_part=1)
    pq.write_table(pa.table({"lat": [0.0], "lon": [0.0], "weight": [1.0], "kind": ["patent"]}),
                   bad / "part-00002.parquet")
    with pytest.raises(InputError, match=r"part-00002\.parquet: has columns .*kind"):
        dbscan_parquet(bad, eps_km=1.0, min_weight=1, client=client)
    pq.write_table(pa.table({"lat": [95.0], "lon": [0.0], "weight": [1.0]}),
                   bad / "part-00002.parquet")
    with pytest.raises(InputError, match=r"part-00002\.parquet: lat must be in \[-90, 90\]"):
        dbscan_parquet(bad, eps_km=1.0, min_weight=1, client=client)
