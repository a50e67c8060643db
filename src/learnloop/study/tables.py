"""The study's knowledge kept as data: ``study/data/*.yaml`` (languages, import names, model bases).

Parsed YAML is kept as JSON in the learner's cache, keyed on the file's size and time: importing and running
PyYAML costs more than the rest of a small study's start-up, ``json.loads`` a millisecond.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@functools.cache
def read_table(name: str) -> Any:
    """The parsed content of ``data/<name>.yaml`` (read once per process, from the JSON cache when it is fresh)."""
    source = DATA_DIR / f"{name}.yaml"
    cached = _cache_file(source)
    if cached is not None:
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=loader)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data), encoding="utf-8")
            temporary.replace(cached)
        except (OSError, TypeError, ValueError):
            pass  # a read-only cache only costs speed
    return data


def _cache_file(source: Path) -> Path | None:
    try:
        info = source.stat()
    except OSError:
        return None
    root = os.environ.get("LEARNLOOP_CACHE")
    if not root:
        from platformdirs import user_cache_dir

        root = user_cache_dir("learnloop", appauthor=False)
    stamp = hashlib.sha256(f"{source.name}:{info.st_size}:{info.st_mtime_ns}".encode()).hexdigest()[:16]
    return Path(root) / "study" / "tables" / f"{source.stem}-{stamp}.json"
