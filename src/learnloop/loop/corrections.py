"""Correcting what was written: edit or delete a note, a gap or a reference of the pass under way,
and read the notes of the passes before it (kept, read-only, once a pass closes)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.errors import NotFound, UserError
from learnloop.loop.notes import NoteView, check_kind
from learnloop.loop.passes import open_pass, record
from learnloop.loop.references import normalise_source
from learnloop.store.models import Gap, Note, Pass, Reference

EDITABLE_GAPS = ("open", "set_aside")


class PastNotes(BaseModel):
    pass_number: int
    focus_id: str | None
    notes: list[NoteView]


def _own(session: Session, model: type, item_id: int, what: str) -> tuple[object, Pass]:
    current = open_pass(session)
    item = session.get(model, item_id)
    if item is None or item.pass_id != current.id:
        raise NotFound(what, str(item_id))
    return item, current


def edit_note(session: Session, note_id: int, text: str, kind: str, now: datetime) -> NoteView:
    note, current = _own(session, Note, note_id, "note in this pass")
    if not text.strip():
        raise UserError("a note needs some text", field="text")
    check_kind(kind)
    assert isinstance(note, Note)
    note.text, note.kind = text.strip(), kind
    record(session, current, "note_edited", now, subject=f"note:{note.id}")
    return NoteView(id=note.id, kind=note.kind, text=note.text, added_at=note.added_at)


def delete_note(session: Session, note_id: int, now: datetime) -> None:
    note, current = _own(session, Note, note_id, "note in this pass")
    session.delete(note)
    record(session, current, "note_deleted", now, subject=f"note:{note_id}")


def edit_gap(session: Session, gap_id: int, text: str, now: datetime) -> None:
    gap, current = _own(session, Gap, gap_id, "gap in this pass")
    assert isinstance(gap, Gap)
    if not text.strip():
        raise UserError("describe the gap: what did you find you do not know?", field="text")
    if gap.status not in (*EDITABLE_GAPS, "kept"):
        raise UserError(f"gap {gap_id} is {gap.status.replace('_', ' ')}; it is kept in history as it was")
    gap.text = text.strip()
    record(session, current, "gap_edited", now, subject=f"gap:{gap.id}")


def delete_gap(session: Session, gap_id: int, now: datetime) -> None:
    gap, current = _own(session, Gap, gap_id, "gap in this pass")
    assert isinstance(gap, Gap)
    if gap.status not in EDITABLE_GAPS:
        raise UserError(
            f"gap {gap_id} is {gap.status.replace('_', ' ')}: drop it (with a reason) rather than delete it"
        )
    session.delete(gap)
    record(session, current, "gap_deleted", now, subject=f"gap:{gap_id}")


def edit_reference(session: Session, reference_id: int, source: str, why: str | None, now: datetime) -> None:
    ref, current = _own(session, Reference, reference_id, "reference in this pass")
    assert isinstance(ref, Reference)
    ref.source = normalise_source(source)
    ref.why = (why or "").strip() or None
    record(session, current, "reference_edited", now, subject=ref.source)


def delete_reference(session: Session, reference_id: int, now: datetime) -> None:
    ref, current = _own(session, Reference, reference_id, "reference in this pass")
    assert isinstance(ref, Reference)
    session.delete(ref)
    record(session, current, "reference_deleted", now, subject=ref.source)


def past_notes(session: Session) -> list[PastNotes]:
    """The notes of every closed pass, newest pass first."""
    passes = session.scalars(select(Pass).where(Pass.closed_at.is_not(None)).order_by(Pass.number.desc())).all()
    found = []
    for p in passes:
        rows = session.scalars(select(Note).where(Note.pass_id == p.id).order_by(Note.id)).all()
        if rows:
            found.append(
                PastNotes(
                    pass_number=p.number,
                    focus_id=p.focus_id,
                    notes=[NoteView(id=n.id, kind=n.kind, text=n.text, added_at=n.added_at) for n in rows],
                )
            )
    return found
