"""Run one job's computation in a process of its own, so that cancelling it or passing its cap stops it for real.

The child is forked (it sees the parent's loaded modules and the map without copying), puts itself in a new
process group, and sends its progress and its result back through a pipe. The lab's and the study's own
worker processes are forked from the child, so killing the child's group stops all of them at once.
The child never touches the database: it computes and writes files; the parent records what happened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from typing import Any

from learnloop.errors import UserError

ProgressFn = Callable[[int, int, str], None]
POLL_SECONDS = 0.1


class Cancelled(Exception):
    """The learner cancelled the job (from its page or from the list)."""


class OverCap(UserError):
    """The job ran past the time it was allowed."""


class ChildBug(Exception):
    """The computation raised something other than a UserError: a bug, kept as one line."""


def run_in_child(
    compute: Callable[[ProgressFn], Any],
    progress: ProgressFn,
    *,
    should_stop: Callable[[], bool],
    deadline: float | None,
    cap_words: str = "",
    started: Callable[[int], None] | None = None,
) -> Any:
    """``compute(progress)`` in a child process; its return value (picklable) or its error, raised here."""
    from multiprocessing import Pipe

    reader, writer = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: compute, answer, and leave without running the parent's cleanup
        code = 0
        try:
            os.setsid()
            reader.close()

            def report(done: int, total: int, label: str = "") -> None:
                writer.send(("progress", done, total, label))

            try:
                writer.send(("done", compute(report)))
            except UserError as exc:
                writer.send(("refused", str(exc), exc.http_status, exc.field))
            except BaseException as exc:
                import traceback

                writer.send(("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    writer.close()
    if started is not None:
        started(pid)
    try:
        while True:
            if should_stop():
                raise Cancelled
            if deadline is not None and time.monotonic() > deadline:
                raise OverCap(f"stopped: the job ran past its time cap{cap_words}")
            if not reader.poll(POLL_SECONDS):
                continue
            try:
                message = reader.recv()
            except (EOFError, OSError):
                raise ChildBug("the job's process ended without an answer") from None
            if message[0] == "progress":
                progress(*message[1:])
            elif message[0] == "done":
                return message[1]
            elif message[0] == "refused":
                error = UserError(message[1], field=message[3])
                error.http_status = message[2]
                raise error
            else:
                raise ChildBug(message[1] + "\n" + message[2])
    finally:
        reader.close()
        _stop(pid)


def _stop(pid: int) -> None:
    """Kill the child's whole group (its own workers included) and reap the child."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill()
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
