"""Load the knowledge base once, validate it, and check every cross-reference.

Every ``*.yaml`` file under a data directory holds one top-level key: ``topics``, ``resources``,
``datasets`` or ``focuses``. Several files may hold the same key (``topics-models.yaml``,
``topics-math.yaml``); their lists are joined. Ids are unique across a kind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from learnloop.errors import NotFound, UserError

DATA_PACKAGE = "learnloop.atlas"
KINDS = ("topics", "resources", "datasets", "focuses")


class AtlasError(UserError):
    """A data file is malformed or refers to something that does not exist."""


@dataclass(frozen=True)
class Atlas:
    """The whole map, indexed by id."""

    topics: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    datasets: dict[str, Any] = field(default_factory=dict)
    focuses: dict[str, Any] = field(default_factory=dict)

    def topic(self, topic_id: str) -> Any:
        return _lookup(self.topics, topic_id, "topic")

    def resource(self, resource_id: str) -> Any:
        return _lookup(self.resources, resource_id, "resource")

    def dataset(self, dataset_id: str) -> Any:
        return _lookup(self.datasets, dataset_id, "data set")

    def focus(self, focus_id: str) -> Any:
        return _lookup(self.focuses, focus_id, "focus")

    def resources_for(self, topic_id: str) -> list[Any]:
        """Resources a topic names, then those tagged with it, without repeats."""
        topic = self.topic(topic_id)
        ids = list(topic.resources) + [r.id for r in self.resources.values() if topic_id in r.topics]
        return [self.resources[i] for i in dict.fromkeys(ids)]


def _lookup(table: dict[str, Any], key: str, what: str) -> Any:
    try:
        return table[key]
    except KeyError:
        raise NotFound(what, key, close_ids(key, table.keys())) from None


def close_ids(key: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Ids that look like ``key`` (for 'did you mean')."""
    from rapidfuzz import fuzz, process, utils

    choices = list(candidates)
    found = process.extract(
        key, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit, score_cutoff=60
    )
    return [choice for choice, _score, _index in found]


def _read_yaml(path: Path | Any) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise AtlasError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None


def _parsed_files(directory: Path | None, use_cache: bool) -> list[tuple[Any, Any]]:
    """(path, parsed YAML) for every data file. For the packaged map, the parsed data is cached as JSON
    in the user cache folder, keyed on the files' names, sizes and times: YAML's Python constructor costs a
    quarter of a second, json.loads a few milliseconds, and `learnloop map` should answer at once."""
    files = _data_files(directory)
    cache = _cache_path(files) if directory is None and use_cache else None
    if cache is not None:
        try:
            cached = json.loads(cache.read_text(encoding="utf-8"))
            by_name = {p.name: p for p in files}
            if sorted(cached) == sorted(by_name):
                return [(by_name[name], cached[name]) for name in sorted(cached)]
        except (OSError, ValueError):
            pass
    return [(path, _read_yaml(path)) for path in files]


def _write_cache(parsed: list[tuple[Any, Any]]) -> None:
    """Keep the parsed map as JSON once it has passed validation and the reference check: a current cache
    holds only a valid map, so a quick look at it (``atlas/glance.py``) need not validate it again."""
    cache = _cache_path([path for path, _raw in parsed])
    if cache is None or cache.exists():
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({p.name: raw for p, raw in parsed}, default=str), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only cache folder only costs speed


def _cache_path(files: list[Any]) -> Path | None:
    from learnloop import __version__

    try:
        stamp = "|".join(f"{p.name}:{os.stat(p).st_size}:{os.stat(p).st_mtime_ns}" for p in files)
    except (OSError, TypeError):
        return None  # not plain files (a zipped install): no cache
    # "validated": only maps that passed validation are cached (older caches held raw YAML: never trusted).
    digest = hashlib.sha256(f"{__version__}|validated|{stamp}".encode()).hexdigest()[:16]
    root = os.environ.get("LEARNLOOP_CACHE") or _user_cache()
    return Path(root) / f"atlas-{digest}.json"


def _user_cache() -> str:
    from platformdirs import user_cache_dir

    return user_cache_dir("learnloop", appauthor=False)


def _data_files(directory: Path | None) -> list[Any]:
    if directory is not None:
        return sorted(directory.glob("*.yaml"))
    root = resources.files(DATA_PACKAGE) / "data"
    return sorted((p for p in root.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)


def build_atlas(directory: Path | None = None, *, use_cache: bool = False) -> Atlas:
    """Read, validate and cross-check every data file (the packaged ones unless ``directory`` is given).

    ``use_cache`` reads the packaged YAML through a JSON cache; everything is validated either way."""
    from pydantic import BaseModel, ValidationError

    from learnloop.atlas import schema

    file_models: dict[str, type[BaseModel]] = {
        "topics": schema.TopicFile,
        "resources": schema.ResourceFile,
        "datasets": schema.DatasetFile,
        "focuses": schema.FocusFile,
    }
    tables: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    parsed_files = _parsed_files(directory, use_cache)
    for path, raw in parsed_files:
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in file_models:
            raise AtlasError(f"{path.name}: want exactly one top-level key, one of {', '.join(KINDS)}")
        kind = next(iter(raw))
        try:
            parsed = file_models[kind].model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise AtlasError(f"{path.name}: {loc}: {first['msg']}") from None
        for item in getattr(parsed, kind):
            if item.id in tables[kind]:
                raise AtlasError(f"{path.name}: {kind} id {item.id!r} is defined twice")
            tables[kind][item.id] = item
    atlas = Atlas(**tables)
    problems = check_references(atlas)
    if problems:
        raise AtlasError(f"{len(problems)} broken reference(s) in the map; first: {problems[0]}")
    if directory is None and use_cache:
        _write_cache(parsed_files)
    return atlas


def check_references(atlas: Atlas) -> list[str]:
    """Every id a data file mentions must exist. Returns the problems found, empty when all is well."""
    problems: list[str] = []

    def need(table: dict[str, Any], key: str, where: str) -> None:
        if key not in table:
            problems.append(f"{where} refers to unknown {key!r}")

    for t in atlas.topics.values():
        for other in (*t.related, *t.prerequisites):
            need(atlas.topics, other, f"topic {t.id}")
        for r in t.resources:
            need(atlas.resources, r, f"topic {t.id} resources")
        for p in t.practice:
            if p.kind == "dataset":
                need(atlas.datasets, p.id, f"topic {t.id} practice")
            elif p.kind == "focus":
                need(atlas.focuses, p.id, f"topic {t.id} practice")
    for r in atlas.resources.values():
        for t in r.topics:
            need(atlas.topics, t, f"resource {r.id}")
    for f in atlas.focuses.values():
        for t in f.topics:
            need(atlas.topics, t, f"focus {f.id}")
        for r in f.resources:
            need(atlas.resources, r, f"focus {f.id} resources")
        for idea in f.ideas:
            need(atlas.datasets, idea.dataset, f"focus {f.id} idea {idea.id}")
            if idea.next_step is not None:
                need(atlas.resources, idea.next_step, f"focus {f.id} idea {idea.id} next_step")
                step = atlas.resources.get(idea.next_step)
                if step is not None and step.kind != "dataset":
                    problems.append(
                        f"focus {f.id} idea {idea.id}: next_step {idea.next_step!r} is a {step.kind}, not a dataset"
                    )
    return problems


@functools.cache
def load_atlas() -> Atlas:
    """The packaged map, loaded and checked once per process."""
    return build_atlas(use_cache=True)
