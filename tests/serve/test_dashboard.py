"""The dashboard in headless Chromium: served by uvicorn on a loopback port, a weight slider
moved, ranks changed on the page, no console error, nothing fetched from outside."""

from __future__ import annotations

from browser import local_page, screenshot_path, served

from innometrics.datasets import gii_recipe_path
from innometrics.recipe import load_recipe
from innometrics.result import build
from innometrics.serve import LOOPBACK_HOSTS, create_app

_RANKS = """() => Object.fromEntries(Array.from(document.querySelectorAll('#ranking tbody tr'))
                   .map(r => [r.dataset.unit, r.querySelector('td.rank').textContent]))"""


def test_slider_changes_ranks_in_the_page():
    recipe = load_recipe(gii_recipe_path(2022))
    expected = build(recipe.with_weights({"IN": 0.0})).ranks["GII"]
    app = create_app(recipe, allowed_hosts=LOOPBACK_HOSTS)
    with served(app) as base, local_page(base + "/", base + "/", width=1400,
                                         height=1000) as (page, problems, outside):
        page.wait_for_selector("body[data-state=ready]", timeout=60_000)
        before = page.evaluate(_RANKS)
        slider = page.locator('#sliders input[data-code="IN"]')
        slider.fill("0")  # sets the range input and fires its input event
        page.wait_for_function("() => document.body.dataset.state === 'ready' && "
                               "document.body.dataset.query === 'w.IN=0'", timeout=30_000)
        after = page.evaluate(_RANKS)
        page.wait_for_function("() => document.querySelector('#profile-plot .barlayer path')")
        drawn = page.evaluate("""() => ['bars', 'map', 'profile-plot'].map(id =>
            document.querySelectorAll('#' + id + ' .barlayer .point path, #' + id
                                      + ' .choroplethlocation').length)""")
        page.screenshot(path=str(screenshot_path("dashboard.png")), full_page=True)
    assert problems == [] and outside == []
    assert len(before) == len(after) == 132
    changed = [u for u in before if before[u] != after[u]]
    assert changed, "moving the IN weight to 0 changed no rank"
    assert before["USA"] == "2" and after == {u: str(int(r)) for u, r in expected.items()}
    assert all(n > 0 for n in drawn), drawn
