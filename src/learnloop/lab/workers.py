"""Run many small fits at once, each in a forked child that can be stopped.

A fork shares the parent's prepared arrays for free (copy-on-write) and can be killed when it runs
past its timeout, the time budget runs out, or the learner presses Ctrl-C: one hanging model never
takes the others down with it. Workers are reused from job to job, so a run forks a handful of
processes, not one per fit. Each child runs single-threaded (BLAS and
OpenMP limited to one thread), so N children use N cores without oversubscription; this also keeps
GNU OpenMP safe to use in a child of a process that already used it.

A group (one model) whose job fails or times out has its other jobs cancelled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK, ERROR, TIMEOUT, CRASHED, CANCELLED, BUDGET = "ok", "error", "timeout", "crashed", "cancelled", "budget"


@dataclass
class Job:
    key: Any
    group: str
    label: str  # what the progress line shows: "random-forest fold 2/5"
    run: Callable[[], Any]
    timeout: float | None = None


@dataclass
class Outcome:
    job: Job
    status: str
    value: Any = None
    error: str = ""
    seconds: float = 0.0


@dataclass
class _Worker:
    pid: int
    conn: Any
    job: Job | None = None
    index: int = -1
    started: float = 0.0


@dataclass
class Pool:
    """At most ``size`` forked workers; each runs jobs one after another until it is stopped.

    Workers are forked when :meth:`run` starts, so they see that run's jobs (and the arrays the jobs
    close over) without copying anything; the parent only sends a job's index. A worker that runs past
    a timeout, or whose group failed, is killed and replaced by a fresh fork.
    """

    size: int = 2
    on_start: Callable[[Job, list[str]], None] | None = None
    on_finish: Callable[[Outcome, list[str]], None] | None = None
    interrupted: bool = False
    _workers: dict[int, _Worker] = field(default_factory=dict)

    def run(self, jobs: list[Job], deadline: float | None = None) -> list[Outcome]:
        """Run the jobs in order; returns one outcome per job (Ctrl-C stops early, see ``interrupted``)."""
        pending = list(range(len(jobs)))
        outcomes: list[Outcome] = []
        failed: set[str] = set()

        def finish(outcome: Outcome) -> None:
            outcomes.append(outcome)
            if outcome.status in (ERROR, TIMEOUT, CRASHED):
                failed.add(outcome.job.group)
                for other in [w for w in self._workers.values() if w.job and w.job.group == outcome.job.group]:
                    job = other.job
                    self._kill(other)
                    finish(Outcome(job, CANCELLED))
            if self.on_finish:
                self.on_finish(outcome, self.labels())

        try:
            while pending or self._busy():
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    for worker in self._busy():
                        job, started = worker.job, worker.started
                        self._kill(worker)
                        finish(Outcome(job, BUDGET, seconds=now - started))  # type: ignore[arg-type]
                    for index in pending:
                        finish(Outcome(jobs[index], BUDGET))
                    pending.clear()
                    break
                while len(self._workers) < min(self.size, len(pending) + len(self._busy())):
                    self._spawn(jobs)
                for worker in [w for w in self._workers.values() if w.job is None]:
                    while pending:
                        index = pending.pop(0)
                        if jobs[index].group in failed:
                            finish(Outcome(jobs[index], CANCELLED))
                            continue
                        self._assign(worker, jobs, index)
                        break
                self._collect(finish, deadline)
        except KeyboardInterrupt:
            self.interrupted = True
        finally:
            for worker in list(self._workers.values()):
                self._kill(worker)
        return outcomes

    def labels(self) -> list[str]:
        return [w.job.label for w in self._busy() if w.job]

    def _busy(self) -> list[_Worker]:
        return [w for w in self._workers.values() if w.job is not None]

    def _spawn(self, jobs: list[Job]) -> None:
        from multiprocessing import Pipe

        parent, child = Pipe()
        pid = os.fork()
        if pid == 0:  # the child: serve job indices until told to stop; never run the parent's cleanup
            code = 0
            try:
                parent.close()
                _serve(jobs, child)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        child.close()
        self._workers[pid] = _Worker(pid, parent)

    def _assign(self, worker: _Worker, jobs: list[Job], index: int) -> None:
        worker.job, worker.index, worker.started = jobs[index], index, time.monotonic()
        worker.conn.send(index)
        if self.on_start:
            self.on_start(jobs[index], self.labels())

    def _collect(self, finish: Callable[[Outcome], None], deadline: float | None) -> None:
        from multiprocessing.connection import wait

        busy = self._busy()
        if not busy:
            return
        now = time.monotonic()
        waits = [0.5]
        waits += [w.started + w.job.timeout - now for w in busy if w.job and w.job.timeout]
        if deadline is not None:
            waits.append(deadline - now)
        by_conn = {w.conn: w for w in busy}
        for conn in wait(list(by_conn), timeout=max(0.0, min(waits))):
            worker = by_conn[conn]
            job = worker.job
            if job is None:  # cancelled by an earlier outcome of this round (its group failed): already reported
                continue
            try:
                _index, status, value, error, seconds = conn.recv()
            except (EOFError, OSError):
                status, value, seconds = CRASHED, None, time.monotonic() - worker.started
                error = "the worker died without an answer" + _death(worker.pid)
                self._forget(worker)
            else:
                worker.job = None
            finish(Outcome(job, status, value, error, seconds))
        now = time.monotonic()
        for worker in self._busy():
            job = worker.job
            if job and job.timeout and now - worker.started > job.timeout:
                self._kill(worker)
                finish(Outcome(job, TIMEOUT, error=f"stopped after {job.timeout:.0f} s", seconds=now - worker.started))

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        self._workers.pop(worker.pid, None)
        worker.job = None
        worker.conn.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)


def _serve(jobs: list[Job], conn: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet_child()
    while True:
        index = conn.recv()
        if index is None:
            return
        started = time.perf_counter()
        try:
            value = jobs[index].run()
            message = (index, OK, value, "", time.perf_counter() - started)
        except Exception as exc:
            message = (index, ERROR, None, one_line(exc), time.perf_counter() - started)
        conn.send(message)


def _quiet_child() -> None:
    import warnings

    warnings.simplefilter("ignore")
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _death(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return ""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        why = ", likely out of memory" if sig == signal.SIGKILL else ""
        return f" (killed by signal {sig}{why})"
    return ""


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:200]
