"""mock interviews: a planned run of questions, their answers, follow-ups and grades.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOCK_STATUS = postgresql.ENUM("in_progress", "finished", name="mock_interview_status", create_type=False)
ITEM_STATUS = postgresql.ENUM(
    "pending", "follow_up", "answered", "skipped", name="mock_item_status", create_type=False
)
QUESTION_CATEGORY = postgresql.ENUM(name="question_category", create_type=False)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    bind = op.get_bind()
    MOCK_STATUS.create(bind, checkfirst=False)
    ITEM_STATUS.create(bind, checkfirst=False)

    t = "mock_interviews"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("categories", postgresql.JSONB(), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(50), nullable=True),
        sa.Column("status", MOCK_STATUS, server_default="in_progress", nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("practice_session_id", sa.Integer(), nullable=True),
        *_timestamps(),
        _fk(t, "owner_id", "users", "CASCADE"),
        _fk(t, "interview_id", "interviews", "SET NULL"),
        _fk(t, "company_id", "companies", "SET NULL"),
        _fk(t, "role_id", "roles", "SET NULL"),
        _fk(t, "practice_session_id", "practice_sessions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_interviews")),
    )
    for column in ("owner_id", "interview_id", "company_id", "role_id", "practice_session_id"):
        op.create_index(op.f(f"ix_{t}_{column}"), t, [column])
    op.create_index("ix_mock_interviews_owner_created", t, ["owner_id", "created_at", "id"])

    t = "mock_interview_items"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("mock_interview_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("question_text", sa.Text(), nullable=False),
        sa.Column("question_category", QUESTION_CATEGORY, nullable=False),
        sa.Column("agent", sa.String(50), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", ITEM_STATUS, server_default="pending", nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("follow_up_answer", sa.Text(), nullable=True),
        sa.Column("follow_up_reply", sa.Text(), nullable=True),
        sa.Column("first_attempt_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("grade", postgresql.JSONB(), nullable=True),
        sa.Column("card_added", sa.Boolean(), nullable=True),
        sa.Column("card_due_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_due_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _fk(t, "owner_id", "users", "CASCADE"),
        _fk(t, "mock_interview_id", "mock_interviews", "CASCADE"),
        _fk(t, "question_id", "questions", "SET NULL"),
        _fk(t, "first_attempt_id", "answer_attempts", "SET NULL"),
        _fk(t, "attempt_id", "answer_attempts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_interview_items")),
        sa.UniqueConstraint(
            "mock_interview_id", "position", name=op.f("uq_mock_interview_items_mock_interview_id_position")
        ),
    )
    op.create_index(op.f("ix_mock_interview_items_owner_id"), t, ["owner_id"])
    op.create_index(op.f("ix_mock_interview_items_question_id"), t, ["question_id"])


def downgrade() -> None:
    op.drop_table("mock_interview_items")
    op.drop_table("mock_interviews")
    bind = op.get_bind()
    ITEM_STATUS.drop(bind, checkfirst=False)
    MOCK_STATUS.drop(bind, checkfirst=False)
