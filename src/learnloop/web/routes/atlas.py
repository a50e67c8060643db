"""The map: the field as a browsable tree (rendered once per process: the map is read-only), search, cards."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from learnloop.atlas.schema import TOPIC_KINDS
from learnloop.web.deps import PageRouter
from learnloop.web.render import SECURITY_HEADERS, render, render_text, server_of

router = PageRouter()

KIND_TITLES = {
    "paradigm": "Paradigms",
    "model": "Models",
    "application": "Applications",
    "tool": "Tools",
    "math": "Math foundations",
    "concept": "Concepts",
}


def tree(atlas: Any) -> list[dict[str, Any]]:
    """Topics grouped by kind, by name: what the map page shows."""
    branches = []
    for kind in TOPIC_KINDS:
        members = sorted((t for t in atlas.topics.values() if t.kind == kind), key=lambda t: t.name.lower())
        if members:
            branches.append({"kind": kind, "title": KIND_TITLES.get(kind, kind.title()), "topics": members})
    return branches


@router.get("/map", response_class=HTMLResponse)
async def map_page(request: Request) -> HTMLResponse:
    """The tree is rendered once per process (the map is read-only); ``?q=`` searches it."""
    server = server_of(request)
    atlas = server.atlas()
    q = request.query_params.get("q", "")
    if q.strip():
        from learnloop.atlas.search import search

        hits = search(atlas, q, limit=30)
        return render(request, "search.html", {"query": q, "hits": hits})
    cached = server.page_cache.get("map")
    if cached is None:
        datasets = sorted(atlas.datasets.values(), key=lambda d: (d.task, d.name.lower()))
        context = {
            "branches": tree(atlas),
            "count": len(atlas.topics),
            "datasets": datasets,
            "focuses": list(atlas.focuses.values()),
        }
        if server.options.class_mode:  # the page's header names the signed-in learner: made per request
            return render(request, "map.html", context)
        cached = render_text(request, "map.html", context).encode()
        server.page_cache["map"] = cached
    return HTMLResponse(cached, headers=SECURITY_HEADERS)


@router.get("/datasets", response_class=HTMLResponse)
async def datasets_page(request: Request) -> HTMLResponse:
    atlas = server_of(request).atlas()
    datasets = sorted(atlas.datasets.values(), key=lambda d: (d.task, d.name.lower()))
    return render(request, "datasets.html", {"datasets": datasets})


@router.get("/map/{topic_id}", response_class=HTMLResponse)
async def topic_card(request: Request, topic_id: str) -> HTMLResponse:
    server = server_of(request)
    atlas = server.atlas()
    topic = atlas.topic(topic_id)
    lab_id = topic.model.lab if topic.model else None
    tried = None
    if lab_id:
        from learnloop.web.routes.lab import latest_try

        tried = latest_try(server, lab_id)
    return render(
        request,
        "topic.html",
        {
            "topic": topic,
            "prerequisites": [atlas.topics[i] for i in topic.prerequisites],
            "related": [atlas.topics[i] for i in topic.related],
            "resources": atlas.resources_for(topic.id)[:12],
            "focuses": [f for f in atlas.focuses.values() if topic.id in f.topics],
            "lab_id": lab_id,
            "tried": tried,
            "datasets": _tables(atlas) if lab_id else [],
        },
    )


def _tables(atlas: Any) -> list[Any]:
    return [d for d in sorted(atlas.datasets.values(), key=lambda d: d.name.lower()) if d.form == "table" and d.target]


PAGE_SIZE = 25


@router.get("/resources", response_class=HTMLResponse)
async def resources_page(
    request: Request,
    kind: str | None = None,
    topic: str | None = None,
    level: str | None = None,
    free: str | None = None,
    q: str | None = None,
    page: int = 1,
) -> HTMLResponse:
    """The catalog: books, blogs, communities, events and courses, filtered."""
    from learnloop.atlas.catalog import filter_resources
    from learnloop.atlas.schema import LEVELS, RESOURCE_KINDS
    from learnloop.web.forms import optional

    atlas = server_of(request).atlas()
    from urllib.parse import urlencode

    words = (optional(q) or "")[:200]
    kind_id, topic_id, level_id, free_only = optional(kind), optional(topic), optional(level), bool(free)
    chosen = {"kind": kind_id, "topic": topic_id, "level": level_id, "free": free_only, "q": words or None}
    found = filter_resources(atlas, kind=kind_id, topic=topic_id, level=level_id, free_only=free_only)
    if words:
        terms = words.lower().split()
        found = [
            r for r in found if all(t in f"{r.title} {r.description} {' '.join(r.authors)}".lower() for t in terms)
        ]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    kept = {
        k: v
        for k, v in (
            ("kind", chosen["kind"]),
            ("topic", chosen["topic"]),
            ("level", chosen["level"]),
            ("free", "1" if chosen["free"] else None),
            ("q", words or None),
        )
        if v
    }
    return render(
        request,
        "resources.html",
        {
            "found": found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            "total": len(found),
            "page": page,
            "pages": pages,
            "page_url": "/resources?" + (urlencode(kept) + "&" if kept else ""),
            "chosen": chosen,
            "kinds": RESOURCE_KINDS,
            "levels": LEVELS,
            "topics": _topics_by_name(atlas),
        },
    )


_SORTED: dict[int, list[Any]] = {}


def _topics_by_name(atlas: Any) -> list[Any]:
    """The topics by name, sorted once per map (the map is read-only)."""
    found = _SORTED.get(id(atlas))
    if found is None:
        found = _SORTED[id(atlas)] = sorted(atlas.topics.values(), key=lambda t: t.name.lower())
    return found
