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
