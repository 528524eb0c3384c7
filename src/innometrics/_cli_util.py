"""Shared pieces of the command line: consoles, the one-line error handler, warnings,
progress bars and number formatting.

The consoles never interpret markup in what they print, so names from the user's data (e.g.
``Weird [/] name``) are printed as they are; styles are passed as ``style=`` instead.

Commands import the engines they run inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from .errors import InputError, InvalidParameter

#: Control characters a terminal would act on (C0 but newline and tab, DEL, C1): an escape
#: sequence in a file name or a unit's name could recolour, clear or retitle the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    r"""``text`` as the console prints it: control characters and ANSI escapes written out
    (``\x1b[31m`` stays visible text), everything else as it is.

    >>> shown("Weird\x1b[31m name\x07")
    'Weird\\x1b[31m name\\x07'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class _Console(Console):
    """A console that shows every text it prints through :func:`shown` (tables included):
    user text never reaches the terminal as control sequences."""

    def render_str(self, text: str, **kwargs: Any) -> Any:
        return super().render_str(shown(text), **kwargs)


#: Output to a file or pipe is not limited to 80 columns (a terminal's own width is used).
_PIPE_WIDTH = None if sys.stdout.isatty() else 160
console = _Console(markup=False, highlight=False, emoji=False, width=_PIPE_WIDTH)
err_console = _Console(stderr=True, markup=False, highlight=False, emoji=False,
                       width=_PIPE_WIDTH)

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
#: The run store chosen on the command line: ``--store PATH`` (a path), ``--no-store``
#: (False), or neither (None: the default store). Set by the options' callbacks for the
#: duration of one command (``ctx.with_resource``), read by :func:`record`.
_STORE_CHOICE: contextvars.ContextVar[Path | bool | None] = contextvars.ContextVar(
    "innometrics_store_choice", default=None)


@contextlib.contextmanager
def _chosen_store(choice: Path | bool) -> Iterator[None]:
    token = _STORE_CHOICE.set(choice)
    try:
        yield
    finally:
        _STORE_CHOICE.reset(token)


def _choose_store(ctx: typer.Context, value: Path | None) -> Path | None:
    if value is None:
        return value
    from .runs import protecting

    if str(value).strip() == "":
        raise typer.BadParameter("is empty; give a file, e.g. --store runs.duckdb")
    if _STORE_CHOICE.get() is False:
        raise typer.BadParameter("contradicts --no-store; give one of them")
    ctx.with_resource(_chosen_store(value))
    # no output of this command may replace the store it records in
    ctx.with_resource(protecting([value]))
    return value


def _no_store(ctx: typer.Context, value: bool) -> bool:
    if value:
        if _STORE_CHOICE.get() is not None:
            raise typer.BadParameter("contradicts --store; give one of them")
        ctx.with_resource(_chosen_store(False))
    return value


StoreFile = Annotated[Path | None, typer.Option(
    "--store", callback=_choose_store, metavar="PATH",
    help="Run store file where runs are recorded (default: $INNOMETRICS_STORE, else "
         "~/.local/share/innometrics/runs.duckdb).")]
#: ``--no-store``: do not record the run (as ``INNOMETRICS_STORE=off`` does).
NoStore = Annotated[bool, typer.Option(
    "--no-store", callback=_no_store,
    help="Do not record the run in the run store (as INNOMETRICS_STORE=off).")]
#: ``--out`` of the commands that can also write the table they show.
TableOut = Annotated[Path | None, typer.Option(
    "--out", help="Also write the table to this file, in the format its extension names: "
                  ".csv, .json, .parquet or .xlsx (a new file, or one innometrics wrote).")]
#: ``--allow-functions`` of the commands that load a recipe (a recipe file, or a run's
#: recipe.yaml they rebuild).
AllowFunctions = Annotated[bool, typer.Option(
    "--allow-functions", help="Let the recipe's 'method: package.module:function' import and "
                              "run that Python function (never done unasked).")]
#: ``--report`` of the commands whose runs make a report.
Report = Annotated[bool, typer.Option("--report", help="Also write DIR/report.html (opens "
                                                       "offline).")]


def fail(message: str) -> None:
    """Print ``error: message`` on stderr and exit with status 2."""
    err_console.print("error: ", style="bold red", end="")
    err_console.print(message, soft_wrap=True)
    raise SystemExit(EXIT_BAD_INPUT)


def _show_warning(seen: set[str], message: Any, category: type, filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """Print a warning as one ``warning: ...`` line, once per command (``seen`` holds the
    texts already printed: the same warning raised at several places shows once)."""
    text = " ".join(str(message).split())
    if text in seen:
        return
    seen.add(text)
    err_console.print("warning: ", style="yellow", end="")
    err_console.print(text, soft_wrap=True)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn input, parameter and memory errors into one line on stderr and exit status 2;
    show warnings as ``warning: ...`` lines."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():  # restores showwarning on the way out
                warnings.simplefilter("always")  # _show_warning prints each text once
                warnings.showwarning = functools.partial(_show_warning, set())
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


def write_table_out(out: Path, table: Any, *, kind: str, settings: dict | None = None,
                    inputs: dict | None = None, on_stderr: bool = False) -> Path:
    """Write the table a command showed to ``--out`` (:func:`~innometrics.runs.write_file`,
    format by extension) and say where (on stderr when stdout carries data)."""
    from .runs import write_file

    target = write_file(out, table, kind=kind, settings=settings, inputs=inputs)
    (err_console if on_stderr else console).print(f"→ {target}")
    return target


def record(target: Path) -> None:
    """Record a finished run (or an output file with its sidecar manifest) in the run store
    chosen by ``--store`` (default: :func:`~innometrics.store.default_store_path`); nothing
    with ``--no-store`` or ``INNOMETRICS_STORE=off``. A store that is locked or damaged gives
    a warning, never a failed command."""
    from .store import record_quietly

    choice = _STORE_CHOICE.get()
    if choice is False:
        return
    run_id = record_quietly(target, choice)
    if run_id is not None:
        console.print(f"recorded in the run store as {run_id} (innometrics runs show {run_id})")


def comma_levels(text: str | None) -> list[int] | None:
    """``"4,3"`` → ``[4, 3]``."""
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidParameter(f"--levels must be levels separated by commas, e.g. 4,3,2; got "
                               f"{text!r}.") from None
