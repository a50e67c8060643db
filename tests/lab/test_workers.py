"""The fork pool: results come back, failures are one line, hung fits are stopped, Ctrl-C keeps what finished."""

from __future__ import annotations

import os
import signal
import time

from learnloop.lab import workers
from learnloop.lab.workers import Job, Pool


def job(key: str, run, group: str | None = None, timeout: float | None = None) -> Job:  # type: ignore[no-untyped-def]
    return Job(key, group or key, key, run, timeout)


def test_values_errors_crashes_and_timeouts() -> None:
    def crash() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    jobs = [
        job("ok", lambda: 41 + 1),
        job("error", lambda: 1 / 0),
        job("crash", crash),
        job("slow", lambda: time.sleep(30), timeout=0.5),
    ]
    started = time.monotonic()
    outcomes = {o.job.key: o for o in Pool(2).run(jobs)}
    assert time.monotonic() - started < 20
    assert outcomes["ok"].status == workers.OK and outcomes["ok"].value == 42
    assert outcomes["error"].status == workers.ERROR
    assert outcomes["error"].error.startswith("ZeroDivisionError")
    assert outcomes["crash"].status == workers.CRASHED and "signal 9" in outcomes["crash"].error
    assert outcomes["slow"].status == workers.TIMEOUT


def test_a_failed_group_cancels_its_other_jobs() -> None:
    jobs = [job("a1", lambda: 1 / 0, "a"), job("a2", lambda: 1, "a"), job("b1", lambda: 2, "b")]
    outcomes = {o.job.key: o.status for o in Pool(1).run(jobs)}
    assert outcomes == {"a1": workers.ERROR, "a2": workers.CANCELLED, "b1": workers.OK}


def test_deadline_stops_running_and_pending_jobs() -> None:
    jobs = [job(f"j{i}", lambda: time.sleep(30)) for i in range(4)]
    started = time.monotonic()
    outcomes = Pool(2).run(jobs, deadline=time.monotonic() + 0.5)
    assert time.monotonic() - started < 10
    assert [o.status for o in outcomes] == [workers.BUDGET] * 4


def test_ctrl_c_keeps_finished_outcomes() -> None:
    finished: list[str] = []

    def on_finish(outcome: workers.Outcome, running: list[str]) -> None:
        finished.append(outcome.job.key)
        if len(finished) == 2:
            raise KeyboardInterrupt  # as if the learner pressed Ctrl-C here

    pool = Pool(1, on_finish=on_finish)
    outcomes = pool.run([job(f"j{i}", lambda: 1) for i in range(5)])
    assert pool.interrupted
    assert [o.job.key for o in outcomes] == ["j0", "j1"]
