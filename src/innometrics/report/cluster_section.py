"""The report section of one S&T cluster run (``clusters-rank`` or ``clusters-detect``).

Shows a map of the clusters sized by output, the clusters per economy in the top N, the top-N
table, and the run's other tables. Runs on synthetic records are marked as such in the
section title, a banner, every chart title and the table.

Where a cluster is drawn: at the ``lat``/``lon`` the run's ``clusters.csv`` records, if it has
those columns; otherwise at the cluster's first (most active) place in ``places``, looked up
in the offline GeoNames gazetteer the ranking used (``gazetteer_min_population`` of its
settings) within the cluster's first economy — an approximation the caption states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..runs import Run
from . import charts
from .common import Figure, Provenance, Table, extra_tables, frame_table, new_id, provenance
from .common import source_line as _source

__all__ = ["ClusterSection", "cluster_section", "cluster_coordinates", "is_synthetic"]

_TOP_COLUMNS = ["rank", "name", "economies", "patents", "publications", "patent_share",
                "publication_share", "score", "intensity_rank"]


@dataclass
class ClusterSection:
    """Everything the template shows for one cluster run."""

    title: str
    synthetic: bool
    provenance: list[Provenance]
    figures: list[Figure]
    ranking: Table | None
    tables: list[Table]
    notes: list[str]
    id: str = field(default_factory=lambda: new_id("clusters"))
    kind: str = "clusters"


def is_synthetic(run: Run, table: pd.DataFrame | None = None) -> bool:
    """Whether the run was made from synthetic records (its manifest or any table says so)."""
    details = run.manifest.get("details") or {}
    if details.get("synthetic"):
        return True
    return bool(table is not None and "synthetic" in table
                and table["synthetic"].astype(str).str.lower().isin(["true", "1"]).any())


def cluster_coordinates(table: pd.DataFrame, min_population: int = 15000
                        ) -> tuple[np.ndarray, np.ndarray, str]:
    """Latitude and longitude of each cluster, and how they were found (see the module
    docstring); NaN where no place could be located."""
    if {"lat", "lon"} <= set(table.columns):
        return (table["lat"].to_numpy(float), table["lon"].to_numpy(float),
                "Circles at the cluster centroids the run records.")
    from ..clusters.gazetteer import GAZETTEER_POPULATIONS, load_gazetteer

    if min_population not in GAZETTEER_POPULATIONS:
        min_population = 15000
    gaz = load_gazetteer(min_population)
    by_place: dict[tuple[str, str], int] = {}
    by_name: dict[str, int] = {}
    for i in range(len(gaz) - 1, -1, -1):  # largest last, so it wins
        by_place[(str(gaz.name[i]), str(gaz.iso2[i]))] = i
        by_name[str(gaz.name[i])] = i
    lat, lon = np.full(len(table), np.nan), np.full(len(table), np.nan)
    places = table["places"] if "places" in table else pd.Series([""] * len(table))
    iso2 = table["economies_iso2"] if "economies_iso2" in table else pd.Series([""] * len(table))
    for k, (place, econ) in enumerate(zip(places, iso2, strict=True)):
        first = str(place).split(";")[0] if isinstance(place, str) else ""
        country = str(econ).split(";")[0] if isinstance(econ, str) else ""
        i = by_place.get((first, country), by_name.get(first))
        if i is not None:
            lat[k], lon[k] = gaz.lat[i], gaz.lon[i]
    return (lat, lon, "Circles at each cluster's most active place (GeoNames gazetteer), not "
                      "at its centroid: the run's clusters.csv has no lat/lon columns.")


def cluster_section(run: Run) -> ClusterSection:
    """Build the section of one cluster run (see the module docstring)."""
    table = run.table("clusters") if run.has("clusters") else pd.DataFrame()
    synthetic = is_synthetic(run, table)
    tag = "SYNTHETIC DATA — " if synthetic else ""
    settings = run.manifest.get("settings") or {}
    top_n = int(settings.get("top_n") or 100)
    title = f"{tag}S&T clusters ({run.kind} run “{run.path.name}”)"
    source = _source(run) + (" — synthetic records, not real patents or publications"
                             if synthetic else "")
    figures, notes = [], []
    ranking = None
    if table.empty:
        notes.append("The run found no cluster.")
    else:
        table = table.sort_values("rank", kind="stable")
        shown = table[table["rank"] <= top_n]
        lat, lon, how = cluster_coordinates(
            shown, int(settings.get("gazetteer_min_population") or 15000))
        located = np.isfinite(lat) & np.isfinite(lon)
        if located.any():
            figures.append(Figure(
                charts.cluster_map(shown[located], lat[located], lon[located],
                                   title=f"{tag}Top {top_n} S&T clusters: location and "
                                         "output"),
                caption=f"{how} Circle area: patents + publications (fractional counts); "
                        "colour: rank (1 = largest share).", source=source, kind="map"))
        if (~located).any():
            notes.append(f"{int((~located).sum())} cluster(s) could not be placed on the map: "
                         + ", ".join(shown.loc[~located, "name"].astype(str).head(10)))
        if run.has("economies"):
            econ = run.table("economies").head(25)
            if not econ.empty and {"economy", "clusters"} <= set(econ.columns):
                figures.append(Figure(
                    charts.count_bars(econ["economy"].astype(str), econ["clusters"],
                                      title=f"{tag}Clusters per economy in the top {top_n}",
                                      unit="clusters in the top N", xaxis="economy (ISO3)"),
                    caption="Economies with the most clusters in the top ranking (a cluster "
                            "crossing borders counts for each economy).", source=source))
        columns = [c for c in _TOP_COLUMNS if c in shown.columns]
        ranking = frame_table(shown[columns], f"{tag}Top {top_n} clusters",
                              note="Click a column header to sort. Score: the mean of the "
                                   "cluster's shares of all patents and all publications.",
                              max_rows=top_n)
    return ClusterSection(title=title, synthetic=synthetic, provenance=[provenance(run)],
                          figures=figures, ranking=ranking, tables=extra_tables([run]),
                          notes=notes)
