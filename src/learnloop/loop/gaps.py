"""Step 5: capture gaps at any moment, rank them, keep only the top one, and close it in 1 to 7 days."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.atlas.load import Atlas
from learnloop.errors import NotFound, UserError
from learnloop.loop import rules
from learnloop.loop.passes import current_pass, open_pass, record
from learnloop.loop.values import GapView
from learnloop.store.models import Event, Gap, Pass

if TYPE_CHECKING:
    from learnloop.loop.calendar import CalendarEvent

VISIBLE = ("open", "kept")


class GuideTopic(BaseModel):
    id: str
    name: str
    summary: str


class GuideResource(BaseModel):
    id: str
    title: str
    kind: str
    url: str | None
    free: bool


class GapGuide(BaseModel):
    """Where to learn a gap: its map topic (given or matched), the neighbouring topics, resources."""

    gap: GapView
    matched: bool
    topic: GuideTopic | None
    neighbours: list[GuideTopic]
    resources: list[GuideResource]


def _view(session: Session, g: Gap, now: datetime) -> GapView:
    owner = session.get(Pass, g.pass_id)
    return GapView(
        id=g.id,
        pass_number=owner.number if owner else 0,
        text=g.text,
        topic_id=g.topic_id,
        rank=g.rank,
        status=g.status,
        created_at=g.created_at,
        days=g.days,
        deadline=g.deadline,
        days_left=rules.days_left(g.deadline, now) if g.deadline and g.status == "kept" else None,
        overdue=g.status == "kept" and rules.is_overdue(g.deadline, now),
        learned=g.learned,
    )


def add_gap(session: Session, atlas: Atlas, text: str, topic_id: str | None, now: datetime) -> GapView:
    """Gaps appear while you build: capture one at any step of the pass."""
    current = open_pass(session)
    if not text.strip():
        raise UserError("describe the gap: what did you find you do not know?", field="text")
    if topic_id is not None:
        atlas.topic(topic_id)
    gap = Gap(pass_id=current.id, text=text.strip(), topic_id=topic_id, status="open", created_at=now)
    session.add(gap)
    session.flush()
    record(session, current, "gap", now, subject=f"gap:{gap.id}")
    return _view(session, gap, now)


def list_gaps(session: Session, now: datetime, include_all: bool = False) -> list[GapView]:
    """The pass's open and kept gaps, ranked; ``include_all`` brings back every gap of every pass."""
    query = select(Gap)
    if not include_all:
        current = current_pass(session)
        if current is None:
            return []
        query = query.where(Gap.pass_id == current.id, Gap.status.in_(VISIBLE))
    rows = session.scalars(query).all()
    order = {"kept": 0, "open": 1, "set_aside": 2, "done": 3, "dropped": 4}
    rows = sorted(
        rows,
        key=lambda g: (
            g.pass_id if include_all else 0,
            order.get(g.status, 9),
            g.rank if g.rank is not None else 10**6,
            g.id,
        ),
    )
    return [_view(session, g, now) for g in rows]


def _get(session: Session, gap_id: int, pass_: Pass) -> Gap:
    gap = session.get(Gap, gap_id)
    if gap is None or gap.pass_id != pass_.id:
        ids = [str(i) for i in session.scalars(select(Gap.id).where(Gap.pass_id == pass_.id))]
        raise NotFound("gap in this pass", str(gap_id), ids[:5])
    return gap


def rank_gaps(session: Session, order: list[int], now: datetime) -> list[GapView]:
    """Rank the pass's open gaps, most important first; gaps not named keep their order after those named."""
    current = open_pass(session)
    if not order:
        raise UserError("name the gaps in order of importance", field="order")
    if len(set(order)) != len(order):
        raise UserError("a gap appears twice in the ranking", field="order")
    gaps = [_get(session, gap_id, current) for gap_id in order]
    for g in gaps:
        if g.status != "open":
            raise UserError(f"gap {g.id} is {g.status.replace('_', ' ')}; only open gaps are ranked")
    rest = session.scalars(
        select(Gap)
        .where(Gap.pass_id == current.id, Gap.status == "open", Gap.id.not_in(order))
        .order_by(Gap.rank, Gap.id)
    ).all()
    for rank, g in enumerate([*gaps, *rest], start=1):
        g.rank = rank
    record(session, current, "rank", now, subject=",".join(str(i) for i in order))
    session.flush()
    return list_gaps(session, now)


class GapNotOpen(UserError):
    """A gap id that is not an open gap of this pass (none by that id, or another learner's): not found."""

    http_status = 404


def order_after_move(ids: list[int], item: int, direction: str) -> list[int]:
    """The order after moving ``item`` one place up or down (the gap list's arrows)."""
    if item not in ids:
        raise GapNotOpen(f"gap {item} is not among the open gaps of this pass")
    if direction not in ("up", "down"):
        raise UserError("move a gap up or down")
    order = list(ids)
    i = order.index(item)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order


def move_gap(session: Session, gap_id: int, direction: str, now: datetime) -> list[GapView]:
    """Move one open gap a place up or down in the ranking (the rest keep their order)."""
    ids = [g.id for g in list_gaps(session, now) if g.status == "open"]
    return rank_gaps(session, order_after_move(ids, gap_id, direction), now)


def kept_gap(session: Session) -> Gap | None:
    current = current_pass(session)
    if current is None:
        return None
    return session.scalars(select(Gap).where(Gap.pass_id == current.id, Gap.status == "kept")).first()


def keep_gap(session: Session, gap_id: int, days: int, now: datetime) -> GapView:
    """Keep ONE gap with a 1-7 day time box; every other open gap is set aside (kept in history)."""
    current = open_pass(session)
    rules.check_gap_days(days)
    if current.step != 5:
        raise UserError(
            f"a gap is kept at step 5 and pass {current.number} is at step {current.step}; "
            "keep capturing gaps until then"
        )
    if kept_gap(session) is not None:
        raise UserError("you already keep a gap: close it or drop it first")
    gap = _get(session, gap_id, current)
    if gap.status not in ("open", "set_aside"):
        raise UserError(f"gap {gap.id} is {gap.status}; keep an open one")
    for other in session.scalars(select(Gap).where(Gap.pass_id == current.id, Gap.status == "open", Gap.id != gap.id)):
        other.status = "set_aside"
    gap.status, gap.rank, gap.kept_at, gap.days = "kept", 1, now, days
    gap.deadline = rules.deadline_for(now, days)
    record(session, current, "keep", now, subject=f"gap:{gap.id}")
    session.flush()
    return _view(session, gap, now)


def _require_kept(session: Session) -> Gap:
    gap = kept_gap(session)
    if gap is None:
        raise UserError("no gap kept yet: rank your gaps, then keep the top one")
    return gap


def close_gap(session: Session, learned: str, now: datetime) -> GapView:
    gap = _require_kept(session)
    if not learned or not learned.strip():
        raise UserError("say what you learned", field="learned")
    current = open_pass(session)
    if gap.deadline and rules.is_early(gap.deadline, now):
        record(
            session,
            current,
            "early",
            now,
            subject=f"gap:{gap.id}",
            reason=f"{rules.days_left(gap.deadline, now)} day(s) before the deadline",
        )
    elif gap.deadline and rules.is_overdue(gap.deadline, now):
        record(
            session,
            current,
            "late",
            now,
            subject=f"gap:{gap.id}",
            reason=f"{-rules.days_left(gap.deadline, now)} day(s) after the deadline",
        )
    gap.status, gap.closed_at, gap.learned = "done", now, learned.strip()
    record(session, current, "gap-done", now, subject=f"gap:{gap.id}")
    if gap.topic_id:  # a closed gap on a map topic marks the topic done
        from learnloop.atlas.load import load_atlas
        from learnloop.loop.marks import mark_topic

        atlas = load_atlas()
        if gap.topic_id in atlas.topics:
            mark_topic(session, atlas, gap.topic_id, "done", now, source=f"gap:{gap.id}")
    return _view(session, gap, now)


def extend_gap(session: Session, days: int, reason: str, now: datetime) -> GapView:
    gap = _require_kept(session)
    if not reason or not reason.strip():
        raise UserError("say why you extend", field="reason")
    total = rules.check_extension(gap.days or 0, days, rules.GAP_DAYS, "gap")
    gap.days = total
    gap.deadline = rules.deadline_for((gap.kept_at or now).astimezone(now.tzinfo), total)
    record(
        session, open_pass(session), "extend", now, subject=f"gap:{gap.id}", reason=f"+{days} days: {reason.strip()}"
    )
    return _view(session, gap, now)


def drop_gap(session: Session, reason: str, now: datetime) -> GapView:
    gap = _require_kept(session)
    if not reason or not reason.strip():
        raise UserError("say why you drop it", field="reason")
    gap.status, gap.closed_at, gap.learned = "dropped", now, None
    record(session, open_pass(session), "drop", now, subject=f"gap:{gap.id}", reason=reason.strip())
    return _view(session, gap, now)


def guide(session: Session, atlas: Atlas, now: datetime, gap_id: int | None = None) -> GapGuide:
    """Neighbouring map topics and resources for a gap (the kept one by default)."""
    if gap_id is None:
        gap = _require_kept(session)
    else:
        found = session.get(Gap, gap_id)
        if found is None:
            raise NotFound("gap", str(gap_id))
        gap = found
    topic_id, matched = gap.topic_id, False
    if topic_id is None:
        from learnloop.atlas.search import search

        hits = [h for h in search(atlas, gap.text, limit=5, kinds={"topic"})] if gap.text.strip() else []
        if hits:
            topic_id, matched = hits[0].id, True
    if topic_id is None:
        return GapGuide(gap=_view(session, gap, now), matched=False, topic=None, neighbours=[], resources=[])
    topic = atlas.topic(topic_id)

    def brief(t: object) -> GuideTopic:
        return GuideTopic(id=t.id, name=t.name, summary=t.summary)  # type: ignore[attr-defined]

    neighbour_ids = list(dict.fromkeys([*topic.prerequisites, *topic.related]))
    resources = [
        GuideResource(id=r.id, title=r.title, kind=r.kind, url=str(r.url) if r.url else None, free=r.free)
        for r in atlas.resources_for(topic_id)[:6]
    ]
    return GapGuide(
        gap=_view(session, gap, now),
        matched=matched,
        topic=brief(topic),
        neighbours=[brief(atlas.topics[i]) for i in neighbour_ids[:8]],
        resources=resources,
    )


def gap_calendar_for(
    session: Session, now: datetime, gap_id: int | None = None
) -> tuple[str, bytes, list[CalendarEvent]]:
    """The kept gap's time box as a calendar file (name, bytes) and its events (for an "add to calendar" link)."""
    from learnloop.loop.calendar import gap_calendar, gap_events
    from learnloop.loop.clock import alarm_time

    gap = _require_kept(session) if gap_id is None else session.get(Gap, gap_id)
    if gap is None or gap.deadline is None:
        raise UserError("that gap has no time box: keep it first")
    extensions = len(
        session.scalars(select(Event.id).where(Event.kind == "extend", Event.subject == f"gap:{gap.id}")).all()
    )
    alarm = alarm_time()
    return (
        f"gap-{gap.id}-deadline.ics",
        gap_calendar(gap_id=gap.id, text=gap.text, deadline=gap.deadline, now=now, sequence=extensions, alarm=alarm),
        list(gap_events(gap_id=gap.id, text=gap.text, deadline=gap.deadline, alarm=alarm)),
    )
