"""The dask engine gives the single-machine clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innometrics._dask import dask_client
from innometrics.clusters.dbscan import dbscan
from innometrics.clusters.distributed import dbscan_dask
from innometrics.clusters.synth import synthesize


@pytest.fixture(scope="module")
def client():
    with dask_client(n_workers=2, threads_per_worker=1, processes=False) as c:
        yield c


def test_dask_equals_single_machine(client):
    df = synthesize(30000, seed=11, n_cities=80, duplicate_share=0.2)
    lat = np.r_[df["lat"].to_numpy(), 0.01 * np.arange(50), np.full(50, 89.99)]
    lon = np.r_[df["lon"].to_numpy(), np.full(50, 179.999), np.linspace(-180, 180, 50)]
    w = np.r_[df["weight"].to_numpy(), np.ones(100)]
    single = dbscan(lat, lon, eps_km=8.0, min_weight=8.0, weight=w)
    dist = dbscan_dask(lat, lon, eps_km=8.0, min_weight=8.0, weight=w, client=client,
                       tile_km=150.0)
    np.testing.assert_array_equal(dist.core, single.core)
    # borders take their nearest core point's cluster in both engines, and clusters are
    # numbered by first appearance: every label is identical, borders included
    assert (~single.core & (single.labels >= 0)).sum() > 100
    np.testing.assert_array_equal(dist.labels, single.labels)
    assert dist.n_clusters == single.n_clusters > 10


def test_dask_with_nothing_to_cluster(client):
    none = dbscan_dask([0.0, 10.0], [0.0, 10.0], eps_km=1.0, min_weight=5, client=client)
    assert none.labels.tolist() == [-1, -1] and none.n_clusters == 0
    empty = dbscan_dask([], [], eps_km=1.0, min_weight=1, client=client)
    assert len(empty.labels) == 0 and empty.n_clusters == 0


def test_dask_ranking_of_streamed_points_equals_single_machine(client, tmp_path):
    from innometrics.clusters.distributed import dask_detector
    from innometrics.clusters.ranking import RankingSettings, rank_clusters
    from innometrics.clusters.stream import scan_records

    df = synthesize(20000, seed=3, n_cities=60, duplicate_share=0.5)
    df["lat"], df["lon"] = df["lat"].round(2), df["lon"].round(2)
    path = tmp_path / "rows.parquet"
    df.drop(columns=["true_city"]).to_parquet(path)
    points = scan_records(path, chunk_rows=5000)
    settings = RankingSettings(patent_eps_km=10, patent_min_weight=10, publication_eps_km=10,
                               publication_min_weight=10)
    single = rank_clusters(points, settings)
    dist = rank_clusters(points, settings, detector=dask_detector(client, tile_km=150.0))
    assert len(single.clusters) > 10
    pd.testing.assert_frame_equal(dist.clusters, single.clusters)
    pd.testing.assert_frame_equal(dist.assignments, single.assignments)
