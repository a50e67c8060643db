"""Open what the learner asked to study: a folder as it is, or a .zip / .tar.* archive unpacked safely.

Unpacking never writes outside a fresh temporary folder: members with absolute paths, ``..`` parts,
links, devices or anything the ``tarfile`` *data* filter refuses are skipped and reported. Sizes are
capped so that a zip bomb stops with a clear message instead of filling the disk.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from learnloop.errors import UserError
from learnloop.study.notices import FileNotice

if TYPE_CHECKING:
    import tarfile

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar")
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_MEMBERS = 200_000


@dataclass
class OpenedSource:
    """A folder ready to be read, the name to show for it, what unpacking left out, and where it came from."""

    root: Path
    name: str
    notices: list[FileNotice] = field(default_factory=list)
    origin: str | None = None  # "cloned", "reused" (a clone from the cache), "archive", "bare"


def archive_suffix(path: Path) -> str | None:
    lower = path.name.lower()
    return next((s for s in ARCHIVE_SUFFIXES if lower.endswith(s)), None)


@contextmanager
def opened_source(
    source: str | Path,
    *,
    max_member_bytes: int | None = None,
    progress: Any = None,
    cache: Path | None = None,
    refresh: bool = False,
) -> Iterator[OpenedSource]:
    """Yield the folder to study: a folder as it is; an archive or a bare repository unpacked into a temporary
    folder removed afterwards; a remote repository cloned into the cache (or the clone found there reused;
    ``refresh``: cloned again, the old clone replaced only once the new one is complete)."""
    from learnloop.study.address import archive_bare, cached_clone, parse_address

    address = parse_address(str(source))
    if refresh and address.kind != "git":
        raise UserError(
            "nothing to refresh: only a repository given by its address is cloned into the cache; "
            "a folder, an archive or a bare repository is read as it is now",
            field="refresh",
        )
    if address.kind == "folder":
        yield OpenedSource(root=Path(address.location), name=address.name)
        return
    if address.kind == "git":
        root, reused = cached_clone(address, cache=cache, progress=progress, refresh=refresh)
        yield OpenedSource(root=root, name=address.name, origin="reused" if reused else "cloned")
        return
    import tempfile  # tarfile, zipfile and tempfile only when there is something to unpack: a folder starts faster

    with tempfile.TemporaryDirectory(prefix="learnloop-study-") as tmp:
        if address.kind == "bare":
            tree, notices = archive_bare(
                address, Path(tmp), max_member_bytes=max_member_bytes or MAX_UNPACKED_BYTES, progress=progress
            )
            yield OpenedSource(root=tree, name=address.name, notices=notices, origin="bare")
            return
        target = Path(tmp) / "unpacked"
        target.mkdir()
        notices = unpack(Path(address.location), target, max_member_bytes=max_member_bytes)
        yield OpenedSource(root=single_top_folder(target), name=address.name, notices=notices, origin="archive")


def single_top_folder(target: Path) -> Path:
    """GitHub archives hold one folder (``pygcn-master/``); study inside it."""
    entries = [e for e in target.iterdir() if e.name not in ("__MACOSX",)]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return target


def unpack(archive: Path, target: Path, *, max_member_bytes: int | None = None) -> list[FileNotice]:
    """Unpack ``archive`` into the empty folder ``target``; return notices for the members left out. A member
    larger than ``max_member_bytes`` (as its header says; a forged header is caught while copying) is never
    written: it would be left out of the study anyway."""
    import tarfile
    import zipfile

    cap = max_member_bytes if max_member_bytes is not None else MAX_UNPACKED_BYTES
    try:
        if archive.name.lower().endswith(".zip"):
            return _unpack_zip(archive, target, cap)
        return _unpack_tar(archive, target, cap)
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


def _too_big(name: str, size: int, cap: int) -> FileNotice:
    return FileNotice(
        path=name,
        kind="oversized",
        detail=f"{size / 1024**2:.1f} MiB in the archive, over the {cap / 1024**2:.1f} MiB limit: not unpacked",
    )


def _unpack_zip(archive: Path, target: Path, cap: int) -> list[FileNotice]:
    import zipfile

    notices: list[FileNotice] = []
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        _check_size(archive, len(infos), sum(i.file_size for i in infos if i.file_size <= cap))
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
            if info.file_size > cap:
                notices.append(_too_big(info.filename, info.file_size, cap))
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(destination, "wb") as out:
                _copy_capped(src, out, info.file_size, archive)
    return notices


def _copy_capped(src: IO[bytes], out: IO[bytes], declared: int, archive: Path) -> None:
    """Copy one member, refusing it if it grows past the size its header declared (a forged zip)."""
    written = 0
    while chunk := src.read(1 << 20):
        written += len(chunk)
        if written > declared + (1 << 20):
            raise UserError(f"{archive.name}: a member unpacks to more than its declared size; refusing it")
        out.write(chunk)


def _unpack_tar(archive: Path, target: Path, cap: int) -> list[FileNotice]:
    import tarfile

    notices: list[FileNotice] = []

    def keep_safe(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
        if member.islnk() or member.issym():
            notices.append(_left_out(member.name, "links inside archives are not followed"))
            return None
        if member.isfile() and member.size > cap:
            notices.append(_too_big(member.name, member.size, cap))
            return None
        try:
            return tarfile.data_filter(member, path)
        except tarfile.FilterError as exc:
            notices.append(_left_out(member.name, str(exc)))
            return None

    with tarfile.open(archive) as tf:
        members = tf.getmembers()
        _check_size(archive, len(members), sum(m.size for m in members if m.isfile() and m.size <= cap))
        tf.extractall(target, filter=keep_safe)
    return notices


def _check_size(archive: Path, members: int, unpacked: int) -> None:
    if members > MAX_MEMBERS:
        raise UserError(f"{archive.name}: holds {members:,} entries, more than the {MAX_MEMBERS:,} studied")
    if unpacked > MAX_UNPACKED_BYTES:
        raise UserError(
            f"{archive.name}: would unpack to {unpacked / 1024**3:.1f} GiB, more than the "
            f"{MAX_UNPACKED_BYTES / 1024**3:.0f} GiB allowed"
        )


def _left_out(name: str, why: str) -> FileNotice:
    return FileNotice(path=name, kind="archive-member", detail=f"not unpacked: {why}")
