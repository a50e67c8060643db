"""One learner's records, and nobody else's: the one place that scopes every query of a store session.

A :class:`learnloop.store.db.Store` hands out :class:`LearnerSession` objects whose ``info["learner_id"]`` names
the learner they serve (the laptop's local learner unless told otherwise). Two session events make every
:class:`~learnloop.store.models.Owned` record that learner's:

* ``do_orm_execute`` adds ``learner_id = :learner`` to every ORM SELECT, UPDATE and DELETE of an owned model
  (through ``with_loader_criteria``: joins, ``session.get``, lazy loads and relationship loads included), so a
  feature's ``select(Gap)`` never sees another learner's gap, and ``delete(Interest)`` deletes only theirs;
* ``before_flush`` stamps the learner on each new owned record, and refuses to flush one that belongs to another
  learner (new, changed or deleted): :class:`OtherLearnersRecord`, a bug, never the learner's doing.

A session with ``learner_id = None`` (``Store.across_learners()``) is not scoped: the class server's own queries
name the learners they read, and a record written there must carry its owner already. Plain SQL (``text()``,
Core statements on tables) is not rewritten: :mod:`learnloop.loop.reads` binds ``:learner`` itself, and
:mod:`learnloop.store.transfer` filters its tables by owner.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from learnloop.store.models import Owned


class OtherLearnersRecord(RuntimeError):
    """A session tried to write a record that belongs to another learner (a bug in the caller)."""


class LearnerSession(Session):
    """A store session; ``info["learner_id"]`` names its learner (None: across learners, unscoped)."""


def learner_of(session: Session) -> int | None:
    """The learner a store session serves (None for a session across learners)."""
    if "learner_id" not in session.info:
        raise RuntimeError("a store session names the learner it serves (Store.session/read/across_learners)")
    learner: int | None = session.info["learner_id"]
    return learner


def one_learner(session: Session) -> int:
    """The learner of a session that must serve exactly one (an export, an import, the loop's own reads)."""
    learner = learner_of(session)
    if learner is None:
        raise RuntimeError("this needs one learner's session, not a session across learners")
    return learner


@event.listens_for(LearnerSession, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    learner = learner_of(state.session)
    if learner is None or not state.is_orm_statement:
        return
    if state.is_column_load:
        return  # a refresh of a row this session already holds, by its primary key
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(_criteria(learner))


@lru_cache(maxsize=4096)
def _criteria(learner: int) -> Any:
    """The option that scopes a statement to ``learner``: built once per learner and reused (building it,
    which inspects the lambda, costs more than the query it scopes)."""
    return with_loader_criteria(Owned, lambda cls: cls.learner_id == learner, include_aliases=True)


@event.listens_for(LearnerSession, "before_flush")
def _stamp_owners(session: Session, _flush_context: Any, _instances: Any) -> None:
    learner = learner_of(session)
    for record in session.new:
        if not isinstance(record, Owned):
            continue
        if record.learner_id is None:
            if learner is None:
                raise OtherLearnersRecord(
                    f"a new {type(record).__name__} written across learners must name its learner"
                )
            record.learner_id = learner
        elif learner is not None and record.learner_id != learner:
            raise OtherLearnersRecord(
                f"refused: a new {type(record).__name__} of learner {record.learner_id} in learner {learner}'s session"
            )
    if learner is None:
        return
    for record in (*session.dirty, *session.deleted):
        if not isinstance(record, Owned):
            continue
        owners = {record.learner_id, *inspect(record).attrs.learner_id.history.deleted} - {None}
        if owners != {learner}:
            raise OtherLearnersRecord(
                f"refused: a {type(record).__name__} of learner {sorted(owners)} in learner {learner}'s session"
            )
