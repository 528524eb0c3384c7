"""Bad input: one clear line naming file, row/column and fix; CLI exit 2; --out untouched."""

from __future__ import annotations

import pytest
from toy_index import DATA, META, write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics.cli import app

runner = CliRunner()


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CASES = {
    "unknown parent": (
        _swap(META, "a,Alpha,1,P,", "a,Alpha,1,PP,"), DATA,
        ["iMeta.csv", "row 2", "'Parent'", "parent 'PP'", "Fix:"]),
    "cycle": (
        _swap(_swap(META, "P,Pillar P,2,Index,", "P,Pillar P,2,R,"),
              "Index,Index,3,,1,1,Aggregate,",
              "Index,Index,3,,1,1,Aggregate,\nR,Loop,3,P,1,1,Aggregate,"),
        DATA, ["iMeta.csv", "cycle", "'Parent'", "Fix:"]),
    "duplicate code": (
        _swap(META, "d,Delta,1,Q,", "c,Delta,1,Q,"), DATA,
        ["iMeta.csv", "row 5", "'iCode'", "duplicate code 'c'", "Fix:"]),
    "duplicate unit": (
        META, _swap(DATA, "BBB,Bland", "AAA,Bland"),
        ["iData.csv", "row 3", "'uCode'", "duplicate unit 'AAA'", "Fix:"]),
    "non-numeric cell": (
        META, _swap(DATA, "CCC,Cland,y,5,3,", "CCC,Cland,y,5,three,"),
        ["iData.csv", "row 4", "'a'", "'three' is not a number", "Fix:"]),
    "indicator with no data": (
        META, DATA.replace(",0.5\n", ",\n").replace(",0.7\n", ",\n").replace(",0.2\n", ",\n")
        .replace(",0.9\n", ",\n"),
        ["iData.csv", "'d'", "has no data", "Fix:"]),
    "negative weight": (
        _swap(META, "b,Beta,1,P,1,2,", "b,Beta,1,P,1,-2,"), DATA,
        ["iMeta.csv", "row 3", "'Weight'", "negative", "Fix:"]),
    "all-zero weights in a group": (
        _swap(_swap(META, "c,Gamma,1,Q,-1,1,", "c,Gamma,1,Q,-1,0,"), "d,Delta,1,Q,1,1,",
              "d,Delta,1,Q,1,0,"), DATA,
        ["iMeta.csv", "'Weight'", "children of 'Q' are zero", "Fix:"]),
    "denominator column missing": (
        META, DATA.replace(",Pop,", ",").replace(",10,1,", ",1,").replace(",20,2,", ",2,")
        .replace(",5,3,", ",3,").replace(",40,4,", ",4,").replace(",8,10,", ",10,"),
        ["iData.csv", "'Pop'", "denominator column 'Pop'", "missing", "Fix:"]),
    "denominator zero": (
        META, _swap(DATA, "DDD,Dland,y,40,", "DDD,Dland,y,0,"),
        ["iData.csv", "row 5", "'Pop'", "is zero", "Fix:"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_python_api_raises_input_error(tmp_path, case):
    meta, data, fragments = CASES[case]
    recipe = write_toy(tmp_path, meta, data)
    with pytest.raises(im.InputError) as info:
        im.load_recipe(recipe)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize("case", list(CASES))
def test_cli_exits_2_and_leaves_out_untouched(tmp_path, case):
    meta, data, fragments = CASES[case]
    recipe = write_toy(tmp_path, meta, data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("keep me")
    result = runner.invoke(app, ["build", str(recipe), "--out", str(out)])
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith("error:") and fragments[-2] in line
    assert sorted(p.name for p in out.iterdir()) == ["previous.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_failure_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch):
    recipe = write_toy(tmp_path)
    out = tmp_path / "out"
    result = im.load_recipe(recipe).run()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(result), "treatment", broken)
    with pytest.raises(OSError):
        result.write(out)
    assert not out.exists()
    assert list(tmp_path.glob(".out.*")) == []


@pytest.mark.parametrize(("steps", "fragment"), [
    ("steps:\n  - normalize: {}\n", "'normalize' is not a known step"),
    ("steps:\n  - aggregate: {}\n  - normalise: {}\n", "'aggregate' is not the last step"),
    ("steps:\n  - impute: {method: mode}\n", "'method' of steps[0].impute must be one of"),
    ("steps:\n  - normalise: {method: minmax, range: [100, 0]}\n",
     "'range' of steps[0].normalise"),
    ("steps:\n  - treat: {skew: -1}\n", "'skew' of steps[0].treat"),
    ("steps:\n  - treat: {winmax: 3}\n", "'winmax' is not a setting of steps[0].treat"),
    ("steps: [\n", "not valid YAML"),
])
def test_bad_recipe_settings(tmp_path, steps, fragment):
    recipe = write_toy(tmp_path, steps=steps)
    result = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_missing_recipe_file(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope.yaml"), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.output and "file not found" in result.output
