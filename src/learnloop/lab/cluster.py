"""Run the baseline's fits on a Dask cluster (the ``scale`` extra).

``local`` starts a LocalCluster on this machine (one single-threaded worker process per job slot);
``tcp://HOST:PORT`` uses a scheduler that is already running, whose workers must have learnloop
installed. The prepared folds are scattered to every worker once; each job is one fit. Per-fit
timeouts hold there too (the stuck worker is restarted by its nanny), and the time budget and Ctrl-C
stop the run and keep the finished rows. The same seeds give the same leaderboard as a local run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from learnloop.errors import MissingExtra, UserError
from learnloop.lab import workers


def run_job(index: int, fn: Callable[..., Any], args: tuple[Any, ...], folds: Any) -> tuple[int, str, Any, str, float]:
    """One fit on a Dask worker: single-threaded, warnings off, every failure returned as a value."""
    import warnings

    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        try:
            value = fn(*args, folds=folds)
        except Exception as exc:
            return index, workers.ERROR, None, workers.one_line(exc), time.perf_counter() - started
    return index, workers.OK, value, "", time.perf_counter() - started


def connect(address: str, slots: int) -> tuple[Any, Any]:
    """A Dask client (and the LocalCluster it owns, if any)."""
    import logging

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise MissingExtra("running on a cluster", "scale", "dask") from None
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if address == "local":
        cluster = LocalCluster(n_workers=slots, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster), cluster
    if not address.startswith("tcp://"):
        raise UserError(
            f"{address!r} is not a cluster: give 'local' or a scheduler address like tcp://HOST:8786", field="cluster"
        )
    try:
        return Client(address, timeout="10s"), None
    except OSError as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address} ({workers.one_line(exc)})") from None


class Session:
    """One connection to a cluster for a whole baseline run (the LocalCluster starts once).

    At most one job per worker thread is in flight, so a job's clock starts when it is sent: a job past
    its timeout is reported as timed out, its group's other jobs are cancelled, and the worker that
    runs it is restarted (its nanny starts a fresh process), as the local pool kills a worker.
    """

    def __init__(self, address: str, slots: int) -> None:
        self.address, self.slots = address, slots
        self.client: Any = None
        self.cluster: Any = None
        self._shared: Any = None
        self._shared_for: Any = None

    def run(
        self,
        jobs: list[workers.Job],
        folds: Any,
        finished: Callable[[workers.Outcome, list[str]], None],
        deadline: float | None,
    ) -> tuple[list[workers.Outcome], bool]:
        """Run the jobs on Dask; returns their outcomes and whether Ctrl-C stopped the run."""
        import contextlib

        from dask.distributed import wait

        if self.client is None:
            self.client, self.cluster = connect(self.address, self.slots)
        if self._shared_for is not folds:
            self._shared = self.client.scatter(folds, broadcast=True)
            self._shared_for = folds
        width = max(1, sum(self.client.nthreads().values()) or self.slots)
        outcomes: list[workers.Outcome] = []
        pending = list(range(len(jobs)))
        running: dict[Any, tuple[int, float]] = {}
        failed: set[str] = set()
        interrupted = False

        def report(outcome: workers.Outcome) -> None:
            outcomes.append(outcome)
            finished(outcome, [jobs[i].label for i, _ in running.values()])

        try:
            while pending or running:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    for future, (index, _) in list(running.items()):
                        future.cancel()
                        report(workers.Outcome(jobs[index], workers.BUDGET))
                    running.clear()
                    for index in pending:
                        report(workers.Outcome(jobs[index], workers.BUDGET))
                    break
                while pending and len(running) < width:
                    index = pending.pop(0)
                    if jobs[index].group in failed:
                        report(workers.Outcome(jobs[index], workers.CANCELLED))
                        continue
                    job = jobs[index]
                    future = self.client.submit(run_job, index, job.fn, job.args, self._shared, pure=False)
                    running[future] = (index, time.monotonic())
                if not running:
                    continue
                waits = [1.0] + [
                    started + (jobs[i].timeout or 0.0) - now for i, started in running.values() if jobs[i].timeout
                ]
                if deadline is not None:
                    waits.append(deadline - now)
                try:
                    done, _ = wait(list(running), timeout=max(0.05, min(waits)), return_when="FIRST_COMPLETED")
                except TimeoutError:  # dask says "nothing finished in time" by raising
                    done = set()
                for future in done:
                    index, started = running.pop(future)
                    try:
                        _, status, value, error, seconds = future.result()
                    except Exception as exc:  # the task itself could not run (a lost worker, a pickling error)
                        status, value, error, seconds = workers.CRASHED, None, workers.one_line(exc), 0.0
                    self._settle(jobs, index, status, failed, running, report, value, error, seconds)
                now = time.monotonic()
                for future, (index, started) in list(running.items()):
                    timeout = jobs[index].timeout
                    if timeout and now - started > timeout and future in running:
                        running.pop(future)
                        self._restart_worker_of(future)
                        future.cancel()
                        self._settle(
                            jobs,
                            index,
                            workers.TIMEOUT,
                            failed,
                            running,
                            report,
                            None,
                            f"stopped after {timeout:.0f} s",
                            now - started,
                        )
        except KeyboardInterrupt:
            interrupted = True
            for future in running:
                with contextlib.suppress(Exception):
                    future.cancel()
        return outcomes, interrupted

    def _settle(
        self,
        jobs: list[workers.Job],
        index: int,
        status: str,
        failed: set[str],
        running: dict[Any, tuple[int, float]],
        report: Callable[[workers.Outcome], None],
        value: Any,
        error: str,
        seconds: float,
    ) -> None:
        report(workers.Outcome(jobs[index], status, value, error, seconds))
        if status in (workers.ERROR, workers.TIMEOUT, workers.CRASHED):
            group = jobs[index].group
            failed.add(group)
            for other, (i, _) in list(running.items()):
                if jobs[i].group == group:
                    running.pop(other)
                    self._restart_worker_of(other)
                    other.cancel()
                    report(workers.Outcome(jobs[i], workers.CANCELLED))

    def _restart_worker_of(self, future: Any) -> None:
        """Free the worker stuck on a future (a cancelled task keeps its thread busy until it ends)."""
        import contextlib

        with contextlib.suppress(Exception):
            busy = [address for address, keys in self.client.processing().items() if future.key in keys]
            if busy:
                self.client.restart_workers(busy, timeout=30, raise_for_error=False)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None
