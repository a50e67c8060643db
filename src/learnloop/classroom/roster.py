"""A class roster from a CSV file (``name,email``): all of it or none of it.

Every row is checked before anything is written; a file with any bad row is refused whole, with each bad row
named by its line number (missing name, bad email, an email twice in the file, an email that already has an
account). A good file makes one student account per row (login = the email, no password) who is a member of
the class at once; each student sets their password when they first come in with the class's invite code
(:func:`learnloop.classroom.classes.enrol_with_code`), or the teacher sets one for them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.classroom.accounts import check_name, create_learner, normalise_email, normalise_login
from learnloop.classroom.classes import add_member
from learnloop.errors import UserError
from learnloop.store.models import Classroom, Learner

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("name", "email")


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


class RosterRefused(UserError):
    """The roster has bad rows (or is not a roster at all); nothing was imported."""

    http_status = 422

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "; ".join(f"line {p.line}: {p.reason}" for p in problems[:20])
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        count = len(problems)
        super().__init__(
            f"the roster was not imported: {count} bad row{'s' if count > 1 else ''} ({shown}{more})", field="roster"
        )


@dataclass(frozen=True)
class RosterStudent:
    id: int
    name: str
    email: str
    line: int


@dataclass(frozen=True)
class RosterImport:
    classroom_id: int
    students: list[RosterStudent]


@dataclass(frozen=True)
class _Row:
    line: int
    name: str
    email: str


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise RosterRefused([RowProblem(1, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterRefused([RowProblem(line, "the file is not UTF-8 text (save it as CSV UTF-8)")]) from None


def parse_roster(session: Session, data: bytes) -> list[_Row]:
    """The good rows of ``data``, or :class:`RosterRefused` listing every bad one (nothing is written)."""
    text = _text(data)
    if "\x00" in text:
        raise RosterRefused([RowProblem(1, "the file is not text")])
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[RowProblem] = []
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise RosterRefused([RowProblem(1, "the file is empty; its first line is the header name,email")])
        names = [cell.strip().lower() for cell in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise RosterRefused(
                [RowProblem(reader.line_num, f"the header has no {' and no '.join(missing)} column (write name,email)")]
            )
        name_at, email_at = names.index("name"), names.index("email")
        rows: list[_Row] = []
        first_line: dict[str, int] = {}
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(RowProblem(start, f"a roster has {MAX_ROWS} rows at most"))
                break
            if len(cells) > len(names):
                problems.append(RowProblem(start, f"{len(cells)} fields where the header has {len(names)}"))
                continue
            name = cells[name_at] if name_at < len(cells) else ""
            email = cells[email_at] if email_at < len(cells) else ""
            try:
                name = check_name(name)
            except UserError:
                problems.append(
                    RowProblem(start, "no name" if not name.strip() else "the name is longer than 200 characters")
                )
                continue
            try:
                address = normalise_email(email)
            except UserError:
                problems.append(RowProblem(start, f"{email.strip()!r} is not an email address"))
                continue
            if address is None:
                problems.append(RowProblem(start, "no email"))
                continue
            try:
                normalise_login(address)  # the email is the student's login
            except UserError:
                problems.append(RowProblem(start, f"{address} has characters a login cannot have"))
                continue
            if address in first_line:
                problems.append(RowProblem(start, f"{address} is already on line {first_line[address]}"))
                continue
            first_line[address] = start
            rows.append(_Row(start, name, address))
    except csv.Error as exc:
        problems.append(RowProblem(reader.line_num, f"not readable as CSV ({exc})"))
        rows = []
    taken = _taken(session, [r.email for r in rows])
    for row in rows:
        if row.email in taken:
            problems.append(
                RowProblem(row.line, f"{row.email} already has an account (they can join with the class code)")
            )
    if problems:
        raise RosterRefused(sorted(problems, key=lambda p: p.line))
    if not rows:
        raise RosterRefused([RowProblem(reader.line_num or 1, "the roster has no students under its header")])
    return rows


def _taken(session: Session, emails: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        taken |= set(session.scalars(select(Learner.email).where(Learner.email.in_(chunk))))
        taken |= set(session.scalars(select(Learner.login).where(Learner.login.in_(chunk))))
    return taken


def import_roster(session: Session, classroom: Classroom, data: bytes, now: datetime) -> RosterImport:
    """Make one student account per row of the roster and put each in ``classroom`` (check it is the teacher's
    with :func:`learnloop.classroom.classes.teacher_class` first): every row, or none (:class:`RosterRefused`)."""
    rows = parse_roster(session, data)
    students: list[RosterStudent] = []
    for row in rows:
        learner = create_learner(
            session, login=row.email, name=row.name, email=row.email, role="student", password=None, now=now
        )
        add_member(session, classroom, learner, now)
        students.append(RosterStudent(id=learner.id, name=learner.name, email=row.email, line=row.line))
    return RosterImport(classroom_id=classroom.id, students=students)
