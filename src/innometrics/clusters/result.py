"""The result of a cluster ranking or detection, its tables and its run directory."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..runs import write_run
from .describe import CLUSTER_COLUMNS
from .settings import RankingSettings
from .stream import RecordPoints

__all__ = ["ClusterRanking"]


@dataclass(frozen=True)
class ClusterRanking:
    """Result of :func:`~innometrics.clusters.ranking.rank_clusters` (or of
    :func:`~innometrics.clusters.ranking.detect_clusters`).

    Attributes
    ----------
    clusters : DataFrame
        :data:`CLUSTER_COLUMNS` then ``economies_iso2, population, places, intensity,
        intensity_rank, lat, lon``, sorted by rank.
    records : RecordPoints
        The input, reduced to weighted unique points.
    point_clusters : DataFrame
        ``cluster_id`` (−1 = noise) and ``kind_cluster`` (cluster of the per-kind DBSCAN
        before merging) of each row of ``records.points``.
    settings : RankingSettings
    detection : dict, optional
        ``eps_km, min_weight, kind`` of a plain detection (``None`` for a ranking).
    options : dict
        How the run was made (engine, tile side, ``drop_invalid``...), recorded in the
        manifest beside the settings.
    """

    clusters: pd.DataFrame
    records: RecordPoints
    point_clusters: pd.DataFrame
    settings: RankingSettings
    detection: dict | None = None
    options: dict = field(default_factory=dict)

    @property
    def excluded(self) -> pd.DataFrame:
        """Rows left out of the input, with reasons."""
        return self.records.excluded

    @property
    def synthetic(self) -> bool:
        return self.records.synthetic

    @property
    def kind(self) -> str:
        """Kind of run: ``clusters-rank`` or ``clusters-detect``."""
        return "clusters-rank" if self.detection is None else "clusters-detect"

    def run_settings(self) -> dict:
        """The settings recorded in the manifest: the ranking settings (with the overlap
        distance used) or the detection's, then :attr:`options`."""
        if self.detection is not None:
            return {**self.detection, **self.options}
        return {**asdict(self.settings), "merge_km_used": self.settings.overlap_km,
                **self.options}

    def assignment_chunks(self):
        """``id, kind, cluster_id, kind_cluster`` of each kept input row, chunk by chunk."""
        return self.records.assignment_chunks(
            {name: self.point_clusters[name].to_numpy(np.int64)
             for name in ("cluster_id", "kind_cluster")})

    @property
    def assignments(self) -> pd.DataFrame:
        """``id, kind, cluster_id`` (−1 = noise) and ``kind_cluster`` of every kept record,
        in input order (all in memory: for large inputs write the run instead)."""
        chunks = [pd.DataFrame(columns) for columns in self.assignment_chunks()]
        return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(
            columns=["id", "kind", "cluster_id", "kind_cluster"])

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

    def _write_assignments(self, path: Path) -> None:
        """``assignments.parquet`` written chunk by chunk (the rows never all in memory)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        try:
            for columns in self.assignment_chunks():
                table = pa.table({**columns, "synthetic": np.full(len(columns["id"]),
                                                                  self.synthetic)})
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema, write_statistics=False,
                                              use_dictionary=["kind", "cluster_id",
                                                              "kind_cluster"])
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            self.assignments.assign(synthetic=self.synthetic).to_parquet(path, index=False)

    def to_frame(self) -> pd.DataFrame:
        """The ranking (``clusters.csv``); every table of the run is in :meth:`tables`."""
        return self.clusters

    def tables(self) -> dict[str, object]:
        """clusters.csv, assignments.parquet (written in chunks), economies.csv,
        intensity.csv (each with the ``synthetic`` flag) and excluded.csv."""
        flag = {"synthetic": self.synthetic}
        return {"clusters.csv": self.clusters.assign(**flag),
                "assignments.parquet": self._write_assignments,
                "economies.csv": self.economies().assign(**flag),
                "intensity.csv": self.intensity().assign(**flag),
                "excluded.csv": self.excluded}

    def write(self, out: str | os.PathLike, *, settings: dict | None = None,
              inputs: dict | None = None, force: bool = False,
              started: float | None = None) -> Path:
        """Write a clusters run directory (see :mod:`innometrics.runs`): :meth:`tables` and a
        manifest of kind :attr:`kind` whose settings are :meth:`run_settings` and any
        ``settings`` given (such as the seed of synthetic input)."""
        details = {"synthetic": self.synthetic, "clusters": len(self.clusters),
                   "records": self.records.n_records,
                   "points": len(self.records.points),
                   "excluded": {str(k): int(v) for k, v in
                                self.excluded["reason"].value_counts().items()}}
        return write_run(out, kind=self.kind, tables=self.tables(),
                         settings={**self.run_settings(), **(settings or {})},
                         inputs=inputs or {}, force=force, started=started, details=details)
