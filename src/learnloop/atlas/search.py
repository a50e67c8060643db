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


def _documents(atlas: Atlas) -> list[tuple[Kind, str, str, str, list[str]]]:
    """(kind, id, name, detail, the names it goes by) for everything searchable."""
    docs: list[tuple[Kind, str, str, str, list[str]]] = []
    for t in atlas.topics.values():
        docs.append(("topic", t.id, t.name, t.kind, [t.name, t.id.replace("-", " "), *t.aliases]))
    for r in atlas.resources.values():
        docs.append(("resource", r.id, r.title, r.kind, [r.title, *r.authors]))
    for f in atlas.focuses.values():
        docs.append(("focus", f.id, f.name, "focus", [f.name, f.id.replace("-", " ")]))
    return docs


def _body(atlas: Atlas, kind: Kind, item_id: str) -> str:
    if kind == "topic":
        t = atlas.topics[item_id]
        return f"{t.summary} {t.why}"
    if kind == "resource":
        return atlas.resources[item_id].description
    return atlas.focuses[item_id].summary


def _name_score(q: str, words: list[str], name: str, ratio: object) -> float:
    """Exact name 100; every query word starting a word of the name 90-96 (shorter names first); else fuzzy."""
    if q == name:
        return 100.0
    name_words = name.split()
    if all(any(n.startswith(w) for n in name_words) for w in words):
        return max(90.0, 96.0 - (len(name_words) - len(words)))
    return 0.9 * ratio(q, name)  # type: ignore[operator]


def search(atlas: Atlas, query: str, limit: int = 15, kinds: set[str] | None = None) -> list[Hit]:
    """Names and aliases weigh most; words found in summaries add to the score. Best first."""
    from rapidfuzz import fuzz, utils

    q = utils.default_process(query)
    if not q:
        raise UserError("search for at least one letter or digit")
    words = q.split()
    hits: list[Hit] = []
    for kind, item_id, name, detail, names in _documents(atlas):
        if kinds and kind not in kinds:
            continue
        processed = [utils.default_process(n) for n in names]
        # An exact name beats a near one; a near one (typos) beats a shared word.
        title_score = max(_name_score(q, words, p, fuzz.WRatio) for p in processed)
        body = utils.default_process(_body(atlas, kind, item_id))
        body_words = set(body.split())
        covered = sum(1 for w in words if w in body_words or any(b.startswith(w) for b in body_words if len(w) > 3))
        body_score = 100.0 * covered / len(words)
        score = max(title_score, 0.5 * title_score + 0.4 * body_score)  # words in a summary never outrank a name
        if score >= 55:
            hits.append(Hit(kind=kind, id=item_id, name=name, detail=detail, score=round(min(score, 100.0), 1)))
    kind_order = {"topic": 0, "focus": 1, "resource": 2}
    hits.sort(key=lambda h: (-h.score, kind_order[h.kind], h.name))
    return hits[:limit]
