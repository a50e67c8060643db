"""Which language a file is written in (from ``data/languages.yaml``) and how its lines split.

A line is *blank* (only white space), *comment* (inside a comment, or starting with a line-comment
marker) or *code* (anything else). Python docstrings are counted as comments by the caller, which
knows where they are from the syntax tree.
"""

from __future__ import annotations

import functools
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


def count_python_lines(text: str, docstrings: list[tuple[int, int]]) -> LineCount:
    """Python lines: ``#`` lines and the non-blank lines of docstrings (1-based ranges) are comments.

    A plain loop over the lines: measured faster than regular expressions over the whole text."""
    lines = text.splitlines()
    marked: set[int] = set()
    for start, end in docstrings:
        marked.update(range(start, end + 1))
    blank = comment = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            blank += 1
        elif line[0] == "#" or number in marked:
            comment += 1
    return LineCount(code=len(lines) - blank - comment, comment=comment, blank=blank)


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
