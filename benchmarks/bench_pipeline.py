"""Time the full ASEM pipeline in-process and compare with COINr's own timings.

COINr 1.1.14 (timings.txt in ../shared/reference/coinr-asem): new_coin → Denominate →
Impute(i_mean) → Treat → Normalise(minmax) → Aggregate(amean), system.time median 0.169 s
(bench::mark median 0.137 s). The comparable figure here is "validate + run from in-memory
tables" (COINr's new_coin also validates in-memory iData/iMeta).

    .venv/bin/python benchmarks/bench_pipeline.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

import innometrics as im
from innometrics.recipe import Recipe

ASEM = Path(__file__).resolve().parents[2] / "shared" / "reference" / "coinr-asem"
STEPS = (
    ("denominate", {}),
    ("impute", {"method": "mean"}),
    ("treat", {"skew": 2.0, "kurtosis": 3.5, "max_winsorised": 5, "fallback": "log_ct"}),
    ("normalise", {"method": "minmax", "range": [0, 100]}),
    ("aggregate", {"method": "arithmetic"}),
)
COINR_SECONDS = (0.137, 0.169)  # bench::mark median, system.time median


def _median_seconds(func, repeat: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if not ASEM.exists():
        raise SystemExit(f"reference data not found at {ASEM}")
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")  # tables as a user has them in memory
    data = pd.read_csv(ASEM / "ASEM_iData.csv")
    framework = im.load_framework(meta)
    dataset = im.load_data(data, framework)
    recipe = Recipe(framework=framework, data=dataset, steps=STEPS)

    def from_tables() -> None:
        fw = im.load_framework(meta)
        Recipe(framework=fw, data=im.load_data(data, fw), steps=STEPS).run()

    def from_files() -> None:
        fw = im.load_framework(ASEM / "ASEM_iMeta.csv")
        Recipe(framework=fw, data=im.load_data(ASEM / "ASEM_iData.csv", fw), steps=STEPS).run()

    print(f"ASEM pipeline (51 units x 49 indicators, 4 levels), median of {args.repeat} runs "
          "after 3 warm-up runs")
    rows = [("run only (validated inputs)", recipe.run),
            ("validate + run from in-memory tables", from_tables),
            ("read CSV + validate + run", from_files)]
    for label, func in rows:
        median, best = _median_seconds(func, args.repeat)
        print(f"  {label:<38} median {median * 1e3:7.2f} ms  (min {best * 1e3:6.2f} ms)  "
              f"COINr/this: {COINR_SECONDS[0] / median:5.1f}x - {COINR_SECONDS[1] / median:5.1f}x")
    print(f"  COINr 1.1.14 (same machine kind, timings.txt): {COINR_SECONDS[0] * 1e3:.0f}-"
          f"{COINR_SECONDS[1] * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
