"""The demo (``make demo``), on bundled data only:

1. GII 2023 rebuilt at indicator level from WIPO's own data workbook by the engine: the top
   15 and China beside WIPO's published scores and ranks, and how many published values the
   rebuild reproduces; China's rank interval from an indicator-level Monte Carlo following
   the JRC audit's design (:mod:`innometrics.gii.robustness`);
2. GII 2021 and 2022 recomposed from WIPO's published pillar scores, with China's interval;
   China's GII rank 2011-2023 from the atlas (:mod:`innometrics.gii.atlas`): each edition's
   rank interval, the change since the previous edition with its paired interval, and the
   significant moves named;
3. the press report's claims checked against the official series (:mod:`innometrics.claims`);
4. an S&T cluster ranking of synthetic records (no real patent or article records are
   bundled; every table says so).

Everything goes into one ``demo`` run directory whose sub-directories are runs of their own,
with an offline HTML report of the GII 2023 rebuild.

Functions import the engines they use inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ._cli_util import number_text, rank_text, working
from .datasets import claims_example_path, gii_recipe_path, gii_workbook_dir
from .gii.bundled import gii_workbook
from .recipe import load_recipe
from .result import build
from .runs import RunWriter
from .uncertainty import run_uncertainty

__all__ = ["run_demo", "run_cluster_demo", "CLUSTER_DEMO_SETTINGS"]

DEMO_EDITIONS = (2021, 2022)
FOCUS = "CHN"
CLUSTER_DEMO_POINTS = 200_000
#: Minimum weights scaled to the demo's ~43,000 fractional patents and as many articles
#: (the world-scale defaults, 2,000, would leave nothing to cluster).
CLUSTER_DEMO_SETTINGS = {"patent_min_weight": 40.0, "publication_min_weight": 40.0}
#: Replications of the GII 2023 Monte Carlo.
GII_2023_RUNS = 1000


def run_demo(out: Path, console: Console, *, editions: tuple[int, ...] = DEMO_EDITIONS,
             force: bool = False) -> Path:
    """Run the demo (module docstring) into the ``demo`` run directory ``out``."""
    writer = RunWriter(kind="demo", settings={"gii_2023_runs": GII_2023_RUNS,
                                              "editions": list(editions),
                                              "cluster_points": CLUSTER_DEMO_POINTS,
                                              **CLUSTER_DEMO_SETTINGS},
                       inputs={"workbook": gii_workbook_dir(2023),
                               "recipe": [gii_recipe_path(e) for e in editions],
                               "claims": claims_example_path()})
    writer.check(out, force=force)
    parts: dict = {}
    with working("GII 2023 from WIPO's workbook"):
        _gii_2023(parts, console)
    with working("GII 2021 and 2022"):
        _run_gii_demo(parts, console, editions)
    with working("the GII atlas 2011-2023"):
        parts["gii-atlas"] = _gii_atlas(console)
    with working("checking the press report's claims"):
        parts["claims"] = _claims(console)
    with working("ranking synthetic S&T clusters"):
        parts["clusters-synthetic"] = run_cluster_demo(console)
    with working("writing"):
        target = writer.write(out, parts, force=force)
    console.print(f"demo written to {target} (open {target / 'gii-2023' / 'report.html'}; "
                  f"the GII ranks 2011-2023 with their intervals: "
                  f"{target / 'gii-atlas' / 'report.html'})")
    return target


def _gii_2023(parts: dict, console: Console) -> None:
    from .gii import import_gii
    from .gii.robustness import with_jrc_design
    from .report import add_report_to_run

    book = gii_workbook(2023)
    imported = import_gii(book)
    summary = imported.summary()
    published = book.wide("SCORE")["GII"]
    wipo_rank = book.wide("RANK")["GII"]
    result = imported.result
    table = Table(title="GII 2023 rebuilt from WIPO's data workbook (80 indicators → 21 "
                        "sub-pillars → 7 pillars → 2 sub-indices)")
    for column in ("rank", "code", "economy", "GII (ours)", "WIPO", "WIPO rank"):
        table.add_column(column, justify="left" if column in ("code", "economy") else "right")
    top = result.top(15)
    rows = [*top.itertuples()]
    if FOCUS not in top.index:
        rows.append(next(result.top(len(result.scores)).loc[[FOCUS]].itertuples()))
    for row in rows:
        table.add_row(rank_text(row.rank), row.Index, row.uName, number_text(row.score),
                      number_text(published[row.Index]), rank_text(wipo_rank[row.Index]))
    console.print(table)
    console.print(f"Agreement with WIPO: {summary['reproduced']:,} of {summary['scores']:,} "
                  f"published scores within 1e-6 (largest difference "
                  f"{summary['max_abs_diff']:.1g}); every GII rank equal: "
                  f"{'yes' if summary['index_ranks_equal'] else 'no'}; strengths and "
                  f"weaknesses {summary['sw_overall']['agree']:,}/"
                  f"{summary['sw_overall']['cells']:,} and {summary['sw_incgrp']['agree']:,}/"
                  f"{summary['sw_incgrp']['cells']:,} as WIPO flags them")
    mc = run_uncertainty(with_jrc_design(result.recipe, runs=GII_2023_RUNS))
    row = mc.rank_intervals().set_index("uCode").loc[FOCUS]
    console.print(f"How robust is China's 12th? Median rank {row['median']:.0f}, 90% interval "
                  f"[{row['q05']:.0f}, {row['q95']:.0f}] over {mc.design.runs:,} replications "
                  "(JRC audit design: sub-pillar and pillar weights ±25%, no imputation vs EM "
                  "imputation within pillars, arithmetic vs geometric means of the pillars)\n")

    def write_import(path: Path) -> None:
        imported.write(path, source=gii_workbook_dir(2023))
        add_report_to_run(path)

    parts["gii-2023"] = write_import
    parts["gii-2023-uncertainty"] = mc.write


def _gii_atlas(console: Console):
    """China's GII rank 2011-2023 with intervals, and its significant moves; return a
    function that writes the atlas run at the path it is given."""
    from .gii.atlas import SHARED_NODES, atlas_inputs, atlas_sources, run_atlas
    from .report import add_report_to_run
    from .runs import write_run

    sources = atlas_sources()
    atlas = run_atlas(sources, runs=GII_2023_RUNS, seed=1)
    rows = atlas[atlas["uCode"] == FOCUS]
    table = Table(title=f"China's GII rank {rows['edition'].min()}-{rows['edition'].max()}: "
                        "WIPO's rank, its Monte Carlo interval, and the change with its "
                        "paired interval")
    for column in ("edition", "WIPO rank", "interval", "change", "change interval",
                   "significant", "level"):
        table.add_column(column, justify="left" if column == "level" else "right")
    for row in rows.itertuples():
        moved = row.change == row.change
        table.add_row(str(row.edition), rank_text(row.rank),
                      f"{row.rank_q05:.0f}-{row.rank_q95:.0f}",
                      f"{row.change:+.0f}" if moved else "",
                      f"{row.change_q05:+.0f} to {row.change_q95:+.0f}" if moved else "",
                      "yes" if moved and row.significant else "", row.level)
    console.print(table)
    moves = rows[rows["significant"].fillna(False).astype(bool)]
    console.print("Significant moves of China (the 90% interval of the change excludes 0): "
                  + (", ".join(f"{r.edition} ({r.change:+.0f})" for r in moves.itertuples())
                     or "none") + "\n")
    settings = {"runs": GII_2023_RUNS, "seed": 1, "paired_through": list(SHARED_NODES)}

    def write_atlas(path: Path) -> None:
        write_run(path, kind="gii-atlas", tables={"atlas.csv": atlas}, settings=settings,
                  inputs=atlas_inputs(), details={"editions": [s.edition for s in sources]})
        add_report_to_run(path)  # the time page: China's trajectory with its bands

    return write_atlas


def _claims(console: Console):
    from .claims import check_claims

    result = check_claims(claims_example_path())
    dated = f" as of {result.claims.as_of} (the figures out then)" if result.claims.as_of else ""
    table = Table(title=f"The press report's claims, checked against the official series{dated}")
    for column in ("claim", "claimed", "found", "verdict"):
        table.add_column(column, justify="right" if column in ("claimed", "found") else "left")
    for row in result.table.itertuples():
        table.add_row(str(row.text or row.id), f"{row.claimed:.6g}",
                      "–" if row.found != row.found else f"{row.found:.6g}", row.verdict)
    console.print(table)
    for row in result.table.itertuples():
        console.print(f"  {row.id}: {row.note}")
    console.print()
    return result.write


def run_cluster_demo(console: Console, *, points: int = CLUSTER_DEMO_POINTS, seed: int = 0):
    """Rank S&T clusters in ``points`` synthetic records (labelled as such everywhere), print
    the top 10 and the clusters per economy in the top 100; return a function that writes the
    run at the path it is given."""
    from .clusters.ranking import RankingSettings, rank_clusters
    from .clusters.records import validate_records
    from .clusters.synth import synthesize

    records = validate_records(synthesize(points, seed=seed), source="synthetic records")
    result = rank_clusters(records, RankingSettings(**CLUSTER_DEMO_SETTINGS))
    table = Table(title=f"S&T clusters in {points:,} SYNTHETIC records (seed {seed}) — "
                        "not real patents or articles")
    for column in ("rank", "cluster", "economies", "patents", "articles", "score"):
        table.add_column(column, justify="left" if column in ("cluster", "economies")
                         else "right")
    for row in result.clusters.head(10).itertuples():
        table.add_row(str(row.rank), row.name, row.economies, f"{row.patents:,.0f}",
                      f"{row.publications:,.0f}", f"{row.score:.4f}")
    console.print(table)
    per_economy = result.economies().head(5)
    console.print("Synthetic clusters per economy in the top 100: " + ", ".join(
        f"{e} {n}" for e, n in zip(per_economy["economy"], per_economy["clusters"],
                                   strict=True)))
    settings = {**asdict(result.settings), "synthetic_points": points, "seed": seed}
    return lambda path: result.write(path, settings=settings)


def _run_gii_demo(parts: dict, console: Console, editions: tuple[int, ...]) -> None:
    for edition in editions:
        recipe = load_recipe(gii_recipe_path(edition))
        result = build(recipe)
        parts[f"gii-{edition}"] = result.write
        rank = int(result.ranks.loc[FOCUS, "GII"])
        score = result.scores.loc[FOCUS, "GII"]
        mc = run_uncertainty(recipe)
        parts[f"gii-{edition}-uncertainty"] = mc.write
        row = mc.rank_intervals().set_index("uCode").loc[FOCUS]
        console.print(f"GII {edition} recomposed from WIPO's published pillar scores: China "
                      f"rank {rank} of {len(result.scores)} (GII {score:.2f}); median "
                      f"{row['median']:.0f}, 90% interval [{row['q05']:.0f}, {row['q95']:.0f}] "
                      f"({mc.design.runs} runs: pillar weights ±25%, arithmetic vs geometric)")
    console.print()

