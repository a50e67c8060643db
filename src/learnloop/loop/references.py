"""Step 1: the reference project the learner studies, suggested from the pinned focus."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.atlas.load import Atlas
from learnloop.errors import UserError
from learnloop.loop.passes import current_pass, open_pass, record
from learnloop.store.models import Reference

_URL = re.compile(r"^https?://\S+$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


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
    """A URL, an ``owner/name`` GitHub repository, or a local folder (made absolute)."""
    text = source.strip()
    if not text:
        raise UserError("give a URL, an owner/name repository, or a local folder")
    if _URL.match(text):
        return text.rstrip("/")
    path = Path(text).expanduser()
    if path.exists():
        if not path.is_dir():
            raise UserError(f"{text} is a file; a reference project is a repository folder or URL")
        return str(path.resolve())
    if _REPO.match(text):
        return f"https://github.com/{text}"
    raise UserError(f"{text!r} is neither a URL, an owner/name repository, nor an existing folder")


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
    return [ReferenceView(id=r.id, pass_number=current.number, source=r.source, why=r.why, added_at=r.added_at)
            for r in rows]


def suggestions(atlas: Atlas, focus_id: str | None) -> list[Suggestion]:
    if not focus_id:
        return []
    focus = atlas.focus(focus_id)
    return [Suggestion(repo=r.repo, url=r.url, title=r.title, why=r.why, read_first=list(r.read_first),
                       status=r.status, status_note=r.status_note)
            for r in focus.references]
