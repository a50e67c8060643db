"""Rendering helpers shared by the commands: one console, JSON output, errors as one red line."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from learnloop.loop.calendar import CalendarEvent

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def esc(value: object) -> str:
    """Text the learner typed (or a file name), made safe to put inside Rich markup."""
    from rich.markup import escape

    return escape(str(value))


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


def word_error(exc: Exception, command: object | None = None, root: object | None = None) -> str:
    """A :class:`UserError` as the CLI says it: the message, and the flag of the field it concerns.

    ``command`` is the Click command that ran; its parameters tell which option spells the field
    (``directory`` is ``--dir``, ``reason`` is ``--reason``), so features never name flags themselves;
    ``root`` is ``learnloop`` itself, whose options (``home`` is ``--home``) every command shares.
    """
    message = str(exc)
    actions = getattr(exc, "actions", None)
    if actions:
        from learnloop.cli.status import command_for

        message = f"{message}. Next: {command_for(actions[0])}"
    name = getattr(exc, "field", None)
    if not name or (command is None and root is None):
        return message
    for param in [*getattr(command, "params", []), *getattr(root, "params", [])]:
        if param.name != name:
            continue
        opts = (
            [o for o in param.opts if o.startswith("--")] if getattr(param, "param_type_name", "") == "option" else []
        )
        if opts:
            flag = opts[0] if getattr(param, "is_flag", False) else f"{opts[0]} {_metavar(param)}"
        else:
            flag = _metavar(param)
        return message if flag in message else f"{message} ({flag})"
    return message


def _metavar(param: object) -> str:
    name = getattr(param, "name", "") or ""
    kind = (str(getattr(getattr(param, "type", None), "name", "text")).lower().split() or ["text"])[0]  # "float range"
    if name == "order":
        return "ID,ID,..."
    if name == "home":
        return "FOLDER"  # a str option (so that "" can be refused), but a folder
    # Click names its int type "integer", the Click vendored in Typer "int"
    return {"integer": "N", "int": "N", "float": "NUMBER", "path": "PATH"}.get(kind, "TEXT")


def calendar_link(event: CalendarEvent) -> str:
    """An "add to Google Calendar" link for an all-day event (Google drops the alarms of imported files)."""
    from urllib.parse import urlencode

    day, end = event.day, event.end
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{day:%Y%m%d}/{end:%Y%m%d}",
            "details": event.description,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"
