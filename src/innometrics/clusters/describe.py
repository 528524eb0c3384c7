"""The table of clusters: counts, shares, score and rank, with names, economies and intensity
(steps 3–6 of :mod:`~innometrics.clusters.ranking`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ranking import rank_min
from .gazetteer import Gazetteer, load_gazetteer
from .intensity import cluster_population, intensity, intensity_rank
from .naming import centroids, cluster_economies, cluster_names
from .settings import RankingSettings
from .ties import tie_key

__all__ = ["describe_clusters", "CLUSTER_COLUMNS", "DETAIL_COLUMNS"]

#: Contract columns of ``clusters.csv`` (extra columns follow them).
CLUSTER_COLUMNS = ["cluster_id", "name", "economies", "patents", "publications",
                   "patent_share", "publication_share", "score", "rank"]
#: Columns after :data:`CLUSTER_COLUMNS`.
DETAIL_COLUMNS = ["economies_iso2", "population", "places", "intensity", "intensity_rank",
                  "lat", "lon"]


def _clustered(frame: pd.DataFrame, cluster: np.ndarray, gaz: Gazetteer,
               place_km: float) -> tuple[pd.DataFrame, dict[bool, float]]:
    """Clustered rows as ``c, lat, lon, a, pat, pub, country, place`` and the total weight
    per kind (``True`` = patents).

    ``a`` is the row's contribution to the score, ``w / total_w(kind) / 2`` (``/ 1`` when
    only one kind has weight); ``country`` falls back to the country of the row's place.
    """
    w = frame["weight"].to_numpy(float)
    is_pat = (frame["kind"] == "patent").to_numpy()
    totals = {True: w[is_pat].sum(), False: w[~is_pat].sum()}
    contrib = np.where(is_pat, w / max(totals[True], 1e-300), w / max(totals[False], 1e-300))
    contrib = contrib / (2.0 if totals[True] > 0 and totals[False] > 0 else 1.0)
    inside = cluster >= 0
    df = pd.DataFrame({"c": cluster[inside], "lat": frame["lat"].to_numpy()[inside],
                       "lon": frame["lon"].to_numpy()[inside], "a": contrib[inside],
                       "pat": np.where(is_pat, w, 0.0)[inside],
                       "pub": np.where(is_pat, 0.0, w)[inside],
                       "country": frame["country"].to_numpy(dtype=object)[inside]})
    locs = df.groupby(["lat", "lon"], sort=False).size().reset_index()[["lat", "lon"]]
    locs["place"] = gaz.largest_within(locs["lat"].to_numpy(), locs["lon"].to_numpy(),
                                       place_km)
    df = df.merge(locs, on=["lat", "lon"], how="left")
    fallback = np.where(df["place"] >= 0, gaz.iso2[np.maximum(df["place"], 0)], None)
    df["country"] = df["country"].where(df["country"].notna(),
                                        pd.Series(fallback, index=df.index))
    return df, totals


def _shares_and_rank(per: pd.DataFrame, totals: dict[bool, float]) -> pd.DataFrame:
    """``patent_share = patents / all patents`` (likewise publications), ``score`` = their
    mean, sorted by score, ties (:func:`tie_key`) by name then centre; ``cluster_id`` =
    position, ``rank`` = min rank (ties share the better rank)."""
    out = per.assign(old_id=per.index.to_numpy())
    out["patent_share"] = out["patents"] / totals[True] if totals[True] > 0 else 0.0
    out["publication_share"] = (out["publications"] / totals[False]
                                if totals[False] > 0 else 0.0)
    out["score"] = (out["patent_share"] + out["publication_share"]) / 2.0
    key = tie_key(out["score"].to_numpy())
    out = out.assign(key=-key).sort_values(["key", "name", "lat", "lon", "old_id"],
                                           kind="stable")
    out.insert(0, "cluster_id", np.arange(len(out), dtype=np.int64))
    out["rank"] = rank_min(-out["key"].to_numpy()[:, None], axis=0)[:, 0].astype(np.int64)
    return out.drop(columns="key").set_index("old_id")


def describe_clusters(frame: pd.DataFrame, cluster: np.ndarray, settings: RankingSettings,
                      gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Table of clusters: counts, shares, score, rank, name, economies, population, intensity.

    Parameters
    ----------
    frame : DataFrame
        Validated records (``lat, lon, kind, weight, country``), one row per record or per
        weighted unique point (the same table either way).
    cluster : ndarray of int64, shape (len(frame),)
        Cluster of each row, ``-1`` = none.

    Returns
    -------
    DataFrame
        One row per cluster, sorted by rank; ``cluster_id`` is the position in that order
        (``0`` = rank 1); its index holds the input cluster id.
    """
    gaz = gazetteer or load_gazetteer(settings.gazetteer_min_population)
    df, totals = _clustered(frame, cluster, gaz, settings.place_km)
    if df.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS + DETAIL_COLUMNS)
    per = df.groupby("c").agg(patents=("pat", "sum"), publications=("pub", "sum"),
                              activity=("a", "sum"))
    centre = centroids(df).reindex(per.index)
    names, places = cluster_names(df, per["activity"], centre, gaz, settings)
    econ3, econ2 = cluster_economies(df, per["activity"], settings)
    per = per.assign(name=names, economies=econ3, economies_iso2=econ2,
                     population=cluster_population(df, per.index, gaz), places=places,
                     lat=centre["lat"].to_numpy(), lon=centre["lon"].to_numpy())
    out = _shares_and_rank(per, totals)
    out["intensity"] = intensity((out["patents"] + out["publications"]).to_numpy(),
                                 out["population"].to_numpy(), settings.intensity_per)
    out["intensity_rank"] = intensity_rank(out["intensity"].to_numpy(),
                                           out["rank"].to_numpy(), settings.top_n)
    return out[CLUSTER_COLUMNS + DETAIL_COLUMNS]
