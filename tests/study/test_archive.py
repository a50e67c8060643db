"""Archives are unpacked into a temporary folder, and nothing may land outside it."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.study.archive import opened_source, safe_member_path


def test_member_paths_that_escape_are_refused() -> None:
    assert safe_member_path("a/b.py") is not None
    for bad in ("/etc/passwd", "../up.py", "a/../../x", "C:/win.py", "..", "./"):
        assert safe_member_path(bad) is None, bad


def test_a_zip_is_unpacked_without_escapes_or_links(tmp_path: Path) -> None:
    archive = tmp_path / "repo-main.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("repo-main/pkg/__init__.py", "")
        zf.writestr("repo-main/train.py", "import torch\n")
        zf.writestr("../escape.py", "x")
        zf.writestr("/abs.py", "x")
        link = zipfile.ZipInfo("repo-main/link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    with opened_source(archive) as opened:
        assert opened.name == "repo-main" and opened.root.name == "repo-main"
        assert (opened.root / "train.py").read_text() == "import torch\n"
        assert not (opened.root / "link").exists()
        reasons = {n.path: n.detail for n in opened.notices}
        unpacked_to = opened.root.parent
    assert set(reasons) == {"../escape.py", "/abs.py", "repo-main/link"}
    assert not (tmp_path / "escape.py").exists() and not Path("/abs.py").exists()
    assert not unpacked_to.exists()  # the temporary folder is gone afterwards


def test_a_tarball_goes_through_the_data_filter(tmp_path: Path) -> None:
    archive = tmp_path / "proj.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        for name, data in (("proj/a.py", b"import os\n"), ("proj/../../evil.py", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("proj/out")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc"
        tf.addfile(link)
        device = tarfile.TarInfo("proj/dev")
        device.type = tarfile.CHRTYPE
        tf.addfile(device)
    with opened_source(archive) as opened:
        assert opened.name == "proj"
        assert sorted(p.name for p in opened.root.iterdir()) == ["a.py"]
        assert {n.path for n in opened.notices} == {"proj/../../evil.py", "proj/out", "proj/dev"}
    assert not (tmp_path.parent / "evil.py").exists()


def test_bad_inputs_are_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    cases = {
        tmp_path / "nope": "no such file or folder",
        tmp_path / "notes.txt": "not a folder or an archive",
        tmp_path / "broken.zip": "cannot read the archive",
    }
    for path, words in cases.items():
        with pytest.raises(UserError) as caught, opened_source(path):
            pass
        assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import learnloop.study.archive as archive_module

    monkeypatch.setattr(archive_module, "MAX_UNPACKED_BYTES", 1000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", b"\0" * 100_000)
    with pytest.raises(UserError, match="would unpack to"), opened_source(archive, max_member_bytes=10**6):
        pass
