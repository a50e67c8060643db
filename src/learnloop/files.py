"""Safe writes to and reads from a path the learner named.

Every option that writes a file (an export, a report, a picture, a calendar file, a notes file)
goes through :func:`write_atomic`: it refuses a target that exists and is not a regular file
(a symlink, a device, a FIFO, a folder), refuses to replace an existing file unless asked, and
writes a temp file in the same folder, fsyncs it, renames it into place and fsyncs the folder,
so a kill or a full disk never leaves an empty or half-written file under the learner's name.

Every read of a file the learner named goes through :func:`read_regular`: regular files only,
size checked before reading, and the read itself bounded.

The errors are :class:`~learnloop.errors.UserError` subclasses; ``field`` is left to the
caller (who knows which option or form field named the path), and ``path`` holds the path.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import tempfile
from contextvars import ContextVar
from pathlib import Path

from learnloop.errors import UserError

__all__ = [
    "FileError",
    "FileExists",
    "FileTooLarge",
    "NotARegularFile",
    "read_regular",
    "write_atomic",
]


class FileError(UserError):
    """A named file cannot be written or read (the message says why, in one line)."""

    def __init__(self, message: str, *, path: Path | str, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint, field=field)
        self.path = str(path)


class NotARegularFile(FileError):
    """The path exists and is a symlink, device, FIFO, socket or folder."""


class FileExists(FileError):
    """The path is an existing file and overwriting was not asked for."""


class FileTooLarge(FileError):
    """The file is bigger than the reader accepts."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


_written: ContextVar[list[Path] | None] = ContextVar("learnloop_files_written", default=None)


def record_writes() -> list[Path]:
    """Start recording the paths :func:`write_atomic` writes in this context (the CLI says what Ctrl-C kept)."""
    written: list[Path] = []
    _written.set(written)
    return written


def short_path(path: object) -> str:
    """A path for a one-line message: cut down if someone passed 10,000 characters, no raw newlines."""
    return _short(os.fsdecode(path) if isinstance(path, bytes | os.PathLike) else str(path))


def _short(path: Path | str) -> str:
    """The path for a message, cut down if someone passed 10,000 characters."""
    text = str(path)
    if len(text) > 200:
        text = text[:90] + "…" + text[-90:]
    return text.replace("\n", "\\n").replace("\r", "\\r")


def describe_os_error(exc: OSError) -> str:
    """A learner's words for an OSError (no errno numbers, no Python names)."""
    words = {
        errno.ENAMETOOLONG: "the name is too long",
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOENT: "no such file or folder",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "it is a folder",
        errno.EDQUOT: "the disk quota is used up",
        errno.ELOOP: "too many symbolic links",
        errno.EEXIST: "it already exists",
        errno.EXDEV: "it is on another disk",
    }
    if exc.errno in words:
        return words[exc.errno]
    return exc.strerror or type(exc).__name__


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some platforms cannot open a folder; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _refuse_target(target: Path, *, force: bool) -> None:
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FileError(f"cannot write {_short(target)}: {describe_os_error(exc)}", path=target) from None
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(
            f"{_short(target)} is {_kind(info.st_mode)}, not a regular file; give the name of a new file", path=target
        )
    if not force:
        raise FileExists(f"{_short(target)} already exists", path=target)


def _move_into_place(tmp: Path, target: Path, *, force: bool) -> None:
    """Rename ``tmp`` to ``target``; without ``force`` a hard link makes "create, never replace" atomic."""
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExists(f"{_short(target)} already exists", path=target) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        os.replace(tmp, target)  # the file system has no hard links; the check above has to do
        return
    tmp.unlink()


def write_atomic(
    path: str | os.PathLike[str], data: bytes | str, *, force: bool = False, mode: int | None = None
) -> Path:
    """Write ``data`` to ``path`` all at once, or not at all.

    Refuses (with :class:`NotARegularFile`) a target that exists and is not a regular file, and
    (with :class:`FileExists`) an existing file unless ``force``. Text is written as UTF-8.
    ``mode`` (e.g. ``0o600`` for a secret) is the file's permissions from the first byte on; by default
    the usual ones (0666 less the umask). Returns the path written. Any OSError becomes a :class:`FileError`.
    """
    target = Path(os.fspath(path)).expanduser()
    if os.fspath(path) == "":
        raise FileError("no file name given", path=target)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    _refuse_target(target, force=force)
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:60]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileError(f"cannot write {_short(target)}: {describe_os_error(exc)}", path=target) from None
    tmp = Path(tmp_name)
    try:
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        # mkstemp makes 0600; a learner's file gets the usual permissions (a secret keeps the mode asked for).
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        else:
            os.chmod(tmp, mode)
        _refuse_target(target, force=force)  # again: something may have been put there meanwhile
        _move_into_place(tmp, target, force=force)
    except FileError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise FileError(f"cannot write {_short(target)}: {describe_os_error(exc)}", path=target) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    _sweep_stale_temps(folder, target.name)
    recording = _written.get()
    if recording is not None:
        recording.append(target)
    return target


STALE_TEMP_SECONDS = 600


def _sweep_stale_temps(folder: Path, name: str) -> None:
    """Remove the temp files an earlier write of ``name`` left when it was killed (older than 10 minutes,
    so a write still under way in another process keeps its own)."""
    import time

    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        for leftover in folder.glob(f".{glob.escape(name[:60])}.*.tmp"):
            with contextlib.suppress(OSError):
                info = leftover.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    leftover.unlink()
    except OSError:
        pass


def check_writable_target(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Refuse, before any work is done, a target :func:`write_atomic` would refuse."""
    target = Path(os.fspath(path)).expanduser()
    if os.fspath(path) == "":
        raise FileError("no file name given", path=target)
    _refuse_target(target, force=force)
    try:
        parent = target.parent.stat()
    except FileNotFoundError:
        raise FileError(
            f"cannot write {_short(target.name)}: no such folder {_short(target.parent)}", path=target
        ) from None
    except OSError as exc:
        raise FileError(f"cannot write {_short(target)}: {describe_os_error(exc)}", path=target) from None
    if not stat.S_ISDIR(parent.st_mode):
        raise FileError(f"cannot write {_short(target)}: {_short(target.parent)} is not a folder", path=target)
    return target


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read a regular file of at most ``max_bytes`` bytes.

    The file's kind and size are checked on the open descriptor before reading (so a FIFO,
    a device or a folder is refused without blocking), and the read itself stops at
    ``max_bytes + 1`` bytes in case the file grows meanwhile.
    """
    source = Path(os.fspath(path)).expanduser()
    if os.fspath(path) == "":
        raise FileError("no file name given", path=source)
    try:
        info = source.stat()
    except FileNotFoundError:
        raise FileError(f"no such file: {_short(source)}", path=source) from None
    except OSError as exc:
        raise FileError(f"cannot read {_short(source)}: {describe_os_error(exc)}", path=source) from None
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(f"{_short(source)} is {_kind(info.st_mode)}, not a regular file", path=source)
    if info.st_size > max_bytes:
        raise FileTooLarge(
            f"{_short(source)} is {_size(info.st_size)}; at most {_size(max_bytes)} is read", path=source
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(source, flags)
    except OSError as exc:
        raise FileError(f"cannot read {_short(source)}: {describe_os_error(exc)}", path=source) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped between stat and open
            raise NotARegularFile(f"{_short(source)} is {_kind(opened.st_mode)}, not a regular file", path=source)
        if opened.st_size > max_bytes:
            raise FileTooLarge(
                f"{_short(source)} is {_size(opened.st_size)}; at most {_size(max_bytes)} is read", path=source
            )
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise FileError(f"cannot read {_short(source)}: {describe_os_error(exc)}", path=source) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise FileTooLarge(f"{_short(source)} grew past {_size(max_bytes)} while being read", path=source)
    return data


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB"
    return f"{n / 1024**3:.1f} GB"
