"""Feature packages speak in values and words: no error they raise names a CLI flag, a command line or a URL.

The front doors word those themselves: the CLI's error edge adds the flag of an error's ``field``
(``UserError("the number of epochs must be at least 1", field="epochs")`` reads "... (--epochs N)"), the web page
shows the message beside that form field. This test reads every module of ``src/learnloop`` outside ``cli/`` and
``web/`` (an AST walk, nothing imported) and looks at the string constants inside each ``raise X(...)`` and inside
every call of an error class (``return UserError(...)``, ``needing(UserError(...))``), hints included.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from learnloop.cli.commands import COMMANDS

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "learnloop"
FRONT_DOORS = ("cli", "web")

# Messages in lab/ and store/ that still name a flag: their owners were editing those packages when this test
# landed, so they are fixed at merge (words + field=...). Keyed by file and flag, not by line, so unrelated edits
# do not break it; a fixed one must leave the list (the test says so). Empty it; never add to it.
ALLOWED: set[tuple[str, str]] = set()

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
URL = re.compile(r"\bhttps?://")
COMMAND_NAMES = {entry.name for entry in COMMANDS}
# "learnloop start" is a command line; "the learnloop home", "a learnloop export" are prose about learnloop.
LEARNLOOP_WORD = re.compile(r"(?:(\w+)\s+)?`?learnloop(?: ([a-z][a-z-]*))?`?")
DETERMINERS = {"a", "an", "the", "this", "that", "your", "its", "of"}


def offences(text: str) -> list[str]:
    """The flags, command lines and URLs that ``text`` names."""
    found = FLAG.findall(text) + URL.findall(text)
    if "`learnloop`" in text:
        found.append("`learnloop`")
    for match in LEARNLOOP_WORD.finditer(text):
        before, command = match.group(1), match.group(2)
        if command in COMMAND_NAMES and (before or "").lower() not in DETERMINERS:
            found.append(f"learnloop {command}")
    return found


def _error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """UserError and every class that derives from it (or from any ``...Error``) anywhere in the package."""
    names = {"UserError"}
    while True:
        more = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(_name(base) in names or _name(base).endswith("Error") for base in node.bases)
        } - names
        if not more:
            return names
        names |= more


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _text(node: ast.JoinedStr | ast.Constant) -> str | None:
    """A string literal's text; an f-string's with ``{}`` where its values go."""
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return node.value if isinstance(node.value, str) else None


def _feature_modules() -> dict[str, ast.Module]:
    trees = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.split("/")[0] in FRONT_DOORS:
            continue
        trees[rel] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return trees


def messages() -> list[tuple[str, int, str]]:
    """(file, line, text) of every string inside a raise or an error's construction in the feature packages."""
    trees = _feature_modules()
    errors = _error_classes(trees)
    found = []
    for rel, tree in trees.items():
        seen: set[int] = set()
        for node in ast.walk(tree):
            roots: list[ast.AST] = []
            if isinstance(node, ast.Raise) and node.exc is not None:
                roots.append(node.exc)
            elif isinstance(node, ast.Call) and (_name(node.func) in errors or _name(node.func).endswith("Error")):
                roots.append(node)
            for root in roots:
                for child in ast.walk(root):
                    if isinstance(child, ast.JoinedStr | ast.Constant) and id(child) not in seen:
                        seen.update(id(part) for part in ast.walk(child))  # an f-string's parts are not texts
                        text = _text(child)
                        if text is not None:
                            found.append((rel, child.lineno, text))
    return found


def test_the_scan_sees_messages_and_knows_an_offence() -> None:
    texts = {text for _, _, text in messages()}
    assert "the number of epochs must be at least 1" in texts  # ladders/execution.py, plain string
    assert any(text.startswith("{} already exists: edit it, then check exercise {}") for text in texts)  # f-string
    assert offences("say which column with --target COLUMN") == ["--target"]
    assert offences("run `learnloop baseline data.csv` first") == ["learnloop baseline"]
    assert offences("see https://example.org") == ["https://"]
    assert offences("cannot use /tmp/x as the learnloop home") == []
    assert offences("x is not a learnloop export") == []
    assert offences("choose between -1 and 20, or a day like 2026-11-03") == []


def test_no_feature_message_names_a_flag_a_command_or_a_url() -> None:
    bad = []
    used: set[tuple[str, str]] = set()
    for rel, line, text in messages():
        for offence in offences(text):
            if (rel, offence) in ALLOWED:
                used.add((rel, offence))
                continue
            bad.append(f"{rel}:{line}: {offence!r} in {text!r}")
    assert not bad, "feature packages must raise with field=... and words; the CLI adds the flag:\n" + "\n".join(bad)
    stale = ALLOWED - used
    assert not stale, f"fixed already, take them out of ALLOWED: {sorted(stale)}"
