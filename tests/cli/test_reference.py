"""docs/cli.md is made from `--help`; it must say what `--help` says today."""

from __future__ import annotations

from pathlib import Path

from learnloop.cli.reference import reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_committed_cli_reference_is_current() -> None:
    assert DOC.exists(), "docs/cli.md is missing: python -m learnloop.cli.reference > docs/cli.md"
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is out of step with --help: python -m learnloop.cli.reference > docs/cli.md"
    )


def test_the_reference_covers_every_command_and_subcommand() -> None:
    text = reference()
    for title in ("## `learnloop`\n", "## `learnloop gap add`", "## `learnloop project new`", "## `learnloop serve`"):
        assert title in text
