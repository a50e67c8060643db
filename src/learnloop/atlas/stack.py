"""What a focus's practitioners use, checked against this machine without importing anything."""

from __future__ import annotations

import shlex
from importlib import metadata
from importlib.util import find_spec

from pydantic import BaseModel

from learnloop.atlas.load import Atlas


class PackageCheck(BaseModel):
    pip: str
    import_name: str
    role: str
    extra: str | None = None
    installed: bool | None = None
    version: str | None = None


class StackReport(BaseModel):
    focus_id: str
    focus_name: str
    packages: list[PackageCheck]
    checked: bool
    install_command: str | None = None


def _installed_version(pip_name: str, import_name: str) -> tuple[bool, str | None]:
    base = pip_name.split("[")[0]
    try:
        return True, metadata.version(base)
    except metadata.PackageNotFoundError:
        pass
    # Some distributions are named differently from what pip installs; fall back on the import path
    # (find_spec of a top-level name reads the file system, it does not import the package).
    top = import_name.split(".")[0]
    try:
        found = find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    return found, None


def stack(atlas: Atlas, focus_id: str, check: bool = False) -> StackReport:
    focus = atlas.focus(focus_id)
    packages = [PackageCheck(pip=p.pip, import_name=p.import_name, role=p.role, extra=p.extra) for p in focus.stack]
    install: str | None = None
    if check:
        for package in packages:
            package.installed, package.version = _installed_version(package.pip, package.import_name)
        missing = [p for p in packages if not p.installed]
        if missing:
            pins = {"torch": "torch==2.13.0"}
            install = "python -m pip install " + " ".join(shlex.quote(pins.get(p.pip, p.pip)) for p in missing)
    return StackReport(
        focus_id=focus.id, focus_name=focus.name, packages=packages, checked=check, install_command=install
    )
