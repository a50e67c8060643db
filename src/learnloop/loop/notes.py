"""Step 1: the article's three lists: repeated patterns, what I understand, what I don't."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.errors import UserError
from learnloop.loop.passes import current_pass, open_pass, record
from learnloop.loop.rules import NOTE_KINDS
from learnloop.store.models import Note

HEADINGS = {
    "pattern": "Repeated patterns",
    "understood": "What I understand",
    "unclear": "What I don't understand yet",
}


class NoteView(BaseModel):
    id: int
    kind: str
    text: str
    added_at: datetime


class Notes(BaseModel):
    pass_number: int | None
    pattern: list[NoteView] = []
    understood: list[NoteView] = []
    unclear: list[NoteView] = []


def check_kind(kind: str) -> str:
    if kind not in NOTE_KINDS:
        raise UserError(f"a note is one of {', '.join(NOTE_KINDS)}; not {kind!r}")
    return kind


def add_note(session: Session, text: str, kind: str, now: datetime) -> NoteView:
    current = open_pass(session)
    check_kind(kind)
    if not text.strip():
        raise UserError("a note needs some text")
    note = Note(pass_id=current.id, kind=kind, text=text.strip(), added_at=now)
    session.add(note)
    session.flush()
    record(session, current, "note", now, subject=kind)
    return NoteView(id=note.id, kind=kind, text=note.text, added_at=now)


def notes(session: Session) -> Notes:
    current = current_pass(session)
    if current is None:
        return Notes(pass_number=None)
    grouped: dict[str, list[NoteView]] = {k: [] for k in NOTE_KINDS}
    for n in session.scalars(select(Note).where(Note.pass_id == current.id).order_by(Note.id)):
        grouped[n.kind].append(NoteView(id=n.id, kind=n.kind, text=n.text, added_at=n.added_at))
    return Notes(pass_number=current.number, **grouped)


def to_markdown(value: Notes) -> str:
    """The notes as a Markdown file with one section per list and one bullet per note."""
    lines = [
        f"# Notes, pass {value.pass_number}",
        "",
        "<!-- One bullet per note. Keep the three headings; learnloop reads this file back. -->",
        "",
    ]
    for kind in NOTE_KINDS:
        lines.append(f"## {HEADINGS[kind]}")
        lines.append("")
        lines.extend(f"- {n.text}" for n in getattr(value, kind))
        lines.append("")
    return "\n".join(lines)


def parse_markdown(text: str) -> dict[str, list[str]]:
    """Read back what :func:`to_markdown` wrote (and the learner edited): bullets under each heading."""
    by_heading = {heading.lower(): kind for kind, heading in HEADINGS.items()}
    parsed: dict[str, list[str]] = {k: [] for k in NOTE_KINDS}
    kind: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            kind = by_heading.get(line[3:].strip().lower())
            if kind is None:
                raise UserError(f"unknown heading {line!r}; keep the three headings learnloop wrote")
        elif line.startswith(("- ", "* ")) and kind is not None:
            item = line[2:].strip()
            if item:
                parsed[kind].append(item)
        elif line.startswith(("- ", "* ")) and kind is None:
            raise UserError("a bullet before the first heading; put each note under one of the three headings")
    return parsed


def replace_notes(session: Session, parsed: dict[str, list[str]], now: datetime) -> Notes:
    """Make the pass's notes exactly what the edited file says (keeping the dates of unchanged ones)."""
    current = open_pass(session)
    existing = {(n.kind, n.text): n.added_at for n in session.scalars(select(Note).where(Note.pass_id == current.id))}
    session.execute(delete(Note).where(Note.pass_id == current.id))
    for kind in NOTE_KINDS:
        for text in parsed.get(kind, []):
            session.add(Note(pass_id=current.id, kind=kind, text=text, added_at=existing.get((kind, text), now)))
    record(session, current, "notes-edit", now)
    session.flush()
    return notes(session)
