"""Export everything the learner wrote to one JSON file, and import it into an empty home.

The format is versioned and deterministic (rows in primary-key order, no timestamps of its own),
so export → import → export gives the same bytes.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Date, func, insert, select, text
from sqlalchemy.orm import Session

from learnloop.errors import UserError
from learnloop.store.models import Base, UTCDateTime

FORMAT = "learnloop-export"
VERSION = 1


class TransferSummary(BaseModel):
    path: str
    rows: dict[str, int]


def _tables() -> list[Any]:
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive date-time")
        return parsed
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def export_data(session: Session) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        order = list(table.primary_key.columns)
        rows = session.execute(select(table).order_by(*order)).mappings().all()
        tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def export_to(session: Session, path: Path, *, force: bool = False) -> TransferSummary:
    """Write the export atomically; never over a symlink, device or folder, nor an existing file unless ``force``."""
    from learnloop.files import check_writable_target, write_atomic

    target = check_writable_target(path, force=force)  # refuse before reading everything
    data = export_data(session)
    write_atomic(target, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", force=force)
    return TransferSummary(path=str(target), rows={k: len(v) for k, v in data["tables"].items()})


def _is_empty(session: Session) -> bool:
    return all(session.scalar(select(func.count()).select_from(t)) == 0 for t in _tables())


def read_export(path: Path) -> dict[str, Any]:
    try:
        raw = path.expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path} is not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(f"{path} is not a learnloop export")
    if data.get("version") != VERSION:
        raise UserError(f"{path} is export format version {data.get('version')}; this learnloop reads {VERSION}")
    if not isinstance(data.get("tables"), dict):
        raise UserError(f"{path} has no tables")
    return data


def import_data(session: Session, data: dict[str, Any], source: str = "the file") -> dict[str, int]:
    """Load an export into an EMPTY database, in one transaction; refuse to merge silently."""
    if not _is_empty(session):
        raise UserError("this learnloop home already has data; import into an empty one (--home NEW_FOLDER) "
                        "rather than merging silently")
    known = {t.name: t for t in _tables()}
    unknown = set(data["tables"]) - set(known)
    if unknown:
        raise UserError(f"{source} has tables this learnloop does not know: {', '.join(sorted(unknown))}")
    counts: dict[str, int] = {}
    for table in _tables():
        rows = data["tables"].get(table.name, [])
        if not isinstance(rows, list):
            raise UserError(f"{source}: table {table.name} is not a list of rows")
        decoded = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or set(row) - set(table.columns.keys()):
                raise UserError(f"{source}: row {i + 1} of {table.name} has unknown fields")
            try:
                decoded.append({c.name: _decode(c, row.get(c.name)) for c in table.columns})
            except (TypeError, ValueError) as exc:
                raise UserError(f"{source}: row {i + 1} of {table.name} has a bad value ({exc})") from None
        if decoded:
            session.execute(insert(table), decoded)
        counts[table.name] = len(decoded)
    if session.get_bind().dialect.name == "postgresql":
        for table in _tables():
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement is not False and isinstance(pk[0].type.python_type, type) \
                    and pk[0].type.python_type is int:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"))
    return counts
