"""The class server's people: learners (the laptop's one local learner made here), classes, memberships,
invites, sync tokens, web sessions and failed sign-ins.

Revision ID: 0005_learners
Revises: 0004_jobs
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from learnloop.store.models import UTCDateTime

revision = "0005_learners"
down_revision = "0004_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    learners = op.create_table(
        "learners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("login", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime),
        sa.Column("last_synced_at", UTCDateTime),
    )
    op.bulk_insert(
        learners,
        [
            {
                "id": 1,
                "login": "local",
                "name": "me",
                "email": None,
                "role": "student",
                "origin": "local",
                "password_hash": None,
                "created_at": datetime.now(UTC),
            }
        ],
    )
    op.create_table(
        "classrooms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("teacher_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False, index=True),
        sa.Column("inactive_days", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("classroom_id", sa.Integer, sa.ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("joined_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "classroom_id", sa.Integer, sa.ForeignKey("classrooms.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("uses", sa.Integer, nullable=False),
    )
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "learner_id", sa.Integer, sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_used_at", UTCDateTime),
        sa.Column("revoked_at", UTCDateTime),
    )
    op.create_table(
        "web_sessions",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column(
            "learner_id", sa.Integer, sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, index=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    for table in ("login_attempts", "web_sessions", "access_tokens", "invites", "memberships", "classrooms"):
        op.drop_table(table)
    op.drop_table("learners")
