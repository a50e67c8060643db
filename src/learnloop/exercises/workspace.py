"""The learner's side of the self-check: list the exercises, write starter files, check them, and give a
hint on request and the solution once the answer passed.

A function exercise's starter lives in ``<workspace>/exercises/NN_name.py``; a script exercise's files in
the folder ``<workspace>/exercises/NN_name/``; checking finds them there again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from learnloop.errors import UserError
from learnloop.exercises.catalog import GROUP_NAMES, NumberedExercise, find_exercise, load_exercises
from learnloop.exercises.grader import DEFAULT_LIMITS, CheckResult, Isolation, Limits, grade

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
    path: Path  # the file, or a script exercise's folder
    files: list[str]  # what was written (a script exercise writes several files)


class SolutionLocked(UserError):
    """The solution of an exercise whose answer has not passed yet."""

    def __init__(self, number: int) -> None:
        super().__init__(
            f"the solution of exercise {number} opens once your answer passes its checks; the hint may help first",
            field="exercise",
        )
        self.number = number


class ExerciseHint(BaseModel):
    number: int
    id: str
    title: str
    hint: str


class ExerciseSolution(BaseModel):
    number: int
    id: str
    title: str
    files: dict[str, str]  # file name -> one right answer


def exercise_folder(workspace: Path) -> Path:
    return workspace / FOLDER


def exercise_path(workspace: Path, item: NumberedExercise) -> Path:
    return exercise_folder(workspace) / item.file_name


def list_exercises(
    workspace: Path, passed: set[str] | frozenset[str] = frozenset(), group: str | None = None
) -> list[ExerciseInfo]:
    """Every exercise in order, with whether its file exists and whether it passed in this pass."""
    if group is not None and group not in GROUP_NAMES:
        raise UserError(f"unknown group {group!r}; choose one of {', '.join(GROUP_NAMES)}")
    infos = []
    for item in load_exercises():
        e = item.exercise
        if group is not None and e.group != group:
            continue
        path = exercise_path(workspace, item)
        infos.append(
            ExerciseInfo(
                number=item.number,
                id=e.id,
                group=e.group,
                group_name=GROUP_NAMES[e.group],
                title=e.title,
                started=is_started(workspace, item),
                passed=e.id in passed,
                path=str(path),
            )
        )
    return infos


def is_started(workspace: Path, item: NumberedExercise) -> bool:
    path = exercise_path(workspace, item)
    if item.exercise.kind == "function":
        return path.is_file()
    return (path / str(item.exercise.run)).is_file()


def start_exercise(workspace: Path, key: str, *, force: bool = False) -> StartedExercise:
    """Write the starter file(s) of exercise ``key`` (number or id) into the workspace."""
    item = find_exercise(key)
    path = exercise_path(workspace, item)
    e = item.exercise
    header = (
        f'"""Exercise {item.number}: {e.title}.\n\n{_wrap(e.prompt)}\n\nCheck it with: learnloop exercises '
        f'check {item.number}\n"""\n\n\n'
    )
    if e.kind == "function":
        targets = {path: header + (e.starter or "")}
    else:
        targets = {path / name: (header + text if name == e.run else text) for name, text in e.files.items()}
    existing = [t for t in targets if t.exists() or t.is_symlink()]
    if existing and not force:
        raise UserError(
            f"{existing[0]} already exists: edit it, then check exercise {item.number}; or start over "
            "and overwrite it with the starter",
            field="force",
        )
    from learnloop.files import write_atomic

    try:
        for target, text in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text, force=force)  # refuses a symlink, device or folder in the way
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    return StartedExercise(
        number=item.number, id=e.id, title=e.title, prompt=e.prompt, path=path, files=[str(t) for t in targets]
    )


def exercise_hint(key: str) -> ExerciseHint:
    """The hint of an exercise (the starters no longer name the calls to use: the hint does)."""
    item = find_exercise(key)
    return ExerciseHint(number=item.number, id=item.exercise.id, title=item.exercise.title, hint=item.exercise.hint)


def exercise_solution(key: str, passed: set[str] | frozenset[str]) -> ExerciseSolution:
    """One right answer, only for an exercise whose answer has passed (``passed``: ids that did)."""
    item = find_exercise(key)
    e = item.exercise
    if e.id not in passed:
        raise SolutionLocked(item.number)
    files = {item.file_name: e.solution} if isinstance(e.solution, str) else dict(e.solution)
    return ExerciseSolution(number=item.number, id=e.id, title=e.title, files=files)


def check_exercises(
    workspace: Path,
    key: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    isolation: Isolation = "best",
    hide: Sequence[Path] = (),
) -> list[CheckResult]:
    """Grade one exercise (by number or id), or, without a key, every exercise started in the workspace.

    ``isolation="required"`` refuses to grade where this machine offers no sandbox (the web page);
    ``hide`` are folders the learner's code must not read (the learnloop home)."""
    if key is not None:
        item = find_exercise(key)
        return [grade(item, exercise_path(workspace, item), limits, isolation, hide)]
    started = [item for item in load_exercises() if is_started(workspace, item)]
    if not started:
        raise UserError("no exercise started yet: start exercise 1 first", field="exercise")
    return [grade(item, exercise_path(workspace, item), limits, isolation, hide) for item in started]


def _wrap(text: str, width: int = 100) -> str:
    import textwrap

    return textwrap.fill(text, width=width)
