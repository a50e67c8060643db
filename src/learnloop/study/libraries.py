"""Name the libraries a repository imports: their distributions (what ``pip install`` wants) and their
cards on the map (torch -> PyTorch, with the focuses whose stack uses it).

Import name -> distribution, in order: the table of known mismatches (``data/import_names.yaml``),
an installed distribution of that very name, the installed distribution that ships that top-level
module (what ``importlib.metadata.packages_distributions()`` tells, read for just the names asked:
see :class:`InstalledDistributions`), and last the import name itself, marked as a guess. Nothing
here imports the libraries.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from learnloop.study.report import Library, StackRef, TopicRef
from learnloop.study.tables import read_table


@dataclass
class LibraryUse:
    """Which modules import a library, and whether any of them needs it (outside try/except ImportError)."""

    modules: set[str] = field(default_factory=set)
    required: bool = False


def normalize(name: str) -> str:
    """PEP 503 normal form: ``Scikit_Learn`` and ``scikit-learn`` are the same distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def distribution_table() -> dict[str, str]:
    return dict(read_table("import_names")["distributions"])


def library_key(module: str) -> str:
    """The library an imported module belongs to: the longest dotted entry of the table that is the module or
    holds it (``google.protobuf``), else its top-level name."""
    table = distribution_table()
    parts = module.split(".")
    for size in range(len(parts), 1, -1):
        candidate = ".".join(parts[:size])
        if candidate in table:
            return candidate
    return parts[0]


def find_distribution(key: str) -> tuple[str, Literal["table", "installed", "guess"], str | None]:
    """(distribution, where the answer came from, installed version or None) for a library key."""
    table = distribution_table()
    installed = installed_distributions()
    if key in table:
        name = table[key]
        return name, "table", installed.version(name)
    version = installed.version(key)
    if version is not None:
        return installed.name(key), "installed", version
    provider = installed.provider(key.split(".")[0])
    if provider is not None:
        return provider, "installed", installed.version(provider)
    return key, "guess", None


class InstalledDistributions:
    """The distributions installed on ``sys.path``, read from their ``*.dist-info`` folder names.

    This answers what ``importlib.metadata.packages_distributions()`` answers, for the few names a study
    asks about: that function infers every distribution's top-level names from its RECORD file and costs
    0.3-0.5 s here; reading folder names, ``top_level.txt`` and, only when needed, RECORD files takes
    milliseconds.
    """

    def __init__(self, paths: list[str]) -> None:
        self._by_name: dict[str, tuple[str, str, str]] = {}  # normalized -> (name, version, folder)
        # The top-level names found on the path (``pkg/``, ``mod.py``, ``ext.cpython-311-....so``), None when an
        # entry is an archive (a zipped egg) whose names are not listed: a module that is not on the path is
        # shipped by no installed distribution, so its RECORD search is skipped (200 RECORD files cost 0.05 s).
        self._present: set[str] | None = set()
        for entry in paths:
            if entry and os.path.isfile(entry):
                self._present = None
            try:
                names = os.listdir(entry) if entry and os.path.isdir(entry) else []
            except OSError:
                continue
            for name in names:
                if self._present is not None:
                    self._present.add(name.split(".", 1)[0])
                if name.endswith((".dist-info", ".egg-info")):
                    distribution, _, rest = name.rsplit(".", 1)[0].partition("-")
                    version = rest.split("-")[0] or None
                    self._by_name.setdefault(
                        normalize(distribution), (distribution, version or "", os.path.join(entry, name))
                    )
        self._records: dict[str, str] = {}
        self._tops: dict[str, list[str]] | None = None

    def version(self, distribution: str) -> str | None:
        found = self._by_name.get(normalize(distribution))
        return (found[1] or None) if found else None

    def name(self, distribution: str) -> str:
        found = self._by_name.get(normalize(distribution))
        return found[0].replace("_", "-") if found else distribution

    def provider(self, top: str) -> str | None:
        """The installed distribution that ships the top-level module ``top``, if any."""
        if self._present is not None and top not in self._present:
            return None
        candidates = []
        for normalized, (_name, _version, folder) in self._by_name.items():
            listed = self._read(os.path.join(folder, "top_level.txt"))
            if listed and top in listed.split():
                candidates.append(normalized)
        if not candidates:
            candidates = self._record_tops().get(top, [])
        return self._by_name[sorted(candidates)[0]][0].replace("_", "-") if candidates else None

    def _record_tops(self) -> dict[str, list[str]]:
        """Top-level module -> distributions shipping it, from every RECORD file (read once, when needed)."""
        if self._tops is None:
            self._tops = {}
            for normalized, (_name, _version, folder) in self._by_name.items():
                record = self._read(os.path.join(folder, "RECORD"))
                for top in set(_RECORD_TOP.findall(record)):
                    self._tops.setdefault(top, []).append(normalized)
                self._records.pop(os.path.join(folder, "RECORD"), None)
        return self._tops

    def _read(self, path: str) -> str:
        if path not in self._records:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    self._records[path] = handle.read()
            except OSError:
                self._records[path] = ""
        return self._records[path]


_RECORD_TOP = re.compile(r"^([A-Za-z_]\w*)(?:/|\.py,|\.[\w.-]+\.(?:so|pyd),)", re.M)


@functools.cache
def installed_distributions() -> InstalledDistributions:
    return InstalledDistributions(list(sys.path))


def describe_libraries(
    uses: dict[str, LibraryUse], *, stdlib: bool, declared: Iterable[str] = (), atlas: Any = None
) -> list[Library]:
    """One :class:`Library` per key of ``uses``, most used first. ``atlas``: the map's library cards
    (``atlas.cards.LibraryCards``) or the map itself (None: no cards)."""
    declared_names = {normalize(d) for d in declared}
    index = AtlasIndex.build(atlas) if atlas is not None and not stdlib else None
    found: list[Library] = []
    for key, use in uses.items():
        if stdlib:
            found.append(
                Library(import_name=key, kind="stdlib", modules=len(use.modules), optional_only=not use.required)
            )
            continue
        distribution, source, version = find_distribution(key)
        topics, stacks = index.cards(key, distribution) if index else ([], [])
        found.append(
            Library(
                import_name=key,
                kind="third-party",
                modules=len(use.modules),
                distribution=distribution,
                distribution_from=source,
                installed_version=version,
                declared=normalize(distribution) in declared_names or normalize(key) in declared_names,
                optional_only=not use.required,
                topics=topics,
                stacks=stacks,
            )
        )
    found.sort(key=lambda lib: (-lib.modules, lib.import_name.lower()))
    return found


@dataclass
class AtlasIndex:
    """The map's tool cards and stack entries, keyed by normalized names."""

    topics: dict[str, list[TopicRef]]
    stacks_by_import: dict[str, list[StackRef]]
    stacks_by_pip: dict[str, list[StackRef]]

    @classmethod
    def build(cls, atlas: Any) -> AtlasIndex:
        """The index of the map's library cards: ``atlas`` is the cards read lightly (``atlas/cards.py``) or
        a loaded map (its cards are taken from it)."""
        from learnloop.atlas.cards import LibraryCards, cards_of

        cards = atlas if isinstance(atlas, LibraryCards) else cards_of(atlas)
        topics: dict[str, list[TopicRef]] = {}
        for tool in cards.tools:
            ref = TopicRef(id=tool.id, name=tool.name, summary=tool.summary)
            for name in {tool.id, tool.name, *tool.aliases}:
                bucket = topics.setdefault(normalize(name), [])
                if ref not in bucket:
                    bucket.append(ref)
        by_import: dict[str, list[StackRef]] = {}
        by_pip: dict[str, list[StackRef]] = {}
        for entry in cards.stacks:
            stack_ref = StackRef(focus=entry.focus, focus_name=entry.focus_name, role=entry.role)
            by_import.setdefault(entry.import_name, []).append(stack_ref)
            by_pip.setdefault(normalize(entry.pip), []).append(stack_ref)
        return cls(topics, by_import, by_pip)

    def cards(self, key: str, distribution: str) -> tuple[list[TopicRef], list[StackRef]]:
        topics: list[TopicRef] = []
        for name in dict.fromkeys((normalize(key), normalize(distribution))):
            for ref in self.topics.get(name, []):
                if ref not in topics:
                    topics.append(ref)
        stacks: list[StackRef] = []
        for stack_ref in (*self.stacks_by_import.get(key, []), *self.stacks_by_pip.get(normalize(distribution), [])):
            if stack_ref not in stacks:
                stacks.append(stack_ref)
        return topics, stacks
