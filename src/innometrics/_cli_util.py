"""Shared pieces of the command line: consoles, the one-line error handler, warnings,
progress bars and number formatting.

The consoles never interpret markup in what they print, so names from the user's data (e.g.
``Weird [/] name``) are printed as they are; styles are passed as ``style=`` instead.
"""

from __future__ import annotations

import contextlib
import functools
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from ._dask import connect as dask_client  # noqa: F401  (clusters/cli.py's name)
from .errors import InputError, InvalidParameter

#: Output to a file or pipe is not limited to 80 columns (a terminal's own width is used).
_PIPE_WIDTH = None if sys.stdout.isatty() else 160
console = Console(markup=False, highlight=False, emoji=False, width=_PIPE_WIDTH)
err_console = Console(stderr=True, markup=False, highlight=False, emoji=False, width=_PIPE_WIDTH)

#: Exit status of a command refused for its input, settings or output path.
EXIT_BAD_INPUT = 2


def _set_quiet(value: bool) -> bool:
    if value:
        console.quiet = True
    return value


#: ``--quiet`` on any command: print only errors and warnings.
Quiet = Annotated[bool, typer.Option("--quiet", "-q", callback=_set_quiet,
                                     help="Print only errors and warnings.")]
#: ``--out`` of the commands that write a run directory.
OutDir = Annotated[Path, typer.Option(
    "--out", help="Output directory: new, or an earlier run of this command (replaced "
                  "atomically).")]
#: ``--force`` of the same commands.
Force = Annotated[bool, typer.Option(
    "--force", help="Replace a non-empty directory that is not a run of this command "
                    "(never ., an ancestor, your home, / or a file).")]
#: ``--report`` of the commands whose runs make a report.
Report = Annotated[bool, typer.Option("--report", help="Also write DIR/report.html (opens "
                                                       "offline).")]


def fail(message: str) -> None:
    """Print ``error: message`` on stderr and exit with status 2."""
    err_console.print("error: ", style="bold red", end="")
    err_console.print(message, soft_wrap=True)
    raise SystemExit(EXIT_BAD_INPUT)


def _show_warning(message: Any, category: type, filename: str, lineno: int, file: Any = None,
                  line: str | None = None) -> None:
    err_console.print("warning: ", style="yellow", end="")
    err_console.print(str(message), soft_wrap=True)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn input, parameter and memory errors into one line on stderr and exit status 2;
    show warnings as ``warning: ...`` lines."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():  # restores showwarning on the way out
                warnings.simplefilter("default")
                warnings.showwarning = _show_warning
                return command(*args, **kwargs)
        except (InputError, InvalidParameter, ValueError) as exc:
            fail(" ".join(str(exc).split()))
        except MemoryError:
            fail("not enough memory for this run; use fewer replications or a smaller input")

    return wrapper


def rank_text(value: float) -> str:
    """A rank as text: an integer, or an en dash where there is none (NaN)."""
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{int(value)}"


def number_text(value: float, digits: int = 2) -> str:
    """A number with ``digits`` decimals, or an en dash for NaN."""
    return "–" if value is None or math.isnan(float(value)) else f"{float(value):.{digits}f}"


@contextlib.contextmanager
def progress_bar(label: str, *, after: float = 1.0) -> Iterator[Callable[[int, int], None]]:
    """A progress callback ``(done, total)`` that shows a bar only once work has taken longer
    than ``after`` seconds (short runs stay quiet), and never with ``--quiet``."""
    start = time.perf_counter()
    bar: Progress | None = None
    task = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if (bar is None and not console.quiet and time.perf_counter() - start > after
                and done < total):
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


@contextlib.contextmanager
def working(label: str) -> Iterator[None]:
    """A transient spinner on stderr while something slow runs (not with ``--quiet``)."""
    if console.quiet:
        yield
        return
    with err_console.status(label, spinner="dots"):
        yield


def argv() -> list[str]:
    """The command line as typed (program name shortened to ``innometrics``)."""
    return ["innometrics", *sys.argv[1:]]


def add_report(target: Path, *companions: Path) -> None:
    """Render a finished run's offline HTML report into it (``--report``; listed in the run's
    manifest), with the runs it needs beside it (an uncertainty run's nominal build)."""
    from .report import add_report_to_run

    with working("rendering the report"):
        page = add_report_to_run(target, *companions)
    console.print(f"report → {page}")


def record(target: Path) -> None:
    """Record a finished run (or an output file with its sidecar manifest) in the run store;
    a store that is locked or damaged gives a warning, never a failed command."""
    from .store import record_quietly

    run_id = record_quietly(target)
    if run_id is not None:
        console.print(f"recorded in the run store as {run_id} (innometrics runs show {run_id})")
