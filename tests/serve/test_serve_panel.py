"""The dashboard of a panel recipe: ``time=`` chooses the time whose ranking is shown, equal to
that time's index in a rebuild with the same weights and methods; a time slider in the page."""

from __future__ import annotations

import numpy as np
import pytest
from browser import local_page, served
from fastapi.testclient import TestClient
from test_panel import META_T, PANEL, steps
from toy_index import write_toy

import innometrics as im
from innometrics.ranking import rank_min
from innometrics.serve import LOOPBACK_HOSTS, NORMALISE_PRESETS, create_app


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    text = steps("impute: {method: panel}", "normalise: {method: minmax, range: [1, 100], "
                 "across_time: true}", "aggregate: {}")
    recipe = im.load_recipe(write_toy(tmp_path_factory.mktemp("panel"), META_T, PANEL, text))
    return recipe, TestClient(create_app(recipe))


def _expected(result, time: str) -> tuple[dict, dict]:
    scores = result.results[time].scores.iloc[:, -1]
    ranks = rank_min(scores.to_numpy()[:, None])[:, 0]
    return dict(zip(scores.index, scores, strict=True)), dict(zip(scores.index, ranks,
                                                                  strict=True))


@pytest.mark.parametrize("time", ["2020", "2021", "2022", None])
@pytest.mark.parametrize("weights", [{}, {"P": 0.0}, {"a": 3.0, "Q": 2.0}])
def test_each_time_equals_a_rebuild_with_those_weights(panel, time, weights):
    recipe, client = panel
    params = {**{f"w.{c}": str(v) for c, v in weights.items()},
              **({"time": time} if time else {})}
    body = client.get("/api/ranks", params=params).json()
    shown = time or "2022"  # the latest by default
    assert body["time"] == shown
    scores, ranks = _expected(im.build(recipe.with_weights(weights) if weights else recipe),
                              shown)
    assert set(body["ranks"]) == {"AAA", "BBB", "CCC", "DDD", "EEE"}  # every unit of the panel
    for unit in body["ranks"]:
        if unit in scores:
            np.testing.assert_allclose(body["scores"][unit], scores[unit], rtol=1e-12)
            assert body["ranks"][unit] == ranks[unit]
        else:  # not scored at this time
            assert body["ranks"][unit] is None and body["scores"][unit] is None


@pytest.mark.parametrize("preset", ["zscore10", "prank"])
def test_normalisation_switch_rebuilds_the_panel(panel, preset):
    recipe, client = panel
    body = client.get("/api/ranks", params={"normalise": preset, "time": "2021"}).json()
    scores, _ = _expected(im.build(recipe.with_step("normalise",
                                                    **NORMALISE_PRESETS[preset][1])), "2021")
    for unit, value in scores.items():
        np.testing.assert_allclose(body["scores"][unit], value, rtol=1e-12)


def test_table_profile_and_framework_follow_the_time(panel):
    _, client = panel
    assert client.get("/api/framework").json()["times"] == ["2020", "2021", "2022"]
    table = client.get("/api/table.csv", params={"time": "2020"}).text.splitlines()
    assert len(table) == 1 + 4 and not any(",EEE," in row for row in table)
    res = client.get("/api/profile/EEE", params={"time": "2020"})
    assert res.status_code == 404 and "at time 2020" in res.json()["error"]
    profile = client.get("/api/profile/EEE").json()
    assert profile["n"] == 4 and profile["name"] == "Eland"


@pytest.mark.parametrize(("params", "fragment"), [
    ({"time": "2019"}, "'time' must be one of"),
    ({"time": "2021", "tim": "1"}, "'tim' is not a query parameter"),
])
def test_bad_time_queries(panel, params, fragment):
    _, client = panel
    res = client.get("/api/ranks", params=params)
    assert res.status_code == 400 and fragment in res.json()["error"]


def test_time_on_data_with_one_time_is_refused(tmp_path):
    recipe = im.load_recipe(write_toy(tmp_path))
    res = TestClient(create_app(recipe)).get("/api/ranks", params={"time": "2020"})
    assert res.status_code == 400 and "one time" in res.json()["error"]
    assert "times" in TestClient(create_app(recipe)).get("/api/framework").json()


_RANKS = """() => Object.fromEntries(Array.from(document.querySelectorAll('#ranking tbody tr'))
                   .map(r => [r.dataset.unit, r.querySelector('td.rank').textContent]))"""


def test_time_slider_in_the_page(panel):
    recipe, _ = panel
    result = im.build(recipe)
    _, expected = _expected(result, "2020")
    app = create_app(recipe, allowed_hosts=LOOPBACK_HOSTS)
    with served(app) as base, local_page(base + "/", base + "/", width=1400,
                                         height=1000) as (page, problems, outside):
        page.wait_for_selector("body[data-state=ready]", timeout=60_000)
        assert page.locator("#time-box").is_visible()
        latest = page.evaluate(_RANKS)
        page.locator("#time").fill("0")  # the first time: 2020
        page.wait_for_function("() => document.body.dataset.state === 'ready' && "
                               "document.body.dataset.query === 'time=2020'", timeout=30_000)
        shown = page.evaluate(_RANKS)
        label = page.locator("#time-value").text_content()
    assert problems == [] and outside == []
    assert latest["EEE"] == "2" and shown["EEE"] == "—"  # EEE enters in 2022
    assert label == "2020"
    assert {u: r for u, r in shown.items() if r != "—"} == {u: str(int(r))
                                                             for u, r in expected.items()}
