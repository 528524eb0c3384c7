"""Shared pieces of the command line: consoles and the one-line error handler."""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console
from rich.progress import Progress

from .errors import InputError, InvalidParameter

console = Console()
err_console = Console(stderr=True)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn input and parameter errors into one line on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (InputError, InvalidParameter, ValueError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            sys.exit(2)

    return wrapper


@contextlib.contextmanager
def progress_bar(label: str, *, after: float = 1.0) -> Iterator[Callable[[int, int], None]]:
    """A progress callback ``(done, total)`` that shows a bar only once work has taken longer
    than ``after`` seconds (short runs stay quiet)."""
    start = time.perf_counter()
    bar: Progress | None = None
    task = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None and time.perf_counter() - start > after and done < total:
            bar = Progress(console=err_console, transient=True)
            bar.start()
            task = bar.add_task(label, total=total)
        if bar is not None:
            bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()
