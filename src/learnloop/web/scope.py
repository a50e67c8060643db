"""A class server's request sees ONE learner's part of the server: the one place that makes it so.

:func:`learnloop.web.render.server_of` hands a route a :class:`LearnerServer` once the request's learner is
known (a signed-in browser, or a sync token): its ``store`` opens sessions scoped to that learner whatever the
caller asks, its ``jobs`` board lists, shows and cancels only that learner's jobs and keeps to the per-learner
quota, and its workspace, uploads, pictures and allowed folders are the learner's own folders under the home. So a route
written for the laptop's single learner serves a student of a class server unchanged, and cannot reach
another's records, jobs or files. On a laptop's server (not a class) ``server_of`` returns the server itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from learnloop.jobs.board import Job, JobBoard
    from learnloop.store.db import Store
    from learnloop.web.app import Server

UNFINISHED = ("queued", "running")


def learner_folder(home: Path, learner_id: int) -> Path:
    """A class server keeps each learner's workspace apart: ``HOME/learners/ID/workspace``."""
    return home / "learners" / str(int(learner_id)) / "workspace"


class LearnerStore:
    """The server's store, every session scoped to one learner (an explicit other learner is ignored)."""

    def __init__(self, store: Store, learner_id: int) -> None:
        self._store = store
        self.learner_id = learner_id

    @contextmanager
    def session(self, learner_id: int | None = None) -> Iterator[Session]:
        with self._store.session(self.learner_id) as session:
            yield session

    @contextmanager
    def read(self, learner_id: int | None = None) -> Iterator[Session]:
        with self._store.read(self.learner_id) as session:
            yield session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class LearnerJobs:
    """The job board as one learner sees it: their jobs only (another's id is "no such job"), at most
    ``quota`` waiting or running at once (counted in the jobs table, so it holds across server processes)."""

    def __init__(self, board: JobBoard, learner_id: int, quota: int | None) -> None:
        self._board = board
        self.learner_id = learner_id
        self.quota = quota

    def submit(self, kind: str, title: str, work: Any = None, back: str = "/", **kwargs: Any) -> Job:
        from learnloop.jobs.board import QuotaReached

        if self.quota is not None and self.unfinished() >= self.quota:
            raise QuotaReached(self.quota)
        kwargs.pop("learner_id", None)
        return self._board.submit(kind, title, work, back, learner_id=self.learner_id, quota=self.quota, **kwargs)

    def unfinished(self) -> int:
        """This learner's queued or running jobs, as the jobs table says (every server process writes there)."""
        if self._board.store is None:
            return len([j for j in self.recent() if not j.finished])
        from sqlalchemy import func, select

        from learnloop.jobs.records import JobRecord

        query = select(func.count()).select_from(JobRecord).where(JobRecord.state.in_(UNFINISHED))
        if hasattr(JobRecord, "learner_id"):
            query = query.where(JobRecord.learner_id == self.learner_id)
        with self._board.store.read(self.learner_id) as session:
            return int(session.scalar(query) or 0)

    def get(self, job_id: str, kind: str | None = None) -> Job:
        job = self._board.get(job_id, kind)
        if job.learner_id != self.learner_id:
            raise NotFound("job", job_id)
        return job

    def recent(self, kind: str | None = None, learner_id: int | None = None) -> list[Job]:
        return self._board.recent(kind, learner_id=self.learner_id)

    def cancel(self, job_id: str) -> Job:
        self.get(job_id)
        return self._board.cancel(job_id)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        self.get(job_id)
        return self._board.wait(job_id, timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._board, name)


class LearnerSettings:
    """The server's settings with the learner's own workspace."""

    def __init__(self, settings: Any, workspace: Path) -> None:
        self._settings = settings
        self.workspace = workspace

    def __getattr__(self, name: str) -> Any:
        return getattr(self._settings, name)


class LearnerServer:
    """What a request of one learner shares with the others: the server, seen through that learner."""

    def __init__(self, server: Server, learner_id: int) -> None:
        self._server = server
        self.learner_id = learner_id
        workspace = learner_folder(server.settings.home, learner_id)
        workspace.mkdir(parents=True, exist_ok=True)
        self.settings = LearnerSettings(server.settings, workspace)
        self.store = LearnerStore(server.store, learner_id)
        self.jobs = LearnerJobs(server.jobs, learner_id, server.options.job_quota)
        self.uploads = workspace / "uploads"
        from learnloop.web.pictures import Pictures

        self.pictures = Pictures(server.pictures.folder / "learners" / str(int(learner_id)))

    @property
    def roots(self) -> tuple[Path, ...]:
        """The learner's own workspace, then the folders the teacher allowed everyone (``--root``)."""
        return (self.settings.workspace, *self._server.options.roots)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)
