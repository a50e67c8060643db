"""Fixtures shared by the whole suite: a temporary learner home, a frozen clock, the CLI as a user types it."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

FROZEN_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def require_system(part: str, present: bool, install: str) -> None:
    """Skip (on a developer's machine) or fail (in CI, where ``.ci/run`` installs it) when a system part is missing.

    ``part`` names it ("Debian's chromium"), ``install`` is the line that brings it (``apt-get install -y chromium``).
    """
    if present:
        return
    message = f"{part} is missing: {install}"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{message} (CI=true: .ci/run must provide it)")
    pytest.skip(message)


@pytest.fixture(name="require_system", scope="session")
def _require_system_fixture() -> Callable[[str, bool, str], None]:
    """``require_system("Debian's chromium", path.exists(), "apt-get install -y chromium")`` in a test."""
    return require_system


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the real user's data, colours, editor or database settings."""
    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("LEARNLOOP_DATABASE_URL", raising=False)
    monkeypatch.delenv("LEARNLOOP_NOW", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The learner's home for this test (what LEARNLOOP_HOME points at)."""
    return tmp_path / "home"


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Freeze learnloop's clock at FROZEN_NOW (through LEARNLOOP_NOW, as end-to-end tests do)."""
    monkeypatch.setenv("LEARNLOOP_NOW", FROZEN_NOW.isoformat())
    return FROZEN_NOW


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Call the CLI as a user types it: ``cli("map svm --json")`` or ``cli(["notes", "add", "a b"])``."""
    from learnloop.cli import app

    runner = CliRunner()

    def invoke(args: str | list[str], input: str | None = None, env: dict[str, str] | None = None) -> Run:
        argv = shlex.split(args) if isinstance(args, str) else args
        result = runner.invoke(app, argv, input=input, env=env, catch_exceptions=False, prog_name="learnloop")
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke
