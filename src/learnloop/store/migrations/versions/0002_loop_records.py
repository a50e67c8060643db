"""The loop engine: reference projects, notes, projects and check-ins, gaps, practice.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from learnloop.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _pass_fk() -> sa.Column:
    return sa.Column("pass_id", sa.Integer, sa.ForeignKey("passes.id"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "reference_projects",
        sa.Column("id", sa.Integer, primary_key=True),
        _pass_fk(),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("why", sa.Text),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        _pass_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True),
        _pass_fk(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("idea_id", sa.String(80)),
        sa.Column("data_source", sa.String(500)),
        sa.Column("no_data_reason", sa.Text),
        sa.Column("directory", sa.String(1000)),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("summary", sa.Text),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "gaps",
        sa.Column("id", sa.Integer, primary_key=True),
        _pass_fk(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("topic_id", sa.String(80)),
        sa.Column("rank", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("kept_at", UTCDateTime),
        sa.Column("days", sa.Integer),
        sa.Column("deadline", sa.Date),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("learned", sa.Text),
    )
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer, primary_key=True),
        _pass_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("passed", sa.Boolean),
        sa.Column("at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("practice", "gaps", "checkins", "projects", "notes", "reference_projects"):
        op.drop_table(table)
