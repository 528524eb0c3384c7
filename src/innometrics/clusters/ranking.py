"""The S&T cluster ranking: cluster each kind, merge, name, assign economies, rank.

Procedure (WIPO-style; GII 2024 Appendix IV describes the published method, whose exact
parameters are not public — see ``methodology.md`` §D2):

1. **Detect.** Patents and publications are clustered separately with weighted DBSCAN on the
   sphere (:func:`~innometrics.clusters.dbscan.dbscan`), each with its own ``eps_km`` and
   ``min_weight``.
2. **Merge.** A patent cluster and a publication cluster *overlap* when a location of one lies
   within ``merge_km`` (great circle, ``<=``) of a location of the other; a shared location
   (distance 0) always overlaps. S&T clusters are the connected components of this bipartite
   overlap graph, so a chain P₁–Q–P₂ is one cluster. Clusters with no partner stay as they are.
   Only clustered records (core and border) count as locations of a cluster.
3. **Name.** Every location of a cluster is matched to the most populous GeoNames city within
   ``place_km`` (so that suburbs do not outshine the city they belong to). A place's
   *activity* is the sum of its records' contributions to the score (``w / total_w(kind) / 2``).
   The name is the most active place, followed by the next ones (up to ``name_places`` in
   all) whose activity is at least ``name_min_share`` of the cluster's, joined by an en
   dash ("Tokyo–Yokohama"). A cluster with no place within ``place_km`` is named after its
   activity-weighted centre ("Cluster at 31.55, 95.90"), the ``lat, lon`` of ``clusters.csv``.
4. **Economies.** A record's economy is its ``country`` column when given, otherwise the
   country of its nearest place. A cluster lists every economy whose activity share is above
   ``economy_min_share`` (default 0: all), largest first, as ISO3 (ISO2 in
   ``economies_iso2``). In the per-economy table a cross-border cluster counts for each.
5. **Rank.** ``patent_share = patents / all patents``, ``publication_share`` likewise (all
   records, noise included, fractional counts); ``score = (patent_share +
   publication_share) / 2`` — the same order as WIPO's combined share. Rank 1 = highest score
   (ties, at 12 significant digits, share the better rank and are listed by name).
6. **Intensity.** ``intensity = (patents + publications) / population · intensity_per`` with
   ``population`` the summed GeoNames population of the cluster's *places* (step 3: each
   location's most populous city within ``place_km``), each place once. A location near a
   city is matched to the city, not to the districts around it, so a district counts only
   where some location lies beyond ``place_km`` of every larger city (summing every GeoNames
   entry in the area would count Shanghai's districts besides Shanghai); a place with no
   activity in the cluster is not counted.
   Ranked among the top ``top_n`` clusters. GeoNames populations are those of the city
   (often the municipality), not of a metropolitan area.

**Optional second pass** (``refine_eps_km``; off by default). WIPO is believed to refine its
first-pass clusters with a stricter second pass that splits over-large ones (methodology.md
§D2: unconfirmed, parameters unknown). Here each per-kind cluster of step 1 is clustered again,
on its own records, with ``refine_eps_km`` and ``refine_min_weight``. If that finds two or more
sub-clusters, they replace the cluster and each of its remaining records joins the sub-cluster
of its nearest sub-clustered location, so a split redistributes a cluster's records and never
drops any; otherwise the cluster stays whole. The first pass decides who is in a cluster, the
second how it divides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from .dbscan import dbscan
from .describe import CLUSTER_COLUMNS, describe_clusters
from .merge import cluster_locations, merge_overlapping, refine_clusters
from .records import Records
from .result import ClusterRanking
from .settings import RANKING_CONSTRAINTS, RankingSettings
from .stream import RecordPoints, points_of_records

__all__ = ["RANKING_CONSTRAINTS", "RankingSettings", "ClusterRanking", "rank_clusters",
           "detect_clusters", "describe_clusters", "merge_overlapping", "refine_clusters",
           "CLUSTER_COLUMNS"]

Detector = Callable[[np.ndarray, np.ndarray, np.ndarray, float, float], np.ndarray]


def _numba_detector(lat: np.ndarray, lon: np.ndarray, w: np.ndarray, eps_km: float,
                    min_weight: float) -> np.ndarray:
    return dbscan(lat, lon, eps_km=eps_km, min_weight=min_weight, weight=w).labels


def _points(records: Records | RecordPoints) -> RecordPoints:
    return records if isinstance(records, RecordPoints) else points_of_records(records)


def _kind_labels(frame: pd.DataFrame, kind: str, settings: RankingSettings,
                 detector: Detector) -> np.ndarray:
    labels = np.full(len(frame), -1, dtype=np.int64)
    mask = (frame["kind"] == kind).to_numpy()
    if mask.any():
        eps, minw = settings.eps_of(kind)
        sub = frame[mask]
        lat, lon = sub["lat"].to_numpy(float), sub["lon"].to_numpy(float)
        w = sub["weight"].to_numpy(float)
        first = detector(lat, lon, w, eps, minw)
        if settings.refine_eps_km is not None:
            first = refine_clusters(lat, lon, w, first, settings.refine_eps_km,
                                    settings.refine_min_weight or minw)
        labels[mask] = first
    return labels


def rank_clusters(records: Records | RecordPoints, settings: RankingSettings | None = None, *,
                  detector: Detector | None = None,
                  on_step: Callable[[str], None] | None = None,
                  options: dict | None = None) -> ClusterRanking:
    """Run the full S&T cluster procedure (module docstring) on validated records.

    Identical ``(kind, lat, lon, country)`` are first collapsed to one point carrying their
    summed weight (:func:`~innometrics.clusters.stream.points_of_records`; a file read with
    :func:`~innometrics.clusters.stream.scan_records` comes reduced already): DBSCAN with
    weights, the merge, names, economies and shares depend on the rows only through these
    sums, so the table is that of the rows (up to the order of floating-point sums).

    Parameters
    ----------
    records : Records or RecordPoints
    settings : RankingSettings, default=RankingSettings()
    detector : callable, default=single-machine :func:`~innometrics.clusters.dbscan.dbscan`
        ``detector(lat, lon, weight, eps_km, min_weight) -> labels``; the dask engine
        (:func:`~innometrics.clusters.distributed.dask_detector`) plugs in here.
    on_step : callable, optional
        Called with the name of each step as it starts (for a progress display).
    options : dict, optional
        How the run is made (engine...), recorded in the manifest
        (:meth:`ClusterRanking.run_settings`).

    Returns
    -------
    ClusterRanking
    """
    settings = settings or RankingSettings()
    detector = detector or _numba_detector
    step = on_step or (lambda name: None)
    points = _points(records)
    frame = points.points
    step("patent clusters")
    pat = _kind_labels(frame, "patent", settings, detector)
    step("publication clusters")
    pub = _kind_labels(frame, "publication", settings, detector)
    step("merge")
    pat_map, pub_map, _ = merge_overlapping(cluster_locations(frame, pat),
                                            cluster_locations(frame, pub), settings.overlap_km)
    st = np.full(len(frame), -1, dtype=np.int64)
    st[pat >= 0] = pat_map[pat[pat >= 0]]
    st[pub >= 0] = pub_map[pub[pub >= 0]]
    step("name and rank")
    table = describe_clusters(frame, st, settings)
    result = _finish(points, settings, table, st, np.maximum(pat, pub))
    return replace(result, options=dict(options or {}))


def _finish(points: RecordPoints, settings: RankingSettings, table: pd.DataFrame,
            cluster: np.ndarray, kind_cluster: np.ndarray) -> ClusterRanking:
    new_id = np.full(int(table.index.max()) + 1 if len(table) else 0, -1, dtype=np.int64)
    new_id[table.index.to_numpy(np.int64)] = table["cluster_id"].to_numpy(np.int64)
    final = np.where(cluster >= 0, new_id[np.maximum(cluster, 0)] if len(new_id) else -1, -1)
    point_clusters = pd.DataFrame({"cluster_id": final.astype(np.int64),
                                   "kind_cluster": kind_cluster.astype(np.int64)})
    return ClusterRanking(clusters=table.reset_index(drop=True), records=points,
                          point_clusters=point_clusters, settings=settings)


def detect_clusters(records: Records | RecordPoints, *, eps_km: float, min_weight: float,
                    kind: str | None = None, detector: Detector | None = None,
                    settings: RankingSettings | None = None,
                    options: dict | None = None) -> ClusterRanking:
    """Plain DBSCAN of the records (of one kind, or all pooled), described like a ranking."""
    settings = settings or RankingSettings()
    detector = detector or _numba_detector
    points = _points(records)
    frame = points.points
    mask = np.ones(len(frame), bool) if kind is None else (frame["kind"] == kind).to_numpy()
    labels = np.full(len(frame), -1, dtype=np.int64)
    if mask.any():
        sub = frame[mask]
        labels[mask] = detector(sub["lat"].to_numpy(float), sub["lon"].to_numpy(float),
                                sub["weight"].to_numpy(float), eps_km, min_weight)
    table = describe_clusters(frame, labels, settings)
    result = _finish(points, settings, table, labels, labels)
    return replace(result, detection={"eps_km": eps_km, "min_weight": min_weight,
                                      "kind": kind}, options=dict(options or {}))
