"""Every state of the loop a learner can reach, with the one next action it must show.

The table is built from the loop's dimensions (step × project × gaps × pass 1 or later × focus, with the
step's own facts), keeps only the states that can be reached, and says for each the expected action. All rows
run through the pure rules; a sample is built for real in a database and read through the CLI (``learnloop``)
and the web home page, which must word the same action and never show a command line or a flag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from learnloop.loop import rules
from learnloop.loop.rules import GapView, Kind, PassView, ProjectView, Urgency

DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the project starts on this day in every step-4 row
BOX = 14
DEADLINE = (DAY0 + timedelta(days=BOX)).date()
HALFWAY = rules.halfway_day(DAY0.date(), DEADLINE)

# Project states: (name, days after DAY0 that "now" is, the project's view or None, expected kind, urgency).
PROJECTS: dict[str, tuple[int, ProjectView | None, Kind, Urgency]] = {
    "none": (0, None, Kind.NEW_PROJECT, Urgency.NORMAL),
    "active-day-0": (
        0,
        ProjectView(
            "active",
            DEADLINE,
            id=1,
            started=DAY0.date(),
            data_form="table",
            data_file="data/penguins.csv",
            target="species",
        ),
        Kind.OPEN_NOTEBOOK,
        Urgency.NORMAL,
    ),
    "notebook-opened": (
        1,
        ProjectView(
            "active",
            DEADLINE,
            id=1,
            started=DAY0.date(),
            data_form="table",
            data_file="data/penguins.csv",
            notebook_opened=True,
        ),
        Kind.RUN_BASELINE,
        Urgency.NORMAL,
    ),
    "baseline-run": (
        2,
        ProjectView(
            "active", DEADLINE, id=1, started=DAY0.date(), data_form="table", notebook_opened=True, lab_run=True
        ),
        Kind.CHECK_IN,
        Urgency.NORMAL,
    ),
    "checked-in": (
        8,
        ProjectView(
            "active",
            DEADLINE,
            id=1,
            started=DAY0.date(),
            data_form="table",
            checkins=1,
            last_checkin=HALFWAY,
            notebook_opened=True,
            lab_run=True,
        ),
        Kind.FINISH_PROJECT,
        Urgency.NORMAL,
    ),
    "half-way-passed": (
        11,
        ProjectView("active", DEADLINE, id=1, started=DAY0.date(), data_form="table", notebook_opened=True),
        Kind.CHECK_IN,
        Urgency.DUE,
    ),
    "overdue": (
        40,
        ProjectView("active", DEADLINE, id=1, started=DAY0.date(), data_form="table", checkins=1),
        Kind.FINISH_PROJECT,
        Urgency.OVERDUE,
    ),
    "dropped": (3, ProjectView("dropped", DEADLINE, id=1, started=DAY0.date()), Kind.NEW_PROJECT, Urgency.NORMAL),
    "done": (9, ProjectView("done", DEADLINE, id=1, started=DAY0.date()), Kind.NEXT_STEP, Urgency.NORMAL),
}

KEPT_DUE = (DAY0 + timedelta(days=3)).date()
# Gap states: the gaps of the pass, and at step 5 the expected kind and urgency ("now" is DAY0 + 1, or + 5).
GAPS: dict[str, tuple[tuple[GapView, ...], Kind, Urgency]] = {
    "none": ((), Kind.ADD_GAP, Urgency.NORMAL),
    "one-listed": ((GapView("open", id=1),), Kind.KEEP_GAP, Urgency.NORMAL),
    "listed": ((GapView("open", id=1), GapView("open", id=2)), Kind.RANK_GAPS, Urgency.NORMAL),
    "ranked": ((GapView("open", id=1, rank=2), GapView("open", id=2, rank=1)), Kind.KEEP_GAP, Urgency.NORMAL),
    "kept": ((GapView("kept", KEPT_DUE, id=2, rank=1), GapView("set_aside", id=1)), Kind.CLOSE_GAP, Urgency.NORMAL),
    "overdue": ((GapView("kept", KEPT_DUE, id=2, rank=1), GapView("set_aside", id=1)), Kind.CLOSE_GAP, Urgency.OVERDUE),
    "kept-dropped": (
        (GapView("dropped", KEPT_DUE, id=2), GapView("set_aside", id=1, rank=2)),
        Kind.KEEP_GAP,
        Urgency.NORMAL,
    ),
    "done": ((GapView("done", KEPT_DUE, id=2), GapView("set_aside", id=1)), Kind.NEXT_STEP, Urgency.NORMAL),
}
EARLY_GAPS = ("none", "listed", "ranked")  # before step 5 a gap can be captured and ranked, not kept


@dataclass(frozen=True)
class Row:
    name: str
    view: PassView
    now: datetime
    kind: Kind
    urgency: Urgency = Urgency.NORMAL
    targets: dict[str, object] | None = None  # the targets the action must carry, when they matter


def _rows() -> Iterator[Row]:
    for number in (1, 2):
        base = PassView(number=number, step=0)
        # Step 0. Pass 1: rank, then pin. Pass 2+: look at the map again (re-rank or keep), then confirm.
        for gap_state in EARLY_GAPS:
            gaps = GAPS[gap_state][0]
            now = DAY0
            if number == 1:
                yield Row(
                    f"p1 s0 no-focus unranked gaps:{gap_state}", replace(base, gaps=gaps), now, Kind.RANK_INTERESTS
                )
                yield Row(
                    f"p1 s0 no-focus ranked gaps:{gap_state}",
                    replace(base, gaps=gaps, interests_ranked=True, top_interest="nlp"),
                    now,
                    Kind.PIN_FOCUS,
                    targets={"focus": "nlp"},
                )
                yield Row(
                    f"p1 s0 focus gaps:{gap_state}",
                    replace(base, gaps=gaps, focus_id="nlp", focus_confirmed=True),
                    now,
                    Kind.NEXT_STEP,
                )
            else:
                for reviewed in (False, True):
                    for confirmed in (False, True):
                        view = replace(
                            base,
                            gaps=gaps,
                            focus_id="nlp",
                            interests_ranked=True,
                            top_interest="nlp",
                            ranking_reviewed=reviewed,
                            focus_confirmed=confirmed,
                        )
                        kind = (
                            Kind.REVIEW_RANKING
                            if not reviewed
                            else Kind.CONFIRM_FOCUS
                            if not confirmed
                            else Kind.NEXT_STEP
                        )
                        yield Row(
                            f"p{number} s0 reviewed:{reviewed} confirmed:{confirmed} gaps:{gap_state}",
                            view,
                            now,
                            kind,
                            targets={"focus": "nlp"} if kind is Kind.CONFIRM_FOCUS else None,
                        )
        focused = replace(
            base,
            focus_id="nlp",
            interests_ranked=True,
            top_interest="nlp",
            ranking_reviewed=True,
            focus_confirmed=True,
            suggested_reference="tkipf/pygcn",
            suggested_idea="penguin-pipeline",
        )
        for gap_state in EARLY_GAPS:
            gaps = GAPS[gap_state][0]
            # Step 1: a reference project (the focus's suggestion), then a note.
            for refs in (0, 1):
                for notes in (0, 1):
                    kind = Kind.ADD_REFERENCE if not refs else Kind.ADD_NOTE if not notes else Kind.NEXT_STEP
                    yield Row(
                        f"p{number} s1 refs:{refs} notes:{notes} gaps:{gap_state}",
                        replace(focused, step=1, references=refs, notes=notes, gaps=gaps),
                        DAY0,
                        kind,
                        targets={"suggestion": "tkipf/pygcn"} if kind is Kind.ADD_REFERENCE else None,
                    )
            for done in (0, 1):
                yield Row(
                    f"p{number} s2 exercises:{done} gaps:{gap_state}",
                    replace(focused, step=2, references=1, notes=1, exercises_passed=done, gaps=gaps),
                    DAY0,
                    Kind.NEXT_STEP if done else Kind.DO_EXERCISE,
                )
                yield Row(
                    f"p{number} s3 rungs:{done} gaps:{gap_state}",
                    replace(focused, step=3, rungs_run=done, gaps=gaps),
                    DAY0,
                    Kind.NEXT_STEP if done else Kind.RUN_RUNG,
                )
            # Step 4 by day: notebook, baseline, check-in by half-way, finish; overdue is urgent.
            for project_state, (day, project, kind, urgency) in PROJECTS.items():
                projects = (project,) if project else ()
                targets = {"idea": "penguin-pipeline"} if kind is Kind.NEW_PROJECT else None
                yield Row(
                    f"p{number} s4 project:{project_state} gaps:{gap_state}",
                    replace(focused, step=4, projects=projects, gaps=gaps),
                    DAY0 + timedelta(days=day),
                    kind,
                    urgency,
                    targets,
                )
        done_project = (PROJECTS["done"][1],)
        for gap_state, (gaps, kind, urgency) in GAPS.items():
            day = 5 if gap_state == "overdue" else 1
            targets = {"gap": 2} if kind in (Kind.KEEP_GAP, Kind.CLOSE_GAP) and gap_state != "kept-dropped" else None
            if gap_state in ("one-listed", "kept-dropped"):
                targets = {"gap": 1}
            yield Row(
                f"p{number} s5 gaps:{gap_state}",
                replace(focused, step=5, projects=done_project, gaps=gaps),
                DAY0 + timedelta(days=day),
                kind,
                urgency,
                targets,
            )
        yield Row(
            f"p{number} s6",
            replace(focused, step=6, projects=done_project, gaps=GAPS["done"][0]),
            DAY0 + timedelta(days=1),
            Kind.CLOSE_PASS,
        )
        yield Row(
            f"p{number} s6 new-gap-listed",
            replace(focused, step=6, projects=done_project, gaps=(*GAPS["done"][0], GapView("open", id=3))),
            DAY0 + timedelta(days=1),
            Kind.CLOSE_PASS,
        )
    yield Row("not started", PassView(number=0, step=0), DAY0, Kind.START_PASS)


ROWS = list(_rows())


def test_the_table_covers_every_dimension() -> None:
    names = " ".join(r.name for r in ROWS)
    for project_state in PROJECTS:
        assert f"project:{project_state} " in names
    for gap_state in GAPS:
        assert f"gaps:{gap_state}" in names
    assert {r.kind for r in ROWS} >= set(Kind) - {
        Kind.KEEP_RANKING,
        Kind.SKIP_STEP,
        Kind.EXTEND_PROJECT,
        Kind.DROP_PROJECT,
        Kind.EXTEND_GAP,
        Kind.DROP_GAP,
    }
    assert len(ROWS) == len({r.name for r in ROWS}) >= 130


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_every_state_has_the_right_next_action(row: Row) -> None:
    view = None if row.name == "not started" else row.view
    action = rules.next_action(view, row.now)
    assert (action.kind, action.urgency) == (row.kind, row.urgency), action
    if row.targets is not None:
        assert {k: action.targets.get(k) for k in row.targets} == row.targets
    for a in (action, *action.alternatives):
        assert "learnloop " not in a.why and "--" not in a.why and "`" not in a.why
    if row.kind is Kind.NEXT_STEP:
        assert rules.missing_for_next(row.view, row.now.date()) == []
    elif view is not None:
        assert rules.missing_for_next(row.view, row.now.date())


def test_overdue_alternatives_are_extend_and_drop() -> None:
    for row in ROWS:
        action = rules.next_action(row.view, row.now) if row.name != "not started" else None
        if action is not None and action.urgent:
            assert {a.kind for a in action.alternatives} in (
                {Kind.EXTEND_PROJECT, Kind.DROP_PROJECT},
                {Kind.EXTEND_GAP, Kind.DROP_GAP},
            )


# --- A sample of rows, built for real, through the CLI and the web home page --------------------------------

SAMPLE = [
    "not started",
    "p1 s0 no-focus unranked gaps:none",
    "p1 s0 no-focus ranked gaps:none",
    "p1 s0 focus gaps:listed",
    "p2 s0 reviewed:False confirmed:False gaps:none",
    "p2 s0 reviewed:True confirmed:False gaps:none",
    "p1 s1 refs:0 notes:0 gaps:none",
    "p1 s2 exercises:0 gaps:none",
    "p1 s4 project:none gaps:listed",
    "p1 s4 project:active-day-0 gaps:none",
    "p1 s4 project:notebook-opened gaps:none",
    "p1 s4 project:half-way-passed gaps:none",
    "p1 s4 project:checked-in gaps:none",
    "p1 s4 project:overdue gaps:none",
    "p1 s4 project:done gaps:none",
    "p1 s5 gaps:none",
    "p1 s5 gaps:listed",
    "p1 s5 gaps:ranked",
    "p1 s5 gaps:kept",
    "p1 s5 gaps:overdue",
    "p1 s5 gaps:done",
    "p2 s6",
]


def build(row: Row, workspace: Path) -> datetime:
    """Make the row's state in the learner's database with the loop's own functions; returns "now"."""
    from sqlalchemy import text

    from learnloop.atlas.load import load_atlas
    from learnloop.config import resolve_settings
    from learnloop.loop import focus, gaps, notes, passes, projects, references
    from learnloop.loop.practice import record_exercise
    from learnloop.store.db import open_store

    store = open_store(resolve_settings())
    atlas = load_atlas()
    view = row.view
    t0 = DAY0 - timedelta(days=20)
    try:
        if row.name == "not started":
            return row.now
        with store.session() as s:
            if view.number == 2:
                passes.start_pass(s, t0)
                focus.pin_focus(s, atlas, "nlp", t0)
                s.execute(text("UPDATE passes SET step = 6"))
                s.flush()
                passes.close_pass(s, t0 + timedelta(days=1), "went well")
            else:
                passes.start_pass(s, t0)
            if view.interests_ranked and (view.number == 1 or view.ranking_reviewed):
                focus.rank_interests(s, atlas, ["nlp", "time-series"], t0 + timedelta(days=1))
            if view.focus_id and view.focus_confirmed:
                focus.pin_focus(s, atlas, "nlp", t0 + timedelta(days=1))
        g_ids: list[int] = []
        with store.session() as s:
            for g in view.gaps:
                g_ids.append(gaps.add_gap(s, atlas, f"gap {g.id}", None, DAY0).id)
            if view.references:
                references.add_reference(s, "tkipf/pygcn", None, DAY0)
            if view.notes:
                notes.add_note(s, "a pattern", "pattern", DAY0)
            if view.exercises_passed:
                record_exercise(s, exercise="fizzbuzz", passed=True, now=DAY0)
        with store.session() as s:
            if any(g.rank for g in view.gaps):
                order = [g_ids[i] for i, g in sorted(enumerate(view.gaps), key=lambda p: p[1].rank or 99)]
                gaps.rank_gaps(s, order, DAY0)
            s.execute(text(f"UPDATE passes SET step = {view.step}"))
        project = view.projects[0] if view.projects else None
        if project is not None:
            with store.session() as s:
                s.execute(text("UPDATE passes SET step = 4"))
                made = projects.new_project(
                    s,
                    atlas,
                    title="Penguins",
                    days=BOX,
                    now=DAY0,
                    workspace=workspace,
                    idea_id="penguin-pipeline",
                    directory=workspace / "penguins",
                )
            folder = Path(made.directory or "")
            if project.notebook_opened:
                (folder / "notebooks" / ".ipynb_checkpoints").mkdir()
            if project.lab_run:
                (folder / "reports").mkdir()
                (folder / "reports" / "baseline.md").write_text("report", encoding="utf-8")
            with store.session() as s:
                if project.checkins:
                    projects.checkin(
                        s,
                        "half-way: a forest at 0.97",
                        datetime.combine(project.last_checkin or HALFWAY, DAY0.timetz()),
                    )
                if project.status == "done":
                    projects.finish(s, "done", DAY0 + timedelta(days=9))
                elif project.status == "dropped":
                    projects.drop(s, "wrong data", DAY0 + timedelta(days=1))
                s.execute(text(f"UPDATE passes SET step = {view.step}"))
        kept = next((g for g in view.gaps if g.status in ("kept", "done", "dropped")), None)
        if kept is not None:
            with store.session() as s:
                s.execute(text("UPDATE passes SET step = 5"))
                gaps.keep_gap(s, g_ids[[g.id for g in view.gaps].index(kept.id)], 3, DAY0)
                if kept.status == "done":
                    gaps.close_gap(s, "learned it", DAY0 + timedelta(days=1))
                elif kept.status == "dropped":
                    gaps.drop_gap(s, "not now", DAY0 + timedelta(days=1))
                s.execute(text(f"UPDATE passes SET step = {view.step}"))
        return row.now
    finally:
        store.dispose()


@pytest.mark.parametrize("name", SAMPLE)
def test_sampled_states_through_the_cli_and_the_web_page(
    name: str, cli: Callable[..., object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from learnloop.atlas.load import load_atlas
    from learnloop.cli.status import command_for
    from learnloop.config import resolve_settings
    from learnloop.loop.passes import status
    from learnloop.store.db import open_store
    from learnloop.web.actions import next_action

    row = next(r for r in ROWS if r.name == name)
    now = build(row, tmp_path / "ws")
    monkeypatch.setenv("LEARNLOOP_NOW", now.isoformat())
    monkeypatch.setenv("LEARNLOOP_TZ", "UTC")

    store = open_store(resolve_settings())
    try:
        with store.read() as session:
            value = status(session, now, atlas=load_atlas())
    finally:
        store.dispose()
    assert (value.next.kind, value.next.urgency) == (row.kind, row.urgency), (name, value.next)

    shown = cli([])  # type: ignore[operator]
    assert shown.exit_code == 0, shown.output  # type: ignore[attr-defined]
    out = re.sub(r"\s+", " ", shown.stdout)  # type: ignore[attr-defined]
    assert " ".join(command_for(value.next).split()) in out, (name, out)

    from fastapi.testclient import TestClient

    from learnloop.web.app import create_app

    with TestClient(create_app(resolve_settings()), base_url="http://127.0.0.1") as client:
        page = client.get("/")
        assert page.status_code == 200
        assert next_action(value).label in page.text.replace("&#39;", "'")
        pages = {path: client.get(path) for path in PAGES}
    label = next_action(value).label
    if "What comes first" in pages["/project"].text:  # no project form: the coach's next action, as on home
        assert label in pages["/project"].text.replace("&#39;", "'"), (name, label)
    if value.step != 5:
        assert label in pages["/gaps"].text.replace("&#39;", "'"), (name, label)
    for path, shown_page in {"/": page, **pages}.items():
        assert shown_page.status_code == 200, path
        found = command_text(shown_page.text)
        if path == "/ladders":  # the top rung of the penguins ladder is titled after the tool it uses
            found = [f for f in found if f.strip() != "learnloop baseline"]
        assert found == [], (path, found)


# The pages a learner walks through; each must speak in words and buttons, never in command lines.
PAGES = ("/focus", "/study", "/exercises", "/ladders", "/project", "/gaps", "/history", "/map", "/lab")


def command_text(html: str) -> list[str]:
    """Visible text that reads like a command line: "learnloop something" or a "--flag"."""
    import re

    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    visible = re.sub(r"<[^>]+>", "\n", visible)  # the brand "learnloop" alone on its line is not a command
    commands = "|".join(re.escape(c) for c in _command_names())
    return re.findall(rf".{{0,30}}learnloop (?:{commands})\b.{{0,30}}", visible) + re.findall(
        r".{0,30}(?<![\w-])--[a-z][a-z-]*.{0,30}", visible
    )


def _command_names() -> list[str]:
    import typer

    from learnloop.cli import app

    group = typer.main.get_command(app)
    return sorted(group.list_commands(None), key=len, reverse=True)  # type: ignore[attr-defined,arg-type]
