"""Every code block of README.md runs, so that its examples cannot rot.

The recipe block is built, validated and run through ``uncertainty`` on COINr's ASEM tables
(tests/reference/coinr-impute-then-screen), written the way the block reads them (``iData.csv``
with ``;`` and decimal commas); the Python block runs as written in a folder holding that
recipe and the README's claims file; every command of the command-line synopsis exists with
every option the README gives it. A new block must be given a kind here, or this test fails.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from innometrics.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
ASEM = Path(__file__).parent / "reference" / "coinr-impute-then-screen"
#: Blocks that are not examples to run, by their first line, and why.
NOT_RUN = {"make demo": "the Makefile's own targets (make test runs this test)"}


def _blocks() -> list[tuple[str, str, int]]:
    """(language, text, line) of every fenced block of the README."""
    found = re.finditer(r"^```(\w*)\n(.*?)^```", README.read_text(encoding="utf-8"),
                        flags=re.S | re.M)
    text = README.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), text[:m.start()].count("\n") + 1) for m in found]


def _kind(language: str, text: str) -> str:
    first = text.splitlines()[0]
    if first in NOT_RUN:
        return "not run"
    if language == "yaml" and text.startswith("framework:"):
        return "recipe"
    if language == "yaml" and text.startswith("claims:"):
        return "claims"
    if language == "python":
        return "python"
    if language == "csv" and first.startswith("economy,measure,year"):
        return "release file"
    if language == "" and first.startswith("innometrics "):
        return "synopsis"
    if language == "" and first == "src/innometrics/":
        return "layout"
    return "unknown"


def _block(kind: str) -> str:
    (text,) = [t for lang, t, _ in _blocks() if _kind(lang, t) == kind]
    return text


@pytest.fixture
def readme_dir(tmp_path: Path, monkeypatch) -> Path:
    """A folder as the README's examples expect it: recipe.yaml (the README's block),
    iMeta.csv, iData.csv (';' and decimal commas, as the block says) and claims.yaml."""
    (tmp_path / "iMeta.csv").write_bytes((ASEM / "ASEM_iMeta.csv").read_bytes())
    pd.read_csv(ASEM / "ASEM_iData.csv").to_csv(tmp_path / "iData.csv", sep=";", decimal=",",
                                                index=False)
    (tmp_path / "recipe.yaml").write_text(_block("recipe"), encoding="utf-8")
    # the claims block's clusters_run names a placeholder DIR: the checker is told no run
    claims = re.sub(r"^clusters_run:.*\n", "", _block("claims"), flags=re.M)
    (tmp_path / "claims.yaml").write_text(claims, encoding="utf-8")
    # the claims block names the release file the README shows as releases.csv
    (tmp_path / "releases.csv").write_text(_block("release file"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_block_has_a_kind():
    unknown = [line for lang, text, line in _blocks() if _kind(lang, text) == "unknown"]
    assert not unknown, f"README blocks at lines {unknown} are not run by any test"


def _invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result


def test_recipe_block_validates_builds_and_runs_its_uncertainty(readme_dir):
    plan = _invoke("validate", "recipe.yaml").output
    assert "valid: nothing was built or written" in plan
    _invoke("build", "recipe.yaml", "--out", "results")
    assert (readme_dir / "results" / "scores.csv").is_file()
    _invoke("uncertainty", "recipe.yaml", "--out", "mc", "--runs", "40")
    assert (readme_dir / "mc" / "rank_intervals.csv").is_file()


def test_python_block_runs_as_written(readme_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ASEM's LAO lacks two denominators, as in COINr
        exec(compile(_block("python"), str(README), "exec"), {})  # noqa: S102
    assert (readme_dir / "results" / "manifest.json").is_file()


def test_release_file_block_adds_its_releases(tmp_path):
    from innometrics.rnd import load_rnd_vintages

    release_file = tmp_path / "releases.csv"
    release_file.write_text(_block("release file"), encoding="utf-8")
    table = load_rnd_vintages([release_file])
    rows = pd.read_csv(release_file)
    added = table[table["source"].isin(rows["source"])]
    assert len(added) >= len(rows), added


def test_layout_block_names_modules_that_exist():
    root = README.parent / "src" / "innometrics"
    named = re.findall(r"^  ([\w/.]+\.py|[\w]+/)\s", _block("layout"), flags=re.M)
    assert len(named) > 10
    missing = [name for name in named if not (root / name).exists()]
    assert not missing, f"README's layout names {missing}, which src/innometrics lacks"


_COMMAND_WORDS = re.compile(r"^innometrics((?: [a-z][a-z-]*)+)")


@pytest.mark.parametrize("line", [line for line in _block("synopsis").splitlines()
                                  if line.startswith("innometrics ")])
def test_synopsis_commands_have_the_options_the_readme_gives(line):
    for command in line.split(" | "):
        command = command if command.startswith("innometrics") else f"innometrics {command}"
        words = _COMMAND_WORDS.match(command).group(1).split()
        help_text = _invoke(*words, "--help").output
        for option in re.findall(r"--[a-z][a-z-]*", command.split("#")[0]):
            assert option in help_text, f"{' '.join(words)} has no {option}"


@pytest.mark.parametrize(("replace", "by", "keys"), [
    # the README's example before this test: a geometric alternative after min-max from 0
    ("range: [1, 100]}, {method: zscore", "range: [0, 100]}, {method: zscore",
     "uncertainty.alternatives.aggregate[1]"),
    ("{method: zscore, mean: 10, sd: 2}]", "{method: prank}]",
     "uncertainty.alternatives.aggregate[1]"),
    # the nominal build pairs the steps' own settings, whatever the alternatives
    ("  - aggregate: {method: arithmetic}", "  - aggregate: {method: geometric}",
     "steps[5].aggregate"),
])
def test_validate_refuses_what_uncertainty_cannot_run_with_the_same_line(readme_dir, replace,
                                                                         by, keys):
    recipe = readme_dir / "recipe.yaml"
    text = recipe.read_text(encoding="utf-8")
    assert replace in text
    recipe.write_text(text.replace(replace, by), encoding="utf-8")
    outputs = []
    for args in (["validate", "recipe.yaml"], ["uncertainty", "recipe.yaml", "--out", "mc"],
                 ["build", "recipe.yaml", "--out", "b"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        outputs.append(result.output.strip())
    assert outputs[0] == outputs[1] == outputs[2] and "\n" not in outputs[0]
    assert keys in outputs[0] and "needs positive indicator scores" in outputs[0]
    assert not (readme_dir / "mc").exists() and not (readme_dir / "b").exists()
