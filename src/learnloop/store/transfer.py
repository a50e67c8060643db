"""Export everything one learner wrote to one JSON file, import it into an empty home, delete it.

The format is versioned and deterministic (rows in primary-key order, no timestamps of its own),
so export → import → export gives the same bytes. A database may hold several learners (a class server):
an export has the rows of the session's learner only, without their owner (``learner_id`` is not in the
file), and an import lands in the importing session's learner, its ids moved past the database's own when
another learner's rows already use them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from learnloop.errors import UserError
from learnloop.store.models import PEOPLE_TABLES, Base
from learnloop.store.scoping import learner_of, one_learner

FORMAT = "learnloop-export"
VERSION = 1


class HomeNotEmpty(UserError):
    """Import goes into an empty home only: it never merges silently."""


class TransferSummary(BaseModel):
    path: str
    rows: dict[str, int]


OWNER = "learner_id"  # the column that names a record's learner: never in an export file


def _tables() -> list[Any]:
    return [t for t in Base.metadata.sorted_tables if t.name not in PEOPLE_TABLES]


def _file_columns(t: Table) -> list[str]:
    """The columns of a table as an export file has them (all but the owner)."""
    return [c.name for c in t.columns if c.name != OWNER]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_data(session: Session) -> dict[str, Any]:
    """The session's learner's records, table by table (no owner column)."""
    learner = one_learner(session)
    tables: dict[str, list[dict[str, Any]]] = {}
    for t in _tables():
        order = [c for c in t.primary_key.columns if c.name != OWNER]
        columns = [t.c[name] for name in _file_columns(t)]
        rows = session.execute(select(*columns).where(t.c[OWNER] == learner).order_by(*order)).mappings().all()
        tables[t.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def export_to(session: Session, path: Path, *, force: bool = False) -> TransferSummary:
    """Write the export atomically; never over a symlink, device or folder, nor an existing file unless ``force``."""
    from learnloop.files import check_writable_target, write_atomic

    target = check_writable_target(path, force=force)  # refuse before reading everything
    data = export_data(session)
    write_atomic(target, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", force=force)
    return TransferSummary(path=str(target), rows={k: len(v) for k, v in data["tables"].items()})


def _is_empty(session: Session, learner: int) -> bool:
    return all(session.scalar(select(func.count()).select_from(t).where(t.c[OWNER] == learner)) == 0 for t in _tables())


MAX_EXPORT_BYTES = 512 * 1024 * 1024


def read_export(path: Path) -> dict[str, Any]:
    """Read and parse an export file (a regular file, size checked before reading); the shape, not the rows."""
    from learnloop.files import read_regular

    raw = read_regular(path, MAX_EXPORT_BYTES)
    name = _name(path)
    try:
        text_ = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{name} is not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text_, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(f"{name} is not JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise UserError(f"{name} nests too deeply to be a learnloop export") from None
    except ValueError as exc:  # NaN/Infinity, or an integer of thousands of digits
        raise UserError(f"{name} is not a learnloop export ({str(exc).splitlines()[0][:120]})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(f"{name} is not a learnloop export")
    if data.get("version") != VERSION:
        version = data.get("version")
        shown = repr(version)[:40] if not isinstance(version, int) or abs(version) < 10**9 else "?"
        raise UserError(f"{name} is export format version {shown}; this learnloop reads {VERSION}")
    if not isinstance(data.get("tables"), dict):
        raise UserError(f"{name} has no tables")
    return data


def _name(path: Path) -> str:
    from learnloop.files import short_path

    return short_path(path)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number learnloop stores")


def validate_export(data: dict[str, Any], source: str = "the file") -> dict[str, list[dict[str, Any]]]:
    """Every row of every table through its typed model, then the checks across rows; nothing is written.

    Returns the rows ready to insert (decoded values, every column present), table by table.
    A :class:`~learnloop.store.rows.RowError` names the table, the row and the field of the first problem.
    """
    from learnloop.store.rows import ROW_MODELS, RowError, check_tables, parse_row

    known = {t.name: t for t in _tables()}
    unknown = sorted(str(k)[:60] for k in data["tables"] if k not in known)
    if unknown:
        raise UserError(f"{source} has tables this learnloop does not know: {', '.join(unknown)}")
    parsed: dict[str, list[Any]] = {}
    for table in _tables():
        rows = data["tables"].get(table.name, [])
        if not isinstance(rows, list):
            raise RowError(table.name, None, None, "is not a list of rows")
        model = ROW_MODELS.get(table.name)
        if model is None or set(model.model_fields) != set(_file_columns(table)):  # a schema change without its model
            raise RuntimeError(f"table {table.name} changed without its row model in learnloop/store/rows.py")
        parsed[table.name] = [parse_row(table.name, i, row) for i, row in enumerate(rows)]
    check_tables(parsed)
    return {name: [r.model_dump() for r in rows] for name, rows in parsed.items()}


def import_data(session: Session, data: dict[str, Any], source: str = "the file") -> dict[str, int]:
    """Load an export into an EMPTY database, in one transaction; refuse to merge silently.

    Every row is validated (types, ranges, words, references, one open pass, one active project)
    before the first one is written.
    """
    from learnloop.store.rows import RowError

    learner = one_learner(session)
    if not _is_empty(session, learner):
        raise HomeNotEmpty(
            "this learnloop home already has data; import into an empty home rather than merging silently", field="home"
        )
    try:
        decoded_tables = validate_export(data, source)
    except RowError as exc:
        exc.message = f"{source}: {exc.message}"
        exc.args = (exc.message,)
        raise
    _move_past_others(session, decoded_tables)
    counts: dict[str, int] = {}
    for table in _tables():
        decoded = [{**row, OWNER: learner} for row in decoded_tables.get(table.name, [])]
        if decoded:
            session.execute(insert(table), decoded)
        counts[table.name] = len(decoded)
    if session.get_bind().dialect.name == "postgresql":
        for table in _tables():
            pk = list(table.primary_key.columns)
            if (
                len(pk) == 1
                and pk[0].autoincrement is not False
                and isinstance(pk[0].type.python_type, type)
                and pk[0].type.python_type is int
            ):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
    return counts


def _move_past_others(session: Session, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Keep the file's ids where no other learner's rows use them (so a laptop's export and import give the
    same bytes); else move the table's ids, in order, to just past the database's highest, and the references
    with them."""
    shift: dict[str, int] = {}
    for t in _tables():
        rows = tables.get(t.name, [])
        if "id" not in t.primary_key.columns or not rows:
            continue
        ids = [row["id"] for row in rows]
        taken = session.scalar(select(func.count()).select_from(t).where(t.c.id.between(min(ids), max(ids))))
        if taken:  # the block of ids goes right after the highest (a re-sent snapshot does not double them)
            shift[t.name] = (session.scalar(select(func.max(t.c.id))) or 0) + 1 - min(ids)
    if not shift:
        return
    for t in _tables():
        moves = [(t.c.id.name, shift[t.name])] if t.name in shift else []
        moves += [(k.parent.name, shift[k.column.table.name]) for k in t.foreign_keys if k.column.table.name in shift]
        for row in tables.get(t.name, []):
            for name, by in moves:
                if row[name] is not None:
                    row[name] += by


def delete_learner_records(session: Session, learner_id: int) -> dict[str, int]:
    """Delete every record of one learner (their loop, marks and jobs), and nothing of anyone else's; the
    number of rows deleted, table by table. The account itself (classes, sign-in) is the classroom's."""
    serving = learner_of(session)
    if serving is not None and serving != learner_id:
        raise RuntimeError(f"learner {serving}'s session cannot delete learner {learner_id}'s records")
    jobs = sa.table("jobs", sa.column(OWNER))  # the jobs' own model lives in learnloop.jobs
    counts: dict[str, int] = {}
    for t in (jobs, *reversed(_tables())):  # children before the rows they point at
        result = session.execute(delete(t).where(t.c[OWNER] == learner_id))
        counts[t.name] = result.rowcount  # type: ignore[attr-defined]
    return counts
