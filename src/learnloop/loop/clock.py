"""The learner's own time: their time zone, the hour their reminders ring, kept as two small settings.

Days (left in a time box, since a check-in, in a row) are counted on the learner's calendar, not on UTC's:
a learner in Los Angeles at 20:00 on the due date is due today, not a day late. The zone is, in order:
``LEARNLOOP_TZ``, the ``tz`` setting, the system's. Reminders ring at the ``alarm`` setting (09:00).
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime, time, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from learnloop.errors import UserError

ZONE_ENV = "LEARNLOOP_TZ"
SETTINGS_FILE = "settings.toml"
DEFAULT_ALARM = time(9, 0)
KEYS = ("tz", "alarm")


def _home() -> Path:
    from learnloop.config import current_home

    return current_home()  # the CLI's --home if it ran with one


def read_settings(home: Path | None = None) -> dict[str, str]:
    path = (home or _home()) / SETTINGS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path} cannot be read as settings: {exc}") from None
    return {k: str(v) for k, v in data.items() if k in KEYS}


def zone_named(name: str) -> tzinfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"{name!r} is not a time zone; use a name like Europe/Paris or America/Los_Angeles", field="tz"
        ) from None


def learner_zone(home: Path | None = None) -> tzinfo:
    """``LEARNLOOP_TZ``, else the ``tz`` setting, else the system's zone."""
    name = os.environ.get(ZONE_ENV) or read_settings(home).get("tz")
    if name:
        return zone_named(name)
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def alarm_time(home: Path | None = None) -> time:
    """When reminders ring on the day they concern (a setting, 09:00 by default)."""
    text = read_settings(home).get("alarm")
    return parse_alarm(text) if text else DEFAULT_ALARM


def parse_alarm(text: str) -> time:
    found = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", text)
    if not found:
        raise UserError(f"{text!r} is not a time of day; use HH:MM, e.g. 09:00", field="alarm")
    return time(int(found.group(1)), int(found.group(2)))


def local(moment: datetime, home: Path | None = None) -> datetime:
    """``moment`` on the learner's clock."""
    return moment.astimezone(learner_zone(home))


def change_setting(key: str, value: str, home: Path | None = None) -> dict[str, str]:
    """Check and store one setting (written atomically); returns all settings."""
    if key not in KEYS:
        raise UserError(f"no setting called {key!r}; the settings are {', '.join(KEYS)}", field="key")
    if key == "tz":
        zone_named(value)
    else:
        value = parse_alarm(value).strftime("%H:%M")
    folder = home or _home()
    settings = {**read_settings(folder), key: value.strip()}
    text = "".join(f'{k} = "{v}"\n' for k, v in sorted(settings.items()))
    from learnloop.files import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / SETTINGS_FILE, text, force=True)
    return settings
