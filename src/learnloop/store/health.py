"""A check-up of the learner's home: folder, journals, schema, and SQLite's own ``quick_check``.

Nothing here writes: the database is opened read-only (after the journal guard, so a stray WAL is
reported, never replayed), and every finding says what to do about it.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from urllib.parse import quote

from learnloop.config import Settings
from learnloop.errors import UserError

LOW_DISK_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    check: str  # home, journals, schema, quick_check, disk
    ok: bool
    detail: str
    advice: str | None = None


@dataclass(frozen=True)
class HealthReport:
    home: str
    database: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)


def check_home(settings: Settings, *, max_problems: int = 20) -> HealthReport:
    """Look the home over without changing anything; a :class:`HealthReport` of what was found."""
    from learnloop.store.db import KNOWN_REVISIONS, SCHEMA_HEAD
    from learnloop.store.journal import JournalMismatch, check_journals

    if not settings.is_sqlite or settings.database_url is not None:
        raise UserError("the check-up reads a local SQLite home; a server database has its own tools")
    home, path = settings.home, settings.database_path
    findings: list[Finding] = []
    report = HealthReport(home=str(home), database=str(path), findings=findings)
    if not home.exists():
        findings.append(
            Finding(
                "home",
                False,
                f"{home} does not exist",
                "nothing is recorded there; check the folder's name if you expected your records",
            )
        )
        return report
    if not home.is_dir():
        findings.append(Finding("home", False, f"{home} is not a folder", "choose a folder as the home"))
        return report
    writable = os.access(home, os.W_OK | os.X_OK)
    findings.append(Finding("home", True, f"{home} is a folder" + ("" if writable else " (read-only)")))
    if not path.exists():
        findings.append(
            Finding(
                "database",
                False,
                f"no {path.name} in the home yet",
                "it is made by your first change; nothing to check",
            )
        )
        return report
    if not path.is_file():
        findings.append(Finding("database", False, f"{path} is not a file", "move it away; it is not learnloop's"))
        return report

    try:
        check_journals(path)
        findings.append(Finding("journals", True, "no stray -wal or -journal beside the database"))
    except JournalMismatch as exc:
        findings.append(
            Finding(
                "journals",
                False,
                exc.message.split("; replaying")[0],
                f"move {exc.journal.name} out of the home folder, then check again",
            )
        )
        return report

    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=30)
    except sqlite3.Error as exc:
        findings.append(
            Finding(
                "database",
                False,
                f"cannot open {path.name}: {exc}",
                "check the file's permissions, or restore it from a backup",
            )
        )
        return report
    try:
        try:
            problems = [r[0] for r in con.execute(f"PRAGMA quick_check({int(max_problems)})")]
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems == ["ok"]:
            findings.append(Finding("quick_check", True, "SQLite's quick_check found every page in order"))
        else:
            shown = "; ".join(p.replace("\n", " ") for p in problems[:3])
            findings.append(
                Finding(
                    "quick_check",
                    False,
                    f"the database is damaged: {shown[:300]}",
                    "copy the whole home folder aside first; then export what can still be read into a new home, "
                    "or restore your last export or backup",
                )
            )
            return report
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            revision = None
        if revision is None:
            findings.append(
                Finding(
                    "schema",
                    False,
                    "the database has no learnloop schema version",
                    "this is not a learnloop database; move it away",
                )
            )
        elif revision[0] == SCHEMA_HEAD:
            findings.append(Finding("schema", True, f"schema {SCHEMA_HEAD}, this learnloop's"))
        elif revision[0] in KNOWN_REVISIONS:
            findings.append(Finding("schema", True, f"schema {revision[0]}: upgraded on the next change"))
        else:
            findings.append(
                Finding(
                    "schema",
                    False,
                    f"schema {revision[0]} is from a newer learnloop",
                    "upgrade learnloop to use this home",
                )
            )
    finally:
        con.close()

    try:
        stats = os.statvfs(home)
        free = stats.f_bavail * stats.f_frsize
        findings.append(
            Finding(
                "disk",
                free >= LOW_DISK_BYTES,
                f"{free / 1024**2:,.0f} MB free",
                None if free >= LOW_DISK_BYTES else "free some disk space before long runs",
            )
        )
    except (OSError, AttributeError):
        pass
    return report
