"""`learnloop class ...` as a teacher types it at the server's shell: the first admin with a hidden password
typed twice, teachers, classes, invite codes and rosters; bad input is one line and exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from learnloop.classroom.accounts import authenticate
from learnloop.config import Settings
from learnloop.store.db import open_store

from .conftest import NOW, PG_URL, _fresh_postgres

PASSWORD = "correct horse battery"


def test_init_makes_the_first_admin_from_a_hidden_prompt_typed_twice(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("class init --login root --name 'Ada Admin'", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Admin root created" in result.stdout
    assert PASSWORD not in result.output  # the prompt does not echo it
    assert "SQLite" in result.stderr and "trial class" in result.stderr
    store = open_store(Settings(home=home))
    with store.across_learners() as s:
        admin = authenticate(s, "root", PASSWORD, "127.0.0.1", NOW)
        assert (admin.role, admin.name) == ("admin", "Ada Admin")
    store.dispose()
    again = cli("class init --login root2 --name Other", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 2 and "has an admin already" in again.stderr


def test_init_prompts_for_login_and_name_when_not_given(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("class init --json", input=f"root\nAda\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout[result.stdout.index("{") :])["role"] == "admin"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        (f"{PASSWORD}\nsomething else entirely\n", "the two passwords differ"),
        ("short\n", "at least 10 characters"),
    ],
)
def test_init_refuses_passwords_that_differ_or_are_short_and_creates_nothing(
    cli, home: Path, typed: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    result = cli("class init --login root --name Ada", input=typed)
    assert result.exit_code == 2 and words in result.stderr
    assert "Traceback" not in result.output
    assert not (home / "learnloop.db").exists() or "root" not in (home / "learnloop.db").read_bytes().decode("latin-1")


def test_there_is_no_password_option(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["class", "init", "--login", "root", "--name", "Ada", "--password", PASSWORD])
    assert result.exit_code == 2 and "--password" in result.output


def test_a_teacher_makes_a_class_an_invite_and_imports_a_roster(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("class teacher turing --name 'Alan Turing'", input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    made = cli("class create 'ML 101' --teacher turing --json")
    assert made.exit_code == 0, made.output
    class_id = json.loads(made.stdout)["id"]
    code = cli(f"class invite {class_id} --teacher turing --days 3")
    assert code.exit_code == 0 and re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code.stdout)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nAda,ada@example.org\nBob,bob@example.org\n", encoding="utf-8")
    done = cli(["class", "roster", str(class_id), str(roster), "--teacher", "turing"])
    assert done.exit_code == 0 and "2 student(s) added" in done.stdout
    listed = json.loads(cli("class list --teacher turing --json").stdout)
    assert [(c["name"], c["students"]) for c in listed] == [("ML 101", 2)]
    # a roster with a bad row: one line naming it, exit 2, nothing added
    roster.write_text("name,email\nCarl,carl@example.org\n,dan@example.org\n", encoding="utf-8")
    bad = cli(["class", "roster", str(class_id), str(roster), "--teacher", "turing"])
    assert bad.exit_code == 2 and "line 3: no name" in bad.stderr
    assert json.loads(cli("class list --teacher turing --json").stdout)[0]["students"] == 2
    # another teacher's class is not found, the same as one that does not exist
    assert cli("class teacher hopper --name Grace", input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    for other in (f"class invite {class_id} --teacher hopper", "class invite 999 --teacher turing"):
        refused = cli(other)
        assert refused.exit_code == 2 and "no class called" in refused.stderr
    assert cli("class create X --teacher nobody").exit_code == 2


def test_class_init_works_on_postgresql(cli, monkeypatch: pytest.MonkeyPatch, require_system) -> None:  # type: ignore[no-untyped-def]
    require_system(
        "a PostgreSQL server (LEARNLOOP_TEST_POSTGRES_URL)",
        bool(PG_URL),
        "apt-get install -y postgresql, then set LEARNLOOP_TEST_POSTGRES_URL (.ci/run does)",
    )
    assert PG_URL is not None
    _fresh_postgres(PG_URL)
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", PG_URL)
    result = cli("class init --login root --name Ada", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "trial class" not in result.output and "learnloop:***@" in result.stdout


def test_class_view_at_the_shell_lists_students_stuck_first_and_writes_csv(cli, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from learnloop.classroom.accounts import create_learner
    from learnloop.classroom.classes import add_member
    from learnloop.loop.passes import start_pass
    from learnloop.store.models import Classroom

    assert cli("class teacher turing --name Alan", input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    class_id = json.loads(cli("class create 'ML 101' --teacher turing --json").stdout)["id"]
    store = open_store(Settings(home=home))
    ids = {}
    with store.across_learners() as s:
        classroom = s.get(Classroom, class_id)
        assert classroom is not None
        for name in ("Ada", "Bob"):
            learner = create_learner(s, login=name.lower(), name=name, email=None, password=None, now=NOW)
            add_member(s, classroom, learner, NOW - timedelta(days=30))
            ids[name] = learner.id
    with store.session(learner_id=ids["Bob"]) as s:
        start_pass(s, NOW)
    store.dispose()
    out = tmp_path / "view.csv"
    result = cli(
        ["class", "view", str(class_id), "--teacher", "turing", "--csv", str(out)],
        env={"LEARNLOOP_NOW": NOW.isoformat()},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.index("Ada") < result.stdout.index("Bob")  # Ada never started: inactive, first
    assert "not started: 1" in result.stdout and "immerse: 1" in result.stdout
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("name,login,")
    again = cli(["class", "view", str(class_id), "--teacher", "turing", "--csv", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    listed = json.loads(cli(f"class view {class_id} --teacher turing --step 0 --json").stdout)
    assert [r["name"] for r in listed["rows"]] == ["Bob"]
