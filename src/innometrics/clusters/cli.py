"""``innometrics clusters synth | import-patentsview | import-openalex | detect | rank``
(a typer sub-app mounted by the main CLI).

``import-patentsview`` and ``import-openalex`` turn PatentsView and OpenAlex extracts into a
records file (fractional counts); ``synth`` writes synthetic records.

Outputs of ``detect`` and ``rank`` (contract): ``DIR/clusters.csv`` with ``cluster_id, name,
economies, patents, publications, patent_share, publication_share, score, rank`` (then extra
columns) and ``DIR/assignments.parquet`` with ``id, kind, cluster_id`` (−1 = noise); also
``economies.csv``, ``intensity.csv``, ``excluded.csv`` and ``manifest.json`` (the settings
used, the input's SHA-256, versions). ``DIR`` is a run directory (:mod:`innometrics.runs`):
new, or an earlier run of the same command, replaced atomically. Files written by ``synth``
and the importers get a sidecar ``<file>.manifest.json``.

Commands import the engines they run inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .._cli_util import (
    Force,
    NoStore,
    OutDir,
    Quiet,
    Report,
    StoreFile,
    add_report,
    console,
    friendly_errors,
    rank_text,
    record,
)
from .._dask import dask_client
from .._params import Interval, Real, check_params
from ..errors import InvalidParameter
from ..runs import RunWriter, check_out_file, write_file

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="S&T clusters: WIPO-style density clustering of patents and articles.")

_SYNTHETIC_NOTE = ("SYNTHETIC DATA: points drawn around real cities by "
                   "innometrics clusters synth; not real patents or publications.")


class Kind(StrEnum):
    patent = "patent"
    publication = "publication"


class Engine(StrEnum):
    numba = "numba"
    dask = "dask"


_TILE = [Interval(Real, 1.0, 20000.0)]


def _opt(help_text: str) -> typer.models.OptionInfo:
    return typer.Option(help=help_text)


RecordsArg = Annotated[Path, typer.Argument(
    help="Records file: Parquet, CSV (also .gz) or JSON lines; read in chunks.")]
EngineOpt = Annotated[Engine, typer.Option("--engine", help="numba (one machine) or dask.")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address (default: an in-process local cluster).")]
TileOpt = Annotated[float | None, typer.Option(
    "--tile-km", help="Dask tile side, km (default 500; with --engine dask).")]
_DEFAULT_TILE_KM = 500.0
DropOpt = Annotated[bool, typer.Option(
    "--drop-invalid", help="Exclude bad rows (counted in the report) instead of failing.")]
DocumentOpt = Annotated[str | None, typer.Option(
    "--document-column", help="Column of document ids (patent, article): the rows of a "
    "document weigh 1/n each (WIPO's fractional count); the file then has no weight column.")]


def _on_invalid(drop_invalid: bool) -> str:
    return "exclude" if drop_invalid else "raise"


def _check_flags(values: dict, constraints: dict) -> None:
    """Check settings under the names of their flags (``--patent-eps-km``)."""
    flag = {name: "--" + name.replace("_", "-") for name in values}
    check_params("the command line", {flag[k]: v for k, v in values.items()},
                 {flag[k]: constraints[k] for k in values if k in constraints})


def _check_run_flags(values: dict, constraints: dict, engine: Engine, scheduler: str | None,
                     tile_km: float | None, drop_invalid: bool,
                     document_column: str | None) -> dict:
    """Check the flags of ``detect`` or ``rank`` (``values`` under ``constraints``, plus the
    engine's) and return how the run is made, for the manifest. The Dask flags are refused
    without ``--engine dask`` rather than silently ignored."""
    if engine is not Engine.dask:
        for flag, value in (("--scheduler", scheduler), ("--tile-km", tile_km)):
            if value is not None:
                raise InvalidParameter(f"'{flag}' applies to '--engine dask' only; add "
                                       f"--engine dask or leave {flag} out.")
    tile_km = _DEFAULT_TILE_KM if tile_km is None else tile_km
    _check_flags({**values, "tile_km": tile_km}, {**constraints, "tile_km": _TILE})
    return {"engine": engine.value, "tile_km": tile_km if engine is Engine.dask else None,
            "drop_invalid": drop_invalid, "document_column": document_column}


@contextlib.contextmanager
def _detector(engine: Engine, scheduler: str | None, tile_km: float) -> Iterator[object]:
    if engine is Engine.numba:
        yield None
        return
    from .distributed import dask_detector

    # a local cluster runs in threads of this process: the tiles share its arrays
    with dask_client(scheduler, processes=False) as client:
        yield dask_detector(client, tile_km)


@contextlib.contextmanager
def _progress() -> Iterator[object]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("reading records", total=None)
        yield lambda name: bar.update(task, description=name)


def _print_counts(rec, source: Path) -> None:
    counts = rec.exclusion_counts()
    n = rec.n_records
    console.print(f"{n} records read from {source}; {int(counts.sum())} excluded"
                  + "".join(f"\n  {n} × {reason}" for reason, n in counts.items()))
    if n == 0:
        console.print("warning: no usable record; check the input format", style="yellow")


def _load(records: Path, options: dict):
    from .stream import scan_records

    rec = scan_records(records, on_invalid=_on_invalid(options["drop_invalid"]),
                       document_column=options["document_column"])
    if rec.synthetic:
        console.print(_SYNTHETIC_NOTE, style="bold yellow")
    _print_counts(rec, records)
    return rec


def _excluded_path(out: Path) -> Path:
    return out.with_name(out.stem + ".excluded.csv")


def _check_import_out(out: Path, inputs: list[Path]) -> None:
    check_out_file(out, inputs=inputs)
    check_out_file(_excluded_path(out), inputs=inputs)


def _save_import(rec, kind: str, inputs: dict[str, Path], out: Path) -> None:
    """Write imported records to ``out`` and the excluded rows next to it; an import with no
    usable record is an error (the wrong file given, or a file cut short)."""
    if len(rec.frame) == 0:
        reasons = "; ".join(f"{n} × {reason}" for reason, n in rec.exclusion_counts().items())
        raise ValueError(f"{next(iter(inputs.values()))}: no usable record"
                         + (f" ({reasons})" if reasons else "") + ". Fix: check that each "
                         "file is the table its argument names, and complete")
    details = {"records": len(rec.frame), "excluded": int(len(rec.excluded))}
    out = write_file(out, rec.frame, kind=kind, inputs=inputs, details=details)
    excluded = write_file(_excluded_path(out), rec.excluded, kind=kind, inputs=inputs,
                          details=details)
    _print_counts(rec, next(iter(inputs.values())))
    console.print(f"records → {out}\nexcluded rows and reasons → {excluded}")
    record(out)


ImportOut = Annotated[Path, typer.Option(
    "--out", help="Records file to write (.parquet or .csv); excluded rows go to "
                  "<name>.excluded.csv beside it.")]


@app.command("import-patentsview")
@friendly_errors
def import_patentsview(
    inventors: Annotated[Path, typer.Argument(
        help="g_inventor_disambiguated (TSV as distributed, CSV or Parquet).")],
    locations: Annotated[Path, typer.Argument(help="g_location_disambiguated.")],
    out: ImportOut,
    drop_invalid: DropOpt = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """Patent records from PatentsView: one per inventor, 1/n of the patent each.

    Example: innometrics clusters import-patentsview g_inventor_disambiguated.tsv.zip
    g_location_disambiguated.tsv.zip --out patents.parquet
    """
    from .records import read_patentsview

    _check_import_out(out, [inventors, locations])
    rec = read_patentsview(inventors, locations,
                           on_invalid=_on_invalid(drop_invalid))
    _save_import(rec, "clusters-import-patentsview",
                 {"inventors": inventors, "locations": locations}, out)


@app.command("import-openalex")
@friendly_errors
def import_openalex(
    works: Annotated[Path, typer.Argument(
        help="OpenAlex works: JSON lines (.jsonl, .gz), a JSON array or API pages "
             "({\"results\": [...]}).")],
    institutions: Annotated[Path, typer.Argument(
        help="Institutions table with id, latitude, longitude, country_code.")],
    out: ImportOut,
    drop_invalid: DropOpt = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """Publication records from OpenAlex: 1/n of a work per author, split over the author's
    institutions.

    Example: innometrics clusters import-openalex works.jsonl.gz institutions.csv
    --out articles.parquet
    """
    from .records import read_openalex

    _check_import_out(out, [works, institutions])
    rec = read_openalex(works, institutions, on_invalid=_on_invalid(drop_invalid))
    _save_import(rec, "clusters-import-openalex", {"works": works, "institutions": institutions},
                 out)


def _report(result, rec, out: Path, n: int, min_weights: dict[str, float]) -> None:
    if result.synthetic:
        console.print(_SYNTHETIC_NOTE, style="bold yellow")
    console.print(f"{len(result.clusters)} clusters → {out}")
    if result.clusters.empty:
        # the world-scale defaults (2,000) exceed what a small or regional file can reach
        totals = rec.totals()
        totals["all records"] = totals.sum()
        console.print("No cluster found. Total weight: " + ", ".join(
            f"{kind} {totals.get(kind, 0.0):,.1f} (min weight {mw:,.1f})"
            for kind, mw in min_weights.items())
            + "; a lower --*min-weight or a larger --*eps-km may find clusters.")
    for row in result.clusters.head(n).itertuples():
        console.print(f"  {rank_text(row.rank):>4}  {str(row.name)[:40]:<40} "
                      f"{str(row.economies)[:15]:<15} {row.patents:>10.1f} "
                      f"{row.publications:>10.1f}  {row.score:.4f}")


@app.command()
@friendly_errors
def synth(
    points: Annotated[int, typer.Option("--points", min=1, help="Number of points.")],
    out: Annotated[Path, typer.Option("--out", help="Output file (.csv or .parquet).")],
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    cities: Annotated[int, _opt("Host cities (the most populous).")] = 300,
    spread_km: Annotated[float, _opt("Spread of a city of one million, km.")] = 6.0,
    background: Annotated[float, _opt("Share of background points.")] = 0.05,
    duplicate_share: Annotated[float, _opt("Share of points at the exact city centroid.")] = 0.0,
    unit_weights: Annotated[bool, _opt("Weight 1 per record.")] = False,
    quiet: Quiet = False,
) -> None:
    """Write synthetic records (with true_cluster and synthetic=True) around real cities.

    Example: innometrics clusters synth --points 100000 --seed 0 --out synthetic.parquet
    """
    from .synth import SYNTH_CONSTRAINTS, synthesize

    flags = {"points": "n_points", "cities": "n_cities", "background": "background",
             "spread_km": "spread_km", "duplicate_share": "duplicate_share"}
    given = {"points": points, "cities": cities, "background": background,
             "spread_km": spread_km, "duplicate_share": duplicate_share}
    _check_flags(given, {flag: SYNTH_CONSTRAINTS[name] for flag, name in flags.items()})
    check_out_file(out)
    settings = {"points": points, "seed": seed, "n_cities": cities, "spread_km": spread_km,
                "background": background, "duplicate_share": duplicate_share,
                "unit_weights": unit_weights}
    df = synthesize(points, **{k: v for k, v in settings.items() if k != "points"})
    out = write_file(out, df, kind="clusters-synth", settings=settings)
    console.print(_SYNTHETIC_NOTE, style="bold yellow")
    console.print(f"{points} synthetic points (seed {seed}, {cities} cities) → {out}")


@app.command()
@friendly_errors
def detect(
    records: RecordsArg,
    eps_km: Annotated[float, typer.Option("--eps-km", help="Radius in km (great circle).")],
    min_weight: Annotated[float, typer.Option("--min-weight", help="Weight for a core point.")],
    out: OutDir,
    kind: Annotated[Kind | None, _opt("Only this kind (default: all, pooled).")] = None,
    engine: EngineOpt = Engine.numba,
    scheduler: SchedulerOpt = None,
    tile_km: TileOpt = None,
    drop_invalid: DropOpt = False,
    document_column: DocumentOpt = None,
    force: Force = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """Plain weighted DBSCAN on the sphere.

    Example: innometrics clusters detect records.parquet --eps-km 10 --min-weight 50
    --out detected
    """
    from .dbscan import DBSCAN_CONSTRAINTS
    from .ranking import detect_clusters

    options = _check_run_flags({"eps_km": eps_km, "min_weight": min_weight},
                               DBSCAN_CONSTRAINTS, engine, scheduler, tile_km, drop_invalid,
                               document_column)
    writer = RunWriter(kind="clusters-detect", inputs={"records": records})
    writer.check(out, force=force)
    with _progress() as step:
        rec = _load(records, options)
        step("clustering")
        with _detector(engine, scheduler, options["tile_km"]) as detector:
            result = detect_clusters(rec, eps_km=eps_km, min_weight=min_weight,
                                     kind=kind.value if kind else None, detector=detector,
                                     options=options)
        step("writing")
        target = result.write(out, inputs=writer.inputs, force=force, started=writer.started)
    _report(result, rec, target, 10, {kind.value if kind else "all records": min_weight})
    record(target)


@app.command()
@friendly_errors
def rank(
    records: RecordsArg,
    out: OutDir,
    patent_eps_km: Annotated[float, _opt("Patent radius, km (WIPO: unknown).")] = 13.0,
    patent_min_weight: Annotated[float, _opt("Patent core weight (WIPO: unknown).")] = 2000.0,
    publication_eps_km: Annotated[float, _opt("Publication radius, km.")] = 13.0,
    publication_min_weight: Annotated[float, _opt("Publication core weight.")] = 2000.0,
    merge_km: Annotated[float | None, _opt("Overlap distance (default: max eps).")] = None,
    top_n: Annotated[int, _opt("Size of the ranking.")] = 100,
    name_places: Annotated[int, _opt("Most places in a name.")] = 3,
    name_min_share: Annotated[float, _opt("Activity share for a 2nd/3rd name.")] = 0.1,
    place_km: Annotated[float, _opt("Match locations to cities within this.")] = 25.0,
    gazetteer_min_population: Annotated[int, _opt("500, 1000, 5000 or 15000.")] = 15000,
    economy_min_share: Annotated[float, _opt("Activity share to list an economy.")] = 0.0,
    intensity_per: Annotated[float, _opt("Intensity per this many inhabitants.")] = 1e6,
    refine_eps_km: Annotated[float | None, _opt(
        "Second pass splitting clusters: radius, km (default: no second pass).")] = None,
    refine_min_weight: Annotated[float | None, _opt(
        "Second pass core weight (default: the first pass's).")] = None,
    engine: EngineOpt = Engine.numba,
    scheduler: SchedulerOpt = None,
    tile_km: TileOpt = None,
    drop_invalid: DropOpt = False,
    force: Force = False,
    document_column: DocumentOpt = None,
    report: Report = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """The full procedure: cluster each kind, merge, name, assign economies, rank.

    Example: innometrics clusters rank records.parquet --patent-min-weight 40
    --publication-min-weight 40 --out ranking
    """
    from .ranking import RANKING_CONSTRAINTS, RankingSettings, rank_clusters

    values = dict(
        patent_eps_km=patent_eps_km, patent_min_weight=patent_min_weight,
        publication_eps_km=publication_eps_km, publication_min_weight=publication_min_weight,
        merge_km=merge_km, top_n=top_n, name_places=name_places, name_min_share=name_min_share,
        place_km=place_km, gazetteer_min_population=gazetteer_min_population,
        economy_min_share=economy_min_share, intensity_per=intensity_per,
        refine_eps_km=refine_eps_km, refine_min_weight=refine_min_weight)
    if refine_min_weight is not None and refine_eps_km is None:
        raise InvalidParameter("'--refine-min-weight' needs '--refine-eps-km' (the second "
                               "pass runs only with a radius); add it or leave the weight out.")
    options = _check_run_flags(values, RANKING_CONSTRAINTS, engine, scheduler, tile_km,
                               drop_invalid, document_column)
    settings = RankingSettings(**values)
    writer = RunWriter(kind="clusters-rank", inputs={"records": records})
    writer.check(out, force=force)
    with _progress() as step:
        rec = _load(records, options)
        with _detector(engine, scheduler, options["tile_km"]) as detector:
            result = rank_clusters(rec, settings, detector=detector, on_step=step,
                                   options=options)
        step("writing")
        target = result.write(out, inputs=writer.inputs, force=force, started=writer.started)
    _report(result, rec, target, min(top_n, 10), {"patent": patent_min_weight,
                                             "publication": publication_min_weight})
    if report:
        add_report(target)
    record(target)
