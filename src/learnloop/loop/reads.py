"""The loop's everyday reads (where you are, the gap list, the history) and the gap capture, as plain SQL.

Written once, with named ``:params`` in SQL that SQLite and PostgreSQL both run, over a
:class:`learnloop.store.light.Rows`: ``sqlite3`` on the CLI's light path (no SQLAlchemy imported), SQLAlchemy's
own connection elsewhere. The values are the loop's own (:mod:`learnloop.loop.values`), equal to what the ORM
functions in ``passes.py``, ``gaps.py`` and ``history.py`` return: ``tests/loop/test_reads.py`` compares them
over the loop's states, and the rows ``gap add`` writes with the ORM's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar

from learnloop.errors import UserError, needing
from learnloop.loop import rules
from learnloop.loop.values import (
    Change,
    Deadline,
    GapView,
    PassHistory,
    Status,
    Today,
    carried,
    local_day,
    span_days,
    streak,
)
from learnloop.store.light import parse_day, parse_moment

if TYPE_CHECKING:
    from learnloop.atlas.glance import MapFacts
    from learnloop.store.light import Rows

VISIBLE = ("open", "kept")
GAP_ORDER = {"kept": 0, "open": 1, "set_aside": 2, "done": 3, "dropped": 4}

# Every statement reads or writes one learner's records: ``:learner`` is bound by the Rows (the laptop's local
# learner on the light path, the session's learner through SQLAlchemy); a test checks each one names it.
MINE = "learner_id = :learner"
PASS_COLUMNS = "id, number, started_at, step, step_started_at, focus_id, closed_at, retro"
NEWEST_PASS = f"SELECT {PASS_COLUMNS} FROM passes WHERE {MINE} ORDER BY number DESC LIMIT 1"
ALL_PASSES = f"SELECT {PASS_COLUMNS} FROM passes WHERE {MINE} ORDER BY number"
COUNT_REFERENCES = f"SELECT count(*) FROM reference_projects WHERE pass_id = :pass_id AND {MINE}"
COUNT_NOTES = f"SELECT count(*) FROM notes WHERE pass_id = :pass_id AND {MINE}"
COUNT_RUNGS = f"SELECT count(*) FROM practice WHERE pass_id = :pass_id AND kind = 'rung' AND {MINE}"
EXERCISES_PASSED = (
    "SELECT DISTINCT subject FROM practice "
    f"WHERE pass_id = :pass_id AND kind = 'exercise' AND passed IS TRUE AND {MINE}"
)
PROJECTS = (
    "SELECT id, status, deadline, started_at, directory, data_source, title "
    f"FROM projects WHERE pass_id = :pass_id AND {MINE} ORDER BY id"
)
CHECKINS = f"SELECT at FROM checkins WHERE project_id = :project_id AND {MINE} ORDER BY id"
GAP_COLUMNS = "id, pass_id, text, topic_id, rank, status, created_at, kept_at, days, deadline, closed_at, learned"
PASS_GAPS = f"SELECT {GAP_COLUMNS} FROM gaps WHERE pass_id = :pass_id AND {MINE} ORDER BY id"
ALL_GAPS = f"SELECT {GAP_COLUMNS} FROM gaps WHERE {MINE} ORDER BY id"
ONE_GAP = f"SELECT {GAP_COLUMNS} FROM gaps WHERE id = :gap_id AND {MINE}"
EVENT_KINDS = f"SELECT DISTINCT kind FROM events WHERE pass_id = :pass_id AND {MINE}"
# A day is active when something was recorded: an event, a practice, a note, a project check-in.
ACTIVE_MOMENTS = (
    f"SELECT at FROM events WHERE pass_id = :pass_id AND {MINE} "
    f"UNION ALL SELECT at FROM practice WHERE pass_id = :pass_id AND {MINE} "
    f"UNION ALL SELECT added_at FROM notes WHERE pass_id = :pass_id AND {MINE} "
    "UNION ALL SELECT checkins.at FROM checkins JOIN projects ON projects.id = checkins.project_id "
    "WHERE projects.pass_id = :pass_id AND checkins.learner_id = :learner AND projects.learner_id = :learner"
)
EVENTS = f"SELECT kind, step, subject, reason, at FROM events WHERE pass_id = :pass_id AND {MINE} ORDER BY id"
TOP_INTEREST = f"SELECT focus_id FROM interests WHERE {MINE} ORDER BY rank LIMIT 1"
PASS_NUMBERS = f"SELECT id, number FROM passes WHERE {MINE}"
NEWEST_PROJECT = f"SELECT title, status FROM projects WHERE pass_id = :pass_id AND {MINE} ORDER BY id DESC LIMIT 1"
TOPIC_MARKS = f"SELECT topic_id, mark FROM topic_marks WHERE {MINE}"
INSERT_GAP = (
    "INSERT INTO gaps (learner_id, pass_id, text, topic_id, rank, status, created_at, kept_at, days, deadline, "
    "closed_at, learned) VALUES (:learner, :pass_id, :text, :topic_id, NULL, 'open', :created_at, NULL, NULL, NULL, "
    "NULL, NULL) RETURNING id"
)
INSERT_EVENT = (
    "INSERT INTO events (learner_id, pass_id, at, kind, step, subject, reason) "
    "VALUES (:learner, :pass_id, :at, :kind, :step, :subject, NULL) RETURNING id"
)


class PassRow:
    """One row of ``passes``, as the reads use it."""

    def __init__(self, row: tuple[Any, ...]) -> None:
        self.id, self.number, started, self.step, step_started, self.focus_id, closed, self.retro = row
        self.started_at = parse_moment(started)
        self.step_started_at = parse_moment(step_started)
        self.closed_at = parse_moment(closed)


class GapRow:
    """One row of ``gaps`` (the attributes ``values.carried`` and the gap views read)."""

    def __init__(self, row: tuple[Any, ...]) -> None:
        (
            self.id,
            self.pass_id,
            self.text,
            self.topic_id,
            self.rank,
            self.status,
            created,
            kept,
            self.days,
            deadline,
            closed,
            self.learned,
        ) = row
        created_at = parse_moment(created)
        assert created_at is not None, "gaps.created_at is never null"
        self.created_at: datetime = created_at
        self.kept_at = parse_moment(kept)
        self.deadline = parse_day(deadline)
        self.closed_at = parse_moment(closed)


def _scalar(rows: Rows, sql: str, **params: Any) -> Any:
    found = rows.all(sql, **params)
    return found[0][0] if found else None


class _PassLike(Protocol):
    number: int
    closed_at: Any


_P = TypeVar("_P", bound=_PassLike)


def newest_pass(rows: Rows) -> PassRow | None:
    found = rows.all(NEWEST_PASS)
    return PassRow(found[0]) if found else None


def open_pass(rows: Rows) -> PassRow:
    """The pass in progress; the same errors as ``passes.open_pass`` (both call :func:`require_open`)."""
    return require_open(newest_pass(rows))


def require_open(current: _P | None) -> _P:
    """``current`` if it is a pass in progress; else the error that says which pass to start."""
    if current is None:
        raise needing(
            UserError("you have not started yet: start your first pass"),
            rules.Action(rules.Kind.START_PASS, "begin your first pass"),
        )
    if current.closed_at is not None:
        raise needing(
            UserError(f"pass {current.number} is closed: start pass {current.number + 1} first"),
            rules.Action(rules.Kind.START_PASS, "begin the next pass"),
        )
    return current


DATA_FORMS = {".csv": "table", ".parquet": "table", ".pq": "table", ".tsv": "table", ".npz": "graph"}


class FolderFacts(TypedDict, total=False):
    """What :func:`project_folder_facts` finds (empty for a project that is not active)."""

    data_file: str | None
    data_form: str
    notebook_opened: bool
    lab_run: bool


def project_folder_facts(directory: str | None) -> FolderFacts:
    """What the learner did in the project's folder: the data file, the notebook opened, a lab report written.

    Jupyter leaves ``.ipynb_checkpoints`` beside a notebook it opened, and an executed notebook keeps its
    outputs; ``learnloop baseline --report reports/...`` (as the scaffold's README suggests) writes a report.
    """

    facts: FolderFacts = {"data_file": None, "data_form": "none", "notebook_opened": False, "lab_run": False}
    if not directory:
        return facts
    folder = Path(directory)
    try:
        data = sorted(p for p in (folder / "data").iterdir() if p.name != "README.md" and not p.name.startswith("."))
    except OSError:
        data = []
    if data:
        facts["data_file"] = f"data/{data[0].name}"
        facts["data_form"] = DATA_FORMS.get(data[0].suffix.lower(), "file")
    notebooks = folder / "notebooks"
    facts["notebook_opened"] = (notebooks / ".ipynb_checkpoints").is_dir() or _has_outputs(notebooks)
    try:
        facts["lab_run"] = any((folder / "reports").iterdir())
    except OSError:
        facts["lab_run"] = False
    return facts


def _has_outputs(notebooks: object) -> bool:
    import json

    assert isinstance(notebooks, Path)
    try:
        paths = list(notebooks.glob("*.ipynb"))
    except OSError:
        return False
    for path in paths:
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        if any(c.get("execution_count") or c.get("outputs") for c in cells if isinstance(c, dict)):
            return True
    return False


def pass_view(rows: Rows, current: PassRow, now: datetime, facts: MapFacts) -> tuple[rules.PassView, list[Any]]:
    """The plain values the rules look at (as ``passes.pass_view``), and the pass's project rows."""
    pid = current.id
    projects = rows.all(PROJECTS, pass_id=pid)
    gaps = [GapRow(r) for r in rows.all(PASS_GAPS, pass_id=pid)]
    kinds = {r[0] for r in rows.all(EVENT_KINDS, pass_id=pid)}
    top = _scalar(rows, TOP_INTEREST)

    def project_view(p: tuple[Any, ...]) -> rules.ProjectView:
        project_id, status, deadline, started_at, directory, data_source = p[:6]
        checkins = [parse_moment(r[0]) for r in rows.all(CHECKINS, project_id=project_id)]
        folder: FolderFacts = project_folder_facts(directory) if status == "active" else {}
        known = (data_source or "") in facts.dataset_forms
        deadline_day = parse_day(deadline)
        assert deadline_day is not None  # projects.deadline is NOT NULL
        return rules.ProjectView(
            status,
            deadline_day,
            id=project_id,
            started=local_day(parse_moment(started_at), now),  # type: ignore[arg-type]
            checkins=len(checkins),
            last_checkin=local_day(checkins[-1], now) if checkins else None,  # type: ignore[arg-type]
            notebook_opened=bool(folder.get("notebook_opened")),
            lab_run=bool(folder.get("lab_run")),
            data_file=folder.get("data_file"),
            data_form=(
                facts.dataset_forms[data_source] if known and folder.get("data_file") else folder.get("data_form")
            ),
            target=facts.dataset_targets.get(data_source) if known else None,
            directory=directory,
        )

    view = rules.PassView(
        number=current.number,
        step=current.step,
        closed=current.closed_at is not None,
        focus_id=current.focus_id,
        references=_scalar(rows, COUNT_REFERENCES, pass_id=pid) or 0,
        notes=_scalar(rows, COUNT_NOTES, pass_id=pid) or 0,
        exercises_passed=len({r[0] for r in rows.all(EXERCISES_PASSED, pass_id=pid)}),
        rungs_run=_scalar(rows, COUNT_RUNGS, pass_id=pid) or 0,
        projects=tuple(project_view(p) for p in projects),
        gaps=tuple(rules.GapView(g.status, g.deadline, id=g.id, rank=g.rank) for g in gaps),
        interests_ranked=top is not None,
        top_interest=top,
        ranking_reviewed=bool(kinds & {"interests", "keep-ranking"}),
        focus_confirmed="focus" in kinds,
        suggested_reference=facts.first_reference.get(current.focus_id or ""),
        suggested_idea=facts.first_idea.get(current.focus_id or ""),
    )
    return view, projects


def today_facts(
    rows: Rows, current: PassRow, view: rules.PassView, now: datetime, projects: list[Any], gaps: list[GapRow]
) -> Today:
    """The line for today (as ``passes.today_facts``)."""
    today = now.date()
    moments = [parse_moment(r[0]) for r in rows.all(ACTIVE_MOMENTS, pass_id=current.id)]
    active_days = {local_day(at, now) for at in moments if at is not None}
    value = Today(days_active=len(active_days), streak=streak(active_days, today))
    project = view.active_project
    kept = view.kept_gap
    if project is not None:
        value.box, value.box_days_left = "project", (project.deadline - today).days
        value.box_title = next((p[6] for p in projects if p[0] == project.id), None) if project.id else None
        if project.last_checkin is not None:
            value.last_checkin_days_ago = (today - project.last_checkin).days
        if project.checkins == 0 and project.halfway is not None and today >= project.halfway:
            value.checkin_due = project.halfway
    elif kept is not None and kept.deadline is not None:
        value.box, value.box_days_left = "gap", (kept.deadline - today).days
        value.box_title = next((g.text for g in gaps if g.id == kept.id), None) if kept.id else None
    return value


def status(rows: Rows, now: datetime, facts: MapFacts) -> Status:
    """Where the learner is and the one next action (as ``passes.status``); ``now`` in the learner's zone."""
    current = newest_pass(rows)
    if current is None:
        return Status(started=False, next=rules.next_action(None, now))
    view, projects = pass_view(rows, current, now, facts)
    gaps = [GapRow(r) for r in rows.all(PASS_GAPS, pass_id=current.id)]
    action = rules.next_action(view, now)
    today = now.date()
    deadlines: list[Deadline] = []
    for p in projects:
        if p[1] == "active":
            deadline = parse_day(p[2])
            assert deadline is not None
            deadlines.append(
                Deadline(
                    what="project",
                    title=p[6],
                    deadline=deadline,
                    days_left=(deadline - today).days,
                    overdue=today > deadline,
                )
            )
    for g in gaps:
        if g.status == "kept" and g.deadline:
            deadlines.append(
                Deadline(
                    what="gap",
                    title=g.text,
                    deadline=g.deadline,
                    days_left=(g.deadline - today).days,
                    overdue=today > g.deadline,
                )
            )
    info = rules.step(current.step)
    assert current.step_started_at is not None
    return Status(
        started=True,
        pass_number=current.number,
        closed=view.closed,
        step=current.step,
        step_name=info.name,
        step_title=info.title,
        step_goal=info.goal,
        focus_id=current.focus_id,
        focus_name=facts.focus_names.get(current.focus_id or "", current.focus_id),
        days_in_step=(today - local_day(current.step_started_at, now)).days,
        deadlines=deadlines,
        needs=rules.needs(view, today) if not view.closed else [],
        exercises_passed=view.exercises_passed,
        rungs_run=view.rungs_run,
        next=action,
        today=today_facts(rows, current, view, now, projects, gaps),
    )


def gap_view(g: GapRow, pass_number: int, now: datetime) -> GapView:
    """One gap as ``gaps._view`` shows it."""
    return GapView(
        id=g.id,
        pass_number=pass_number,
        text=g.text,
        topic_id=g.topic_id,
        rank=g.rank,
        status=g.status,
        created_at=g.created_at,
        days=g.days,
        deadline=g.deadline,
        days_left=rules.days_left(g.deadline, now) if g.deadline and g.status == "kept" else None,
        overdue=g.status == "kept" and rules.is_overdue(g.deadline, now),
        learned=g.learned,
    )


def list_gaps(rows: Rows, now: datetime, include_all: bool = False) -> list[GapView]:
    """The pass's open and kept gaps, ranked; ``include_all``: every gap of every pass (as ``gaps.list_gaps``)."""
    numbers = dict(rows.all(PASS_NUMBERS))
    if include_all:
        gaps = [GapRow(r) for r in rows.all(ALL_GAPS)]
    else:
        current = newest_pass(rows)
        if current is None:
            return []
        gaps = [g for g in (GapRow(r) for r in rows.all(PASS_GAPS, pass_id=current.id)) if g.status in VISIBLE]
    gaps.sort(
        key=lambda g: (
            g.pass_id if include_all else 0,
            GAP_ORDER.get(g.status, 9),
            g.rank if g.rank is not None else 10**6,
            g.id,
        )
    )
    return [gap_view(g, numbers.get(g.pass_id, 0), now) for g in gaps]


def check_gap(text: str, topic_id: str | None, topics: frozenset[str] | None = None) -> str:
    """The gap's words, checked (as ``gaps.add_gap`` checks them); an unknown topic goes to the full map's
    lookup, which says which ids are close."""
    if not text.strip():
        raise UserError("describe the gap: what did you find you do not know?", field="text")
    if topic_id is not None and (topics is None or topic_id not in topics):
        from learnloop.atlas.load import load_atlas

        load_atlas().topic(topic_id)
    return text.strip()


def add_gap(
    rows: Rows, text: str, topic_id: str | None, now: datetime, topics: frozenset[str] | None = None
) -> GapView:
    """Capture a gap in the pass in progress: the same checks, and the same two rows, as ``gaps.add_gap``.
    The caller owns the transaction."""
    current = open_pass(rows)
    words = check_gap(text, topic_id, topics)
    gap_id = _scalar(rows, INSERT_GAP, pass_id=current.id, text=words, topic_id=topic_id, created_at=rows.moment(now))
    _scalar(
        rows,
        INSERT_EVENT,
        pass_id=current.id,
        at=rows.moment(now),
        kind="gap",
        step=current.step,
        subject=f"gap:{gap_id}",
    )
    found = rows.all(ONE_GAP, gap_id=gap_id)
    return gap_view(GapRow(found[0]), current.number, now)


def marks(rows: Rows) -> dict[str, str]:
    """topic id -> its mark on the map (as ``marks.marks``)."""
    return {topic_id: mark for topic_id, mark in rows.all(TOPIC_MARKS)}


def history(rows: Rows, now: datetime) -> list[PassHistory]:
    """Every pass at a glance (as ``history.history``)."""
    passes = [PassRow(r) for r in rows.all(ALL_PASSES)]
    all_gaps = [GapRow(r) for r in rows.all(ALL_GAPS)]
    result: list[PassHistory] = []
    for p in passes:
        assert p.started_at is not None
        end = p.closed_at or now
        events = [
            (kind, step, subject, reason, parse_moment(at))
            for kind, step, subject, reason, at in rows.all(EVENTS, pass_id=p.id)
        ]
        entered = [(step, at) for kind, step, _s, _r, at in events if kind in ("start", "enter")]
        per_step: dict[str, float] = {}
        for i, (step, at) in enumerate(entered):
            until = entered[i + 1][1] if i + 1 < len(entered) else end
            name = rules.STEPS[step or 0].name
            per_step[name] = round(per_step.get(name, 0.0) + span_days(at, until), 2)  # type: ignore[arg-type]
        project = rows.all(NEWEST_PROJECT, pass_id=p.id)
        mine = [g for g in all_gaps if g.pass_id == p.id]
        kept = next((g for g in mine if g.status in ("kept", "done", "dropped") and g.kept_at), None)
        open_after, closed_total = carried(all_gaps, end)

        def changes(kinds: tuple[str, ...], events: list[tuple[Any, ...]] = events) -> list[Change]:
            return [Change(kind=k, step=s, subject=sub, reason=r, at=at) for k, s, sub, r, at in events if k in kinds]

        result.append(
            PassHistory(
                number=p.number,
                focus_id=p.focus_id,
                started_at=p.started_at,
                closed_at=p.closed_at,
                days=span_days(p.started_at, end),
                step=p.step,
                days_per_step=per_step,
                project=project[0][0] if project else None,
                project_status=project[0][1] if project else None,
                gap=kept.text if kept else None,
                gap_status=kept.status if kept else None,
                gaps_captured=len(mine),
                gaps_open_after=open_after,
                gaps_closed_total=closed_total,
                speed_ups=changes(("skip", "early")),
                slow_downs=changes(("extend", "late")),
                retro=p.retro,
            )
        )
    return result
