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
    """The CLI's edge: every failure a learner can meet becomes one red line and a non-zero exit.

    A :class:`UserError` (exit 2, or its own code), any ``OSError`` the feature did not word (a name
    too long, a full disk, a read-only folder, a permission: exit 2), and Ctrl-C (exit 130, saying
    whether anything was kept).
    """

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            _fail(_worded(exc), exc.exit_code)
        except OSError as exc:
            from learnloop.files import describe_os_error, short_path

            where = f" ({short_path(exc.filename)})" if getattr(exc, "filename", None) else ""
            _fail(f"cannot go on: {describe_os_error(exc)}{where}", 2)
        except KeyboardInterrupt:
            _fail(_interrupted(), 130)
        except OverflowError:
            _fail("a number given is too large", 2)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)  # the order they were registered in: the loop's order


def _fail(message: str, code: int) -> None:
    from learnloop.cli.render import print_error

    print_error(message)
    raise typer.Exit(code) from None


def _worded(exc: UserError) -> str:
    """The CLI's words for an error: a file that exists can be replaced with --force."""
    from learnloop.files import FileExists

    text = str(exc)
    if isinstance(exc, FileExists):
        text += "; choose another name, or add --force to replace it"
    return text


def _interrupted() -> str:
    ctx = _current.get()
    kept = ctx.kept() if ctx is not None else []
    if not kept:
        return "interrupted: nothing was saved"
    return "interrupted: kept what was finished before (" + ", ".join(kept) + ")"


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
        from learnloop.files import record_writes

        self.written = record_writes()  # the files this run wrote, to say what Ctrl-C kept

    def kept(self) -> list[str]:
        """What this run saved before it was interrupted, in a few words."""
        kept: list[str] = []
        commits = getattr(self._store, "commits", 0) if self._store is not None else 0
        if commits:
            kept.append(f"{commits} change{'s' if commits > 1 else ''} recorded")
        if self.written:
            kept.append(f"{len(self.written)} file{'s' if len(self.written) > 1 else ''} written")
        return kept

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
