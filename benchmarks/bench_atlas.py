"""Time the default GII atlas (13 editions: the bundled pillar panel 2011-2022 and the 2023
workbook, 1,000 paired replications each) against the unpaired baseline in the same run:
each edition's own Monte Carlo (``run_uncertainty`` on its recipe), which gives rank intervals
but no interval of a change. Target: the atlas in under 60 s on a 2-core machine.

    .venv/bin/python benchmarks/bench_atlas.py [--runs 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

from innometrics.gii.atlas import atlas_sources, run_atlas
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    atlas, baseline = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sources = atlas_sources()
        table = run_atlas(sources, runs=args.runs, seed=1)
        atlas.append(time.perf_counter() - start)
        start = time.perf_counter()
        for source in atlas_sources():
            design = UncertaintyDesign.from_recipe(source.recipe, runs=args.runs, seed=1)
            run_uncertainty(source.recipe, design)
        baseline.append(time.perf_counter() - start)
    changes = table.dropna(subset=["change"])
    big = changes[changes["change"].abs() >= 8]
    still = changes[changes["change"] == 0]
    print(f"default atlas: {len(sources)} editions x {args.runs} replications, "
          f"{len(table):,} rows")
    print(f"  atlas (sources + paired Monte Carlo): median {statistics.median(atlas):.2f} s "
          f"over {args.repeat} (target < 60 s)")
    print(f"  baseline, each edition's own unpaired Monte Carlo: median "
          f"{statistics.median(baseline):.2f} s; ratio atlas/baseline "
          f"{statistics.median(atlas) / statistics.median(baseline):.2f}")
    print(f"  moves of 8+ places significant: {big['significant'].mean():.0%} of {len(big)}; "
          f"no move significant: {still['significant'].mean():.0%} of {len(still)}")


if __name__ == "__main__":
    main()
