"""Progress marks on the map: one row per topic marked done, in progress or skipped.

Revision ID: 0003_topic_marks
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from learnloop.store.models import UTCDateTime

revision = "0003_topic_marks"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic_marks",
        sa.Column("topic_id", sa.String(80), primary_key=True),
        sa.Column("mark", sa.String(20), nullable=False),
        sa.Column("marked_at", UTCDateTime, nullable=False),
        sa.Column("source", sa.String(40)),
    )


def downgrade() -> None:
    op.drop_table("topic_marks")
