"""The counting and wording bugs seen in release 0.1.0, each pinned by a test."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from learnloop.config import resolve_settings
from learnloop.loop.passes import current_pass, pass_view
from learnloop.loop.practice import record_exercise
from learnloop.store.db import open_store

DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _step(step: int) -> None:
    store = open_store(resolve_settings())
    with store.session() as s:
        s.execute(text(f"UPDATE passes SET step = {step}, focus_id = 'tabular-prediction'"))
    store.dispose()


def _at(cli: Callable[..., object], day: int, args: str | list[str]) -> object:
    return cli(args, env={"LEARNLOOP_NOW": (DAY0 + timedelta(days=day)).isoformat(), "LEARNLOOP_TZ": "UTC"})


def test_an_exercise_checked_again_counts_once(cli: Callable[..., object]) -> None:
    assert cli("start").exit_code == 0  # type: ignore[attr-defined]
    store = open_store(resolve_settings())
    with store.session() as s:
        for name in ("fizzbuzz", "word-count", "fizzbuzz", "primes", "fizzbuzz"):
            record_exercise(s, exercise=name, passed=True, now=DAY0)
    with store.read() as s:
        assert pass_view(s, current_pass(s)).exercises_passed == 3  # type: ignore[arg-type]
    store.dispose()
    _step(2)
    assert "3 exercise(s) passed" in cli([]).stdout  # type: ignore[attr-defined]


def test_the_gap_list_never_puts_rank_and_id_side_by_side(cli: Callable[..., object]) -> None:
    cli("start")
    for words in ("attention", "tokenisers"):
        assert cli(["gap", "add", words]).exit_code == 0  # type: ignore[attr-defined]
    listed = cli("gap rank --order 2,1").stdout  # type: ignore[attr-defined]
    assert "#1 gap 2: tokenisers" in listed and "#2 gap 1: attention" in listed
    assert "#1 2" not in listed


def test_an_extension_that_leaves_the_project_overdue_warns(cli: Callable[..., object], tmp_path: Path) -> None:
    _at(cli, 0, "start")
    _step(4)
    made = _at(cli, 0, f"project new Penguins --days 7 --data penguins --dir {tmp_path / 'p'}")
    assert made.exit_code == 0, made.output  # type: ignore[attr-defined]
    late = _at(cli, 12, ["project", "extend", "--days", "2", "--reason", "exams"])
    assert late.exit_code == 0 and "still overdue by 3 day(s)" in late.stdout  # type: ignore[attr-defined]
    fine = _at(cli, 12, ["project", "extend", "--days", "5", "--reason", "more exams"])
    assert "still overdue" not in fine.stdout  # type: ignore[attr-defined]


def test_finishing_late_is_recorded_as_a_slow_down(cli: Callable[..., object], tmp_path: Path) -> None:
    _at(cli, 0, "start")
    _step(4)
    _at(cli, 0, f"project new Penguins --days 7 --data penguins --dir {tmp_path / 'p'}")
    assert _at(cli, 10, ["project", "done", "--summary", "a forest"]).exit_code == 0  # type: ignore[attr-defined]
    rows = json.loads(_at(cli, 10, "history --json").stdout)  # type: ignore[attr-defined]
    (late,) = rows[0]["slow_downs"]
    assert late["kind"] == "late" and late["reason"] == "3 day(s) after the deadline"


def test_errors_name_the_flag_on_the_cli_and_the_field_in_the_value(cli: Callable[..., object], tmp_path: Path) -> None:
    from learnloop.errors import UserError
    from learnloop.loop import rules

    try:
        rules.check_skip(rules.PassView(number=1, step=2), " ")
    except UserError as exc:
        assert exc.field == "reason" and "--" not in exc.message
    cli("start")
    _step(2)
    refused = cli(["next", "--skip", "--reason", " "])
    assert refused.exit_code == 2 and "say why you skip this step (--reason TEXT)" in refused.stderr  # type: ignore[attr-defined]
    _step(4)
    no_data = cli("project new Penguins --days 7")
    assert no_data.exit_code == 2 and "--data" in no_data.stderr  # type: ignore[attr-defined]
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("mine")
    taken = cli(f"project new Penguins --days 7 --data penguins --dir {busy}")
    assert taken.exit_code == 2 and "(--dir PATH)" in taken.stderr  # type: ignore[attr-defined]


def test_no_feature_package_names_a_flag_or_a_command() -> None:
    """Outside cli/ and web/, a message names fields, not flags or command lines (scaffold READMEs aside)."""
    import re

    import learnloop

    root = Path(learnloop.__file__).parent / "loop"
    offenders = []
    for path in root.glob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            raising = "UserError(" in line or "needing(" in line
            if raising and re.search(r"--[a-z]|`learnloop |learnloop [a-z]+ ", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
