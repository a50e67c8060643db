"""Every learner record gets its owner: ``learner_id`` on each table (existing rows: the local learner, 1), the
keys that were unique per database become unique per learner, and a pass can be shared with the class.

Revision ID: 0006_owners
Revises: 0005_learners
Create Date: 2026-12-01

On SQLite each table is copied (batch mode); the upgrade runs with foreign keys off (``store.db.upgrade``) and
checks them all before it commits. On PostgreSQL the tables are altered in place.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from learnloop.store.models import UTCDateTime

revision = "0006_owners"
down_revision = "0005_learners"
branch_labels = None
depends_on = None

LOCAL_LEARNER_ID = 1
# Tables keyed by their own ``id``: learner_id is added beside it (parents before children).
ID_TABLES = ("passes", "events", "reference_projects", "notes", "projects", "checkins", "gaps", "practice", "jobs")
# Tables keyed by what they describe (one ranking per focus, one mark per topic): the key gains the learner.
KEYED: dict[str, tuple[str, list[sa.Column[Any]]]] = {
    "interests": (
        "focus_id",
        [
            sa.Column("focus_id", sa.String(80), nullable=False),
            sa.Column("rank", sa.Integer, nullable=False),
            sa.Column("ranked_at", UTCDateTime, nullable=False),
        ],
    ),
    "topic_marks": (
        "topic_id",
        [
            sa.Column("topic_id", sa.String(80), nullable=False),
            sa.Column("mark", sa.String(20), nullable=False),
            sa.Column("marked_at", UTCDateTime, nullable=False),
            sa.Column("source", sa.String(40)),
        ],
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    for table in ID_TABLES:
        # Two steps: the column comes with a default that fills the existing rows, then loses it, so that
        # a row written without its owner is refused rather than given to the local learner.
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("learner_id", sa.Integer, nullable=False, server_default=sa.text(str(LOCAL_LEARNER_ID)))
            )
            batch.create_foreign_key(f"fk_{table}_learner_id", "learners", ["learner_id"], ["id"])
            batch.create_index(f"ix_{table}_learner_id", ["learner_id"])
            if table == "passes":
                batch.add_column(sa.Column("shared_at", UTCDateTime))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("learner_id", existing_type=sa.Integer, server_default=None, existing_nullable=False)

    # passes.number counts one learner's passes: unique per learner, not per database.
    if bind.dialect.name == "sqlite":
        # The first release's UNIQUE (number) has no name on SQLite: the naming convention gives it one to drop.
        convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
        with op.batch_alter_table("passes", naming_convention=convention) as batch:
            batch.drop_constraint("uq_passes_number", type_="unique")
            batch.create_unique_constraint("uq_passes_learner_number", ["learner_id", "number"])
    else:
        for unique in sa.inspect(bind).get_unique_constraints("passes"):
            if unique["column_names"] == ["number"] and unique["name"]:
                op.drop_constraint(unique["name"], "passes", type_="unique")
        op.create_unique_constraint("uq_passes_learner_number", "passes", ["learner_id", "number"])

    # interests and topic_marks: a new table keyed (learner_id, key), the rows copied as the local learner's.
    for table, (key, columns) in KEYED.items():
        names = ", ".join(c.name for c in columns)
        op.create_table(  # the owner last, as on the other tables (``SELECT *`` keeps its columns' order)
            f"{table}_owned",
            *columns,
            sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id", name=f"fk_{table}_learner_id")),
            sa.PrimaryKeyConstraint("learner_id", key, name=f"pk_{table}"),
        )
        op.execute(f"INSERT INTO {table}_owned (learner_id, {names}) SELECT {LOCAL_LEARNER_ID}, {names} FROM {table}")
        op.drop_table(table)
        op.rename_table(f"{table}_owned", table)

    if bind.dialect.name == "postgresql":
        # 0005 inserted the local learner with its id: move the learners' sequence past it, so the first account
        # a class server makes does not collide with learner 1.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('learners', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM learners"
        )
    if bind.dialect.name == "sqlite":
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the upgrade would leave records pointing at nothing: {broken[:5]}")


def downgrade() -> None:
    raise NotImplementedError("0006_owners is not undone: a database with several learners cannot lose its owners")
