"""Output safety: every command that writes refuses every dangerous ``--out`` with one line and
exit 2, and leaves the sentinel files put there untouched; an earlier run of the same command
is replaced atomically; new directories get the normal mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from toy_index import write_toy
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.runs import open_run

runner = CliRunner()
SENTINEL = "a user's own file\n"
RECORDS = "id,lat,lon,kind\n" + "".join(
    f"r{i},{35.0 + (i % 7) * 0.001},{139.0 + (i % 5) * 0.001},"
    f"{'patent' if i % 2 else 'publication'}\n" for i in range(60))


def _commands(work: Path) -> dict[str, list[str]]:
    """Each writing command with its inputs in ``work`` (``--out`` appended by the test)."""
    recipe = write_toy(work)
    recipe.write_text(recipe.read_text() + "uncertainty:\n  weights: {noise: 0.2, levels: [1]}\n")
    (work / "records.csv").write_text(RECORDS)
    return {
        "build": ["build", str(recipe)],
        "audit": ["audit", str(recipe)],
        "uncertainty": ["uncertainty", str(recipe), "--runs", "4"],
        "clusters detect": ["clusters", "detect", str(work / "records.csv"), "--eps-km", "5",
                            "--min-weight", "3"],
        "clusters rank": ["clusters", "rank", str(work / "records.csv"),
                          "--patent-min-weight", "3", "--publication-min-weight", "3"],
        "demo": ["demo"],
    }


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(root))] = path.read_text(errors="replace")
    return out


@pytest.fixture
def world(tmp_path, monkeypatch):
    """home/ (as $HOME) holding work/project/ (the working directory, with the inputs), each with a
    sentinel file; plus an existing file, a foreign directory and a build run."""
    home = tmp_path / "home"
    project = home / "work" / "project"
    project.mkdir(parents=True)
    for where in (home, project.parent, project):
        (where / "thesis.docx").write_text(SENTINEL)
    (project / "notes.txt").write_text(SENTINEL)
    foreign = project / "mine"
    foreign.mkdir()
    (foreign / "data.txt").write_text(SENTINEL)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    return project


DANGEROUS = {
    ".": (".", "is the working directory"),
    "..": ("..", "contains the working directory"),
    "home": ("~", "home directory"),
    "root": ("/", "root of the file system"),
    "file": ("notes.txt", "is a file, not a directory"),
    "device": ("/dev/null", "device or special file"),
    "foreign directory": ("mine", "not an innometrics run"),
}


@pytest.mark.parametrize("target", list(DANGEROUS))
@pytest.mark.parametrize("command", ["build", "audit", "uncertainty", "clusters detect",
                                     "clusters rank", "demo"])
def test_dangerous_out_is_refused(world, command, target):
    args = _commands(world)[command]
    out, fragment = DANGEROUS[target]
    before = _snapshot(world.parent.parent)
    result = runner.invoke(app, [*args, "--out", out])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert _snapshot(world.parent.parent) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("command", ["build", "clusters rank"])
def test_force_never_replaces_protected_places(world, command):
    args = _commands(world)[command]
    before = _snapshot(world.parent.parent)
    for out in (".", "..", "~", "/", "notes.txt", "/dev/null"):
        result = runner.invoke(app, [*args, "--out", out, "--force"])
        assert result.exit_code == 2, (out, result.output)
    assert _snapshot(world.parent.parent) == before


def test_ancestor_of_an_input_is_refused(world, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    recipe = write_toy(inputs)
    result = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path), "--force"])
    assert result.exit_code == 2 and "contains" in result.output
    assert (inputs / "iData.csv").exists()


def test_run_of_another_kind_is_refused_without_force(world):
    commands = _commands(world)
    assert runner.invoke(app, [*commands["build"], "--out", "res"]).exit_code == 0
    before = _snapshot(world / "res")
    result = runner.invoke(app, [*commands["audit"], "--out", "res"])
    assert result.exit_code == 2 and "holds a 'build' run" in result.output
    assert _snapshot(world / "res") == before
    result = runner.invoke(app, [*commands["audit"], "--out", "res", "--force"])
    assert result.exit_code == 0 and open_run(world / "res").kind == "audit"


def test_earlier_run_replaced_but_not_with_foreign_files_in_it(world):
    build = _commands(world)["build"]
    assert runner.invoke(app, [*build, "--out", "res"]).exit_code == 0
    first = json.loads((world / "res" / "manifest.json").read_text())
    assert runner.invoke(app, [*build, "--out", "res"]).exit_code == 0
    assert json.loads((world / "res" / "manifest.json").read_text())["files"] == first["files"]
    (world / "res" / "my-notes.txt").write_text(SENTINEL)
    result = runner.invoke(app, [*build, "--out", "res"])
    assert result.exit_code == 2 and "my-notes.txt" in result.output
    assert (world / "res" / "my-notes.txt").read_text() == SENTINEL


def test_symlink_out_is_refused(world):
    (world / "link").symlink_to(world / "mine")
    result = runner.invoke(app, [*_commands(world)["build"], "--out", "link", "--force"])
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert (world / "mine" / "data.txt").read_text() == SENTINEL


def test_unwritable_out_is_one_line(world):
    locked = world / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    args = [*_commands(world)["build"], "--out", "locked/res", "--no-store"]
    try:
        if os.geteuid() == 0:  # root ignores file modes (as in CI): run it as nobody
            code, output = _as_nobody(world, args)
        else:
            result = runner.invoke(app, args)
            code, output = result.exit_code, result.output
        assert code == 2 and "no permission" in output, output
        assert "Traceback" not in output and list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def _as_nobody(world: Path, args: list[str]) -> tuple[int, str]:
    """Run the CLI in a forked child that has dropped root's privileges to the user nobody
    (so file modes apply); return its exit code and output. The child cannot read root's
    Python installation, so the command first runs once here to import what it needs."""
    import pwd
    import traceback

    nobody = pwd.getpwnam("nobody")
    runner.invoke(app, [*args[:-3], "--out", str(world / "warm-up"), "--no-store"])
    for directory in [world, *world.parents]:  # let nobody reach the world, read-only
        if directory == Path(directory.anchor):
            break
        directory.chmod(directory.stat().st_mode | 0o005)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, run, report, exit without cleanup
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            result = runner.invoke(app, args)
            problem = "" if result.exit_code in (0, 2) else "".join(
                traceback.format_exception(result.exception))
            os.write(write, json.dumps([result.exit_code, result.output + problem]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    code, output = json.loads(text)
    return code, output


def test_out_below_a_file_is_one_line(world):
    result = runner.invoke(app, [*_commands(world)["build"], "--out", "notes.txt/res"])
    assert result.exit_code == 2 and "is not a directory" in result.output
    assert (world / "notes.txt").read_text() == SENTINEL


def test_new_run_directories_have_the_normal_mode(world):
    old = os.umask(0o022)
    try:
        assert runner.invoke(app, [*_commands(world)["build"], "--out", "a/b/res"]).exit_code == 0
    finally:
        os.umask(old)
    for path in (world / "a", world / "a" / "b", world / "a" / "b" / "res",
                 world / "a" / "b" / "res" / "data"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, path
    assert stat.S_IMODE((world / "a/b/res/scores.csv").stat().st_mode) == 0o644


def test_output_files_are_never_replaced_unless_innometrics_wrote_them(world):
    synth = ["clusters", "synth", "--points", "50", "--out"]
    result = runner.invoke(app, [*synth, "notes.txt"])
    assert result.exit_code == 2 and "did not write" in result.output
    assert (world / "notes.txt").read_text() == SENTINEL
    assert runner.invoke(app, [*synth, "pts.csv"]).exit_code == 0
    assert runner.invoke(app, [*synth, "pts.csv"]).exit_code == 0  # ours: replaced
    (world / "pts.csv").write_text("edited by hand\n")
    result = runner.invoke(app, [*synth, "pts.csv"])
    assert result.exit_code == 2
    assert (world / "pts.csv").read_text() == "edited by hand\n"


def test_every_run_has_one_manifest_schema(world):
    commands = _commands(world)
    keys = {"schema", "kind", "command", "settings", "inputs", "versions", "created",
            "duration_s", "files", "details"}
    for name in ("build", "audit", "uncertainty", "clusters detect", "clusters rank"):
        out = world / name.replace(" ", "-")
        result = runner.invoke(app, [*commands[name], "--out", str(out)])
        assert result.exit_code == 0, result.output
        manifest = json.loads((out / "manifest.json").read_text())
        assert set(manifest) == keys, name
        assert manifest["kind"] == name.replace(" ", "-")
        assert all(i["sha256"] for i in manifest["inputs"])
        assert {"innometrics", "python", "numpy", "pandas"} <= set(manifest["versions"])
        assert sorted(manifest["files"]) == sorted(
            str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
        assert open_run(out).kind == manifest["kind"]
