"""Reading runs back: :func:`open_run` for run directories, :func:`open_file` for single
output files with their sidecar, and :class:`Run` whose tables are checked on reading
(:mod:`innometrics.runs`)."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._html_table import summary_table
from ..errors import InputError
from .encoding import MANIFEST, SCHEMA, _read_json, _sidecar, final_path, sha256_file

#: Columns of run tables that hold codes: read back as text, so "028" stays "028" (numeric
#: columns such as cluster_id or run stay numbers).
CODE_COLUMNS = frozenset({"uCode", "iCode", "code", "id", "economy", "economies_iso2", "group",
                          "NUM", "Parent", "ISO3", "iso3"})


# --- reading -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """A run directory read back: its manifest and its tables.

    Attributes
    ----------
    path : Path
    manifest : dict
    """

    path: Path
    manifest: dict

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def files(self) -> list[str]:
        return list(self.manifest.get("files", []))

    @property
    def settings(self) -> dict:
        return dict(self.manifest.get("settings", {}))

    def has(self, name: str) -> bool:
        """Whether the run holds the table ``name`` (file name with or without ``.csv``)."""
        return self._file(name) is not None

    def _file(self, name: str) -> str | None:
        for candidate in (name, f"{name}.csv", f"{name}.parquet"):
            if candidate in self.manifest.get("files", []):
                return candidate
        return None

    def table(self, name: str) -> pd.DataFrame:
        """Read the table ``name`` (``"scores"``, ``"data/Raw"``, ``"assignments.parquet"``)."""
        found = self._file(name)
        if found is None:
            tables = [f for f in self.files if f.endswith((".csv", ".parquet"))]
            raise InputError(str(self.path), f"the {self.kind} run has no table '{name}'",
                             f"use one of {tables}")
        path = self.path / found
        try:
            if found.endswith(".parquet"):
                table = pd.read_parquet(path)
            else:
                header = pd.read_csv(path, nrows=0).columns
                table = pd.read_csv(path, keep_default_na=True, na_values=[""],
                                    dtype={c: str for c in header if c in CODE_COLUMNS})
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
                OSError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(str(path), f"cannot be read as a table ({first})",
                             "rerun the command that wrote the run") from None
        _check_columns(path, table, self.kind)
        if found.startswith(("scores.", "ranks.")) and self._file("framework.csv"):
            self._check_nodes(path, table)
        return table

    def _check_nodes(self, path: Path, table: pd.DataFrame) -> None:
        """A scores or ranks table holds a column for every indicator and aggregate of the
        run's framework (a column deleted by hand would make another node the index)."""
        framework = self.table("framework.csv")
        nodes = (framework.loc[framework["Type"].isin(["Indicator", "Aggregate"]), "iCode"]
                 if "Type" in framework else framework["iCode"])
        missing = [str(c) for c in nodes if str(c) not in table.columns]
        if missing:
            raise InputError(str(path), f"lacks the column '{missing[0]}', a node of the "
                             "run's framework.csv", "rerun the command that wrote the run; "
                             "do not edit its tables by hand")

    def _indexed(self, name: str) -> pd.DataFrame:
        table = self.table(name)
        if "uCode" not in table.columns:
            raise InputError(str(self.path / f"{name}.csv"), "has no uCode column",
                             "rerun the command that wrote the run")
        return table.set_index("uCode")

    def tables(self) -> list[str]:
        """Names of the tables the run holds."""
        return [f for f in self.files if f.endswith((".csv", ".parquet"))]

    @property
    def scores(self) -> pd.DataFrame:
        """``scores.csv`` indexed by ``uCode`` (build and GII import runs)."""
        return self._indexed("scores")

    @property
    def ranks(self) -> pd.DataFrame:
        """``ranks.csv`` indexed by ``uCode``."""
        return self._indexed("ranks")

    def recipe(self, *, allow_functions: bool = False,
               functions: Mapping[str, Callable] | Sequence[Callable] | None = None) -> Any:
        """The recipe recorded in the run (``recipe.yaml``), loaded and validated.

        Parameters
        ----------
        allow_functions : bool, default False
            Import the own functions the recipe names (``method: "package.module:function"``,
            as a run records them); without it (or ``functions``) such a recipe is refused.
        functions : mapping of str → callable, or sequence of callables, optional
            The own functions themselves, by the reference the run recorded
            (``{"mymodule:my_norm": f}``) or as callables named by their ``module:qualname``
            (``[f]``): what a function defined in a notebook (``__main__``) needs, since it
            cannot be imported.
        """
        if "recipe.yaml" not in self.files:
            raise InputError(str(self.path), f"the {self.kind} run holds no recipe.yaml",
                             "open a build or GII import run")
        return _RECIPE_TOOLS["load"](self.path / "recipe.yaml", functions=functions,
                                     allow_functions=allow_functions)

    def rebuild(self, *, allow_functions: bool = False,
                functions: Mapping[str, Callable] | Sequence[Callable] | None = None) -> Any:
        """Run the recorded recipe again (an :class:`~innometrics.result.IndexResult`);
        ``allow_functions`` and ``functions`` as in :meth:`recipe`."""
        return _RECIPE_TOOLS["build"](self.recipe(allow_functions=allow_functions,
                                                  functions=functions))

    def _repr_html_(self) -> str:
        """Kind, provenance and the top units as HTML (for Jupyter)."""
        return summary_table(*self.summary(rows=10))

    def summary(self, *, rows: int = 10) -> tuple[list[tuple[str, str]], pd.DataFrame | None]:
        """What a notebook shows of the run: kind, final path, time, command and inputs as
        ``(label, value)`` pairs, and the top ``rows`` units by the index (None for a run
        without scores and ranks)."""
        command = self.manifest.get("command")
        head = [("kind", self.kind), ("path", str(final_path(self.path))),
                ("created", str(self.manifest.get("created", ""))),
                ("command", shlex.join(map(str, command)) if command else "(a library call)")]
        head += [(f"input: {i.get('role', '')}",
                  f"{i.get('path', '')} (SHA-256 {str(i.get('sha256') or '—')[:12]}…)")
                 for i in self.manifest.get("inputs") or [] if isinstance(i, dict)]
        if not (self.has("ranks") and self.has("scores")):
            return head, None
        scores = self.scores
        index = scores.columns[-1]
        return head, (scores[[index]].assign(rank=self.ranks[index])
                      .sort_values("rank", kind="stable").head(rows))


#: How a run's recipe is loaded and built: :func:`innometrics.recipe.load_recipe` and
#: :func:`innometrics.result.build`, set by the package on import (``innometrics/__init__.py``,
#: which sits above both). The run layer is below the recipe (results write through it), so it
#: may not import either itself.
_RECIPE_TOOLS: dict[str, Callable[..., Any]] = {}


def use_recipe_tools(*, load: Callable[..., Any], build: Callable[[Any], Any]) -> None:
    """Set how :meth:`Run.recipe` loads a run's ``recipe.yaml`` and :meth:`Run.rebuild`
    builds it (done once by the package)."""
    _RECIPE_TOOLS.update(load=load, build=build)


#: What the readers of run tables rely on, by file stem (``kind:stem`` for a table of one
#: kind of run only): the columns that must be there, the
#: columns that hold numbers (``None``: every column but uCode and uName) and the key
#: columns that may not be empty. A table edited by hand is checked against it
#: (:meth:`Run.table`).
_TABLE_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...]]] = {
    "scores": (("uCode",), None, ("uCode",)),
    "ranks": (("uCode",), None, ("uCode",)),
    "rank_intervals": (("uCode", "nominal"), None, ("uCode",)),
    "gii-import:profiles": (("uCode", "uName", "code", "level", "score", "rank",
                             "strength_weakness", "income_group_sw"),
                            ("score", "rank", "wipo_score", "wipo_rank", "group_n",
                             "group_mean", "group_sd", "z"), ("uCode", "code", "level")),
    "agreement": (("code", "level", "economies", "reproduced"),
                  ("economies", "reproduced", "max_abs_diff", "rank_mismatches"), ("code",)),
    "clusters": (("name", "rank"),
                 ("cluster_id", "patents", "publications", "patent_share", "publication_share",
                  "score", "rank", "population", "intensity", "intensity_rank", "lat", "lon"),
                 ()),
    "economies": (("economy", "clusters"), ("clusters",), ("economy",)),
    "intensity": ((), ("intensity_rank", "cluster_id", "population", "patents",
                       "publications", "intensity", "rank"), ()),
    "claims": (("id", "verdict"), ("year", "claimed", "found", "tolerance", "rank_q05",
                                  "rank_median", "rank_q95"), ("id", "verdict")),
    "framework": (("iCode", "Level"), ("Level", "Weight", "Direction"), ("iCode",)),
}
_TEXT_COLUMNS = frozenset({"uCode", "uName"})


def _check_columns(path: Path, table: pd.DataFrame, kind: str) -> None:
    """Refuse a run table that lacks a column its readers rely on, has an empty key, or holds
    text where they expect numbers (a table edited by hand): one line naming the file, the
    column and the row (counted as in a spreadsheet, the header being row 1)."""
    stem = re.sub(r"\.(csv|parquet)$", "", path.name)
    rule = _TABLE_RULES.get(f"{kind}:{stem}", _TABLE_RULES.get(stem))
    if rule is None:
        return
    fix = "rerun the command that wrote the run; do not edit its tables by hand"
    required, numeric, keys = rule
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(str(path), f"lacks the column '{missing[0]}'", fix)
    for column in keys:
        empty = table[column].isna().to_numpy()
        if empty.any():
            raise InputError(str(path), f"column '{column}', row "
                             f"{int(np.flatnonzero(empty)[0]) + 2}: is empty", fix)
    columns = ([c for c in table.columns if c not in _TEXT_COLUMNS] if numeric is None
               else [c for c in numeric if c in table.columns])
    for column in columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        bad = (values.notna() & pd.to_numeric(values, errors="coerce").isna()).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(str(path), f"column '{column}', row {row + 2}: "
                             f"{str(values.iloc[row])[:40]!r} is not a number", fix)


def open_run(path: str | os.PathLike) -> Run:
    """Read a run directory written by any innometrics command.

    Raises
    ------
    InputError
        If ``path`` is not a directory, has no valid manifest, or lacks a file its manifest
        lists (an incomplete or altered run).
    """
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(str(path), "is not a directory", "give the --out directory of a run")
    manifest = _read_json(directory / MANIFEST)
    if manifest is None or manifest.get("schema") != SCHEMA:
        raise InputError(str(path), f"has no innometrics {MANIFEST}",
                         "give a directory written by an innometrics command")
    files = manifest.get("files")
    if (not isinstance(manifest.get("kind"), str) or not manifest["kind"]
            or not isinstance(files, list) or not all(isinstance(f, str) for f in files)
            or not isinstance(manifest.get("settings", {}), dict)):
        raise InputError(str(directory / MANIFEST), "is not a valid manifest (kind, files or "
                         "settings is missing or of the wrong type)",
                         "rerun the command that wrote the run; do not edit manifest.json")
    missing = [f for f in files if not (directory / f).is_file()]
    if missing:
        raise InputError(str(path), f"lacks {missing[0]}, which its manifest lists",
                         "rerun the command that wrote it")
    return Run(path=directory.resolve(), manifest=manifest)


def open_file(path: str | os.PathLike) -> Run:
    """Read back a single output file written by innometrics, by its sidecar
    ``<file>.manifest.json`` (a :class:`Run` whose ``path`` is the file).

    Raises
    ------
    InputError
        If the file or its sidecar is missing or not valid, or the file's SHA-256 differs
        from the one its sidecar records (the file was changed after it was written).
    """
    file = Path(path)
    side = _sidecar(file)
    if not file.is_file():
        raise InputError(str(path), "is not a file", "give an output file of innometrics")
    manifest = _read_json(side)
    if manifest is None or manifest.get("schema") != SCHEMA or not isinstance(
            manifest.get("kind"), str):
        raise InputError(str(path), f"has no valid innometrics sidecar {side.name}",
                         "give a file written by an innometrics command, with its "
                         "<file>.manifest.json beside it")
    if manifest.get("sha256") != sha256_file(file):
        raise InputError(str(path), f"does not match the SHA-256 recorded in {side.name}: it "
                         "was changed after innometrics wrote it",
                         "rerun the command that wrote it, or restore the original file")
    return Run(path=file.resolve(), manifest=manifest)


