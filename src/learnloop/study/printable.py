"""Names from a studied tree made safe to show: a file name may hold anything but ``/`` and NUL.

Control characters (escape sequences, carriage returns, newlines, C1 controls, bidirectional overrides) would
move the cursor, recolour the terminal or start a new Markdown heading; they are shown as ``\\xNN`` /
``\\uNNNN`` escapes instead. Rich markup (``[bold]``, ``[/]``) is escaped by the terminal view itself, and
Markdown code spans by :func:`code_span`.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` with every control and direction-changing character shown as an escape, on one line."""
    value = str(text)
    return _UNSAFE.sub(_escape, value) if _UNSAFE.search(value) else value


def code_span(text: object) -> str:
    """``text`` as one Markdown code span, whatever backticks it holds (the fence is longer than any run inside)."""
    value = printable(text)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def markdown_text(text: object) -> str:
    """Plain words for a Markdown line: escapes control characters and the characters that start markup."""
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", printable(text))
