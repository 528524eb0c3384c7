"""Benchmark: weighted spherical DBSCAN (innometrics) vs the `dbscan` package vs scikit-learn.

Data: synthetic points around real cities (innometrics.clusters.synth, unit weights, seed 0),
eps 8 km, min_samples 25, in two densities:

* ``spread`` — the synth defaults (300 host cities, 6 km spread per million inhabitants);
* ``dense`` — 10 host cities, same spread: near the issue's anchor density (scikit-learn took
  15–26 s here on 300,000 points, the anchor 28–33 s); neighbourhoods hold ~2,000 points, so
  scikit-learn needs ~6 GB here.

The anchors cluster 3-D unit vectors with the chord radius eps_chord = 2 sin(eps_km / (2 R));
innometrics clusters (lat, lon) on the sphere with weights.
Each figure is the median of --repeat runs after a warm-up; numba's first-call cost (JIT or
cache load) is reported separately. Large sizes (spread profile) run innometrics and the
dbscan package, each run in a fresh process whose peak resident memory (VmHWM) is reported.

    python benchmarks/bench_clusters.py --points 300000 --repeat 3 --large 3000000 10000000

(``--profiles spread`` skips the dense set and its 6 GB.)
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
PROFILES = {"spread": {}, "dense": {"n_cities": 10}}


def _points(n: int, profile: str = "spread") -> tuple[np.ndarray, np.ndarray]:
    from innometrics.clusters.synth import synthesize

    df = synthesize(n, seed=0, unit_weights=True, **PROFILES[profile])
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


def _child(engine: str, data: str) -> None:
    """Run one engine once on saved points (fresh process) and print JSON figures."""
    arr = np.load(data)
    lat, lon = arr[0], arr[1]
    if engine == "innometrics":
        from innometrics.clusters.dbscan import dbscan

        def run(la: np.ndarray, lo: np.ndarray) -> int:
            return dbscan(la, lo, eps_km=EPS_KM, min_weight=MIN_SAMPLES).n_clusters
    else:
        import dbscan as pkg

        from innometrics.clusters.grid import chord_of_km, to_unit_vectors

        def run(la: np.ndarray, lo: np.ndarray) -> int:
            xyz = to_unit_vectors(np.radians(la), np.radians(lo))
            return int(pkg.DBSCAN(xyz, eps=chord_of_km(EPS_KM),
                                  min_samples=MIN_SAMPLES)[0].max() + 1)
    run(lat[:1000], lon[:1000])  # JIT cache / library load
    base = _memory_mb("VmRSS")
    t0 = time.perf_counter()
    clusters = run(lat, lon)
    secs = time.perf_counter() - t0
    print(json.dumps({"seconds": secs, "peak_mb": _memory_mb("VmHWM"), "data_mb": base,
                      "clusters": clusters}))


def _large(n: int, repeat: int) -> None:
    """innometrics (and the dbscan package, if installed) on ``n`` points, fresh processes."""
    engines = ["innometrics"]
    try:
        import dbscan  # noqa: F401
    except ImportError:
        pass
    else:
        engines.append("dbscan")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "points.npy")
        np.save(path, np.vstack(_points(n)))
        for engine in engines:
            runs = [json.loads(subprocess.run(
                [sys.executable, __file__, "--child", engine, path], check=True,
                capture_output=True, text=True).stdout) for _ in range(repeat)]
            secs = statistics.median(r["seconds"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            label = "innometrics" if engine == "innometrics" else "dbscan package (3-D)"
            print(f"[spread] {label:<21} {n:>12,} points   {secs:8.3f} s (median of "
                  f"{len(runs)})   peak RSS {peak:,.0f} MB (points loaded: "
                  f"{runs[0]['data_mb']:,.0f} MB)   {runs[0]['clusters']} clusters")


def _compare(n: int, profile: str, repeat: int) -> None:
    """innometrics, the dbscan package and scikit-learn on the same points."""
    from innometrics.clusters.dbscan import dbscan, same_clusters
    from innometrics.clusters.grid import chord_of_km, to_unit_vectors

    eps_chord = chord_of_km(EPS_KM)
    print(f"\n[{profile}] synthetic points: {n:,} (unit weights, synth {PROFILES[profile]}), "
          f"eps {EPS_KM} km, min_samples {MIN_SAMPLES}, repeat {repeat} (median)")
    lat, lon = _points(n, profile)
    xyz = to_unit_vectors(np.radians(lat), np.radians(lon))

    t0 = time.perf_counter()
    dbscan(lat[:2000], lon[:2000], eps_km=EPS_KM, min_weight=MIN_SAMPLES)
    print(f"innometrics first call (numba JIT / cache load, not in figures): "
          f"{time.perf_counter() - t0:.2f} s")
    ours_t, ours = _median_time(
        lambda: dbscan(lat, lon, eps_km=EPS_KM, min_weight=MIN_SAMPLES), repeat)
    print(f"innometrics (sphere, weighted)   {ours_t:8.3f} s   {ours.n_clusters} clusters")

    try:
        import dbscan as pkg
    except ImportError:
        print("dbscan package                   not installed: skipped "
              "(pip install dbscan)")
    else:
        pkg.DBSCAN(xyz[:2000], eps=eps_chord, min_samples=MIN_SAMPLES)
        pkg_t, (pl, pc) = _median_time(
            lambda: pkg.DBSCAN(xyz, eps=eps_chord, min_samples=MIN_SAMPLES), repeat)
        both = pc & ours.core
        print(f"dbscan package (3-D, Wang et al.) {pkg_t:8.3f} s   {pl.max() + 1} clusters   "
              f"ratio innometrics/dbscan {ours_t / pkg_t:.2f}x   core flags differ on "
              f"{int((pc != ours.core).sum())} points; same clusters on shared cores: "
              f"{same_clusters(pl, ours.labels, both)}")

    if n <= SKLEARN_MAX:
        from sklearn.cluster import DBSCAN

        sk_t, sk = _median_time(
            lambda: DBSCAN(eps=eps_chord, min_samples=MIN_SAMPLES).fit(xyz), repeat)
        core = np.zeros(n, bool)
        core[sk.core_sample_indices_] = True
        agree = np.array_equal(core, ours.core) and np.array_equal(
            sk.labels_ < 0, ours.labels < 0) and same_clusters(sk.labels_, ours.labels, core)
        print(f"scikit-learn DBSCAN (3-D)        {sk_t:8.3f} s   {sk.labels_.max() + 1} clusters"
              f"   speed-up {sk_t / ours_t:.0f}x   identical core/noise/clusters: {agree}")
    else:
        print(f"scikit-learn                     skipped (> {SKLEARN_MAX:,} points)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, nargs="*", default=[],
                        help="extra sizes without scikit-learn (e.g. 3000000 10000000)")
    parser.add_argument("--profiles", nargs="*", default=list(PROFILES), choices=list(PROFILES),
                        help="point densities to compare on (default: all)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    for profile in args.profiles:
        _compare(args.points, profile, args.repeat)

    for big in args.large:
        _large(big, args.repeat)

if __name__ == "__main__":
    main()
