"""Settings of the S&T cluster ranking (procedure: :mod:`~innometrics.clusters.ranking`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from numbers import Integral, Real

from .._params import Interval, Options, check_params
from ..errors import InvalidParameter
from .gazetteer import GAZETTEER_POPULATIONS

__all__ = ["RANKING_CONSTRAINTS", "RankingSettings"]

RANKING_CONSTRAINTS = {
    "patent_eps_km": [Interval(Real, 0.05, 20000.0)],
    "patent_min_weight": [Interval(Real, 0.0, None, closed="neither")],
    "publication_eps_km": [Interval(Real, 0.05, 20000.0)],
    "publication_min_weight": [Interval(Real, 0.0, None, closed="neither")],
    "merge_km": [Interval(Real, 0.05, 20000.0), None],
    "top_n": [Interval(Integral, 1, None)],
    "name_places": [Interval(Integral, 1, 10)],
    "name_min_share": [Interval(Real, 0.0, 1.0)],
    "place_km": [Interval(Real, 0.0, 1000.0, closed="right")],
    "gazetteer_min_population": [Options(GAZETTEER_POPULATIONS)],
    "economy_min_share": [Interval(Real, 0.0, 1.0, closed="left")],
    "intensity_per": [Interval(Real, 0.0, None, closed="neither")],
    "refine_eps_km": [Interval(Real, 0.05, 20000.0), None],
    "refine_min_weight": [Interval(Real, 0.0, None, closed="neither"), None],
}


@dataclass(frozen=True)
class RankingSettings:
    """Every setting of the cluster ranking, validated on creation.

    WIPO does not publish its radii and thresholds (methodology.md §D2: believed to be a
    radius of ~10–15 km and a minimum count in the thousands for five years of world PCT
    filings or SCIE articles). The defaults below follow that belief and must be calibrated
    (e.g. against the published top 100); scale ``*_min_weight`` with the size of the data.

    Parameters
    ----------
    patent_eps_km : float, default=13.0
        DBSCAN radius for patents (great circle, km). WIPO's value: unknown.
    patent_min_weight : float, default=2000.0
        Fractional patent count a neighbourhood needs for a core point. WIPO's value: unknown.
    publication_eps_km : float, default=13.0
        DBSCAN radius for publications. WIPO's value: unknown.
    publication_min_weight : float, default=2000.0
        Fractional article count for a core point. WIPO's value: unknown.
    merge_km : float or None, default=None
        Overlap distance between patent and publication clusters; ``None`` = the larger of
        the two radii. WIPO's rule: "overlapping" (unknown precisely).
    top_n : int, default=100
        Size of the published ranking (WIPO: 100).
    name_places : int, default=3
        Most places in a name (WIPO names have one to three).
    name_min_share : float, default=0.1
        A second or third place enters the name with at least this share of the cluster's
        activity. WIPO's rule: unknown.
    place_km : float, default=25.0
        A location is matched to the nearest city within this distance.
    gazetteer_min_population : {500, 1000, 5000, 15000}, default=15000
        Smallest GeoNames city used for names and population.
    economy_min_share : float, default=0.0
        An economy is listed when its share of the cluster's activity exceeds this.
    intensity_per : float, default=1e6
        Intensity unit: records per this many inhabitants.
    refine_eps_km : float or None, default=None
        Radius of the optional second pass that splits first-pass clusters (module
        docstring); ``None`` = no second pass. WIPO's rule and value: unknown.
    refine_min_weight : float or None, default=None
        Core weight of the second pass; ``None`` = the first pass's minimum weight of the kind.
    """

    patent_eps_km: float = 13.0
    patent_min_weight: float = 2000.0
    publication_eps_km: float = 13.0
    publication_min_weight: float = 2000.0
    merge_km: float | None = None
    top_n: int = 100
    name_places: int = 3
    name_min_share: float = 0.1
    place_km: float = 25.0
    gazetteer_min_population: int = 15000
    economy_min_share: float = 0.0
    intensity_per: float = 1e6
    refine_eps_km: float | None = None
    refine_min_weight: float | None = None

    def __post_init__(self) -> None:
        check_params("clusters.RankingSettings", asdict(self), RANKING_CONSTRAINTS)
        if self.refine_min_weight is not None and self.refine_eps_km is None:
            raise InvalidParameter("'refine_min_weight' of clusters.RankingSettings needs "
                                   "'refine_eps_km' (the second pass runs only with a radius); "
                                   "give it or leave the weight out.")

    @property
    def overlap_km(self) -> float:
        return self.merge_km if self.merge_km is not None else max(self.patent_eps_km,
                                                                   self.publication_eps_km)

    def eps_of(self, kind: str) -> tuple[float, float]:
        """``(eps_km, min_weight)`` of a kind."""
        return ((self.patent_eps_km, self.patent_min_weight) if kind == "patent"
                else (self.publication_eps_km, self.publication_min_weight))

    def with_(self, **changes: object) -> RankingSettings:
        return replace(self, **changes)
