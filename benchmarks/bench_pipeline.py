"""Time the full ASEM pipeline in-process, next to COINr run in the same invocation.

COINr's comparable figure is new_coin → Denominate → Impute(i_mean) → Treat → Normalise(minmax)
→ Aggregate(amean) on its own data objects ``ASEM_iData``/``ASEM_iMeta``; ``new_coin``
validates those in-memory tables, so the comparable figure here is "validate + run from
in-memory tables" (the same tables, as COINr wrote them to tests/reference/
coinr-impute-then-screen/). When ``Rscript`` and the COINr package are installed, COINr is timed
in the same run (median of ``--repeat`` runs after one warm-up) and the ratio is printed; when R
or COINr is missing or fails, the reason is printed with the figures recorded in
../shared/reference/coinr-asem/timings.txt (machines of this kind differ by up to 2x from day
to day: prefer a side-by-side run).

    .venv/bin/python benchmarks/bench_pipeline.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
import warnings
from pathlib import Path

import pandas as pd

import innometrics as im
from innometrics.recipe import Recipe

#: COINr's ASEM_iData and ASEM_iMeta, written by COINr (see SOURCE.md there).
ASEM = Path(__file__).resolve().parents[1] / "tests" / "reference" / "coinr-impute-then-screen"
STEPS = (
    ("denominate", {}),
    ("impute", {"method": "mean"}),
    ("treat", {"skew": 2.0, "kurtosis": 3.5, "max_winsorised": 5, "fallback": "log_ct"}),
    ("normalise", {"method": "minmax", "range": [0, 100]}),
    ("aggregate", {"method": "arithmetic"}),
)
#: COINr 1.1.14 medians recorded in timings.txt: side by side on 2026-11-30, and 2026-11-29.
COINR_RECORDED_MS = {"2026-11-30 side by side": 82.0, "2026-11-29 bench::mark": 137.0}

COINR_SCRIPT = """
suppressMessages(library(COINr))
iData <- COINr::ASEM_iData; iMeta <- COINr::ASEM_iMeta
run <- function() {{
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  coin <- Denominate(coin, dset = "Raw")
  coin <- Impute(coin, dset = "Denominated", f_i = "i_mean")
  coin <- Treat(coin, dset = "Imputed")
  coin <- Normalise(coin, dset = "Treated")
  coin <- Aggregate(coin, dset = "Normalised")
}}
invisible(run())
t <- sapply(seq_len({repeat}), function(i) {{
  s <- proc.time(); run(); e <- proc.time() - s
  c(e[["elapsed"]], e[["user.self"]] + e[["sys.self"]])
}})
cat(median(t[1, ]) * 1000, median(t[2, ]) * 1000, "\\n")
"""


def _median_ms(func, repeat: int, warmup: int = 3) -> tuple[float, float]:
    """Median wall-clock and CPU (this process) time of ``func`` in ms. On a shared machine the
    CPU time is the steadier comparison: other processes stretch wall-clock time, not it."""
    for _ in range(warmup):
        func()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3


def coinr_ms(repeat: int) -> tuple[tuple[float, float] | None, str]:
    """COINr's median pipeline wall-clock and CPU times in ms measured now, or None and the
    reason they could not be (no Rscript, no COINr, R failed or printed no figure)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, "Rscript is not on the PATH"
    try:
        done = subprocess.run([rscript, "-e", COINR_SCRIPT.format(repeat=repeat)],
                              capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"Rscript could not run ({exc})"
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines() or ["no output"]
        error = next((line for line in lines if line.startswith("Error")), lines[-1])
        return None, f"Rscript exited {done.returncode}: {error}"
    try:
        wall, cpu = (float(v) for v in done.stdout.split()[-2:])
        return (wall, cpu), ""
    except ValueError:
        return None, f"Rscript printed no timing: {done.stdout.strip()[:200]!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if not ASEM.exists():
        raise SystemExit(f"reference data not found at {ASEM}")
    warnings.simplefilter("ignore")  # LAO has no denominator for two indicators (as in COINr)
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")  # tables as a user has them in memory
    data = pd.read_csv(ASEM / "ASEM_iData.csv")
    framework = im.load_framework(meta)
    recipe = Recipe(framework=framework, data=im.load_data(data, framework), steps=STEPS)

    def from_tables() -> None:
        fw = im.load_framework(meta)
        im.build(Recipe(framework=fw, data=im.load_data(data, fw), steps=STEPS))

    def from_files() -> None:
        fw = im.load_framework(ASEM / "ASEM_iMeta.csv")
        im.build(Recipe(framework=fw, data=im.load_data(ASEM / "ASEM_iData.csv", fw), steps=STEPS))

    print(f"ASEM pipeline (51 units x 49 indicators, 4 levels), median of {args.repeat} runs "
          "after 3 warm-up runs")
    ours = {}
    for label, func in (("validate framework (in memory)", lambda: im.load_framework(meta)),
                        ("validate data (in memory)", lambda: im.load_data(data, framework)),
                        ("run only (validated inputs)", lambda: im.build(recipe)),
                        ("validate + run from in-memory tables", from_tables),
                        ("read CSV + validate + run", from_files)):
        ours[label] = _median_ms(func, args.repeat)
        print(f"  {label:<38} median {ours[label][0]:7.2f} ms wall, {ours[label][1]:7.2f} ms CPU")
    wall, cpu = ours["validate + run from in-memory tables"]
    comparable = wall
    measured, why = coinr_ms(min(args.repeat, 20))
    if measured is not None:
        print(f"  COINr, same run (ASEM_iData/ASEM_iMeta objects): median {measured[0]:.1f} ms "
              f"wall, {measured[1]:.1f} ms CPU")
        print(f"  ratio COINr / innometrics (validate + run from in-memory tables): "
              f"{measured[0] / wall:.1f}x wall-clock, {measured[1] / cpu:.1f}x CPU")
    else:
        print(f"  COINr not timed: {why}; COINr figures recorded in timings.txt")
        for when, ms in COINR_RECORDED_MS.items():
            print(f"    COINr {when}: {ms:.0f} ms → ratio {ms / comparable:.1f}x")


if __name__ == "__main__":
    main()
