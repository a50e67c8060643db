"""The rows of an export, as typed models: what import accepts before it writes a single row.

One model per table, field for field the columns of :mod:`learnloop.store.models` but the owner (an export
is one learner's, and never says whose: ``learner_id`` is not in the file), strict (no "4"
for 4, no 3.7 for a number of days, no ``true`` for a count), with the loop's ranges and words
(step 0-6, project 7-31 days, gap 1-7 days, a note is a pattern, understood or unclear ...).
:func:`check_tables` then checks what no single row can show: ids unique, references that point
at rows that exist, one open pass (the latest), at most one active project (in that open pass),
at most one kept gap per pass. Every problem is reported as a :class:`RowError` naming the table,
the row (1-based, as the file lists them) and the field.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from learnloop.errors import UserError

MAX_ID = 2**63 - 1  # SQLite's INTEGER
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)
NOTE_KINDS = ("pattern", "understood", "unclear")  # learnloop.loop.rules.NOTE_KINDS (a test checks they agree)
PROJECT_STATUSES = ("active", "done", "dropped")
GAP_STATUSES = ("open", "kept", "set_aside", "done", "dropped")
PRACTICE_KINDS = ("exercise", "rung")
STEPS = (0, 6)
PROJECT_DAYS = (7, 31)
GAP_DAYS = (1, 7)


class RowError(UserError):
    """One bad value in an export: which table, which row, which field, and why."""

    def __init__(self, table: str, row: int | None, field: str | None, problem: str) -> None:
        where = f"table {table}"
        if row is not None:
            where += f", row {row}"
        if field:
            where += f", field {field}"
        super().__init__(f"{where}: {problem}", field=field)
        self.table = table
        self.row = row
        self.column = field


def _text(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("has a lone surrogate (text that is not valid Unicode)") from None
    return value


def _moment(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("should be an ISO 8601 date-time with its time zone, as text")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise ValueError("has no time zone (learnloop stores aware date-times)")
    if not EARLIEST <= parsed <= LATEST:
        raise ValueError(f"{value[:40]!r} is outside {EARLIEST.year}-{LATEST.year}")
    return parsed


def _day(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("should be a date as text, YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None
    if not EARLIEST.date() <= parsed <= LATEST.date():
        raise ValueError(f"{value!r} is outside {EARLIEST.year}-{LATEST.year}")
    return parsed


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("should be a finite number")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[datetime, BeforeValidator(_moment)]
Day = Annotated[date, BeforeValidator(_day)]
Step = Annotated[int, Field(ge=STEPS[0], le=STEPS[1])]
Rank = Annotated[int, Field(ge=1, le=1_000_000)]


# Text fields: any length (Prose), or at most N characters (TextN); "Named" ones may not be empty.
Prose = Annotated[str, BeforeValidator(_text)]
NamedProse = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
Text40 = Annotated[str, BeforeValidator(_text), Field(max_length=40)]
Text80 = Annotated[str, BeforeValidator(_text), Field(max_length=80)]
Named80 = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=80)]
Named120 = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=120)]
Text200 = Annotated[str, BeforeValidator(_text), Field(max_length=200)]
Named200 = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=200)]
Text500 = Annotated[str, BeforeValidator(_text), Field(max_length=500)]
Named500 = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=500)]
Text1000 = Annotated[str, BeforeValidator(_text), Field(max_length=1000)]


class Row(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class PassRow(Row):
    id: Id
    number: Annotated[int, Field(ge=1, le=1_000_000)]
    started_at: Moment
    step: Step
    step_started_at: Moment
    focus_id: Text80 | None = None
    closed_at: Moment | None = None
    retro: Prose | None = None
    shared_at: Moment | None = None  # revision 0006: shared with the class's teachers (older files have none)


class InterestRow(Row):
    focus_id: Named80
    rank: Rank
    ranked_at: Moment


class EventRow(Row):
    id: Id
    pass_id: Id
    at: Moment
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
    step: Step | None = None
    subject: Text200 | None = None
    reason: Prose | None = None


class ReferenceRow(Row):
    id: Id
    pass_id: Id
    source: Named500
    why: Prose | None = None
    added_at: Moment


class NoteRow(Row):
    id: Id
    pass_id: Id
    kind: Literal["pattern", "understood", "unclear"]
    text: NamedProse
    added_at: Moment


class ProjectRow(Row):
    id: Id
    pass_id: Id
    title: Named200
    idea_id: Text80 | None = None
    data_source: Text500 | None = None
    no_data_reason: Prose | None = None
    directory: Text1000 | None = None
    started_at: Moment
    days: Annotated[int, Field(ge=PROJECT_DAYS[0], le=PROJECT_DAYS[1])]
    deadline: Day
    status: Literal["active", "done", "dropped"]
    finished_at: Moment | None = None
    summary: Prose | None = None


class CheckinRow(Row):
    id: Id
    project_id: Id
    at: Moment
    text: Prose


class GapRow(Row):
    id: Id
    pass_id: Id
    text: NamedProse
    topic_id: Text80 | None = None
    rank: Rank | None = None
    status: Literal["open", "kept", "set_aside", "done", "dropped"]
    created_at: Moment
    kept_at: Moment | None = None
    days: Annotated[int, Field(ge=GAP_DAYS[0], le=GAP_DAYS[1])] | None = None
    deadline: Day | None = None
    closed_at: Moment | None = None
    learned: Prose | None = None


class PracticeRow(Row):
    id: Id
    pass_id: Id
    kind: Literal["exercise", "rung"]
    subject: Named120
    score: Annotated[float, AfterValidator(_finite)] | None = None
    passed: bool | None = None
    at: Moment


class TopicMarkRow(Row):
    topic_id: Named80
    mark: Literal["done", "in-progress", "skipped"]  # learnloop.loop.marks.MARKS (a test checks they agree)
    marked_at: Moment
    source: Text40 | None = None


ROW_MODELS: dict[str, type[Row]] = {
    "passes": PassRow,
    "interests": InterestRow,
    "events": EventRow,
    "reference_projects": ReferenceRow,
    "notes": NoteRow,
    "projects": ProjectRow,
    "checkins": CheckinRow,
    "gaps": GapRow,
    "practice": PracticeRow,
    "topic_marks": TopicMarkRow,
}


def parse_row(table: str, index: int, raw: Any) -> Row:
    """One row through its model; a :class:`RowError` for the first problem (``index`` is 0-based)."""
    model = ROW_MODELS[table]
    if not isinstance(raw, dict):
        raise RowError(table, index + 1, None, "is not an object of fields")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        names = [str(p) for p in first["loc"] if not isinstance(p, int)]
        field: str | None = names[0] if names else None
        problem = first["msg"]
        if first["type"] == "extra_forbidden":
            problem = "is not a field of this table"
        elif first["type"] == "missing":
            problem = "is missing"
        problem = problem.removeprefix("Value error, ")
        raise RowError(table, index + 1, field, _lower(problem)) from None


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def check_tables(rows: dict[str, list[Row]]) -> None:
    """What no row shows alone: unique keys, references that exist, one open pass, one active project."""

    def unique(table: str, key: str) -> set[Any]:
        seen = Counter(getattr(r, key) for r in rows.get(table, []))
        for index, r in enumerate(rows.get(table, [])):
            if seen[getattr(r, key)] > 1:
                raise RowError(table, index + 1, key, f"{getattr(r, key)!r} appears more than once")
        return set(seen)

    pass_ids = unique("passes", "id")
    unique("passes", "number")
    unique("interests", "focus_id")
    unique("interests", "rank")
    unique("topic_marks", "topic_id")
    project_ids = unique("projects", "id")
    for table in ("events", "reference_projects", "notes", "gaps", "practice", "checkins"):
        unique(table, "id")

    for table in ("events", "reference_projects", "notes", "projects", "gaps", "practice"):
        for index, r in enumerate(rows.get(table, [])):
            if r.pass_id not in pass_ids:  # type: ignore[attr-defined]
                raise RowError(table, index + 1, "pass_id", f"no pass has id {r.pass_id}")  # type: ignore[attr-defined]
    for index, r in enumerate(rows.get("checkins", [])):
        if r.project_id not in project_ids:  # type: ignore[attr-defined]
            raise RowError("checkins", index + 1, "project_id", f"no project has id {r.project_id}")  # type: ignore[attr-defined]

    passes = [p for p in rows.get("passes", []) if isinstance(p, PassRow)]
    latest = max(passes, key=lambda p: p.number, default=None)
    for index, p in enumerate(passes):
        if p.closed_at is None and p is not latest:
            raise RowError(
                "passes",
                index + 1,
                "closed_at",
                f"pass {p.number} is open but pass {latest.number} came after it: "  # type: ignore[union-attr]
                "only the latest pass can be open",
            )
        if p.closed_at is not None and p.closed_at < p.started_at:
            raise RowError("passes", index + 1, "closed_at", "the pass closes before it starts")
        if p.step_started_at < p.started_at:
            raise RowError("passes", index + 1, "step_started_at", "the step starts before its pass")
    open_pass = latest.id if latest is not None and latest.closed_at is None else None

    projects = [r for r in rows.get("projects", []) if isinstance(r, ProjectRow)]
    active = [(i, project) for i, project in enumerate(projects) if project.status == "active"]
    if len(active) > 1:
        raise RowError("projects", active[1][0] + 1, "status", "a second active project (one at a time)")
    for index, project in active:
        if project.pass_id != open_pass:
            raise RowError("projects", index + 1, "status", "an active project must belong to the open pass")

    kept: Counter[int] = Counter()
    for index, gap in enumerate(r for r in rows.get("gaps", []) if isinstance(r, GapRow)):
        if gap.status == "kept":
            kept[gap.pass_id] += 1
            if kept[gap.pass_id] > 1:
                raise RowError("gaps", index + 1, "status", "a second kept gap in one pass (keep only one)")
            if gap.days is None or gap.deadline is None:
                raise RowError(
                    "gaps",
                    index + 1,
                    "days" if gap.days is None else "deadline",
                    "a kept gap needs its days and its deadline",
                )
