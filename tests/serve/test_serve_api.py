"""The dashboard's JSON API through FastAPI's TestClient: the /api/ranks contract, equality
with a rebuild, and a clear 4xx (never a 500) for every bad query."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from own_functions import softmin
from toy_index import write_toy

from innometrics.datasets import gii_recipe_path
from innometrics.errors import InputError
from innometrics.ranking import rank_min
from innometrics.recipe import load_recipe
from innometrics.result import build
from innometrics.serve import NORMALISE_PRESETS, create_app

TOY_STEPS = """steps:
  - denominate: {}
  - impute: {method: group_mean, group: G}
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
"""


@pytest.fixture(scope="module")
def gii():
    recipe = load_recipe(gii_recipe_path(2022))
    return recipe, TestClient(create_app(recipe))


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    recipe = load_recipe(write_toy(tmp_path_factory.mktemp("toy"), steps=TOY_STEPS))
    return recipe, TestClient(create_app(recipe))


def _index(result):
    scores = result.scores.iloc[:, -1]
    return scores, rank_min(scores.to_numpy()[:, None])[:, 0]


def _check_equal(answer: dict, result) -> None:
    scores, ranks = _index(result)
    assert set(answer) == {"ranks", "scores"}
    assert list(answer["scores"]) == list(scores.index)
    got = np.array([answer["scores"][u] for u in scores.index], dtype=float)
    np.testing.assert_allclose(got, scores.to_numpy(), rtol=1e-12, atol=0)
    assert [answer["ranks"][u] for u in scores.index] == [int(r) for r in ranks]


def test_contract_without_weights(gii):
    recipe, client = gii
    res = client.get("/api/ranks")
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/json")
    body = res.json()
    assert set(body) == {"ranks", "scores"}
    assert all(isinstance(r, int) for r in body["ranks"].values())
    assert min(body["ranks"].values()) == 1 and body["ranks"]["CHE"] == 1
    _check_equal(body, build(recipe))


@pytest.mark.parametrize("weights", [{"IN": 0.5}, {"IN": 0.0}, {"OUT": 3.0, "IN.1": 0.0},
                                     {"IN.2": 2.5, "IN.5": 0.25, "OUT.7": 1e-6},
                                     {"GII": 7.0}])
def test_equals_a_rebuild_with_those_weights(gii, weights):
    recipe, client = gii
    query = "&".join(f"w.{k}={v!r}" for k, v in weights.items())
    res = client.get(f"/api/ranks?{query}")
    assert res.status_code == 200
    _check_equal(res.json(), build(recipe.with_weights(weights)))


@pytest.mark.parametrize("preset", [p for p in NORMALISE_PRESETS if p != "recipe"])
def test_normalisation_switch_equals_with_step(toy, preset):
    recipe, client = toy
    res = client.get(f"/api/ranks?normalise={preset}&w.P=2")
    assert res.status_code == 200
    settings = NORMALISE_PRESETS[preset][1]
    _check_equal(res.json(), build(recipe.with_step("normalise", **settings)
                 .with_weights({"P": 2})))


@pytest.mark.parametrize("method", ["arithmetic", "geometric", "harmonic"])
def test_aggregation_switch_equals_with_step(toy, method):
    recipe, client = toy
    res = client.get(f"/api/ranks?aggregate={method}&w.a=3")
    assert res.status_code == 200
    _check_equal(res.json(), build(recipe.with_step("aggregate", method=method, min_coverage=0.0)
                 .with_weights({"a": 3})))


def test_recipe_without_normalise_gets_one_as_with_step_would(gii):
    recipe, client = gii
    res = client.get("/api/ranks?normalise=zscore&w.OUT=2")
    _check_equal(res.json(), build(recipe.with_step("normalise", method="zscore", mean=0.0, sd=1.0)
                 .with_weights({"OUT": 2})))


def test_normalise_before_other_steps(tmp_path):
    steps = TOY_STEPS.replace("  - impute: {method: group_mean, group: G}\n", "") \
                     .replace("  - aggregate:", "  - impute: {method: mean}\n  - aggregate:")
    recipe = load_recipe(write_toy(tmp_path, steps=steps))
    client = TestClient(create_app(recipe))
    res = client.get("/api/ranks?normalise=rank&w.Q=0.5")
    _check_equal(res.json(), build(recipe.with_step("normalise", method="rank")
                 .with_weights({"Q": 0.5})))


BAD = [
    ("/api/ranks?foo=1", 400, "'foo' is not a query parameter"),
    ("/api/ranks?w.XX=1", 400, "'XX' is not a node of the framework"),
    ("/api/ranks?w.In=1", 400, "Did you mean 'IN'?"),
    ("/api/ranks?w.=1", 400, "is not a node"),
    ("/api/ranks?w.IN=abc", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=1_0", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=0x10", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=nan", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=NaN", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=inf", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=-inf", 400, "'w.IN' must be a number"),
    ("/api/ranks?w.IN=1e400", 400, "'w.IN' must be a finite number"),
    ("/api/ranks?w.IN=-1", 400, "'w.IN' must be zero or positive"),
    ("/api/ranks?w.IN=-0.0001", 400, "'w.IN' must be zero or positive"),
    ("/api/ranks?w.IN=1e10", 400, "'w.IN' must be at most"),
    ("/api/ranks?w.IN=1&w.IN=2", 400, "'w.IN' is given more than once"),
    ("/api/ranks?w.IN=0&w.OUT=0", 400, "all weights of the children of 'GII' are zero"),
    ("/api/ranks?w.IN.1=0&w.IN.2=0&w.IN.3=0&w.IN.4=0&w.IN.5=0", 400,
     "all weights of the children of 'IN' are zero"),
    ("/api/ranks?normalise=robust", 400, "'normalise' must be one of"),
    ("/api/ranks?aggregate=median", 400, "'aggregate' must be one of"),
    ("/api/ranks?aggregate=geom", 400, "Did you mean 'geometric'?"),
    ("/api/ranks?normalise=zscore&aggregate=geometric", 422, "needs positive scores"),
    ("/api/ranks?normalise=minmax&aggregate=harmonic", 422, "needs positive scores"),
    ("/api/profile/CHE?w.IN=-1", 400, "zero or positive"),
    ("/api/profile/XXX", 404, "'XXX' is not a unit"),
    ("/api/table.csv?w.ZZ=1", 400, "not a node"),
    ("/api/framework?x=1", 400, "'x' is not a query parameter"),
    ("/?w.IN=1", 400, "the page takes no query parameters"),
]


@pytest.mark.parametrize(("url", "status", "fragment"), BAD)
def test_bad_queries_get_a_clear_4xx(gii, url, status, fragment):
    _, client = gii
    res = client.get(url)
    assert res.status_code == status, res.text
    body = res.json()
    assert fragment in body["error"]


@pytest.mark.parametrize("url", ["/nope", "/api", "/api/ranks/x", "/docs", "/openapi.json",
                                 "/redoc", "/assets/other.js", "/api/profile/", "/static/x"])
def test_unknown_routes_are_404(gii, url):
    _, client = gii
    assert client.get(url).status_code == 404


def test_only_get(gii):
    _, client = gii
    assert client.post("/api/ranks").status_code == 405
    assert client.delete("/").status_code == 405


def test_profile_and_table(gii):
    recipe, client = gii
    result = build(recipe.with_weights({"IN": 2.0}))
    profile = client.get("/api/profile/USA?w.IN=2").json()
    assert profile["unit"] == "USA" and profile["n"] == 132
    by_code = {n["code"]: n for n in profile["nodes"]}
    assert by_code["GII"]["score"] == pytest.approx(result.scores.loc["USA", "GII"], rel=1e-12)
    assert by_code["GII"]["rank"] == result.ranks.loc["USA", "GII"]
    res = client.get("/api/table.csv?w.IN=2")
    assert res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(res.text)))
    assert len(rows) == 132 and rows[0]["uCode"] == result.ranks["GII"].idxmin()
    assert float(rows[0]["GII"]) == pytest.approx(result.scores["GII"].max(), rel=1e-12)


def test_framework_and_assets(gii):
    _, client = gii
    meta = client.get("/api/framework").json()
    assert meta["index"] == "GII" and len(meta["units"]) == 132
    assert "SGP" not in meta["map_codes"] and "CHE" in meta["map_codes"]
    assert {n["code"] for n in meta["nodes"]} >= {"IN", "OUT", "GII"}
    res = client.get("/")
    assert "connect-src 'self'" in res.headers["content-security-policy"]
    page = res.text
    assert '<script src="/assets/geo.js"></script>' in page
    assert page.index("/assets/geo.js") < page.index("/assets/plotly.js")
    assert "//cdn" not in page and "https://" not in page
    assert "world_110m" in client.get("/assets/geo.js").text
    assert client.get("/assets/plotly.js").text.startswith("/**")


def test_host_check(gii):
    recipe, _ = gii
    app = create_app(recipe, allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app).get("/api/ranks").status_code == 400  # Host: testserver
    assert TestClient(app, base_url="http://127.0.0.1:8050").get("/api/ranks").status_code == 200


def test_recipe_without_aggregate_is_refused(tmp_path):
    steps = "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n"
    recipe = load_recipe(write_toy(tmp_path, steps=steps))
    with pytest.raises(InputError, match="has no aggregate step"):
        create_app(recipe)


def test_aggregate_settings_the_runner_handles(tmp_path):
    """Settings such as ``ratios`` are the recipe runner's, not the aggregate step's: the
    dashboard passes the step only what it takes (and the scores are the same)."""
    from dataclasses import replace

    recipe = load_recipe(write_toy(tmp_path, steps=TOY_STEPS))
    with_ratio = replace(recipe)
    steps = tuple((n, {**s, "ratios": {"eff": ["P", "Q"]}} if n == "aggregate" else s)
                  for n, s in recipe.steps)
    object.__setattr__(with_ratio, "steps", steps)  # as a recipe file with ratios would be
    client = TestClient(create_app(with_ratio))
    res = client.get("/api/ranks?w.P=0.3&aggregate=geometric")
    assert res.status_code == 200
    _check_equal(res.json(), build(recipe.with_step("aggregate", method="geometric",
                                                    min_coverage=0.0).with_weights({"P": 0.3})))


@pytest.mark.parametrize("method", [softmin, {2: softmin, "default": "arithmetic"}])
def test_own_aggregate_function_in_the_dashboard(tmp_path, method):
    """An own aggregate function (every level, or one) scores the recipe's ranks as a rebuild
    does, and an aggregation preset replaces it together with its arguments."""
    recipe = load_recipe(write_toy(tmp_path, steps=TOY_STEPS)).with_step(
        "aggregate", method=method, params={"k": 0.25})
    client = TestClient(create_app(recipe))
    res = client.get("/api/ranks?w.P=0.3")
    assert res.status_code == 200, res.text
    _check_equal(res.json(), build(recipe.with_weights({"P": 0.3})))
    res = client.get("/api/ranks?aggregate=geometric")
    assert res.status_code == 200, res.text
    _check_equal(res.json(), build(recipe.with_step("aggregate", method="geometric")))
