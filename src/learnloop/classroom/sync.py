"""A laptop's progress on the class server: the wire format, the snapshot a laptop sends, and how the server
takes it in.

The laptop stays the source of truth for what it wrote. ``learnloop sync`` sends a *snapshot* of the local
learner's loop (passes with their steps and dates, events, the projects and their check-ins, gaps and their
boxes, exercise and ladder results, map marks), and the server *replaces* that learner's records with it, in
one transaction: resending the same snapshot changes nothing (the server compares before it writes), and a
failure half way leaves the server as it was (the laptop sends again next time).

Notes, retrospectives and the "why" of a studied project are the learner's own words: they are sent only for a
pass the learner shared (``passes.shared_at``), and the server refuses notes of a pass that is not shared.

Rows travel in the shape of an export (:mod:`learnloop.store.rows` validates them, one typed model per table, and
:func:`~learnloop.store.rows.check_tables` checks references, one open pass, one active project); ids are the
laptop's, and the server gives the rows its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from learnloop.errors import NotFound, UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from learnloop.store.models import Learner
    from learnloop.store.rows import Row

SERVICE: Final = "learnloop-class"  # every answer of the API says so: a laptop can tell a class server from a web page
SNAPSHOT_FORMAT: Final = "learnloop-progress"
SNAPSHOT_VERSION: Final = 1
# What a snapshot holds, parents first. Interests (the ranking of focuses) and jobs stay on the laptop.
SYNCED_TABLES = (
    "passes",
    "events",
    "reference_projects",
    "notes",
    "projects",
    "checkins",
    "gaps",
    "practice",
    "topic_marks",
)
MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024
MAX_SNAPSHOT_ROWS = 200_000
TOKEN_BYTES = 32


class BadSnapshot(UserError):
    """A progress snapshot the server cannot take (malformed, too large, inconsistent): nothing was written."""


class LaptopOnly(UserError):
    """A progress snapshot for an account that is not a laptop learner's."""

    http_status = 409


class TokenInvalid(UserError):
    """No token, or one the server does not know (revoked, or its learner removed)."""

    http_status = 401


Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JoinRequest(Wire):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    name: Line
    login: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = None


class LearnerInfo(Wire):
    id: int
    login: str
    name: str


class JoinReply(Wire):
    service: Literal["learnloop-class"] = SERVICE
    token: str | None  # None: the laptop's token stays valid (it joined another class with it)
    learner: LearnerInfo
    classes: list[str]
    joined: str  # the class the code was for
    already: bool = False  # the learner was in that class before


class MeReply(Wire):
    service: Literal["learnloop-class"] = SERVICE
    learner: LearnerInfo
    classes: list[str]
    last_synced_at: AwareDatetime | None = None


class ProgressReply(Wire):
    service: Literal["learnloop-class"] = SERVICE
    changed: bool  # False: the server had exactly this already (nothing was written)
    rows: dict[str, int]
    synced_at: AwareDatetime


class Snapshot(Wire):
    format: Literal["learnloop-progress"]
    version: Literal[1]
    taken_at: AwareDatetime
    tables: dict[str, list[dict[str, Any]]]


# --- the laptop's side ------------------------------------------------------------------------------------


def build_snapshot(session: Session, now: datetime) -> Snapshot:
    """The local learner's progress, ready to send: their own words only from the passes they shared."""
    from learnloop.store.transfer import export_data

    tables = export_data(session)["tables"]
    snapshot = {name: list(tables.get(name, [])) for name in SYNCED_TABLES}
    shared = {row["id"] for row in snapshot["passes"] if row.get("shared_at")}
    snapshot["passes"] = [row if row["id"] in shared else {**row, "retro": None} for row in snapshot["passes"]]
    snapshot["notes"] = [row for row in snapshot["notes"] if row["pass_id"] in shared]
    snapshot["reference_projects"] = [
        row if row["pass_id"] in shared else {**row, "why": None} for row in snapshot["reference_projects"]
    ]
    return Snapshot(format=SNAPSHOT_FORMAT, version=SNAPSHOT_VERSION, taken_at=now, tables=snapshot)


def snapshot_body(snapshot: Snapshot) -> bytes:
    """The snapshot as sent: canonical JSON (the same progress gives the same bytes, but for ``taken_at``)."""
    return json.dumps(snapshot.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode()


def snapshot_digest(snapshot: Snapshot) -> str:
    """What the progress is, without when it was taken: equal digests, equal records on the server."""
    return hashlib.sha256(json.dumps(snapshot.tables, sort_keys=True, default=str).encode()).hexdigest()


def snapshot_counts(snapshot: Snapshot) -> dict[str, int]:
    return {name: len(snapshot.tables.get(name, [])) for name in SYNCED_TABLES}


# --- the server's side: reading a snapshot ----------------------------------------------------------------


def parse_snapshot(body: bytes) -> dict[str, list[Row]]:
    """A request body as validated rows, table by table; :class:`BadSnapshot` in one line otherwise."""
    from pydantic import ValidationError

    from learnloop.store.rows import RowError, check_tables, parse_row

    if len(body) > MAX_SNAPSHOT_BYTES:
        raise BadSnapshot(f"the progress sent is {len(body):,} bytes; the limit is {MAX_SNAPSHOT_BYTES:,}")
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, NaN, nested too deep
        raise BadSnapshot(f"the progress sent is not JSON ({_first_line(exc)})") from None
    try:
        snapshot = Snapshot.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the body"
        raise BadSnapshot(f"the progress sent is not a learnloop snapshot ({where}: {first['msg']})") from None
    unknown = sorted(name[:60] for name in snapshot.tables if name not in SYNCED_TABLES)
    if unknown:
        raise BadSnapshot(f"the progress sent has tables a class server does not take: {', '.join(unknown)}")
    total = sum(len(rows) for rows in snapshot.tables.values())
    if total > MAX_SNAPSHOT_ROWS:
        raise BadSnapshot(f"the progress sent has {total:,} records; the limit is {MAX_SNAPSHOT_ROWS:,}")
    try:
        rows = {
            name: [parse_row(name, i, raw) for i, raw in enumerate(snapshot.tables.get(name, []))]
            for name in SYNCED_TABLES
        }
        check_tables(rows)
    except RowError as exc:
        raise BadSnapshot(f"the progress sent is inconsistent: {exc.message}") from None
    shared = {p.id for p in rows["passes"] if getattr(p, "shared_at", None) is not None}  # type: ignore[attr-defined]
    for index, note in enumerate(rows["notes"]):
        if note.pass_id not in shared:  # type: ignore[attr-defined]
            raise BadSnapshot(
                f"the progress sent has notes of a pass that is not shared (table notes, row {index + 1})"
            )
    return rows


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


# --- the server's side: tokens and joining ----------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def learner_of_token(session: Session, token: str | None, now: datetime) -> Learner:
    """The learner a laptop's token stands for (and the token marked used); :class:`TokenInvalid` otherwise.

    ``session`` is across learners (the token names the learner)."""
    from sqlalchemy import select

    from learnloop.store.models import AccessToken, Learner

    if not token or len(token) > 200:
        raise TokenInvalid("no valid token was sent")
    found = session.execute(
        select(AccessToken, Learner)
        .join(Learner, Learner.id == AccessToken.learner_id)
        .where(AccessToken.digest == token_digest(token), AccessToken.revoked_at.is_(None))
    ).first()
    if found is None:
        raise TokenInvalid("this token is not known here: it was revoked, or its learner was removed")
    access, learner = found
    access.last_used_at = now
    return learner


def join_class(session: Session, request: JoinRequest, now: datetime, *, learner: Learner | None = None) -> JoinReply:
    """A laptop joins the class of an invite code: a new learner (origin "laptop", no password) and a token for
    them, or, when the laptop already holds a token (``learner``), that learner joins one more class.

    ``session`` is across learners. The code is checked before anything is made; the token is in the reply only
    (the server keeps its digest)."""
    from learnloop.classroom.accounts import create_learner
    from learnloop.classroom.classes import invite_for, join_with_code
    from learnloop.store.models import AccessToken

    invite_for(session, request.code, now)  # an unknown or expired code: refused before an account is made
    token = None
    if learner is None:
        learner = create_learner(
            session,
            login=request.login or _free_login(session, request.name),
            name=request.name,
            email=None,
            role="student",
            password=None,
            origin="laptop",
            now=now,
        )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        session.add(AccessToken(learner_id=learner.id, digest=token_digest(token), label="laptop", created_at=now))
    joined = join_with_code(session, learner, request.code, now)
    learner.last_seen_at = now
    session.flush()
    return JoinReply(
        token=token,
        learner=LearnerInfo(id=learner.id, login=learner.login, name=learner.name),
        classes=class_names(session, learner),
        joined=joined.classroom_name,
        already=joined.already,
    )


class TooManyJoins(UserError):
    """Too many wrong or expired codes from one address: joining waits (codes cannot be guessed by trying)."""

    http_status = 429


def _join_key(address: str | None) -> str:
    return f"join:{address or 'unknown'}"[:200]


def check_join_limit(session: Session, address: str | None, now: datetime, allowed: int, minutes: int) -> None:
    """Refuse a join from an address that sent ``allowed`` wrong codes in the last ``minutes`` (counted in the
    database, so the limit holds across server processes)."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from learnloop.store.models import LoginAttempt

    since = now - timedelta(minutes=minutes)
    failures = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == _join_key(address), LoginAttempt.at > since)
    )
    if (failures or 0) >= allowed:
        raise TooManyJoins(f"too many wrong invite codes from this address; try again in {minutes} minutes")


def record_join_failure(session: Session, address: str | None, now: datetime) -> None:
    from learnloop.store.models import LoginAttempt

    session.add(LoginAttempt(key=_join_key(address), at=now))


def _free_login(session: Session, name: str) -> str:
    """A login for a laptop learner who gave none: their name as a slug and a few random letters."""
    from sqlalchemy import select

    from learnloop.store.models import Learner

    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "laptop"
    for _ in range(20):
        login = f"{slug}-{secrets.token_hex(3)}"
        if session.scalar(select(Learner.id).where(Learner.login == login)) is None:
            return login
    raise UserError("could not find a free login; give one", field="login")  # pragma: no cover


def class_names(session: Session, learner: Learner) -> list[str]:
    from learnloop.classroom.classes import classes_joined

    return [c.name for c in classes_joined(session, learner)]


def describe(session: Session, learner: Learner) -> MeReply:
    return MeReply(
        learner=LearnerInfo(id=learner.id, login=learner.login, name=learner.name),
        classes=class_names(session, learner),
        last_synced_at=learner.last_synced_at,
    )


# --- the server's side: replacing a learner's records -----------------------------------------------------


def apply_snapshot(session: Session, learner_id: int, rows: dict[str, list[Row]], now: datetime) -> ProgressReply:
    """Make ``learner_id``'s records on the server exactly the snapshot's, in the caller's one transaction.

    ``session`` is scoped to that learner (``store.session(learner_id=...)``). When the server already holds
    exactly these records nothing is written but the time of the sync; otherwise the learner's records are
    deleted and the snapshot's inserted with the server's own ids, parents first."""
    from sqlalchemy import delete, insert, select

    from learnloop.store.models import Learner

    models = _models()
    learner = session.execute(select(Learner).where(Learner.id == learner_id).with_for_update()).scalar_one_or_none()
    if learner is None:
        raise NotFound("learner", str(learner_id))
    if learner.origin != "laptop":  # a server-side student's records are written on the server, never replaced
        raise LaptopOnly("this account's records are kept on the class server itself; only a laptop learner syncs")
    counts = {name: len(rows.get(name, [])) for name in SYNCED_TABLES}
    # In key order, as the server lists them back (its ids follow the laptop's order): a resend compares equal.
    rows = {name: sorted(rows.get(name, []), key=_key) for name in SYNCED_TABLES}
    incoming = _canonical({name: [r.model_dump() for r in rows[name]] for name in SYNCED_TABLES})
    if _canonical(_server_rows(session, learner_id)) == incoming:
        learner.last_synced_at = now
        return ProgressReply(changed=False, rows=counts, synced_at=now)

    for name in reversed(SYNCED_TABLES):  # children first
        model = models[name]
        session.execute(
            delete(model).where(model.learner_id == learner_id).execution_options(synchronize_session=False)
        )
    session.flush()
    pass_ids = _insert_with_ids(session, models["passes"], rows["passes"], learner_id, {})
    project_ids = _insert_with_ids(session, models["projects"], rows["projects"], learner_id, {"pass_id": pass_ids})
    for name in ("events", "reference_projects", "notes", "checkins", "gaps", "practice", "topic_marks"):
        parents = {"pass_id": pass_ids, "project_id": project_ids}
        values = [_server_values(r.model_dump(), learner_id, parents) for r in rows.get(name, [])]
        if values:
            session.execute(insert(models[name]), values)
    learner.last_synced_at = now
    session.flush()
    return ProgressReply(changed=True, rows=counts, synced_at=now)


def _key(row: Row) -> Any:
    return getattr(row, "id", None) or getattr(row, "topic_id", "")


def _models() -> dict[str, Any]:
    from learnloop.store.models import Checkin, Event, Gap, Note, Pass, Practice, Project, Reference, TopicMark

    return {
        "passes": Pass,
        "events": Event,
        "reference_projects": Reference,
        "notes": Note,
        "projects": Project,
        "checkins": Checkin,
        "gaps": Gap,
        "practice": Practice,
        "topic_marks": TopicMark,
    }


def _server_values(values: dict[str, Any], learner_id: int, parents: dict[str, dict[int, int]]) -> dict[str, Any]:
    out = {k: v for k, v in values.items() if k != "id"}  # the server gives its own ids
    for key, mapping in parents.items():
        if key in out:
            out[key] = mapping[out[key]]
    out["learner_id"] = learner_id
    return out


def _insert_with_ids(
    session: Session, model: Any, rows: list[Row], learner_id: int, parents: dict[str, dict[int, int]]
) -> dict[int, int]:
    """Insert rows whose children point at them; the laptop's id -> the server's."""
    made = []
    for row in rows:
        values = row.model_dump()
        record = model(**_server_values(values, learner_id, parents))
        session.add(record)
        made.append((values["id"], record))
    session.flush()
    return {laptop: record.id for laptop, record in made}


def _server_rows(session: Session, learner_id: int) -> dict[str, list[dict[str, Any]]]:
    """The learner's records on the server, in the snapshot's shape (server ids), in key order."""
    from sqlalchemy import select

    out: dict[str, list[dict[str, Any]]] = {}
    for name, model in _models().items():
        table = model.__table__
        columns = [c for c in table.columns if c.name != "learner_id"]
        order = [c for c in table.primary_key.columns if c.name != "learner_id"]
        found = session.execute(select(*columns).where(table.c.learner_id == learner_id).order_by(*order))
        out[name] = [dict(row) for row in found.mappings()]
    return out


def _canonical(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Records without their ids (which differ between laptop and server): a pass by its number, a project by
    its place among the learner's projects; rows in key order, as both sides list them."""
    pass_numbers = {row["id"]: row["number"] for row in tables.get("passes", [])}
    project_places = {row["id"]: place for place, row in enumerate(tables.get("projects", []))}
    out: dict[str, list[dict[str, Any]]] = {}
    for name in SYNCED_TABLES:
        rows = []
        for row in tables.get(name, []):
            row = {k: v for k, v in row.items() if k != "id"}
            if "pass_id" in row:
                row["pass_id"] = pass_numbers.get(row["pass_id"])
            if "project_id" in row:
                row["project_id"] = project_places.get(row["project_id"])
            rows.append(row)
        out[name] = rows
    return out
