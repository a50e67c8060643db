"""Step 4 in detail: the no-data check, the scaffold, the calendar, and the time box."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from learnloop.atlas.load import load_atlas
from learnloop.config import Settings
from learnloop.errors import UserError
from learnloop.loop import projects, scaffold
from learnloop.loop.calendar import project_calendar
from learnloop.loop.passes import advance, start_pass
from learnloop.store.db import open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def at_step_four(tmp_path: Path):
    store = open_store(Settings(home=tmp_path / "home"))
    with store.session() as s:
        start_pass(s, NOW)
    with store.session() as s:
        s.execute(__import__("sqlalchemy").text("UPDATE passes SET step = 4, focus_id = 'tabular-prediction'"))
    yield store
    store.dispose()


def test_no_data_no_project() -> None:
    atlas = load_atlas()
    with pytest.raises(UserError, match="no data, no project"):
        projects.plan_data(atlas, None, None, None)
    with pytest.raises(UserError, match="why"):
        projects.plan_data(atlas, None, None, "  ")
    with pytest.raises(UserError, match="not both"):
        projects.plan_data(atlas, "iris", None, "later")
    assert projects.plan_data(atlas, None, None, "collecting it this week").kind == "none"
    assert projects.plan_data(atlas, "penguins", None, None).kind == "dataset"


def test_an_idea_brings_its_data_set(at_step_four, tmp_path: Path) -> None:
    atlas = load_atlas()
    focus = atlas.focuses["tabular-prediction"]
    idea = next(i for i in focus.ideas if atlas.datasets[i.dataset].form == "table")
    with at_step_four.session() as s:
        view = projects.new_project(
            s, atlas, title="Penguin species", days=10, now=NOW, workspace=tmp_path / "ws", idea_id=idea.id
        )
    folder = Path(view.directory or "")
    assert folder.parent == tmp_path / "ws" / "projects"
    data_file = folder / "data" / f"{idea.dataset}.csv"
    import pandas as pd

    frame = pd.read_csv(data_file)
    assert len(frame) == atlas.datasets[idea.dataset].rows
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert idea.summary.split()[0] in readme and "2026-12-05" in readme
    notebook = json.loads((folder / "notebooks" / "01-explore.ipynb").read_text(encoding="utf-8"))
    assert f"{idea.dataset}.csv" in "".join(notebook["cells"][1]["source"])


def test_no_data_yet_leaves_a_note_in_data(at_step_four, tmp_path: Path) -> None:
    with at_step_four.session() as s:
        view = projects.new_project(
            s,
            load_atlas(),
            title="Sensor drift",
            days=7,
            now=NOW,
            workspace=tmp_path,
            no_data_reason="the logger arrives Monday",
        )
    assert view.no_data_reason == "the logger arrives Monday"
    assert "No data yet" in (Path(view.directory or "") / "data" / "README.md").read_text(encoding="utf-8")


def test_a_non_empty_folder_is_refused_and_nothing_is_written(at_step_four, tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"), at_step_four.session() as s:
        projects.new_project(
            s, load_atlas(), title="X", days=7, now=NOW, workspace=tmp_path, data="iris", directory=target
        )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    with at_step_four.read() as s:
        assert projects.project_status(s, NOW) is None


def test_a_failed_scaffold_removes_the_folder_and_the_record(
    at_step_four, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_git(directory: Path) -> bool:
        raise OSError("disk full")

    monkeypatch.setattr(scaffold, "_git_init", broken_git)
    target = tmp_path / "doomed"
    with pytest.raises(OSError), at_step_four.session() as s:
        projects.new_project(
            s, load_atlas(), title="X", days=7, now=NOW, workspace=tmp_path, data="iris", directory=target
        )
    assert not target.exists()
    with at_step_four.read() as s:
        assert projects.project_status(s, NOW) is None


def test_without_git_the_scaffold_still_works(at_step_four, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold.shutil, "which", lambda name: None)
    with at_step_four.session() as s:
        view = projects.new_project(s, load_atlas(), title="No git", days=7, now=NOW, workspace=tmp_path, data="wine")
    folder = Path(view.directory or "")
    assert (folder / "README.md").exists() and not (folder / ".git").exists()


def test_projects_belong_to_step_four(tmp_path: Path) -> None:
    store = open_store(Settings(home=tmp_path))
    with store.session() as s:
        start_pass(s, NOW)
    with pytest.raises(UserError, match="step 4"), store.session() as s:
        projects.new_project(s, load_atlas(), title="Early", days=7, now=NOW, workspace=tmp_path, data="iris")
    store.dispose()


def test_extensions_move_the_deadline_and_are_counted(at_step_four, tmp_path: Path) -> None:
    with at_step_four.session() as s:
        projects.new_project(s, load_atlas(), title="Boxed", days=20, now=NOW, workspace=tmp_path, data="iris")
    with at_step_four.session() as s:
        view = projects.extend(s, 11, "needed a second model", NOW + timedelta(days=5))
    assert view.days == 31 and view.extensions == 1
    with pytest.raises(UserError, match="31 days at most"), at_step_four.session() as s:
        projects.extend(s, 1, "one more", NOW)
    with pytest.raises(UserError, match="why"), at_step_four.session() as s:
        projects.extend(s, 1, " ", NOW)


def test_calendar_is_rfc5545() -> None:
    from icalendar import Calendar

    raw = project_calendar(
        project_id=7, title="Spam filter", started=NOW.date(), deadline=(NOW + timedelta(days=14)).date(), now=NOW
    )
    assert raw.startswith(b"BEGIN:VCALENDAR") and b"\r\n" in raw
    cal = Calendar.from_ical(raw)
    assert str(cal["PRODID"]).startswith("-//learnloop")
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert len(uids) == 2
    for event in cal.walk("VEVENT"):
        assert event.get("DTSTAMP") is not None
        assert event.walk("VALARM")
    checkin = next(e for e in cal.walk("VEVENT") if "check-in" in str(e["SUMMARY"]))
    assert checkin.decoded("DTSTART") == (NOW + timedelta(days=7)).date()


def test_calendar_download_for_the_web(at_step_four, tmp_path: Path) -> None:
    with at_step_four.session() as s:
        projects.new_project(s, load_atlas(), title="Spam filter!", days=14, now=NOW, workspace=tmp_path, data="iris")
    with at_step_four.read() as s:
        name, data = projects.calendar_for(s, NOW)
    assert name == "spam-filter-deadline.ics" and data.startswith(b"BEGIN:VCALENDAR")


def test_advance_needs_a_done_project(at_step_four, tmp_path: Path) -> None:
    from learnloop.errors import StepNotSatisfied

    with pytest.raises(StepNotSatisfied, match="start a project"), at_step_four.session() as s:
        advance(s, NOW)
    with at_step_four.session() as s:
        projects.new_project(s, load_atlas(), title="Done soon", days=7, now=NOW, workspace=tmp_path, data="iris")
    with at_step_four.session() as s:
        projects.finish(s, "it works", NOW + timedelta(days=2))
    with at_step_four.session() as s:
        assert advance(s, NOW + timedelta(days=2)).to_step == 5


def test_cli_project_status_and_ics(cli: Callable[..., object], tmp_path: Path) -> None:
    result = cli("project status")
    assert result.exit_code == 0 and "No project" in result.stdout
    assert cli("project ics").exit_code == 2
