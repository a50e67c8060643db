"""Step 1: the reference project the learner studies, suggested from the pinned focus."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.atlas.load import Atlas
from learnloop.loop.passes import current_pass, open_pass, record
from learnloop.store.models import Reference


class ReferenceView(BaseModel):
    id: int
    pass_number: int
    source: str
    why: str | None
    added_at: datetime


class Suggestion(BaseModel):
    repo: str
    url: str
    title: str
    why: str
    read_first: list[str]
    status: str = "active"
    status_note: str | None = None


def normalise_source(source: str) -> str:
    """What ``study`` accepts: a folder, an archive, a bare repository, ``OWNER/NAME`` or a git URL (the parsing
    lives with the study: :func:`learnloop.study.address.reference_source`)."""
    from learnloop.study.address import reference_source

    return reference_source(source)


def add_reference(session: Session, source: str, why: str | None, now: datetime) -> ReferenceView:
    current = open_pass(session)
    normalised = normalise_source(source)
    ref = Reference(pass_id=current.id, source=normalised, why=(why or "").strip() or None, added_at=now)
    session.add(ref)
    session.flush()
    record(session, current, "reference", now, subject=normalised)
    return ReferenceView(id=ref.id, pass_number=current.number, source=ref.source, why=ref.why, added_at=now)


def references(session: Session) -> list[ReferenceView]:
    current = current_pass(session)
    if current is None:
        return []
    rows = session.scalars(select(Reference).where(Reference.pass_id == current.id).order_by(Reference.id))
    return [
        ReferenceView(id=r.id, pass_number=current.number, source=r.source, why=r.why, added_at=r.added_at)
        for r in rows
    ]


def suggestions(atlas: Atlas, focus_id: str | None) -> list[Suggestion]:
    if not focus_id:
        return []
    focus = atlas.focus(focus_id)
    return [
        Suggestion(
            repo=r.repo,
            url=r.url,
            title=r.title,
            why=r.why,
            read_first=list(r.read_first),
            status=r.status,
            status_note=r.status_note,
        )
        for r in focus.references
    ]
