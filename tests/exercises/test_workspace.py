"""Starter files in the learner's workspace, listing with progress, checking one or every started file."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.exercises.catalog import load_exercises
from learnloop.exercises.grader import Limits, limits_for
from learnloop.exercises.workspace import check_exercises, list_exercises, start_exercise

QUICK = Limits(timeout=10.0, cpu_seconds=5, memory_mb=1536, output_kb=64)


def test_start_writes_a_numbered_file_with_the_prompt(tmp_path: Path) -> None:
    started = start_exercise(tmp_path, "3")
    assert started.path == tmp_path / "exercises" / "03_running_total.py"
    text = started.path.read_text()
    assert text.startswith('"""Exercise 3: Running total.')
    assert "running totals" in text and "def running_total(numbers):" in text
    compile(text, str(started.path), "exec")
    with pytest.raises(UserError, match="already exists: edit it, then check exercise 3") as refused:
        start_exercise(tmp_path, "running-total")
    assert refused.value.field == "force" and "--" not in str(refused.value)
    started.path.write_text("# mine")
    start_exercise(tmp_path, "3", force=True)
    assert "def running_total" in started.path.read_text()


def test_list_marks_started_and_passed(tmp_path: Path) -> None:
    start_exercise(tmp_path, "flatten")
    infos = list_exercises(tmp_path, passed={"accuracy"})
    assert len(infos) == len(load_exercises())
    by_id = {i.id: i for i in infos}
    assert by_id["flatten"].started and not by_id["flatten"].passed
    assert by_id["accuracy"].passed and not by_id["accuracy"].started
    assert {i.group for i in list_exercises(tmp_path, group="pandas")} == {"pandas"}
    with pytest.raises(UserError, match="unknown group"):
        list_exercises(tmp_path, group="julia")


def test_check_one_and_all(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no exercise started yet"):
        check_exercises(tmp_path)
    with pytest.raises(UserError, match="start exercise 5 first"):
        check_exercises(tmp_path, "5")
    flatten = start_exercise(tmp_path, "flatten")
    start_exercise(tmp_path, "batches")
    flatten.path.write_text("def flatten(nested):\n    return [x for inner in nested for x in inner]\n")
    results = check_exercises(tmp_path, limits=QUICK)
    assert [(r.exercise, r.passed) for r in results] == [("batches", False), ("flatten", True)]
    assert [r.exercise for r in check_exercises(tmp_path, "flatten", QUICK)] == ["flatten"]


def test_time_limits_the_learner_can_choose() -> None:
    assert limits_for(8).timeout == 8 and limits_for(8).cpu_seconds == 6
    with pytest.raises(UserError, match="between 1 and 600 seconds") as refused:
        limits_for(0.5)
    assert refused.value.field == "timeout"
