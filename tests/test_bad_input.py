"""Bad input: one clear line naming file, row/column (or the recipe key) and the fix; CLI exit
2; nothing written. Cases are written out for files and generated from the declared
constraints for step settings (see ``SETTING_CASES``)."""

from __future__ import annotations

import math
from numbers import Integral

import pytest
import yaml
from toy_index import DATA, META, STEPS, write_toy
from typer.testing import CliRunner

import innometrics as im
from innometrics._params import CodeMap, Interval, LevelMap, Options, Real, RealPair
from innometrics.cli import app
from innometrics.schema import INDICATOR_SETTINGS, STEP_SETTINGS

runner = CliRunner()


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _drop_column(csv: str, name: str) -> str:
    rows = [r.split(",") for r in csv.strip().split("\n")]
    k = rows[0].index(name)
    return "\n".join(",".join(r[:k] + r[k + 1:]) for r in rows) + "\n"


def _rename_column(csv: str, old: str, new: str) -> str:
    head, rest = csv.split("\n", 1)
    names = head.split(",")
    names[names.index(old)] = new
    return ",".join(names) + "\n" + rest


# --- framework and data files: (meta, data, steps, fragments); the last fragment is checked
# on the CLI line too
FILE_CASES = {
    # framework (iMeta)
    "unknown parent": (_swap(META, "a,Alpha,1,P,", "a,Alpha,1,PP,"), DATA, STEPS,
                       ["iMeta.csv", "row 2", "'Parent'", "parent 'PP'"]),
    "cycle": (_swap(_swap(META, "P,Pillar P,2,Index,", "P,Pillar P,2,R,"),
                    "Index,Index,3,,1,1,Aggregate,",
                    "Index,Index,3,,1,1,Aggregate,\nR,Loop,3,P,1,1,Aggregate,"),
              DATA, STEPS, ["iMeta.csv", "'Parent'", "cycle"]),
    "duplicate code": (_swap(META, "d,Delta,1,Q,", "c,Delta,1,Q,"), DATA, STEPS,
                       ["iMeta.csv", "row 5", "'iCode'", "duplicate code 'c'"]),
    "empty code": (_swap(META, "d,Delta,1,Q,", ",Delta,1,Q,"), DATA, STEPS,
                   ["iMeta.csv", "row 5", "empty code"]),
    "negative weight": (_swap(META, "b,Beta,1,P,1,2,", "b,Beta,1,P,1,-2,"), DATA, STEPS,
                        ["iMeta.csv", "row 3", "'Weight'", "negative"]),
    "missing weight": (_swap(META, "b,Beta,1,P,1,2,", "b,Beta,1,P,1,,"), DATA, STEPS,
                       ["iMeta.csv", "row 3", "'Weight'", "has no weight"]),
    "text weight": (_swap(META, "b,Beta,1,P,1,2,", "b,Beta,1,P,1,two,"), DATA, STEPS,
                    ["iMeta.csv", "row 3", "'Weight'", "'two' is not a number"]),
    "infinite weight": (_swap(META, "b,Beta,1,P,1,2,", "b,Beta,1,P,1,inf,"), DATA, STEPS,
                        ["iMeta.csv", "'Weight'", "weight of 'b' is inf"]),
    "all-zero weights": (_swap(_swap(META, "c,Gamma,1,Q,-1,1,", "c,Gamma,1,Q,-1,0,"),
                               "d,Delta,1,Q,1,1,", "d,Delta,1,Q,1,0,"), DATA, STEPS,
                         ["iMeta.csv", "'Weight'", "children of 'Q' are zero"]),
    "direction 2": (_swap(META, "a,Alpha,1,P,1,", "a,Alpha,1,P,2,"), DATA, STEPS,
                    ["iMeta.csv", "row 2", "'Direction'", "direction of 'a' is 2"]),
    "direction text": (_swap(META, "a,Alpha,1,P,1,", "a,Alpha,1,P,up,"), DATA, STEPS,
                       ["iMeta.csv", "row 2", "'Direction'", "'up' is not a number"]),
    "unknown type": (_swap(META, "d,Delta,1,Q,1,1,Indicator", "d,Delta,1,Q,1,1,Indicatr"),
                     DATA, STEPS, ["iMeta.csv", "row 5", "'Type'", "type 'Indicatr'"]),
    "level not an integer": (_swap(META, "P,Pillar P,2,", "P,Pillar P,2.5,"), DATA, STEPS,
                             ["iMeta.csv", "row 6", "'Level'", "not a positive integer"]),
    "level zero": (_swap(META, "a,Alpha,1,", "a,Alpha,0,"), DATA, STEPS,
                   ["iMeta.csv", "row 2", "'Level'", "not a positive integer"]),
    "indicator above level 1": (_swap(META, "a,Alpha,1,P,", "a,Alpha,2,Index,"), DATA, STEPS,
                                ["iMeta.csv", "row 2", "'Level'", "'a' is Indicator at level 2"]),
    "parent not one level up": (_swap(META, "a,Alpha,1,P,", "a,Alpha,1,Index,"), DATA, STEPS,
                                ["iMeta.csv", "'Parent'", "not 2"]),
    "aggregate without children": (
        META + "R,Pillar R,2,Index,1,1,Aggregate,\n", DATA, STEPS,
        ["iMeta.csv", "'iCode'", "aggregate 'R' has no children"]),
    "two top nodes": (META + "Other,Other,3,,1,1,Aggregate,\n", DATA, STEPS,
                      ["iMeta.csv", "'Level'", "2 nodes at the top level 3"]),
    "node without parent below the top": (_swap(META, "Q,Pillar Q,2,Index,", "Q,Pillar Q,2,,"),
                                          DATA, STEPS,
                                          ["iMeta.csv", "'Parent'", "'Q' (level 2) has no parent"]),
    "undeclared denominator": (_swap(META, "b,Beta,1,P,1,2,Indicator,Pop",
                                     "b,Beta,1,P,1,2,Indicator,GDP"), DATA, STEPS,
                               ["iMeta.csv", "row 3", "'Denominator'", "'GDP'", "not declared"]),
    "misspelt framework column": (_rename_column(META, "Direction", "Directon"), DATA, STEPS,
                                  ["iMeta.csv", "'Directon'", "Did you mean 'Direction'?"]),
    "unknown framework column": (_rename_column(META, "Denominator", "Notes"), DATA, STEPS,
                                 ["iMeta.csv", "'Notes'", "is not a framework column"]),
    "framework column twice by case": (
        _swap(META, "iCode,iName,Level,Parent,Direction,", "iCode,iName,Level,Parent,direction,")
        .replace("Weight,Type,Denominator", "Weight,Type,Direction", 1), DATA, STEPS,
        ["iMeta.csv", "'Direction'", "columns 5 and 8 are both"]),
    "missing framework column": (_drop_column(META, "Type"), DATA, STEPS,
                                 ["iMeta.csv", "column 'Type' is missing"]),
    "missing Parent column": (_drop_column(META, "Parent"), DATA, STEPS,
                              ["iMeta.csv", "column 'Parent' is missing"]),
    "duplicate framework header": (_rename_column(META, "iName", "iCode"), DATA, STEPS,
                                   ["iMeta.csv", "row 1", "column 'iCode' appears twice"]),
    "framework row too long": (_swap(META, "a,Alpha,1,P,1,1,Indicator,",
                                     "a,Alpha,1,P,1,1,Indicator,,extra"), DATA, STEPS,
                               ["iMeta.csv", "row 2", "9 fields but the header has 8"]),
    "framework truncated": (META.rstrip("\n")[:-12], DATA, STEPS,
                            ["iMeta.csv", "row 10", "may be truncated"]),
    # data (iData)
    "duplicate unit": (META, _swap(DATA, "BBB,Bland", "AAA,Bland"), STEPS,
                       ["iData.csv", "row 3", "'uCode'", "duplicate unit 'AAA'"]),
    "empty unit code": (META, _swap(DATA, "BBB,Bland", ",Bland"), STEPS,
                        ["iData.csv", "row 3", "'uCode'", "empty unit code"]),
    "missing uCode column": (META, _rename_column(DATA, "uCode", "code"), STEPS,
                             ["iData.csv", "row 1", "column 'uCode' is missing"]),
    "non-numeric cell": (META, _swap(DATA, "CCC,Cland,y,5,3,", "CCC,Cland,y,5,three,"), STEPS,
                         ["iData.csv", "row 4", "'a'", "'three' is not a number"]),
    "decimal comma": (META, _swap(DATA, "AAA,Aland,x,10,1,20,5,0.5", "AAA,Aland,x,10,1,20,5,"
                                  '"0,5"'), STEPS, ["iData.csv", "row 2", "'d'",
                                                    "'0,5' is not a number"]),
    "infinite cell": (META, _swap(DATA, "CCC,Cland,y,5,3,", "CCC,Cland,y,5,inf,"), STEPS,
                      ["iData.csv", "row 4", "'a'", "infinite value"]),
    "indicator with no data": (
        META, DATA.replace(",0.5\n", ",\n").replace(",0.7\n", ",\n").replace(",0.2\n", ",\n")
        .replace(",0.9\n", ",\n"), STEPS, ["iData.csv", "'d'", "has no data"]),
    "misspelt indicator column": (META, _rename_column(DATA, "d", "dd"), STEPS,
                                  ["iData.csv", "'dd'", "Did you mean 'd'?"]),
    "indicator column missing": (META, _drop_column(DATA, "d"), STEPS,
                                 ["iData.csv", "'d'", "indicator column 'd' is missing"]),
    "aggregate as a data column": (META, DATA.replace("\n", ",1\n").replace(
        "a,b,c,d,1", "a,b,c,d,P"), STEPS, ["iData.csv", "'P'", "is an aggregate"]),
    "denominator column missing": (META, _drop_column(DATA, "Pop"), STEPS,
                                   ["iData.csv", "'Pop'", "denominator column 'Pop'"]),
    "denominator zero": (META, _swap(DATA, "DDD,Dland,y,40,", "DDD,Dland,y,0,"), STEPS,
                         ["iData.csv", "row 5", "'Pop'", "is zero"]),
    # several editions make a panel (one index per time): its times must be numbers
    "panel time not a number": (META + "Time,Time,,,,,Other,\n",
                                DATA.replace("\n", ",2020\n").replace("d,2020", "d,Time")
                                .replace("EEE,Eland,y,8,10,24,2,,2020",
                                         "EEE,Eland,y,8,10,24,2,,later"),
                                STEPS, ["iData.csv", "row 6", "'Time'", "Time 'later' is not "
                                        "a number"]),
    "duplicate data header": (META, _rename_column(DATA, "uName", "uCode"), STEPS,
                              ["iData.csv", "row 1", "column 'uCode' appears twice"]),
    "uCode twice by case": (META, _rename_column(DATA, "uName", "ucode"), STEPS,
                            ["iData.csv", "'uCode'", "both 'uCode'"]),
    "data row too short": (META, _swap(DATA, "CCC,Cland,y,5,3,10,,0.2", "CCC,Cland,y,5,3"),
                           STEPS, ["iData.csv", "row 4", "5 fields but the header has 8"]),
    "data truncated mid-line": (META, DATA.rstrip("\n")[:-6], STEPS,
                                ["iData.csv", "row 6", "may be truncated"]),
    "values overflow": (META, _swap(_swap(DATA, "AAA,Aland,x,10,1,", "AAA,Aland,x,10,1e308,"),
                                    "BBB,Bland,x,20,2,", "BBB,Bland,x,20,-1e308,"), STEPS,
                        ["iData.csv", "'a'", "non-finite result"]),
    "group column undeclared": (META, DATA, STEPS.replace("group: G", "group: Region"),
                                ["'group' of steps[1].impute is 'Region'"]),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_files_raise_one_line(tmp_path, case):
    meta, data, steps, fragments = FILE_CASES[case]
    recipe = write_toy(tmp_path, meta, data, steps)
    with pytest.raises(ValueError) as info:
        im.build(im.load_recipe(recipe))
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_files_exit_2_and_touch_nothing(tmp_path, case):
    meta, data, steps, fragments = FILE_CASES[case]
    recipe = write_toy(tmp_path, meta, data, steps)
    out = tmp_path / "out"
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["build", str(recipe), "--out", str(out)])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and fragments[-1] in errors[0], result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- recipe files: (recipe text, fragment)
RECIPE_CASES = {
    "unknown key": ("framework: iMeta.csv\ndata: iData.csv\nstep:\n  - normalise: {}\n",
                    "'step' is not a recipe key. Did you mean 'steps'?"),
    "framework missing": ("data: iData.csv\nsteps:\n  - normalise: {}\n",
                          "key 'framework' is missing"),
    "steps missing": ("framework: iMeta.csv\ndata: iData.csv\n", "key 'steps' is missing"),
    "steps empty": ("framework: iMeta.csv\ndata: iData.csv\nsteps: []\n",
                    "'steps' is not a list of steps"),
    "not a mapping": ("- framework\n", "is not a mapping"),
    "bad YAML": ("framework: iMeta.csv\nsteps: [\n", "not valid YAML"),
    "unknown step": ("steps:\n  - normalize: {}\n",
                     "'normalize' is not a known step. Did you mean 'normalise'?"),
    "step twice": ("steps:\n  - normalise: {}\n  - normalise: {}\n",
                   "step 'normalise' appears twice"),
    "aggregate not last": ("steps:\n  - aggregate: {}\n  - normalise: {}\n",
                           "'aggregate' is not the last step"),
    "step with two names": ("steps:\n  - {normalise: {}, aggregate: {}}\n",
                            "steps[0] is not a single 'name: settings' entry"),
    "settings not a mapping": ("steps:\n  - normalise: minmax\n",
                               "settings of steps[0].normalise must be a mapping"),
    "setting for another method": ("steps:\n  - normalise: {method: zscore, range: [0, 1]}\n",
                                   "'range' of steps[0].normalise has no effect with method "
                                   "'zscore'"),
    "em setting for mean": ("steps:\n  - impute: {method: mean, max_iter: 5}\n",
                            "'max_iter' of steps[0].impute has no effect"),
    "group method without group": ("steps:\n  - impute: {method: group_mean}\n",
                                   "needs 'group: COLUMN'"),
    "aggregate level that does not exist": (
        "steps:\n  - normalise: {}\n  - aggregate: {method: {7: geometric, default: "
        "arithmetic}}\n", "names level 7, which the framework does not have"),
    "coverage level that does not exist": (
        "steps:\n  - normalise: {}\n  - aggregate: {min_coverage: {1: 0.5}}\n",
        "'min_coverage' of steps[1].aggregate must be"),
    "goalposts for an unknown indicator": (
        "steps:\n  - normalise: {method: goalposts, goalposts: {a: [0, 1], zz: [0, 1]}}\n",
        "names 'zz', which is not an indicator"),
    "per-indicator code unknown": (
        "steps:\n  - treat: {indicators: {dd: {method: none}}}\n",
        "names 'dd', which is not an indicator of the framework. Did you mean 'd'?"),
    "per-indicator setting unknown": (
        "steps:\n  - treat: {indicators: {d: {methd: none}}}\n",
        "'methd' is not a setting of steps[0].treat.indicators.d. Did you mean 'method'?"),
    "per-indicator winsorise count negative": (
        "steps:\n  - treat: {indicators: {d: {method: winsorise, high: -1}}}\n",
        "'high' of steps[0].treat.indicators.d must be"),
    "per-indicator high without winsorise": (
        "steps:\n  - treat: {indicators: {d: {method: none, high: 2}}}\n",
        "'high' of steps[0].treat.indicators.d has no effect with method 'none'"),
    "table entry unknown key": ("framework: {path: iMeta.csv, shet: x}\ndata: iData.csv\n"
                                "steps:\n  - normalise: {}\n",
                                "'framework.shet' is not a table setting. Did you mean 'sheet'?"),
    "sheet of a CSV": ("framework: {path: iMeta.csv, sheet: Meta}\ndata: iData.csv\n"
                       "steps:\n  - normalise: {}\n", "a sheet ('Meta') is named but the file "
                       "is not an Excel workbook"),
    "bad delimiter": ("framework: {path: iMeta.csv, delimiter: ';;'}\ndata: iData.csv\n"
                      "steps:\n  - normalise: {}\n", "'framework.delimiter' must be one "
                      "character"),
    "bad decimal": ("framework: iMeta.csv\ndata: {path: iData.csv, decimal: ';'}\n"
                    "steps:\n  - normalise: {}\n", "'data.decimal' must be '.' or ','"),
    "wrong delimiter": ("framework: iMeta.csv\ndata: {path: iData.csv, delimiter: ';'}\n"
                        "steps:\n  - normalise: {}\n", "the file looks delimited by ','"),
    "data file missing": ("framework: iMeta.csv\ndata: nope.csv\nsteps:\n  - normalise: {}\n",
                          "nope.csv: file not found"),
    "data is a directory": ("framework: iMeta.csv\ndata: .\nsteps:\n  - normalise: {}\n",
                            "is a directory, not a table"),
    "name not a text": ("name: [1]\nframework: iMeta.csv\ndata: iData.csv\nsteps:\n"
                        "  - normalise: {}\n", "'name' is not a text"),
    "log of non-positive values": (
        "steps:\n  - treat: {indicators: {a: {method: log_gii}}}\n  - normalise: {}\n",
        "non-finite result for 'a'"),
    "geometric mean of zeros": (
        "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n  - aggregate: "
        "{method: geometric}\n", "which needs positive indicator scores, but min-max puts"),
    # uncertainty sections
    "uncertainty unknown key": ("steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n"
                                "  run: 5\n", "'run' is not a key of uncertainty. Did you mean "
                                "'runs'?"),
    "uncertainty runs zero": ("steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n"
                              "  runs: 0\n", "'runs' of uncertainty must be"),
    "uncertainty noise NaN": ("steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n"
                              "  weights: {noise: .nan, levels: [2]}\n",
                              "'noise' of uncertainty.weights must be"),
    "uncertainty levels top": ("steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n"
                               "  weights: {noise: 0.2, levels: [3]}\n",
                               "'levels' of uncertainty.weights must be levels 1-2"),
    "uncertainty levels not a list": ("steps:\n  - normalise: {}\n  - aggregate: {}\n"
                                      "uncertainty:\n  weights: {noise: 0.2, levels: 2}\n",
                                      "'levels' of uncertainty.weights must be a list"),
    "uncertainty alternative unknown setting": (
        "steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n  alternatives:\n"
        "    aggregate: [{method: arithmetic}, {methd: geometric}]\n",
        "'methd' is not a setting of uncertainty.alternatives.aggregate[1]"),
    "uncertainty alternative bad value": (
        "steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n  alternatives:\n"
        "    normalise: [{method: minmax, range: [1, .inf]}]\n",
        "'range' of uncertainty.alternatives.normalise[0] must be"),
    "uncertainty alternative for screen": (
        "steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n  alternatives:\n"
        "    screen: [{min_coverage: 1}]\n", "names 'screen', which cannot have alternatives"),
    "uncertainty alternatives not a list": (
        "steps:\n  - normalise: {}\n  - aggregate: {}\nuncertainty:\n  alternatives:\n"
        "    aggregate: {method: geometric}\n",
        "uncertainty.alternatives.aggregate must be a list"),
}


def _recipe_text(text: str) -> str:
    if "framework:" in text or "data:" in text or text.startswith("- "):
        return text
    return f"framework: iMeta.csv\ndata: iData.csv\n{text}"


@pytest.mark.parametrize("case", list(RECIPE_CASES))
def test_bad_recipes(tmp_path, case):
    text, fragment = RECIPE_CASES[case]
    negative_a = DATA.replace("x,10,1,", "x,10,-1,").replace("x,20,2,", "x,20,-2,")
    recipe = write_toy(tmp_path, data=negative_a.replace("y,5,3,", "y,5,-3,")
                       .replace("y,40,4,", "y,40,-4,").replace("y,8,10,", "y,8,-10,"))
    recipe.write_text(_recipe_text(text))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ValueError) as info:
        im.build(im.load_recipe(recipe))
    assert "\n" not in str(info.value) and fragment in str(info.value), str(info.value)
    result = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and fragment in " ".join(result.output.split()), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- step settings: invalid values generated from each step's declared constraints
def _invalid_values(forms: tuple) -> list:
    """Values no form accepts: out of range, NaN, inf, wrong type."""
    values: list = ["not-a-valid-value", [1, 2, 3]]
    for form in forms:
        if isinstance(form, Interval):
            values += [math.nan, math.inf, "1"]
            if form.low is not None:
                values.append(form.low - 1)
            if form.high is not None:
                values.append(form.high + 1)
            if form.kind is Integral:
                values.append(1.5)
        elif form is Real:
            values += [math.nan, -math.inf]
        elif form is RealPair:
            values += [[1, 0], [0, math.nan]]
        elif form is bool:
            values.append("yes")
    accepted = [v for v in values if any(_accepts(f, v) for f in forms)]
    return [v for v in values if v not in accepted]


def _accepts(form, value) -> bool:
    from innometrics._params import accepts

    return accepts(form, value)


def _method_for(setting, step: str) -> dict:
    if setting.methods is None:
        return {}
    return {"method": sorted(setting.methods)[0]}


SETTING_CASES = []
for _step, _table in STEP_SETTINGS.items():
    for _name, _setting in _table.items():
        if any(isinstance(f, LevelMap | CodeMap | Options) for f in _setting.forms) and not any(
                isinstance(f, Interval) or f in (Real, bool) for f in _setting.forms):
            bad = ["no-such-option"] if any(isinstance(f, Options) for f in _setting.forms) \
                else [{"zz": "x"}]
        else:
            bad = _invalid_values(_setting.forms)
        for _value in bad[:4]:
            SETTING_CASES.append((_step, _name, _value, _method_for(_setting, _step)))
for _step, _table in INDICATOR_SETTINGS.items():
    for _name in ("method", "scale", "skew"):
        if _name in _table:
            SETTING_CASES.append((_step, f"indicators.a.{_name}", math.nan,
                                  _method_for(_table[_name], _step)))


@pytest.mark.parametrize(("step", "name", "value", "context"), SETTING_CASES,
                         ids=[f"{s}.{n}={v!r}" for s, n, v, _ in SETTING_CASES])
def test_invalid_setting_values_are_refused(tmp_path, step, name, value, context):
    if name.startswith("indicators."):
        _, code, key = name.split(".")
        settings = {"indicators": {code: {**context, key: value}}}
        owner, key_name = f"steps[0].{step}.indicators.{code}", key
    else:
        settings = {**context, name: value}
        owner, key_name = f"steps[0].{step}", name
    recipe = write_toy(tmp_path, steps=yaml.safe_dump({"steps": [{step: settings}]}))
    with pytest.raises(im.InvalidParameter) as info:
        im.load_recipe(recipe)
    message = str(info.value)
    assert f"'{key_name}' of {owner}" in message or f"settings of {owner}" in message, message
    assert "\n" not in message


def test_suite_has_at_least_100_cases():
    assert len(FILE_CASES) + len(RECIPE_CASES) + len(SETTING_CASES) >= 100


def test_failure_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch):
    recipe = write_toy(tmp_path)
    out = tmp_path / "out"
    result = im.build(im.load_recipe(recipe))

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(result), "treatment", broken)
    with pytest.raises(OSError):
        result.write(out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_recipe_file(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope.yaml"), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.output and "file not found" in result.output


def test_directory_as_recipe(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "is a directory, not a recipe file" in result.output


def test_markup_in_names_is_printed_literally(tmp_path):
    recipe = write_toy(tmp_path, data=_swap(DATA, "AAA,Aland", "AAA,Weird [/] [bold]name"))
    result = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Weird [/] [bold]name" in result.output


def test_nan_ranks_print_as_dash(tmp_path):
    data = _swap(DATA, "EEE,Eland,y,8,10,24,2,", "EEE,Eland,y,8,,,,")
    steps = "steps:\n  - normalise: {}\n  - aggregate: {}\n"
    recipe = write_toy(tmp_path, data=data, steps=steps)
    result = runner.invoke(app, ["build", str(recipe), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "no indicator data at all: EEE" in result.output
    assert "  –  EEE" in result.output


def test_semicolon_and_tab_files_are_read(tmp_path):
    reference = im.build(im.load_recipe(write_toy(tmp_path))).scores
    for sep in (";", "\t"):
        recipe = write_toy(tmp_path, META.replace(",", sep), DATA.replace(",", sep))
        pd_scores = im.build(im.load_recipe(recipe)).scores
        assert pd_scores.equals(reference)


def test_decimal_commas_when_declared(tmp_path):
    reference = im.build(im.load_recipe(write_toy(tmp_path))).scores
    data = "\n".join(";".join(c.replace(".", ",") for c in line.split(","))
                     for line in DATA.splitlines()) + "\n"
    recipe = write_toy(tmp_path, data=data)
    recipe.write_text(recipe.read_text().replace("data: iData.csv",
                                                 'data: {path: iData.csv, decimal: ","}'))
    assert im.build(im.load_recipe(recipe)).scores.equals(reference)


def test_header_case_is_ignored_and_gives_the_same_result(tmp_path):
    reference = im.build(im.load_recipe(write_toy(tmp_path))).scores
    meta = META.replace("Direction", "direction").replace("Type,Denominator", "TYPE,DENOMINATOR")
    meta = meta.replace(",Indicator,", ",indicator,")
    data = DATA.replace("uCode", "ucode").replace("uName", "UNAME")
    assert im.build(im.load_recipe(write_toy(tmp_path, meta, data))).scores.equals(reference)


def test_excel_sheets_are_named_or_refused(tmp_path):
    import pandas as pd

    write_toy(tmp_path)
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.read_csv(tmp_path / "iData.csv").to_excel(writer, sheet_name="Data", index=False)
        pd.read_csv(tmp_path / "iMeta.csv").to_excel(writer, sheet_name="Meta", index=False)
    recipe = tmp_path / "book.yaml"
    recipe.write_text(f"framework: book.xlsx\ndata: book.xlsx\n{STEPS}")
    with pytest.raises(im.InputError, match=r"has 2 sheets \(Data, Meta\)"):
        im.load_recipe(recipe)
    recipe.write_text(f"framework: {{path: book.xlsx, sheet: Mета}}\ndata: book.xlsx\n{STEPS}")
    with pytest.raises(im.InputError, match="has no sheet"):
        im.load_recipe(recipe)
    recipe.write_text("framework: {path: book.xlsx, sheet: Meta}\n"
                      f"data: {{path: book.xlsx, sheet: Data}}\n{STEPS}")
    reference = im.build(im.load_recipe(tmp_path / "recipe.yaml")).scores
    assert im.build(im.load_recipe(recipe)).scores.equals(reference)


def test_warnings_name_units_and_indicators(tmp_path):
    data = _swap(_swap(DATA, "EEE,Eland,y,8,10,24,2,", "EEE,Eland,y,8,,,,"),
                 "BBB,Bland,x,20,2,,4,0.7", "BBB,Bland,x,,2,7,4,0.7")
    recipe = write_toy(tmp_path, data=data)
    with pytest.warns(im.errors.DataWarning) as record:
        im.build(im.load_recipe(recipe))
    text = " ".join(str(w.message) for w in record)
    assert "no indicator data at all: EEE" in text
    assert "BBB/b" in text and "no denominator" in text
