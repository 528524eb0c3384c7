"""The run store (`innometrics.store`, `innometrics runs ...`): record, list, show and diff real
runs; survive a writer killed mid-record; refuse corrupt, foreign and locked stores with one
line and leave them untouched."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import ASEM_MAIN_STEPS, ASEM_VARIANT_STEPS, write_asem_recipe
from toy_index import DATA, META, write_toy
from typer.testing import CliRunner

from innometrics.errors import InputError
from innometrics.recipe import load_recipe
from innometrics.result import build
from innometrics.runs import add_to_run, open_run, write_file, write_run
from innometrics.store import (
    ABSENT,
    RunStore,
    StoreWarning,
    default_store_path,
    record_quietly,
    settings_diff,
)
from innometrics.store_cli import app

DIFF_COLUMNS = ["uCode", "rank_a", "rank_b", "change"]


@pytest.fixture(autouse=True)
def _no_home_store(tmp_path, monkeypatch):
    """No test may touch the real store in the home directory."""
    monkeypatch.setenv("INNOMETRICS_STORE", str(tmp_path / "default-store.duckdb"))


def _build(folder: Path, out: Path, meta: str = META, data: str = DATA, steps: str | None = None):
    folder.mkdir(parents=True)
    recipe = write_toy(folder, meta=meta, data=data) if steps is None else \
        write_toy(folder, meta=meta, data=data, steps=steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a toy indicator without range in the no-EEE data
        build(load_recipe(recipe)).write(out)
    return open_run(out)


@pytest.fixture(scope="module")
def toy_runs(tmp_path_factory):
    """Toy builds: the base, pillar Q weighted 4 (DDD and EEE swap), and a data set
    without EEE."""
    root = tmp_path_factory.mktemp("toy")
    heavy_q = META.replace("Q,Pillar Q,2,Index,1,1,", "Q,Pillar Q,2,Index,1,4,")
    no_eee = "\n".join(line for line in DATA.splitlines() if not line.startswith("EEE")) + "\n"
    return {"base": _build(root / "base", root / "run-base"),
            "weights": _build(root / "weights", root / "run-weights", meta=heavy_q),
            "no_eee": _build(root / "no-eee", root / "run-no-eee", data=no_eee)}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _variant(run, i: int):
    """The same run with a different manifest (so a different id)."""
    return dataclasses.replace(run, manifest={**run.manifest, "details": {"variant": i}})


# --- record, list, show, diff --------------------------------------------------------------------
def test_record_list_show_diff(tmp_path, toy_runs):
    store = RunStore(tmp_path / "runs.duckdb")
    a, b = store.record(toy_runs["base"]), store.record(toy_runs["weights"])
    assert len(a) == 12 and a != b and int(a, 16) >= 0
    assert store.record(toy_runs["base"]) == a  # recording twice keeps one run, one id

    listed = store.list()
    assert list(listed.columns[:5]) == ["id", "kind", "created", "recipe", "data_sha256"]
    assert listed["id"].tolist() == [a, b] and set(listed["kind"]) == {"build"}
    assert listed["recipe"].iloc[0] == toy_runs["base"].manifest["inputs"][0]["path"]
    data_sha = next(i["sha256"] for i in toy_runs["base"].manifest["inputs"]
                    if i["role"] == "data")
    assert listed["data_sha256"].iloc[0] == data_sha

    shown = store.show(a[:5])
    assert shown.id == a and shown.kind == "build" and shown.manifest == toy_runs["base"].manifest
    assert shown.duration_s == toy_runs["base"].manifest["duration_s"]
    assert shown.tables == {"ranks": (5, 8), "scores": (5, 8)}
    assert shown.summary["top"] == ["EEE", "DDD", "BBB", "CCC", "AAA"]
    assert shown.summary["ranked_by"] == "ranks.Index"

    result = store.diff(a, b)
    assert list(result.table.columns) == DIFF_COLUMNS
    table = result.table.set_index("uCode")
    assert table.loc["DDD"].tolist() == [2, 1, -1]  # change = rank_b - rank_a: DDD rose
    assert table.loc["EEE"].tolist() == [1, 2, 1]
    assert (table.drop(["DDD", "EEE"])["change"] == 0).all()
    assert result.table["uCode"].tolist()[:2] == ["DDD", "EEE"]  # sorted by rank in b
    assert [k for k, _, _ in result.settings] == ["framework", "data"]  # paths of the toy copies
    assert [role for role, _, _ in result.inputs] == ["framework"]  # the weights changed
    frame = result.settings_frame()
    assert list(frame.columns) == ["key", "value_a", "value_b"]
    assert frame["value_b"].iloc[0] == f'"{toy_runs["weights"].settings["framework"]}"'


def test_tables_round_trip(tmp_path, toy_runs):
    store = RunStore(tmp_path / "runs.duckdb")
    run = toy_runs["base"]
    run_id = store.record(run)
    for name in ("scores", "ranks"):
        pd.testing.assert_frame_equal(store.table(run_id, name), run.table(name))
    with pytest.raises(InputError, match="has no recorded table 'data'"):
        store.table(run_id, "data")


def test_id_is_stable_when_a_report_is_added(tmp_path):
    run = open_run(write_run(tmp_path / "run", kind="build", tables={
        "ranks.csv": pd.DataFrame({"uCode": ["AAA", "BBB"], "Index": [2, 1]})}))
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.record(run)
    with_report = add_to_run(run, {"report.html": "<html></html>"})
    assert "report.html" in with_report.files and store.record(with_report) == run_id
    assert store.record(_variant(run, 1)) != run_id and len(store.list()) == 2


def test_diff_compares_only_the_units_in_both_runs(tmp_path, toy_runs):
    store = RunStore(tmp_path / "runs.duckdb")
    a, b = store.record(toy_runs["base"]), store.record(toy_runs["no_eee"])
    result = store.diff(a, b)
    assert "EEE" not in set(result.table["uCode"]) and len(result.table) == 4
    assert result.only_a == ["EEE"] and result.only_b == []
    assert result.table[["rank_a", "rank_b", "change"]].notna().all().all()
    assert result.moved == int((result.table["change"] != 0).sum())
    assert result.different_index is None
    swapped = store.diff(b, a)
    assert swapped.only_a == [] and swapped.only_b == ["EEE"]

    cli = CliRunner().invoke(app, ["diff", a, b, "--store", str(tmp_path / "runs.duckdb")])
    assert cli.exit_code == 0, cli.output
    assert "of 4 units ranked in both moved" in cli.output
    assert "only in a (1): EEE" in cli.output


def _ranked(out: Path, units: list[str], top: str, nodes: tuple[str, ...] = ("x",)):
    ranks = pd.DataFrame({"uCode": units, top: range(1, len(units) + 1)})
    scores = pd.DataFrame({"uCode": units, **{n: 1.0 for n in nodes},
                           top: [float(len(units) - i) for i in range(len(units))]})
    return open_run(write_run(out, kind="build", tables={"ranks.csv": ranks,
                                                         "scores.csv": scores}))


@pytest.mark.parametrize("top_b, nodes_b, why", [
    ("Other", ("x",), "different indices: Index in a, Other in b"),
    ("Index", ("y",), "different frameworks: nodes only in a: x; only in b: y"),
])
def test_diff_says_when_the_runs_rank_different_indices(tmp_path, top_b, nodes_b, why):
    store = RunStore(tmp_path / "runs.duckdb")
    a = store.record(_ranked(tmp_path / "a", ["AAA", "BBB", "CCC"], "Index"))
    b = store.record(_ranked(tmp_path / "b", ["CCC", "BBB", "DDD"], top_b, nodes_b))
    result = store.diff(a, b)
    assert why in result.different_index
    assert result.only_a == ["AAA"] and result.only_b == ["DDD"]
    assert result.table["uCode"].tolist() == ["CCC", "BBB"]
    cli = CliRunner().invoke(app, ["diff", a, b, "--store", str(tmp_path / "runs.duckdb")])
    assert cli.exit_code == 0 and f"warning: the runs rank {why}" in " ".join(cli.output.split())
    assert "of 2 units ranked in both moved" in cli.output
    csv = CliRunner().invoke(app, ["diff", a, b, "--store", str(store.path), "--csv"])
    assert csv.stdout.splitlines()[1:] == ["CCC,3,1,-2", "BBB,2,2,0"]


def test_settings_diff_recurses_with_recipe_paths():
    a = {"steps": [{"impute": {"method": "mean"}}, {"normalise": {"range": [0, 100]}}],
         "name": "x"}
    b = {"steps": [{"impute": {"method": "median"}}, {"normalise": {"range": [1, 100]}}],
         "engine": "dask"}
    assert settings_diff(a, b) == [("steps[0].impute.method", "mean", "median"),
                                   ("steps[1].normalise.range[0]", 0, 1),
                                   ("name", "x", ABSENT), ("engine", ABSENT, "dask")]
    assert settings_diff({"w": 1, "v": [1, 2]}, {"w": 1.0, "v": [1, 2, 3]}) == [
        ("v", [1, 2], [1, 2, 3])]
    assert settings_diff({"flag": True}, {"flag": 1}) == [("flag", True, 1)]


def test_other_kinds_record_their_result_tables(tmp_path, toy_runs):
    units = ["AAA", "BBB", "CCC"]
    intervals = pd.DataFrame({"uCode": units, "nominal": [2, 1, 3], "median": [2.0, 1.0, 3.0],
                              "uName": ["A [x]", "B", "C"]})
    clusters = pd.DataFrame({"cluster_id": [7, 3], "name": ["Tokyo–Yokohama", "Shenzhen"],
                             "score": [0.02, 0.01], "rank": [1, 2]})
    claims = pd.DataFrame({"id": ["c1", "c2"], "verdict": ["consistent", "differs"]})
    runs = {kind: open_run(write_run(tmp_path / kind, kind=kind, tables=tables,
                                     settings={"eps_km": 10 if kind == "clusters-rank" else 1}))
            for kind, tables in (("uncertainty", {"rank_intervals.csv": intervals,
                                                  "design.csv": intervals}),
                                 ("clusters-rank", {"clusters.csv": clusters}),
                                 ("check", {"claims.csv": claims}))}
    store = RunStore(tmp_path / "runs.duckdb")
    ids = {kind: store.record(run) for kind, run in runs.items()}
    assert store.show(ids["uncertainty"]).tables == {"rank_intervals": (3, 4)}  # no design
    pd.testing.assert_frame_equal(store.table(ids["uncertainty"], "rank_intervals"), intervals)
    assert store.show(ids["clusters-rank"]).summary == {"clusters": 2,
                                                        "top": ["Tokyo–Yokohama", "Shenzhen"]}
    assert store.show(ids["check"]).summary == {"claims": {"consistent": 1, "differs": 1}}
    assert store.list(kind="check")["id"].tolist() == [ids["check"]]
    # a build against an uncertainty run compares the nominal ranks
    build = store.record(toy_runs["base"])
    result = store.diff(build, ids["uncertainty"])
    assert result.ranked_by == ("ranks.Index", "rank_intervals.nominal")
    assert result.table.set_index("uCode").loc["BBB", "change"] == 1 - 3
    # clusters runs have no unit ranks: an empty table, the settings still compared
    other = store.record(_variant(runs["clusters-rank"], 1))
    result = store.diff(ids["clusters-rank"], other)
    assert result.table.empty and list(result.table.columns) == DIFF_COLUMNS
    # single-file outputs (records imports) are recorded from their sidecar manifest
    records = write_file(tmp_path / "records.parquet", clusters, kind="clusters-import")
    file_id = store.record(records)
    assert store.show(file_id).tables == {} and store.show(file_id).path == str(records)


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
def test_asem_builds_diff(tmp_path, asem_dir):
    store = RunStore(tmp_path / "runs.duckdb")
    ids = []
    for name, steps in (("main", ASEM_MAIN_STEPS), ("variant", ASEM_VARIANT_STEPS)):
        build(load_recipe(write_asem_recipe(tmp_path, steps, name))).write(tmp_path / name)
        ids.append(store.record(open_run(tmp_path / name)))
    result = store.diff(*ids)
    assert len(result.table) == 51 and result.table["change"].notna().all()
    assert (result.table["change"] != 0).sum() > 10
    keys = [k for k, _, _ in result.settings]
    assert "steps[1].impute.method" in keys and "steps[4].aggregate.method" in keys
    assert ("steps[3].normalise.range[0]", 0, 1) in result.settings


# --- ids ---------------------------------------------------------------------------------------
def test_unknown_and_ambiguous_ids(tmp_path, toy_runs):
    store = RunStore(tmp_path / "runs.duckdb")
    with pytest.raises(InputError, match="run 'abc': is not in the run store"):
        store.show("abc")  # the store does not exist yet: nothing is created
    assert not store.path.exists()
    ids = [store.record(_variant(toy_runs["base"], i)) for i in range(17)]
    first = pd.Series([i[0] for i in ids]).value_counts()
    shared = first.index[0]  # 17 ids, 16 hex digits: two start alike
    with pytest.raises(InputError, match=f"run '{shared}': is ambiguous: {first.iloc[0]} runs"):
        store.show(shared)
    assert store.resolve(ids[3][:10].upper()) == ids[3]
    with pytest.raises(InputError, match="is not in the run store"):
        store.diff(ids[0], "zz")
    with pytest.raises(InputError, match="is not in the run store"):
        store.show("")


# --- robustness -----------------------------------------------------------------------------
def test_corrupt_store_is_refused_and_left_untouched(tmp_path, toy_runs):
    path = tmp_path / "runs.duckdb"
    path.write_bytes(b"not a database\n" * 1000)
    before = _sha(path)
    store = RunStore(path)
    for call in (store.list, lambda: store.show("abc"), lambda: store.record(toy_runs["base"])):
        with pytest.raises(InputError) as info:
            call()
        message = str(info.value)
        assert "not a run store" in message and "\n" not in message
    with pytest.warns(StoreWarning, match="not a run store"):
        assert record_quietly(toy_runs["base"], path) is None
    assert _sha(path) == before and sorted(os.listdir(tmp_path)) == ["runs.duckdb"]
    result = CliRunner().invoke(app, ["list", "--store", str(path)])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if line] == [
        f"error: {path}: is not a run store (not a DuckDB database file); it was left "
        "untouched. Fix: move the file away, or give another store with --store or "
        "$INNOMETRICS_STORE"]


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_damaged_store_is_refused_and_left_as_it_is(tmp_path, toy_runs, damage):
    path = tmp_path / "runs.duckdb"
    RunStore(path).record(toy_runs["base"])
    with open(path, "r+b") as fh:  # the first data block follows DuckDB's 12 KiB of headers
        if damage == "flip":
            fh.seek(12_352)
            block = fh.read(64)
            fh.seek(12_352)
            fh.write(bytes(b ^ 0xFF for b in block))
        else:
            fh.truncate(12_400)
    before = _sha(path)
    store = RunStore(path)
    expected = "is corrupt" if damage == "flip" else "is truncated"
    for call in (store.list, lambda: store.record(toy_runs["weights"])):
        with pytest.raises(InputError, match=expected) as info:
            call()
        assert "\n" not in str(info.value) and "restore it from a backup" in str(info.value)
    assert _sha(path) == before


def test_foreign_duckdb_database_is_refused(tmp_path, toy_runs):
    import duckdb

    path = tmp_path / "mine.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE sales (x INTEGER)")
    before = _sha(path)
    with pytest.raises(InputError, match="is a DuckDB database but not an innometrics run store"):
        RunStore(path).record(toy_runs["base"])
    assert _sha(path) == before


def test_locked_store_gives_one_clear_line_and_loses_nothing(tmp_path, toy_runs):
    path = tmp_path / "runs.duckdb"
    first = RunStore(path).record(toy_runs["base"])
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(path)!r})
        print("holding", flush=True)
        sys.stdin.readline()
        con.close()
        print("released", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    try:
        assert holder.stdout.readline().strip() == "holding"
        store = RunStore(path, timeout=0.3)
        with pytest.raises(InputError, match=rf"is locked by another process \(PID "
                                             rf"{holder.pid}\)"):
            store.record(toy_runs["weights"])
        with pytest.raises(InputError, match="is locked"):
            store.list()
        with pytest.warns(StoreWarning, match="is locked"):
            assert record_quietly(toy_runs["weights"], path, timeout=0.1) is None
        # a writer that is done soon is waited for (two commands finishing together)
        holder.stdin.write("release\n")
        holder.stdin.flush()
        second = RunStore(path, timeout=10).record(toy_runs["weights"])
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait()
    assert RunStore(path).list()["id"].tolist() == [first, second]


WRITER = """
    import contextlib, dataclasses, sys, time
    from innometrics.runs import open_run
    from innometrics.store import RunStore

    class Writer(RunStore):
        @contextlib.contextmanager
        def _connect(self, *, write):
            with super()._connect(write=write) as con:
                self.began = time.perf_counter()
                print("begin", flush=True)  # the store is open for writing from here
                yield con

    run, store = open_run(sys.argv[1]), Writer(sys.argv[2], timeout=5)
    for i in range(1000):
        run_id = store.record(dataclasses.replace(run, manifest={**run.manifest,
                                                                 "details": {"i": i}}))
        print("recorded", run_id, time.perf_counter() - store.began, flush=True)
"""


@pytest.mark.parametrize("n", [20_000, 50], ids=["large", "small"])
def test_writer_killed_mid_record_loses_no_earlier_run(tmp_path, n):
    """kill -9 a process recording runs in a loop at a random moment while it writes; every
    run it reported as recorded reads back whole, and the store still takes new runs. Large
    tables go straight to the database file, small ones through the write-ahead log."""
    seed = int(os.environ.get("INNOMETRICS_CRASH_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    scores = pd.DataFrame({"uCode": [f"U{i:05d}" for i in range(n)],
                           **{f"x{j}": [rng.random() for _ in range(n)] for j in range(5)}})
    scores["Index"] = scores.iloc[:, 1:].mean(axis=1)
    ranks = scores.copy()
    ranks.iloc[:, 1:] = scores.iloc[:, 1:].rank(ascending=False, method="min")
    big = open_run(write_run(tmp_path / "big", kind="build", tables={
        "scores.csv": scores, "ranks.csv": ranks.astype({c: "int64" for c in ranks.columns[1:]})}))
    path = tmp_path / "runs.duckdb"
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(WRITER))
    errors = tmp_path / "writer.stderr"
    with open(errors, "w") as err:
        writer = subprocess.Popen([sys.executable, str(script), str(big.path), str(path)],
                                  stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1)
    recorded, writing, seen = [], 0.2, []
    kill_after = rng.randint(2, 4)
    try:
        for line in writer.stdout:
            seen.append(line.strip())
            word, *rest = line.split()
            if word == "recorded":
                recorded.append(rest[0])
                writing = float(rest[1])
            elif len(recorded) >= kill_after:  # "begin": the next record is being written
                time.sleep(rng.uniform(0.0, writing))
                break
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    context = f"seed {seed}; writer said {seen[-4:]}; stderr: {errors.read_text()[-2000:]}"
    assert writer.returncode == -signal.SIGKILL, context
    store = RunStore(path)
    listed = store.list()
    lost = set(recorded) - set(listed["id"])
    assert not lost, f"lost {lost}; {context}"
    for run_id in listed["id"]:  # the run being written is either whole or absent
        assert store.show(run_id).tables == {"ranks": (n, 7), "scores": (n, 7)}, context
    pd.testing.assert_frame_equal(store.table(recorded[-1], "scores"), big.table("scores"))
    assert store.diff(recorded[0], recorded[-1]).table["change"].eq(0).all()
    new = store.record(big)
    assert new not in recorded and len(store.list()) == len(listed) + 1


# --- default path, quiet recording -------------------------------------------------------------
def test_default_store_path(monkeypatch, tmp_path):
    monkeypatch.setenv("INNOMETRICS_STORE", str(tmp_path / "s.duckdb"))
    assert default_store_path() == tmp_path / "s.duckdb"
    monkeypatch.delenv("INNOMETRICS_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "innometrics" / "runs.duckdb"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if os.name != "nt":
        assert default_store_path() == tmp_path / "home/.local/share/innometrics/runs.duckdb"


def test_record_quietly(monkeypatch, tmp_path, toy_runs):
    run_id = record_quietly(toy_runs["base"])  # into $INNOMETRICS_STORE (a tmp file here)
    assert RunStore().list()["id"].tolist() == [run_id]
    monkeypatch.setenv("INNOMETRICS_STORE", "off")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert record_quietly(toy_runs["weights"]) is None
    (tmp_path / "dir.duckdb").mkdir()
    with pytest.warns(StoreWarning, match="is not a file"):
        assert record_quietly(toy_runs["base"], tmp_path / "dir.duckdb") is None


# --- command line ---------------------------------------------------------------------------------
def test_cli_add_list_show_diff(tmp_path, toy_runs):
    runner = CliRunner()
    store = ["--store", str(tmp_path / "[bold]odd" / "runs.duckdb")]  # printed literally
    assert "no runs recorded" in runner.invoke(app, ["list", *store]).output
    added = runner.invoke(app, ["add", str(toy_runs["base"].path),
                                str(toy_runs["weights"].path), *store])
    assert added.exit_code == 0, added.output
    assert added.output.count("recorded as") == 2
    again = runner.invoke(app, ["add", str(toy_runs["base"].path), *store])
    assert "already recorded as" in again.output

    listed = runner.invoke(app, ["list", "--csv", *store])
    assert listed.exit_code == 0, listed.output
    table = pd.read_csv(pd.io.common.StringIO(listed.stdout))
    assert list(table.columns[:5]) == ["id", "kind", "created", "recipe", "data_sha256"]
    a, b = table["id"]
    human = runner.invoke(app, ["list", *store], env={"COLUMNS": "160"})
    assert a in human.output and "build" in human.output and "[bold]odd" in human.output

    shown = runner.invoke(app, ["show", a[:6], *store], env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert f"run          {a}" in shown.output and "ranks (5 rows × 8 columns)" in shown.output
    assert "aggregate: {method: arithmetic" in shown.output
    as_json = runner.invoke(app, ["show", a, "--json", *store])
    assert '"kind": "build"' in as_json.stdout

    diff = runner.invoke(app, ["diff", a, b, "--csv", *store])
    assert diff.exit_code == 0, diff.output
    frame = pd.read_csv(pd.io.common.StringIO(diff.stdout))
    assert list(frame.columns) == DIFF_COLUMNS and frame["change"].tolist()[:2] == [-1, 1]
    assert "differs: input framework: sha256" in diff.stderr
    human = runner.invoke(app, ["diff", a[:5], b[:5], *store], env={"COLUMNS": "160"})
    assert "2 of 5 units ranked in both moved" in human.output and "input framework" in human.output


def test_cli_errors_are_one_line(tmp_path, toy_runs):
    runner = CliRunner()
    store = ["--store", str(tmp_path / "runs.duckdb")]
    runner.invoke(app, ["add", str(toy_runs["base"].path), *store])
    for args, fragment in ((["show", "ffffffffffff"], "is not in the run store"),
                           (["diff", "0", "ffff"], "is not in the run store"),
                           (["add", str(tmp_path)], "has no innometrics manifest.json")):
        result = runner.invoke(app, [*args, *store])
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]


@pytest.mark.parametrize("command", ["list", "show", "diff", "add"])
def test_cli_help_has_an_example(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and f"Example: innometrics runs {command}" in result.output


def test_runs_add_refuses_a_file_changed_after_it_was_written(tmp_path):
    target = write_file(tmp_path / "report.html", "<html>ours</html>", kind="report")
    store = ["--store", str(tmp_path / "runs.duckdb")]
    runner = CliRunner()
    assert runner.invoke(app, ["add", str(target), *store]).exit_code == 0
    target.write_text("<html>tampered</html>")
    refused = runner.invoke(app, ["add", str(target), *store])
    assert refused.exit_code == 2
    assert "does not match the SHA-256 recorded in report.html.manifest.json" in refused.output
    assert len(RunStore(tmp_path / "runs.duckdb").list()) == 1
    target.with_name("report.html.manifest.json").unlink()
    assert "has no valid innometrics sidecar" in runner.invoke(app, ["add", str(target),
                                                                     *store]).output


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_runs_show_and_diff_out_follow_the_extension(tmp_path, toy_runs, suffix):
    store = RunStore(tmp_path / "runs.duckdb")
    a, b = store.record(toy_runs["base"]), store.record(toy_runs["weights"])
    read = pd.read_json if suffix == ".json" else pd.read_excel
    opts = ["--store", str(store.path)]
    shown = CliRunner().invoke(app, ["show", a, "--out", str(tmp_path / f"s{suffix}"), *opts])
    assert shown.exit_code == 0, shown.output
    assert read(tmp_path / f"s{suffix}")["uCode"].tolist() == ["AAA", "BBB", "CCC", "DDD",
                                                                "EEE"]
    diffed = CliRunner().invoke(app, ["diff", a, b, "--out", str(tmp_path / f"d{suffix}"),
                                      *opts])
    assert diffed.exit_code == 0, diffed.output
    assert list(read(tmp_path / f"d{suffix}").columns) == DIFF_COLUMNS
    refused = CliRunner().invoke(app, ["diff", a, b, "--out", str(tmp_path / "d.txt"), *opts])
    assert refused.exit_code == 2 and not (tmp_path / "d.txt").exists()
