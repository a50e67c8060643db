"""The resource catalog: filters over the map's books, blogs, communities, events and courses."""

from __future__ import annotations

from typing import Any

from learnloop.atlas.load import Atlas
from learnloop.atlas.schema import LEVELS, RESOURCE_KINDS
from learnloop.errors import UserError


def filter_resources(
    atlas: Atlas,
    *,
    kind: str | None = None,
    topic: str | None = None,
    level: str | None = None,
    free_only: bool = False,
) -> list[Any]:
    if kind is not None and kind not in RESOURCE_KINDS:
        raise UserError(f"unknown resource kind {kind!r}; choose one of {', '.join(RESOURCE_KINDS)}")
    if level is not None and level not in LEVELS:
        raise UserError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    candidates = atlas.resources_for(topic) if topic is not None else list(atlas.resources.values())
    found = [
        r
        for r in candidates
        if (kind is None or r.kind == kind) and (level is None or r.level == level) and (not free_only or r.free)
    ]
    if topic is None:
        found.sort(key=lambda r: (RESOURCE_KINDS.index(r.kind), LEVELS.index(r.level), r.title.lower()))
    return found
