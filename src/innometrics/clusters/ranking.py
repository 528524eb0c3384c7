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
   dash ("Tokyo–Yokohama").
4. **Economies.** A record's economy is its ``country`` column when given, otherwise the
   country of its nearest place. A cluster lists every economy whose activity share is above
   ``economy_min_share`` (default 0: all), largest first, as ISO3 (ISO2 in
   ``economies_iso2``). In the per-economy table a cross-border cluster counts for each.
5. **Rank.** ``patent_share = patents / all patents``, ``publication_share`` likewise (all
   records, noise included, fractional counts); ``score = (patent_share +
   publication_share) / 2`` — the same order as WIPO's combined share. Rank 1 = highest score
   (ties share the better rank).
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
from dataclasses import asdict, dataclass, replace
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .._params import Interval, Options, check_params
from ..errors import InvalidParameter
from ..ranking import rank_min
from .dbscan import dbscan
from .gazetteer import GAZETTEER_POPULATIONS, Gazetteer, iso3_of_iso2, load_gazetteer
from .grid import label_pairs_within, to_unit_vectors
from .records import Records

__all__ = ["RANKING_CONSTRAINTS", "RankingSettings", "ClusterRanking", "rank_clusters",
           "describe_clusters", "merge_overlapping", "refine_clusters", "CLUSTER_COLUMNS"]

#: Contract columns of ``clusters.csv`` (extra columns follow them).
CLUSTER_COLUMNS = ["cluster_id", "name", "economies", "patents", "publications",
                   "patent_share", "publication_share", "score", "rank"]
_DETAIL_COLUMNS = ["economies_iso2", "population", "places", "intensity", "intensity_rank",
                   "lat", "lon"]

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


Detector = Callable[[np.ndarray, np.ndarray, np.ndarray, float, float], np.ndarray]


def _numba_detector(lat: np.ndarray, lon: np.ndarray, w: np.ndarray, eps_km: float,
                    min_weight: float) -> np.ndarray:
    return dbscan(lat, lon, eps_km=eps_km, min_weight=min_weight, weight=w).labels


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


def _join_names(names: list[str]) -> str:
    return "\u2013".join(names)


def describe_clusters(frame: pd.DataFrame, cluster: np.ndarray, settings: RankingSettings,
                      gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Table of clusters: counts, shares, score, rank, name, economies, population, intensity.

    Parameters
    ----------
    frame : DataFrame
        Validated records (``lat, lon, kind, weight, country``).
    cluster : ndarray of int64, shape (len(frame),)
        Cluster of each record, ``-1`` = none.

    Returns
    -------
    DataFrame
        One row per cluster, sorted by rank; ``cluster_id`` is the position in that order
        (``0`` = rank 1); its index holds the input cluster id.
    """
    gaz = gazetteer or load_gazetteer(settings.gazetteer_min_population)
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
    if df.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS + _DETAIL_COLUMNS)
    locs = df.groupby(["lat", "lon"], sort=False).size().reset_index()[["lat", "lon"]]
    locs["place"] = gaz.largest_within(locs["lat"].to_numpy(), locs["lon"].to_numpy(),
                                       settings.place_km)
    df = df.merge(locs, on=["lat", "lon"], how="left")
    has_place = df["place"] >= 0
    fallback = np.where(has_place, gaz.iso2[np.maximum(df["place"], 0)], None)
    df["country"] = df["country"].where(df["country"].notna(), pd.Series(fallback,
                                                                         index=df.index))
    per = df.groupby("c").agg(patents=("pat", "sum"), publications=("pub", "sum"),
                              activity=("a", "sum"), lat=("lat", "mean"), lon=("lon", "mean"))
    place_act = (df[has_place].groupby(["c", "place"])["a"].sum().reset_index()
                 .sort_values(["c", "a", "place"], ascending=[True, False, True]))
    econ_act = (df.dropna(subset=["country"]).groupby(["c", "country"])["a"].sum()
                .reset_index().sort_values(["c", "a", "country"], ascending=[True, False, True]))
    iso3 = iso3_of_iso2()
    cluster_places = df.loc[has_place, ["c", "place"]].drop_duplicates()
    pop = (pd.Series(gaz.population[cluster_places["place"].to_numpy()])
           .groupby(cluster_places["c"].to_numpy()).sum()
           .reindex(per.index, fill_value=0.0).to_numpy())
    names, econ3, econ2, places = [], [], [], []
    place_groups = dict(tuple(place_act.groupby("c")))
    econ_groups = dict(tuple(econ_act.groupby("c")))
    for c, row in per.iterrows():
        pa = place_groups.get(c)
        chosen: list[str] = []
        if pa is not None:
            for idx, act in zip(pa["place"], pa["a"], strict=True):
                nm = str(gaz.name[idx])
                if len(chosen) >= settings.name_places:
                    break
                if nm in chosen or (chosen and act < settings.name_min_share * row.activity):
                    continue
                chosen.append(nm)
            places.append(";".join(str(gaz.name[i]) for i in pa["place"].iloc[:10]))
        else:
            places.append("")
        names.append(_join_names(chosen) if chosen
                     else f"Cluster at {row.lat:.2f}, {row.lon:.2f}")
        ea = econ_groups.get(c)
        codes = [] if ea is None else [
            str(cc) for cc, act in zip(ea["country"], ea["a"], strict=True)
            if act > settings.economy_min_share * row.activity]
        econ2.append(";".join(codes))
        econ3.append(";".join(iso3.get(cc, cc) for cc in codes))
    out = pd.DataFrame({"old_id": per.index.to_numpy(), "name": names, "economies": econ3,
                        "patents": per["patents"].to_numpy(),
                        "publications": per["publications"].to_numpy()})
    out["patent_share"] = out["patents"] / totals[True] if totals[True] > 0 else 0.0
    out["publication_share"] = (out["publications"] / totals[False]
                                if totals[False] > 0 else 0.0)
    out["score"] = (out["patent_share"] + out["publication_share"]) / 2.0
    out = out.sort_values(["score", "old_id"], ascending=[False, True], kind="stable")
    pos = out.index.to_numpy()
    out = out.set_index("old_id")
    out.insert(0, "cluster_id", np.arange(len(out), dtype=np.int64))
    out["rank"] = rank_min(out["score"].to_numpy()[:, None], axis=0)[:, 0].astype(np.int64)
    out["economies_iso2"] = np.asarray(econ2, dtype=object)[pos]
    out["population"] = pop[pos]
    out["places"] = np.asarray(places, dtype=object)[pos]
    centre = _centroids(df).reindex(per.index)
    out["lat"], out["lon"] = centre["lat"].to_numpy()[pos], centre["lon"].to_numpy()[pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intensity"] = np.where(out["population"] > 0, (out["patents"] + out["publications"])
                                    / out["population"] * settings.intensity_per, np.nan)
    top = out["rank"] <= settings.top_n
    inten = np.where(top, out["intensity"].fillna(-np.inf), np.nan)
    out["intensity_rank"] = pd.array(np.where(top, rank_min(inten[:, None], axis=0)[:, 0],
                                              np.nan)).astype("Int64")
    return out[CLUSTER_COLUMNS + _DETAIL_COLUMNS]


def _centroids(df: pd.DataFrame) -> pd.DataFrame:
    """Activity-weighted centre of each cluster on the sphere (mean unit vector, so clusters
    across the antimeridian are placed right), in degrees."""
    xyz = to_unit_vectors(np.radians(df["lat"].to_numpy()), np.radians(df["lon"].to_numpy()))
    weighted = pd.DataFrame(xyz * df["a"].to_numpy()[:, None], columns=["x", "y", "z"])
    total = weighted.groupby(df["c"].to_numpy()).sum()
    norm = np.sqrt((total**2).sum(axis=1)).replace(0.0, np.nan)
    return pd.DataFrame({"lat": np.degrees(np.arcsin(np.clip(total["z"] / norm, -1, 1))),
                         "lon": np.degrees(np.arctan2(total["y"], total["x"]))},
                        index=total.index)


@dataclass(frozen=True)
class ClusterRanking:
    """Result of :func:`rank_clusters` (or of a plain detection).

    Attributes
    ----------
    clusters : DataFrame
        :data:`CLUSTER_COLUMNS` then ``economies_iso2, population, places, intensity,
        intensity_rank``, sorted by rank.
    assignments : DataFrame
        ``id, kind, cluster_id`` (−1 = noise) and ``kind_cluster`` (cluster of the per-kind
        DBSCAN before merging).
    settings : RankingSettings
    excluded : DataFrame
        Rows left out of the input, with reasons.
    synthetic : bool
    """

    clusters: pd.DataFrame
    assignments: pd.DataFrame
    settings: RankingSettings
    excluded: pd.DataFrame
    synthetic: bool = False

    def _repr_html_(self) -> str:
        """The 20 best-ranked clusters (for Jupyter)."""
        return self.clusters.head(20)[CLUSTER_COLUMNS].to_html(index=False)

    def top(self, n: int | None = None) -> pd.DataFrame:
        """The ``n`` (default ``settings.top_n``) best-ranked clusters."""
        return self.clusters[self.clusters["rank"] <= (n or self.settings.top_n)]

    def economies(self) -> pd.DataFrame:
        """Clusters per economy in the top N (a cross-border cluster counts for each)."""
        top = self.top()
        codes = top["economies"].str.split(";").explode()
        codes = codes[codes.fillna("") != ""]
        table = codes.value_counts().rename_axis("economy").reset_index(name="clusters")
        return table.sort_values(["clusters", "economy"], ascending=[False, True],
                                 ignore_index=True)

    def intensity(self) -> pd.DataFrame:
        """The top-N clusters ranked by intensity (records per ``intensity_per`` people)."""
        cols = ["intensity_rank", "cluster_id", "name", "economies", "population",
                "patents", "publications", "intensity", "rank"]
        return self.top()[cols].sort_values(["intensity_rank", "cluster_id"],
                                            ignore_index=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """clusters.csv, assignments.parquet, economies.csv, intensity.csv (each with the
        ``synthetic`` flag) and excluded.csv."""
        flag = {"synthetic": self.synthetic}
        return {"clusters.csv": self.clusters.assign(**flag),
                "assignments.parquet": self.assignments.assign(**flag),
                "economies.csv": self.economies().assign(**flag),
                "intensity.csv": self.intensity().assign(**flag),
                "excluded.csv": self.excluded}

    def write(self, out: str | Path, *, kind: str = "clusters-rank", settings: dict | None = None,
              inputs: dict | None = None, force: bool = False,
              started: float | None = None) -> Path:
        """Write a clusters run directory (see :mod:`innometrics.runs`): :meth:`tables` and a
        manifest whose settings are ``settings`` (default: the ranking settings)."""
        from ..runs import write_run

        used = asdict(self.settings) if settings is None else settings
        details = {"synthetic": self.synthetic, "clusters": len(self.clusters),
                   "excluded": {str(k): int(v) for k, v in
                                self.excluded["reason"].value_counts().items()}}
        return write_run(out, kind=kind, tables=self.tables(), settings=used,
                         inputs=inputs or {}, force=force, started=started, details=details)


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


def _locations(frame: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    sel = labels >= 0
    return (pd.DataFrame({"lat": frame["lat"].to_numpy()[sel], "lon": frame["lon"].to_numpy()[sel],
                          "label": labels[sel]}).drop_duplicates(ignore_index=True))


def rank_clusters(records: Records, settings: RankingSettings | None = None, *,
                  detector: Detector | None = None,
                  on_step: Callable[[str], None] | None = None) -> ClusterRanking:
    """Run the full S&T cluster procedure (module docstring) on validated records.

    Parameters
    ----------
    records : Records
    settings : RankingSettings, default=RankingSettings()
    detector : callable, default=single-machine :func:`~innometrics.clusters.dbscan.dbscan`
        ``detector(lat, lon, weight, eps_km, min_weight) -> labels``; the dask engine
        (:func:`~innometrics.clusters.distributed.dask_detector`) plugs in here.
    on_step : callable, optional
        Called with the name of each step as it starts (for a progress display).

    Returns
    -------
    ClusterRanking
    """
    settings = settings or RankingSettings()
    detector = detector or _numba_detector
    step = on_step or (lambda name: None)
    frame = records.frame
    step("patent clusters")
    pat = _kind_labels(frame, "patent", settings, detector)
    step("publication clusters")
    pub = _kind_labels(frame, "publication", settings, detector)
    step("merge")
    pat_map, pub_map, _ = merge_overlapping(_locations(frame, pat), _locations(frame, pub),
                                            settings.overlap_km)
    st = np.full(len(frame), -1, dtype=np.int64)
    st[pat >= 0] = pat_map[pat[pat >= 0]]
    st[pub >= 0] = pub_map[pub[pub >= 0]]
    step("name and rank")
    table = describe_clusters(frame, st, settings)
    return _finish(records, settings, table, st, np.maximum(pat, pub))


def _finish(records: Records, settings: RankingSettings, table: pd.DataFrame,
            cluster: np.ndarray, kind_cluster: np.ndarray) -> ClusterRanking:
    new_id = np.full(int(table.index.max()) + 1 if len(table) else 0, -1, dtype=np.int64)
    new_id[table.index.to_numpy(np.int64)] = table["cluster_id"].to_numpy(np.int64)
    final = np.where(cluster >= 0, new_id[np.maximum(cluster, 0)] if len(new_id) else -1, -1)
    assignments = pd.DataFrame({"id": records.frame["id"].astype(str).to_numpy(),
                                "kind": records.frame["kind"].astype(str).to_numpy(),
                                "cluster_id": final.astype(np.int64),
                                "kind_cluster": kind_cluster})
    return ClusterRanking(clusters=table.reset_index(drop=True), assignments=assignments,
                          settings=settings,
                          excluded=records.excluded, synthetic=records.synthetic)


def detect_clusters(records: Records, *, eps_km: float, min_weight: float,
                    kind: str | None = None, detector: Detector | None = None,
                    settings: RankingSettings | None = None) -> ClusterRanking:
    """Plain DBSCAN of the records (of one kind, or all pooled), described like a ranking."""
    settings = settings or RankingSettings()
    detector = detector or _numba_detector
    frame = records.frame
    mask = np.ones(len(frame), bool) if kind is None else (frame["kind"] == kind).to_numpy()
    labels = np.full(len(frame), -1, dtype=np.int64)
    if mask.any():
        sub = frame[mask]
        labels[mask] = detector(sub["lat"].to_numpy(float), sub["lon"].to_numpy(float),
                                sub["weight"].to_numpy(float), eps_km, min_weight)
    table = describe_clusters(frame, labels, settings)
    return _finish(records, settings, table, labels, labels)
