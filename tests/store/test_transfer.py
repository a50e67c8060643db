"""Export → import → export gives the same file; imports refuse to merge and reject bad files."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnloop.config import Settings
from learnloop.errors import UserError
from learnloop.store.db import open_store
from learnloop.store.models import Checkin, Event, Gap, Interest, Note, Pass, Practice, Project, Reference
from learnloop.store.transfer import export_data, export_to, import_data, read_export

BASE = datetime(2026, 1, 1, tzinfo=UTC)
texts = st.text(min_size=1, max_size=40)
moments = st.integers(0, 10**7).map(lambda s: BASE + timedelta(seconds=s, microseconds=s % 997))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("template")
    open_store(Settings(home=home)).dispose()
    return home / "learnloop.db"


def _fresh(template: Path, root: Path, name: str) -> Settings:
    home = root / name
    home.mkdir(parents=True)
    shutil.copy(template, home / "learnloop.db")
    return Settings(home=home)


days_ = st.dates(min_value=datetime(1970, 1, 2).date(), max_value=datetime(2999, 12, 30).date())


@st.composite
def learner_records(draw: st.DrawFn) -> list[object]:
    """A valid learner's records: earlier passes closed, at most one active project (in the open pass),
    at most one kept gap per pass (with its days and deadline)."""
    records: list[object] = []
    n_passes = draw(st.integers(1, 3))
    last_open = draw(st.booleans())
    for number in range(1, n_passes + 1):
        start = draw(moments)
        is_open = number == n_passes and last_open
        records.append(
            Pass(
                id=number,
                number=number,
                started_at=start,
                step=draw(st.integers(0, 6)),
                step_started_at=start + timedelta(seconds=draw(st.integers(0, 10**6))),
                focus_id=draw(st.none() | st.sampled_from(["nlp", "time-series"])),
                closed_at=None if is_open else start + timedelta(seconds=draw(st.integers(0, 10**7))),
                retro=draw(st.none() | texts),
            )
        )
        for _ in range(draw(st.integers(0, 3))):
            records.append(
                Event(
                    pass_id=number,
                    at=draw(moments),
                    kind=draw(st.sampled_from(["skip", "extend"])),
                    step=draw(st.integers(0, 6)),
                    subject=draw(st.none() | texts),
                    reason=draw(st.none() | texts),
                )
            )
        for _ in range(draw(st.integers(0, 3))):
            records.append(
                Note(
                    pass_id=number,
                    kind=draw(st.sampled_from(["pattern", "understood", "unclear"])),
                    text=draw(texts),
                    added_at=draw(moments),
                )
            )
        kept = False
        for _ in range(draw(st.integers(0, 3))):
            status = draw(st.sampled_from(["open", "set_aside", "done"] + ([] if kept else ["kept"])))
            kept = kept or status == "kept"
            records.append(
                Gap(
                    pass_id=number,
                    text=draw(texts),
                    topic_id=draw(st.none() | st.just("svm")),
                    rank=draw(st.none() | st.integers(1, 9)),
                    status=status,
                    created_at=draw(moments),
                    days=draw(st.integers(1, 7)) if status == "kept" else None,
                    deadline=draw(days_) if status == "kept" else draw(st.none() | days_),
                    learned=draw(st.none() | texts),
                )
            )
        records.append(
            Reference(pass_id=number, source=draw(texts), why=draw(st.none() | texts), added_at=draw(moments))
        )
        records.append(
            Practice(
                pass_id=number,
                kind="rung",
                subject="digits:2",
                score=draw(st.none() | st.floats(0, 1)),
                passed=None,
                at=draw(moments),
            )
        )
    records.append(
        Project(
            id=1,
            pass_id=n_passes,
            title=draw(texts),
            started_at=draw(moments),
            days=draw(st.integers(7, 31)),
            deadline=draw(days_),
            status="active" if last_open else draw(st.sampled_from(["done", "dropped"])),
            directory=None,
        )
    )
    records.append(Checkin(project_id=1, at=draw(moments), text=draw(texts)))
    records.append(Interest(focus_id="nlp", rank=1, ranked_at=draw(moments)))
    return records


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=learner_records())
def test_export_import_export_is_identical(records: list[object], template: Path, tmp_path: Path) -> None:
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    source = open_store(_fresh(template, root, "a"))
    with source.session() as s:
        for r in records:
            s.add(r)
            s.flush()
    with source.read() as s:
        first = export_data(s)
    source.dispose()
    target = open_store(_fresh(template, root, "b"))
    with target.session() as s:
        import_data(s, json.loads(json.dumps(first)))
    with target.read() as s:
        second = export_data(s)
    target.dispose()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert len(first["tables"]["passes"]) >= 1


def test_import_refuses_to_merge_into_a_home_with_data(template: Path, tmp_path: Path) -> None:
    store = open_store(_fresh(template, tmp_path, "full"))
    with store.session() as s:
        s.add(Interest(focus_id="nlp", rank=1, ranked_at=BASE))
    with store.read() as s:
        data = export_data(s)
    with pytest.raises(UserError, match="already has data"), store.session() as s:
        import_data(s, data)
    with store.read() as s:
        assert s.query(Interest).count() == 1
    store.dispose()


def test_file_round_trip_and_bad_files(tmp_path: Path, template: Path) -> None:
    store = open_store(_fresh(template, tmp_path, "x"))
    with store.session() as s:
        s.add(Interest(focus_id="nlp", rank=1, ranked_at=BASE))
    with store.read() as s:
        summary = export_to(s, tmp_path / "out.json")
    assert summary.rows["interests"] == 1
    assert read_export(tmp_path / "out.json")["tables"]["interests"][0]["focus_id"] == "nlp"
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(UserError, match="not JSON"):
        read_export(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(UserError, match="not a learnloop export"):
        read_export(tmp_path / "other.json")
    with pytest.raises(UserError, match="no such file"):
        read_export(tmp_path / "missing.json")
    store.dispose()


def test_import_with_a_bad_row_writes_nothing(tmp_path: Path, template: Path) -> None:
    store = open_store(_fresh(template, tmp_path, "y"))
    data = {
        "format": "learnloop-export",
        "version": 1,
        "tables": {
            "interests": [{"focus_id": "nlp", "rank": 1, "ranked_at": "2026-01-01T00:00:00+00:00"}],
            "passes": [
                {
                    "id": 1,
                    "number": 1,
                    "started_at": "not a date",
                    "step": 0,
                    "step_started_at": "2026-01-01T00:00:00+00:00",
                }
            ],
        },
    }
    with pytest.raises(UserError, match="table passes, row 1, field started_at"), store.session() as s:
        import_data(s, data)
    with store.read() as s:
        assert s.query(Interest).count() == 0
    store.dispose()
