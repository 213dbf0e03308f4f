"""Integrations: calendar feeds, and the status timeline they (and exports) show."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, OwnedMixin, pg_enum
from app.models.enums import InterviewOutcome, InterviewStatus


class CalendarFeed(IdMixin, Base):
    """A user's secret calendar URL. Only the SHA-256 of its token is kept: the URL is shown once.

    ``content_etag`` / ``content_changed_at`` remember the last body served, so ``Last-Modified``
    is the moment the feed's content last changed (whatever changed it: an edit, a question
    falling due, an event leaving the 90-day window).
    """

    __tablename__ = "calendar_feeds"

    owner_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    content_etag: Mapped[str | None] = mapped_column(String(64))
    content_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InterviewStatusChange(IdMixin, OwnedMixin, Base):
    """One point of an interview's status/outcome timeline, written by the interview service
    on creation and on every change of either field."""

    __tablename__ = "interview_status_history"

    interview_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False
    )
    interview_status: Mapped[InterviewStatus] = mapped_column(
        pg_enum(InterviewStatus, "interview_status"), nullable=False
    )
    outcome: Mapped[InterviewOutcome | None] = mapped_column(pg_enum(InterviewOutcome, "interview_outcome"))
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (Index("ix_interview_status_history_interview", "interview_id", "changed_at", "id"),)
