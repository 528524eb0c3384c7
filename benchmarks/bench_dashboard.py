"""Latency of the dashboard's API: the median time per request, target ≤ 50 ms.

Four problems: COINr's ASEM example (51 units × 49 indicators, 4 levels; skipped where
../shared/reference is absent), the bundled GII 2022 recomposition (132 × 7, 3 levels), GII
2023 rebuilt at indicator level from WIPO's bundled workbook (132 × 80, 5 levels), and
a synthetic problem of the GII's full size (132 units × 80 indicators, 5 levels: 80 → 21
sub-pillars → 7 pillars → 2 sub-indices → index; 5% missing; impute, treat, min-max,
arithmetic means). Each is served two ways: in-process through FastAPI's TestClient, and
over real HTTP (uvicorn on a loopback port in a thread, one keep-alive connection).
Requests: a new random weight for 3 aggregates (``/api/ranks``), a normalisation switch
already cached, an aggregation switch, a profile, the CSV table; and, once per preset, the
first request of a new normalisation (re-normalises the cached treated stage). A full
rebuild with new weights is timed beside them for comparison.

    .venv/bin/python benchmarks/bench_dashboard.py [--repeat 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from innometrics.datasets import gii_recipe_path
from innometrics.gii import gii_workbook, import_gii
from innometrics.recipe import Recipe, load_recipe
from innometrics.result import build
from innometrics.serve import NORMALISE_PRESETS, create_app

ASEM = Path(__file__).resolve().parents[2] / "shared" / "reference" / "coinr-asem"
TARGET_MS = 50.0


def gii_size_recipe(folder: Path, seed: int = 0) -> Path:
    """Write a synthetic GII-size framework, data and recipe into ``folder``."""
    rng = np.random.default_rng(seed)
    rows = ["iCode,iName,Level,Parent,Direction,Weight,Type"]
    subs = ["IN", "OUT"]
    pillars = [f"P{i}" for i in range(1, 8)]
    subpillars = [f"S{i}" for i in range(1, 22)]
    indicators = [f"I{i:02d}" for i in range(1, 81)]
    for i, code in enumerate(indicators):
        rows.append(f"{code},Indicator {code},1,{subpillars[i * 21 // 80]},"
                    f"{1 if rng.random() > 0.15 else -1},1,Indicator")
    rows += [f"{c},Sub-pillar {c},2,{pillars[i * 7 // 21]},,1,Aggregate"
             for i, c in enumerate(subpillars)]
    rows += [f"{c},Pillar {c},3,{subs[0] if i < 5 else subs[1]},,1,Aggregate"
             for i, c in enumerate(pillars)]
    rows += [f"{c},Sub-index {c},4,GII,,1,Aggregate" for c in subs]
    rows.append("GII,Index,5,,,1,Aggregate")
    (folder / "meta.csv").write_text("\n".join(rows) + "\n")
    values = rng.lognormal(mean=1.0, sigma=0.8, size=(132, 80))
    values[rng.random(values.shape) < 0.05] = np.nan
    lines = ["uCode,uName," + ",".join(indicators)]
    for u in range(132):
        cells = ",".join("" if np.isnan(v) else f"{v:.6g}" for v in values[u])
        lines.append(f"U{u:03d},Unit {u:03d},{cells}")
    (folder / "data.csv").write_text("\n".join(lines) + "\n")
    recipe = folder / "recipe.yaml"
    recipe.write_text("name: Synthetic GII-size index\nframework: meta.csv\ndata: data.csv\n"
                      "steps:\n  - impute: {method: mean}\n"
                      "  - treat: {skew: 2.0, kurtosis: 3.5, max_winsorised: 5}\n"
                      "  - normalise: {method: minmax, range: [0, 100]}\n"
                      "  - aggregate: {method: arithmetic}\n")
    return recipe


def asem_recipe(folder: Path) -> Path | None:
    if not (ASEM / "ASEM_iMeta.csv").exists():
        return None
    recipe = folder / "asem.yaml"
    recipe.write_text(f"name: ASEM\nframework: {ASEM / 'ASEM_iMeta.csv'}\n"
                      f"data: {ASEM / 'ASEM_iData.csv'}\nsteps:\n  - denominate: {{}}\n"
                      "  - impute: {method: mean}\n"
                      "  - treat: {skew: 2.0, kurtosis: 3.5, max_winsorised: 5, "
                      "fallback: log_ct}\n"
                      "  - normalise: {method: minmax, range: [0, 100]}\n"
                      "  - aggregate: {method: arithmetic}\n")
    return recipe


@dataclass
class _Answer:
    status_code: int
    text: str


@contextlib.contextmanager
def uvicorn_client(app) -> Iterator[Callable[[str], object]]:
    """A GET function over real HTTP (one keep-alive connection, the standard library's
    client) to ``app`` served by uvicorn on a free loopback port."""
    import http.client

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    connection = http.client.HTTPConnection("127.0.0.1", port)

    def get(url: str) -> _Answer:
        connection.request("GET", url)
        res = connection.getresponse()
        return _Answer(res.status, res.read().decode("utf-8", "replace"))

    try:
        yield get
    finally:
        connection.close()
        server.should_exit = True
        thread.join()


def _median_ms(get: Callable[[str], object], urls: list[str]) -> tuple[float, float]:
    times = []
    for url in urls:
        t = time.perf_counter()
        res = get(url)
        times.append(time.perf_counter() - t)
        if res.status_code != 200:
            raise RuntimeError(f"{url}: {res.status_code} {res.text[:200]}")
    times.sort()
    return 1000 * statistics.median(times), 1000 * times[int(0.95 * (len(times) - 1))]


def bench(name: str, recipe: Recipe, repeat: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    app = create_app(recipe)
    startup = time.perf_counter() - started
    model = app.state.model
    aggregates = [n.code for n in recipe.framework.nodes if 1 < n.level < recipe.framework.n_levels]
    unit = model.units[0]

    def weights() -> str:
        chosen = rng.choice(aggregates, size=min(3, len(aggregates)), replace=False)
        return "&".join(f"w.{c}={rng.uniform(0.2, 2.0):.4f}" for c in chosen)

    print(f"\n{name}: {len(model.units)} units × {len(recipe.framework.indicators)} indicators, "
          f"{recipe.framework.n_levels} levels; app start (one build) {startup * 1000:.0f} ms")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        for _ in range(5):
            build(recipe.with_weights({aggregates[0]: 1.5}))
        print(f"  full rebuild with new weights, for comparison: "
              f"{(time.perf_counter() - t) / 5 * 1000:.1f} ms")
    from fastapi.testclient import TestClient

    with TestClient(app) as tc, uvicorn_client(app) as http:
        for label, get in (("TestClient", tc.get), ("uvicorn+HTTP", http)):
            get("/api/ranks")  # warm up
            mixes = {
                "/api/ranks, 3 new weights": [f"/api/ranks?{weights()}" for _ in range(repeat)],
                "/api/ranks, normalise=zscore (cached)":
                    [f"/api/ranks?normalise=zscore&{weights()}" for _ in range(repeat)],
                "/api/ranks, aggregate=geometric, normalise=minmax1":
                    [f"/api/ranks?normalise=minmax1&aggregate=geometric&{weights()}"
                     for _ in range(repeat)],
                f"/api/profile/{unit}": [f"/api/profile/{unit}?{weights()}"
                                         for _ in range(repeat)],
                "/api/table.csv": [f"/api/table.csv?{weights()}" for _ in range(repeat // 4)],
            }
            get("/api/ranks?normalise=zscore")
            get("/api/ranks?normalise=minmax1")
            for what, urls in mixes.items():
                median, p95 = _median_ms(get, urls)
                flag = "ok" if median <= TARGET_MS else "OVER TARGET"
                print(f"  {label:<14} {what:<52} median {median:6.2f} ms  p95 {p95:6.2f} ms "
                      f"({len(urls)} requests) {flag}")
    first = []
    fresh = create_app(recipe)
    with TestClient(fresh) as tc:
        for preset in NORMALISE_PRESETS:
            t = time.perf_counter()
            tc.get(f"/api/ranks?normalise={preset}")
            first.append(time.perf_counter() - t)
    print(f"  TestClient     first request of each normalisation (re-normalise once)  "
          f"median {1000 * statistics.median(first):6.2f} ms  max {1000 * max(first):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"Target: median ≤ {TARGET_MS:.0f} ms per request.")
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = Path(tmp)
        problems = []
        asem = asem_recipe(folder)
        if asem is None:
            print(f"ASEM skipped: {ASEM} not found")
        else:
            problems.append(("ASEM (COINr)", load_recipe(asem)))
        problems.append(("GII 2022 (bundled, pillar scores)",
                         load_recipe(gii_recipe_path(2022))))
        problems.append(("GII 2023 at indicator level (WIPO's workbook, bundled)",
                         import_gii(gii_workbook(2023)).result.recipe))
        problems.append(("Synthetic GII-size", load_recipe(gii_size_recipe(folder, args.seed))))
        for name, recipe in problems:
            bench(name, recipe, args.repeat, args.seed)


if __name__ == "__main__":
    main()
