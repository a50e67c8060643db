"""Walk a repository: the files worth reading, and what was left out and why.

Nothing here opens a file except ``.gitignore`` files. Version control folders, virtualenvs,
caches and ``node_modules`` are left out; so is whatever the repository's ``.gitignore`` files (and
``.git/info/exclude``) ignore. Symbolic links are never followed: a link inside the tree points at
a file read where it lives; a link that loops, dangles or leaves the tree is reported.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnloop.study.languages import language_table
from learnloop.study.notices import FileNotice

# Folders that are never the repository's own source.
EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "__pycache__",
        "node_modules",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
        ".eggs",
        ".hypothesis",
        ".cache",
        "site-packages",
        ".idea",
        ".vscode",
    }
)
EXCLUDED_SUFFIXES = (".egg-info", ".dist-info")
VENV_MARKERS = ("pyvenv.cfg", "conda-meta")

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_IGNORE_BYTES = 1024 * 1024
# A notebook is judged by the size of its source, not of its saved outputs (a 4 MB notebook may hold 36 KB of
# code): its file may be this many times the limit before it is left out unread.
NOTEBOOK_FILE_FACTOR = 32
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular_bytes(path: str, limit: int, *, sniff: int = 0) -> bytes | None:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; None when the first ``sniff`` bytes
    hold a NUL (binary content, the rest is not read).

    Opened without following a link and without blocking, then checked to be a regular file before a byte is
    read: a pipe, socket or device (even one put in place of a file after the walk) raises ``OSError``, as does
    a file larger than ``limit``, so nothing here hangs or fills memory.

    Not :func:`learnloop.files.read_regular`, on purpose: that one reads a file the learner named (it follows a
    link, stats the path first to word a one-line error, and raises ``UserError``s); this one runs once per file
    of a studied tree, where a link is never followed, one ``fstat`` must do, a binary file is left after its
    first bytes, and a refusal is an ``OSError`` that becomes a notice on the report."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file: not opened")
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"{info.st_size / 1024**2:.1f} MiB, over the limit: not read")
        chunks: list[bytes] = []
        if sniff:
            head = os.read(fd, sniff)
            if b"\0" in head:
                return None
            chunks.append(head)
        total = sum(len(c) for c in chunks)
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise OSError(errno.EFBIG, "grew past the limit while being read: not read")
        return b"".join(chunks)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class FoundFile:
    """A file to read: its path relative to the root (POSIX), its size, its language (None: not counted)."""

    path: str
    size: int
    language: str | None
    mtime_ns: int = 0


@dataclass
class Scan:
    files: list[FoundFile] = field(default_factory=list)
    other_files: int = 0
    other_bytes: int = 0
    excluded: list[str] = field(default_factory=list)
    ignored_files: int = 0
    notices: list[FileNotice] = field(default_factory=list)


@dataclass(frozen=True)
class _Ignore:
    """One .gitignore file: the folder it sits in (relative, '' for the root) and its compiled patterns."""

    base: str
    spec: Any

    def decides(self, relative: str, is_dir: bool) -> bool | None:
        inner = relative[len(self.base) + 1 :] if self.base else relative
        result = self.spec.check_file(inner + "/" if is_dir else inner)
        return result.include


def _ignored(rules: tuple[_Ignore, ...], relative: str, is_dir: bool) -> bool:
    for rule in reversed(rules):  # the deepest .gitignore that has a say decides
        verdict = rule.decides(relative, is_dir)
        if verdict is not None:
            return verdict
    return False


def _read_ignore(path: str, base: str) -> _Ignore | None:
    import pathspec

    try:
        data = read_regular_bytes(path, MAX_IGNORE_BYTES)
    except OSError:
        return None  # a pipe or a device named .gitignore is never opened for reading
    lines = (data or b"").decode("utf-8", "replace").splitlines()
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return _Ignore(base, spec) if len(spec) else None


def scan_tree(root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, use_gitignore: bool = True) -> Scan:
    """List the files under ``root`` worth reading, without opening them."""
    table = language_table()
    scan = Scan()
    root_real = os.path.realpath(root)
    base_rules: tuple[_Ignore, ...] = ()
    if use_gitignore:
        exclude = os.path.join(root_real, ".git", "info", "exclude")
        rule = _read_ignore(exclude, "") if os.path.lexists(exclude) else None
        base_rules = (rule,) if rule else ()
    stack: list[tuple[str, str, tuple[_Ignore, ...]]] = [(root_real, "", base_rules)]
    while stack:
        folder, relative, rules = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            scan.notices.append(
                FileNotice(
                    path=relative or ".", kind="unreadable", detail=f"folder not readable ({exc.strerror or exc})"
                )
            )
            continue
        names = {e.name for e in entries}
        if relative and _is_virtualenv(folder, names):
            scan.excluded.append(relative + "/")
            continue
        if use_gitignore and ".gitignore" in names and _regular(folder, ".gitignore"):
            rule = _read_ignore(os.path.join(folder, ".gitignore"), relative)
            if rule is not None:
                rules = (*rules, rule)
        subfolders: list[tuple[str, str, tuple[_Ignore, ...]]] = []
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_symlink():
                    notice = _symlink_notice(entry, path, root_real)
                    if notice is not None:
                        scan.notices.append(notice)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in EXCLUDED_DIRS or entry.name.endswith(EXCLUDED_SUFFIXES):
                        scan.excluded.append(path + "/")
                    elif rules and _ignored(rules, path, True):
                        scan.excluded.append(path + "/ (.gitignore)")
                    else:
                        subfolders.append((entry.path, path, rules))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue  # sockets, pipes, devices
                if rules and _ignored(rules, path, False):
                    scan.ignored_files += 1
                    continue
                info = entry.stat(follow_symlinks=False)
                size = info.st_size
            except OSError as exc:
                scan.notices.append(FileNotice(path=path, kind="unreadable", detail=exc.strerror or str(exc)))
                continue
            language = table.language_of(entry.name)
            cap = max_file_bytes * NOTEBOOK_FILE_FACTOR if language == "Jupyter Notebook" else max_file_bytes
            if language is None:
                scan.other_files += 1
                scan.other_bytes += size
            elif size > cap:
                scan.notices.append(
                    FileNotice(
                        path=path,
                        kind="oversized",
                        detail=f"{size / 1024**2:.1f} MiB, over the {max_file_bytes / 1024**2:.1f} MiB limit: not read",
                    )
                )
            else:
                scan.files.append(FoundFile(path, size, language, info.st_mtime_ns))
        stack.extend(reversed(subfolders))
    return scan


def _regular(folder: str, name: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(os.path.join(folder, name)).st_mode)
    except OSError:
        return False


def _is_virtualenv(folder: str, names: set[str]) -> bool:
    if any(marker in names for marker in VENV_MARKERS):
        return True
    return "bin" in names and "lib" in names and os.path.isfile(os.path.join(folder, "bin", "activate"))


def _symlink_notice(entry: os.DirEntry[str], path: str, root_real: str) -> FileNotice | None:
    try:
        os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileNotice(path=path, kind="symlink-loop", detail="a link that loops back on itself: not followed")
        return FileNotice(
            path=path, kind="broken-symlink", detail=f"points at {os.readlink(entry.path)!r}, which does not exist"
        )
    target = os.path.realpath(entry.path)
    if target != root_real and not target.startswith(root_real + os.sep):
        return FileNotice(path=path, kind="symlink-outside", detail="points outside the repository: not followed")
    parent = os.path.dirname(os.path.abspath(entry.path))
    parent_real = os.path.realpath(parent)
    if os.path.isdir(target) and (parent_real == target or parent_real.startswith(target + os.sep)):
        return FileNotice(path=path, kind="symlink-loop", detail="links to a folder that contains it: not followed")
    return None  # a link to something inside the tree, read where it lives
