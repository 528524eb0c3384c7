"""Synthetic inventor and author locations around real cities — labelled as synthetic.

Each point is drawn as follows (``rng = np.random.default_rng(seed)``):

* with probability ``1 − background``: a city ``c`` among the ``n_cities`` most populous
  GeoNames cities, chosen with probability ∝ population; the point lies at a Gaussian offset
  of ``σ_c = spread_km · (pop_c / 10⁶)^0.3`` km (clipped to [2, 30] km) in each of the east and
  north directions — or, with probability ``duplicate_share``, exactly at the city's coordinates
  (geocoding to city centroids makes coordinates repeat); ``true_cluster = c``;
* otherwise a *background* point: a uniformly chosen GeoNames city of any size with a 50 km
  offset; ``true_cluster = −1``.

The kind is ``patent`` with a city-specific probability ``p_c ~ Beta(2, 2)`` (background 0.5),
so patent and publication rankings differ. Weights are fractional counts ``1/t`` with team size
``t = 1 + Poisson(2)`` unless ``unit_weights``. Every table carries ``synthetic = True``.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd

from .._params import Interval, check_params
from .gazetteer import load_gazetteer

__all__ = ["synthesize", "SYNTH_CONSTRAINTS"]

_KM_PER_DEG = 111.19492664455873  # 2πR / 360 with R = 6371.0088 km

SYNTH_CONSTRAINTS = {
    "n_points": [Interval(Integral, 1, 10**9)],  # about 100 bytes a point in memory
    "n_cities": [Interval(Integral, 1, 34006)],
    "background": [Interval(Real, 0.0, 1.0)],
    "spread_km": [Interval(Real, 0.0, 500.0, closed="neither")],
    "duplicate_share": [Interval(Real, 0.0, 1.0)],
    "unit_weights": [bool],
}


def synthesize(n_points: int, *, seed: int | np.random.Generator | None = 0,
               n_cities: int = 300, background: float = 0.05, spread_km: float = 6.0,
               duplicate_share: float = 0.0, unit_weights: bool = False) -> pd.DataFrame:
    """Draw ``n_points`` synthetic records around real cities.

    Parameters
    ----------
    n_points : int
    seed : int, Generator or None, default=0
    n_cities : int, default=300
        Cities that host clusters (the most populous ones).
    background : float, default=0.05
        Share of sparse background points.
    spread_km : float, default=6.0
        Spread of a city of 1 million inhabitants.
    duplicate_share : float, default=0.0
        Share of city points geocoded exactly to the city centroid.
    unit_weights : bool, default=False
        Weight 1 for every record instead of fractional counts.

    Returns
    -------
    DataFrame
        Columns ``id, lat, lon, kind, weight, year, country, true_cluster, true_city,
        synthetic`` (``n_points`` rows).

    Examples
    --------
    >>> df = synthesize(5, seed=1)
    >>> list(df.columns[:5]), bool(df["synthetic"].all())
    (['id', 'lat', 'lon', 'kind', 'weight'], True)
    """
    check_params("clusters.synthesize",
                 {"n_points": n_points, "n_cities": n_cities, "background": background,
                  "spread_km": spread_km, "duplicate_share": duplicate_share,
                  "unit_weights": unit_weights}, SYNTH_CONSTRAINTS)
    rng = np.random.default_rng(seed)
    gaz = load_gazetteer()
    hosts = gaz.top(n_cities)
    p_city = hosts.population / hosts.population.sum()
    p_patent = rng.beta(2.0, 2.0, size=len(hosts))

    is_bg = rng.random(n_points) < background
    city = rng.choice(len(hosts), size=n_points, p=p_city)
    bg_city = rng.integers(0, len(gaz), size=n_points)
    sigma = np.clip(spread_km * (hosts.population[city] / 1e6) ** 0.3, 2.0, 30.0)
    sigma = np.where(is_bg, 50.0, sigma)
    at_centroid = (rng.random(n_points) < duplicate_share) & ~is_bg
    lat0 = np.where(is_bg, gaz.lat[bg_city], hosts.lat[city])
    lon0 = np.where(is_bg, gaz.lon[bg_city], hosts.lon[city])
    north, east = rng.normal(size=(2, n_points)) * sigma
    north[at_centroid] = 0.0
    east[at_centroid] = 0.0
    lat = np.clip(lat0 + north / _KM_PER_DEG, -89.9, 89.9)
    lon = lon0 + east / (_KM_PER_DEG * np.cos(np.radians(lat)))
    lon = (lon + 180.0) % 360.0 - 180.0

    kind_p = np.where(is_bg, 0.5, p_patent[city])
    kind = np.where(rng.random(n_points) < kind_p, "patent", "publication")
    team = 1 + rng.poisson(2.0, size=n_points)
    weight = np.ones(n_points) if unit_weights else 1.0 / team
    country = np.where(is_bg, gaz.iso2[bg_city], hosts.iso2[city])
    return pd.DataFrame({
        "id": [f"S{i:08d}" for i in range(n_points)],
        "lat": lat,
        "lon": lon,
        "kind": kind,
        "weight": weight,
        "year": rng.integers(2018, 2023, size=n_points),
        "country": country,
        "true_cluster": np.where(is_bg, -1, city).astype(np.int64),
        "true_city": np.where(is_bg, "", hosts.name[city]),
        "synthetic": True,
    })
