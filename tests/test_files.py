"""Safe named-path writes and bounded reads (learnloop.files). Everything happens inside tmp_path."""

from __future__ import annotations

import errno
import os
import socket
import stat
from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.files import (
    FileError,
    FileExists,
    FileTooLarge,
    NotARegularFile,
    check_writable_target,
    read_regular,
    write_atomic,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_a_new_file_bytes_and_text(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "a.bin", b"\x00\x01") == tmp_path / "a.bin"
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    write_atomic(tmp_path / "b.md", "héllo ✓")
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == "héllo ✓"
    assert _leftovers(tmp_path) == []


def test_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_existing_file_refused_without_force_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "old.json"
    target.write_text("precious")
    with pytest.raises(FileExists) as caught:
        write_atomic(target, "new")
    assert target.read_text() == "precious"
    assert "already exists" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, UserError)
    assert caught.value.path == str(target)  # the caller names the field (its option or form field)
    assert _leftovers(tmp_path) == []


def test_existing_file_replaced_with_force(tmp_path: Path) -> None:
    target = tmp_path / "old.json"
    target.write_text("precious")
    write_atomic(target, "new", force=True)
    assert target.read_text() == "new"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_symlink_refused_and_its_target_untouched(tmp_path: Path, force: bool) -> None:
    real = tmp_path / "real.txt"
    real.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(NotARegularFile) as caught:
        write_atomic(link, "evil", force=force)
    assert "symbolic link" in str(caught.value)
    assert link.is_symlink() and real.read_text() == "keep me"


@pytest.mark.parametrize("force", [False, True])
def test_dangling_symlink_refused(tmp_path: Path, force: bool) -> None:
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(NotARegularFile):
        write_atomic(link, "x", force=force)
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("force", [False, True])
def test_fifo_refused_without_blocking(tmp_path: Path, force: bool) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile) as caught:
        write_atomic(fifo, "x", force=force)
    assert "FIFO" in str(caught.value)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("force", [False, True])
def test_folder_refused(tmp_path: Path, force: bool) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    with pytest.raises(NotARegularFile) as caught:
        write_atomic(folder, "x", force=force)
    assert "folder" in str(caught.value)
    assert folder.is_dir()


def test_socket_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        with pytest.raises(NotARegularFile):
            write_atomic(path, "x", force=True)
    finally:
        sock.close()


def test_device_node_refused(tmp_path: Path) -> None:
    """A character device made inside tmp_path (as root); nothing real is ever opened for writing."""
    node = tmp_path / "null-copy"
    try:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here (not root); the kind check is the same as for a FIFO")
    with pytest.raises(NotARegularFile) as caught:
        write_atomic(node, "x", force=True)
    assert "device" in str(caught.value)
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_empty_name_refused(tmp_path: Path) -> None:
    with pytest.raises(FileError):
        write_atomic("", "x")
    with pytest.raises(FileError):
        read_regular("", 10)


def test_missing_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FileError) as caught:
        write_atomic(tmp_path / "no" / "such" / "f.txt", "x")
    assert "no such file or folder" in str(caught.value)


def test_name_too_long_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FileError) as caught:
        write_atomic(tmp_path / ("x" * 10_000), "x")
    message = str(caught.value)
    assert "too long" in message and len(message) < 400
    with pytest.raises(FileError):
        read_regular(tmp_path / ("x" * 10_000), 10)


def test_read_only_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("learnloop.files.tempfile.mkstemp", refuse)
    with pytest.raises(FileError) as caught:
        write_atomic(tmp_path / "a.txt", "x")
    assert "read-only" in str(caught.value)


@pytest.mark.parametrize(
    ("fail", "force"),
    [("write", True), ("write", False), ("fsync", True), ("fsync", False), ("replace", True), ("link", False)],
)
def test_full_disk_leaves_no_file_and_the_old_one_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: str, force: bool
) -> None:
    old = tmp_path / "plot.png"
    old.write_bytes(b"old picture")
    new = tmp_path / "new.png"

    def no_space(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(f"learnloop.files.os.{fail}", no_space)
    with pytest.raises(FileError) as caught:
        write_atomic(old if force else new, b"x" * 100_000, force=force)
    assert "disk is full" in str(caught.value)
    assert old.read_bytes() == b"old picture"
    assert not new.exists()
    assert _leftovers(tmp_path) == []


def test_interrupt_while_writing_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("learnloop.files.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "a.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_file_appearing_meanwhile_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "race.txt"
    real_fsync = os.fsync

    def plant_then_fsync(fd: int) -> None:
        if not target.exists():
            target.write_text("someone else's")
        real_fsync(fd)

    monkeypatch.setattr("learnloop.files.os.fsync", plant_then_fsync)
    with pytest.raises(FileExists):
        write_atomic(target, "mine")
    assert target.read_text() == "someone else's"


def test_check_writable_target_refuses_early(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(FileExists):
        check_writable_target(tmp_path / "f")
    assert check_writable_target(tmp_path / "f", force=True) == tmp_path / "f"
    with pytest.raises(FileError):
        check_writable_target(tmp_path / "f" / "under-a-file.txt")
    assert check_writable_target(tmp_path / "new") == tmp_path / "new"


def test_read_regular_reads_a_file(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes(b"a,b\n1,2\n")
    assert read_regular(tmp_path / "d.csv", 100) == b"a,b\n1,2\n"
    assert read_regular(tmp_path / "d.csv", 8) == b"a,b\n1,2\n"


def test_read_regular_refuses_a_large_file_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big").write_bytes(b"x" * 1000)

    def no_read(*_a: object) -> bytes:
        raise AssertionError("read before the size check")

    monkeypatch.setattr("learnloop.files.os.read", no_read)
    with pytest.raises(FileTooLarge) as caught:
        read_regular(tmp_path / "big", 999)
    assert "at most" in str(caught.value)


def test_read_regular_follows_a_symlink_to_a_regular_file_only(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"ok")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular(tmp_path / "link", 10) == b"ok"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link-to-pipe").symlink_to(fifo)
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path / "link-to-pipe", 10)


def test_read_regular_refuses_fifo_folder_missing_and_device(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path / "pipe", 10)  # must not block waiting for a writer
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path, 10)
    with pytest.raises(FileError) as caught:
        read_regular(tmp_path / "missing", 10)
    assert "no such file" in str(caught.value)
    with pytest.raises(NotARegularFile):
        read_regular("/dev/null", 10)  # only looked at, never written


def test_read_regular_unreadable_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret").write_bytes(b"x")

    def denied(*_a: object, **_k: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("learnloop.files.os.open", denied)
    with pytest.raises(FileError) as caught:
        read_regular(tmp_path / "secret", 10)
    assert "permission denied" in str(caught.value)


def test_read_regular_stops_if_the_file_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing"
    path.write_bytes(b"abc")
    real_read = os.read

    def read_more(fd: int, n: int) -> bytes:
        return real_read(fd, n) or b"y" * n  # never ends, like /dev/zero would

    monkeypatch.setattr("learnloop.files.os.read", read_more)
    with pytest.raises(FileTooLarge):
        read_regular(path, 10)


def test_temp_files_left_by_a_killed_write_are_swept_later(tmp_path: Path) -> None:
    stale = tmp_path / ".plot.png.abc123.tmp"
    stale.write_bytes(b"half a picture")
    old = os.stat(stale).st_mtime - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".plot.png.def456.tmp"  # another process may be writing this one right now
    fresh.write_bytes(b"in progress")
    other = tmp_path / ".notes.md.abc123.tmp"
    other.write_bytes(b"not ours")
    os.utime(other, (old, old))
    write_atomic(tmp_path / "plot.png", b"whole")
    assert not stale.exists() and fresh.exists() and other.exists()
