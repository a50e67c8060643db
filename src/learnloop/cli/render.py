"""Rendering helpers shared by the commands: one console, JSON output, errors as one red line."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def print_error(message: str) -> None:
    """One red line. The message is text, never markup: a path like ``[draft]/x`` or ``a[/]b`` prints as it is."""
    import re

    from rich.markup import escape

    # A newline or an escape sequence inside a file name can neither break the line nor drive the terminal.
    one_line = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", " ".join(message.split()))
    err_console.print(f"[bold red]error:[/] {escape(one_line)}", markup=True, highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    """Write a value as JSON: pydantic models, dataclasses, lists of them, or plain data."""
    sys.stdout.write(json.dumps(to_data(value), indent=2, ensure_ascii=False, default=str) + "\n")


def to_data(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        return {name: to_data(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_data(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "__fspath__"):
        return str(value)
    return value
