"""Errors a learner can act on.

Features raise :class:`UserError` (or a subclass) with a message written for the learner.
The front doors turn it into one red line and exit code 2 (CLI) or a 4xx page (web).
Any other exception escaping a feature is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """Bad input or a state the learner can fix. One line, no traceback."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str, *, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # The input the error concerns, named as the feature names it (a parameter or model field,
        # e.g. "reason", "days"): the CLI words it as its flag, the web page shows it beside that field.
        self.field = field
        # What would fix it, as loop actions (learnloop.loop.rules.Action): the front doors word them.
        self.actions: list[object] = []

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class NotFound(UserError):
    """An id that does not exist; carries close matches so the message can say 'did you mean'."""

    http_status = 404

    def __init__(self, what: str, key: str, suggestions: Iterable[str] = ()) -> None:
        self.what = what
        self.key = key
        self.suggestions = list(suggestions)
        message = f"no {what} called {key!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class StoreError(UserError):
    """The learner's database cannot be opened or used (unwritable home, corrupt file, newer version)."""

    http_status = 500


class StoreUnavailable(StoreError):
    """The database server cannot be reached (down, refusing, wrong address): nothing was read or written."""

    http_status = 503


class StepNotSatisfied(UserError):
    """The loop cannot move on: the message says exactly what is missing, ``actions`` holds it as values."""

    http_status = 409

    def __init__(self, message: str, *, actions: Iterable[object] = (), field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.actions = list(actions)


def needing(error: UserError, *actions: object) -> UserError:
    """``error`` with the actions that would fix it attached (for the front doors to word)."""
    error.actions = list(actions)
    return error


class MissingExtra(UserError):
    """A command needs an optional part of learnloop that is not installed (an extra of the package)."""

    def __init__(self, what: str, extra: str, module: str) -> None:
        self.what = what
        self.extra = extra
        self.module = module
        super().__init__(f"{what} needs {module!r}, from learnloop's optional {extra!r} extra, which is not installed")
