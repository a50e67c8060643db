"""Import goes through typed models: a mutated export is either refused in one line with the home
unchanged, or imported into a home where every everyday command and the web home page work."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from learnloop.config import Settings
from learnloop.store.db import open_store
from learnloop.store.rows import NOTE_KINDS, ROW_MODELS, RowError, check_tables, parse_row
from learnloop.store.transfer import export_data, validate_export

SAMPLE = Path(__file__).parent / "data" / "two-passes.json"
NOW = "2026-11-25T09:00:00+00:00"
READ_COMMANDS = [
    [],
    ["history"],
    ["history", "--json"],
    ["next"],
    ["notes"],
    ["project", "status"],
    ["gap", "list"],
    ["reference", "list"],
]

HOSTILE: list[Any] = [
    "four",
    "",
    " ",
    "x" * 10_000,
    "\ud800",
    "\u202eevil",
    "🧠",
    "opinion",
    "2026-13-45",
    "1969-07-20T20:17:00+00:00",
    "2026-11-02T09:00:00",
    "3026-01-01T00:00:00+00:00",
    "2026-11-02",
    99,
    -1,
    0,
    7,
    31,
    32,
    10**23,
    2**63,
    2**63 - 1,
    3.7,
    1e308,
    True,
    False,
    None,
    [],
    {},
    [1],
    {"a": 1},
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("template")
    open_store(Settings(home=home)).dispose()
    return home / "learnloop.db"


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


def _empty_export(db_file: Path) -> dict[str, Any]:
    store = open_store(Settings(home=db_file.parent))
    try:
        with store.read() as s:
            return export_data(s)
    finally:
        store.dispose()


@st.composite
def mutations(draw: st.DrawFn, base: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    data = copy.deepcopy(base)
    tables = data["tables"]
    kind = draw(
        st.sampled_from(
            [
                "value",
                "value",
                "value",
                "drop-field",
                "extra-field",
                "duplicate-row",
                "two-open-passes",
                "two-active-projects",
                "dangling-reference",
                "drop-table-rows",
                "not-a-row",
                "not-a-list",
                "valid-step",
                "valid-status",
                "valid-moment",
                "valid-moment",
                "valid-text",
                "drop-row",
            ]
        )
    )
    name = draw(st.sampled_from(sorted(t for t, rows in tables.items() if rows)))
    rows = tables[name]
    index = draw(st.integers(0, len(rows) - 1))
    row = rows[index]
    field = draw(st.sampled_from(sorted(row)))
    label = f"{kind} {name}[{index}].{field}"
    if kind == "value":
        value = draw(st.sampled_from(HOSTILE) | st.integers() | st.text(max_size=30) | st.floats(allow_nan=False))
        row[field] = value
        label += f" = {value!r:.60}"
    elif kind == "drop-field":
        del row[field]
    elif kind == "extra-field":
        row[draw(st.sampled_from(["extra", "owner", "ID"]))] = 1
    elif kind == "duplicate-row":
        rows.append(copy.deepcopy(row))
    elif kind == "two-open-passes":
        for p in tables["passes"]:
            p["closed_at"] = None
    elif kind == "two-active-projects":
        for p in tables["projects"]:
            p["status"] = "active"
    elif kind == "dangling-reference":
        key = "project_id" if name == "checkins" else "pass_id"
        if key in row:
            row[key] = draw(st.sampled_from([999, 0, -5, 10**23]))
    elif kind == "drop-table-rows":
        tables[name] = []
    elif kind == "not-a-row":
        rows[index] = draw(st.sampled_from([None, 1, "row", [1, 2]]))
    elif kind == "not-a-list":
        tables[name] = draw(st.sampled_from([None, {}, "rows", 3]))
    elif kind == "valid-step":  # states the loop may never have made, but the models accept
        for p in tables["passes"]:
            p["step"] = draw(st.integers(0, 6))
    elif kind == "valid-status":
        for p in tables["projects"]:
            p["status"] = draw(st.sampled_from(["done", "dropped"]))
        for g in tables["gaps"]:
            g["status"] = draw(st.sampled_from(["open", "set_aside", "done", "dropped"]))
    elif kind == "valid-moment":
        moments = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2999, 12, 30), timezones=st.just(UTC))
        for key in [k for k in row if k.endswith("_at") or k == "at"]:
            if row[key] is not None or draw(st.booleans()):
                row[key] = draw(moments).isoformat()
        if "deadline" in row:
            row["deadline"] = draw(moments).date().isoformat()
        label += f" = {row!r:.200}"
    elif kind == "valid-text":
        for key, value in list(row.items()):
            if isinstance(value, str) and not key.endswith("_at") and key not in ("at", "deadline", "kind", "status"):
                row[key] = draw(st.text(min_size=1, max_size=50))
    elif kind == "drop-row":
        del rows[index]
    return label, data


def _one_line_error(run: Any, label: str, args: list[str]) -> None:
    assert run.exit_code == 2, (label, args, run.output)
    assert run.stderr.startswith("error:") and run.stderr.count("\n") == 1, (label, args, run.stderr)
    assert "damaged" not in run.stderr, (label, run.stderr)


@pytest.fixture
def cli_in() -> Callable[..., Any]:
    from learnloop.cli import app

    runner = CliRunner()

    def invoke(home: Path, args: list[str]) -> Any:
        return runner.invoke(
            app, ["--home", str(home), *args], env={"LEARNLOOP_NOW": NOW}, catch_exceptions=False, prog_name="learnloop"
        )

    return invoke


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_a_mutated_export_is_refused_cleanly_or_works_everywhere(
    data: st.DataObject, template: Path, sample: dict[str, Any], tmp_path: Path, cli_in: Callable[..., Any]
) -> None:
    label, mutated = data.draw(mutations(sample))
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    home = root / "home"
    home.mkdir()
    shutil.copy(template, home / "learnloop.db")
    file = root / "export.json"
    file.write_text(json.dumps(mutated, ensure_ascii=True), encoding="utf-8")
    before = _empty_export(home / "learnloop.db")

    run = cli_in(home, ["import", str(file)])
    event("refused" if run.exit_code else "imported")
    if run.exit_code != 0:
        _one_line_error(run, label, ["import"])
        assert _empty_export(home / "learnloop.db") == before, f"{label}: a refused import changed the home"
        return
    for args in READ_COMMANDS:
        result = cli_in(home, args)
        if result.exit_code != 0:
            _one_line_error(result, label, args)
    from fastapi.testclient import TestClient

    from learnloop.web.app import create_app

    with TestClient(
        create_app(Settings(home=home)), base_url="http://127.0.0.1", raise_server_exceptions=False
    ) as client:
        for page in ("/", "/history", "/gaps"):
            response = client.get(page)
            assert response.status_code == 200, (label, page, response.status_code)


def _refusal(data: dict[str, Any]) -> str:
    with pytest.raises(RowError) as caught:
        validate_export(data)
    return str(caught.value)


def test_the_issue_s_bad_files_are_refused_naming_table_row_and_field(sample: dict[str, Any]) -> None:
    def with_(table: str, index: int, **changes: Any) -> dict[str, Any]:
        data = copy.deepcopy(sample)
        data["tables"][table][index].update(changes)
        return data

    assert _refusal(with_("passes", 1, step="four")) == (
        "table passes, row 2, field step: input should be a valid integer"
    )
    assert "field step" in _refusal(with_("passes", 1, step=99))
    assert "field kind" in _refusal(with_("notes", 0, kind="opinion"))
    assert "field days" in _refusal(with_("projects", 1, days=3.7))
    assert "field id" in _refusal(with_("gaps", 0, id=10**23))
    assert "field text" in _refusal(with_("gaps", 0, text="\ud800"))
    two_open = copy.deepcopy(sample)
    two_open["tables"]["passes"][0]["closed_at"] = None
    assert "only the latest pass can be open" in _refusal(two_open)
    two_active = copy.deepcopy(sample)
    two_active["tables"]["projects"][0]["status"] = "active"
    assert "second active project" in _refusal(two_active)
    dangling = with_("checkins", 0, project_id=42)
    assert _refusal(dangling) == "table checkins, row 1, field project_id: no project has id 42"


def test_a_valid_export_passes_and_the_models_match_the_tables(sample: dict[str, Any]) -> None:
    from learnloop.loop.marks import MARKS
    from learnloop.loop.rules import NOTE_KINDS as LOOP_NOTE_KINDS
    from learnloop.store.models import PEOPLE_TABLES, Base
    from learnloop.store.rows import TopicMarkRow

    validate_export(sample)
    assert NOTE_KINDS == LOOP_NOTE_KINDS
    assert set(TopicMarkRow.model_fields["mark"].annotation.__args__) == set(MARKS)
    for table in (t for t in Base.metadata.sorted_tables if t.name not in PEOPLE_TABLES):
        assert set(ROW_MODELS[table.name].model_fields) == set(table.columns.keys()) - {"learner_id"}, table.name
    parsed = {name: [parse_row(name, i, r) for i, r in enumerate(rows)] for name, rows in sample["tables"].items()}
    check_tables(parsed)


@pytest.mark.parametrize(
    "content, needle",
    [
        (b'{"format": "learnloop-export", "version": 1, "tables": {"practice": [{"score": NaN}]}}', "NaN"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
        (b'{"format": "learnloop-export", "version": ' + b"9" * 5000 + b"}", "not a learnloop export"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b'{"format": "learnloop-export", "version": 1e400, "tables": {}}', "export format version"),
    ],
)
def test_hostile_files_are_one_line(tmp_path: Path, cli_in: Callable[..., Any], content: bytes, needle: str) -> None:
    file = tmp_path / "hostile.json"
    file.write_bytes(content)
    run = cli_in(tmp_path / "home", ["import", str(file)])
    _one_line_error(run, needle, ["import"])
    assert needle in run.stderr


def test_import_of_a_fifo_or_folder_is_refused_without_reading(tmp_path: Path, cli_in: Callable[..., Any]) -> None:
    import os

    os.mkfifo(tmp_path / "pipe")
    for target in (tmp_path / "pipe", tmp_path):
        run = cli_in(tmp_path / "home", ["import", str(target)])
        _one_line_error(run, "fifo/folder", ["import"])
        assert "not a regular file" in run.stderr
