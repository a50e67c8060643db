"""The web's jobs: each long piece of work kept as a row, so a restart neither loses nor forgets it.

Revision ID: 0004_jobs
Revises: 0003_topic_marks
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from learnloop.store.models import UTCDateTime

revision = "0004_jobs"
down_revision = "0003_topic_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("back", sa.String(300), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("params", sa.Text),
        sa.Column("folder", sa.String(1000)),
        sa.Column("error", sa.Text),
        sa.Column("error_status", sa.Integer, nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("started_at", UTCDateTime),
        sa.Column("finished_at", UTCDateTime),
    )


def downgrade() -> None:
    op.drop_table("jobs")
