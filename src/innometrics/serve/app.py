"""The dashboard's web app: one static page and a small JSON API over :class:`DashboardModel`.

Routes (everything else is 404; there are no docs pages, which would load scripts from a CDN):

========================  ==========================================================
``GET /``                 the page (inline CSS and JS; no network needed)
``GET /assets/plotly.js`` plotly.js from the installed plotly package
``GET /assets/geo.js``    ``window.PlotlyGeoAssets`` with the bundled world outlines
``GET /api/framework``    nodes, units, options (:meth:`DashboardModel.describe`)
``GET /api/ranks``        ``{"ranks": {uCode: rank}, "scores": {uCode: score}}`` (index;
                          on a panel also ``"time"``, the time shown)
``GET /api/profile/{u}``  one unit's scores and ranks at every node
``GET /api/table.csv``    the current ranking as CSV (a download)
========================  ==========================================================

Every ``/api`` route takes the query of :mod:`innometrics.serve.model` (``w.<code>``,
``normalise``, ``aggregate``, and on a panel recipe ``time``: which time's ranking is shown,
default the latest, e.g. ``GET /api/ranks?time=2021``); a bad query is answered ``400`` (or
``422`` when the methods cannot be combined) with ``{"error": message, "parameter": name}``.
Nothing is read from disk after start-up and no path ever comes from the browser.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..recipe import Recipe
from ..report.html import asset_text
from .model import DashboardModel, QueryError

__all__ = ["create_app"]

_NO_STORE = {"Cache-Control": "no-store"}
_ASSET_CACHE = {"Cache-Control": "public, max-age=3600"}
_SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
             "X-Frame-Options": "DENY"}
#: The page loads its scripts and data from this server only, and nothing else.
_PAGE_POLICY = {"Content-Security-Policy": "default-src 'self'; script-src 'self' "
                "'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'"}


def _static(name: str) -> str:
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _page() -> str:
    page = _static("dashboard.html")
    return (page.replace("/*@CSS@*/", _static("dashboard.css"))
                .replace("/*@JS@*/", asset_text("common.js") + _static("dashboard.js")))


def create_app(recipe: Recipe, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """A FastAPI app serving the dashboard of ``recipe`` (run once, here).

    Parameters
    ----------
    recipe : Recipe
        The recipe to explore; it must end with an ``aggregate`` step.
    allowed_hosts : list of str, optional
        Host names the app answers (others get 400), against DNS rebinding; default: any
        (:func:`innometrics.serve.serve` passes the loopback names).

    Returns
    -------
    FastAPI
    """
    from ..report.html import geo_assets_js, plotly_js
    from ..report.index_section import map_codes

    model = DashboardModel(recipe)
    page = _page()
    drawn, small, other = map_codes(model.units)
    note = " ".join(filter(None, [
        f"Not drawn at the map's 1:110m resolution: {', '.join(small)}." if small else "",
        f"Not country codes, not mapped: {', '.join(other[:20])}." if other else ""]))
    described = {**model.describe(), "map_codes": drawn, "map_note": note}
    app = FastAPI(title="innometrics dashboard", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.model = model
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.exception_handler(QueryError)
    async def _query_error(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"error": exc.message, "parameter": exc.parameter},
                            status_code=exc.status, headers={**_NO_STORE, **_SECURITY})

    def query(request: Request):
        return model.parse(request.query_params.multi_items())

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        if request.query_params:
            raise QueryError("the page takes no query parameters.", parameter=next(
                iter(request.query_params)))
        return HTMLResponse(page, headers={**_NO_STORE, **_SECURITY, **_PAGE_POLICY})

    @app.get("/assets/plotly.js")
    def plotly_asset() -> Response:
        return Response(plotly_js(), media_type="text/javascript",
                        headers={**_ASSET_CACHE, **_SECURITY})

    @app.get("/assets/geo.js")
    def geo_asset() -> Response:
        return Response(geo_assets_js(), media_type="text/javascript",
                        headers={**_ASSET_CACHE, **_SECURITY})

    @app.get("/api/framework")
    def framework(request: Request) -> JSONResponse:
        query(request)
        return JSONResponse(described, headers={**_NO_STORE, **_SECURITY})

    @app.get("/api/ranks")
    def ranks(request: Request) -> JSONResponse:
        return JSONResponse(model.index(query(request)), headers={**_NO_STORE, **_SECURITY})

    @app.get("/api/profile/{unit}")
    def profile(unit: str, request: Request) -> JSONResponse:
        q = query(request)
        time = model.time_of(q)
        if unit not in model.units_at(time):
            at = f" at time {time}" if time is not None else ""
            return JSONResponse({"error": f"'{unit}' is not a unit of this index{at}.",
                                 "parameter": "unit"}, status_code=404,
                                headers={**_NO_STORE, **_SECURITY})
        return JSONResponse(model.profile(unit, q), headers={**_NO_STORE, **_SECURITY})

    @app.get("/api/table.csv")
    def table(request: Request) -> Response:
        header, rows = model.table(query(request))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="ranking.csv"',
                                 **_NO_STORE, **_SECURITY})

    return app
