"""Text the learner typed is printed as text: brackets that look like Rich markup neither vanish nor crash."""

from __future__ import annotations

from collections.abc import Callable

HOSTILE = "[/] bracket [bold]markup[/bold] [link=x]y"


def test_gap_note_reference_and_project_texts_print_literally(cli: Callable[..., object]) -> None:
    assert cli("start").exit_code == 0  # type: ignore[attr-defined]
    for argv in (
        ["gap", "add", HOSTILE],
        ["gap", "list"],
        ["notes", "add", HOSTILE, "--kind", "pattern"],
        ["notes"],
        ["reference", "add", "tkipf/pygcn", "--why", HOSTILE],
        ["reference", "list"],
    ):
        result = cli(argv)
        assert result.exit_code == 0, (argv, result.output)  # type: ignore[attr-defined]
        assert "Traceback" not in result.output  # type: ignore[attr-defined]
        if argv[-1] in ("list", "notes") or argv[0] == "gap":
            assert HOSTILE in " ".join(result.stdout.split()), (argv, result.stdout)  # type: ignore[attr-defined]
