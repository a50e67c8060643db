"""The job board: a small pool of worker threads, a queue in submission order, and every job kept as a record.

A route submits a job and redirects to its page; that page refreshes itself (no JavaScript) until the job
is finished. Each job can be cancelled from its page or from the list. A job of a known kind (see
:mod:`learnloop.jobs.kinds`) is described by its parameters, runs in a child process (so cancel and the
time cap stop it for real) and is queued again after a restart; a job given as a function runs in the
worker thread, checks for a cancel at every progress report, and is marked interrupted by a restart.
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.errors import NotFound, UserError
from learnloop.jobs.child import Cancelled, ChildBug, ProgressFn, run_in_child

if TYPE_CHECKING:
    from learnloop.store.db import Store

log = logging.getLogger(__name__)

KEEP = 50  # finished jobs kept in memory; older ones are read back from their records
DEFAULT_POOL = 2
FINISHED = ("done", "failed", "cancelled", "interrupted")
RESULT_FILE = "result.json"

__all__ = ["KEEP", "Cancelled", "Job", "JobBoard", "ProgressFn"]


class QuotaReached(UserError):
    """A learner of a class server already has as many jobs waiting or running as the server allows each."""

    http_status = 429

    def __init__(self, quota: int) -> None:
        self.quota = quota
        super().__init__(
            f"you already have {quota} job{'s' if quota != 1 else ''} waiting or running; "
            "wait for one to finish or cancel one, then start this again"
        )


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Job:
    id: str
    kind: str
    title: str
    back: str = "/"  # the page the job was started from
    state: str = "queued"  # queued, running, done, failed, cancelled, interrupted
    done: int = 0
    total: int = 0
    label: str = ""
    result: Any = None
    error: str | None = None
    error_status: int = 500
    params: dict[str, Any] | None = None
    folder: str | None = None
    submitted_at: datetime = field(default_factory=_now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error_field: str | None = None
    typed: dict[str, str] | None = None  # what the learner typed in the form that started it (kept in memory)
    learner_id: int = 1  # whose job it is (a class server's student; the laptop's one local learner is 1)
    board: JobBoard | None = field(default=None, repr=False)
    pid: int | None = None  # the child process of a job of a known kind, while it runs
    cancel_asked: threading.Event = field(default_factory=threading.Event, repr=False)
    _started: float | None = field(default=None, repr=False)
    _finished: float | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def seconds(self) -> float:
        if self._started is not None:
            return round((self._finished or time.monotonic()) - self._started, 1)
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 1)
        return 0.0

    def report(self, done: int, total: int, label: str = "") -> None:
        """Progress from the work; also where a work given as a function learns it was cancelled."""
        self.done, self.total, self.label = done, total, label
        if self.board is not None:
            self.board.version += 1
        if self.cancel_asked.is_set():
            raise Cancelled

    def files(self) -> list[str]:
        """The files this job wrote into its folder (what its page offers to download)."""
        if not self.folder:
            return []
        folder = Path(self.folder)
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return []
        return [p.name for p in entries if p.name != RESULT_FILE and p.is_file() and not p.is_symlink()]


Work = Callable[[ProgressFn], Any]


class JobBoard:
    """Jobs by id, oldest first; ``size`` worker threads take queued jobs in the order they were submitted.

    ``store``: keep each job as a record (the web passes the learner's store; tests may leave it out).
    ``workspace``: where jobs write their results (``<workspace>/jobs/<id>`` unless their kind says).
    The workers are daemon threads: stopping the server does not wait for a long baseline (its child
    process is killed with the server's process group, and the record says "interrupted" next time).
    """

    def __init__(self, store: Store | None = None, *, size: int = DEFAULT_POOL, workspace: Path | None = None) -> None:
        if size < 1:
            raise UserError("the job pool needs at least one worker", field="jobs")
        self.size = size
        self.store = store
        self.workspace = workspace
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._work: dict[str, Work] = {}
        self._workers: list[threading.Thread] = []
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self.version = 0  # moves whenever any job changes (what a page showing jobs is keyed by)
        if store is not None:
            self._restore()

    # Submitting and running ------------------------------------------------------------------------------
    def submit(
        self,
        kind: str,
        title: str,
        work: Work | None = None,
        back: str = "/",
        *,
        params: dict[str, Any] | None = None,
        learner_id: int = 1,
        quota: int | None = None,
    ) -> Job:
        """Queue a job: either ``work(progress)`` (a function) or ``params`` for a known kind. ``quota``: how
        many unfinished jobs one learner may have (a class server's fair share); one more is refused."""
        if work is None and params is None:
            raise ValueError("a job needs work or params")
        if params is not None:
            from learnloop.jobs.kinds import check_params

            check_params(kind, params)
        job = Job(
            id=secrets.token_urlsafe(9),
            kind=kind,
            title=title[:300],
            back=back,
            params=params,
            board=self,
            learner_id=learner_id,
        )
        job.folder = str(self._folder_for(job)) if self.workspace is not None else None
        with self._lock:
            if quota is not None:
                waiting = sum(1 for j in self._jobs.values() if j.learner_id == learner_id and not j.finished)
                if waiting >= quota:
                    raise QuotaReached(quota)
            self._jobs[job.id] = job
            if work is not None:
                self._work[job.id] = work
            self._forget_old()
        self._save(job)
        self._start_workers()
        self._queue.put(job)
        return job

    def _folder_for(self, job: Job) -> Path:
        from learnloop.jobs.kinds import folder_name

        assert self.workspace is not None
        return self.workspace / folder_name(job.kind, job.params or {}, job.id)

    def _start_workers(self) -> None:
        with self._lock:
            while len(self._workers) < self.size:
                worker = threading.Thread(
                    target=self._serve, name=f"learnloop-jobs-{len(self._workers) + 1}", daemon=True
                )
                self._workers.append(worker)
                worker.start()

    def _serve(self) -> None:
        while (job := self._queue.get()) is not None:
            if job.state != "queued":  # cancelled while it waited
                continue
            try:
                self._run(job)
            except Exception:  # never let one job end a worker
                log.exception("job %s (%s): the board failed", job.id, job.kind)

    def _run(self, job: Job) -> None:
        if not self._claim(job):  # another server process took it (several processes restored the same queue)
            with self._lock:
                self._jobs.pop(job.id, None)  # its record, kept by that process, is what this one shows
            return
        job.state, job.started_at, job._started = "running", _now(), time.monotonic()
        self._save(job)
        work = self._work.pop(job.id, None)
        outcome = "failed"
        try:
            if work is not None:
                job.result = work(job.report)
            else:
                job.result = self._run_kind(job)
            outcome = "done"
        except Cancelled:
            outcome, job.error, job.error_status = "cancelled", "cancelled: the work was stopped", 200
        except UserError as exc:
            job.error, job.error_status, job.error_field = str(exc), exc.http_status, exc.field
        except ChildBug as exc:
            first, _, trace = str(exc).partition("\n")
            log.error("job %s (%s) failed: %s\n%s", job.id, job.kind, first, trace)
            job.error = f"{job.kind} failed unexpectedly: {first}"
        except Exception as exc:  # a bug: one line on the page, the traceback in the server's log
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.error = f"{job.kind} failed unexpectedly: {type(exc).__name__}: {exc}"
        finally:
            job.finished_at, job._finished = _now(), time.monotonic()
            if outcome == "done":
                self._keep_result(job)
            self._save(job, outcome)  # the record first: whoever sees the job finished finds it kept
            job.state = outcome
            self.version += 1

    def _claim(self, job: Job) -> bool:
        """Mark a queued job running in its record, unless another process did first (True: this one runs it)."""
        if self.store is None or job.params is None:
            return True
        from sqlalchemy import update

        from learnloop.jobs.records import JobRecord

        try:
            with self.store.session(job.learner_id) as session:
                claimed = session.execute(
                    update(JobRecord)
                    .where(JobRecord.id == job.id, JobRecord.state == "queued")
                    .values(state="running", started_at=_now())
                )
                return bool(getattr(claimed, "rowcount", 1))
        except Exception:  # the record cannot be read: run it (as before records were claimed)
            log.exception("job %s: could not claim its record", job.id)
            return True

    def _run_kind(self, job: Job) -> Any:
        from learnloop.jobs.kinds import plan

        assert job.params is not None
        if job.folder is None:  # a board without a workspace (tests): results go to a temporary folder
            import tempfile

            job.folder = tempfile.mkdtemp(prefix=f"learnloop-{job.kind}-")
        compute, seconds = plan(job.kind, job.params, Path(job.folder))
        deadline = time.monotonic() + seconds if seconds else None
        words = f" of {seconds:.0f} s" if seconds else ""

        def report(done: int, total: int, label: str = "") -> None:
            _set_progress(job, done, total, label)

        return run_in_child(
            compute,
            report,
            should_stop=job.cancel_asked.is_set,
            deadline=deadline,
            cap_words=words,
            started=lambda pid: setattr(job, "pid", pid),
        )

    # Cancelling ------------------------------------------------------------------------------------------
    def cancel(self, job_id: str) -> Job:
        """Stop a job: a queued one never starts; a running one is stopped (its process killed)."""
        job = self.get(job_id)
        if job.finished:
            return job
        job.cancel_asked.set()
        with self._lock:
            if job.state == "queued":
                job.state, job.error, job.error_status = "cancelled", "cancelled before it started", 200
                job.finished_at = _now()
                self._work.pop(job.id, None)
                cancelled_now = True
            else:
                cancelled_now = False
        if cancelled_now:
            self._save(job)
        return job

    # Reading ---------------------------------------------------------------------------------------------
    def get(self, job_id: str, kind: str | None = None) -> Job:
        job = self._jobs.get(job_id)
        if job is None and self.store is not None and len(job_id) <= 40:
            job = self._load(job_id)
        if job is None or (kind is not None and job.kind != kind):
            raise NotFound("job", job_id)
        return job

    def recent(self, kind: str | None = None, learner_id: int | None = None) -> list[Job]:
        """Newest first: the jobs of this server and those kept from before a restart (one learner's only,
        when ``learner_id`` is given)."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [
            j
            for j in reversed(jobs)
            if (kind is None or j.kind == kind) and (learner_id is None or j.learner_id == learner_id)
        ]

    def position(self, job: Job) -> int:
        """1 for the next queued job to start, 2 for the one after, ...; 0 when it is not waiting."""
        if job.state != "queued":
            return 0
        with self._lock:
            waiting = [j for j in self._jobs.values() if j.state == "queued"]
        return next((i + 1 for i, j in enumerate(waiting) if j.id == job.id), 0)

    def running(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.state == "running")

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until a job is finished (tests and the benchmark use it; pages never do)."""
        job = self.get(job_id)
        deadline = time.monotonic() + timeout
        while not job.finished and time.monotonic() < deadline:
            time.sleep(0.02)
        return job

    def shutdown(self) -> None:
        """Stop taking jobs; running ones are cancelled (their processes killed)."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            if job.state == "running":
                job.cancel_asked.set()
        for _ in self._workers:
            self._queue.put(None)

    # Keeping ---------------------------------------------------------------------------------------------
    def _forget_old(self) -> None:
        while len(self._jobs) > KEEP:
            oldest = next(iter(self._jobs.values()))
            if not oldest.finished:
                break
            self._jobs.popitem(last=False)

    def _keep_result(self, job: Job) -> None:
        """The result as JSON in the job's folder, so its page shows it again after a restart."""
        if not job.folder:
            return
        try:
            text = json.dumps(jsonable(job.result), ensure_ascii=False)
        except (TypeError, ValueError):
            return
        from learnloop.jobs.kinds import write_file

        try:
            write_file(Path(job.folder) / RESULT_FILE, text.encode())
        except (OSError, UserError) as exc:
            log.warning("job %s: could not keep its result: %s", job.id, exc)

    def _save(self, job: Job, state: str | None = None) -> None:
        job.board = self
        self.version += 1
        if self.store is None:
            return
        from learnloop.jobs.records import JobRecord

        record = JobRecord(
            id=job.id,
            kind=job.kind,
            title=job.title,
            back=job.back,
            state=state or job.state,
            params=json.dumps(job.params) if job.params is not None else None,
            folder=job.folder,
            error=job.error,
            error_status=job.error_status,
            submitted_at=job.submitted_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
        if hasattr(JobRecord, "learner_id"):  # revision 0006: each learner's jobs are their own
            record.learner_id = job.learner_id
        try:
            with self.store.session(job.learner_id) as session:
                session.merge(record)
        except Exception:  # the page still works from memory; the log says why the record is missing
            log.exception("job %s: could not save its record", job.id)

    def _restore(self) -> None:
        """After a restart: finished jobs listed again, queued ones queued again, running ones interrupted."""
        from sqlalchemy import select

        from learnloop.jobs.records import JobRecord

        assert self.store is not None
        with self.store.read(None) as session:  # type: ignore[arg-type]  # every learner's jobs come back
            records = session.scalars(select(JobRecord).order_by(JobRecord.submitted_at.desc()).limit(KEEP)).all()
            restored = [_from_record(r) for r in reversed(records)]
        requeue: list[Job] = []
        for job in restored:
            job.board = self
            if job.state == "running" or (job.state == "queued" and job.params is None):
                job.state, job.error, job.error_status = (
                    "interrupted",
                    "interrupted: the server stopped while this job was under way; start it again",
                    200,
                )
                job.finished_at = job.finished_at or _now()
                self._save(job)
            elif job.state == "queued":
                requeue.append(job)
            self._jobs[job.id] = job
        if requeue:
            self._start_workers()
            for job in requeue:
                self._queue.put(job)

    def _load(self, job_id: str) -> Job | None:
        from learnloop.jobs.records import JobRecord

        assert self.store is not None
        with self.store.read(None) as session:  # type: ignore[arg-type]  # the routes check whose it is
            record = session.get(JobRecord, job_id)
            job = _from_record(record) if record is not None else None
        if job is not None:
            job.board = self
        return job


def _set_progress(job: Job, done: int, total: int, label: str = "") -> None:
    job.done, job.total, job.label = done, total, label
    if job.board is not None:
        job.board.version += 1


def _from_record(record: Any) -> Job:
    job = Job(
        id=record.id,
        kind=record.kind,
        title=record.title,
        back=record.back,
        state=record.state,
        error=record.error,
        error_status=record.error_status,
        params=json.loads(record.params) if record.params else None,
        folder=record.folder,
        submitted_at=record.submitted_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        learner_id=getattr(record, "learner_id", None) or 1,
    )
    if job.state == "done" and job.folder:
        path = Path(job.folder) / RESULT_FILE
        try:
            job.result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            job.result = None
    return job


def jsonable(value: Any) -> Any:
    """A result as plain JSON values: dataclasses and pydantic models as dicts, paths and times as text."""
    import dataclasses
    from datetime import date

    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (Path, datetime, date)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not JSON: {type(value).__name__}")
