"""The exercises as data: ``exercises.yaml`` validated here, and found by number or id."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from learnloop.errors import NotFound, UserError

Group = Literal["core", "numpy", "pandas"]
GROUPS: tuple[str, ...] = ("core", "numpy", "pandas")
GROUP_NAMES = {"core": "Python core", "numpy": "NumPy", "pandas": "pandas"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


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


class Exercise(Strict):
    id: str
    group: Group
    title: str
    function: str = Field(description="the function the learner writes")
    prompt: str
    starter: str = Field(description="the file the learner starts from")
    cases: list[Case] = Field(min_length=3)

    @model_validator(mode="after")
    def _shape(self) -> Exercise:
        if not _ID.match(self.id) or not _NAME.match(self.function):
            raise ValueError(f"exercise {self.id!r}: bad id or function name")
        if f"def {self.function}(" not in self.starter:
            raise ValueError(f"exercise {self.id}: the starter must define {self.function}()")
        for case in self.cases:
            if f"{self.function}(" not in case.call:
                raise ValueError(f"exercise {self.id}: case {case.call!r} does not call {self.function}()")
        return self


class NumberedExercise(BaseModel):
    """An exercise with its place in the list (the N of `learnloop exercises start N`)."""

    number: int
    exercise: Exercise

    @property
    def file_name(self) -> str:
        return f"{self.number:02d}_{self.exercise.id.replace('-', '_')}.py"


class ExerciseFile(Strict):
    exercises: list[Exercise] = Field(min_length=20, max_length=30)


@functools.cache
def load_exercises() -> tuple[NumberedExercise, ...]:
    """Every exercise, numbered from 1 in file order (core, then NumPy, then pandas)."""
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
        raise CatalogError("exercises.yaml must list core, then numpy, then pandas exercises")
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
