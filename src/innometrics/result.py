"""IndexResult: everything a recipe run produced, and the way to regenerate it."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .io import atomic_output_dir
from .ranking import rank_min
from .recipe import Recipe, build

__all__ = ["IndexResult"]


@dataclass(frozen=True)
class IndexResult:
    """The outcome of running a :class:`~innometrics.recipe.Recipe`.

    Attributes
    ----------
    recipe : Recipe
        What was run; ``with_step`` / ``with_weights`` rerun a changed copy.
    stages : dict of str → DataFrame
        The data after each step (``Raw``, ``Denominated``, ``Imputed``, ``Treated``,
        ``Normalised``, ``Aggregated``, ...), units × codes, indexed by ``uCode``.
    records : dict of str → dict
        What each step did (its settings, masks of imputed or treated points, ...).
    created : str
        UTC time of the run (ISO 8601).
    """

    recipe: Recipe
    stages: dict[str, pd.DataFrame]
    records: dict[str, dict]
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    # --- the headline tables ---------------------------------------------------------------
    @property
    def scores(self) -> pd.DataFrame:
        """Scores of every node: indicators after the last transforming step, then every
        aggregate (units × codes, indexed by ``uCode``)."""
        return next(reversed(self.stages.values()))

    @property
    def ranks(self) -> pd.DataFrame:
        """Ranks of every column of :attr:`scores` (1 = best, ties share the best rank)."""
        s = self.scores
        return pd.DataFrame(rank_min(s.to_numpy()), index=s.index, columns=s.columns)

    @property
    def index_code(self) -> str:
        """Code of the top node (the index)."""
        return self.scores.columns[-1]

    def top(self, n: int = 10, code: str | None = None) -> pd.DataFrame:
        """The ``n`` best units on ``code`` (default: the index) with names, scores, ranks."""
        code = code or self.index_code
        names = dict(zip(self.recipe.data.units, self.recipe.data.names, strict=True))
        table = pd.DataFrame({
            "uName": [names[u] for u in self.scores.index],
            "score": self.scores[code],
            "rank": self.ranks[code],
        }, index=self.scores.index)
        return table.sort_values(["rank", "uName"]).head(n)

    # --- regeneration ----------------------------------------------------------------------
    def with_step(self, step: str, **settings: Any) -> IndexResult:
        """Rerun with ``step``'s settings replaced (e.g. ``with_step("normalise",
        method="zscore", mean=10, sd=2)``)."""
        return build(self.recipe.with_step(step, **settings))

    def with_weights(self, weights: Mapping[str, float]) -> IndexResult:
        """Rerun with some node weights replaced."""
        return build(self.recipe.with_weights(weights))

    # --- records as tables -----------------------------------------------------------------
    def treatment(self) -> pd.DataFrame | None:
        """Per indicator: skew and kurtosis before and after, points winsorised, fallback."""
        rec = self.records.get("treat")
        if rec is None:
            return None
        keys = ("skew0", "kurt0", "pass0", "n_winsorised", "skew1", "kurt1", "pass1",
                "transformed", "skew2", "kurt2", "pass2")
        table = pd.DataFrame({k: rec[k] for k in keys},
                             index=pd.Index(self.recipe.framework.indicators, name="iCode"))
        return table

    def treated_points(self) -> pd.DataFrame | None:
        """Per unit and indicator: how the point was treated ("winhi", "winlo", "log_ct")."""
        rec = self.records.get("treat")
        if rec is None:
            return None
        return pd.DataFrame(rec["points"], index=pd.Index(rec["units"], name="uCode"),
                            columns=self.recipe.framework.indicators)

    def imputed_points(self) -> pd.DataFrame | None:
        """Per unit and indicator: True where a value was imputed."""
        rec = self.records.get("impute")
        if rec is None:
            return None
        return pd.DataFrame(rec["imputed"], index=pd.Index(rec["units"], name="uCode"),
                            columns=self.recipe.framework.indicators)

    def screening(self) -> pd.DataFrame | None:
        """Per unit: data coverage and whether it was kept."""
        rec = self.records.get("screen")
        if rec is None:
            return None
        return pd.DataFrame({"coverage": rec["coverage"], "kept": rec["kept"]},
                            index=pd.Index(rec["units"], name="uCode"))

    # --- provenance and export -------------------------------------------------------------
    def manifest(self) -> dict:
        """Recipe, fingerprints, versions and time: what is needed to trace every number."""
        import numpy
        import pandas

        return {
            "innometrics_version": __version__,
            "created": self.created,
            "recipe_file": self.recipe.source,
            "recipe": self.recipe.to_dict(),
            "framework_fingerprint": self.recipe.framework.fingerprint(),
            "data_fingerprint": self.recipe.data.fingerprint(),
            "file_sha256": {k.removesuffix("_sha256"): v for k, v in self.recipe.files.items()
                            if k.endswith("_sha256")},
            "units": len(self.scores),
            "units_screened_out": [u for u in self.recipe.data.units
                                   if u not in self.scores.index],
            "versions": {"python": platform.python_version(), "numpy": numpy.__version__,
                         "pandas": pandas.__version__},
        }

    def write(self, out: str | os.PathLike) -> Path:
        """Write the result to directory ``out``, replacing it only once all files are written.

        Layout: ``scores.csv``, ``ranks.csv`` (``uCode`` then one column per node),
        ``data/<Stage>.csv`` for every stage, ``treatment.csv``, ``treated_points.csv``,
        ``imputed_points.csv``, ``screening.csv`` where those steps ran, ``manifest.json``.
        """
        with atomic_output_dir(out) as tmp:
            self.scores.to_csv(tmp / "scores.csv")
            self.ranks.astype("Int64").to_csv(tmp / "ranks.csv")
            (tmp / "data").mkdir()
            for name, frame in self.stages.items():
                frame.to_csv(tmp / "data" / f"{name}.csv")
            for name, table in (("treatment", self.treatment()),
                                ("treated_points", self.treated_points()),
                                ("imputed_points", self.imputed_points()),
                                ("screening", self.screening())):
                if table is not None:
                    table.to_csv(tmp / f"{name}.csv")
            (tmp / "manifest.json").write_text(
                json.dumps(self.manifest(), indent=2, default=_json_default) + "\n")
        return Path(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
