"""Every command a message, a help text or a next action names is one that exists: it answers ``--help``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import learnloop

SOURCE = Path(learnloop.__file__).parent
# A command as code: in backticks, or in Rich markup ("[bold cyan]learnloop ...").
NAMED = re.compile(r"(?:`|\])learnloop((?: [a-z][a-z-]*)+)")


def _tree() -> Any:
    import typer

    from learnloop.cli import app

    return typer.main.get_command(app)


def _context(command: Any) -> Any:
    try:
        from typer._click import Context  # this typer ships its own copy of click
    except ImportError:  # pragma: no cover - typer on the real click
        from click import Context

    return Context(command)


def _resolve(root: Any, words: list[str]) -> list[str]:
    """The longest run of ``words`` that names a command or group of the CLI."""
    path: list[str] = []
    node = root
    for word in words:
        if not hasattr(node, "list_commands"):
            break
        child = node.get_command(_context(node), word)
        if child is None:
            break
        path.append(word)
        node = child
    return path


def _texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every source file outside the tests and every help text of the CLI."""
    for path in SOURCE.rglob("*.py"):
        yield str(path.relative_to(SOURCE)), path.read_text(encoding="utf-8")
    from learnloop.cli.status import COMMANDS

    for kind, line in COMMANDS.items():
        yield f"action {kind}", f"`{line}`"

    def walk(cmd: Any, prefix: str) -> Iterator[tuple[str, str]]:
        yield prefix, (cmd.help or "") + " " + " ".join(getattr(p, "help", "") or "" for p in cmd.params)
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(_context(cmd)):
                child = cmd.get_command(_context(cmd), name)
                if child is not None:
                    yield from walk(child, f"{prefix} {name}")

    yield from walk(_tree(), "learnloop")


def _named() -> dict[str, str]:
    root = _tree()
    found: dict[str, str] = {}
    for where, text in _texts():
        for match in NAMED.finditer(text):
            words = match.group(1).split()
            path = _resolve(root, words)
            key = " ".join(path) if path else words[0]
            found.setdefault(key, where)
    return found


NAMED_COMMANDS = _named()


def test_the_scan_finds_the_loop_commands() -> None:
    for command in ("start", "next", "project new", "gap keep", "interests keep", "ideas", "datasets", "focus"):
        assert command in NAMED_COMMANDS, command


@pytest.mark.parametrize("command", sorted(NAMED_COMMANDS))
def test_every_named_command_answers_help(command: str, cli: Callable[..., object]) -> None:
    result = cli(f"{command} --help")
    assert result.exit_code == 0, (
        f"`learnloop {command}` (named in {NAMED_COMMANDS[command]}) does not exist: {result.output}"
    )  # type: ignore[attr-defined]
