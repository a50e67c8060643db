"""Long work (a baseline, a study of a big repository) run in the background, one job at a time.

A route submits a job and redirects to its progress page; that page refreshes itself with
``<meta http-equiv="refresh">`` until the job is done, so it works without JavaScript.
The work itself is a feature function; a job only carries its progress, result or error.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from learnloop.errors import NotFound, UserError

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
KEEP = 50


@dataclass
class Job:
    id: str
    kind: str
    title: str
    back: str = "/"  # the page the job was started from
    state: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    label: str = ""
    result: Any = None
    error: str | None = None
    error_status: int = 500
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def seconds(self) -> float:
        if self.started_at is None:
            return 0.0
        return round((self.finished_at or time.monotonic()) - self.started_at, 1)

    def report(self, done: int, total: int, label: str = "") -> None:
        self.done, self.total, self.label = done, total, label


class JobBoard:
    """Jobs by id, newest last; one worker thread runs them in the order submitted.

    The worker is a daemon thread: stopping the server (Ctrl-C) does not wait for a long baseline.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Job, Callable[[ProgressFn], Any]] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, kind: str, title: str, work: Callable[[ProgressFn], Any], back: str = "/") -> Job:
        job = Job(id=secrets.token_urlsafe(9), kind=kind, title=title, back=back)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                oldest = next(iter(self._jobs.values()))
                if not oldest.finished:
                    break
                self._jobs.popitem(last=False)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="learnloop-jobs", daemon=True)
                self._worker.start()
        self._queue.put((job, work))
        return job

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            self._run(*item)

    def _run(self, job: Job, work: Callable[[ProgressFn], Any]) -> None:
        job.state, job.started_at = "running", time.monotonic()
        try:
            job.result = work(job.report)
            job.state = "done"
        except UserError as exc:
            job.error, job.error_status, job.state = str(exc), exc.http_status, "failed"
        except Exception as exc:  # a bug: show one line on the page, keep the traceback in the server log
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.error, job.state = f"{job.kind} failed unexpectedly: {type(exc).__name__}: {exc}", "failed"
        finally:
            job.finished_at = time.monotonic()

    def get(self, job_id: str, kind: str | None = None) -> Job:
        job = self._jobs.get(job_id)
        if job is None or (kind is not None and job.kind != kind):
            raise NotFound("job", job_id)
        return job

    def recent(self, kind: str | None = None) -> list[Job]:
        with self._lock:
            jobs = list(self._jobs.values())
        return [j for j in reversed(jobs) if kind is None or j.kind == kind]

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until a job is finished (tests and the benchmark use it; pages never do)."""
        job = self.get(job_id)
        deadline = time.monotonic() + timeout
        while not job.finished and time.monotonic() < deadline:
            time.sleep(0.02)
        return job

    def shutdown(self) -> None:
        """Stop taking jobs; the one running, if any, is left to finish (or to die with the process)."""
        self._queue.put(None)
