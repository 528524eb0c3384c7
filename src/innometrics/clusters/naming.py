"""Names, places and economies of clusters (steps 3 and 4 of
:mod:`~innometrics.clusters.ranking`).

Every function takes the clustered rows as a frame ``c`` (cluster), ``lat``, ``lon``, ``a``
(activity: the row's contribution to the score), ``place`` (the row's GeoNames place, ``-1``
= none within ``place_km``) and ``country`` (ISO2), one row per record or per weighted unique
point — the results are the same, since each is a sum of activity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .gazetteer import Gazetteer, iso3_of_iso2
from .grid import to_unit_vectors
from .settings import RankingSettings

__all__ = ["centroids", "cluster_names", "cluster_economies"]


def centroids(df: pd.DataFrame) -> pd.DataFrame:
    """Activity-weighted centre of each cluster on the sphere (mean unit vector, so clusters
    across the antimeridian are placed right), in degrees."""
    xyz = to_unit_vectors(np.radians(df["lat"].to_numpy()), np.radians(df["lon"].to_numpy()))
    weighted = pd.DataFrame(xyz * df["a"].to_numpy()[:, None], columns=["x", "y", "z"])
    total = weighted.groupby(df["c"].to_numpy()).sum()
    norm = np.sqrt((total**2).sum(axis=1)).replace(0.0, np.nan)
    return pd.DataFrame({"lat": np.degrees(np.arcsin(np.clip(total["z"] / norm, -1, 1))),
                         "lon": np.degrees(np.arctan2(total["y"], total["x"]))},
                        index=total.index)


def _join_names(names: list[str]) -> str:
    return "\u2013".join(names)


def cluster_names(df: pd.DataFrame, activity: pd.Series, centre: pd.DataFrame,
                  gaz: Gazetteer, settings: RankingSettings) -> tuple[list[str], list[str]]:
    """Name and the ten most active places of each cluster of ``activity``'s index.

    The name is the most active place, then the next ones (up to ``name_places``) with at
    least ``name_min_share`` of the cluster's activity, joined by an en dash; a cluster
    without a place is named after its activity-weighted centre ``centre`` ("Cluster at
    31.55, 95.90"), so equal activity gives equal names whatever the row layout.
    """
    has_place = df["place"] >= 0
    place_act = (df[has_place].groupby(["c", "place"])["a"].sum().reset_index()
                 .sort_values(["c", "a", "place"], ascending=[True, False, True]))
    place_groups = dict(tuple(place_act.groupby("c")))
    names, places = [], []
    for c, total in activity.items():
        pa = place_groups.get(c)
        chosen: list[str] = []
        if pa is not None:
            for idx, act in zip(pa["place"], pa["a"], strict=True):
                nm = str(gaz.name[idx])
                if len(chosen) >= settings.name_places:
                    break
                if nm in chosen or (chosen and act < settings.name_min_share * total):
                    continue
                chosen.append(nm)
            places.append(";".join(str(gaz.name[i]) for i in pa["place"].iloc[:10]))
        else:
            places.append("")
        names.append(_join_names(chosen) if chosen else
                     f"Cluster at {centre.at[c, 'lat']:.2f}, {centre.at[c, 'lon']:.2f}")
    return names, places


def cluster_economies(df: pd.DataFrame, activity: pd.Series,
                      settings: RankingSettings) -> tuple[list[str], list[str]]:
    """ISO3 and ISO2 lists (``;``-joined, largest first) of the economies whose share of each
    cluster's activity is above ``economy_min_share``."""
    econ_act = (df.dropna(subset=["country"]).groupby(["c", "country"])["a"].sum()
                .reset_index().sort_values(["c", "a", "country"], ascending=[True, False, True]))
    econ_groups = dict(tuple(econ_act.groupby("c")))
    iso3 = iso3_of_iso2()
    econ3, econ2 = [], []
    for c, total in activity.items():
        ea = econ_groups.get(c)
        codes = [] if ea is None else [
            str(cc) for cc, act in zip(ea["country"], ea["a"], strict=True)
            if act > settings.economy_min_share * total]
        econ2.append(";".join(codes))
        econ3.append(";".join(iso3.get(cc, cc) for cc in codes))
    return econ3, econ2
