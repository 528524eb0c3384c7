"""R&D claims: the figure as known on the claim's date, the vintages combined, and how later
releases revised it (:func:`innometrics.rnd.vintages.timeline`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..rnd.economies import currency_of
from ..rnd.measures import MEASURES, STATUS_CODES, measure
from ..rnd.vintages import Figure, timeline
from .parse import Claim
from .verdicts import claim_text, make_row, sci, verdict_of

__all__ = ["RND_SCALE", "RND_WANTED", "check_rnd"]

#: R&D measures: scale from the table's unit to the claim's (millions → units).
RND_SCALE = {"gerd": 1e6, "basic_research": 1e6, "gerd_ppp": 1e6, "gerd_growth": 1.0,
             "basic_research_growth": 1.0, "gerd_intensity": 1.0, "basic_research_share": 1.0}
#: Where an unverifiable R&D claim's figure would come from (its ``source``).
RND_WANTED = "not in the data here: OECD MSTI / NCSES R&D series for {year}"
#: R&D measures in percent (shown as 8.36%, revised by points).
_PERCENT_MEASURES = ("gerd_growth", "basic_research_growth", "gerd_intensity",
                     "basic_research_share")
_NEEDS = {
    "gerd": "GERD in national currency", "basic_research": "GERD and basic research's share",
    "gerd_ppp": "GERD in PPP dollars", "gerd_growth": "GERD in national currency for the year "
    "and the one before", "basic_research_growth": "GERD and basic research's share for the "
    "year and the one before", "gerd_intensity": "GERD as % of GDP",
    "basic_research_share": "basic research as % of GERD",
}


def _flags(status: dict[tuple[str, int], str]) -> str:
    """'; flags: G_NC 2023 P (provisional)' for the observations used, if flagged."""
    out = []
    for (variable, year), codes in sorted(status.items()):
        for code in filter(None, (codes or "").split(";")):
            out.append(f"{variable} {year} {code} ({STATUS_CODES.get(code, 'see OECD')})")
    return f"; flags: {', '.join(out)}" if out else ""


def check_rnd(claim: Claim, table: pd.DataFrame, cache: dict[tuple, list[Figure]]
               ) -> dict[str, Any]:
    info = MEASURES[claim.measure]
    economy, year = claim.economy, claim.year
    key = (claim.measure, economy, year)
    if key not in cache:
        cache[key] = timeline(table, claim.measure, economy, year)
    figures = cache[key]
    known = [f for f in figures if claim.as_of is None or f.released <= claim.as_of]
    if not figures:
        held = measure(table[table["economy"] == economy], claim.measure).dropna()
        years = held.index.get_level_values("year")
        first, last = (int(years.min()), int(years.max())) if len(held) else (0, 0)
        span = (f"it covers {economy} {first}{'' if first == last else f'-{last}'}"
                if len(held) else f"{economy} is not covered (OECD MSTI and NCSES: ~50 "
                "economies)")
        note = (f"no {info.formula} for {economy} {year} in the R&D data ({span}); needs "
                f"{_NEEDS[claim.measure]} for {economy} {year} (e.g. the national statistical "
                "office or UNESCO UIS)")
        return make_row(claim, None, RND_WANTED.format(year=claim.year), note)
    if not known:
        first = figures[0]
        note = (f"nothing released by {claim.as_of}: the first release of {info.formula} for "
                f"{economy} {year} is {_vintage_words(first)} "
                f"({_display(claim.measure, first.value)}); needs the figures out on "
                f"{claim.as_of}, which the data here do not hold")
        return make_row(claim, None, f"{'; '.join(first.sources)} (released {first.released})",
                    note)
    figure = known[-1]
    found = figure.value * RND_SCALE[claim.measure]
    used = figure.inputs
    source = f"{'; '.join(figure.sources)}: {' × '.join(dict.fromkeys(used['variable']))}"
    status = {(r.variable, r.year): r.status for r in used.itertuples()}
    note = (f"found {economy} {_computed(claim, figure, found)}; {claim_text(claim)}"
            f"{_flags(status)}; {_history(claim, figure, figures)}")
    return make_row(claim, found, source, note, figure=figure)


def _computed(claim: Claim, figure: Figure, found: float) -> str:
    """How ``found`` was computed from the figure's inputs, with their values."""
    year, info = claim.year, MEASURES[claim.measure]
    currency = currency_of(claim.economy) or "national currency"
    get = {(r.variable, r.year): float(r.value) for r in figure.inputs.itertuples()}

    def basic(y: int) -> float:
        return get.get(("BR_NC", y)) or get[("G_NC", y)] * get[("G_BRXG", y)] / 100

    if claim.measure in ("gerd", "gerd_ppp"):
        var = info.variables[0]
        unit = f"million {currency}" if claim.measure == "gerd" else "million PPP US$"
        return f"{var} {year} = {get[(var, year)]:,.1f} {unit} = {sci(found)}"
    if claim.measure == "basic_research":
        if ("BR_NC", year) in get:
            return (f"BR_NC {year} (basic research as released) = {basic(year):,.1f} million "
                    f"{currency} = {sci(found)}")
        nc, share = get[("G_NC", year)], get[("G_BRXG", year)]
        return (f"G_NC {nc:,.1f} million {currency} × G_BRXG {share:.3f}% ({year}) = "
                f"{nc * share / 100:,.1f} million {currency} = {sci(found)}")
    if claim.measure == "gerd_growth":
        return (f"100·(G_NC {year} {get[('G_NC', year)]:,.1f} / G_NC {year - 1} "
                f"{get[('G_NC', year - 1)]:,.1f} − 1) = {found:.2f}%")
    if claim.measure == "basic_research_growth":
        direct = {v for v, _ in get} & {"BR_NC"}
        how = "as released" if direct and "G_NC" not in {v for v, _ in get} else (
            "G_NC × G_BRXG" if not direct else "as released and G_NC × G_BRXG")
        return (f"basic research ({how}) {year} {basic(year):,.1f} / {year - 1} "
                f"{basic(year - 1):,.1f} million {currency}: {found:+.2f}%")
    if claim.measure == "basic_research_share" and ("BR_NC", year) in get:
        return (f"100·BR_NC {year} {get[('BR_NC', year)]:,.1f} / G_NC "
                f"{get[('G_NC', year)]:,.1f} million {currency} = {found:.3f} ({info.unit})")
    var = info.variables[0]
    return f"{var} {year} = {found:.3f} ({info.unit})"


def _vintage_words(figure: Figure) -> str:
    """'the preliminary figures of 2024-02-29', or for inputs of several releases 'the
    figures of 2024-02-29 (G_NC 2022 final of 2023-09-18 + G_NC 2023 preliminary of ...)'."""
    if figure.single:
        named = f"{figure.vintage} figures" if figure.vintage else "figures"
        return f"the {named} of {figure.released}" if figure.released else f"the {named}"
    return f"the figures of {figure.released} ({figure.vintage})"


def _display(measure_name: str, value: float) -> str:
    """A figure as a claim would state it: 8.36%, 3.3357e12."""
    if measure_name in _PERCENT_MEASURES:
        return f"{value:.2f}%"
    return sci(value * RND_SCALE[measure_name])


def _change(measure_name: str, new: float, old: float) -> str:
    if measure_name in _PERCENT_MEASURES:
        points = new - old
        return f"{points:+.2f} points" if abs(points) >= 0.005 else f"{points:+.1g} points"
    diff = (new - old) * RND_SCALE[measure_name]
    return f"{'+' if diff >= 0 else '−'}{sci(abs(diff))}"


def _history(claim: Claim, figure: Figure, figures: list[Figure]) -> str:
    """Which release the verdict rests on, how later releases revised it, and, when the claim
    differs, which earlier release it matches."""
    name = claim.measure
    found = figure.value * RND_SCALE[name]
    verdict = verdict_of(claim, found, claim.tolerance)
    words = "consistent with" if verdict == "consistent" else "differs from"
    when = f"as of {claim.as_of}, {words}" if claim.as_of else f"{words} the latest figures,"
    out = [f"{when} {_vintage_words(figure)}"]
    shown, previous = _display(name, figure.value), figure.value
    for later in (f for f in figures if f.released > figure.released):
        text = _display(name, later.value)
        if text != shown:
            out.append(f"revised to {text} on {later.released} "
                       f"({_change(name, later.value, previous)}, {later.vintage})")
            shown, previous = text, later.value
    if verdict == "differs":
        matched = [f for f in figures if f.released < figure.released and
                   verdict_of(claim, f.value * RND_SCALE[name], claim.tolerance) == "consistent"]
        out += [f"{_vintage_words(f)} gave {_display(name, f.value)}, consistent with the "
                "claim" for f in matched]
    return "; ".join(out)
