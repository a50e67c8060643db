"""First release: passes, the interest ranking, and the event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from learnloop.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("step_started_at", UTCDateTime, nullable=False),
        sa.Column("focus_id", sa.String(80)),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("retro", sa.Text),
    )
    op.create_table(
        "interests",
        sa.Column("focus_id", sa.String(80), primary_key=True),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("ranked_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pass_id", sa.Integer, sa.ForeignKey("passes.id"), nullable=False, index=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("step", sa.Integer),
        sa.Column("subject", sa.String(200)),
        sa.Column("reason", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("interests")
    op.drop_table("passes")
