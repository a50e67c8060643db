"""Grade a learner's file: run it in a separate, limited process against the exercise's hidden cases.

The learner's code runs in ``python -I`` in a fresh temporary folder, in its own session (so the whole
process group can be killed), with no keyboard input, a clean environment and these limits, which the
harness sets on itself before the learner's code loads (no ``preexec_fn``: the web server calls this from
threads, where forking with a Python callback is unsafe):

- wall-clock time (``timeout``): the grader kills it when it runs too long (endless loop, sleep);
- CPU seconds (RLIMIT_CPU): the kernel stops a busy loop even if the grader were slow to notice;
- memory (RLIMIT_AS): a huge allocation fails inside the process with MemoryError;
- output (RLIMIT_FSIZE): stdout and stderr go to files, and writing past the cap stops the process.

Whatever happens, the answer is a :class:`CheckResult` whose ``message`` says what went wrong in words.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from learnloop.errors import UserError
from learnloop.exercises.catalog import NumberedExercise

Outcome = Literal["passed", "failed", "error", "not-loaded", "timeout", "cpu", "memory", "output", "exit",
                  "crash"]


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
        raise UserError("the time limit must be between 1 and 600 seconds")
    return Limits(timeout=timeout, cpu_seconds=max(1, math.ceil(timeout * 0.75)),
                  memory_mb=DEFAULT_LIMITS.memory_mb, output_kb=DEFAULT_LIMITS.output_kb)


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


def _child_environment(folder: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(HOME=str(folder), TMPDIR=str(folder), PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg")
    return env


def grade(item: NumberedExercise, path: Path, limits: Limits = DEFAULT_LIMITS) -> CheckResult:
    """Run ``path`` against the hidden cases of ``item`` and say how it went."""
    exercise = item.exercise
    if not path.is_file():
        raise UserError(f"{path} does not exist; start it with `learnloop exercises start {item.number}`")
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="learnloop-check-") as tmp:
        folder = Path(tmp)
        (folder / "solution.py").write_bytes(source)
        spec = {"function": exercise.function, "group": exercise.group,
                "cases": [case.model_dump() for case in exercise.cases],
                "limits": {"cpu_seconds": limits.cpu_seconds, "memory_bytes": limits.memory_mb * 1024 * 1024,
                           "output_bytes": limits.output_kb * 1024}}
        (folder / "cases.json").write_text(json.dumps(spec), encoding="utf-8")
        harness = Path(__file__).with_name("harness.py")
        status, killed = _run(folder, harness, limits)
        outcome, cases_passed, message = _judge(folder, status, killed, exercise.function, len(exercise.cases),
                                                limits)
    return CheckResult(number=item.number, exercise=exercise.id, title=exercise.title, path=str(path),
                       passed=outcome == "passed", outcome=outcome, cases_passed=cases_passed,
                       cases_total=len(exercise.cases), message=message,
                       seconds=round(time.monotonic() - started, 2))


def _run(folder: Path, harness: Path, limits: Limits) -> tuple[int, bool]:
    """Run the harness; returns (exit status, killed by the wall-clock timeout)."""
    with (folder / "stdout.txt").open("wb") as out, (folder / "stderr.txt").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-I", str(harness)], cwd=folder, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            env=_child_environment(folder), start_new_session=True,  # its own process group, killed whole
        )
        try:
            return process.wait(timeout=limits.timeout), False
        except subprocess.TimeoutExpired:
            return _kill_group(process), True
        finally:
            if process.poll() is None:
                _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> int:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait()


def _judge(folder: Path, status: int, killed: bool, function: str, total: int,
           limits: Limits) -> tuple[Outcome, int, str]:
    result_file = folder / "result.json"
    result = None
    if result_file.is_file():
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result = None
    if killed:
        return "timeout", 0, (f"did not finish within {limits.timeout:g} seconds: an endless loop, or waiting "
                              "for something that never comes?")
    if status in (-signal.SIGXCPU, -signal.SIGKILL) and result is None:
        return "cpu", 0, (f"used more than {limits.cpu_seconds} seconds of computing time and was stopped: "
                          "an endless loop?")
    if status == -signal.SIGXFSZ:  # Python ignores SIGXFSZ, but a C extension writing may not
        return "output", 0, (f"printed more than {limits.output_kb} KB of output and was stopped: a print "
                             "inside a loop that never ends?")
    if result is None:
        if status < 0:
            name = signal.Signals(-status).name
            return "crash", 0, f"crashed (the process was killed by {name}) before the checks finished"
        if _memory_trouble(folder):
            return "memory", 0, (f"ran out of memory: the checks allow {limits.describe_memory()}; "
                                 "is something allocating a huge array or list?")
        return "exit", 0, (f"stopped the program itself (exit status {status}) before the checks finished: "
                           "do not call sys.exit() or os._exit() in an exercise")
    too_much = (f"printed more than {limits.output_kb} KB of output and was stopped: a print inside a loop "
                "that never ends?")
    if not result["loaded"]:
        if result["load_error"].endswith("printed too much output"):
            return "output", 0, too_much
        return "not-loaded", 0, f"your file {result['load_error']}"
    cases = result["cases"]
    passed = sum(1 for c in cases if c.get("passed"))
    failing = next((c for c in cases if not c.get("passed")), None)
    if failing is None:
        return "passed", passed, f"all {total} checks pass"
    about = f" ({failing['why']})" if failing.get("why") else ""
    intro = f"check {passed + 1} of {total}{about}: {failing['call']}"
    if "error" in failing:
        error = failing["error"]
        if error == "printed too much output":
            return "output", passed, f"{intro} {too_much}"
        kind: Outcome = "memory" if error.startswith("ran out of memory") else "error"
        if kind == "memory":
            error = f"ran out of memory: the checks allow {limits.describe_memory()}"
        return kind, passed, f"{intro} {error}"
    return "failed", passed, f"{intro} returned {failing['got']}, but the answer is {failing['want']}"


def _memory_trouble(folder: Path) -> bool:
    try:
        text = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "MemoryError" in text or "Cannot allocate memory" in text
