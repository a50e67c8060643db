"""Any address a learner has: parsed without the network, cloned from local servers only (file://, git daemon)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.study.address import parse_address, reference_source
from learnloop.study.survey import study_repository

GIT = shutil.which("git")
INSTALL_GIT = "apt-get install -y git"


@pytest.mark.parametrize(
    ("text", "kind", "location", "name"),
    [
        ("https://github.com/tkipf/pygcn", "git", "https://github.com/tkipf/pygcn.git", "pygcn"),
        ("https://github.com/tkipf/pygcn/", "git", "https://github.com/tkipf/pygcn.git", "pygcn"),
        ("github.com/karpathy/nanoGPT.git", "git", "https://github.com/karpathy/nanoGPT.git", "nanoGPT"),
        ("tkipf/pygcn", "git", "https://github.com/tkipf/pygcn.git", "pygcn"),
        ("git@github.com:tkipf/pygcn.git", "git", "git@github.com:tkipf/pygcn.git", "pygcn"),
        ("https://gitlab.com/group/sub/project.git", "git", "https://gitlab.com/group/sub/project.git", "project"),
        ("ssh://git@example.org/x/y", "git", "ssh://git@example.org/x/y", "y"),
        ("git://127.0.0.1:9418/repo.git", "git", "git://127.0.0.1:9418/repo.git", "repo"),
    ],
)
def test_addresses_are_parsed_without_the_network(text: str, kind: str, location: str, name: str) -> None:
    address = parse_address(text)
    assert (address.kind, address.location, address.name) == (kind, location, name)


def test_a_github_page_of_a_branch_keeps_the_branch() -> None:
    address = parse_address("https://github.com/karpathy/nanoGPT/tree/master")
    assert address.ref == "master" and address.location == "https://github.com/karpathy/nanoGPT.git"


def test_a_folder_that_looks_like_owner_name_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert parse_address("a/b").kind == "folder"


@pytest.mark.parametrize("text", ["", "not a repo at all", "/no/such/place", "a\nb"])
def test_bad_addresses_are_one_clear_line(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_address(text)
    assert "\n" not in str(caught.value) and caught.value.field == "source"


def test_reference_accepts_what_study_accepts(tmp_path: Path) -> None:
    archive = tmp_path / "pygcn-master.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pygcn-master/train.py", "print(1)\n")
    assert reference_source(str(archive)) == str(archive.resolve())
    assert reference_source("tkipf/pygcn") == "https://github.com/tkipf/pygcn"
    assert reference_source("https://github.com/tkipf/pygcn") == "https://github.com/tkipf/pygcn"
    assert reference_source("git@github.com:tkipf/pygcn.git") == "git@github.com:tkipf/pygcn.git"
    assert reference_source(str(tmp_path)) == str(tmp_path.resolve())


# --- cloning, from servers on this machine only ---------------------------------------------------------------


def _git(*args: str, cwd: Path | None = None) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def bare_repo(tmp_path: Path, require_system: Callable[[str, bool, str], None]) -> Path:
    """A bare repository holding a tiny project, with a post-checkout hook and a filter that would leave a mark
    if git ever ran them (it must not: hooks are off, the repository's configuration is never used)."""
    require_system("git", GIT is not None, INSTALL_GIT)
    work = tmp_path / "work"
    work.mkdir()
    (work / "README.md").write_text("# tiny\n\nRun `python train.py`.\n")
    (work / "train.py").write_text("import torch\n\nfor epoch in range(2):\n    loss.backward()\n")
    (work / ".gitattributes").write_text("*.py filter=mark\n")
    (work / ".gitmodules").write_text('[submodule "sub"]\n\tpath = sub\n\turl = https://example.invalid/sub\n')
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "first", cwd=work)
    bare = tmp_path / "tiny.git"
    _git("clone", "-q", "--bare", str(work), str(bare))
    mark = tmp_path / "ran"
    hook = bare / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {mark}\n")
    hook.chmod(0o755)
    with open(bare / "config", "a") as config:
        config.write(
            f'[filter "mark"]\n\tsmudge = touch {mark}; cat\n\trequired = true\n'
            f"[core]\n\thooksPath = {bare / 'hooks'}\n"
        )
    return bare


def test_a_bare_repository_is_read_through_git_archive(bare_repo: Path, tmp_path: Path) -> None:
    report = study_repository(bare_repo, with_map=False)
    assert report.origin == "bare" and report.name == "tiny"
    assert report.totals.python_files == 1 and report.totals.lines > 0
    assert [e.path for e in report.entry_points] == ["train.py"]
    assert not (tmp_path / "ran").exists()  # neither its hook nor its filter ran


def test_a_file_url_is_cloned_into_the_cache_and_reused(bare_repo: Path, tmp_path: Path) -> None:
    phases: list[str] = []
    url = bare_repo.as_uri()
    first = study_repository(url, with_map=False, progress=lambda phase, _d, _t: phases.append(phase))
    assert first.origin == "cloned" and first.name == "tiny" and first.totals.python_files == 1
    assert "cloning" in phases
    clones = list((tmp_path / "cache" / "study" / "clones").iterdir())
    assert len(clones) == 1 and (clones[0] / "train.py").is_file()
    assert not (clones[0] / "sub").exists() or not any((clones[0] / "sub").iterdir())  # no submodules
    second = study_repository(url, with_map=False)
    assert second.origin == "reused" and second.totals == first.totals
    assert not (tmp_path / "ran").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_git_daemon_on_localhost_is_cloned(bare_repo: Path, tmp_path: Path) -> None:
    port = _free_port()
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            f"--base-path={bare_repo.parent}",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(bare_repo.parent),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):  # wait until it listens
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        report = study_repository(f"git://127.0.0.1:{port}/{bare_repo.name}", with_map=False)
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
    assert report.origin == "cloned" and report.where.training[0].path == "train.py"


def test_a_clone_that_fails_is_one_line(tmp_path: Path, require_system: Callable[[str, bool, str], None]) -> None:
    require_system("git", GIT is not None, INSTALL_GIT)
    port = _free_port()  # nothing listens there
    with pytest.raises(UserError) as caught:
        study_repository(f"git://127.0.0.1:{port}/nothing.git", with_map=False)
    assert "git could not clone it" in str(caught.value) and "\n" not in str(caught.value)
    assert not list((tmp_path / "cache" / "study" / "clones").glob("*/"))  # nothing half-cloned is kept


def test_the_clone_size_cap_stops_git(bare_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import learnloop.study.address as address_module

    monkeypatch.setattr(address_module, "MAX_CLONE_BYTES", 10)
    original = address_module.clone

    def capped(*args: object, **kwargs: object) -> None:
        kwargs["max_bytes"] = 10
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(address_module, "clone", capped)
    with pytest.raises(UserError, match="grew past"):
        study_repository(bare_repo.as_uri(), with_map=False)


def test_refresh_clones_again_and_sees_the_new_commit(bare_repo: Path, tmp_path: Path) -> None:
    url = bare_repo.as_uri()
    first = study_repository(url, with_map=False)
    assert first.origin == "cloned" and first.totals.python_files == 1
    work = tmp_path / "work"
    (work / "sample.py").write_text("print('sampled')\n")
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "second", cwd=work)
    _git("push", "-q", str(bare_repo), "main", cwd=work)
    reused = study_repository(url, with_map=False)
    assert reused.origin == "reused" and reused.totals.python_files == 1  # the cached clone, as it was
    fresh = study_repository(url, with_map=False, refresh=True)
    assert fresh.origin == "cloned" and fresh.totals.python_files == 2
    clones = list((tmp_path / "cache" / "study" / "clones").iterdir())
    assert len(clones) == 1 and (clones[0] / "sample.py").is_file()  # replaced in place, no staging left
    assert not (tmp_path / "ran").exists()


def test_refresh_of_a_folder_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        study_repository(tmp_path, with_map=False, refresh=True)
    assert caught.value.field == "refresh" and "nothing to refresh" in str(caught.value)
