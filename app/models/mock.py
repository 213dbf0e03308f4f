"""Mock interviews: a planned run of questions, answered one by one, graded and scheduled.

An item keeps its question's text and category as they were asked, so the transcript survives
edits to the bank. Grades live in ``answer_attempts``; an item points at the attempt of the first
answer and at the final one (the answer graded together with its follow-up answer, when asked).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, TimestampMixin, pg_enum
from app.models.enums import MockItemStatus, MockStatus, QuestionCategory


class MockInterview(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "mock_interviews"

    interview_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="SET NULL"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("roles.id", ondelete="SET NULL"), index=True
    )
    categories: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    question_count: Mapped[int] = mapped_column(Integer, nullable=False)
    agent: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[MockStatus] = mapped_column(
        pg_enum(MockStatus, "mock_interview_status"), nullable=False, server_default="in_progress"
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    practice_session_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("practice_sessions.id", ondelete="SET NULL"), index=True
    )

    items: Mapped[list[MockInterviewItem]] = relationship(
        lazy="raise", order_by="MockInterviewItem.position", passive_deletes=True
    )

    __table_args__ = (Index("ix_mock_interviews_owner_created", "owner_id", "created_at", "id"),)


class MockInterviewItem(IdMixin, OwnedMixin, TimestampMixin, Base):
    """One planned question: why it was chosen, the answer, the follow-up and the grades."""

    __tablename__ = "mock_interview_items"

    mock_interview_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("mock_interviews.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    question_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    question_text: Mapped[str] = mapped_column(Text, nullable=False)
    question_category: Mapped[QuestionCategory] = mapped_column(
        pg_enum(QuestionCategory, "question_category"), nullable=False
    )
    agent: Mapped[str] = mapped_column(String(50), nullable=False)
    # plan bucket: due | company | skills | bank | generated
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[MockItemStatus] = mapped_column(
        pg_enum(MockItemStatus, "mock_item_status"), nullable=False, server_default="pending"
    )
    answer: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    follow_up_answer: Mapped[str | None] = mapped_column(Text)
    follow_up_reply: Mapped[str | None] = mapped_column(Text)
    first_attempt_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("answer_attempts.id", ondelete="SET NULL")
    )
    attempt_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("answer_attempts.id", ondelete="SET NULL")
    )
    # The final grade, kept with the item so the report needs no join: {overall, criteria}
    grade: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The question's review card around this answer: added (no card before) or moved.
    card_added: Mapped[bool | None] = mapped_column(Boolean)
    card_due_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    card_due_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("mock_interview_id", "position"),)
