"""The README's "Run a class server" section names only commands and flags that exist, as their --help shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).parents[2] / "README.md"


def section() -> str:
    text = README.read_text()
    start = text.index("## Run a class server")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def commands() -> list[list[str]]:
    """Every `learnloop ...` line of the section's bash blocks, as words (comments dropped)."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", section(), re.S):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line.startswith("learnloop "):
                found.append(shlex.split(line)[1:])
    return found


def test_the_section_shows_the_class_commands() -> None:
    shown = {" ".join(w for w in words if not w.startswith("-"))[:12] for words in commands()}
    assert any(s.startswith("class init") for s in shown)
    assert any(s.startswith("serve") for s in shown)
    assert any(s.startswith("class join") for s in shown)
    assert any(s.startswith("sync") for s in shown)


@pytest.mark.parametrize("words", commands(), ids=lambda w: " ".join(w))
def test_each_command_and_flag_of_the_section_exists(cli, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = []
    for word in words:
        if word.startswith("-"):
            break
        path.append(word)
        if cli([*path, "--help"]).exit_code != 0:  # an argument (a URL, a name), not a subcommand
            path.pop()
            break
    assert path, f"`learnloop {words[0]}` is not a command (README's Run a class server)"
    shown = cli([*path, "--help"])
    assert shown.exit_code == 0, shown.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown.output)
    for flag in (w.split("=", 1)[0] for w in words if w.startswith("--")):
        assert flag in plain, f"`learnloop {' '.join(path)}` has no {flag} (README's Run a class server)"
