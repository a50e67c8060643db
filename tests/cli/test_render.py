"""The CLI's error line: one line of text, whatever the message holds."""

from __future__ import annotations

import pytest


def test_an_error_line_prints_brackets_and_control_characters_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    from learnloop.cli.render import print_error

    print_error("no such file: [draft]/a[/]b\x1b[31mred\nnext")
    err = capsys.readouterr().err
    assert err == "error: no such file: [draft]/a[/]b?[31mred next\n"
