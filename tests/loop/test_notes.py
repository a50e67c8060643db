"""Step 1's notes: the three lists, the Markdown round trip, and --edit through $EDITOR."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnloop.errors import UserError
from learnloop.loop.notes import Notes, NoteView, parse_markdown, to_markdown

line = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@given(pattern=st.lists(line, max_size=4), understood=st.lists(line, max_size=4), unclear=st.lists(line, max_size=4))
def test_markdown_round_trip(pattern: list[str], understood: list[str], unclear: list[str]) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)

    def views(kind: str, items: list[str]) -> list[NoteView]:
        return [NoteView(id=i, kind=kind, text=t, added_at=now) for i, t in enumerate(items)]

    value = Notes(
        pass_number=1,
        pattern=views("pattern", pattern),
        understood=views("understood", understood),
        unclear=views("unclear", unclear),
    )
    assert parse_markdown(to_markdown(value)) == {"pattern": pattern, "understood": understood, "unclear": unclear}


def test_unknown_heading_and_stray_bullets_are_refused() -> None:
    with pytest.raises(UserError, match="unknown heading"):
        parse_markdown("## Things I like\n- cake\n")
    with pytest.raises(UserError, match="before the first heading"):
        parse_markdown("- orphan\n## Repeated patterns\n")


def test_notes_edit_reads_the_file_back(
    cli: Callable[..., object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        't = p.read_text().replace("## What I don\'t understand yet\\n", '
        '"## What I don\'t understand yet\\n\\n- what is a sparse tensor?\\n")\n'
        "p.write_text(t)\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    cli("start")
    cli(["notes", "add", "layers are classes", "--kind", "pattern"])
    result = cli("notes --edit --json")
    assert result.exit_code == 0, result.output
    value = json.loads(result.stdout)
    assert [n["text"] for n in value["unclear"]] == ["what is a sparse tensor?"]
    assert [n["text"] for n in value["pattern"]] == ["layers are classes"]
