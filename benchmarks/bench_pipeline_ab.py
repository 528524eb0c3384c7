"""Time the ASEM validate + run of this checkout against another git revision, side by side.

The ``src`` of ``--ref`` (default ``main``) is exported with ``git archive`` to a temporary
directory. Each round runs one subprocess per side, the two sides alternating, and each
subprocess times every phase of bench_pipeline.py's "validate + run from in-memory tables"
(the same tables and steps): median CPU and wall-clock ms of ``--repeat`` runs after 3
warm-up runs. On a shared machine other processes come and go; alternating puts both sides
under the same load. Printed: per phase, the median over rounds of each side and their ratio.

    .venv/bin/python benchmarks/bench_pipeline_ab.py [--ref main] [--rounds 3] [--repeat 100]
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _phases(src: str, repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) ms of each phase with the innometrics found in ``src``."""
    sys.path.insert(0, src)
    im = importlib.import_module("innometrics")
    if not Path(im.__file__).resolve().is_relative_to(Path(src).resolve()):
        raise SystemExit(f"innometrics was imported from {im.__file__}, not from {src}")
    bench = importlib.import_module("bench_pipeline")  # its tables, steps and timer
    recipe_class = importlib.import_module("innometrics.recipe").Recipe
    warnings.simplefilter("ignore")  # LAO has no denominator for two indicators (as in COINr)
    import pandas as pd

    meta = pd.read_csv(bench.ASEM / "ASEM_iMeta.csv")
    data = pd.read_csv(bench.ASEM / "ASEM_iData.csv")
    framework = im.load_framework(meta)
    dataset = im.load_data(data, framework)
    recipe = recipe_class(framework=framework, data=dataset, steps=bench.STEPS)

    def from_tables() -> None:
        fw = im.load_framework(meta)
        im.build(recipe_class(framework=fw, data=im.load_data(data, fw), steps=bench.STEPS))

    phases = {"validate framework": lambda: im.load_framework(meta),
              "validate data": lambda: im.load_data(data, framework),
              "validate recipe": lambda: recipe_class(framework=framework, data=dataset,
                                                      steps=bench.STEPS),
              "run only": lambda: im.build(recipe),
              "validate + run from tables": from_tables}
    return {name: bench._median_ms(func, repeat) for name, func in phases.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # a src directory to time
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_phases(args.worker, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", args.ref, "src"], cwd=HERE.parent,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        sides = {args.ref: str(Path(tmp) / "src"), "this checkout": str(SRC)}
        runs: dict[str, list[dict]] = {side: [] for side in sides}
        for _ in range(args.rounds):
            for side, src in sides.items():
                done = subprocess.run([sys.executable, __file__, "--worker", src, "--repeat",
                                       str(args.repeat)], capture_output=True, text=True,
                                      check=True)
                runs[side].append(json.loads(done.stdout))
    print(f"ASEM validate + run, {args.ref} vs this checkout: median over {args.rounds} "
          f"alternating rounds of each side's median of {args.repeat} runs (ms)")
    base, ours = runs[args.ref], runs["this checkout"]
    for phase in base[0]:
        for k, clock in enumerate(("wall", "CPU")):
            before = statistics.median(r[phase][k] for r in base)
            after = statistics.median(r[phase][k] for r in ours)
            print(f"  {phase:<28} {clock:<4} {args.ref} {before:6.3f}  this checkout "
                  f"{after:6.3f}  ratio {before / after:4.2f}")


if __name__ == "__main__":
    main()
