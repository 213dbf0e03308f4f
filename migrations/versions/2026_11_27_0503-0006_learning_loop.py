"""learning loop: graded answer attempts and the FSRS review schedule (cards and their log).

Existing ratings are backfilled: every interview question with an ``answer_quality_rating`` and
every practised question with a ``self_rating`` becomes a review at the time of its interview or
session, replayed through fsrs in time order, so an account with history has a schedule at once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# The schedule is computed by the same pure function the service uses, so a backfilled card is
# exactly what the app would have built review by review.
from app.review.scheduling import Review, rating_for_score, replay

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARD_STATE = postgresql.ENUM("learning", "review", "relearning", name="card_state", create_type=False)
REVIEW_RATING = postgresql.ENUM("again", "hard", "good", "easy", name="review_rating", create_type=False)
REVIEW_SOURCE = postgresql.ENUM(
    "interview", "practice", "grade", "review", name="review_source", create_type=False
)
ENUMS = (CARD_STATE, REVIEW_RATING, REVIEW_SOURCE)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS:
        enum.create(bind, checkfirst=False)

    op.create_table(
        "answer_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("agent", sa.String(50), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("overall", sa.Integer(), nullable=False),
        sa.Column("criteria", postgresql.JSONB(), nullable=False),
        sa.Column("strengths", postgresql.JSONB(), nullable=False),
        sa.Column("improvements", postgresql.JSONB(), nullable=False),
        sa.Column("better_answer_outline", sa.Text(), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("overall BETWEEN 1 AND 10", name=op.f("ck_answer_attempts_overall_range")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_answer_attempts_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_answer_attempts_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_answer_attempts_interview_id_interviews"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_attempts")),
    )
    op.create_index(op.f("ix_answer_attempts_owner_id"), "answer_attempts", ["owner_id"])
    op.create_index(op.f("ix_answer_attempts_question_id"), "answer_attempts", ["question_id"])
    op.create_index(op.f("ix_answer_attempts_interview_id"), "answer_attempts", ["interview_id"])
    op.create_index("ix_answer_attempts_owner_created", "answer_attempts", ["owner_id", "created_at"])

    op.create_table(
        "review_cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("state", CARD_STATE, server_default="learning", nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reps", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lapses", sa.Integer(), server_default=sa.text("0"), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_review_cards_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_review_cards_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cards")),
        sa.UniqueConstraint("owner_id", "question_id", name=op.f("uq_review_cards_owner_id_question_id")),
    )
    op.create_index(op.f("ix_review_cards_owner_id"), "review_cards", ["owner_id"])
    op.create_index(op.f("ix_review_cards_question_id"), "review_cards", ["question_id"])
    op.create_index("ix_review_cards_owner_due", "review_cards", ["owner_id", "due_at"])

    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("rating", REVIEW_RATING, nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("source", REVIEW_SOURCE, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 10", name=op.f("ck_review_logs_score_range")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_review_logs_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["review_cards.id"],
            name=op.f("fk_review_logs_card_id_review_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_logs")),
    )
    op.create_index(op.f("ix_review_logs_owner_id"), "review_logs", ["owner_id"])
    op.create_index("ix_review_logs_card_reviewed", "review_logs", ["card_id", "reviewed_at", "id"])
    op.create_index("ix_review_logs_owner_reviewed", "review_logs", ["owner_id", "reviewed_at"])
    op.create_index(
        "uq_review_logs_source",
        "review_logs",
        ["source", "source_id"],
        unique=True,
        postgresql_where=sa.text("source_id IS NOT NULL"),
    )

    _backfill(bind)


# Every rating already given, at the time of its interview or practice session (a future-dated
# interview counts as now, and an undated one as when the question was linked).
RATINGS_SQL = sa.text(
    """
    SELECT iq.owner_id, iq.question_id, iq.answer_quality_rating AS score, 'interview' AS source,
           iq.id AS source_id, least(coalesce(i.interview_date, iq.created_at), now()) AS reviewed_at
      FROM interview_questions iq JOIN interviews i ON i.id = iq.interview_id
     WHERE iq.answer_quality_rating IS NOT NULL
    UNION ALL
    SELECT pq.owner_id, pq.question_id, pq.self_rating, 'practice', pq.id, least(ps.session_date, now())
      FROM practice_session_questions pq JOIN practice_sessions ps ON ps.id = pq.session_id
     WHERE pq.self_rating IS NOT NULL
    ORDER BY 1, 2, 6, 5
    """
)


def _backfill(bind: sa.Connection) -> None:
    by_card: dict[tuple[int, int], list[sa.Row]] = defaultdict(list)
    for row in bind.execute(RATINGS_SQL):
        by_card[(row.owner_id, row.question_id)].append(row)

    for (owner_id, question_id), rows in by_card.items():
        reviews = [Review(rating_for_score(r.score), r.reviewed_at) for r in rows]
        first: datetime = rows[0].reviewed_at
        s = replay(reviews, first)
        card_id = bind.execute(
            sa.text(
                "INSERT INTO review_cards (owner_id, question_id, state, step, stability, difficulty,"
                " due_at, last_reviewed_at, reps, lapses, created_at)"
                " VALUES (:owner_id, :question_id, CAST(:state AS card_state), :step, :stability,"
                " :difficulty, :due_at, :last_reviewed_at, :reps, :lapses, :created_at) RETURNING id"
            ),
            {
                "owner_id": owner_id,
                "question_id": question_id,
                "state": s.state.value,
                "step": s.step,
                "stability": s.stability,
                "difficulty": s.difficulty,
                "due_at": s.due_at,
                "last_reviewed_at": s.last_reviewed_at,
                "reps": s.reps,
                "lapses": s.lapses,
                "created_at": first,
            },
        ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO review_logs (owner_id, card_id, rating, score, source, source_id, reviewed_at)"
                " VALUES (:owner_id, :card_id, CAST(:rating AS review_rating), :score,"
                " CAST(:source AS review_source), :source_id, :reviewed_at)"
            ),
            [
                {
                    "owner_id": owner_id,
                    "card_id": card_id,
                    "rating": review.rating.value,
                    "score": r.score,
                    "source": r.source,
                    "source_id": r.source_id,
                    "reviewed_at": r.reviewed_at,
                }
                for r, review in zip(rows, reviews, strict=True)
            ],
        )


def downgrade() -> None:
    op.drop_table("review_logs")
    op.drop_table("review_cards")
    op.drop_table("answer_attempts")
    bind = op.get_bind()
    for enum in reversed(ENUMS):
        enum.drop(bind, checkfirst=False)
