"""The learning loop: graded answer attempts and the FSRS review schedule.

One ``review_cards`` row per (user, question) holds the scheduler's state; ``review_logs`` keeps
every rating that fed it (interview ratings, practice self-ratings, graded attempts, reviews),
so a card can always be rebuilt by replaying its log in time order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, OwnedMixin, TimestampMixin, pg_enum
from app.models.enums import CardState, ReviewRating, ReviewSource
from app.models.interviews import rating_check


class AnswerAttempt(IdMixin, OwnedMixin, TimestampMixin, Base):
    """An answer graded against a specialist's rubric."""

    __tablename__ = "answer_attempts"

    question_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    interview_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="SET NULL"), index=True
    )
    agent: Mapped[str] = mapped_column(String(50), nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    overall: Mapped[int] = mapped_column(Integer, nullable=False)
    # [{criterion, score, evidence, advice}]
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    strengths: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    improvements: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    better_answer_outline: Mapped[str] = mapped_column(Text, nullable=False)
    model: Mapped[str] = mapped_column(String(200), nullable=False)
    # "llm" or "offline": which grader produced the scores
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    duration_ms: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        rating_check("overall"),
        Index("ix_answer_attempts_owner_created", "owner_id", "created_at"),
    )


class ReviewCard(IdMixin, OwnedMixin, TimestampMixin, Base):
    """The FSRS card for one (user, question)."""

    __tablename__ = "review_cards"

    question_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    state: Mapped[CardState] = mapped_column(
        pg_enum(CardState, "card_state"), nullable=False, server_default="learning"
    )
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reps: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    lapses: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))

    __table_args__ = (
        UniqueConstraint("owner_id", "question_id"),
        Index("ix_review_cards_owner_due", "owner_id", "due_at"),
    )


class ReviewLog(IdMixin, OwnedMixin, Base):
    """One rating applied to a card. ``(source, source_id)`` names the row it came from, so an
    edited interview rating replaces its review instead of adding a second one."""

    __tablename__ = "review_logs"

    card_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("review_cards.id", ondelete="CASCADE"), nullable=False
    )
    rating: Mapped[ReviewRating] = mapped_column(pg_enum(ReviewRating, "review_rating"), nullable=False)
    score: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[ReviewSource] = mapped_column(pg_enum(ReviewSource, "review_source"), nullable=False)
    source_id: Mapped[int | None] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (
        rating_check("score"),
        Index("ix_review_logs_card_reviewed", "card_id", "reviewed_at", "id"),
        Index("ix_review_logs_owner_reviewed", "owner_id", "reviewed_at"),
        Index(
            "uq_review_logs_source",
            "source",
            "source_id",
            unique=True,
            postgresql_where=text("source_id IS NOT NULL"),
        ),
    )
