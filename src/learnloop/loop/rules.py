"""The loop's rules as plain functions over plain values, with the clock passed in.

Nothing here touches the database: the store persists what these functions decide, and the tests
exercise them directly with a frozen ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from learnloop.errors import UserError

PROJECT_DAYS = (7, 31)
GAP_DAYS = (1, 7)
SKIPPABLE_STEPS = frozenset({2, 3})
NOTE_KINDS = ("pattern", "understood", "unclear")


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    title: str
    goal: str


STEPS: tuple[Step, ...] = (
    Step(0, "immerse", "Immerse yourself", "see what ML can do, rank your interests, pin ONE focus"),
    Step(1, "study", "Study one project like your endgame", "read a real project's code and take notes"),
    Step(2, "language", "Learn the language", "just enough Python to cobble scripts together"),
    Step(3, "libraries", "Learn the libraries top-down", "highest-level library first, one rung lower at a time"),
    Step(4, "project", "Do one project", "build something real in 1 week to 1 month"),
    Step(5, "gap", "Close one gap", "keep only the top knowledge gap and learn it in 1 to 7 days"),
    Step(6, "repeat", "Repeat", "look back in a short retrospective, then start the next pass"),
)


def step(number: int) -> Step:
    return STEPS[number]


@dataclass(frozen=True)
class ProjectView:
    status: str  # active, done, dropped
    deadline: date


@dataclass(frozen=True)
class GapView:
    status: str  # open, kept, set_aside, done, dropped
    deadline: date | None = None


@dataclass(frozen=True)
class PassView:
    """What the rules need to know about the current pass."""

    number: int
    step: int
    closed: bool = False
    focus_id: str | None = None
    references: int = 0
    notes: int = 0
    exercises_passed: int = 0
    rungs_run: int = 0
    projects: tuple[ProjectView, ...] = ()
    gaps: tuple[GapView, ...] = field(default_factory=tuple)

    @property
    def active_project(self) -> ProjectView | None:
        return next((p for p in self.projects if p.status == "active"), None)

    @property
    def kept_gap(self) -> GapView | None:
        return next((g for g in self.gaps if g.status == "kept"), None)


def missing_for_next(view: PassView) -> list[str]:
    """What the current step still needs before ``learnloop next`` may move on; empty when satisfied."""
    if view.closed:
        return [f"pass {view.number} is closed; `learnloop start` begins the next one"]
    missing: list[str] = []
    match view.step:
        case 0:
            if not view.focus_id:
                missing.append("pin one focus: `learnloop focus ID` (see `learnloop interests rank`)")
        case 1:
            if not view.references:
                missing.append("choose a reference project: `learnloop reference add URL_OR_PATH`")
            if not view.notes:
                missing.append("write at least one note: `learnloop notes add TEXT --kind pattern|understood|unclear`")
        case 2:
            if not view.exercises_passed:
                missing.append("pass at least one exercise (`learnloop exercises`), or skip if you already know "
                               "Python: `learnloop next --skip --reason TEXT`")
        case 3:
            if not view.rungs_run:
                missing.append("run at least one ladder rung (`learnloop ladder`), or skip if you know the "
                               "libraries: `learnloop next --skip --reason TEXT`")
        case 4:
            if not any(p.status == "done" for p in view.projects):
                if view.active_project:
                    missing.append("finish your project: `learnloop project done --summary TEXT`")
                else:
                    missing.append("start a project: `learnloop project new TITLE --days N --data DATA`")
        case 5:
            if not any(g.status == "done" for g in view.gaps):
                if view.kept_gap:
                    missing.append("close the gap you kept: `learnloop gap done --learned TEXT`")
                elif any(g.status == "open" for g in view.gaps):
                    missing.append("rank your gaps and keep the top one: `learnloop gap rank`, "
                                   "then `learnloop gap keep ID --days N`")
                else:
                    missing.append("write down what you found you do not know: `learnloop gap add TEXT`")
        case 6:
            missing.append("close the pass with a short retrospective: `learnloop pass close --retro TEXT`")
    return missing


def check_skip(view: PassView, reason: str | None) -> None:
    if view.step not in SKIPPABLE_STEPS:
        raise UserError(f"step {view.step} ({step(view.step).name}) cannot be skipped; only steps 2 and 3 can")
    if not reason or not reason.strip():
        raise UserError("say why you skip this step: --reason TEXT")


def check_days(days: int, limits: tuple[int, int], what: str) -> None:
    low, high = limits
    if not low <= days <= high:
        raise UserError(f"a {what} is time-boxed to {low}-{high} days; {days} is outside that")


def check_project_days(days: int) -> None:
    check_days(days, PROJECT_DAYS, "project")


def check_gap_days(days: int) -> None:
    check_days(days, GAP_DAYS, "gap")


def check_extension(current_days: int, extra: int, limits: tuple[int, int], what: str) -> int:
    """The new total after extending by ``extra`` days, refused beyond the time box."""
    if extra < 1:
        raise UserError("extend by at least one day: --days N")
    total = current_days + extra
    if total > limits[1]:
        room = limits[1] - current_days
        raise UserError(
            f"a {what} may last {limits[1]} days at most; it has {current_days}, so you can extend by "
            f"{room} more day(s) at most" if room > 0 else
            f"a {what} may last {limits[1]} days at most and this one already does; finish it or drop it"
        )
    return total


def deadline_for(start: datetime, days: int) -> date:
    return (start + timedelta(days=days)).date()


def days_left(deadline: date, now: datetime) -> int:
    return (deadline - now.date()).days


def is_overdue(deadline: date | None, now: datetime) -> bool:
    return deadline is not None and now.date() > deadline


def is_early(deadline: date, now: datetime) -> bool:
    """Finished at least a day before the deadline: a speed-up worth recording."""
    return now.date() < deadline


@dataclass(frozen=True)
class Action:
    command: str
    why: str
    urgent: bool = False


def next_action(view: PassView | None, now: datetime) -> Action:
    """The one thing the learner should do now, as a command to type."""
    if view is None:
        return Action("learnloop start", "begin your first pass round the loop")
    if view.closed:
        return Action("learnloop start", f"pass {view.number} is closed; begin the next one")
    for what, finish_command, item in (("project", "project done --summary TEXT", view.active_project),
                                       ("gap", "gap done --learned TEXT", view.kept_gap)):
        if item is not None and is_overdue(item.deadline, now):
            return Action(f"learnloop {finish_command}",
                          f"your {what} was due {item.deadline}: finish it, or `learnloop {what} extend --days N "
                          f"--reason TEXT`, or `learnloop {what} drop --reason TEXT`", urgent=True)
    missing = missing_for_next(view)
    if not missing:
        return Action("learnloop next", f"step {view.step} is done; move on to step {view.step + 1}")
    first = missing[0]
    command = first.split("`")[1] if "`" in first else "learnloop next"
    return Action(command, first.split(":")[0].split(" (")[0])
