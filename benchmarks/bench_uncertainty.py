"""Time the vectorised Monte Carlo against COINr's one-rebuild-per-replication.

1. ASEM, COINr's design (weights ±25% at levels 2-3, min-max vs z-score), N replications:
   ms per replication, next to COINr's 207.7 ms (timings.txt: N = 500 took 103.84 s).
2. A GII-size problem: 132 units × 80 indicators → 21 → 7 → 2 → index (weights at 4 levels),
   10% missing, weights ±25% at every level, 2 normalisations × 2 aggregations, N replications:
   seconds and peak memory (ru_maxrss of this process).

    .venv/bin/python benchmarks/bench_uncertainty.py [--runs 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

import innometrics as im
from innometrics.recipe import Recipe
from innometrics.uncertainty import UncertaintyDesign, run_uncertainty

ASEM = Path(__file__).resolve().parents[2] / "shared" / "reference" / "coinr-asem"
COINR_MS_PER_REPLICATION = 207.7


def asem_recipe(runs: int) -> Recipe:
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    data = pd.read_csv(ASEM / "ASEM_iData.csv")
    fw = im.load_framework(meta)
    steps = (("denominate", {}), ("impute", {"method": "mean"}),
             ("treat", {"skew": 2.0, "kurtosis": 3.5, "max_winsorised": 5}),
             ("normalise", {"method": "minmax", "range": [0, 100]}),
             ("aggregate", {"method": "arithmetic"}))
    design = {"runs": runs, "seed": 1, "weights": {"noise": 0.25, "levels": [2, 3]},
              "alternatives": {"normalise": [{"method": "minmax", "range": [0, 100]},
                                             {"method": "zscore", "mean": 10, "sd": 2}]}}
    return Recipe(framework=fw, data=im.load_data(data, fw), steps=steps, uncertainty=design)


def gii_size_recipe(runs: int, seed: int = 0) -> Recipe:
    """Synthetic data shaped like the GII: 132 × 80 → 21 sub-pillars → 7 → 2 → 1."""
    rng = np.random.default_rng(seed)
    sizes = {"pillars": 7, "subpillars": 21, "indicators": 80}
    rows = [("GII", 5, None)]
    rows += [(f"S{i}", 4, "GII") for i in range(2)]
    rows += [(f"P{i}", 3, f"S{0 if i < 5 else 1}") for i in range(sizes["pillars"])]
    rows += [(f"SP{i}", 2, f"P{i // 3}") for i in range(sizes["subpillars"])]
    rows += [(f"I{i}", 1, f"SP{i % 21}") for i in range(sizes["indicators"])]
    meta = pd.DataFrame({
        "iCode": [r[0] for r in rows], "Level": [r[1] for r in rows],
        "Parent": [r[2] for r in rows], "Weight": 1.0, "Direction": 1,
        "Type": ["Indicator" if r[1] == 1 else "Aggregate" for r in rows]})
    values = rng.lognormal(size=(132, 80))
    values[rng.random(values.shape) < 0.10] = np.nan
    data = pd.DataFrame(values, columns=[f"I{i}" for i in range(80)])
    data.insert(0, "uCode", [f"U{i:03d}" for i in range(132)])
    fw = im.load_framework(meta)
    design = {"runs": runs, "seed": 1, "weights": {"noise": 0.25, "levels": [1, 2, 3, 4]},
              "alternatives": {
                  "normalise": [{"method": "minmax", "range": [1, 100]},
                                {"method": "zscore", "mean": 100, "sd": 10}],
                  "aggregate": [{"method": "arithmetic"}, {"method": "geometric"}]}}
    steps = (("normalise", {"method": "minmax", "range": [1, 100]}),
             ("aggregate", {"method": "arithmetic"}))
    return Recipe(framework=fw, data=im.load_data(data, fw), steps=steps, uncertainty=design)


def timed(recipe: Recipe, repeat: int) -> list[float]:
    design = UncertaintyDesign.from_recipe(recipe)
    run_uncertainty(recipe, UncertaintyDesign.from_recipe(recipe, runs=64))  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_uncertainty(recipe, design)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if ASEM.exists():
        times = timed(asem_recipe(args.runs), args.repeat)
        per = statistics.median(times) / args.runs * 1e3
        print(f"ASEM, N = {args.runs}: median {statistics.median(times):.3f} s over "
              f"{args.repeat} runs (min {min(times):.3f} s) = {per:.4f} ms per replication; "
              f"COINr {COINR_MS_PER_REPLICATION} ms → {COINR_MS_PER_REPLICATION / per:,.0f}x")
    else:
        print(f"ASEM skipped: reference data not found at {ASEM}")
    times = timed(gii_size_recipe(args.runs), args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"GII-size (132 x 80, 4 weight levels ±25%, 2 normalisations x 2 aggregations), "
          f"N = {args.runs}: median {statistics.median(times):.3f} s (min {min(times):.3f} s); "
          f"peak RSS of this process {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
