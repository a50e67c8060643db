"""The laptop's membership of a class server: the token file, and when progress was last synced.

Both live in the user's config folder (platformdirs' ``user_config_dir("learnloop")``, or
``LEARNLOOP_CONFIG_DIR``), not in the learnloop home: the token is a secret (mode 0600, written
atomically, never through a symbolic link) and the home may be copied, exported or shared.

The membership names the home it was made from, so that progress is only ever sent from that home
(another home, a demo's, has other records and would replace the learner's on the server).

This module is on the status command's path: it reads two small files and imports nothing heavy
(no HTTP, no pydantic, no database).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from learnloop.errors import UserError

CONFIG_ENV = "LEARNLOOP_CONFIG_DIR"
MEMBERSHIP_FILE = "class-membership.json"
SYNCED_FILE = "class-synced.json"
FORMAT = "learnloop-class-membership"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024
REMIND_AFTER_DAYS = 3  # the class view calls a learner inactive after a week by default; remind well before


class MembershipError(UserError):
    """The membership file is unreadable or damaged (the learner joins again)."""


class NotJoined(UserError):
    """This laptop has not joined a class."""


class OtherHome(UserError):
    """The membership was made from another learnloop home."""

    def __init__(self, message: str, *, home: str) -> None:
        super().__init__(message, field="home")
        self.home = home


class Membership(NamedTuple):
    """What joining a class left on this laptop (a named tuple: the status command builds none, and pays
    nothing for the class)."""

    server: str  # the class server's base URL, ending in "/"
    token: str
    learner_id: int
    login: str
    name: str
    classes: tuple[str, ...]
    home: str
    joined_at: datetime

    def __repr__(self) -> str:  # never the token
        return f"Membership(server={self.server!r}, learner_id={self.learner_id}, home={self.home!r})"

    def public(self) -> dict[str, Any]:
        """Everything but the token (for ``--json`` and messages)."""
        return {
            "server": self.server,
            "learner": {"id": self.learner_id, "login": self.login, "name": self.name},
            "classes": list(self.classes),
            "home": self.home,
            "joined_at": self.joined_at.isoformat(),
        }


def config_dir() -> Path:
    """The folder of the laptop's class membership (``LEARNLOOP_CONFIG_DIR`` overrides the platform's)."""
    chosen = os.environ.get(CONFIG_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    from platformdirs import user_config_dir

    return Path(user_config_dir("learnloop", appauthor=False))


def membership_path() -> Path:
    return config_dir() / MEMBERSHIP_FILE


def synced_path() -> Path:
    return config_dir() / SYNCED_FILE


def save_membership(membership: Membership) -> Path:
    """Write the membership (the token inside) atomically, mode 0600, replacing an earlier one."""
    from learnloop.files import write_atomic

    folder = config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        from learnloop.files import describe_os_error, short_path

        raise MembershipError(
            f"cannot make the folder {short_path(folder)} for the class token: {describe_os_error(exc)}"
        ) from None
    data = {"format": FORMAT, "version": VERSION, "token": membership.token, **membership.public()}
    path = write_atomic(folder / MEMBERSHIP_FILE, json.dumps(data, indent=1) + "\n", force=True, mode=0o600)
    forget_sync()  # a new membership has not synced yet
    return path


def load_membership() -> Membership:
    """The membership this laptop holds; :class:`NotJoined` when there is none."""
    from learnloop.files import read_regular, short_path

    path = membership_path()
    if not os.path.lexists(path):
        raise NotJoined("this laptop has not joined a class")
    raw = read_regular(path, MAX_FILE_BYTES)
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError("not a membership file")
        learner = data["learner"]
        return Membership(
            server=_text(data["server"]),
            token=_text(data["token"]),
            learner_id=int(learner["id"]),
            login=_text(learner["login"]),
            name=_text(learner["name"]),
            classes=tuple(_text(c) for c in data["classes"]),
            home=_text(data["home"]),
            joined_at=datetime.fromisoformat(_text(data["joined_at"])),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise MembershipError(
            f"the class membership file {short_path(path)} is damaged; join the class again"
        ) from None


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("not text")
    return value


def check_home(membership: Membership, home: Path) -> None:
    """Progress is sent only from the home that joined (another home would replace the learner's records)."""
    if Path(membership.home) != home:
        from learnloop.files import short_path

        raise OtherHome(
            f"this laptop joined the class from the learnloop home {short_path(membership.home)}, not "
            f"{short_path(home)}; sync from that home, or join again from this one",
            home=membership.home,
        )


def record_sync(when: datetime, digest: str) -> None:
    """Remember the last sync the server accepted (the status command reads it)."""
    from learnloop.files import write_atomic

    data = {"synced_at": when.astimezone(UTC).isoformat(), "digest": digest}
    write_atomic(synced_path(), json.dumps(data) + "\n", force=True, mode=0o600)


def forget_sync() -> None:
    try:
        path = synced_path()
        if path.is_file() and not path.is_symlink():
            path.unlink()
    except OSError:
        pass


def last_sync() -> tuple[datetime, str] | None:
    """When progress was last synced and the digest of what was sent (None: never, or unreadable)."""
    try:
        path = synced_path()
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = json.loads(path.read_bytes())
        return datetime.fromisoformat(data["synced_at"]), str(data["digest"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class SyncReminder(NamedTuple):
    """Why the status command reminds a joined learner to sync: never synced, or ``days`` since the last."""

    days: int | None  # None: never synced
    joined_at: datetime


def sync_reminder(home: Path, now: datetime, after_days: int = REMIND_AFTER_DAYS) -> SyncReminder | None:
    """A reminder when this home joined a class and its last sync is ``after_days`` old or more (or never
    happened). Cheap: two small files, no network; any trouble reading them means no reminder."""
    try:
        path = membership_path()
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = json.loads(path.read_bytes())
        if Path(data["home"]) != home:
            return None
        joined_at = datetime.fromisoformat(data["joined_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    synced = last_sync()
    if synced is None:
        return SyncReminder(days=None, joined_at=joined_at)
    days = (now - synced[0]).days
    return SyncReminder(days=days, joined_at=joined_at) if days >= after_days else None
