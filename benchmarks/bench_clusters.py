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

World-scale ranking (``--rows N``): N synthetic address rows like WIPO's five-year inputs
(20,000 real places, Zipf-sized, 25% patents, fractional weights 1/(1+Poisson(2)), years
2018–2022, int64 ids, country; geocodes at place precision) are written to Parquet in
``--tmp`` and ranked as ``innometrics clusters rank`` does (chunked read and check, exact
reduction to unique points, DBSCAN per kind, merge, names, ranks, run written with
assignments.parquet streamed). Each stage runs in a fresh child process; wall time and peak
resident memory and CPU time (``os.wait4`` rusage of that child; CPU time tells a shared
machine's load apart from the work) are printed per stage, with DuckDB alone
grouping the same rows (the floor: reading plus one GROUP BY) and the ranking of the same
activity pre-aggregated to unique points, whose table must equal the full rows' to 1e-6.

    python benchmarks/bench_clusters.py --rows 100000000 --tmp /tmp
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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


WORLD = {"places": 20_000, "patent_share": 0.25, "min_weight": 0.00015, "eps_km": 13.0}


def _generate(n: int, folder: Path) -> dict:
    """Write ``n`` rows to ``folder/records.parquet`` and the same activity per unique
    ``(kind, place)`` to ``folder/points.parquet``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from innometrics.clusters.gazetteer import load_gazetteer

    rng = np.random.default_rng(0)
    gaz = load_gazetteer().top(WORLD["places"])
    places = len(gaz)
    p = 1.0 / np.arange(1, places + 1)
    cdf = np.cumsum(p / p.sum())
    kinds = pa.array(["patent", "publication"])
    countries = pa.array(list(gaz.iso2))
    summed = np.zeros(2 * places)
    step = 4_000_000
    with pq.ParquetWriter(folder / "records.parquet", pa.schema([
            ("id", pa.int64()), ("lat", pa.float64()), ("lon", pa.float64()),
            ("kind", pa.dictionary(pa.int8(), pa.string())), ("weight", pa.float64()),
            ("year", pa.int16()), ("country", pa.dictionary(pa.int16(), pa.string()))])) as out:
        for start in range(0, n, step):
            m = min(step, n - start)
            place = np.minimum(np.searchsorted(cdf, rng.random(m)), places - 1)
            kind = (rng.random(m) >= WORLD["patent_share"]).astype(np.int8)
            weight = 1.0 / (1 + rng.poisson(2.0, size=m))
            summed += np.bincount(kind.astype(np.int64) * places + place, weights=weight,
                                  minlength=2 * places)
            out.write_table(pa.table({
                "id": np.arange(start, start + m, dtype=np.int64) * 7919 + 13,
                "lat": gaz.lat[place], "lon": gaz.lon[place],
                "kind": pa.DictionaryArray.from_arrays(pa.array(kind), kinds),
                "weight": weight, "year": rng.integers(2018, 2023, size=m).astype(np.int16),
                "country": pa.DictionaryArray.from_arrays(pa.array(place.astype(np.int16)),
                                                          countries)}), row_group_size=1 << 20)
    used = np.flatnonzero(summed > 0)
    kind, place = np.divmod(used, places)
    pq.write_table(pa.table({
        "id": np.arange(len(used), dtype=np.int64), "lat": gaz.lat[place],
        "lon": gaz.lon[place], "kind": np.array(["patent", "publication"])[kind],
        "weight": summed[used], "country": gaz.iso2[place]}), folder / "points.parquet")
    return {"rows": n, "unique points": int(len(used)),
            "file MB": round((folder / "records.parquet").stat().st_size / 2**20)}


def _world_settings():
    from innometrics.clusters.ranking import RankingSettings

    # thresholds as shares of the total weight, so every size finds the same clusters
    return RankingSettings(patent_eps_km=WORLD["eps_km"], publication_eps_km=WORLD["eps_km"],
                           patent_min_weight=1.0, publication_min_weight=1.0)


def _scaled(settings, totals):
    return settings.with_(patent_min_weight=WORLD["min_weight"] * totals["patent"],
                          publication_min_weight=WORLD["min_weight"] * totals["publication"])


def _rank_stages(folder: Path, source: str) -> dict:
    """Read, reduce, cluster, rank and write one file; seconds per stage."""
    from innometrics.clusters.ranking import rank_clusters
    from innometrics.clusters.stream import scan_records

    marks = [("start", time.perf_counter())]
    points = scan_records(folder / source)
    marks.append(("ingest+reduce", time.perf_counter()))
    settings = _scaled(_world_settings(), points.totals())
    steps: list[tuple[str, float]] = []
    result = rank_clusters(points, settings,
                           on_step=lambda name: steps.append((name, time.perf_counter())))
    done = time.perf_counter()
    cluster_end = dict(steps)["name and rank"]
    marks += [("clustering", cluster_end), ("ranking", done)]
    out = folder / f"run-{source}"
    result.write(out, inputs={"records": folder / source}, force=True)
    marks.append(("write run", time.perf_counter()))
    result.clusters.to_parquet(folder / f"clusters-{source}")
    figures = {name: round(t - marks[i][1], 2) for i, (name, t) in enumerate(marks[1:])}
    return {**figures, "total": round(marks[-1][1] - marks[0][1], 2),
            "unique points": len(points.points), "clusters": len(result.clusters)}


def _ingest_only(folder: Path) -> dict:
    """Chunked read and row checks alone (no reduction)."""
    from innometrics.clusters.checks import check_rows
    from innometrics.clusters.stream import record_chunks

    t0 = time.perf_counter()
    rows = 0
    for frame, _ in record_chunks(folder / "records.parquet",
                                  lambda h: [c for c in h if c not in ("year",)]):
        rows += int(check_rows(frame).good.sum())
    return {"ingest": round(time.perf_counter() - t0, 2), "good rows": rows}


def _duckdb_floor(folder: Path) -> dict:
    import duckdb

    t0 = time.perf_counter()
    n = duckdb.sql(f"SELECT kind, lat, lon, country, sum(weight) AS w, count(*) AS n FROM "
                   f"read_parquet('{folder / 'records.parquet'}') GROUP BY ALL").fetchall()
    return {"duckdb group by": round(time.perf_counter() - t0, 2), "groups": len(n)}


def _compare(folder: Path) -> dict:
    import pandas as pd

    full = pd.read_parquet(folder / "clusters-records.parquet")
    pre = pd.read_parquet(folder / "clusters-points.parquet")
    same_text = all(full[c].tolist() == pre[c].tolist()
                    for c in ("name", "economies", "rank"))
    columns = ("patents", "publications", "score", "lat", "lon")
    diff = max(float(np.max(np.abs(full[c].to_numpy() - pre[c].to_numpy()), initial=0.0))
               for c in columns)
    relative = max(float(np.max(np.abs(full[c].to_numpy() - pre[c].to_numpy())
                                / np.maximum(np.abs(pre[c].to_numpy()), 1e-300), initial=0.0))
                   for c in ("patents", "publications", "score"))
    return {"clusters": len(full), "same names/economies/ranks": same_text,
            "max abs diff": diff, "max relative diff (patents, publications, score)": relative}


_STAGES = {"generate": None, "duckdb": _duckdb_floor, "ingest": _ingest_only,
           "rank-records": lambda f: _rank_stages(f, "records.parquet"),
           "rank-points": lambda f: _rank_stages(f, "points.parquet")}


def _stage_child(stage: str, folder: str, rows: int) -> None:
    folder_path = Path(folder)
    out = _generate(rows, folder_path) if stage == "generate" else _STAGES[stage](folder_path)
    print(json.dumps(out))


def _world(rows: int, tmp: str) -> None:
    """The world-scale ranking benchmark (module docstring)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-clusters-", dir=tmp))
    print(f"world-scale ranking: {rows:,} rows in {folder}; load average before "
          f"{os.getloadavg()}; {os.cpu_count()} CPUs")
    try:
        for stage in _STAGES:
            t0 = time.perf_counter()
            child = subprocess.Popen([sys.executable, __file__, "--stage", stage, str(folder),
                                      str(rows)], stdout=subprocess.PIPE, text=True)
            output = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
            if status:
                raise SystemExit(f"stage {stage} failed ({status})")
            print(f"{stage:<13} wall {time.perf_counter() - t0:8.1f} s   CPU "
                  f"{usage.ru_utime + usage.ru_stime:8.1f} s   peak RSS "
                  f"{usage.ru_maxrss / 2**20:6.2f} GB   {output.strip()}")
        print(f"compare       {json.dumps(_compare(folder))}")
    finally:
        shutil.rmtree(folder)
    print(f"load average after {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, nargs="*", default=[],
                        help="extra sizes without scikit-learn (e.g. 3000000 10000000)")
    parser.add_argument("--profiles", nargs="*", default=list(PROFILES), choices=list(PROFILES),
                        help="point densities to compare on (default: all)")
    parser.add_argument("--rows", type=int, help="world-scale ranking of this many rows "
                        "(e.g. 100000000) instead of the DBSCAN comparison")
    parser.add_argument("--tmp", default=tempfile.gettempdir(),
                        help="folder for the generated data (deleted afterwards)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--stage", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.stage:
        _stage_child(args.stage[0], args.stage[1], int(args.stage[2]))
        return
    if args.rows:
        _world(args.rows, args.tmp)
        return

    for profile in args.profiles:
        _compare(args.points, profile, args.repeat)

    for big in args.large:
        _large(big, args.repeat)

if __name__ == "__main__":
    main()
