"""Run many small fits at once, each in a forked child that can be stopped.

A fork shares the parent's prepared arrays for free (copy-on-write), starts in milliseconds, and can
be killed when it runs past its timeout, the time budget runs out, or the learner presses Ctrl-C:
one hanging model never takes the others down with it. Each child runs single-threaded (BLAS and
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
class _Running:
    job: Job
    pid: int
    reader: Any
    started: float


@dataclass
class Pool:
    """A fork-per-job pool with at most ``size`` jobs running at once."""

    size: int = 2
    on_start: Callable[[Job, list[str]], None] | None = None
    on_finish: Callable[[Outcome, list[str]], None] | None = None
    interrupted: bool = False
    _running: dict[int, _Running] = field(default_factory=dict)

    def run(self, jobs: list[Job], deadline: float | None = None) -> list[Outcome]:
        """Run the jobs in order; returns one outcome per job (Ctrl-C stops early, see ``interrupted``)."""
        pending = list(jobs)
        outcomes: list[Outcome] = []
        failed: set[str] = set()

        def finish(outcome: Outcome) -> None:
            outcomes.append(outcome)
            if outcome.status in (ERROR, TIMEOUT, CRASHED):
                failed.add(outcome.job.group)
                for other in [r for r in self._running.values() if r.job.group == outcome.job.group]:
                    self._kill(other)
                    finish(Outcome(other.job, CANCELLED))
            if self.on_finish:
                self.on_finish(outcome, self.labels())

        try:
            while pending or self._running:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    for running in list(self._running.values()):
                        self._kill(running)
                        finish(Outcome(running.job, BUDGET, seconds=now - running.started))
                    for job in pending:
                        finish(Outcome(job, BUDGET))
                    pending.clear()
                    break
                while pending and len(self._running) < self.size:
                    job = pending.pop(0)
                    if job.group in failed:
                        finish(Outcome(job, CANCELLED))
                        continue
                    self._start(job)
                self._collect(finish, deadline)
        except KeyboardInterrupt:
            self.interrupted = True
            for running in list(self._running.values()):
                self._kill(running)
        return outcomes

    def labels(self) -> list[str]:
        return [r.job.label for r in self._running.values()]

    def _start(self, job: Job) -> None:
        from multiprocessing import Pipe

        reader, writer = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child: run, send one message, leave without running the parent's cleanup
            code = 0
            try:
                reader.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _quiet_child()
                started = time.perf_counter()
                value = job.run()
                writer.send((OK, value, "", time.perf_counter() - started))
            except BaseException as exc:
                try:
                    writer.send((ERROR, None, one_line(exc), 0.0))
                except BaseException:
                    code = 1
            finally:
                os._exit(code)
        writer.close()
        self._running[pid] = _Running(job, pid, reader, time.monotonic())
        if self.on_start:
            self.on_start(job, self.labels())

    def _collect(self, finish: Callable[[Outcome], None], deadline: float | None) -> None:
        from multiprocessing.connection import wait

        now = time.monotonic()
        waits = [0.5]
        waits += [r.started + r.job.timeout - now for r in self._running.values() if r.job.timeout]
        if deadline is not None:
            waits.append(deadline - now)
        readers = {r.reader: r for r in self._running.values()}
        for reader in wait(list(readers), timeout=max(0.0, min(waits))):
            running = readers[reader]
            try:
                status, value, error, seconds = reader.recv()
            except (EOFError, OSError):
                status, value, seconds = CRASHED, None, time.monotonic() - running.started
                error = "the worker died without an answer" + _death(running.pid)
            self._reap(running)
            finish(Outcome(running.job, status, value, error, seconds))
        now = time.monotonic()
        for running in list(self._running.values()):
            if running.job.timeout and now - running.started > running.job.timeout:
                self._kill(running)
                finish(Outcome(running.job, TIMEOUT, error=f"stopped after {running.job.timeout:.0f} s",
                               seconds=now - running.started))

    def _kill(self, running: _Running) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(running.pid, signal.SIGKILL)
        self._reap(running)

    def _reap(self, running: _Running) -> None:
        self._running.pop(running.pid, None)
        running.reader.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(running.pid, 0)


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
