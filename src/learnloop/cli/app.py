"""The Typer application and what every command shares: the settings, the store, errors at the edge."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import typer
from typer._click.core import Context as ClickContext
from typer.core import TyperGroup

from learnloop.config import Settings, resolve_settings
from learnloop.errors import UserError

if TYPE_CHECKING:
    from learnloop.store.db import Store


class LearnloopGroup(TyperGroup):
    """Turns a :class:`UserError` raised anywhere below into one red line and exit code 2."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            from learnloop.cli.render import print_error, word_error
            from learnloop.errors import MissingExtra

            text = word_error(exc, self.get_command(ctx, ctx.invoked_subcommand or ""), ctx.find_root().command)
            if isinstance(exc, MissingExtra):
                text += f": python -m pip install 'learnloop[{exc.extra}]'"
            print_error(text)
            raise typer.Exit(exc.exit_code) from None

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(self.commands)  # the order they were registered in: the loop's order


class RootGroup(LearnloopGroup):
    """``learnloop`` itself: builds only the command it runs, from the index in :mod:`learnloop.cli.commands`."""

    def invoke(self, ctx: ClickContext) -> Any:
        from learnloop import config

        global _runs
        outer = config.choose_home(None)  # begin() chooses this run's home; put back the outer one afterwards
        _runs += 1
        try:
            return super().invoke(ctx)
        finally:
            _runs -= 1
            config.choose_home(outer)

    def list_commands(self, ctx: ClickContext) -> list[str]:
        from learnloop.cli.commands import COMMANDS

        names = [entry.name for entry in COMMANDS]
        return names + [name for name in self.commands if name not in names]

    def get_command(self, ctx: ClickContext, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is None:
            command = _build_command(cmd_name)
            if command is not None:
                self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: ClickContext, formatter: Any) -> None:
        """The command list of ``--help``, from the index's summaries (importing no command module)."""
        from typer._click.utils import make_default_short_help

        from learnloop.cli.commands import BY_NAME

        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            entry = BY_NAME.get(name)
            if entry is not None and name not in self.commands:
                rows.append((name, make_default_short_help(entry.summary, limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _build_command(name: str) -> Any:
    """Import the module that defines ``name`` and build that one command (or group) the way Typer would."""
    import importlib

    import typer.main

    from learnloop.cli.commands import BY_NAME

    entry = BY_NAME.get(name)
    if entry is None:
        return None
    importlib.import_module(f"learnloop.cli.{entry.module}")
    for info in app.registered_commands:
        if info.callback is not None and (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                                    rich_markup_mode=app.rich_markup_mode)
    for group in app.registered_groups:
        if (group.name or (group.typer_instance and group.typer_instance.info.name)) == name:
            return typer.main.get_group_from_info(group, pretty_exceptions_short=app.pretty_exceptions_short,
                                                  rich_markup_mode=app.rich_markup_mode,
                                                  suggest_commands=app.suggest_commands)
    return None


app = typer.Typer(
    cls=RootGroup,
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
_runs = 0  # how many `learnloop` runs are under way in this process (a run may start another, as the demo does)


def begin(settings: Settings) -> Context:
    """Called by the root callback at the start of every invocation."""
    from learnloop.config import choose_home

    if _runs:  # only inside a run, which puts the outer home back when it ends (nothing outlives a run)
        choose_home(settings.home)  # so the clock reads the tz setting of --home, not of $LEARNLOOP_HOME
    ctx = Context(settings)
    _current.set(ctx)
    return ctx


def current() -> Context:
    """The run's context (made from the environment if a command runs outside the root callback)."""
    ctx = _current.get()
    if ctx is None:  # the environment's home: nothing to choose, and no run to put it back at the end
        ctx = Context(resolve_settings())
        _current.set(ctx)
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
