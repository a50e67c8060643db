"""Where things live, and what time it is.

The learner's home holds the SQLite database and the default workspace. It is, in order of
precedence: the ``--home`` option, the ``LEARNLOOP_HOME`` environment variable, the platform's
user data directory. ``LEARNLOOP_DATABASE_URL`` points the store at another database
(PostgreSQL for a class server). ``LEARNLOOP_NOW`` freezes the clock for end-to-end tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from learnloop.errors import UserError

HOME_ENV = "LEARNLOOP_HOME"
DATABASE_URL_ENV = "LEARNLOOP_DATABASE_URL"
NOW_ENV = "LEARNLOOP_NOW"
DATABASE_FILE = "learnloop.db"


@dataclass(frozen=True)
class Settings:
    """Resolved locations for one run."""

    home: Path
    database_url: str | None = None

    @property
    def database_path(self) -> Path:
        return self.home / DATABASE_FILE

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.database_path}"

    @property
    def workspace(self) -> Path:
        """Where exercises, notes files and scaffolds go by default."""
        return self.home / "workspace"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("learnloop", appauthor=False))


# The home the running front door chose (``learnloop --home X``), for code that reads the home's files without
# settings at hand (the time-zone setting in loop/clock.py); None: the environment's, as resolve_settings says.
_chosen_home: Path | None = None


def choose_home(home: Path | None) -> Path | None:
    """Make ``home`` the current home (the CLI does so with its ``--home``); returns the one it replaces."""
    global _chosen_home
    previous, _chosen_home = _chosen_home, home
    return previous


def current_home() -> Path:
    """The home chosen by the running front door, else the one the environment names."""
    return _chosen_home if _chosen_home is not None else resolve_settings().home


def resolve_settings(home: str | os.PathLike[str] | None = None) -> Settings:
    """Build the settings from an explicit home, the environment, or the platform default."""
    if home is not None and not os.fspath(home).strip():
        raise UserError("the learnloop home given is an empty name; name a folder (or leave it out)", field="home")
    chosen = home or os.environ.get(HOME_ENV) or None
    path = Path(chosen).expanduser() if chosen else default_home()
    return Settings(home=path.absolute(), database_url=os.environ.get(DATABASE_URL_ENV) or None)


def now() -> datetime:
    """The current time on the learner's clock (their zone: see ``loop/clock.py``); ``LEARNLOOP_NOW`` overrides it."""
    from learnloop.loop.clock import local

    frozen = os.environ.get(NOW_ENV)
    if frozen:
        try:
            value = datetime.fromisoformat(frozen)
        except ValueError:
            raise UserError(f"{NOW_ENV}={frozen!r} is not an ISO 8601 date-time") from None
        return local(value if value.tzinfo else value.replace(tzinfo=UTC))
    return local(datetime.now(UTC))
