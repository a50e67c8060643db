"""`learnloop class ...`: set up a class server at its shell (the first admin, teachers, classes, invite codes,
rosters). They work on the database of $LEARNLOOP_DATABASE_URL (PostgreSQL for a real class), else the home's
SQLite file (a trial class). Passwords are only ever typed at a hidden prompt, twice, never given as options."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from learnloop import config
from learnloop.cli.app import make_group, settings, store
from learnloop.cli.render import console, err_console, esc, print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from learnloop.store.models import Learner

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
TeacherOption = Annotated[
    str, typer.Option("--teacher", metavar="LOGIN", help="The login of the teacher whose class it is.")
]

class_app = make_group(
    "class",
    "Run a class server: the first admin, teachers, classes, invite codes and rosters (at the server's shell).",
)


def _where() -> str:
    """The database these commands change, its password hidden."""
    current = settings()
    if current.database_url is None:
        return str(current.database_path)
    from sqlalchemy.engine import make_url

    return make_url(current.database_url).render_as_string(hide_password=True)


def _trial_notice() -> None:
    if settings().is_sqlite:
        err_console.print(
            "note: this is a SQLite database: fine for a trial class; a real class runs on PostgreSQL "
            "(set LEARNLOOP_DATABASE_URL=postgresql+psycopg://USER@HOST/DB)",
            style="dim",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _new_password(who: str) -> str:
    """A password typed twice at a hidden prompt, checked before anything is written."""
    from learnloop.classroom.accounts import check_password
    from learnloop.errors import UserError

    first = typer.prompt(f"Password for {who}", hide_input=True)
    check_password(first)
    second = typer.prompt("The same password again", hide_input=True)
    if first != second:
        raise UserError("the two passwords differ; nothing was created")
    return first


def _teacher(session: Session, login: str) -> Learner:
    from learnloop.classroom.accounts import learner_by_login
    from learnloop.classroom.classes import require_teacher
    from learnloop.errors import NotFound

    found = learner_by_login(session, login)
    if found is None:
        raise NotFound("teacher", login)
    return require_teacher(found)


@class_app.command("init")
def init(
    login: Annotated[str, typer.Option("--login", prompt="Admin login", help="The admin's login.")],
    name: Annotated[str, typer.Option("--name", prompt="Admin name", help="The admin's name, as pages show it.")],
    email: Annotated[str | None, typer.Option("--email", help="The admin's email address (optional).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create the class server's first admin (password typed twice at a hidden prompt, never as an option).

    Works on the database of $LEARNLOOP_DATABASE_URL (PostgreSQL), else on the home's SQLite file, which is
    fine for a trial class. The admin can then make teachers: `learnloop class teacher LOGIN`.
    """
    from learnloop.classroom.accounts import count_admins, create_learner, normalise_email, normalise_login
    from learnloop.errors import UserError

    login, address = normalise_login(login), normalise_email(email)  # refuse bad input before the prompt
    with store().across_learners() as session:  # makes and migrates the database, or fails, before the prompt
        if count_admins(session):
            raise UserError("this server has an admin already; they can make teachers with their own login")
    password = _new_password(login)
    with store().across_learners() as session:
        if count_admins(session):
            raise UserError("this server has an admin already; they can make teachers with their own login")
        admin = create_learner(
            session, login=login, name=name, email=address, role="admin", password=password, now=config.now()
        )
        made = {"id": admin.id, "login": admin.login, "name": admin.name, "role": admin.role, "database": _where()}
    if as_json:
        print_json(made)
        return
    console.print(f"Admin [bold]{esc(made['login'])}[/] created in {esc(made['database'])}.")
    _trial_notice()
    console.print(
        "Next: a teacher account with [bold cyan]learnloop class teacher LOGIN --name NAME[/], then "
        "[bold cyan]learnloop serve --class[/]."
    )


@class_app.command("teacher")
def teacher(
    login: Annotated[str, typer.Argument(help="The teacher's login.")],
    name: Annotated[str, typer.Option("--name", prompt="Teacher name", help="The teacher's name.")],
    email: Annotated[str | None, typer.Option("--email", help="The teacher's email address (optional).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a teacher account (password typed twice at a hidden prompt)."""
    from learnloop.classroom.accounts import create_learner, learner_by_login, normalise_email, normalise_login
    from learnloop.classroom.classes import AccountTaken

    login, address = normalise_login(login), normalise_email(email)
    with store().read() as session:
        if learner_by_login(session, login) is not None:
            raise AccountTaken(f"the login {login!r} is taken", field="login")
    password = _new_password(login)
    with store().across_learners() as session:
        made = create_learner(
            session, login=login, name=name, email=address, role="teacher", password=password, now=config.now()
        )
        value = {"id": made.id, "login": made.login, "name": made.name, "role": made.role}
    if as_json:
        print_json(value)
        return
    console.print(f"Teacher [bold]{esc(value['login'])}[/] created.")
    _trial_notice()


@class_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The class's name, e.g. 'ML 101, spring'.")],
    teacher_login: TeacherOption,
    inactive_days: Annotated[
        int, typer.Option("--inactive-days", min=1, max=90, help="Days without activity before a student shows stuck.")
    ] = 7,
    as_json: JsonOption = False,
) -> None:
    """Create a class for a teacher."""
    from learnloop.classroom.classes import create_class

    with store().across_learners() as session:
        made = create_class(session, _teacher(session, teacher_login), name, config.now(), inactive_days=inactive_days)
        value = {"id": made.id, "name": made.name, "teacher": teacher_login, "inactive_days": made.inactive_days}
    if as_json:
        print_json(value)
        return
    console.print(f"Class [bold]{value['id']}[/] [bold]{esc(value['name'])}[/] created.")
    console.print(f"Invite students: [bold cyan]learnloop class invite {value['id']} --teacher {esc(teacher_login)}[/]")


@class_app.command("list")
def list_(teacher_login: TeacherOption, as_json: JsonOption = False) -> None:
    """The teacher's classes, with how many students each has."""
    from learnloop.classroom.classes import classes_of

    with store().read() as session:
        rows = classes_of(session, _teacher(session, teacher_login))
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No class yet.")
    for row in rows:
        console.print(f"{row.id:>4}  [bold]{esc(row.name)}[/]  {row.students} student(s)")


@class_app.command("invite")
def invite(
    classroom: Annotated[int, typer.Argument(metavar="CLASS", help="The class's number (see `learnloop class list`).")],
    teacher_login: TeacherOption,
    days: Annotated[int, typer.Option("--days", min=1, max=90, help="How many days the code works.")] = 7,
    as_json: JsonOption = False,
) -> None:
    """Make an invite code for a class. It is shown once: only its digest is kept."""
    from learnloop.classroom.classes import make_invite, teacher_class

    with store().across_learners() as session:
        me = _teacher(session, teacher_login)
        made = make_invite(session, teacher_class(session, me, classroom), days, config.now(), created_by=me.id)
    if as_json:
        print_json(made)
        return
    console.print(f"Invite code for [bold]{esc(made.classroom_name)}[/]: [bold green]{made.code}[/]")
    console.print(f"It works until {made.expires_at:%Y-%m-%d %H:%M} UTC and is shown only now: copy it.")


@class_app.command("roster")
def roster(
    classroom: Annotated[int, typer.Argument(metavar="CLASS", help="The class's number.")],
    file: Annotated[Path, typer.Argument(help="A CSV file with a header line name,email and one student a line.")],
    teacher_login: TeacherOption,
    as_json: JsonOption = False,
) -> None:
    """Import a roster CSV (name,email): every row or none; each bad row is named by its line.

    Each student gets an account without a password, already in the class; they set their password when they
    first come in with the class's invite code.
    """
    from learnloop.classroom.classes import teacher_class
    from learnloop.classroom.roster import import_roster
    from learnloop.errors import UserError

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from None
    with store().across_learners() as session:
        done = import_roster(
            session, teacher_class(session, _teacher(session, teacher_login), classroom), data, config.now()
        )
    if as_json:
        print_json(done)
        return
    console.print(f"{len(done.students)} student(s) added to class {done.classroom_id}, each without a password yet.")
    console.print("They come in with the class's invite code and their email, and choose a password then.")


STUCK_WORDS = {
    "over_box": "over the step's box",
    "project_overdue": "project overdue",
    "gap_overdue": "gap overdue",
    "inactive": "inactive",
}


@class_app.command("view")
def view(
    classroom: Annotated[int, typer.Argument(metavar="CLASS", help="The class's number.")],
    teacher_login: TeacherOption,
    step: Annotated[
        int | None, typer.Option("--step", min=-1, max=6, help="Only the students at this step (-1: not started).")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="stuck (default), name, step, days_in_step, last_activity or deadline.")
    ] = "stuck",
    stuck_only: Annotated[bool, typer.Option("--stuck", help="Only the students who are stuck.")] = False,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", metavar="FILE", help="Also write the rows to FILE as CSV.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --csv FILE if it exists.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The class view: one row per student, stuck first, and how many students are at each step."""
    from learnloop.classroom.view import class_view, class_view_csv
    from learnloop.files import check_writable_target, write_atomic

    if csv_file is not None:
        check_writable_target(csv_file, force=force)
    with store().across_learners() as session:
        seen = class_view(
            session,
            _teacher(session, teacher_login),
            classroom,
            config.now(),
            sort=sort,
            step=step,
            stuck_only=stuck_only,
        )
    if csv_file is not None:
        write_atomic(csv_file, class_view_csv(seen), force=force)
    if as_json:
        print_json(seen)
        return
    from rich.table import Table

    table = Table(header_style="bold", box=None, title=f"{seen.name}: {seen.students} students, {seen.stuck} stuck")
    for column in ("student", "pass", "step", "days", "focus", "project (deadline)", "gap (box)", "idle", "stuck"):
        table.add_column(column)
    for r in seen.rows:
        project = f"{r.project_title} ({r.project_deadline})" if r.project_title else ""
        gap = f"{r.gap_text} ({r.gap_days}d)" if r.gap_text else ""
        table.add_row(
            esc(r.name),
            str(r.pass_number or ""),
            f"{r.step} {r.step_name}" if r.step is not None else "not started",
            f"{r.days_in_step}/{r.box_days}" if r.days_in_step is not None else "",
            esc(r.focus_name or ""),
            f"[red]{esc(project)}[/]" if r.project_overdue else esc(project),
            f"[red]{esc(gap)}[/]" if r.gap_overdue else esc(gap),
            f"{r.idle_days}d",
            "[bold red]" + ", ".join(STUCK_WORDS[s.value] for s in r.stuck) + "[/]" if r.stuck else "",
        )
    console.print(table)
    console.print("  ".join(f"{f.name}: {f.students}" for f in seen.funnel))
    if csv_file is not None:
        console.print(f"Rows written to {esc(csv_file)}")


# `learnloop class join URL --code CODE` (a laptop joins a class server) is the sync helper's `join` in
# cli/sync.py; it is registered here as soon as that module exists.
if importlib.util.find_spec("learnloop.cli.sync") is not None:
    _join = getattr(importlib.import_module("learnloop.cli.sync"), "join", None)
    if _join is not None:
        class_app.command("join")(_join)
