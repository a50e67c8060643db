"""The CLI reference (`docs/cli.md`), made from the commands' own `--help`, so the two never drift apart.

``python -m learnloop.cli.reference > docs/cli.md`` writes it; `tests/cli/test_reference.py` fails when the
committed file is out of step with what `--help` says.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

HEADER = """# learnloop command reference

Made from each command's `--help` by `python -m learnloop.cli.reference > docs/cli.md`; a test checks that it is
current. Every listing also takes `--json`. Run `learnloop COMMAND --help` for the same text in your terminal.
"""


def _help(argv: list[str]) -> str:
    from typer.testing import CliRunner

    from learnloop.cli import app

    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "LEARNLOOP_HELP_FOR_DOCS": "1"}  # no machine facts
    result = CliRunner().invoke(app, [*argv, "--help"], prog_name="learnloop", env=env, catch_exceptions=False)
    return result.stdout.rstrip() + "\n"


def _walk() -> Iterator[list[str]]:
    from typer._click.core import Context
    from typer.core import TyperGroup

    from learnloop.cli.commands import COMMANDS

    yield []
    root = _root_group()
    ctx = Context(root, info_name="learnloop")
    for entry in COMMANDS:
        yield [entry.name]
        command = root.get_command(ctx, entry.name)
        if isinstance(command, TyperGroup):
            for sub in command.list_commands(ctx):
                yield [entry.name, sub]


def _root_group() -> Any:
    import typer.main

    from learnloop.cli import app

    return typer.main.get_command(app)


def reference() -> str:
    """The whole reference as Markdown."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        parts = [HEADER]
        for argv in _walk():
            title = " ".join(["learnloop", *argv])
            parts.append(f"\n## `{title}`\n\n```text\n{_help(argv)}```\n")
        return "".join(parts)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference())
