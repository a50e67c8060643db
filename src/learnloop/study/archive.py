"""Open what the learner asked to study: a folder as it is, or a .zip / .tar.* archive unpacked safely.

Unpacking never writes outside a fresh temporary folder: members with absolute paths, ``..`` parts,
links, devices or anything the ``tarfile`` *data* filter refuses are skipped and reported. Sizes are
capped so that a zip bomb stops with a clear message instead of filling the disk.
"""

from __future__ import annotations

import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from learnloop.errors import UserError
from learnloop.study.notices import FileNotice

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar")
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_MEMBERS = 200_000


@dataclass
class OpenedSource:
    """A folder ready to be read, the name to show for it, and what unpacking left out."""

    root: Path
    name: str
    notices: list[FileNotice] = field(default_factory=list)


def archive_suffix(path: Path) -> str | None:
    lower = path.name.lower()
    return next((s for s in ARCHIVE_SUFFIXES if lower.endswith(s)), None)


@contextmanager
def opened_source(source: str | Path) -> Iterator[OpenedSource]:
    """Yield the folder to study; an archive is unpacked into a temporary folder removed afterwards."""
    path = Path(source).expanduser()
    if not path.exists() and not path.is_symlink():
        raise UserError(f"{source}: no such file or folder")
    if path.is_dir():
        resolved = path.resolve()
        yield OpenedSource(root=resolved, name=resolved.name or str(resolved))
        return
    suffix = archive_suffix(path)
    if not path.is_file() or suffix is None:
        raise UserError(f"{source}: not a folder or an archive (.zip, .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar)")
    name = path.name[: -len(suffix)]
    with tempfile.TemporaryDirectory(prefix="learnloop-study-") as tmp:
        target = Path(tmp) / "unpacked"
        target.mkdir()
        notices = unpack(path, target)
        yield OpenedSource(root=single_top_folder(target), name=name, notices=notices)


def single_top_folder(target: Path) -> Path:
    """GitHub archives hold one folder (``pygcn-master/``); study inside it."""
    entries = [e for e in target.iterdir() if e.name not in ("__MACOSX",)]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return target


def unpack(archive: Path, target: Path) -> list[FileNotice]:
    """Unpack ``archive`` into the empty folder ``target``; return notices for the members left out."""
    try:
        if archive.name.lower().endswith(".zip"):
            return _unpack_zip(archive, target)
        return _unpack_tar(archive, target)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None and "No space" in str(exc):
            raise UserError(f"{archive.name}: ran out of disk space while unpacking") from None
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"{archive.name}: cannot read the archive ({reason})") from None


def safe_member_path(name: str) -> PurePosixPath | None:
    """The relative path a member may be written to, or None when it would land outside the target."""
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(cleaned).parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return PurePosixPath(*parts)


def _unpack_zip(archive: Path, target: Path) -> list[FileNotice]:
    notices: list[FileNotice] = []
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        _check_size(archive, len(infos), sum(i.file_size for i in infos))
        for info in infos:
            relative = safe_member_path(info.filename)
            mode = info.external_attr >> 16
            if relative is None:
                notices.append(_left_out(info.filename, "its path points outside the archive's folder"))
                continue
            if stat.S_ISLNK(mode):
                notices.append(_left_out(info.filename, "links inside archives are not followed"))
                continue
            destination = target.joinpath(*relative.parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(destination, "wb") as out:
                _copy_capped(src, out, info.file_size, archive)
    return notices


def _copy_capped(src: BinaryIO, out: BinaryIO, declared: int, archive: Path) -> None:
    """Copy one member, refusing it if it grows past the size its header declared (a forged zip)."""
    written = 0
    while chunk := src.read(1 << 20):
        written += len(chunk)
        if written > declared + (1 << 20):
            raise UserError(f"{archive.name}: a member unpacks to more than its declared size; refusing it")
        out.write(chunk)


def _unpack_tar(archive: Path, target: Path) -> list[FileNotice]:
    notices: list[FileNotice] = []

    def keep_safe(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
        if member.islnk() or member.issym():
            notices.append(_left_out(member.name, "links inside archives are not followed"))
            return None
        try:
            return tarfile.data_filter(member, path)
        except tarfile.FilterError as exc:
            notices.append(_left_out(member.name, str(exc)))
            return None

    with tarfile.open(archive) as tf:
        members = tf.getmembers()
        _check_size(archive, len(members), sum(m.size for m in members if m.isfile()))
        tf.extractall(target, filter=keep_safe)
    return notices


def _check_size(archive: Path, members: int, unpacked: int) -> None:
    if members > MAX_MEMBERS:
        raise UserError(f"{archive.name}: holds {members:,} entries, more than the {MAX_MEMBERS:,} studied")
    if unpacked > MAX_UNPACKED_BYTES:
        raise UserError(f"{archive.name}: would unpack to {unpacked / 1024**3:.1f} GiB, more than the "
                        f"{MAX_UNPACKED_BYTES / 1024**3:.0f} GiB allowed")


def _left_out(name: str, why: str) -> FileNotice:
    return FileNotice(path=name, kind="archive-member", detail=f"not unpacked: {why}")
