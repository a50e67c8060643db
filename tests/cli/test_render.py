"""The CLI's error line: one line of text, whatever the message holds."""

from __future__ import annotations

import pytest


def test_an_error_line_prints_brackets_and_control_characters_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    from learnloop.cli.render import print_error

    print_error("no such file: [draft]/a[/]b\x1b[31mred\nnext")
    err = capsys.readouterr().err
    assert err == "error: no such file: [draft]/a[/]b?[31mred next\n"


def test_a_field_is_worded_as_the_command_s_flag_or_learnloop_s_own() -> None:
    import typer.main

    from learnloop.cli import app
    from learnloop.cli.render import word_error
    from learnloop.errors import UserError

    root = typer.main.get_command(app)
    run = root.get_command(None, "ladder").get_command(None, "run")  # type: ignore[attr-defined]
    assert (
        word_error(UserError("the number of epochs must be at least 1", field="epochs"), run, root)
        == "the number of epochs must be at least 1 (--epochs N)"
    )
    # --home belongs to `learnloop` itself: a store error about the home names it from any command
    assert (
        word_error(UserError("cannot write to the learnloop home /x", field="home"), run, root)
        == "cannot write to the learnloop home /x (--home FOLDER)"
    )
    assert word_error(UserError("no such field", field="nope"), run, root) == "no such field"
