"""Framework, data and recipe built from a workbook and its rules; engine runs where supported."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml
from gii.gii_fixtures import workbook_2023, write_workbook

from innometrics import build, load_data, load_framework
from innometrics.gii import (
    calibrated_rules,
    data_table,
    documented_rules,
    framework_table,
    infer_weights,
    read_workbook,
    recipe_dict,
    treat_override,
    write_recipe,
)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    book = read_workbook(write_workbook(tmp_path_factory.mktemp("gii") / "toy.xlsx"))
    return book, calibrated_rules(book), infer_weights(book)


def test_framework_and_data_tables_load_in_the_engine(toy):
    book, rules, weights = toy
    frame = framework_table(book, rules, weights)
    assert list(frame.columns) == ["iCode", "iName", "Level", "Parent", "Direction", "Weight",
                                   "Type"]
    framework = load_framework(frame)
    assert framework.n_levels == 5 and framework.codes_at(5) == ["GII"]
    assert framework["IN.1.1.2"].direction == -1 and framework["IN.1.2.2"].weight == 0.5
    assert framework.groups == ("INCOME", "REG_UN")
    data = load_data(data_table(book), framework)
    assert data.units[0] == "E00" and list(data.groups.columns) == ["INCOME", "REG_UN"]
    np.testing.assert_array_equal(data.values,
                                  book.wide("VALUE_SCREEN", book.indicators).to_numpy())


def test_recipe_pins_every_rule(toy):
    _, rules, _ = toy
    recipe = recipe_dict(rules)
    treat, normalise, aggregate = (next(iter(s.values())) for s in recipe["steps"])
    assert treat["skew"] == 2.25 and treat["fallback"] == "log_gii"
    assert treat["indicators"]["IN.1.2.1"] == {"method": "winsorise", "high": 2, "low": 0}
    assert treat["indicators"]["IN.1.2.3"] == {"method": "winsorise", "high": 0, "low": 2}
    assert treat["indicators"]["OUT.2.1.1"] == {"method": "log_gii"}
    assert treat["indicators"]["IN.1.1.1"] == {"method": "none"}
    assert normalise["indicators"] == {
        "IN.1.1.3": {"method": "goalposts", "goalposts": [1.0, 7.0], "truncate": False}}
    assert aggregate == {"method": "arithmetic"}
    assert yaml.safe_load(yaml.safe_dump(recipe)) == recipe


def test_treat_override_refuses_what_the_engine_cannot_do():
    with pytest.raises(ValueError, match="no engine equivalent"):
        treat_override({"iCode": "X", "treatment": "log", "points_high": 2, "points_low": 0})


def _run(directory, book, rules, weights, **kwargs):
    from innometrics import load_recipe

    path = write_recipe(directory, book, rules, node_weights=weights, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build(load_recipe(path))
    published = book.wide("SCORE")
    ours = result.scores.reindex(index=published.index, columns=published.columns)
    return ours.to_numpy(), published.to_numpy()


def test_engine_reproduces_the_synthetic_workbook(toy, tmp_path):
    book, rules, weights = toy
    ours, published = _run(tmp_path, book, rules, weights)
    np.testing.assert_allclose(ours, published, atol=1e-9)


@pytest.fixture(scope="module")
def gii2023():
    book = workbook_2023()
    return book, calibrated_rules(book), infer_weights(book)


def test_engine_reproduces_gii_2023_with_every_rule_pinned(gii2023, tmp_path):
    book, rules, weights = gii2023
    ours, published = _run(tmp_path, book, rules, weights)
    np.testing.assert_allclose(ours, published, atol=1e-6)


def test_engine_reproduces_gii_2023_with_the_documented_rule_alone(gii2023, tmp_path):
    book, rules, weights = gii2023
    documented = documented_rules(book)
    assert "indicators" not in recipe_dict(rules, documented=documented)["steps"][0]["treat"]
    ours, published = _run(tmp_path, book, rules, weights, documented=documented)
    np.testing.assert_allclose(ours, published, atol=1e-6)
