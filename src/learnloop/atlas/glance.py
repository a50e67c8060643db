"""A quick look at the map: the few facts the loop's everyday commands need, without validating the map again.

``learnloop`` (status) shows one focus name and the focus's first suggestions; building the whole map through
pydantic for that costs more than the rest of the command. The map's JSON cache is written only after the map
passed validation and the reference check (``atlas/load.py``), so a *current* cache (keyed on the data files'
names, sizes and times) holds a valid map: read as plain JSON, it gives the same facts. Without a current cache,
the map is loaded (and validated) the full way, which writes the cache for the next run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MapFacts:
    """What the loop's reads need of the map, by id."""

    focus_names: dict[str, str]
    first_reference: dict[str, str]  # focus id -> owner/name of its first reference project
    first_idea: dict[str, str]  # focus id -> its first project idea's id
    dataset_forms: dict[str, str]  # data set id -> table, graph, text
    dataset_targets: dict[str, str | None]
    topics: frozenset[str]


def facts_of(atlas: Any) -> MapFacts:
    """The facts of a loaded (validated) map."""
    return MapFacts(
        focus_names={f.id: f.name for f in atlas.focuses.values()},
        first_reference={f.id: f.references[0].repo for f in atlas.focuses.values() if f.references},
        first_idea={f.id: f.ideas[0].id for f in atlas.focuses.values() if f.ideas},
        dataset_forms={d.id: d.form for d in atlas.datasets.values()},
        dataset_targets={d.id: d.target for d in atlas.datasets.values()},
        topics=frozenset(atlas.topics),
    )


def facts_of_raw(files: list[Any]) -> MapFacts:
    """The same facts from the map's parsed files (each ``{kind: [items]}``), as the schema's defaults fill them."""
    items: dict[str, list[dict[str, Any]]] = {"topics": [], "datasets": [], "focuses": []}
    for raw in files:
        for kind, entries in raw.items():
            if kind in items:
                items[kind].extend(entries)
    focuses = items["focuses"]
    return MapFacts(
        focus_names={f["id"]: f["name"] for f in focuses},
        first_reference={f["id"]: f["references"][0]["repo"] for f in focuses if f.get("references")},
        first_idea={f["id"]: f["ideas"][0]["id"] for f in focuses if f.get("ideas")},
        dataset_forms={d["id"]: d.get("form", "table") for d in items["datasets"]},
        dataset_targets={d["id"]: d.get("target") for d in items["datasets"]},
        topics=frozenset(t["id"] for t in items["topics"]),
    )


def cached_facts() -> MapFacts | None:
    """The facts from the current cache, or None when there is none (or it cannot be read)."""
    from learnloop.atlas.load import _cache_path, _data_files

    files = _data_files(None)
    cache = _cache_path(files)
    if cache is None:
        return None
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or sorted(cached) != sorted(p.name for p in files):
        return None
    try:
        return facts_of_raw(list(cached.values()))
    except (AttributeError, KeyError, IndexError, TypeError):
        return None  # not the shape a validated map has: take the full way


def map_facts() -> MapFacts:
    """The facts, from the current cache when there is one, else from the map loaded the full way."""
    facts = cached_facts()
    if facts is not None:
        return facts
    from learnloop.atlas.load import load_atlas

    return facts_of(load_atlas())
