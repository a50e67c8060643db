"""Ranked, honest search over topics, resources, focuses and data sets.

A query either finds something on the map (hits: a name, an alias, a near-typo of one, or a summary that
holds every word asked for) or it does not; then the answer says so and offers the closest topics as
"nearest", which are never passed off as hits. :func:`look_up` returns that distinction as a value;
:func:`search` keeps the plain ranked list for callers that only want the best candidates.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from learnloop.atlas.load import Atlas
from learnloop.errors import UserError

Kind = Literal["topic", "resource", "focus", "dataset"]
# What :func:`search` (the plain list the web page and the gap guide use) looks through by default.
PAGE_KINDS = frozenset({"topic", "resource", "focus"})

# A score at or above this is a hit: the exact name or alias (100), every query word starting a word of a
# name (90-96), a near-typo of a name (fuzzy ratio of about 89% and up), a whole name said inside a longer
# question (76-88), or a summary holding every content word of a query of two words or more (80). Below it,
# the map does not hold what was asked for. The value is tested against terms known to be absent
# (tests/atlas/test_search.py).
HIT_SCORE = 75.0
# Candidates under this are not even worth showing as "nearest".
NEAREST_FLOOR = 30.0
NEAREST_COUNT = 5
# A query is a few words; beyond this many, the rest are ignored (a pasted paragraph stays fast).
MAX_WORDS = 16

# Words that carry no meaning on their own; a query made only of them is still searched by name.
# Question words ("how do transformers work", "I don't understand backprop") are dropped the same way.
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "why",
        "with",
        "do",
        "does",
        "did",
        "my",
        "me",
        "vs",
        "versus",
        "about",
        "use",
        "using",
        "work",
        "works",
        "working",
        "understand",
        "know",
        "learn",
        "explain",
        "don",
        "t",
        "get",
        "really",
        "still",
    }
)


class Hit(BaseModel):
    kind: Kind
    id: str
    name: str
    detail: str
    score: float


class SearchResult(BaseModel):
    """What a search found. ``on_map`` is False when nothing matched well; ``nearest`` then lists the
    closest topics (best first) so a front door can say "not on the map; nearest: ..."."""

    query: str
    on_map: bool
    hits: list[Hit]
    nearest: list[Hit]


def _documents(atlas: Atlas) -> list[tuple[Kind, str, str, str, list[str]]]:
    """(kind, id, name, detail, the names it goes by) for everything searchable."""
    docs: list[tuple[Kind, str, str, str, list[str]]] = []
    for t in atlas.topics.values():
        docs.append(("topic", t.id, t.name, t.kind, [t.name, t.id.replace("-", " "), *t.aliases]))
    for r in atlas.resources.values():
        docs.append(("resource", r.id, r.title, r.kind, [r.title, *r.authors]))
    for f in atlas.focuses.values():
        docs.append(("focus", f.id, f.name, "focus", [f.name, f.id.replace("-", " ")]))
    for d in atlas.datasets.values():
        docs.append(("dataset", d.id, d.name, d.task, [d.name, d.id.replace("-", " ")]))
    return docs


def _body(atlas: Atlas, kind: Kind, item_id: str) -> str:
    if kind == "topic":
        t = atlas.topics[item_id]
        return f"{t.summary} {t.why}"
    if kind == "resource":
        return atlas.resources[item_id].description
    if kind == "dataset":
        return atlas.datasets[item_id].summary
    return atlas.focuses[item_id].summary


def _name_score(q: str, words: list[str], name: str) -> float:
    """Exact name 100; every query word starting a word of the name 90-96 (shorter names first); a near
    typo of the whole name or of each word up to about 88; otherwise a low similarity. Unlike partial
    matching, a short query inside a long name ("lora" in "exploratory") scores low."""
    from rapidfuzz import fuzz

    if q == name:
        return 100.0
    name_words = name.split()
    if all(any(n.startswith(w) or n.startswith(_stem(w)) for n in name_words) for w in words):
        return max(90.0, 96.0 - (len(name_words) - len(words)))
    whole = max(fuzz.ratio(q, name), fuzz.token_sort_ratio(q, name))
    per_word = 0.0
    if all(len(w) >= 4 for w in words):
        best = [max(fuzz.ratio(w, n) for n in name_words) for w in words]
        if min(best) >= 80:
            per_word = sum(best) / len(best) - 2.0 * max(0, len(name_words) - len(words))
    return min(0.9 * max(whole, per_word), 88.0)


def _name_inside(name: str, padded_query: str, query_words: int) -> float:
    """76-88 when a whole name (3 letters or more) appears word for word inside a longer query: the more
    of the query the name covers, the higher. 0 otherwise."""
    if len(name) < 3 or f" {name} " not in padded_query:
        return 0.0
    return min(88.0, 76.0 + 12.0 * len(name.split()) / query_words)


def _stem(word: str) -> str:
    """A plural's singular, roughly ("transformers" finds "transformer"); short words stay as they are."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def _content_words(words: list[str]) -> list[str]:
    return [w for w in words if w not in _STOPWORDS]


def _coverage(words: list[str], body_words: set[str]) -> float:
    """Share of the query's content words that a body holds (a word, or the start of one for words of 4+)."""
    if not words:
        return 0.0
    found = sum(
        1
        for w in words
        if w in body_words or _stem(w) in body_words or (len(w) > 3 and any(b.startswith(_stem(w)) for b in body_words))
    )
    return found / len(words)


def _score_all(atlas: Atlas, query: str, kinds: set[str] | None) -> list[Hit]:
    from rapidfuzz import utils

    q = utils.default_process(query)
    if not q:
        raise UserError("search for at least one letter or digit", field="query")
    words = q.split()[:MAX_WORDS]
    q = " ".join(words)
    content = _content_words(words) or words
    q_content = " ".join(content)
    padded = f" {q_content} "
    scored: list[Hit] = []
    for kind, item_id, name, detail, names in _documents(atlas):
        if kinds and kind not in kinds:
            continue
        processed = [utils.default_process(n) for n in names]
        # An exact name beats a near one; a near one (typos) beats shared words.
        title = max(_name_score(q, words, p) for p in processed)
        if content != words:  # the question without its filler words ("how do transformers work")
            title = max(title, max(_name_score(q_content, content, p) for p in processed))
        if len(content) > 1:  # a whole name said inside a longer question ("dropout on sparse inputs")
            title = max(title, max(_name_inside(p, padded, len(content)) for p in processed))
        body_words = set(utils.default_process(_body(atlas, kind, item_id)).split())
        covered = _coverage(content, body_words)
        # Words in a summary never outrank a name; a summary that holds every word of a longer query is
        # a real match (80), one shared word is not.
        score = max(title, 0.5 * title + 40.0 * covered, 80.0 * covered if len(content) >= 2 else 0.0)
        scored.append(Hit(kind=kind, id=item_id, name=name, detail=detail, score=round(min(score, 100.0), 1)))
    kind_order = {"topic": 0, "focus": 1, "dataset": 2, "resource": 3}
    scored.sort(key=lambda h: (-h.score, kind_order[h.kind], h.name))
    return scored


def look_up(atlas: Atlas, query: str, limit: int = 15, kinds: set[str] | None = None) -> SearchResult:
    """Hits at or above :data:`HIT_SCORE`, best first; when there are none, the nearest topics instead."""
    scored = _score_all(atlas, query, kinds)
    hits = [h for h in scored if h.score >= HIT_SCORE][:limit]
    if hits:
        return SearchResult(query=query, on_map=True, hits=hits, nearest=[])
    topics = [h for h in scored if h.kind == "topic" and h.score >= NEAREST_FLOOR]
    if not topics and kinds and "topic" not in kinds:
        topics = [h for h in scored if h.score >= NEAREST_FLOOR]
    return SearchResult(query=query, on_map=False, hits=[], nearest=topics[: min(limit, NEAREST_COUNT)])


def search(atlas: Atlas, query: str, limit: int = 15, kinds: set[str] | None = None) -> list[Hit]:
    """The hits of :func:`look_up` over topics, resources and focuses unless ``kinds`` says otherwise
    (empty when the query is not on the map). Best first."""
    return look_up(atlas, query, limit=limit, kinds=set(kinds or PAGE_KINDS)).hits
