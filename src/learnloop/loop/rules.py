"""The loop's rules as plain functions over plain values, with the clock passed in.

Nothing here touches the database: the store persists what these functions decide, and the tests
exercise them directly with a frozen ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

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
    """What the rules see of a project: its box, its check-ins, and what the learner did in its folder."""

    status: str  # active, done, dropped
    deadline: date
    id: int = 0
    started: date | None = None
    checkins: int = 0
    last_checkin: date | None = None
    notebook_opened: bool = False
    lab_run: bool = False
    data_file: str | None = None  # relative to the project folder, e.g. data/penguins.csv
    data_form: str | None = None  # table, graph, file, none
    target: str | None = None
    directory: str | None = None

    @property
    def halfway(self) -> date | None:
        return halfway_day(self.started, self.deadline) if self.started else None


@dataclass(frozen=True)
class GapView:
    status: str  # open, kept, set_aside, done, dropped
    deadline: date | None = None
    id: int = 0
    rank: int | None = None


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
    interests_ranked: bool = False
    top_interest: str | None = None
    ranking_reviewed: bool = False  # pass 2+: re-ranked, or kept the ranking, in this pass
    focus_confirmed: bool = False  # a focus was pinned (or re-pinned) in this pass
    suggested_reference: str | None = None  # the focus's first suggested repository (owner/name)
    suggested_idea: str | None = None  # the focus's first project idea id

    @property
    def active_project(self) -> ProjectView | None:
        return next((p for p in self.projects if p.status == "active"), None)

    @property
    def kept_gap(self) -> GapView | None:
        return next((g for g in self.gaps if g.status == "kept"), None)

    @property
    def open_gaps(self) -> tuple[GapView, ...]:
        return tuple(g for g in self.gaps if g.status == "open")


class Kind(StrEnum):
    """Every action the loop can ask for. The front doors word each one (a command line, a button, a form)."""

    START_PASS = "start_pass"
    RANK_INTERESTS = "rank_interests"
    REVIEW_RANKING = "review_ranking"  # pass 2+: look at the map again and re-rank...
    KEEP_RANKING = "keep_ranking"  # ...or keep the ranking as it is
    PIN_FOCUS = "pin_focus"
    CONFIRM_FOCUS = "confirm_focus"
    NEXT_STEP = "next_step"
    ADD_REFERENCE = "add_reference"
    ADD_NOTE = "add_note"
    DO_EXERCISE = "do_exercise"
    RUN_RUNG = "run_rung"
    SKIP_STEP = "skip_step"
    NEW_PROJECT = "new_project"
    OPEN_NOTEBOOK = "open_notebook"
    RUN_BASELINE = "run_baseline"
    CHECK_IN = "check_in"
    FINISH_PROJECT = "finish_project"
    EXTEND_PROJECT = "extend_project"
    DROP_PROJECT = "drop_project"
    ADD_GAP = "add_gap"
    RANK_GAPS = "rank_gaps"
    KEEP_GAP = "keep_gap"
    CLOSE_GAP = "close_gap"
    EXTEND_GAP = "extend_gap"
    DROP_GAP = "drop_gap"
    CLOSE_PASS = "close_pass"


class Urgency(StrEnum):
    NORMAL = "normal"
    DUE = "due"  # a date has come: the half-way check-in
    OVERDUE = "overdue"  # a time box has run out


# The inputs each kind needs, named as the feature functions name them.
FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.RANK_INTERESTS: ("order",),
    Kind.REVIEW_RANKING: ("order",),
    Kind.ADD_REFERENCE: ("source",),
    Kind.ADD_NOTE: ("text", "kind"),
    Kind.SKIP_STEP: ("reason",),
    Kind.NEW_PROJECT: ("title", "days", "data"),
    Kind.CHECK_IN: ("text",),
    Kind.FINISH_PROJECT: ("summary",),
    Kind.EXTEND_PROJECT: ("days", "reason"),
    Kind.DROP_PROJECT: ("reason",),
    Kind.ADD_GAP: ("text",),
    Kind.RANK_GAPS: ("order",),
    Kind.KEEP_GAP: ("days",),
    Kind.CLOSE_GAP: ("learned",),
    Kind.EXTEND_GAP: ("days", "reason"),
    Kind.DROP_GAP: ("reason",),
    Kind.CLOSE_PASS: ("retro",),
}


def check_skip(view: PassView, reason: str | None) -> None:
    if view.step not in SKIPPABLE_STEPS:
        raise UserError(f"step {view.step} ({step(view.step).name}) cannot be skipped; only steps 2 and 3 can")
    if not reason or not reason.strip():
        raise UserError("say why you skip this step", field="reason")


def check_days(days: int, limits: tuple[int, int], what: str) -> None:
    low, high = limits
    if not low <= days <= high:
        raise UserError(f"a {what} is time-boxed to {low}-{high} days; {days} is outside that", field="days")


def check_project_days(days: int) -> None:
    check_days(days, PROJECT_DAYS, "project")


def check_gap_days(days: int) -> None:
    check_days(days, GAP_DAYS, "gap")


def check_extension(current_days: int, extra: int, limits: tuple[int, int], what: str) -> int:
    """The new total after extending by ``extra`` days, refused beyond the time box."""
    if extra < 1:
        raise UserError("extend by at least one day", field="days")
    total = current_days + extra
    if total > limits[1]:
        room = limits[1] - current_days
        raise UserError(
            f"a {what} may last {limits[1]} days at most; it has {current_days}, so you can extend by "
            f"{room} more day(s) at most"
            if room > 0
            else f"a {what} may last {limits[1]} days at most and this one already does; finish it or drop it",
            field="days",
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


def halfway_day(started: date, deadline: date) -> date:
    """The half-way check-in date of a time box."""
    return started + timedelta(days=max(1, (deadline - started).days // 2))


@dataclass(frozen=True)
class Action:
    """The one thing to do now, as a value: what (kind), on what (targets), with which inputs (fields), why, how urgent.

    ``why`` is plain words for people and never names a command, a flag or a URL; ``alternatives`` are the
    other actions that would also do (skip a step, extend or drop a late project, keep the ranking).
    """

    kind: Kind
    why: str
    targets: dict[str, str | int] = field(default_factory=dict)
    urgency: Urgency = Urgency.NORMAL
    due: date | None = None
    alternatives: tuple[Action, ...] = ()
    fields: tuple[str, ...] = ()  # filled from FIELDS: the inputs this kind needs

    def __post_init__(self) -> None:
        if not self.fields:
            object.__setattr__(self, "fields", FIELDS.get(self.kind, ()))

    @property
    def urgent(self) -> bool:
        return self.urgency is Urgency.OVERDUE


def _act(kind: Kind, why: str, **targets: str | int | None) -> Action:
    return Action(kind, why, {k: v for k, v in targets.items() if v is not None})


def _project_targets(p: ProjectView) -> dict[str, str | int | None]:
    return {
        "project": p.id or None,
        "directory": p.directory,
        "data": p.data_file,
        "form": p.data_form,
        "target": p.target,
    }


def project_actions(p: ProjectView, today: date) -> list[Action]:
    """Step 4 by day: open the notebook, run a baseline on the data, check in by half-way, finish."""
    targets = _project_targets(p)
    halfway = p.halfway
    if today > p.deadline:
        late = (today - p.deadline).days
        return [
            Action(
                Kind.FINISH_PROJECT,
                f"your project was due {p.deadline.isoformat()}, {late} day(s) ago: "
                "finish it now, give it more days with a reason, or drop it",
                {k: v for k, v in targets.items() if v is not None},
                Urgency.OVERDUE,
                p.deadline,
                alternatives=(
                    _act(Kind.EXTEND_PROJECT, "more days, within the 31-day box", project=p.id or None),
                    _act(Kind.DROP_PROJECT, "stop it and start another", project=p.id or None),
                ),
            )
        ]
    actions: list[Action] = []
    if halfway is not None and p.checkins == 0 and today >= halfway:
        actions.append(
            Action(
                Kind.CHECK_IN,
                f"the half-way check-in was due {halfway.isoformat()}: say where you are and what is in the way",
                {"project": p.id} if p.id else {},
                Urgency.DUE,
                halfway,
            )
        )
    if not p.notebook_opened and not p.lab_run and p.data_form not in (None, "none"):
        actions.append(
            _act(Kind.OPEN_NOTEBOOK, "open the project's notebook: it loads your data and shows it", **targets)
        )
    if not p.lab_run and p.data_form not in (None, "none"):
        actions.append(
            _act(Kind.RUN_BASELINE, "run a quick baseline on the project's data: the score to beat", **targets)
        )
    if p.checkins == 0 and halfway is not None and today < halfway:
        actions.append(
            Action(
                Kind.CHECK_IN,
                f"check in by the half-way date, {halfway.isoformat()}",
                {"project": p.id} if p.id else {},
                Urgency.NORMAL,
                halfway,
            )
        )
    days = (p.deadline - today).days
    actions.append(
        Action(
            Kind.FINISH_PROJECT,
            f"finish by {p.deadline.isoformat()} ({days} day(s) left): sum up what you built",
            {"project": p.id} if p.id else {},
            Urgency.NORMAL,
            p.deadline,
        )
    )
    return actions


def gap_actions(view: PassView, today: date) -> list[Action]:
    """Step 5: capture, rank, keep the top one, close it within its box."""
    kept = view.kept_gap
    if kept is not None:
        if kept.deadline is not None and today > kept.deadline:
            return [
                Action(
                    Kind.CLOSE_GAP,
                    f"the gap you kept was due {kept.deadline.isoformat()}: close it now, "
                    "give it more days with a reason, or drop it",
                    {"gap": kept.id} if kept.id else {},
                    Urgency.OVERDUE,
                    kept.deadline,
                    alternatives=(
                        _act(Kind.EXTEND_GAP, "more days, within the 7-day box", gap=kept.id or None),
                        _act(Kind.DROP_GAP, "let it go and keep another", gap=kept.id or None),
                    ),
                )
            ]
        when = f" by {kept.deadline.isoformat()}" if kept.deadline else ""
        return [
            Action(
                Kind.CLOSE_GAP,
                f"learn the gap you kept{when}, then say what you learned",
                {"gap": kept.id} if kept.id else {},
                Urgency.NORMAL,
                kept.deadline,
            )
        ]
    candidates = list(view.open_gaps) or [g for g in view.gaps if g.status == "set_aside"]
    if not candidates:
        return [_act(Kind.ADD_GAP, "write down something you found you do not know while you built")]
    if len(candidates) > 1 and any(g.rank is None for g in candidates):
        return [_act(Kind.RANK_GAPS, f"rank your {len(candidates)} gaps, most important first")]
    top = min(candidates, key=lambda g: (g.rank if g.rank is not None else 10**6, g.id))
    return [
        _act(
            Kind.KEEP_GAP, "keep only the top gap and give it 1 to 7 days; the others are set aside", gap=top.id or None
        )
    ]


def needs(view: PassView, today: date | None = None) -> list[Action]:
    """What the current step still needs before the loop may move on, as actions; empty when satisfied."""
    today = today or date.min
    if view.closed:
        return [_act(Kind.START_PASS, f"pass {view.number} is closed; begin the next one")]
    missing: list[Action] = []
    skip = _act(Kind.SKIP_STEP, "skip it if you already know it; your reason is recorded as a speed-up")
    match view.step:
        case 0:
            if view.number > 1 and not view.ranking_reviewed:
                missing.append(
                    Action(
                        Kind.REVIEW_RANKING,
                        "a new pass: look at the map again and re-rank what draws you, or keep your ranking as it is",
                        alternatives=(_act(Kind.KEEP_RANKING, "keep your ranking as it is"),),
                    )
                )
            if not view.focus_id:
                if view.interests_ranked or view.top_interest:
                    missing.append(
                        _act(
                            Kind.PIN_FOCUS,
                            "pin one focus for this pass: your top interest, or another",
                            focus=view.top_interest,
                        )
                    )
                else:
                    missing.append(
                        Action(
                            Kind.RANK_INTERESTS,
                            "rank what draws you, then pin ONE focus",
                            alternatives=(_act(Kind.PIN_FOCUS, "pin one focus straight away"),),
                        )
                    )
            elif view.number > 1 and not view.focus_confirmed:
                missing.append(
                    _act(Kind.CONFIRM_FOCUS, "keep the focus of the last pass, or pin another", focus=view.focus_id)
                )
        case 1:
            if not view.references:
                missing.append(
                    _act(
                        Kind.ADD_REFERENCE,
                        "choose a project like your endgame to study"
                        + (", for example one suggested for your focus" if view.suggested_reference else ""),
                        suggestion=view.suggested_reference,
                    )
                )
            if not view.notes:
                missing.append(
                    _act(
                        Kind.ADD_NOTE,
                        "write at least one note: a repeated pattern, something you understand, or something you don't",
                    )
                )
        case 2:
            if not view.exercises_passed:
                missing.append(
                    Action(
                        Kind.DO_EXERCISE,
                        "pass at least one exercise, or skip this step if you already know Python",
                        alternatives=(skip,),
                    )
                )
        case 3:
            if not view.rungs_run:
                missing.append(
                    Action(
                        Kind.RUN_RUNG,
                        "run at least one ladder rung, or skip this step if you know the libraries",
                        alternatives=(skip,),
                    )
                )
        case 4:
            if not any(p.status == "done" for p in view.projects):
                active = view.active_project
                if active is not None:
                    missing.extend(project_actions(active, today))
                else:
                    again = any(p.status == "dropped" for p in view.projects)
                    missing.append(
                        _act(
                            Kind.NEW_PROJECT,
                            ("start another project" if again else "start a project")
                            + ": 7 to 31 days, with data"
                            + (", for example an idea for your focus" if view.suggested_idea else ""),
                            idea=view.suggested_idea,
                        )
                    )
        case 5:
            if not any(g.status == "done" for g in view.gaps):
                missing.extend(gap_actions(view, today))
        case 6:
            missing.append(_act(Kind.CLOSE_PASS, "close the pass with a short retrospective"))
    return missing


def missing_for_next(view: PassView, today: date | None = None) -> list[str]:
    """What the current step still needs, in plain words (for an error message); empty when satisfied.

    Step 4's day-by-day guidance (notebook, baseline, check-in) helps but is not required: only the finish is.
    """
    actions = needs(view, today)
    active = view.active_project
    if view.step == 4 and active is not None and actions and not actions[0].urgent:
        return [f"finish your project (due {active.deadline.isoformat()})"]
    return [a.why for a in actions]


def next_action(view: PassView | None, now: datetime) -> Action:
    """The one thing the learner should do now, as a value; ``now`` is in the learner's own time zone."""
    today = now.date()
    if view is None:
        return _act(Kind.START_PASS, "begin your first pass round the loop")
    if view.closed:
        return _act(Kind.START_PASS, f"pass {view.number} is closed; begin the next one")
    kept = view.kept_gap
    if kept is not None and kept.deadline is not None and today > kept.deadline:
        return gap_actions(view, today)[0]
    missing = needs(view, today)
    if not missing:
        return Action(
            Kind.NEXT_STEP, f"step {view.step} is done; move on to step {view.step + 1}", {"step": view.step + 1}
        )
    return missing[0]
