"""The exercises as data: ``exercises.yaml`` validated here, and found by number or id."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from learnloop.errors import NotFound, UserError

Group = Literal["core", "numpy", "pandas", "scripts"]
GROUPS: tuple[str, ...] = ("core", "numpy", "pandas", "scripts")
GROUP_NAMES = {"core": "Python core", "numpy": "NumPy", "pandas": "pandas", "scripts": "Python scripts"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FILE = re.compile(r"^(?:[a-z0-9_]+/)?[a-z0-9_]+\.(?:py|csv|txt|json)$")


class CatalogError(UserError):
    """exercises.yaml is malformed."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Case(Strict):
    """One hidden check: ``call`` and ``expect`` are Python expressions (``np`` and ``pd`` are available).

    With ``compare: raises``, ``expect`` is the name of the exception the call must raise.
    """

    call: str
    expect: str
    compare: Literal["equal", "close", "array", "frame", "series", "raises"] = "equal"
    why: str | None = Field(default=None, description="what this case is about, in words")


class ScriptCase(Strict):
    """One hidden run of a script exercise: a fresh folder with the learner's files and ``files``, the
    script run as ``python SCRIPT *args``; then its exit status, output and written files are compared.

    ``replace`` swaps one of the learner's modules for a hidden version (to check the script really uses
    it); ``run`` starts a hidden driver from ``files`` instead (to check a module or a class).
    ``stdout`` is compared line by line with trailing spaces ignored; ``stdout_has`` / ``stderr_has`` are
    words the output must contain (case-insensitive); ``outputs`` are files the script must write, with
    their content; ``absent`` are files it must not leave; ``exit`` is the status it must end with (0, or
    non-zero: then any non-zero status is accepted).
    """

    args: list[str] = Field(default_factory=list)
    files: dict[str, str] = Field(default_factory=dict)
    replace: dict[str, str] = Field(
        default_factory=dict,
        description="hidden versions of learner files: does the script really use its second module?",
    )
    run: str | None = Field(default=None, description="a hidden driver from `files` to run instead")
    stdin: str | None = None
    exit: int = 0
    stdout: str | None = None
    stdout_has: list[str] = Field(default_factory=list)
    stderr_has: list[str] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    absent: list[str] = Field(default_factory=list)
    why: str | None = None


class Exercise(Strict):
    """A function exercise (``function``, ``starter``, cases that call it) or a script exercise (``files``
    the learner writes, ``run`` the one to start, cases that run it with arguments and files)."""

    id: str
    group: Group
    title: str
    kind: Literal["function", "script"] = "function"
    function: str | None = Field(default=None, description="the function the learner writes")
    prompt: str
    starter: str | None = Field(default=None, description="the file the learner starts from")
    files: dict[str, str] = Field(default_factory=dict, description="script exercises: file name -> starter")
    run: str | None = Field(default=None, description="script exercises: the file that is run")
    hint: str = Field(min_length=10, description="shown only when the learner asks for it")
    solution: str | dict[str, str] = Field(description="one right answer, shown only after passing")
    cases: list[Case] | list[ScriptCase] = Field(min_length=3)

    @model_validator(mode="after")
    def _shape(self) -> Exercise:
        if not _ID.match(self.id):
            raise ValueError(f"exercise {self.id!r}: bad id")
        if self.kind == "function":
            return self._function_shape()
        return self._script_shape()

    def _function_shape(self) -> Exercise:
        if self.function is None or not _NAME.match(self.function) or self.starter is None:
            raise ValueError(f"exercise {self.id}: a function exercise needs a function name and a starter")
        if self.files or self.run or not isinstance(self.solution, str):
            raise ValueError(f"exercise {self.id}: files/run are for script exercises; the solution is one file")
        if f"def {self.function}(" not in self.starter or f"def {self.function}(" not in self.solution:
            raise ValueError(f"exercise {self.id}: the starter and the solution must define {self.function}()")
        for case in self.cases:
            if not isinstance(case, Case) or f"{self.function}(" not in case.call:
                raise ValueError(f"exercise {self.id}: every case must call {self.function}()")
        return self

    def _script_shape(self) -> Exercise:
        if self.function is not None or self.starter is not None or not self.files or self.run not in self.files:
            raise ValueError(f"exercise {self.id}: a script exercise has files and runs one of them")
        if self.group != "scripts":
            raise ValueError(f"exercise {self.id}: script exercises belong to the scripts group")
        if not isinstance(self.solution, dict) or set(self.solution) != set(self.files):
            raise ValueError(f"exercise {self.id}: the solution gives every file of the exercise")
        for name in [*self.files, *(n for c in self.cases if isinstance(c, ScriptCase) for n in c.files)]:
            if not _FILE.match(name):
                raise ValueError(f"exercise {self.id}: bad file name {name!r}")
        for case in self.cases:
            if not isinstance(case, ScriptCase) or set(case.files) & set(self.files):
                raise ValueError(f"exercise {self.id}: a case's files must not replace the learner's files")
            if not set(case.replace) <= set(self.files) or self.run in case.replace:
                raise ValueError(f"exercise {self.id}: a case may replace only the learner's other files")
            if case.run is not None and case.run not in case.files:
                raise ValueError(f"exercise {self.id}: a case's own driver must be one of its files")
        return self


class NumberedExercise(BaseModel):
    """An exercise with its place in the list (the N of `learnloop exercises start N`)."""

    number: int
    exercise: Exercise

    @property
    def file_name(self) -> str:
        """A function exercise's file, or a script exercise's folder, in the workspace."""
        stem = f"{self.number:02d}_{self.exercise.id.replace('-', '_')}"
        return stem if self.exercise.kind == "script" else f"{stem}.py"


class ExerciseFile(Strict):
    exercises: list[Exercise] = Field(min_length=20, max_length=45)


@functools.cache
def load_exercises() -> tuple[NumberedExercise, ...]:
    """Every exercise, numbered from 1 in file order (core, NumPy, pandas, then scripts)."""
    import yaml

    text = (resources.files("learnloop.exercises") / "exercises.yaml").read_text(encoding="utf-8")
    try:
        parsed = ExerciseFile.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"exercises.yaml is not valid: {exc}") from None
    ids = [e.id for e in parsed.exercises]
    if len(set(ids)) != len(ids):
        raise CatalogError("exercises.yaml defines an exercise id twice")
    groups = [e.group for e in parsed.exercises]
    if groups != sorted(groups, key=GROUPS.index):
        raise CatalogError("exercises.yaml must list core, numpy, pandas, then scripts exercises")
    return tuple(NumberedExercise(number=i, exercise=e) for i, e in enumerate(parsed.exercises, start=1))


def find_exercise(key: str | int) -> NumberedExercise:
    """By number (``3`` or ``"3"``) or by id (``"word-count"``)."""
    exercises = load_exercises()
    text = str(key).strip()
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(exercises):
            return exercises[number - 1]
        raise UserError(f"there is no exercise {number}; they are numbered 1 to {len(exercises)}")
    for item in exercises:
        if item.exercise.id == text:
            return item
    from learnloop.atlas.load import close_ids

    raise NotFound("exercise", text, close_ids(text, [e.exercise.id for e in exercises]))
