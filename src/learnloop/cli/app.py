"""The Typer application and what every command shares: the settings, the store, errors at the edge."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import typer
from typer._click.core import Context as ClickContext
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from learnloop.config import Settings, resolve_settings
from learnloop.errors import UserError

if TYPE_CHECKING:
    from learnloop.store.db import HomeStore


class LearnloopGroup(TyperGroup):
    """The CLI's edge: every failure a learner can meet becomes one red line and a non-zero exit.

    A :class:`UserError` (exit 2, or its own code), any ``OSError`` the feature did not word (a name
    too long, a full disk, a read-only folder, a permission: exit 2), and Ctrl-C (exit 130, saying
    whether anything was kept).
    """

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            _fail(
                _worded(exc, self.get_command(ctx, ctx.invoked_subcommand or ""), ctx.find_root().command),
                exc.exit_code,
            )
        except OSError as exc:
            from learnloop.files import describe_os_error, short_path

            where = f" ({short_path(exc.filename)})" if getattr(exc, "filename", None) else ""
            _fail(f"cannot go on: {describe_os_error(exc)}{where}", 2)
        except KeyboardInterrupt:
            _fail(_interrupted(), 130)
        except OverflowError:
            _fail("a number given is too large", 2)
        except UsageError as exc:
            if isinstance(exc, NoArgsIsHelpError):
                raise
            where = exc.ctx.command_path if exc.ctx is not None else "learnloop"
            _fail(f"{exc.format_message()} (see {where} --help)", 2)
        finally:
            if ctx.parent is None:  # the run is over: close the database (a clean close folds the WAL in)
                run = _current.get()
                if run is not None:
                    run.close()

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(self.commands)  # the order they were registered in: the loop's order


MAX_ID = 2**63 - 1  # the largest id a database row can have


def finite(value: float | None) -> float | None:
    """An option callback: a number of seconds or megabytes must be a real number (not nan or inf)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def _say_notice(kind: str, home: object) -> None:
    """One dim line on stderr when a read meets a home that does not exist, or one that is read-only."""
    from learnloop.cli.render import err_console
    from learnloop.files import short_path

    if kind == "missing":
        text = (
            f"note: no learnloop home at {short_path(home)} yet, so nothing is recorded there "
            "(it is made by your first change; check --home or $LEARNLOOP_HOME if you expected one)"
        )
    else:
        text = f"note: the learnloop home {short_path(home)} is read-only: it can be read and exported, not changed"
    err_console.print(text, style="dim", markup=False, highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> None:
    from learnloop.cli.render import print_error

    print_error(message)
    raise typer.Exit(code) from None


def _worded(exc: UserError, command: Any = None, root: Any = None) -> str:
    """The CLI's words for an error: the flag of its field, --force for a file that exists, an extra's install."""
    from learnloop.cli.render import word_error
    from learnloop.errors import MissingExtra
    from learnloop.files import FileExists

    text = word_error(exc, command, root)
    if isinstance(exc, FileExists):
        text += "; choose another name, or add --force to replace it"
    if isinstance(exc, MissingExtra):
        text += f": python -m pip install 'learnloop[{exc.extra}]'"
    return text


def _interrupted() -> str:
    ctx = _current.get()
    kept = ctx.kept() if ctx is not None else []
    if not kept:
        return "interrupted: nothing was saved"
    return "interrupted: kept what was finished before (" + ", ".join(kept) + ")"


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
            return typer.main.get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
            )
    for group in app.registered_groups:
        if (group.name or (group.typer_instance and group.typer_instance.info.name)) == name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
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
        self._store: HomeStore | None = None
        from learnloop.files import record_writes

        self.written = record_writes()  # the files this run wrote, to say what Ctrl-C kept
        self.light_commits = 0  # write transactions committed through the light path (learnloop.cli.light)

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()

    def kept(self) -> list[str]:
        """What this run saved before it was interrupted, in a few words."""
        kept: list[str] = []
        commits = getattr(self._store, "commits", 0) if self._store is not None else 0
        commits += self.light_commits
        if commits:
            kept.append(f"{commits} change{'s' if commits > 1 else ''} recorded")
        if self.written:
            kept.append(f"{len(self.written)} file{'s' if len(self.written) > 1 else ''} written")
        return kept

    @property
    def store(self) -> HomeStore:
        if self._store is None:
            from learnloop.store.db import HomeStore

            self._store = HomeStore(self.settings, notice=_say_notice)
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


def store() -> HomeStore:
    return current().store


def make_group(name: str, help_text: str) -> typer.Typer:
    """A sub-command group (``learnloop project ...``) that shares the error handling."""
    group = typer.Typer(
        name=name,
        help=help_text,
        cls=LearnloopGroup,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
    )
    app.add_typer(group, name=name)
    return group
