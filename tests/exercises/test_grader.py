"""The grader survives whatever a learner's file does, says what happened in words, and leaves nothing
behind: endless loops, busy CPU, crashes, sys.exit, huge allocations, huge output, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.exercises.catalog import find_exercise
from learnloop.exercises.grader import CheckResult, Limits, grade

# Tight limits keep these tests quick; the core group imports nothing heavy in the child.
QUICK = Limits(timeout=8.0, cpu_seconds=3, memory_mb=512, output_kb=64)
FIZZBUZZ = find_exercise("fizzbuzz")


def check(tmp_path: Path, source: str, limits: Limits = QUICK, exercise: str = "fizzbuzz") -> CheckResult:
    path = tmp_path / "answer.py"
    path.write_text(source)
    return grade(find_exercise(exercise), path, limits)


def test_an_endless_sleeping_loop_is_stopped_by_the_wall_clock(tmp_path: Path) -> None:
    source = "import time\ndef fizzbuzz(n):\n    while True:\n        time.sleep(0.05)\n"
    result = check(tmp_path, source, Limits(timeout=2.0, cpu_seconds=30, memory_mb=512, output_kb=64))
    assert result.outcome == "timeout"
    assert "did not finish within 2 seconds" in result.message


def test_a_busy_loop_is_stopped_by_the_cpu_limit(tmp_path: Path) -> None:
    result = check(
        tmp_path,
        "def fizzbuzz(n):\n    while True:\n        n += 1\n",
        Limits(timeout=60.0, cpu_seconds=1, memory_mb=512, output_kb=64),
    )
    assert result.outcome == "cpu"
    assert "more than 1 seconds of computing time" in result.message


def test_a_huge_allocation_is_reported_as_memory(tmp_path: Path) -> None:
    result = check(tmp_path, "def fizzbuzz(n):\n    return ['x'] * (10 ** 10)\n")
    assert result.outcome == "memory"
    assert "ran out of memory" in result.message
    assert "fizzbuzz(5)" in result.message  # says which check it was on


def test_a_huge_allocation_while_loading_is_reported_too(tmp_path: Path) -> None:
    result = check(tmp_path, "BIG = bytearray(10 ** 10)\ndef fizzbuzz(n):\n    return []\n")
    assert result.outcome == "not-loaded"
    assert "ran out of memory" in result.message


def test_huge_output_is_stopped(tmp_path: Path) -> None:
    result = check(tmp_path, "def fizzbuzz(n):\n    while True:\n        print('spam' * 100)\n")
    assert result.outcome == "output"
    assert "printed more than 64 KB of output" in result.message


def test_sys_exit_in_the_function_is_explained(tmp_path: Path) -> None:
    result = check(tmp_path, "import sys\ndef fizzbuzz(n):\n    sys.exit(3)\n")
    assert result.outcome == "error"
    assert "called sys.exit(3)" in result.message


def test_sys_exit_while_loading_is_explained(tmp_path: Path) -> None:
    result = check(tmp_path, "import sys\nsys.exit(0)\n")
    assert result.outcome == "not-loaded"
    assert "called sys.exit(0)" in result.message


def test_os_exit_is_explained(tmp_path: Path) -> None:
    result = check(tmp_path, "import os\ndef fizzbuzz(n):\n    os._exit(4)\n")
    assert result.outcome == "exit"
    assert "exit status 4" in result.message


def test_a_crash_is_reported_with_its_signal(tmp_path: Path) -> None:
    result = check(tmp_path, "import os, signal\ndef fizzbuzz(n):\n    os.kill(os.getpid(), signal.SIGSEGV)\n")
    assert result.outcome == "crash"
    assert "SIGSEGV" in result.message


def test_an_exception_names_the_line(tmp_path: Path) -> None:
    result = check(tmp_path, "def fizzbuzz(n):\n    return 1 / 0\n")
    assert result.outcome == "error"
    assert "raised ZeroDivisionError: division by zero (line 2)" in result.message


def test_input_gets_no_keyboard(tmp_path: Path) -> None:
    result = check(tmp_path, "def fizzbuzz(n):\n    return input('n? ')\n")
    assert result.outcome == "error"
    assert "keyboard input" in result.message


def test_endless_recursion_is_explained(tmp_path: Path) -> None:
    result = check(tmp_path, "def fizzbuzz(n):\n    return fizzbuzz(n)\n")
    assert "recursed too deeply" in result.message


def test_a_syntax_error_and_a_missing_function(tmp_path: Path) -> None:
    broken = check(tmp_path, "def fizzbuzz(n)\n    return []\n")
    assert broken.outcome == "not-loaded"
    assert "is not valid Python" in broken.message and "line 1" in broken.message
    missing = check(tmp_path, "def fizz_buzz(n):\n    return []\n")
    assert missing.message == "your file defines no function called fizzbuzz()"


def test_a_wrong_type_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    result = check(
        tmp_path,
        "import numpy as np\ndef mse(a, b):\n    return np.array([1.0, 2.0])\n",
        Limits(timeout=30.0, cpu_seconds=20, memory_mb=1536, output_kb=64),
        exercise="mean-squared-error",
    )
    assert result.outcome == "failed"
    assert "returned array([1., 2.])" in result.message


def test_the_learners_code_runs_in_a_throwaway_folder(tmp_path: Path) -> None:
    source = (
        "import os\nopen('left_behind.txt', 'w').write('x')\nWHERE = os.getcwd()\n"
        "def fizzbuzz(n):\n    return [WHERE]\n"
    )
    result = check(tmp_path, source)
    assert result.outcome == "failed"  # it ran, and could write in its own folder
    folder = Path(result.message.split("returned ['", 1)[1].split("']")[0])
    assert folder.name in ("run", "work") or folder.name.startswith("learnloop-check-")
    assert not (tmp_path / "left_behind.txt").exists()
    assert not (Path.cwd() / "left_behind.txt").exists()
    assert not (folder / "left_behind.txt").exists()  # the folder, and what the code wrote there, are gone


def test_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="start exercise 1 first"):
        grade(FIZZBUZZ, tmp_path / "nope.py")


def test_the_grading_process_leaves_this_process_alone(tmp_path: Path) -> None:
    """Limits apply to the child only: this process can still allocate and keeps its own limits."""
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    check(tmp_path, "def fizzbuzz(n):\n    return ['x'] * (10 ** 10)\n")
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(600 * 1024 * 1024)) > QUICK.memory_mb * 1024 * 1024
