"""Turning form input into values, and FastAPI's validation errors into one line a learner understands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from learnloop.errors import UserError

LABELS = {"days": "the number of days", "csrf": "the form's token (reload the page)"}


# The longest text each form field takes (the pages' maxlength); anything else at most DEFAULT_LIMIT.
LIMITS = {
    "title": 200,
    "target": 200,
    "q": 200,
    "metric": 40,
    "task": 40,
    "models": 500,
    "drop": 500,
    "source": 500,
    "reason": 500,
    "why": 1000,
    "path": 1000,
    "folder": 1000,
    "data_path": 1000,
    "out": 200,
    "text": 5000,
    "learned": 5000,
    "retro": 5000,
    "summary": 5000,
    "code": 20_000,
}
DEFAULT_LIMIT = 5000


def limit_of(name: str) -> int:
    return LIMITS.get(name, DEFAULT_LIMIT)


def field_of(errors: Sequence[Any]) -> str | None:
    """The form field the first validation error concerns."""
    if not errors:
        return None
    loc = errors[0].get("loc", ())
    return str(loc[-1]) if loc else None


def _label(loc: Sequence[Any]) -> str:
    name = str(loc[-1]) if loc else "a field"
    return LABELS.get(name, f"'{name.replace('_', ' ')}'")


def describe_validation(errors: Sequence[Any]) -> str:
    """The first problem in words: which field, and what it should hold."""
    if not errors:
        return "the form could not be read; reload the page and try again"
    first = errors[0]
    kind, label = first.get("type", ""), _label(first.get("loc", ()))
    if kind == "missing":
        return f"fill in {label}"
    if kind.startswith("int"):
        return f"{label} must be a whole number"
    if kind.startswith("float"):
        return f"{label} must be a number"
    if kind.startswith("bool"):
        return f"{label} must be yes or no"
    return f"{label}: {first.get('msg', 'not valid')}"


def optional(text: str | None) -> str | None:
    """An empty text field means 'not given'."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def order_of_ranks(ranks: dict[str, str]) -> list[str]:
    """Rank fields (``rank-<id>`` = "1", "2", blank) → ids in rank order, blanks left out."""
    chosen: list[tuple[int, int, str]] = []
    for position, (key, text) in enumerate(ranks.items()):
        text = text.strip()
        if not text:
            continue
        try:
            number = int(text)
        except ValueError:
            raise UserError(f"the rank of {key!r} must be a whole number, not {text!r}") from None
        if number < 1:
            raise UserError(f"ranks start at 1; {key!r} has {number}")
        chosen.append((number, position, key))
    return [key for _n, _p, key in sorted(chosen)]
