"""The Typer application and what every command shares: the settings, the store, errors at the edge."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from learnloop.config import Settings, resolve_settings
from learnloop.errors import UserError

if TYPE_CHECKING:
    from learnloop.store.db import Store


class LearnloopGroup(TyperGroup):
    """Turns a :class:`UserError` raised anywhere below into one red line and exit code 2."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            from learnloop.cli.render import print_error, word_error

            print_error(word_error(exc, self.get_command(ctx, ctx.invoked_subcommand or "")))
            raise typer.Exit(exc.exit_code) from None

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)  # the order they were registered in: the loop's order


app = typer.Typer(
    cls=LearnloopGroup,
    name="learnloop",
    help="A coach for learning machine learning top-down, one short loop at a time.\n\n"
    "Run `learnloop` alone to see where you are and the one thing to do next.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Context:
    """What one run of the CLI knows: where the learner's home is, and the store once it is opened."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from learnloop.store.db import open_store

            self._store = open_store(self.settings)
        return self._store


_current: ContextVar[Context | None] = ContextVar("learnloop_cli_context", default=None)


def begin(settings: Settings) -> Context:
    """Called by the root callback at the start of every invocation."""
    ctx = Context(settings)
    _current.set(ctx)
    return ctx


def current() -> Context:
    """The run's context (made from the environment if a command runs outside the root callback)."""
    ctx = _current.get()
    if ctx is None:
        ctx = begin(resolve_settings())
    return ctx


def settings() -> Settings:
    return current().settings


def store() -> Store:
    return current().store


def make_group(name: str, help_text: str) -> typer.Typer:
    """A sub-command group (``learnloop project ...``) that shares the error handling."""
    group = typer.Typer(name=name, help=help_text, cls=LearnloopGroup, no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False, rich_markup_mode="rich")
    app.add_typer(group, name=name)
    return group
