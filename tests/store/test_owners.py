"""Two learners in one database (a class server's): each sees, writes, exports and deletes only their own records.

Every test runs on SQLite and on PostgreSQL (``LEARNLOOP_TEST_POSTGRES_URL``; skipped with the reason when it is
unset, a failure with ``CI=true``). The scoping under test is ``learnloop.store.scoping`` (the ORM, one place)
and the ``:learner`` of ``learnloop.loop.reads`` (the plain SQL of the light path).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, select, text, update

from learnloop.atlas.load import load_atlas
from learnloop.config import Settings
from learnloop.store.db import Store, open_store
from learnloop.store.models import LOCAL_LEARNER_ID, Gap, Interest, Learner, Pass, TopicMark
from learnloop.store.scoping import OtherLearnersRecord

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
T0 = NOW - timedelta(days=3)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path, require_system: Any) -> Settings:
    if request.param == "sqlite":
        return Settings(home=tmp_path / "server")
    url = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")
    require_system("a PostgreSQL server", bool(url), "set LEARNLOOP_TEST_POSTGRES_URL (.ci/run starts one)")
    assert url is not None
    _reset_postgres(url)
    return Settings(home=tmp_path / "server", database_url=url)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings)
    try:
        yield store
    finally:
        store.dispose()


def add_learner(store: Store, login: str) -> int:
    with store.across_learners() as s:
        learner = Learner(login=login, name=login.title(), role="student", origin="server", created_at=NOW)
        s.add(learner)
        s.flush()
        return learner.id


def build_loop(store: Store, learner: int, *, focus: str, gap_texts: list[str], mark: str, workspace: Path) -> None:
    """A real loop for one learner, with the loop's own functions: a closed pass, a second one with a project
    and a check-in, now at step 5, ranked interests, gaps (one kept), a note, practice, a map mark and a job."""
    from learnloop.jobs.records import JobRecord
    from learnloop.loop import focus as focuses
    from learnloop.loop import gaps, marks, notes, passes, projects, references
    from learnloop.loop.practice import record_exercise, record_rung

    atlas = load_atlas()
    with store.session(learner) as s:
        passes.start_pass(s, T0 - timedelta(days=20))
        focuses.pin_focus(s, atlas, focus, T0 - timedelta(days=20))
        s.execute(update(Pass).values(step=6))  # scoped: this learner's passes only
        s.flush()
        passes.close_pass(s, T0 - timedelta(days=19), f"{focus} went well")
    with store.session(learner) as s:
        focuses.rank_interests(s, atlas, [focus, "time-series"], T0)
        focuses.pin_focus(s, atlas, focus, T0)
        for words in gap_texts:
            gaps.add_gap(s, atlas, words, None, T0)
        references.add_reference(s, "tkipf/pygcn", None, T0)
        notes.add_note(s, f"a pattern of {focus}", "pattern", T0)
        record_exercise(s, exercise="fizzbuzz", passed=True, now=T0)
        record_rung(s, ladder="penguins", rung=1, score=0.9, now=T0)
        marks.mark_topic(s, atlas, next(iter(atlas.topics)), mark, T0)
        s.add(
            JobRecord(
                id=f"job-{learner}",
                kind="baseline",
                title=f"{focus} baseline",
                back="/",
                state="done",
                error_status=500,
                submitted_at=T0,
            )
        )
    with store.session(learner) as s:
        s.execute(update(Pass).values(step=4))
        projects.new_project(
            s,
            atlas,
            title=f"{focus} project",
            days=14,
            now=T0,
            workspace=workspace,
            idea_id="penguin-pipeline",
            directory=workspace / f"project-{learner}",
        )
    with store.session(learner) as s:
        projects.checkin(s, f"{focus}: half-way", T0 + timedelta(days=1))
    with store.session(learner) as s:
        s.execute(update(Pass).values(step=5))
        gaps.keep_gap(s, gaps.list_gaps(s, T0)[0].id, 3, T0 + timedelta(days=1))


def read_loop(store: Store, learner: int) -> dict[str, Any]:
    from learnloop.jobs.records import JobRecord
    from learnloop.loop import gaps, history, marks, passes, projects

    atlas = load_atlas()
    with store.read(learner) as s:
        return {
            "status": passes.status(s, NOW, atlas=atlas),
            "gaps": gaps.list_gaps(s, NOW, include_all=True),
            "project": projects.project_status(s, NOW),
            "history": history.history(s, NOW),
            "marks": marks.marks(s),
            "jobs": [j.title for j in s.scalars(select(JobRecord))],
        }


@pytest.fixture
def two(store: Store, tmp_path: Path) -> tuple[Store, int, int]:
    """The local learner (1) and Ada (2), each with a loop of their own."""
    ada = add_learner(store, "ada")
    build_loop(
        store,
        LOCAL_LEARNER_ID,
        focus="nlp",
        gap_texts=["attention?", "tokens?"],
        mark="done",
        workspace=tmp_path / "ws1",
    )
    build_loop(
        store, ada, focus="computer-vision", gap_texts=["convolutions?"], mark="skipped", workspace=tmp_path / "ws2"
    )
    return store, LOCAL_LEARNER_ID, ada


def test_each_learners_loop_sees_only_their_own_records(two: tuple[Store, int, int]) -> None:
    store, me, ada = two
    mine, hers = read_loop(store, me), read_loop(store, ada)
    assert mine["status"].pass_number == hers["status"].pass_number == 2  # pass numbers count each learner's own
    assert (mine["status"].focus_id, hers["status"].focus_id) == ("nlp", "computer-vision")
    assert mine["status"].step == hers["status"].step == 5
    assert mine["status"].next.kind == hers["status"].next.kind  # the same state, each from their own rows
    assert mine["status"].next.targets["gap"] == next(g.id for g in mine["gaps"] if g.status == "kept")
    assert hers["status"].next.targets["gap"] == next(g.id for g in hers["gaps"] if g.status == "kept")
    assert [g.text for g in mine["gaps"]] == ["attention?", "tokens?"]
    assert [g.text for g in hers["gaps"]] == ["convolutions?"]
    assert mine["status"].today.box_title == "nlp project"
    assert hers["status"].today.box_title == "computer-vision project"
    assert mine["project"].title == "nlp project" and hers["project"].title == "computer-vision project"
    assert [c.text for c in mine["project"].checkins] == ["nlp: half-way"]
    assert [c.text for c in hers["project"].checkins] == ["computer-vision: half-way"]
    assert [h.retro for h in mine["history"]] == ["nlp went well", None]
    assert [h.retro for h in hers["history"]] == ["computer-vision went well", None]
    assert list(mine["marks"].values()) == ["done"] and list(hers["marks"].values()) == ["skipped"]
    assert mine["jobs"] == ["nlp baseline"] and hers["jobs"] == ["computer-vision baseline"]


def test_the_plain_sql_reads_are_scoped_like_the_orm(two: tuple[Store, int, int], settings: Settings) -> None:
    import sqlite3

    from learnloop.atlas.glance import facts_of
    from learnloop.loop import gaps, history, marks, passes, reads
    from learnloop.store.light import SessionRows, SqliteRows

    store, me, ada = two
    atlas = load_atlas()
    facts = facts_of(atlas)
    for learner in (me, ada):
        with store.read(learner) as s:
            rows = SessionRows(s)
            assert rows.learner == learner
            assert reads.status(rows, NOW, facts) == passes.status(s, NOW, atlas=atlas)
            assert reads.list_gaps(rows, NOW, include_all=True) == gaps.list_gaps(s, NOW, include_all=True)
            assert reads.history(rows, NOW) == history.history(s, NOW)
            assert reads.marks(rows) == marks.marks(s)
            if settings.database_url is None:  # the same SQL through sqlite3, as the light path runs it
                connection = sqlite3.connect(settings.database_path)
                try:
                    plain = SqliteRows(connection, learner=learner)
                    assert reads.status(plain, NOW, facts) == passes.status(s, NOW, atlas=atlas)
                    assert reads.history(plain, NOW) == history.history(s, NOW)
                finally:
                    connection.close()


def test_writes_land_with_their_learner(two: tuple[Store, int, int]) -> None:
    from learnloop.loop import gaps, reads
    from learnloop.store.light import SessionRows

    store, me, ada = two
    with store.session(ada) as s:
        reads.add_gap(SessionRows(s), "through the plain SQL", None, NOW)
        gaps.add_gap(s, load_atlas(), "through the ORM", None, NOW)
    with store.across_learners() as s:
        owners = dict(s.execute(select(Gap.text, Gap.learner_id)).all())  # unscoped: every learner's gaps
        events = s.execute(text("SELECT learner_id, count(*) FROM events GROUP BY learner_id ORDER BY 1")).all()
    assert owners == {
        "attention?": me,
        "tokens?": me,
        "convolutions?": ada,
        "through the plain SQL": ada,
        "through the ORM": ada,
    }
    assert [learner for learner, _ in events] == [me, ada]
    with store.across_learners() as s:
        for table in (
            "passes",
            "events",
            "gaps",
            "projects",
            "checkins",
            "practice",
            "notes",
            "interests",
            "topic_marks",
            "reference_projects",
            "jobs",
        ):
            found = s.execute(text(f"SELECT DISTINCT learner_id FROM {table} ORDER BY 1")).scalars().all()
            assert found == [me, ada], table


def test_a_record_of_another_learner_is_refused_at_flush(two: tuple[Store, int, int]) -> None:
    store, me, ada = two

    def mine(model: type[Any]) -> Any:
        with store.across_learners() as s:
            found = s.scalars(select(model).where(model.learner_id == me).order_by(model.id)).first()
        assert found is not None
        return found

    my_gap, my_pass = mine(Gap), mine(Pass)
    with store.read(ada) as s:
        assert s.get(Gap, my_gap.id) is None  # another learner's id is not found
        assert s.scalars(select(Gap).where(Gap.id == my_gap.id)).first() is None
    with pytest.raises(OtherLearnersRecord), store.session(ada) as s:
        s.add(Gap(learner_id=me, pass_id=my_pass.id, text="planted", status="open", created_at=NOW))
    with pytest.raises(OtherLearnersRecord), store.session(ada) as s:
        gap = mine(Gap)
        s.add(gap)
        gap.text = "changed by Ada"
    with pytest.raises(OtherLearnersRecord), store.session(ada) as s:
        s.delete(s.merge(mine(Gap), load=False))
    with pytest.raises(OtherLearnersRecord), store.session(ada) as s:
        mine = s.scalars(select(Gap)).first()
        assert mine is not None
        mine.learner_id = me  # giving one's record away is refused too
    with pytest.raises(OtherLearnersRecord), store.across_learners() as s:
        s.add(Gap(pass_id=my_pass.id, text="no owner", status="open", created_at=NOW))  # across: name the owner
    with store.read(me) as s:
        assert s.get(Gap, my_gap.id).text == "attention?"  # type: ignore[union-attr]
        assert s.scalar(select(Gap).where(Gap.text == "planted")) is None


def test_orm_updates_and_deletes_touch_only_the_sessions_learner(two: tuple[Store, int, int]) -> None:
    store, me, ada = two
    with store.session(ada) as s:
        s.execute(update(Gap).values(text="renamed"))
        s.execute(delete(Interest))
        s.execute(delete(TopicMark))
    with store.read(me) as s:
        assert sorted(s.scalars(select(Gap.text))) == ["attention?", "tokens?"]
        assert len(s.scalars(select(Interest)).all()) == 2
        assert len(s.scalars(select(TopicMark)).all()) == 1
    with store.read(ada) as s:
        assert s.scalars(select(Gap.text)).all() == ["renamed"]
        assert s.scalars(select(Interest)).all() == [] and s.scalars(select(TopicMark)).all() == []


def _without_targets(value: Any) -> Any:
    """A status with the ids its actions point at left out (the same loop under other ids)."""
    if isinstance(value, dict):
        return {k: _without_targets(v) for k, v in value.items() if k != "targets"}
    if isinstance(value, list | tuple):
        return [_without_targets(v) for v in value]
    return value


def _without_ids(data: dict[str, Any]) -> dict[str, Any]:
    refs = ("id", "pass_id", "project_id")
    return {
        name: [{k: v for k, v in row.items() if k not in refs} for row in rows] for name, rows in data["tables"].items()
    }


def test_an_export_has_one_learners_rows_and_an_import_lands_in_the_importer(two: tuple[Store, int, int]) -> None:
    from learnloop.store.transfer import HomeNotEmpty, export_data, import_data

    store, me, ada = two
    with store.read(me) as s:
        mine = export_data(s)
    with store.read(ada) as s:
        hers = export_data(s)
    assert "learner_id" not in json.dumps(mine) and "learner_id" not in json.dumps(hers)
    assert [g["text"] for g in mine["tables"]["gaps"]] == ["attention?", "tokens?"]
    assert [g["text"] for g in hers["tables"]["gaps"]] == ["convolutions?"]
    for name, rows in mine["tables"].items():
        assert rows and hers["tables"][name], name  # both have rows in every table
        ids = {r.get("id") for r in rows} - {None}
        assert not ids & ({r.get("id") for r in hers["tables"][name]} - {None}), name

    grace = add_learner(store, "grace")
    with store.session(grace) as s:
        counts = import_data(s, mine)
    assert counts["gaps"] == 2
    with store.read(grace) as s:
        graces = export_data(s)
    assert _without_ids(graces) == _without_ids(mine)  # the same records, under ids of their own
    theirs, original = read_loop(store, grace), read_loop(store, me)
    assert [g.text for g in theirs["gaps"]] == [g.text for g in original["gaps"]]
    assert _without_targets(theirs["status"].model_dump()) == _without_targets(original["status"].model_dump())
    with store.read(me) as s:
        assert export_data(s) == mine  # the exporter's records are untouched
    with pytest.raises(HomeNotEmpty), store.session(grace) as s:
        import_data(s, hers)  # into a learner who has records: refused, never merged


def test_deleting_one_learners_records_leaves_the_others(two: tuple[Store, int, int]) -> None:
    from learnloop.store.transfer import delete_learner_records, export_data

    store, me, ada = two
    with store.read(ada) as s:
        before = export_data(s)
    with store.session(me) as s:
        counts = delete_learner_records(s, me)
    assert counts["gaps"] == 2 and counts["jobs"] == 1 and counts["passes"] == 2
    with store.across_learners() as s:
        for table in (
            "passes",
            "events",
            "gaps",
            "projects",
            "checkins",
            "practice",
            "notes",
            "interests",
            "topic_marks",
            "reference_projects",
            "jobs",
        ):
            assert s.execute(text(f"SELECT count(*) FROM {table} WHERE learner_id = {me}")).scalar() == 0, table
        assert s.get(Learner, me) is not None  # the account is the classroom's to remove
    with store.read(ada) as s:
        assert export_data(s) == before
    assert read_loop(store, me)["status"].started is False
    with pytest.raises(RuntimeError), store.session(ada) as s:
        delete_learner_records(s, me)  # one learner's session cannot delete another's records


def test_pass_numbers_are_unique_per_learner_not_per_database(two: tuple[Store, int, int]) -> None:
    from learnloop.errors import UserError

    store, me, ada = two
    with pytest.raises(UserError, match="breaks a rule"), store.session(ada) as s:
        s.add(Pass(number=2, started_at=NOW, step=0, step_started_at=NOW))  # Ada's pass 2 exists
    with store.across_learners() as s:
        numbers = s.execute(select(Pass.learner_id, Pass.number).order_by(Pass.learner_id, Pass.number)).all()
    assert [tuple(n) for n in numbers] == [(me, 1), (me, 2), (ada, 1), (ada, 2)]


def test_replacing_a_learners_records_in_one_transaction_is_idempotent(two: tuple[Store, int, int]) -> None:
    """What a sync does on the server: delete the learner's records and load their snapshot, in one transaction;
    sending the same snapshot again changes nothing, and the other learner is never touched."""
    from learnloop.store.transfer import delete_learner_records, export_data, import_data

    store, me, ada = two
    with store.read(me) as s:
        snapshot = export_data(s)
    with store.read(ada) as s:
        hers = export_data(s)
    results = []
    for _ in range(2):
        with store.session(ada) as s:
            delete_learner_records(s, ada)
            import_data(s, snapshot)
        with store.read(ada) as s:
            results.append(export_data(s))
    assert _without_ids(results[0]) == _without_ids(results[1]) == _without_ids(snapshot)
    with store.across_learners() as s:  # each replace puts the ids right after the highest: they never run away
        highest = s.execute(text("SELECT max(id), count(*) FROM events")).one()
    assert highest[0] <= 3 * highest[1]
    assert _without_ids(results[0]) != _without_ids(hers)
    with store.read(me) as s:
        assert export_data(s) == snapshot


def test_the_laptop_cli_is_the_local_learner_in_a_shared_database(cli: Any, tmp_path: Path) -> None:
    """The CLI (light path and full store alike) shows, exports and writes the local learner's records only."""
    from learnloop.config import resolve_settings
    from learnloop.loop import gaps, passes

    settings = resolve_settings()
    store = open_store(settings)
    try:
        ada = add_learner(store, "ada")
        with store.session(ada) as s:
            passes.start_pass(s, T0)
            gaps.add_gap(s, load_atlas(), "Ada's own gap", None, T0)
    finally:
        store.dispose()
    assert cli("start").exit_code == 0
    assert cli("gap add 'my gap'").exit_code == 0
    listed = json.loads(cli("gap list --all --json").stdout)
    assert [g["text"] for g in listed] == ["my gap"]
    shown = cli("history --json")
    assert shown.exit_code == 0 and "Ada" not in shown.stdout
    exported = cli(f"export {tmp_path / 'me.json'}")
    assert exported.exit_code == 0, exported.output
    data = json.loads((tmp_path / "me.json").read_text(encoding="utf-8"))
    assert [g["text"] for g in data["tables"]["gaps"]] == ["my gap"] and len(data["tables"]["passes"]) == 1
    store = open_store(settings)
    try:
        with store.read(ada) as s:
            assert [g.text for g in gaps.list_gaps(s, NOW, include_all=True)] == ["Ada's own gap"]
    finally:
        store.dispose()


def test_a_relationship_load_is_scoped_too(two: tuple[Store, int, int]) -> None:
    """A child row that points at another learner's parent (only a bug could write one) stays out of sight."""
    from learnloop.store.models import Event

    store, me, ada = two
    with store.across_learners() as s:
        my_pass = s.scalars(select(Pass).where(Pass.learner_id == me).order_by(Pass.number.desc())).first()
        assert my_pass is not None
        s.add(Event(learner_id=ada, pass_id=my_pass.id, at=NOW, kind="planted"))
    with store.read(me) as s:
        loaded = s.get(Pass, my_pass.id)
        assert loaded is not None
        assert "planted" not in [e.kind for e in loaded.events] and loaded.events
    with store.read(me) as s:  # through a join, and the relationship of a row loaded by a query
        events = s.scalars(select(Event).join(Pass).where(Pass.id == my_pass.id)).all()
        assert events and "planted" not in [e.kind for e in events]
        current = s.scalars(select(Pass).order_by(Pass.number.desc())).first()
        assert current is not None and "planted" not in [e.kind for e in current.events]
