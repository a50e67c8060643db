"""Any address a learner has for a repository: a folder, an archive, ``OWNER/NAME``, a GitHub page, a git URL.

:func:`parse_address` says what an address is (pure, no network, no subprocess). :func:`fetched_source`
brings a remote one into the learner's cache with a shallow ``git clone`` (git from PATH, hooks and
submodules off, no LFS downloads, size and time capped) and reuses it next time. A bare repository
is read through ``git archive`` of a fresh local clone (so the repository's own configuration, which
could name filters or hooks, is never used), unpacked by :mod:`learnloop.study.archive` with every
member size-checked. git is only ever given the address: nothing of the studied code runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from learnloop.errors import UserError

AddressKind = Literal["folder", "archive", "bare", "git"]
MAX_CLONE_BYTES = 1024**3
CLONE_SECONDS = 300
GitProgress = Callable[[str, int, int], None]

_OWNER_NAME = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>[A-Za-z0-9_.-]{1,100})$")
_GITHUB_PAGE = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/"
    r"(?P<name>[A-Za-z0-9_.-]{1,100}?)(?:\.git)?(?:/(?:tree|blob)/(?P<ref>[^?#]+))?/?(?:[?#].*)?$"
)
_SCP = re.compile(r"^(?P<user>[\w.-]+)@(?P<host>[\w.-]+):(?P<path>[^\s]+)$")
_URL = re.compile(r"^(?P<scheme>https?|git|ssh|file)://(?P<rest>[^\s]+)$")
_SAFE_PART = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Address:
    """What the learner named: a local folder or archive (``location`` is its path), a bare repository, or a git
    URL to clone (``location`` is the URL, ``ref`` a branch or tag from a GitHub page)."""

    kind: AddressKind
    location: str
    name: str
    ref: str | None = None

    @property
    def remote(self) -> bool:
        return self.kind == "git"


def is_bare_repository(path: Path) -> bool:
    """A folder holding a git repository without a work tree (``HEAD``, ``objects/``, ``refs/`` at its top)."""
    try:
        return (
            (path / "HEAD").is_file()
            and (path / "objects").is_dir()
            and (path / "refs").is_dir()
            and not (path / ".git").exists()
        )
    except OSError:
        return False


def parse_address(text: str) -> Address:
    """What ``text`` names. A path that exists wins over every other reading (a folder called ``a/b``)."""
    from learnloop.study.archive import archive_suffix

    raw = text.strip()
    if not raw:
        raise UserError("give a folder, an archive, OWNER/NAME or a git URL", field="source")
    if "\n" in raw or "\0" in raw:
        raise UserError("a repository address is one line", field="source")
    path = Path(raw).expanduser()
    if not _URL.match(raw) and (path.exists() or path.is_symlink()):
        if path.is_dir():
            resolved = path.resolve()
            kind: AddressKind = "bare" if is_bare_repository(resolved) else "folder"
            name = resolved.name.removesuffix(".git") if kind == "bare" else resolved.name
            if kind == "bare" and not name:  # owner/name/.git: the folder above names it
                name = resolved.parent.name
            return Address(kind, str(resolved), name or str(resolved))
        suffix = archive_suffix(path)
        if path.is_file() and suffix is not None:
            return Address("archive", str(path.resolve()), path.name[: -len(suffix)])
        raise UserError(
            f"{raw}: not a folder or an archive (.zip, .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar)", field="source"
        )
    page = _GITHUB_PAGE.match(raw)
    if page:
        owner, name = page.group("owner"), page.group("name")
        return Address("git", f"https://github.com/{owner}/{name}.git", name, page.group("ref"))
    url = _URL.match(raw)
    if url:
        if url.group("scheme") == "file":
            local = Path(url.group("rest").removeprefix("localhost"))
            if not local.exists():
                raise UserError(f"{raw}: no such repository on this machine", field="source")
        return Address("git", raw, _repo_name(url.group("rest")))
    scp = _SCP.match(raw)
    if scp:
        return Address("git", raw, _repo_name(scp.group("path")))
    short = _OWNER_NAME.match(raw)
    if short and not raw.startswith((".", "/")):
        return Address(
            "git",
            f"https://github.com/{short.group('owner')}/{short.group('name')}.git",
            short.group("name").removesuffix(".git"),
        )
    if raw.startswith(("/", ".", "~")) or raw.count("/") > 1 or "\\" in raw:
        raise UserError(f"{raw}: no such file or folder", field="source")
    raise UserError(f"{raw}: neither a URL, OWNER/NAME, nor an existing folder or archive", field="source")


def _repo_name(path: str) -> str:
    tail = path.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return tail.removesuffix(".git") or "repository"


def reference_source(text: str) -> str:
    """How a reference project is recorded: the absolute path of a local folder, archive or bare repository, or
    the URL of a remote one (``OWNER/NAME`` becomes its GitHub address). Accepts what a study accepts."""
    address = parse_address(text)
    if address.kind == "git" and address.location.startswith("https://github.com/"):
        return address.location.removesuffix(".git")
    return address.location


def study_cache() -> Path:
    """Where clones are kept between studies: ``$LEARNLOOP_CACHE/study`` or the platform's user cache."""
    root = os.environ.get("LEARNLOOP_CACHE")
    if not root:
        from platformdirs import user_cache_dir

        root = user_cache_dir("learnloop", appauthor=False)
    return Path(root) / "study"


def cache_folder(address: Address, cache: Path) -> Path:
    """The clone's folder in the cache: readable (host/owner/name) and unique (a hash of the exact address)."""
    import hashlib

    digest = hashlib.sha256(f"{address.location}#{address.ref or ''}".encode()).hexdigest()[:10]
    words = re.sub(r"^[a-z]+://", "", address.location).removesuffix(".git")
    readable = _SAFE_PART.sub("-", words).strip("-.")[-80:] or "repository"
    return cache / "clones" / f"{readable}-{digest}"


def git_environment() -> dict[str, str]:
    """git without the learner's or the system's configuration, prompts, LFS downloads or hooks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_LFS_SKIP_SMUDGE="1",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GIT_SSH_COMMAND="ssh -o BatchMode=yes",
    )
    return env


SAFE_GIT = (
    "-c",
    "core.hooksPath=" + os.devnull,
    "-c",
    "core.fsmonitor=false",
    "-c",
    "filter.lfs.smudge=",
    "-c",
    "filter.lfs.process=",
    "-c",
    "filter.lfs.required=false",
    "-c",
    "submodule.recurse=false",
    "-c",
    "protocol.allow=never",
    "-c",
    "protocol.https.allow=always",
    "-c",
    "protocol.http.allow=always",
    "-c",
    "protocol.git.allow=always",
    "-c",
    "protocol.ssh.allow=always",
    "-c",
    "protocol.file.allow=always",
    "-c",
    "core.symlinks=false",
    "-c",
    "advice.detachedHead=false",
    "-c",
    "init.templateDir=",
)


def find_git() -> str:
    import shutil

    git = shutil.which("git")
    if git is None:
        raise UserError(
            "git is needed to study a repository from its address; install git, or give a folder or an archive",
            field="source",
        )
    return git


def clone(
    address: Address,
    target: Path,
    *,
    progress: GitProgress | None = None,
    bare: bool = False,
    max_bytes: int = MAX_CLONE_BYTES,
    seconds: float = CLONE_SECONDS,
) -> None:
    """A shallow clone of ``address`` into ``target`` (which must not exist), capped in size and time."""
    import shutil
    import subprocess
    import tempfile
    import time

    git = find_git()
    command = [
        git,
        *SAFE_GIT,
        "clone",
        "--depth",
        "1",
        "--no-recurse-submodules",
        "--single-branch",
        "--progress",
        "--no-tags",
    ]
    if bare:
        command.append("--bare")
    if address.ref:
        command += ["--branch", address.ref]
    source = address.location
    if address.kind == "bare":
        source = Path(address.location).as_uri()  # through the pack protocol, so --depth holds
    command += ["--", source, str(target)]
    started = time.monotonic()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=git_environment(),
            cwd=tempfile.gettempdir(),
        )
        try:
            while process.poll() is None:
                time.sleep(0.1)
                size = _folder_bytes(target)
                if progress is not None:
                    progress("cloning", size, max_bytes)
                if size > max_bytes:
                    raise UserError(
                        f"{address.location}: the clone grew past {max_bytes / 1024**3:.1f} GiB; "
                        "study a smaller repository or an archive of the part you need",
                        field="source",
                    )
                if time.monotonic() - started > seconds:
                    raise UserError(
                        f"{address.location}: cloning took more than {seconds:.0f} s; try again or "
                        "give a folder or an archive",
                        field="source",
                    )
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            errors.seek(0)
            lines = [ln.strip() for ln in errors.read().decode("utf-8", "replace").splitlines() if ln.strip()]
            reason = next((ln for ln in reversed(lines) if ln.startswith("fatal:")), lines[-1] if lines else "")
            shutil.rmtree(target, ignore_errors=True)
            raise UserError(
                f"{address.location}: git could not clone it ({reason.removeprefix('fatal: ')[:200]})", field="source"
            )


def _folder_bytes(folder: Path) -> int:
    import contextlib

    total = 0
    for current, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(current, name)).st_size
    return total


def cached_clone(
    address: Address, *, cache: Path | None = None, progress: GitProgress | None = None, refresh: bool = False
) -> tuple[Path, bool]:
    """The work tree of ``address`` in the cache, cloned now or reused (the bool: reused)."""
    import shutil
    import tempfile

    folder = cache_folder(address, cache or study_cache())
    if folder.is_dir() and (folder / ".git").is_dir() and not refresh:
        return folder, True
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cloning-", dir=folder.parent))
    try:
        clone(address, staging / "tree", progress=progress)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging / "tree", folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder, False


def archive_bare(
    address: Address, into: Path, *, max_member_bytes: int, progress: GitProgress | None = None
) -> tuple[Path, list]:
    """Unpack the HEAD of a bare repository into ``into`` through ``git archive``: a fresh bare clone first (our
    configuration, not the repository's), then its archive, unpacked with every member size-checked."""
    import subprocess

    from learnloop.study.archive import unpack

    git = find_git()
    clone(address, into / "repo.git", bare=True, progress=progress)
    tar = into / "head.tar"
    with open(tar, "wb") as out:
        result = subprocess.run(
            [git, *SAFE_GIT, "--git-dir", str(into / "repo.git"), "archive", "--format=tar", "HEAD"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.PIPE,
            env=git_environment(),
            timeout=CLONE_SECONDS,
            check=False,
        )
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(
            f"{address.location}: git could not read the repository "
            f"({(reason[-1] if reason else 'no commit?').removeprefix('fatal: ')[:200]})",
            field="source",
        )
    target = into / "tree"
    target.mkdir()
    notices = unpack(tar, target, max_member_bytes=max_member_bytes)
    return target, notices
