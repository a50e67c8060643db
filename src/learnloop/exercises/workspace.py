"""The learner's side of the self-check: list the exercises, write starter files, check them.

Starter files live in ``<workspace>/exercises/NN_name.py``; checking finds them there again.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from learnloop.errors import UserError
from learnloop.exercises.catalog import GROUP_NAMES, NumberedExercise, find_exercise, load_exercises
from learnloop.exercises.grader import DEFAULT_LIMITS, CheckResult, Limits, grade

FOLDER = "exercises"


class ExerciseInfo(BaseModel):
    number: int
    id: str
    group: str
    group_name: str
    title: str
    started: bool
    passed: bool  # checked and passed in the pass in progress
    path: str


class StartedExercise(BaseModel):
    number: int
    id: str
    title: str
    prompt: str
    path: Path
    check_with: str


def exercise_folder(workspace: Path) -> Path:
    return workspace / FOLDER


def exercise_path(workspace: Path, item: NumberedExercise) -> Path:
    return exercise_folder(workspace) / item.file_name


def list_exercises(workspace: Path, passed: set[str] | frozenset[str] = frozenset(),
                   group: str | None = None) -> list[ExerciseInfo]:
    """Every exercise in order, with whether its file exists and whether it passed in this pass."""
    if group is not None and group not in GROUP_NAMES:
        raise UserError(f"unknown group {group!r}; choose one of {', '.join(GROUP_NAMES)}")
    infos = []
    for item in load_exercises():
        e = item.exercise
        if group is not None and e.group != group:
            continue
        path = exercise_path(workspace, item)
        infos.append(ExerciseInfo(number=item.number, id=e.id, group=e.group, group_name=GROUP_NAMES[e.group],
                                  title=e.title, started=path.is_file(), passed=e.id in passed, path=str(path)))
    return infos


def start_exercise(workspace: Path, key: str, *, force: bool = False) -> StartedExercise:
    """Write the starter file of exercise ``key`` (number or id) into the workspace."""
    item = find_exercise(key)
    path = exercise_path(workspace, item)
    if path.exists() and not force:
        raise UserError(f"{path} already exists: edit it, then `learnloop exercises check {item.number}` "
                        "(or --force to start over)")
    e = item.exercise
    header = f'"""Exercise {item.number}: {e.title}.\n\n{_wrap(e.prompt)}\n\nCheck it with: learnloop exercises ' \
             f'check {item.number}\n"""\n\n\n'
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + e.starter, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    return StartedExercise(number=item.number, id=e.id, title=e.title, prompt=e.prompt, path=path,
                           check_with=f"learnloop exercises check {item.number}")


def check_exercises(workspace: Path, key: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[CheckResult]:
    """Grade one exercise (by number or id), or, without a key, every exercise started in the workspace."""
    if key is not None:
        item = find_exercise(key)
        return [grade(item, exercise_path(workspace, item), limits)]
    started = [item for item in load_exercises() if exercise_path(workspace, item).is_file()]
    if not started:
        raise UserError("no exercise started yet: `learnloop exercises start 1` writes the first one")
    return [grade(item, exercise_path(workspace, item), limits) for item in started]


def _wrap(text: str, width: int = 100) -> str:
    import textwrap

    return textwrap.fill(text, width=width)
