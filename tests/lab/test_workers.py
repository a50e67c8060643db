"""The worker pool: results come back, failures are one line, hung fits are stopped, Ctrl-C keeps what finished.

Every test runs under both start methods: ``fork`` (Linux's default here) and ``spawn`` (what macOS,
Windows and a web server's side thread get), so jobs must be picklable module-level functions.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from learnloop.lab import workers
from learnloop.lab.workers import Job, Pool

METHODS = ["fork", "spawn"]


def answer(value: int) -> int:
    return value + 1


def divide(a: int, b: int) -> float:
    return a / b


def crash() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def from_context(key: str) -> object:
    return workers.context()[key]


def job(key: str, fn, *args, group: str | None = None, timeout: float | None = None) -> Job:  # type: ignore[no-untyped-def]
    return Job(key, group or key, key, fn, args, timeout)


@pytest.mark.parametrize("method", METHODS)
def test_values_errors_crashes_and_timeouts(method: str) -> None:
    jobs = [job("ok", answer, 41), job("error", divide, 1, 0), job("crash", crash), job("slow", sleep, 30, timeout=1.5)]
    started = time.monotonic()
    with Pool(2, method=method) as pool:
        outcomes = {o.job.key: o for o in pool.run(jobs)}
    assert time.monotonic() - started < 30
    assert outcomes["ok"].status == workers.OK and outcomes["ok"].value == 42
    assert outcomes["error"].status == workers.ERROR
    assert outcomes["error"].error.startswith("ZeroDivisionError")
    assert outcomes["crash"].status == workers.CRASHED and "signal 9" in outcomes["crash"].error
    assert outcomes["slow"].status == workers.TIMEOUT


@pytest.mark.parametrize("method", METHODS)
def test_the_shared_context_reaches_workers_started_before_and_after_it(method: str) -> None:
    with Pool(2, method=method) as pool:
        pool.start(1)  # one worker exists before the data does
        pool.set_context({"folds": [1, 2, 3]})
        outcomes = pool.run([job(f"j{i}", from_context, "folds") for i in range(4)])
        pool.run([job("kill", crash)])  # its replacement is started after the context was set
        again = pool.run([job("later", from_context, "folds")])
    assert [o.value for o in outcomes] == [[1, 2, 3]] * 4
    assert again[0].value == [1, 2, 3]


def test_fork_only_from_the_main_thread_on_new_pythons(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading

    monkeypatch.delenv("LEARNLOOP_START_METHOD", raising=False)
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(workers.start_method()))
    thread.start()
    thread.join()
    if sys.platform.startswith("linux"):
        assert workers.start_method() == "fork"
        assert seen == ["spawn" if sys.version_info >= (3, 12) else "fork"]
    monkeypatch.setenv("LEARNLOOP_START_METHOD", "spawn")
    assert workers.start_method() == "spawn"


def test_a_failed_group_cancels_its_other_jobs() -> None:
    jobs = [job("a1", divide, 1, 0, group="a"), job("a2", answer, 1, group="a"), job("b1", answer, 2, group="b")]
    with Pool(1) as pool:
        outcomes = {o.job.key: o.status for o in pool.run(jobs)}
    assert outcomes == {"a1": workers.ERROR, "a2": workers.CANCELLED, "b1": workers.OK}


def test_deadline_stops_running_and_pending_jobs() -> None:
    jobs = [job(f"j{i}", sleep, 30) for i in range(4)]
    started = time.monotonic()
    with Pool(2) as pool:
        outcomes = pool.run(jobs, deadline=time.monotonic() + 0.5)
    assert time.monotonic() - started < 10
    assert [o.status for o in outcomes] == [workers.BUDGET] * 4


def test_ctrl_c_keeps_finished_outcomes() -> None:
    finished: list[str] = []

    def on_finish(outcome: workers.Outcome, running: list[str]) -> None:
        finished.append(outcome.job.key)
        if len(finished) == 2:
            raise KeyboardInterrupt  # as if the learner pressed Ctrl-C here

    with Pool(1, on_finish=on_finish) as pool:
        outcomes = pool.run([job(f"j{i}", answer, i) for i in range(5)])
        assert pool.interrupted
    assert [o.job.key for o in outcomes] == ["j0", "j1"]
