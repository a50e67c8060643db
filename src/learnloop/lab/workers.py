"""Run many small fits at once, each in a worker process that can be stopped.

Workers are processes of :mod:`multiprocessing`, started with ``fork`` where that is safe (Linux,
from the main thread) and with ``spawn`` elsewhere (macOS, Windows, a web server's worker thread on
Python ≥ 3.12); ``LEARNLOOP_START_METHOD`` forces one. They can start before the parent has loaded
the data or imported any estimator: each worker imports what its jobs need, while the parent is
still reading the table. The data every job shares (the prepared folds) is the pool's *context*:
inherited for free by a fork started after it is set, sent once to each worker otherwise.

A job is a picklable function and its arguments; it reads the context with :func:`context`. One
hanging job never takes the others down: a job past its timeout, the time budget running out, or
Ctrl-C kills its worker, and a fresh one replaces it. Each worker runs single-threaded (BLAS and
OpenMP limited to one thread), so N workers use N cores without oversubscription.

A group (one model) whose job fails or times out has its other jobs cancelled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK, ERROR, TIMEOUT, CRASHED, CANCELLED, BUDGET = "ok", "error", "timeout", "crashed", "cancelled", "budget"
START_METHODS = ("fork", "spawn", "forkserver")
BIG_CONTEXT = 64 * 1024**2  # above this, a fork pool re-forks to inherit the context instead of copying it

_CONTEXT: Any = None  # in a worker: the data its jobs share


@dataclass
class Job:
    key: Any
    group: str
    label: str  # what the progress line shows: "random-forest fold 2/5"
    fn: Callable[..., Any]  # a module-level function (picklable); reads shared data with context()
    args: tuple[Any, ...] = ()
    timeout: float | None = None

    def run(self) -> Any:
        return self.fn(*self.args)


@dataclass
class Outcome:
    job: Job
    status: str
    value: Any = None
    error: str = ""
    seconds: float = 0.0


@dataclass
class _Worker:
    process: Any
    conn: Any
    job: Job | None = None
    index: int = -1
    started: float = 0.0


def context() -> Any:
    """The shared data of the pool this process works for (the prepared folds)."""
    return _CONTEXT


def start_method() -> str:
    """``fork`` where it is safe, ``spawn`` elsewhere; ``LEARNLOOP_START_METHOD`` overrides."""
    import multiprocessing

    forced = os.environ.get("LEARNLOOP_START_METHOD", "").strip().lower()
    available = multiprocessing.get_all_start_methods()
    if forced in START_METHODS and forced in available:
        return forced
    if "fork" not in available or sys.platform == "darwin":
        return "spawn"
    if sys.version_info >= (3, 12) and threading.current_thread() is not threading.main_thread():
        return "spawn"  # forking a threaded process from a side thread can deadlock the child
    return "fork"


@dataclass
class Pool:
    """At most ``size`` workers; each runs jobs one after another until the pool is closed."""

    size: int = 2
    on_start: Callable[[Job, list[str]], None] | None = None
    on_finish: Callable[[Outcome, list[str]], None] | None = None
    method: str | None = None
    warm: tuple[str, ...] = ()  # modules a new worker imports while it waits for its first job
    interrupted: bool = False
    _workers: dict[int, _Worker] = field(default_factory=dict)
    _context: Any = None
    _context_big: bool = False

    def __post_init__(self) -> None:
        self.method = self.method or start_method()

    # ------------------------------------------------------------ life cycle

    def start(self, count: int | None = None) -> None:
        """Start workers now (they warm up while the caller keeps working)."""
        while len(self._workers) < min(self.size, count or self.size):
            self._spawn()

    def set_context(self, value: Any, size_bytes: int = 0) -> None:
        """The data jobs share: sent to running workers (or, for a big one under fork, inherited)."""
        self._context = value
        self._context_big = size_bytes > BIG_CONTEXT
        if self._context_big and self.method == "fork":
            for worker in list(self._workers.values()):
                self._stop(worker)  # re-forked on demand, sharing the data copy-on-write
            return
        for worker in list(self._workers.values()):
            try:
                worker.conn.send(("context", value))
            except OSError:
                self._forget(worker)

    def close(self) -> None:
        """Stop every worker at once (idle ones hold nothing worth a graceful exit)."""
        for worker in list(self._workers.values()):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                worker.process.kill()
        for worker in list(self._workers.values()):
            self._forget(worker)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ running

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
                    finish(Outcome(job, CANCELLED))  # type: ignore[arg-type]
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
                    self._spawn()
                for worker in [w for w in list(self._workers.values()) if w.job is None]:
                    while pending:
                        index = pending.pop(0)
                        if jobs[index].group in failed:
                            finish(Outcome(jobs[index], CANCELLED))
                            continue
                        if not self._assign(worker, jobs, index):
                            pending.insert(0, index)
                        break
                self._collect(finish, deadline)
        except KeyboardInterrupt:
            self.interrupted = True
            for worker in self._busy():
                self._kill(worker)
        for worker in self._busy():  # the deadline or Ctrl-C left them mid-job
            self._kill(worker)
        return outcomes

    def labels(self) -> list[str]:
        return [w.job.label for w in self._busy() if w.job]

    def _busy(self) -> list[_Worker]:
        return [w for w in self._workers.values() if w.job is not None]

    def _spawn(self) -> None:
        import multiprocessing

        ctx: Any = multiprocessing.get_context(self.method)
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_serve, args=(child, self._context, self.warm), daemon=True, name="learnloop-worker"
        )
        process.start()
        child.close()
        self._workers[process.pid] = _Worker(process, parent)

    def _assign(self, worker: _Worker, jobs: list[Job], index: int) -> bool:
        job = jobs[index]
        try:
            worker.conn.send(("job", index, job.fn, job.args))
        except OSError:  # the worker died while idle: replace it and try again
            self._forget(worker)
            return False
        worker.job, worker.index, worker.started = job, index, time.monotonic()
        if self.on_start:
            self.on_start(job, self.labels())
        return True

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
                _index, status, value, error, seconds = worker.conn.recv()
            except (EOFError, OSError):
                status, value, seconds = CRASHED, None, time.monotonic() - worker.started
                error = "the worker died without an answer" + _death(worker)
                self._forget(worker)
            except Exception as exc:  # an answer that cannot be unpickled here
                status, value, seconds = ERROR, None, time.monotonic() - worker.started
                error = one_line(exc)
                self._kill(worker)
            else:
                worker.job = None
            finish(Outcome(job, status, value, error, seconds))
        now = time.monotonic()
        for worker in self._busy():
            job = worker.job
            if job and job.timeout and now - worker.started > job.timeout:
                self._kill(worker)
                finish(Outcome(job, TIMEOUT, error=f"stopped after {job.timeout:.0f} s", seconds=now - worker.started))

    def _stop(self, worker: _Worker) -> None:
        """Ask an idle worker to leave; kill it if it is busy or does not answer."""
        if worker.job is None:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
            worker.process.join(0.2)
        self._kill(worker)

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if worker.process.is_alive():
                worker.process.kill()
        self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        self._workers.pop(worker.process.pid, None)
        worker.job = None
        with contextlib.suppress(OSError):
            worker.conn.close()
        with contextlib.suppress(OSError, ValueError, AssertionError):
            worker.process.join(5)


def _serve(conn: Any, shared: Any, warm: tuple[str, ...]) -> None:
    """A worker's life: warm up, then run job after job until told to stop."""
    global _CONTEXT
    import gc

    # What a fork inherits (the libraries, the folds) is never garbage here: the worker's collections skip
    # it, and its memory pages stay shared with the parent instead of being copied when a collection walks them.
    gc.freeze()
    with contextlib.suppress(ValueError):  # not the main thread of the interpreter
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    if shared is not None:
        _CONTEXT = shared
    _quiet_child()
    for module in warm:
        with contextlib.suppress(Exception):
            __import__(module)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message[0] == "context":
            _CONTEXT = message[1]
            continue
        _, index, fn, args = message
        started = time.perf_counter()
        try:
            value = fn(*args)
            answer = (index, OK, value, "", time.perf_counter() - started)
        except Exception as exc:
            answer = (index, ERROR, None, one_line(exc), time.perf_counter() - started)
        conn.send(answer)


def _quiet_child() -> None:
    import warnings

    warnings.simplefilter("ignore")
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _death(worker: _Worker) -> str:
    process = worker.process
    with contextlib.suppress(OSError, ValueError, AssertionError):
        process.join(5)
    code = process.exitcode
    if code is not None and code < 0:
        sig = -code
        why = ", likely out of memory" if sig == signal.SIGKILL else ""
        return f" (killed by signal {sig}{why})"
    return ""


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:200]
