"""R&D statistics: OECD SDMX and NCSES tables in one tidy table, and measures derived from it.

The tidy table has one row per observation (:data:`TIDY_COLUMNS`): ``economy`` (ISO3, or an
OECD aggregate code such as ``OECD``), ``year``, ``variable`` (e.g. ``G_NC``), ``value``,
``unit``, ``source``, then ``status`` (OBS_STATUS flags joined by ``;``) and ``latest`` (the
OECD's ``TIME_PERIOD="2999"`` rows, kept only on request). The bundled table keeps every
release of every figure with its ``vintage`` and ``released`` date
(:mod:`~innometrics.rnd.vintages`), so measures can be computed as known on a date.

>>> from innometrics.rnd import economy_table
>>> economy_table("CHN", 2022, 2023)[["year", "gerd_nc", "gerd_growth"]].round(2)
   year     gerd_nc  gerd_growth
0  2022  3078288.23        10.11
1  2023  3335706.88         8.36
>>> economy_table("CHN", 2022, 2023, as_of="2024-04-25")[["year", "gerd_nc", "vintage"]]
   year    gerd_nc      vintage
0  2022  3078290.0        final
1  2023  3327800.0  preliminary
"""

from .bundled import load_ncses_rnd, load_oecd_rnd, load_rnd
from .economies import AGGREGATES, currency_of, iso3_of, known_economies
from .economy_table import ECONOMY_TABLE_COLUMNS, economy_table
from .measures import (
    DEFAULT_PREFERENCE,
    MEASURES,
    STATUS_CODES,
    basic_research,
    basic_research_growth,
    basic_research_share,
    cagr,
    gerd,
    gerd_growth,
    gerd_intensity,
    gerd_ppp,
    growth,
    measure,
    measure_inputs,
    observations,
    ppp_rate,
    rank_economies,
    real_growth,
    series,
    to_ppp,
)
from .ncses import NCSES_TABLES, read_ncses
from .sdmx import (
    OECD_SBRD,
    TIDY_COLUMNS,
    Structure,
    combine,
    read_sdmx,
    read_sdmx_csv,
    read_sdmx_ml,
)
from .vintages import (
    RELEASE_COLUMNS,
    RELEASE_MEASURES,
    VINTAGE_COLUMNS,
    Figure,
    as_of,
    load_rnd_vintages,
    read_releases,
    releases,
    timeline,
)

__all__ = [
    "load_ncses_rnd", "load_oecd_rnd", "load_rnd",
    "AGGREGATES", "DEFAULT_PREFERENCE", "ECONOMY_TABLE_COLUMNS", "MEASURES", "NCSES_TABLES",
    "OECD_SBRD", "STATUS_CODES", "TIDY_COLUMNS", "basic_research", "basic_research_growth",
    "basic_research_share", "cagr", "combine", "currency_of", "economy_table", "gerd",
    "gerd_growth", "gerd_intensity", "gerd_ppp", "growth", "iso3_of", "known_economies",
    "measure", "measure_inputs", "observations", "ppp_rate", "rank_economies", "read_ncses",
    "read_sdmx",
    "read_sdmx_csv", "read_sdmx_ml", "real_growth", "series", "Structure", "to_ppp",
    "RELEASE_COLUMNS", "RELEASE_MEASURES", "VINTAGE_COLUMNS", "Figure", "as_of",
    "load_rnd_vintages", "read_releases", "releases", "timeline",
]
