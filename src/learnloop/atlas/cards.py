"""The map's library cards, read lightly: what ``study`` needs of the map, without validating all of it.

A study names the libraries a repository imports and shows their cards: the map's tool topics (id, name,
summary, aliases) and the focuses whose stack uses them (focus, its name, the package's role). Loading the
whole map the full way (``atlas/load.py``: every data file's YAML, every item through pydantic, every
cross-reference) costs more than the rest of a small study; these facts are a few hundred strings.

So this module reads them from the map's own data as plain values, the way ``atlas/glance.py`` reads the
loop's facts: from the map's JSON cache when it is current (that cache is written only after the map passed
validation), else from the YAML files that hold topics or focuses (resources and data sets are not parsed),
with the schema's defaults filled in, and kept in a small JSON cache of their own for the next study.
One source of truth: ``tests/atlas/test_cards.py`` checks that the cards read here are the cards of the
validated map (:func:`cards_of`), and the map's own tests validate the YAML. Anything not shaped the way
a valid map is makes :func:`library_cards` take the full way instead.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The kinds this reader needs; a data file holds exactly one top-level key (see atlas/load.py).
NEEDED = ("topics", "focuses")
_TOP_KEY = re.compile(r"^([A-Za-z_]\w*)\s*:", re.M)


@dataclass(frozen=True, slots=True)
class ToolCard:
    """A tool topic of the map: a library or a program (``learnloop map ID`` shows all of it)."""

    id: str
    name: str
    summary: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StackEntry:
    """One package of a focus's stack: who uses the library, and what for."""

    focus: str
    focus_name: str
    pip: str
    import_name: str
    role: str


@dataclass(frozen=True, slots=True)
class LibraryCards:
    """Every tool card and stack entry of the map, in the map's order."""

    tools: tuple[ToolCard, ...]
    stacks: tuple[StackEntry, ...]


def cards_of(atlas: Any) -> LibraryCards:
    """The cards of a loaded (validated) map: the reference the light reader must agree with."""
    return LibraryCards(
        tools=tuple(
            ToolCard(id=t.id, name=t.name, summary=t.summary, aliases=tuple(t.aliases))
            for t in atlas.topics.values()
            if t.kind == "tool"
        ),
        stacks=tuple(
            StackEntry(focus=f.id, focus_name=f.name, pip=p.pip, import_name=p.import_name, role=p.role)
            for f in atlas.focuses.values()
            for p in f.stack
        ),
    )


def cards_of_raw(files: Iterable[Any]) -> LibraryCards:
    """The same cards from parsed data files (each ``{kind: [items]}``), as the schema's defaults fill them."""
    tools: list[ToolCard] = []
    stacks: list[StackEntry] = []
    for raw in files:
        for kind, entries in raw.items():
            if kind == "topics":
                tools.extend(
                    ToolCard(id=t["id"], name=t["name"], summary=t["summary"], aliases=tuple(t.get("aliases") or ()))
                    for t in entries
                    if t["kind"] == "tool"
                )
            elif kind == "focuses":
                stacks.extend(
                    StackEntry(
                        focus=f["id"], focus_name=f["name"], pip=p["pip"], import_name=p["import_name"], role=p["role"]
                    )
                    for f in entries
                    for p in f["stack"]
                )
    return LibraryCards(tools=tuple(tools), stacks=tuple(stacks))


def read_cards(*, use_cache: bool = True) -> LibraryCards | None:
    """The cards of the packaged map read lightly, or None when the data is not shaped as a valid map's.

    ``use_cache``: take them from the map's validated JSON cache, or from this reader's own (the cards alone,
    keyed like the map's cache on the data files' names, sizes and times), when current; keep them in the
    latter after reading the YAML."""
    from learnloop.atlas.load import _cache_path, _data_files

    try:
        files = _data_files(None)
        raw = _cached(files) if use_cache else None
        if raw is not None:
            return cards_of_raw(raw)
        own = _own_cache(_cache_path(files)) if use_cache else None
        if own is not None and own.exists():
            try:
                return _from_json(json.loads(own.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, KeyError):
                pass  # read it again from the YAML
        cards = cards_of_raw(_needed_yaml(files))
    except (OSError, AttributeError, KeyError, IndexError, TypeError, ValueError):
        return None  # the full way says what is wrong
    if own is not None:
        _keep(own, cards)
    return cards


def _own_cache(map_cache: Path | None) -> Path | None:
    """``cards-<digest>.json`` beside the map's ``atlas-<digest>.json`` (same digest: same data files)."""
    return None if map_cache is None else map_cache.with_name(map_cache.name.replace("atlas-", "cards-", 1))


def _from_json(data: dict[str, Any]) -> LibraryCards:
    return LibraryCards(
        tools=tuple(ToolCard(id=i, name=n, summary=s, aliases=tuple(a)) for i, n, s, a in data["tools"]),
        stacks=tuple(StackEntry(*entry) for entry in data["stacks"]),
    )


def _keep(path: Path, cards: LibraryCards) -> None:
    """Write the cards atomically (a temporary file, then a rename); a read-only cache folder only costs speed."""
    data = {
        "tools": [[t.id, t.name, t.summary, list(t.aliases)] for t in cards.tools],
        "stacks": [[e.focus, e.focus_name, e.pip, e.import_name, e.role] for e in cards.stacks],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass


def _cached(files: list[Any]) -> list[Any] | None:
    """The parsed files from the map's JSON cache when it is current (it holds only a validated map)."""
    from learnloop.atlas.load import _cache_path

    cache = _cache_path(files)
    if cache is None:
        return None
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or sorted(cached) != sorted(p.name for p in files):
        return None
    return list(cached.values())


def _needed_yaml(files: list[Any]) -> list[Any]:
    """The YAML of the data files whose one top-level key is ``topics`` or ``focuses``: the first key of a file
    is read from its text, and only those files are parsed (a file whose key cannot be seen is parsed too)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parsed = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        first = _TOP_KEY.search(text)
        if first is not None and first.group(1) not in NEEDED:
            continue
        try:
            raw = yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path.name}: not valid YAML") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"{path.name}: not a mapping")
        parsed.append(raw)
    return parsed


@functools.cache
def library_cards() -> LibraryCards:
    """The packaged map's cards: read lightly when the data allows, else from the map loaded the full way."""
    cards = read_cards()
    if cards is not None:
        return cards
    from learnloop.atlas.load import load_atlas

    return cards_of(load_atlas())
