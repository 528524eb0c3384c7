"""One Dask set-up for everything that runs on Dask: a client of a running scheduler (the
``--scheduler`` address), or of a local cluster started here and closed on exit.

How long to wait for a scheduler is a setting: the ``timeout`` argument, else the environment
variable ``INNOMETRICS_SCHEDULER_TIMEOUT`` (seconds), else :data:`DEFAULT_TIMEOUT`.

Dask is imported inside the functions: ``distributed`` takes about a second to import, and
only the Dask engines need it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ._params import Integral, Interval, Real, check_params
from .errors import InputError, InvalidParameter

__all__ = ["DEFAULT_TIMEOUT", "TIMEOUT_VARIABLE", "connect", "dask_client", "scheduler_timeout"]

#: Seconds to wait for a scheduler when nothing else is set.
DEFAULT_TIMEOUT = 10.0
#: Environment variable that sets the wait (seconds) for every command.
TIMEOUT_VARIABLE = "INNOMETRICS_SCHEDULER_TIMEOUT"

_CONSTRAINTS = {
    "timeout": [Interval(Real, 0, None, closed="neither"), None],
    "n_workers": [Interval(Integral, 1, None)],
    "threads_per_worker": [Interval(Integral, 1, None)],
    "processes": [bool],
    "dashboard_address": [str, None],
}


def scheduler_timeout(timeout: float | None = None) -> float:
    """Seconds to wait for a scheduler: ``timeout`` if given, else
    ``$INNOMETRICS_SCHEDULER_TIMEOUT``, else :data:`DEFAULT_TIMEOUT`.

    >>> scheduler_timeout(2.5)
    2.5
    """
    check_params("dask_client", {"timeout": timeout}, _CONSTRAINTS)
    if timeout is not None:
        return float(timeout)
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise InvalidParameter(f"{TIMEOUT_VARIABLE} must be a positive number of seconds; got "
                               f"{text!r}. Fix: set it to e.g. 30, or unset it for the default "
                               f"{DEFAULT_TIMEOUT:g}.")
    return value


def connect(scheduler: str, *, timeout: float | None = None) -> Any:
    """A ``distributed.Client`` of the scheduler at ``scheduler`` (e.g. ``tcp://host:8786``).

    Raises
    ------
    InputError
        One line naming ``--scheduler`` when it cannot be reached within
        :func:`scheduler_timeout` seconds.
    """
    wait = scheduler_timeout(timeout)
    from distributed import Client

    try:
        return Client(scheduler, timeout=wait)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {scheduler}",
                         f"cannot be reached within {wait:g} s ({type(exc).__name__})",
                         "check the address (e.g. tcp://host:8786) and that the scheduler "
                         "runs, or leave --scheduler out to start a local cluster") from None


@contextmanager
def dask_client(scheduler: str | None = None, *, timeout: float | None = None,
                n_workers: int = 2, threads_per_worker: int = 1, processes: bool = True,
                dashboard_address: str | None = ":0") -> Iterator[Any]:
    """A ``distributed.Client``, closed on exit (with the cluster it started).

    Parameters
    ----------
    scheduler : str or None, default=None
        Address of a running scheduler (see :func:`connect`); None starts a ``LocalCluster``
        on this machine.
    timeout : float or None, default=None
        Seconds to wait for ``scheduler`` (:func:`scheduler_timeout`).
    n_workers, threads_per_worker : int, default=2, 1
        Size of the local cluster.
    processes : bool, default=True
        Local workers in processes (True) or threads of this process (False).
    dashboard_address : str or None, default=":0"
        The local cluster's dashboard (":0": any free port; None: no dashboard).
    """
    check_params("dask_client", {"n_workers": n_workers,
                                 "threads_per_worker": threads_per_worker,
                                 "processes": processes,
                                 "dashboard_address": dashboard_address}, _CONSTRAINTS)
    if scheduler:
        with connect(scheduler, timeout=timeout) as client:
            yield client
        return
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                      processes=processes, dashboard_address=dashboard_address) as cluster, \
            Client(cluster) as client:
        yield client
