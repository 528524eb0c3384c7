"""Which runs go into one report, and how they belong together.

A report shows one or more *index groups* and any number of cluster runs:

- an index group is a ``build`` (or ``gii-import``) run with, optionally, one ``audit`` and one
  ``uncertainty`` run **of the same data**: runs are matched by the SHA-256 of their data —
  the ``data`` input recorded in their manifests, or the ``data.csv`` they hold (an audit of a
  build run's own ``recipe.yaml`` reads that run's ``data.csv``). An audit or uncertainty run
  whose data match no build run given, or match several equally well, is refused with an
  :class:`~innometrics.errors.InputError`; the report states how each run was matched.
- ``clusters-rank`` and ``clusters-detect`` runs each get a section of their own.
- a panel ``uncertainty`` run (one with ``rank_changes.csv``) whose data match no build run
  given stands alone: its ranks over time are shown without the build's section.
- a ``demo`` run is read as the runs it holds (its sub-directories).
- runs of any other kind get a generic section listing their tables, so that a new kind of
  run is reported without new code.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import InputError
from ..runs import MANIFEST, Run, open_run, sha256_file

__all__ = ["IndexGroup", "ReportInputs", "collect_runs", "data_keys", "INDEX_KINDS",
           "COMPANION_KINDS", "CLUSTER_KINDS"]

#: Kinds of run that hold scores and ranks (one index group each).
INDEX_KINDS = ("build", "gii-import")
#: Kinds of run that join the index group of the same data.
COMPANION_KINDS = ("audit", "uncertainty")
#: Kinds of run with a cluster table.
CLUSTER_KINDS = ("clusters-rank", "clusters-detect")


@dataclass(frozen=True)
class IndexGroup:
    """A build run and the audit and uncertainty runs of the same data.

    Attributes
    ----------
    build : Run
    audit, uncertainty : Run or None
    notes : tuple of str
        How each companion run was matched (shown in the report).
    """

    build: Run
    audit: Run | None = None
    uncertainty: Run | None = None
    notes: tuple[str, ...] = ()

    @property
    def runs(self) -> list[Run]:
        """The runs of the group, build first."""
        return [r for r in (self.build, self.audit, self.uncertainty) if r is not None]


@dataclass(frozen=True)
class ReportInputs:
    """The runs of one report, grouped (see the module docstring)."""

    groups: tuple[IndexGroup, ...] = ()
    clusters: tuple[Run, ...] = ()
    others: tuple[Run, ...] = field(default_factory=tuple)

    @property
    def runs(self) -> list[Run]:
        """Every run, in report order."""
        out = [r for g in self.groups for r in g.runs]
        return [*out, *self.clusters, *self.others]


def _short(sha: str) -> str:
    return f"{sha[:12]}…"


def data_keys(run: Run) -> dict[str, str]:
    """The SHA-256 values that identify a run's data: its ``data`` input(s) as recorded in
    the manifest and the ``data.csv`` it holds, by where each came from."""
    keys = {}
    for item in run.manifest.get("inputs", []) or []:
        if isinstance(item, dict) and item.get("role") == "data" and item.get("sha256"):
            keys[f"data input {item.get('path')}"] = str(item["sha256"])
    if "data.csv" in run.files:
        keys[f"data.csv of {run.path}"] = sha256_file(run.path / "data.csv")
    return keys


def _recipe_sha(run: Run) -> str | None:
    for item in run.manifest.get("inputs", []) or []:
        if isinstance(item, dict) and item.get("role") == "recipe":
            return item.get("sha256")
    return None


def _expand(items: Sequence[Run | str | os.PathLike]) -> list[Run]:
    """Open every run; a ``demo`` run becomes the runs it holds."""
    out: list[Run] = []
    for item in items:
        run = item if isinstance(item, Run) else open_run(item)
        if run.kind == "demo":
            subs = sorted({name.split("/")[0] for name in run.files
                           if name.endswith("/" + MANIFEST) and name.count("/") == 1})
            if not subs:
                raise InputError(str(run.path), "the demo run holds no runs",
                                 "rerun innometrics demo")
            out.extend(open_run(run.path / sub) for sub in subs)
        else:
            out.append(run)
    return out


def _match(companion: Run, builds: list[Run]) -> tuple[Run, str]:
    """The build run whose data are the companion's, and a note saying how they matched."""
    keys = data_keys(companion)
    if not keys:
        raise InputError(str(companion.path), f"the {companion.kind} run records no data "
                         "SHA-256", "rerun it with this version of innometrics")
    found = []
    for build in builds:
        shared = sorted(set(keys.values()) & set(data_keys(build).values()))
        if shared:
            found.append((build, shared[0]))
    if len(found) > 1:  # several builds of the same data: the recipe file decides
        same_recipe = [(b, s) for b, s in found if _recipe_sha(b) is not None
                       and _recipe_sha(b) == _recipe_sha(companion)]
        found = same_recipe if len(same_recipe) == 1 else found
    if not found:
        shown = ", ".join(_short(v) for v in sorted(set(keys.values())))
        raise InputError(str(companion.path), f"the {companion.kind} run's data (SHA-256 "
                         f"{shown}) match no build run given",
                         "give the build run of the same recipe and data, or leave this run "
                         "out of the report")
    if len(found) > 1:
        raise InputError(str(companion.path), f"the {companion.kind} run's data match "
                         f"{len(found)} build runs ({', '.join(str(b.path) for b, _ in found)})",
                         "give one build run per recipe and data")
    build, sha = found[0]
    note = (f"{companion.kind} run {companion.path} matched to build run {build.path} by the "
            f"SHA-256 of their data ({_short(sha)})")
    if _recipe_sha(build) and _recipe_sha(companion) and _recipe_sha(build) != _recipe_sha(
            companion):
        note += "; their recipe files differ, so their settings may differ"
    return build, note


def collect_runs(runs: Sequence[Run | str | os.PathLike]) -> ReportInputs:
    """Open and group the runs of a report (see the module docstring).

    Parameters
    ----------
    runs : sequence of Run or path
        Run directories (or :class:`~innometrics.runs.Run` objects), in any order.

    Returns
    -------
    ReportInputs

    Raises
    ------
    InputError
        If no run is given, a path is not a run, two runs are the same directory, or an
        audit or uncertainty run matches no build run (or several, or one that already has
        a run of that kind).
    """
    if isinstance(runs, str | os.PathLike | Run):
        runs = [runs]
    opened = _expand(list(runs))
    if not opened:
        raise InputError("report", "no run given", "give at least one run directory")
    seen: set = set()
    for run in opened:
        if run.path in seen:
            raise InputError(str(run.path), "is given twice", "give each run once")
        seen.add(run.path)
    builds = [r for r in opened if r.kind in INDEX_KINDS]
    companions: dict = {b.path: {} for b in builds}
    notes: dict = {b.path: [] for b in builds}
    alone = []
    for run in opened:
        if run.kind not in COMPANION_KINDS:
            continue
        if run.has("rank_changes") and not any(
                set(data_keys(run).values()) & set(data_keys(b).values()) for b in builds):
            alone.append(run)
            continue
        build, note = _match(run, builds)
        if run.kind in companions[build.path]:
            raise InputError(str(run.path), f"build run {build.path} is already matched "
                             f"with the {run.kind} run {companions[build.path][run.kind].path}",
                             f"give one {run.kind} run per build run")
        companions[build.path][run.kind] = run
        notes[build.path].append(note)
    groups = tuple(IndexGroup(build=b, audit=companions[b.path].get("audit"),
                              uncertainty=companions[b.path].get("uncertainty"),
                              notes=tuple(notes[b.path])) for b in builds)
    clusters = tuple(r for r in opened if r.kind in CLUSTER_KINDS)
    others = tuple(r for r in opened if r.kind not in INDEX_KINDS + COMPANION_KINDS
                   + CLUSTER_KINDS or r in alone)
    return ReportInputs(groups=groups, clusters=clusters, others=others)
