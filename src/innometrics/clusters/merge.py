"""Merging patent and publication clusters, and the optional second pass that splits them
(steps 2 and the second pass of :mod:`~innometrics.clusters.ranking`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .dbscan import dbscan
from .grid import label_pairs_within, to_unit_vectors

__all__ = ["merge_overlapping", "refine_clusters", "cluster_locations"]


def merge_overlapping(pat_loc: pd.DataFrame, pub_loc: pd.DataFrame,
                      merge_km: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Merge patent and publication clusters whose locations lie within ``merge_km``.

    Parameters
    ----------
    pat_loc, pub_loc : DataFrame
        Distinct ``lat, lon, label`` of clustered records (labels ``0..k-1`` per kind).

    Returns
    -------
    pat_map, pub_map : ndarray of int64
        S&T cluster of each patent / publication cluster label.
    n : int
        Number of S&T clusters.
    """
    k_p = int(pat_loc["label"].max()) + 1 if len(pat_loc) else 0
    k_q = int(pub_loc["label"].max()) + 1 if len(pub_loc) else 0
    both = pd.concat([pat_loc, pub_loc], ignore_index=True)
    group = np.r_[np.zeros(len(pat_loc), np.int64), np.ones(len(pub_loc), np.int64)]
    pairs = (label_pairs_within(np.radians(both[["lat", "lon"]].to_numpy(float)), group,
                                both["label"].to_numpy(np.int64), merge_km)
             if k_p and k_q else np.zeros((0, 2), np.int64))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1] + k_p)),
                       shape=(k_p + k_q, k_p + k_q))
    n, comp = connected_components(graph, directed=False)
    return comp[:k_p].astype(np.int64), comp[k_p:].astype(np.int64), int(n)


def refine_clusters(lat: np.ndarray, lon: np.ndarray, weight: np.ndarray, labels: np.ndarray,
                    eps_km: float, min_weight: float) -> np.ndarray:
    """Split clusters with a stricter second DBSCAN pass (module docstring).

    Parameters
    ----------
    lat, lon, weight : ndarray of shape (n,)
    labels : ndarray of int64, shape (n,)
        First-pass clusters ``0..k-1``, ``-1`` = noise (kept as noise).
    eps_km, min_weight : float
        Second-pass settings.

    Returns
    -------
    ndarray of int64, shape (n,)
        Clusters after splitting, numbered ``0, 1, ...`` (a whole cluster keeps one label, a
        split one takes one per part); same noise as ``labels``.
    """
    out = np.full(len(labels), -1, dtype=np.int64)
    next_label = 0
    members = pd.Series(np.arange(len(labels))).groupby(labels).indices
    for label in sorted(k for k in members if k >= 0):
        idx = members[label]
        parts = dbscan(lat[idx], lon[idx], eps_km=eps_km, min_weight=min_weight,
                       weight=weight[idx]).labels
        if parts.max(initial=-1) < 1:
            out[idx] = next_label
            next_label += 1
            continue
        placed = parts >= 0
        if not placed.all():
            xyz = to_unit_vectors(np.radians(lat[idx]), np.radians(lon[idx]))
            _, nearest = cKDTree(xyz[placed]).query(xyz[~placed], k=1)
            parts[~placed] = parts[placed][nearest]
        out[idx] = next_label + parts
        next_label += int(parts.max()) + 1
    return out


def cluster_locations(frame: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Distinct ``lat, lon, label`` of the clustered rows of ``frame``."""
    sel = labels >= 0
    return (pd.DataFrame({"lat": frame["lat"].to_numpy()[sel], "lon": frame["lon"].to_numpy()[sel],
                          "label": labels[sel]}).drop_duplicates(ignore_index=True))
