"""Run the baseline's fits on a Dask cluster through joblib's dask backend (the ``scale`` extra).

``local`` starts a LocalCluster on this machine (one single-threaded worker process per job slot);
``tcp://HOST:PORT`` uses a scheduler that is already running, whose workers must have learnloop
installed. Fits on a cluster have no per-fit timeout (a worker cannot be killed from here); the time
budget and Ctrl-C still stop the run and keep the finished rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from learnloop.errors import UserError
from learnloop.lab import workers


def run_job(index: int, run: Callable[[], Any]) -> tuple[int, str, Any, str, float]:
    """One fit on a Dask worker: single-threaded, warnings off, every failure returned as a value."""
    import warnings

    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        try:
            value = run()
        except Exception as exc:
            return index, workers.ERROR, None, workers.one_line(exc), time.perf_counter() - started
    return index, workers.OK, value, "", time.perf_counter() - started


def connect(address: str, slots: int) -> tuple[Any, Any]:
    """A Dask client (and the LocalCluster it owns, if any)."""
    import logging

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UserError("--cluster needs Dask", hint="pip install 'learnloop[scale]'") from None
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if address == "local":
        cluster = LocalCluster(n_workers=slots, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster), cluster
    if not address.startswith("tcp://"):
        raise UserError(f"--cluster {address!r}: give 'local' or a scheduler address like tcp://HOST:8786")
    try:
        return Client(address, timeout="10s"), None
    except OSError as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address} ({workers.one_line(exc)})") from None


class Session:
    """One connection to a cluster for a whole baseline run (the LocalCluster starts once)."""

    def __init__(self, address: str, slots: int) -> None:
        self.address, self.slots = address, slots
        self.client: Any = None
        self.cluster: Any = None

    def run(self, jobs: list[workers.Job], finished: Callable[[workers.Outcome, list[str]], None],
            deadline: float | None) -> tuple[list[workers.Outcome], bool]:
        """Run the jobs on Dask; returns their outcomes and whether Ctrl-C stopped the run."""
        import joblib

        if self.client is None:
            self.client, self.cluster = connect(self.address, self.slots)
        outcomes: list[workers.Outcome] = []
        done: set[int] = set()
        interrupted = False
        try:
            with joblib.parallel_config(backend="dask"):
                results = joblib.Parallel(n_jobs=-1, return_as="generator_unordered")(
                    joblib.delayed(run_job)(i, job.run) for i, job in enumerate(jobs))
                for index, status, value, error, seconds in results:
                    done.add(index)
                    outcome = workers.Outcome(jobs[index], status, value, error, seconds)
                    outcomes.append(outcome)
                    finished(outcome, [])
                    if deadline is not None and time.monotonic() >= deadline:
                        break
        except KeyboardInterrupt:
            interrupted = True
        if not interrupted:
            for index, job in enumerate(jobs):
                if index not in done:
                    outcomes.append(workers.Outcome(job, workers.BUDGET))
        return outcomes, interrupted

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None
