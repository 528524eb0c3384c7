"""Run directories: one manifest schema, safe atomic writing, one reader.

Every command that computes something writes a *run directory*: its tables plus a
``manifest.json`` of one schema for every kind of run::

    {
      "schema": "innometrics.run/1",
      "kind": "build",                       # build, audit, uncertainty, clusters-rank, ...
      "command": ["innometrics", "build", "recipe.yaml", "--out", "results"],   # or null
      "settings": {...},                     # the settings actually used, defaults resolved
      "inputs": [{"role": "recipe", "path": "/abs/recipe.yaml", "sha256": "..."}, ...],
      "versions": {"innometrics": "...", "python": "...", "numpy": "...", ...},
      "created": "2026-11-30T09:00:00+00:00",   # UTC, when the run started
      "duration_s": 0.42,
      "files": ["manifest.json", "ranks.csv", "scores.csv", ...],
      "details": {...}                       # what else the kind records (optional)
    }

**Output safety.** A command writes only into a directory it creates, or into one that holds
an earlier innometrics run of the same kind (recognised by its manifest, holding nothing but
the files that manifest lists), which it replaces atomically: the new run is written to a
temporary sibling directory and renamed into place only once complete. Anything else at
``--out`` is refused before any work is done, with one line and nothing touched: an existing
file, device or link, the working directory or an ancestor of it or of an input, the home
directory, ``/``, a non-empty directory that is not an innometrics run, or a run of another
kind. ``force=True`` (``--force``) lets a command replace a non-empty foreign directory or a
run of another kind, never the working directory, an ancestor, the home directory, ``/`` or a
non-directory.

Single output files (records, reports, tables) follow the same rule: they are written through
a temporary file and replaced only when the file at that path is one innometrics wrote, as
its sidecar ``<file>.manifest.json`` proves (the SHA-256 of the file must match).

:func:`open_run` reads any run directory back as a :class:`Run`, :func:`open_file` a single
output file by its sidecar.

The package is split by job: :mod:`~innometrics.runs.encoding` (JSON, hashes, versions,
paths recorded), :mod:`~innometrics.runs.safety` (the output-safety policy),
:mod:`~innometrics.runs.writer` (staging and the atomic swap) and
:mod:`~innometrics.runs.reader` (reading back, checking tables). It knows no store, report
or recipe: recording a run and attaching a report happen where a command finishes.
"""

from __future__ import annotations

from .encoding import MANIFEST, SCHEMA, command_line, final_path, sha256_file, to_json, versions
from .reader import CODE_COLUMNS, Run, open_file, open_run, use_recipe_tools
from .safety import (
    TABLE_FORMATS,
    check_out_dir,
    check_out_file,
    check_table_suffix,
    enclosing_run,
    protecting,
)
from .writer import RunWriter, TableValue, add_to_run, write_file, write_run

__all__ = ["SCHEMA", "MANIFEST", "TABLE_FORMATS", "CODE_COLUMNS", "Run", "RunWriter", "open_run",
           "open_file", "write_run", "write_file", "add_to_run", "check_out_dir",
           "check_out_file", "check_table_suffix", "sha256_file", "versions", "command_line",
           "protecting", "final_path", "to_json", "enclosing_run", "use_recipe_tools",
           "TableValue"]
