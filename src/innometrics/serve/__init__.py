"""A local dashboard: weights and methods changed in the browser, ranks recomputed at once.

>>> from innometrics.serve import serve
>>> serve("recipe.yaml")  # then open http://127.0.0.1:8050  # doctest: +SKIP

The recipe is run once; each change is answered by re-aggregating the cached normalised
scores (:mod:`innometrics.serve.model`), never by a rebuild. The app
(:func:`create_app`, :mod:`innometrics.serve.app`) serves one page with plotly.js and the
world outlines from the installed packages, so it works with no network; it listens on the
loopback interface unless told otherwise and reads nothing from disk after start-up.

Functions import the engines they use inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable

from .app import create_app
from .model import AGGREGATE_PRESETS, NORMALISE_PRESETS, DashboardModel, Query, QueryError

__all__ = ["serve", "create_app", "DashboardModel", "Query", "QueryError", "NORMALISE_PRESETS",
           "AGGREGATE_PRESETS", "LOOPBACK_HOSTS"]

#: Host names a loopback dashboard answers to (others are refused, against DNS rebinding).
LOOPBACK_HOSTS = ["127.0.0.1", "localhost"]


def _is_ipv4_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 4 and address.is_loopback


def url(host: str, port: int) -> str:
    """The address of the dashboard as a URL: an IPv6 address in brackets (RFC 3986).

    >>> url("127.0.0.1", 8050), url("::1", 8050), url("[::1]", 80)
    ('http://127.0.0.1:8050', 'http://[::1]:8050', 'http://[::1]:80')
    """
    bare = host.strip("[]")
    return f"http://[{bare}]:{port}" if ":" in bare else f"http://{host}:{port}"


def check_address(host: str, port: int) -> None:
    """Refuse, before anything starts, an address the dashboard could not listen on."""
    import socket

    from ..errors import InputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise InputError(f"--host {host}", "is not a host name or address of this machine",
                         "use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"
                         ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(address)
        except OSError as exc:
            raise InputError(f"--port {port}", f"cannot be used on {host} ({exc.strerror})",
                             "choose another port, e.g. --port 8051") from None


def serve(recipe_path: str | os.PathLike, host: str = "127.0.0.1", port: int = 8050, *,
          log_level: str = "warning", on_ready: Callable[[], None] | None = None) -> None:
    """Load the recipe, build the dashboard and serve it with uvicorn until interrupted.

    Parameters
    ----------
    recipe_path : path
        A recipe file (YAML) ending with an ``aggregate`` step.
    host : str, default "127.0.0.1"
        Interface to listen on. The default (loopback) keeps the dashboard on this machine;
        on an IPv4 loopback address the app also refuses requests for other host names.
    port : int, default 8050
    log_level : str, default "warning"
        uvicorn's log level.
    on_ready : callable, optional
        Called once the recipe is built and the address is free, just before serving.

    Raises
    ------
    InputError, InvalidParameter
        For a bad recipe (see :func:`innometrics.load_recipe`).
    """
    import uvicorn

    from ..recipe import load_recipe

    recipe = load_recipe(recipe_path)
    check_address(host, int(port))
    allowed = LOOPBACK_HOSTS + [host] if _is_ipv4_loopback(host) else None
    app = create_app(recipe, allowed_hosts=allowed)
    if on_ready is not None:
        on_ready()
    uvicorn.run(app, host=host, port=int(port), log_level=log_level)
