"""What a baseline run is asked to do, validated once, whoever asks (the CLI, the web page, a test).

Each field has the range the lab can honour; a bad value is a :class:`UserError` whose ``field`` is
the option's name here, so each front door can word it its own way (a flag, a form field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from learnloop.errors import UserError

MAX_JOBS = 256
MAX_SECONDS = 7 * 24 * 3600.0
DEFAULT_FIT_TIMEOUT = 600.0


class OptionError(UserError):
    """A bad option value: ``field`` names the option, ``value`` what was given, ``problem`` what is wrong
    (a phrase that follows the option's name: "must be at least 2"), so a front door can word it its way."""

    def __init__(self, message: str, *, field: str, value: Any, problem: str) -> None:
        super().__init__(message, field=field)
        self.value = value
        self.problem = problem


class BaselineOptions(BaseModel):
    """The options of one baseline run (see :func:`learnloop.lab.baseline.run_baseline`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data: str = Field(min_length=1, max_length=4096, description="a table file or a data set id of the map")
    target: str | None = Field(None, min_length=1, max_length=1000)
    task: Literal["classification", "regression"] | None = None
    metric: Literal["accuracy", "balanced_accuracy", "f1_macro", "roc_auc", "r2", "rmse", "mae"] | None = None
    cv: int = Field(5, ge=2, le=20, description="cross-validation folds")
    jobs: int | None = Field(None, ge=-1, le=MAX_JOBS, description="fits at once; -1 or None: one per core")
    time_budget: float | None = Field(None, gt=0, le=MAX_SECONDS, allow_inf_nan=False)
    fit_timeout: float | None = Field(DEFAULT_FIT_TIMEOUT, gt=0, le=MAX_SECONDS, allow_inf_nan=False)
    models: tuple[str, ...] | None = None
    drop: tuple[str, ...] = ()
    groups: str | None = Field(
        None, min_length=1, max_length=1000, description="rows with the same value stay in one fold"
    )
    split: Literal["auto", "time", "random"] = "auto"
    cluster: str | None = Field(None, min_length=1, max_length=1000)
    seed: int = Field(0, ge=0, le=2**32 - 1)

    @field_validator("jobs")
    @classmethod
    def _jobs(cls, value: int | None) -> int | None:
        if value == 0:
            raise ValueError("must be 1 or more, or -1 for one per core")
        return value

    @field_validator("data")
    @classmethod
    def _data(cls, value: str) -> str:
        if "\x00" in value or "\n" in value:
            raise ValueError("holds a NUL or newline character")
        return value

    @classmethod
    def parse(cls, **values: Any) -> BaselineOptions:
        """Validated options, or one UserError naming the first bad field."""
        if isinstance(values.get("data"), Path):
            values["data"] = str(values["data"])
        for name in ("models", "drop"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "options"
            given = values.get(name)
            shown = repr(given) if not isinstance(given, str) or len(given) <= 60 else repr(given[:57] + "...")
            info = cls.model_fields.get(name)
            about = f" ({info.description})" if info is not None and info.description else ""
            problem = _plain(first)
            raise OptionError(f"{name} {shown}: {problem}{about}", field=name, value=given, problem=problem) from None


def _plain(error: Any) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than") and context:
        limits = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }
        bound = next(iter(context.values()))
        return f"must be {limits[kind]} {bound}"
    if kind in ("string_too_long", "string_too_short") and context:
        bound = context.get("max_length", context.get("min_length"))
        if kind == "string_too_short" and bound == 1:
            return "must not be empty"
        return f"must be at {'most' if kind == 'string_too_long' else 'least'} {bound} characters long"
    words = {
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
    }
    if kind in words:
        return words[kind]
    if kind == "literal_error" and context:
        return "must be one of " + str(context.get("expected", "")).replace("'", "")
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")
