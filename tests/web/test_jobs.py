"""The job board: one worker, progress, results, errors kept as one line."""

from __future__ import annotations

import pytest

from learnloop.errors import NotFound, UserError
from learnloop.web.jobs import KEEP, JobBoard


def test_job_reports_progress_and_result() -> None:
    board = JobBoard()
    seen: list[tuple[int, int, str]] = []

    def work(progress: object) -> int:
        for i in range(1, 4):
            progress(i, 3, f"step {i}")  # type: ignore[operator]
            seen.append((i, 3, f"step {i}"))
        return 42

    job = board.submit("try", "Try", work)
    done = board.wait(job.id)
    assert done.state == "done" and done.result == 42 and done.percent == 100
    assert (done.done, done.total, done.label) == (3, 3, "step 3")
    assert seen[-1] == (3, 3, "step 3")
    assert done.seconds >= 0
    board.shutdown()


def test_user_error_is_kept_with_its_status_and_bugs_are_one_line() -> None:
    board = JobBoard()

    def refused(progress: object) -> None:
        raise UserError("no column 'x'")

    def buggy(progress: object) -> None:
        raise ZeroDivisionError("division by zero")

    a = board.wait(board.submit("baseline", "a", refused).id)
    b = board.wait(board.submit("baseline", "b", buggy).id)
    assert (a.state, a.error, a.error_status) == ("failed", "no column 'x'", 400)
    assert b.state == "failed" and b.error_status == 500
    assert b.error == "baseline failed unexpectedly: ZeroDivisionError: division by zero"
    board.shutdown()


def test_unknown_or_wrong_kind_is_not_found() -> None:
    board = JobBoard()
    job = board.wait(board.submit("try", "t", lambda progress: 1).id)
    assert board.get(job.id, "try") is job
    with pytest.raises(NotFound):
        board.get(job.id, "baseline")
    with pytest.raises(NotFound):
        board.get("nope")
    board.shutdown()


def test_only_recent_finished_jobs_are_kept() -> None:
    board = JobBoard()
    ids = [board.wait(board.submit("try", str(i), lambda progress: 1).id).id for i in range(KEEP + 5)]
    recent = board.recent("try")
    assert len(recent) == KEEP
    assert recent[0].id == ids[-1]
    board.shutdown()


def test_the_pool_runs_two_at_once_and_the_third_waits_its_turn() -> None:
    import threading

    board = JobBoard(size=2)
    release = threading.Event()
    started: list[str] = []

    def slow(name: str) -> object:
        def work(progress: object) -> str:
            started.append(name)
            release.wait(10)
            return name

        return work

    jobs = [board.submit("try", n, slow(n)) for n in ("a", "b", "c", "d")]
    for _ in range(500):
        if len(started) == 2:
            break
        threading.Event().wait(0.01)
    assert sorted(started) == ["a", "b"]
    assert [board.position(j) for j in jobs] == [0, 0, 1, 2]
    board.cancel(jobs[3].id)
    assert jobs[3].state == "cancelled" and board.position(jobs[2]) == 1
    release.set()
    assert board.wait(jobs[2].id).state == "done"
    assert started.count("d") == 0
    board.shutdown()


def test_a_running_function_job_stops_at_its_next_progress_report() -> None:
    import threading

    board = JobBoard()
    reported = threading.Event()
    steps: list[int] = []

    def work(progress: object) -> None:
        for i in range(10_000):
            progress(i, 10_000, "step")  # type: ignore[operator]
            steps.append(i)
            reported.set()
            threading.Event().wait(0.005)

    job = board.submit("check", "long", work)
    assert reported.wait(10)
    board.cancel(job.id)
    done = board.wait(job.id)
    assert done.state == "cancelled" and len(steps) < 10_000
    board.shutdown()


def test_a_study_is_capped_in_files(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "many"
    folder.mkdir()
    for i in range(30):
        (folder / f"f{i}.py").write_text("x = 1\n")
    board = JobBoard(workspace=Path(str(tmp_path)) / "workspace")
    job = board.wait(board.submit("study", "Study of many", params={"folder": str(folder), "max_files": 10}).id)
    assert job.state == "failed" and "more than 10 files" in (job.error or "")
    board.shutdown()


def test_jobs_survive_a_restart(tmp_path: object) -> None:
    """Finished jobs are listed again with their result; a queued one is queued again; a running one is marked."""
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from learnloop.config import resolve_settings
    from learnloop.jobs.records import JobRecord
    from learnloop.store.db import open_store

    settings = resolve_settings(Path(str(tmp_path)) / "home")
    store = open_store(settings)
    repo = settings.workspace / "tiny"
    repo.mkdir(parents=True)
    (repo / "a.py").write_text("import os\n")
    board = JobBoard(store, workspace=settings.workspace)
    first = board.wait(board.submit("study", "Study of tiny", params={"folder": str(repo)}).id)
    assert first.state == "done"
    closure = board.wait(board.submit("check", "a check", lambda progress: {"ok": True}).id)
    board.shutdown()
    now = datetime.now(UTC)
    with store.session() as session:  # what a server killed mid-work leaves behind
        session.add(
            JobRecord(
                id="was-running",
                kind="study",
                title="cut short",
                back="/study",
                state="running",
                params=json.dumps({"folder": str(repo)}),
                error_status=500,
                submitted_at=now,
                started_at=now,
            )
        )
        session.add(
            JobRecord(
                id="was-queued",
                kind="study",
                title="waiting",
                back="/study",
                state="queued",
                params=json.dumps({"folder": str(repo)}),
                folder=str(settings.workspace / "study" / "w"),
                error_status=500,
                submitted_at=now,
            )
        )
    again = JobBoard(store, workspace=settings.workspace)
    restored = again.get(first.id)
    assert restored.state == "done" and restored.result["report"]["totals"]["files"] >= 1
    assert "study.md" in restored.files()
    assert again.get(closure.id).result == {"ok": True}
    assert again.get("was-running").state == "interrupted"
    assert again.wait("was-queued").state == "done"
    assert [j.id for j in again.recent()][:1] == ["was-queued"] or "was-queued" in [j.id for j in again.recent()]
    again.shutdown()
    store.dispose()
