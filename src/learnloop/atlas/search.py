"""Ranked fuzzy search over topics, resources and focuses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from learnloop.atlas.load import Atlas
from learnloop.errors import UserError

Kind = Literal["topic", "resource", "focus"]


class Hit(BaseModel):
    kind: Kind
    id: str
    name: str
    detail: str
    score: float


def _documents(atlas: Atlas) -> list[tuple[Kind, str, str, str, str]]:
    """(kind, id, name, detail, text to match the query against the name) for everything searchable."""
    docs: list[tuple[Kind, str, str, str, str]] = []
    for t in atlas.topics.values():
        docs.append(("topic", t.id, t.name, t.kind, " ".join([t.name, t.id.replace("-", " "), *t.aliases])))
    for r in atlas.resources.values():
        docs.append(("resource", r.id, r.title, r.kind, " ".join([r.title, *r.authors])))
    for f in atlas.focuses.values():
        docs.append(("focus", f.id, f.name, "focus", " ".join([f.name, f.id.replace("-", " ")])))
    return docs


def _body(atlas: Atlas, kind: Kind, item_id: str) -> str:
    if kind == "topic":
        t = atlas.topics[item_id]
        return f"{t.summary} {t.why}"
    if kind == "resource":
        return atlas.resources[item_id].description
    return atlas.focuses[item_id].summary


def search(atlas: Atlas, query: str, limit: int = 15, kinds: set[str] | None = None) -> list[Hit]:
    """Names and aliases weigh most; words found in summaries add to the score. Best first."""
    from rapidfuzz import fuzz, utils

    q = utils.default_process(query)
    if not q:
        raise UserError("search for at least one letter or digit")
    words = q.split()
    hits: list[Hit] = []
    for kind, item_id, name, detail, title in _documents(atlas):
        if kinds and kind not in kinds:
            continue
        title_p = utils.default_process(title)
        title_score = max(fuzz.WRatio(q, title_p), 100.0 if q in title_p.split() else 0.0)
        body = utils.default_process(_body(atlas, kind, item_id))
        body_words = set(body.split())
        covered = sum(1 for w in words if w in body_words or any(b.startswith(w) for b in body_words if len(w) > 3))
        body_score = 100.0 * covered / len(words)
        score = max(title_score, 0.6 * title_score + 0.5 * body_score)
        if score >= 55:
            hits.append(Hit(kind=kind, id=item_id, name=name, detail=detail, score=round(min(score, 100.0), 1)))
    kind_order = {"topic": 0, "focus": 1, "resource": 2}
    hits.sort(key=lambda h: (-h.score, kind_order[h.kind], h.name))
    return hits[:limit]
