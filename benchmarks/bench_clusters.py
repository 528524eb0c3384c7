"""Benchmark: weighted spherical DBSCAN (innometrics) vs the `dbscan` package vs scikit-learn.

Data: synthetic points around real cities (innometrics.clusters.synth, unit weights, seed 0),
eps 8 km, min_samples 25. The anchors cluster 3-D unit vectors with the chord radius
eps_chord = 2 sin(eps_km / (2 R)); innometrics clusters (lat, lon) on the sphere with weights.
Each figure is the median of --repeat runs after a warm-up; numba's first-call cost (JIT or
cache load) is reported separately. Large sizes run innometrics only, each in a fresh process
whose peak resident memory (ru_maxrss) is reported.

    python benchmarks/bench_clusters.py --points 300000 --repeat 3 --large 3000000 10000000
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

EPS_KM = 8.0
MIN_SAMPLES = 25
SKLEARN_MAX = 300_000


def _points(n: int) -> tuple[np.ndarray, np.ndarray]:
    from innometrics.clusters.synth import synthesize

    df = synthesize(n, seed=0, unit_weights=True)
    return df["lat"].to_numpy(), df["lon"].to_numpy()


def _median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _memory_mb(field: str) -> float:
    """``VmHWM`` (peak) or ``VmRSS`` of this process from /proc (reset at exec, unlike
    ``ru_maxrss``, which a child inherits from its parent on Linux)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(n: int, data: str) -> None:
    """Run innometrics once on saved points (fresh process) and print JSON figures."""
    from innometrics.clusters.dbscan import dbscan

    arr = np.load(data)
    lat, lon = arr[0], arr[1]
    dbscan(lat[:1000], lon[:1000], eps_km=EPS_KM, min_weight=MIN_SAMPLES)  # load JIT cache
    base = _memory_mb("VmRSS")
    t0 = time.perf_counter()
    res = dbscan(lat, lon, eps_km=EPS_KM, min_weight=MIN_SAMPLES)
    secs = time.perf_counter() - t0
    print(json.dumps({"n": n, "seconds": secs, "peak_mb": _memory_mb("VmHWM"),
                      "data_mb": base, "clusters": res.n_clusters}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, nargs="*", default=[],
                        help="extra sizes for innometrics alone (e.g. 3000000 10000000)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(int(args.child[0]), args.child[1])
        return

    from innometrics.clusters.dbscan import dbscan, same_clusters
    from innometrics.clusters.grid import chord_of_km, to_unit_vectors

    n, eps_chord = args.points, chord_of_km(EPS_KM)
    print(f"synthetic points: {n:,} (unit weights), eps {EPS_KM} km, min_samples {MIN_SAMPLES}, "
          f"repeat {args.repeat} (median)")
    lat, lon = _points(n)
    xyz = to_unit_vectors(np.radians(lat), np.radians(lon))

    t0 = time.perf_counter()
    dbscan(lat[:2000], lon[:2000], eps_km=EPS_KM, min_weight=MIN_SAMPLES)
    print(f"innometrics first call (numba JIT / cache load, not in figures): "
          f"{time.perf_counter() - t0:.2f} s")
    ours_t, ours = _median_time(
        lambda: dbscan(lat, lon, eps_km=EPS_KM, min_weight=MIN_SAMPLES), args.repeat)
    print(f"innometrics (sphere, weighted)   {ours_t:8.3f} s   {ours.n_clusters} clusters")

    try:
        import dbscan as pkg
    except ImportError:
        print("dbscan package                   not installed: skipped "
              "(pip install dbscan)")
    else:
        pkg.DBSCAN(xyz[:2000], eps=eps_chord, min_samples=MIN_SAMPLES)
        pkg_t, (pl, pc) = _median_time(
            lambda: pkg.DBSCAN(xyz, eps=eps_chord, min_samples=MIN_SAMPLES), args.repeat)
        both = pc & ours.core
        print(f"dbscan package (3-D, Wang et al.) {pkg_t:8.3f} s   {pl.max() + 1} clusters   "
              f"ratio innometrics/dbscan {ours_t / pkg_t:.2f}x   core flags differ on "
              f"{int((pc != ours.core).sum())} points; same clusters on shared cores: "
              f"{same_clusters(pl, ours.labels, both)}")

    if n <= SKLEARN_MAX:
        from sklearn.cluster import DBSCAN

        sk_t, sk = _median_time(
            lambda: DBSCAN(eps=eps_chord, min_samples=MIN_SAMPLES).fit(xyz), args.repeat)
        core = np.zeros(n, bool)
        core[sk.core_sample_indices_] = True
        agree = np.array_equal(core, ours.core) and np.array_equal(
            sk.labels_ < 0, ours.labels < 0) and same_clusters(sk.labels_, ours.labels, core)
        print(f"scikit-learn DBSCAN (3-D)        {sk_t:8.3f} s   {sk.labels_.max() + 1} clusters"
              f"   speed-up {sk_t / ours_t:.0f}x   identical core/noise/clusters: {agree}")
    else:
        print(f"scikit-learn                     skipped (> {SKLEARN_MAX:,} points)")

    for big in args.large:
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "points.npy")
            np.save(path, np.vstack(_points(big)))
            runs = [json.loads(subprocess.run(
                [sys.executable, __file__, "--child", str(big), path], check=True,
                capture_output=True, text=True).stdout) for _ in range(args.repeat)]
        secs = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        print(f"innometrics {big:>12,} points   {secs:8.3f} s (median of {len(runs)})   "
              f"peak RSS {peak:,.0f} MB (before the run, points loaded: "
              f"{runs[0]['data_mb']:,.0f} MB)   "
              f"{runs[0]['clusters']} clusters")


if __name__ == "__main__":
    main()
