"""Population and intensity of clusters (step 6 of :mod:`~innometrics.clusters.ranking`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ranking import rank_min
from .gazetteer import Gazetteer
from .ties import tie_key

__all__ = ["cluster_population", "intensity", "intensity_rank"]


def cluster_population(df: pd.DataFrame, clusters: pd.Index, gaz: Gazetteer) -> np.ndarray:
    """Summed GeoNames population of each cluster's places (``df``: ``c, place`` of the
    clustered rows, as in :mod:`~innometrics.clusters.naming`), each place once."""
    cluster_places = df.loc[df["place"] >= 0, ["c", "place"]].drop_duplicates()
    return (pd.Series(gaz.population[cluster_places["place"].to_numpy()])
            .groupby(cluster_places["c"].to_numpy()).sum()
            .reindex(clusters, fill_value=0.0).to_numpy())


def intensity(activity: np.ndarray, population: np.ndarray, per: float) -> np.ndarray:
    """``activity / population · per``; NaN where the population is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(population > 0, activity / population * per, np.nan)


def intensity_rank(values: np.ndarray, rank: np.ndarray, top_n: int) -> pd.array:
    """Rank by intensity (1 = highest; no population = last) among the clusters ranked
    ``<= top_n``; missing elsewhere. ``values`` are compared as ``tie_key`` rounds them."""
    top = rank <= top_n
    scores = np.where(top, np.where(np.isnan(values), -np.inf, values), np.nan)
    scores = np.where(np.isfinite(scores), tie_key(scores), scores)
    return pd.array(np.where(top, rank_min(scores[:, None], axis=0)[:, 0], np.nan)).astype(
        "Int64")
