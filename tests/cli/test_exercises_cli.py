"""`learnloop exercises` through the real entry point: list, start, check (recorded in the pass), errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from learnloop.exercises.catalog import load_exercises

RIGHT_FIZZBUZZ = """
def fizzbuzz(n):
    return ["FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else str(i)
            for i in range(1, n + 1)]
"""


def test_exercises_alone_lists_three_groups(cli: Callable[..., object]) -> None:
    result = cli("exercises")
    assert result.exit_code == 0
    for group in ("Python core", "NumPy", "pandas"):
        assert group in result.stdout
    listed = json.loads(cli("exercises list --json").stdout)
    assert len(listed) == len(load_exercises())
    numpy_only = json.loads(cli("exercises --group numpy --json").stdout)
    assert numpy_only and {item["group"] for item in numpy_only} == {"numpy"}
    bad = cli("exercises --group rust")
    assert bad.exit_code == 2 and "unknown group" in bad.stderr


def test_start_writes_a_starter_file_in_the_workspace(cli: Callable[..., object], home: Path) -> None:
    result = cli("exercises start 1")
    assert result.exit_code == 0
    path = home / "workspace" / "exercises" / "01_fizzbuzz.py"
    assert path.is_file()
    text = path.read_text()
    assert "def fizzbuzz(n):" in text and "learnloop exercises check 1" in text
    again = cli("exercises start fizzbuzz")
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert again.stderr.rstrip().endswith("start over and overwrite it with the starter (--force)")
    assert cli("exercises start fizzbuzz --force").exit_code == 0
    started = json.loads(cli("exercises start softmax --json").stdout)
    assert started["path"].endswith("softmax.py")
    assert started["check_with"] == f"learnloop exercises check {started['number']}"


def test_check_reports_the_first_failing_case_then_a_pass(cli: Callable[..., object], home: Path) -> None:
    cli("start")
    cli("exercises start 1")
    failing = cli("exercises check 1")
    assert failing.exit_code == 1
    assert "fail 1. FizzBuzz as a list" in failing.stdout
    assert "fizzbuzz(5) returned [], but the answer is ['1', '2', 'Fizz', '4', 'Buzz']" in failing.stdout
    (home / "workspace" / "exercises" / "01_fizzbuzz.py").write_text(RIGHT_FIZZBUZZ)
    passing = cli("exercises check fizzbuzz")
    assert passing.exit_code == 0 and "pass 1. FizzBuzz as a list (4/4 checks)" in passing.stdout
    listed = {item["id"]: item for item in json.loads(cli("exercises --json").stdout)}
    assert listed["fizzbuzz"]["passed"] is True and listed["fizzbuzz"]["started"] is True
    assert listed["word-count"]["started"] is False


def test_check_without_a_number_checks_every_started_file(cli: Callable[..., object], home: Path) -> None:
    nothing = cli("exercises check")
    assert nothing.exit_code == 2 and "no exercise started yet" in nothing.stderr
    cli("exercises start 1")
    cli("exercises start 3")
    (home / "workspace" / "exercises" / "01_fizzbuzz.py").write_text(RIGHT_FIZZBUZZ)
    report = json.loads(cli("exercises check --json").stdout)
    assert [r["exercise"] for r in report["results"]] == ["fizzbuzz", "running-total"]
    assert [r["passed"] for r in report["results"]] == [True, False]
    assert report["recorded"] is False  # no pass started


def test_an_endless_loop_is_reported_in_one_line(cli: Callable[..., object], home: Path) -> None:
    cli("exercises start 1")
    (home / "workspace" / "exercises" / "01_fizzbuzz.py").write_text(
        "def fizzbuzz(n):\n    while True:\n        pass\n"
    )
    result = cli("exercises check 1 --timeout 3 --json")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["results"][0]
    assert verdict["outcome"] in ("cpu", "timeout")
    assert "endless loop" in verdict["message"]


def test_unknown_exercise(cli: Callable[..., object]) -> None:
    result = cli("exercises check fizbuzz")
    assert result.exit_code == 2 and "did you mean 'fizzbuzz'" in result.stderr


def test_help_says_what_the_sandbox_does_here(cli: Callable[..., object]) -> None:
    from learnloop.exercises.grader import sandbox_status

    result = cli("exercises --help")
    assert result.exit_code == 0
    assert f"The grader's sandbox on this machine (mode: {sandbox_status().mode})" in result.stdout
    for line in sandbox_status().lines():
        assert line.split(":")[0] in result.stdout


def test_a_script_exercise_starts_a_folder_and_is_checked_with_arguments(
    cli: Callable[..., object], home: Path
) -> None:
    from learnloop.exercises.catalog import find_exercise

    item = find_exercise("second-module")
    started = json.loads(cli(f"exercises start {item.number} --json").stdout)
    folder = home / "workspace" / "exercises" / item.file_name
    assert sorted(Path(p).name for p in started["files"]) == ["geometry.py", "main.py"]
    assert "Exercise" in (folder / "main.py").read_text()
    failing = cli(f"exercises check {item.number}")
    assert failing.exit_code == 1 and "python main.py 2 3" in failing.stdout
    assert f"learnloop exercises hint {item.number}" in failing.stdout
    solution = item.exercise.solution
    assert isinstance(solution, dict)
    for name, text in solution.items():
        (folder / name).write_text(text)
    passing = cli(f"exercises check {item.number}")
    assert passing.exit_code == 0, passing.stdout
    assert "pass" in passing.stdout


def test_a_hint_on_request_and_the_solution_only_after_passing(cli: Callable[..., object], home: Path) -> None:
    hint = cli("exercises hint fizzbuzz")
    assert hint.exit_code == 0 and "range(1, n + 1)" in hint.stdout
    assert json.loads(cli("exercises hint 1 --json").stdout)["hint"].startswith("Loop over")
    cli("start")
    locked = cli("exercises solution 1")
    assert locked.exit_code == 2
    assert "opens once your answer passes" in locked.stderr and "learnloop exercises check 1" in locked.stderr
    cli("exercises start 1")
    (home / "workspace" / "exercises" / "01_fizzbuzz.py").write_text(RIGHT_FIZZBUZZ)
    assert cli("exercises check 1").exit_code == 0
    shown = json.loads(cli("exercises solution 1 --json").stdout)
    assert "def fizzbuzz(n):" in shown["files"]["01_fizzbuzz.py"]
    assert cli("exercises solution 1").exit_code == 0
