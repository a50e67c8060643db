"""Grade a learner's file: run it in a sandbox against the exercise's hidden cases.

The grader starts :mod:`.supervisor` (``python -I``, a fresh process: the web server calls this from
threads, where forking with a Python callback is unsafe), hands it the learner's files and the hidden
cases on stdin, and reads its one report from a pipe the learner's code never holds, checking the nonce.
The supervisor builds the sandbox (see :func:`sandbox_status` for what this machine allows), runs the
learner's code in a fresh folder with no keyboard input, a clean environment and these limits, and judges
the values it returns:

- wall-clock time (``timeout``): the grader kills it when it runs too long (endless loop, sleep);
- CPU seconds (RLIMIT_CPU): the kernel stops a busy loop even if the grader were slow to notice;
- memory (RLIMIT_AS): a huge allocation fails inside the process with MemoryError;
- output (RLIMIT_FSIZE): stdout and stderr go to files, and writing past the cap stops the process;
- processes (RLIMIT_NPROC, counted for the sandbox's own user id only): a fork bomb stops at a few dozen.

Whatever happens, the answer is a :class:`CheckResult` whose ``message`` says what went wrong in words.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from learnloop.errors import UserError
from learnloop.exercises.catalog import NumberedExercise

Outcome = Literal["passed", "failed", "error", "not-loaded", "timeout", "cpu", "memory", "output", "exit", "crash"]


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0  # wall-clock seconds
    cpu_seconds: int = 15  # a busy loop hits this first; a sleeping one, the timeout
    memory_mb: int = 1536  # address space; NumPy and pandas need a few hundred MB just to import
    output_kb: int = 1024

    def describe_memory(self) -> str:
        return f"{self.memory_mb} MB"


DEFAULT_LIMITS = Limits()


def limits_for(timeout: float) -> Limits:
    """The default limits with another time allowance (CPU seconds follow the wall-clock seconds)."""
    if not 1 <= timeout <= 600:
        raise UserError("the time limit must be between 1 and 600 seconds", field="timeout")
    return Limits(
        timeout=timeout,
        cpu_seconds=max(1, math.ceil(timeout * 0.75)),
        memory_mb=DEFAULT_LIMITS.memory_mb,
        output_kb=DEFAULT_LIMITS.output_kb,
    )


class CheckResult(BaseModel):
    """The verdict on one exercise file."""

    number: int
    exercise: str
    title: str
    path: str
    passed: bool
    outcome: Outcome
    cases_passed: int
    cases_total: int
    message: str
    seconds: float
    sandbox: str = "none"  # "root", "userns" or "none": how the learner's code was fenced in (see sandbox_status)


MAX_SOURCE = 1024 * 1024  # one learner file
SETUP_SECONDS = 15.0  # the supervisor's own start (namespaces, NumPy / pandas for the answers), beyond the limit


class SandboxStatus(BaseModel):
    """What the sandbox does on this machine, measured by building one (see :func:`sandbox_status`)."""

    mode: Literal["root", "userns", "none"]
    network: bool  # a network namespace: no socket reaches anything
    filesystem: bool  # every mount read-only but the learner's folder
    pids: bool  # a pid namespace: every process it starts dies with the check; it sees no other process
    own_user: bool  # a throwaway user id: it cannot signal or touch this user's processes and files
    nproc: bool  # a process limit that counts only the sandbox's processes
    missing: list[str]

    @property
    def isolated(self) -> bool:
        """Safe enough to grade code the server did not write: no network, no writes outside, no leftovers."""
        return self.network and self.filesystem and self.pids

    def lines(self) -> list[str]:
        """The sandbox in plain sentences, one per guarantee, true for this machine."""
        if self.mode == "none":
            reason = "; ".join(self.missing) or "no namespaces"
            return [
                f"No sandbox here ({reason}): your file runs as you, with your rights, network and files, "
                "in its own session, with the time, CPU, memory and output limits only; a process it "
                "detaches into a new session can outlive the check. The web page refuses to grade."
            ]
        who = (
            f"as a throwaway user id with a limit of {_nproc()} processes"
            if self.own_user
            else "as you, without privileges"
            + (
                f", limited to {_nproc()} processes"
                if self.nproc
                else ", with no process limit (kernel older than 5.14)"
            )
        )
        return [
            "No network: " + ("a fresh network namespace with no interface up." if self.network else "not isolated."),
            "Files: "
            + (
                "every mount is read-only; the only writable place is a fresh 64 MB folder in memory, "
                "gone after the check; /tmp, /run and /dev/shm are empty."
                if self.filesystem
                else "not read-only (" + "; ".join(self.missing) + ")."
            ),
            "Processes: "
            + (
                f"a fresh pid namespace, {who}; it sees no other process, and everything it "
                "started is killed when the check ends."
                if self.pids
                else who + "."
            ),
            "Reading: "
            + (
                "it can still read what every user of this machine may read, except folders other "
                "users cannot enter (such as /root), /tmp, /run and the learnloop home, which it sees "
                "empty."
                if self.own_user
                else "it can still read what you can read, except /tmp, /run "
                "and the learnloop home, which it sees empty."
            ),
            "Result: judged outside the sandbox from the values your code returns, reported over a pipe your "
            "code never holds; the hidden answers never enter the sandbox.",
            "Limits: wall-clock time, CPU seconds, memory (per process"
            + (", and for all its processes together)" if self.pids else ")")
            + ", output and file size, no "
            "core files.",
        ]


def _nproc() -> int:
    from learnloop.exercises.supervisor import NPROC

    return NPROC


@functools.cache
def sandbox_status() -> SandboxStatus:
    """Build a sandbox once (no learner code in it) and say what it has; cached for the process."""
    with tempfile.TemporaryDirectory(prefix="learnloop-probe-") as tmp:
        report, _killed = _supervise({"probe": True, "work": tmp}, timeout=20.0)
    if report is None:
        return SandboxStatus(
            mode="none",
            network=False,
            filesystem=False,
            pids=False,
            own_user=False,
            nproc=False,
            missing=["the sandbox's supervisor did not start"],
        )
    return SandboxStatus.model_validate(report["sandbox"])


def learner_files(item: NumberedExercise, path: Path) -> dict[str, str]:
    """The learner's files for this exercise: the one file, or each file of a script exercise's folder."""
    exercise = item.exercise
    if exercise.kind == "function":
        if not path.is_file():
            raise UserError(f"{path} does not exist; start exercise {item.number} first", field="exercise")
        return {"solution.py": _read_source(path)}
    if not path.is_dir():
        raise UserError(f"{path} does not exist; start exercise {item.number} first", field="exercise")
    files = {}
    for name in exercise.files:
        file = path / name
        if not file.is_file():
            raise UserError(
                f"{file} is missing: exercise {item.number} needs {', '.join(exercise.files)}", field="exercise"
            )
        files[name] = _read_source(file)
    return files


def _read_source(path: Path) -> str:
    from learnloop.files import read_regular

    return read_regular(path, MAX_SOURCE).decode("utf-8", errors="replace")


Isolation = Literal["best", "required", "none"]  # "none": no sandbox, only the limits (to measure it)


def grade(
    item: NumberedExercise,
    path: Path,
    limits: Limits = DEFAULT_LIMITS,
    isolation: Isolation = "best",
    hide: Sequence[Path] = (),
) -> CheckResult:
    """Run ``path`` (a file, or a script exercise's folder) against the hidden cases of ``item``.

    With ``isolation="required"`` (the web page) the check is refused when this machine offers no sandbox.
    ``hide``: folders the learner's code must not even read (the learnloop home), covered by an empty one.
    """
    exercise = item.exercise
    files = learner_files(item, path)
    if isolation == "required" and not sandbox_status().isolated:
        raise UserError(
            "this machine offers no sandbox for exercise code ("
            + "; ".join(sandbox_status().missing)
            + "), so it is not graded here; check it from the command line, where "
            "it runs as you",
            field="exercise",
        )
    started = time.monotonic()
    spec: dict[str, Any] = {
        "kind": exercise.kind,
        "group": exercise.group,
        "function": exercise.function,
        "run": exercise.run,
        "files": files,
        "isolation": isolation,
        "timeout": limits.timeout,
        "hide": [str(Path(p).resolve()) for p in hide],
        "cases": [case.model_dump(exclude_none=True) for case in exercise.cases],
        "limits": {
            "cpu_seconds": limits.cpu_seconds,
            "memory_bytes": limits.memory_mb * 1024 * 1024,
            "output_bytes": limits.output_kb * 1024,
        },
    }
    with tempfile.TemporaryDirectory(prefix="learnloop-check-") as tmp:
        spec["work"] = tmp
        report, killed = _supervise(spec, timeout=limits.timeout + SETUP_SECONDS)
    if report is not None and report.get("refused"):
        raise UserError(
            "the sandbox could not be built for this check ("
            + "; ".join(report["sandbox"]["missing"])
            + "), so it was not graded",
            field="exercise",
        )
    if report is not None and "internal_error" in report:
        raise RuntimeError(f"the grader failed: {report['internal_error']}")
    if report is None:
        if not killed:
            raise RuntimeError("the grader's supervisor ended without a report")
        report = {"timed_out": True, "sandbox": {"mode": "none"}}
    outcome, cases_passed, message = _judge(report, len(exercise.cases), limits)
    return CheckResult(
        number=item.number,
        exercise=exercise.id,
        title=exercise.title,
        path=str(path),
        passed=outcome == "passed",
        outcome=outcome,
        cases_passed=cases_passed,
        cases_total=len(exercise.cases),
        message=message,
        seconds=round(time.monotonic() - started, 2),
        sandbox=report["sandbox"].get("mode", "none"),
    )


def _supervise(spec: dict[str, Any], timeout: float) -> tuple[dict[str, Any] | None, bool]:
    """Start the supervisor, hand it ``spec``, read its report. Returns (report or None, killed by us)."""
    nonce = secrets.token_hex(16)
    spec = {**spec, "nonce": nonce}
    read_end, write_end = os.pipe()
    supervisor = Path(__file__).with_name("supervisor.py")
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", str(supervisor), str(write_end)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write_end,),
            start_new_session=True,
            env=_supervisor_environment(),
        )
    finally:
        os.close(write_end)
    chunks: list[bytes] = []
    killed = False
    try:
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(json.dumps(spec).encode())
            process.stdin.close()
        deadline = time.monotonic() + timeout
        import select

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                killed = True
                break
            ready, _, _ = select.select([read_end], [], [], min(left, 1.0))
            if ready:
                data = os.read(read_end, 1 << 16)
                if not data:
                    break
                chunks.append(data)
    finally:
        os.close(read_end)
        if not killed:  # the report is in: the launcher ends once the sandbox's last process is gone
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # the launcher; the sandbox dies with it
        process.wait()
        if process.stderr is not None:
            process.stderr.close()
    try:
        report = json.loads(b"".join(chunks))
    except ValueError:
        return None, killed
    if not isinstance(report, dict) or report.get("nonce") != nonce:
        return None, killed
    return report, killed


def _supervisor_environment() -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(PYTHONDONTWRITEBYTECODE="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def _judge(report: dict[str, Any], total: int, limits: Limits) -> tuple[Outcome, int, str]:
    status = int(report.get("status", 0))
    cases: list[dict[str, Any]] = report.get("cases", [])
    passed = sum(1 for c in cases if c.get("passed"))
    too_much = (
        f"printed more than {limits.output_kb} KB of output and was stopped: a print inside a loop that never ends?"
    )
    if report.get("timed_out"):
        return (
            "timeout",
            passed,
            (
                f"did not finish within {limits.timeout:g} seconds: an endless loop, or "
                "waiting for something that never comes?"
            ),
        )
    if report.get("overflow"):
        return "output", passed, too_much
    loaded = report.get("loaded")
    complete = loaded is False or (bool(cases) and (not cases[-1].get("passed") or len(cases) == total))
    if not complete or (cases and "error" not in cases[-1] and not cases[-1].get("passed") and "got" not in cases[-1]):
        if report.get("memory_trouble") and status == -signal.SIGKILL:  # its processes together, stopped
            return (
                "memory",
                passed,
                (
                    f"ran out of memory: the checks allow {limits.describe_memory()} for all "
                    "its processes together; is something allocating a huge array or list?"
                ),
            )
        if status in (-signal.SIGXCPU, -signal.SIGKILL):
            return (
                "cpu",
                passed,
                (f"used more than {limits.cpu_seconds} seconds of computing time and was stopped: an endless loop?"),
            )
        if status == -signal.SIGXFSZ:  # Python ignores SIGXFSZ, but a C extension writing may not
            return "output", passed, too_much
        if status < 0:
            name = signal.Signals(-status).name
            return "crash", passed, f"crashed (the process was killed by {name}) before the checks finished"
        if report.get("memory_trouble"):
            return (
                "memory",
                passed,
                (
                    f"ran out of memory: the checks allow {limits.describe_memory()}; "
                    "is something allocating a huge array or list?"
                ),
            )
        return (
            "exit",
            passed,
            (
                f"stopped the program itself (exit status {status}) before the checks "
                "finished: do not call sys.exit() or os._exit() in an exercise"
            ),
        )
    if loaded is False:
        load_error = str(report.get("load_error", ""))
        if load_error.endswith("printed too much output"):
            return "output", 0, too_much
        return "not-loaded", 0, f"your file {load_error}"
    failing = next((c for c in cases if not c.get("passed")), None)
    if failing is None:
        return "passed", passed, f"all {total} checks pass"
    about = f" ({failing['why']})" if failing.get("why") else ""
    intro = f"check {passed + 1} of {total}{about}: {failing['call']}"
    if "error" in failing:
        error = failing["error"]
        if error == "printed too much output":
            return "output", passed, f"{intro} {too_much}"
        kind: Outcome = (
            "memory"
            if error.startswith("ran out of memory") or report.get("memory_trouble")
            else "failed"
            if failing.get("kind") == "failed"
            else "error"
        )
        if kind == "memory":
            error = f"ran out of memory: the checks allow {limits.describe_memory()}"
        return kind, passed, f"{intro} {error}"
    return "failed", passed, f"{intro} returned {failing['got']}, but the answer is {failing['want']}"
