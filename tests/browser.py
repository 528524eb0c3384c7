"""Helpers for the browser tests: Debian's headless Chromium driven by Playwright, a uvicorn
server on a free loopback port, the screenshot folder.

Playwright's own browsers are never installed (``playwright install`` downloads them from
outside): the tests launch ``/usr/bin/chromium`` (Debian's ``chromium`` package) and skip,
saying so, where it is absent.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "out" / "screenshots"
#: Flags for a quiet headless Chromium on a closed network, run as root.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def need_chromium() -> None:
    """Skip the test, with the reason, when Debian's Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: browser tests need Debian's chromium package "
                    "(apt-get install -y chromium chromium-driver)")


@contextlib.contextmanager
def chromium() -> Iterator:
    """A Playwright browser running Debian's Chromium headless."""
    from playwright.sync_api import sync_playwright

    need_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch_console(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def local_only(context, prefix: str) -> list[str]:
    """Let ``context`` load only URLs starting with ``prefix``: any other request is aborted
    and its URL listed in the returned list (empty when the page stayed local)."""
    outside: list[str] = []

    def route(request_route) -> None:
        if request_route.request.url.startswith(prefix):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    return outside


@contextlib.contextmanager
def local_page(url: str, prefix: str, *, width: int = 1280,
               height: int = 900) -> Iterator[tuple]:
    """Open ``url`` in headless Chromium, loading nothing outside ``prefix``; yield ``(page,
    problems, outside)``: the page, its console errors and the URLs it tried outside."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": height})
        outside = local_only(context, prefix)
        page = context.new_page()
        problems = watch_console(page)
        page.goto(url)
        try:
            yield page, problems, outside
        finally:
            context.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port in a thread; yield its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name
