"""What was read from each file last time, kept in the learner's cache so that studying again is quick.

One file per studied folder (``parse/<hash of the folder>.pickle`` under the study cache), holding for
each file its size, modification time and the facts read from it. A file whose size or time changed is
read again; a change to learnloop's readers (their source files' times) or to the size limit makes the
whole cache stale. The cache is written atomically (temporary file, rename); a cache that cannot be read
is ignored, never an error. Archives and bare repositories are unpacked fresh each time: not cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from learnloop.study.inspection import FileFacts
    from learnloop.study.scan import FoundFile

FORMAT = 1
_READERS = (
    "inspection.py",
    "pysource.py",
    "signals.py",
    "notebooks.py",
    "commands.py",
    "languages.py",
    "data/languages.yaml",
)


def _readers_fingerprint() -> str:
    folder = Path(__file__).parent
    stamps = []
    for name in _READERS:
        try:
            info = os.stat(folder / name)
            stamps.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            stamps.append(name)
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()[:16]


class ParseCache:
    """The facts of a folder's files from the last study, and the ones read this time."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self.entries: dict[str, tuple[int, int, Any]] = {}
        self.changed = False

    @classmethod
    def for_folder(cls, root: Path, cache: Path, max_file_bytes: int | None) -> ParseCache:
        real = os.path.realpath(root)
        name = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]
        store = cls(cache / "parse" / f"{name}.pickle", f"{FORMAT}:{_readers_fingerprint()}:{max_file_bytes}:{real}")
        store._load()
        return store

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                key, entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return
        if key == self.key and isinstance(entries, dict):
            self.entries = entries

    def lookup(self, files: list[FoundFile]) -> dict[str, FileFacts]:
        """The facts still true for ``files`` (same size and modification time as when they were read)."""
        found: dict[str, FileFacts] = {}
        for item in files:
            entry = self.entries.get(item.path)
            if entry is not None and entry[0] == item.size and entry[1] == item.mtime_ns and item.mtime_ns:
                found[item.path] = entry[2]
        return found

    def keep(self, files: list[FoundFile], facts: list[FileFacts]) -> None:
        by_path = {f.path: f for f in facts}
        for item in files:
            if item.path in by_path and item.mtime_ns:
                self.entries[item.path] = (item.size, item.mtime_ns, by_path[item.path])
                self.changed = True

    def save(self, files: list[FoundFile]) -> None:
        """Write the cache (only the files that are still there), atomically; a failure is not an error."""
        if not self.changed:
            return
        present = {f.path for f in files}
        entries = {p: e for p, e in self.entries.items() if p in present}
        import tempfile

        with contextlib.suppress(OSError, pickle.PicklingError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".parse-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump((self.key, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self.path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
