"""The demo: GII 2021 and 2022 rebuilt from WIPO's published pillar scores, and an S&T
cluster ranking of synthetic records (no real patent or article records are bundled)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .datasets import gii_recipe_path
from .recipe import load_recipe
from .runs import RunWriter
from .uncertainty import run_uncertainty

__all__ = ["run_demo", "run_cluster_demo", "CLUSTER_DEMO_SETTINGS"]

DEMO_EDITIONS = (2021, 2022)
FOCUS = "CHN"
CLUSTER_DEMO_POINTS = 200_000
#: Minimum weights scaled to the demo's ~43,000 fractional patents and as many articles
#: (the world-scale defaults, 2,000, would leave nothing to cluster).
CLUSTER_DEMO_SETTINGS = {"patent_min_weight": 40.0, "publication_min_weight": 40.0}


def run_demo(out: Path, console: Console, *, editions: tuple[int, ...] = DEMO_EDITIONS,
             force: bool = False) -> Path:
    """Build each edition, print its top 15 and China's rank with its Monte Carlo interval
    (pillar weights ±25%, arithmetic vs geometric means), then the synthetic cluster ranking
    (:func:`run_cluster_demo`). Everything goes into one ``demo`` run directory ``out`` whose
    sub-directories are runs of their own."""
    writer = RunWriter(kind="demo", settings={"editions": list(editions),
                                              "cluster_points": CLUSTER_DEMO_POINTS,
                                              **CLUSTER_DEMO_SETTINGS})
    writer.check(out, force=force)
    parts: dict = {}
    _run_gii_demo(parts, console, editions)
    parts["clusters-synthetic"] = run_cluster_demo(console)
    target = writer.write(out, parts, force=force)
    console.print(f"demo written to {target}")
    return target


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
        result = recipe.run()
        parts[f"gii-{edition}"] = result.write
        table = Table(title=f"GII {edition}, recomposed from WIPO's published pillar scores")
        for column in ("rank", "code", "economy", "GII"):
            table.add_column(column, justify="right" if column in ("rank", "GII") else "left")
        for code, row in result.top(15).iterrows():
            table.add_row(f"{int(row['rank'])}", code, row["uName"], f"{row['score']:.2f}")
        console.print(table)
        rank = int(result.ranks.loc[FOCUS, "GII"])
        score = result.scores.loc[FOCUS, "GII"]
        console.print(f"China: rank {rank} of {len(result.scores)} (GII {score:.2f})")
        mc = run_uncertainty(recipe)
        parts[f"gii-{edition}-uncertainty"] = mc.write
        row = mc.rank_intervals().set_index("uCode").loc[FOCUS]
        console.print(f"China's rank interval: median {row['median']:.0f}, 90% interval "
                      f"[{row['q05']:.0f}, {row['q95']:.0f}]\n  ({mc.design.runs} runs, seed "
                      f"{mc.design.seed}: pillar weights ±25%, arithmetic vs geometric means)\n")
