"""Which language a file is written in (from ``data/languages.yaml``) and how its lines split.

A line is *blank* (only white space), *comment* (inside a comment, or starting with a line-comment
marker) or *code* (anything else). Python docstrings are counted as comments by the caller, which
knows where they are from the syntax tree.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from learnloop.study.tables import read_table

OTHER = "other"


@dataclass(frozen=True)
class Language:
    name: str
    line: tuple[str, ...] = ()
    block: tuple[tuple[str, str], ...] = ()
    prose: bool = False


@dataclass(frozen=True)
class LanguageTable:
    by_name: dict[str, Language]
    by_filename: dict[str, str]
    by_extension: dict[str, str]

    def language_of(self, filename: str) -> str | None:
        """The language of a file name, or None when it is not a language we count."""
        found = self.by_filename.get(filename)
        if found:
            return found
        dot = filename.rfind(".")
        if dot <= 0:
            return None
        return self.by_extension.get(filename[dot + 1 :].lower())


@functools.cache
def language_table() -> LanguageTable:
    raw = read_table("languages")
    by_name: dict[str, Language] = {}
    by_filename: dict[str, str] = {}
    by_extension: dict[str, str] = {}
    for entry in raw["languages"]:
        name = entry["name"]
        by_name[name] = Language(
            name=name,
            line=tuple(entry.get("line", ())),
            block=tuple((pair[0], pair[1]) for pair in entry.get("block", ())),
            prose=bool(entry.get("prose", False)),
        )
        for filename in entry.get("filenames", ()):
            by_filename[filename] = name
        for extension in entry.get("extensions", ()):
            by_extension[extension.lower()] = name
    return LanguageTable(by_name, by_filename, by_extension)


@dataclass
class LineCount:
    code: int = 0
    comment: int = 0
    blank: int = 0

    @property
    def total(self) -> int:
        return self.code + self.comment + self.blank


# Both start with a new line, which the regular expression engine searches for as a literal: much quicker than
# ``^`` in multi-line mode, which is tried at every position.
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*(?=\n)")
_HASH_LINE = re.compile(r"\n[ \t\f\v]*#")


def count_python_lines(text: str, docstrings: list[tuple[int, int]]) -> LineCount:
    """Python lines: ``#`` lines and the non-blank lines of docstrings (1-based ranges) are comments.

    Blank and ``#`` lines are counted by two regular expressions over the whole text (a scan in C, several
    times faster than a loop over the lines); only docstring lines are looked at one by one."""
    if not text:
        return LineCount()
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    framed = "\n" + text if text.endswith("\n") else "\n" + text + "\n"
    blank = len(_BLANK_LINE.findall(framed))
    comment = len(_HASH_LINE.findall(framed)) if "#" in text else 0
    if docstrings:  # their non-blank lines are comments too (the ``#`` ones are counted already)
        lines = text.split("\n")
        for start, end in _disjoint(docstrings):
            segment = "\n" + "\n".join(lines[start - 1 : end]) + "\n"
            inside = min(end, len(lines)) - start + 1
            if inside > 0:
                comment += inside - len(_BLANK_LINE.findall(segment)) - len(_HASH_LINE.findall(segment))
    return LineCount(code=total - blank - comment, comment=comment, blank=blank)


def _disjoint(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def count_lines(text: str, language: Language, comment_lines: frozenset[int] = frozenset()) -> LineCount:
    """Split ``text`` into code, comment and blank lines; ``comment_lines`` (1-based) are comments whatever
    they hold (Python docstrings)."""
    count = LineCount()
    lines = text.splitlines()
    if language.prose:
        blank = sum(1 for line in lines if not line.strip())
        return LineCount(code=len(lines) - blank, blank=blank)
    line_markers = language.line
    blocks = language.block
    closing: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            count.blank += 1
            continue
        if closing is not None:
            count.comment += 1
            if closing in line:
                closing = None
            continue
        if number in comment_lines or (line_markers and line.startswith(line_markers)):
            count.comment += 1
            continue
        opened = next(((o, c) for o, c in blocks if line.startswith(o)), None)
        if opened is not None:
            count.comment += 1
            if opened[1] not in line[len(opened[0]) :]:
                closing = opened[1]
            continue
        count.code += 1
    return count
