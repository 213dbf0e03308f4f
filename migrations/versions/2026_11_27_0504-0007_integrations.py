"""integrations: calendar feeds, the interview status timeline, and interviews.revision.

Existing interviews get one timeline point each: their current status and outcome at the time
they were created (the best that is known about them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INTERVIEW_STATUS = postgresql.ENUM(name="interview_status", create_type=False)
INTERVIEW_OUTCOME = postgresql.ENUM(name="interview_outcome", create_type=False)


def upgrade() -> None:
    op.add_column(
        "interviews", sa.Column("revision", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )

    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("content_etag", sa.String(64), nullable=True),
        sa.Column("content_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_calendar_feeds_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("owner_id", name=op.f("uq_calendar_feeds_owner_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )

    op.create_table(
        "interview_status_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("interview_status", INTERVIEW_STATUS, nullable=False),
        sa.Column("outcome", INTERVIEW_OUTCOME, nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_interview_status_history_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_status_history_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_status_history")),
    )
    op.create_index(op.f("ix_interview_status_history_owner_id"), "interview_status_history", ["owner_id"])
    op.create_index(
        "ix_interview_status_history_interview",
        "interview_status_history",
        ["interview_id", "changed_at", "id"],
    )
    op.execute(
        "INSERT INTO interview_status_history (owner_id, interview_id, interview_status, outcome, changed_at) "
        "SELECT owner_id, id, interview_status, outcome, created_at FROM interviews ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index("ix_interview_status_history_interview", table_name="interview_status_history")
    op.drop_index(op.f("ix_interview_status_history_owner_id"), table_name="interview_status_history")
    op.drop_table("interview_status_history")
    op.drop_table("calendar_feeds")
    op.drop_column("interviews", "revision")
