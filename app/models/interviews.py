"""Interviews and what hangs off them: rounds, questions asked, skills tested."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    column,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, SoftDeleteMixin, TimestampMixin, pg_enum
from app.models.enums import (
    InterviewOutcome,
    InterviewStatus,
    InterviewType,
    RoundType,
    SeniorityLevel,
)

if TYPE_CHECKING:
    from app.models.catalog import Company, Role, Skill
    from app.models.integrations import InterviewStatusChange
    from app.models.questions import Question

INTERVIEW_SEARCH_SQL = (
    "setweight(to_tsvector('english'::regconfig, coalesce(notes, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(feedback, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(location, '')), 'C')"
)


# Undated interviews sort after dated ones when newest-first (and first when oldest-first):
# one non-null expression that an index can serve in both directions.
DATE_SORT_KEY: ColumnElement[datetime] = func.coalesce(
    column("interview_date"), text("'-infinity'::timestamptz")
)


def rating_check(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN 1 AND 10", name=f"{column}_range")


class Interview(IdMixin, OwnedMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "interviews"

    # Every interview query starts with the owner; the composite indexes below serve it, so no
    # single-column owner index (the planner preferred it and then sorted 100k rows).
    owner_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)

    company_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("companies.id", ondelete="RESTRICT"), nullable=False
    )
    role_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("roles.id", ondelete="RESTRICT"))
    cv_version_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("cv_versions.id", ondelete="SET NULL")
    )
    interview_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seniority_level: Mapped[SeniorityLevel | None] = mapped_column(pg_enum(SeniorityLevel, "seniority_level"))
    interview_type: Mapped[InterviewType] = mapped_column(
        pg_enum(InterviewType, "interview_type"), nullable=False, server_default="actual"
    )
    interview_status: Mapped[InterviewStatus] = mapped_column(
        pg_enum(InterviewStatus, "interview_status"), nullable=False, server_default="scheduled"
    )
    outcome: Mapped[InterviewOutcome | None] = mapped_column(pg_enum(InterviewOutcome, "interview_outcome"))
    is_remote: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    location: Mapped[str | None] = mapped_column(String(200))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    interviewer_names: Mapped[str | None] = mapped_column(String(500))
    overall_rating: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    # Only ever used inside SQL (search filters and ranking): never loaded with the row.
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(INTERVIEW_SEARCH_SQL, persisted=True), nullable=True, deferred=True
    )
    # Raised by every change to the interview or its rounds and links: the calendar's SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))

    company: Mapped[Company] = relationship(lazy="raise")
    role: Mapped[Role | None] = relationship(lazy="raise")
    rounds: Mapped[list[InterviewRound]] = relationship(
        lazy="raise", order_by="InterviewRound.round_number", passive_deletes=True
    )
    questions: Mapped[list[InterviewQuestion]] = relationship(
        lazy="raise", order_by="InterviewQuestion.id", passive_deletes=True
    )
    skills: Mapped[list[InterviewSkill]] = relationship(
        lazy="raise", order_by="InterviewSkill.id", passive_deletes=True
    )
    status_history: Mapped[list[InterviewStatusChange]] = relationship(
        lazy="raise",
        order_by="[InterviewStatusChange.changed_at, InterviewStatusChange.id]",
        passive_deletes=True,
    )

    __table_args__ = (
        rating_check("overall_rating"),
        CheckConstraint("duration_minutes >= 0", name="duration_nonnegative"),
        # Owner first: every per-user list and stat is served from these.
        # The list's two main orders, newest first, live rows only; keyset paging walks these.
        Index(
            "ix_interviews_owner_date_sort",
            "owner_id",
            DATE_SORT_KEY.desc(),
            text("id DESC"),
            postgresql_where=text("deleted_at IS NULL"),
            # Included so counts and page-id lookups are index-only scans.
            postgresql_include=["interview_status", "interview_date"],
        ),
        Index(
            "ix_interviews_owner_created_sort",
            "owner_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("deleted_at IS NULL"),
            postgresql_include=["interview_status"],
        ),
        Index("ix_interviews_owner_status", "owner_id", "interview_status"),
        Index("ix_interviews_owner_company", "owner_id", "company_id"),
        Index("ix_interviews_owner_role", "owner_id", "role_id"),
        Index("ix_interviews_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_interviews_cv_version", "cv_version_id"),
    )


class InterviewRound(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "interview_rounds"

    interview_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False
    )
    round_number: Mapped[int] = mapped_column(Integer, nullable=False)
    round_type: Mapped[RoundType] = mapped_column(
        pg_enum(RoundType, "round_type"), nullable=False, server_default="other"
    )
    round_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    interviewer_name: Mapped[str | None] = mapped_column(String(200))
    interviewer_role: Mapped[str | None] = mapped_column(String(200))
    round_rating: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("interview_id", "round_number"),
        rating_check("round_rating"),
        CheckConstraint("round_number >= 1", name="round_number_positive"),
    )


class InterviewQuestion(IdMixin, OwnedMixin, TimestampMixin, Base):
    """A question asked in an interview, with how well it was answered."""

    __tablename__ = "interview_questions"

    interview_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False
    )
    question_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    round_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("interview_rounds.id", ondelete="SET NULL"), index=True
    )
    answer_quality_rating: Mapped[int | None] = mapped_column(Integer)
    answer_given: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)

    question: Mapped[Question] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("interview_id", "question_id"),
        rating_check("answer_quality_rating"),
    )


class InterviewSkill(IdMixin, OwnedMixin, TimestampMixin, Base):
    """A skill an interview tested, with how well it went."""

    __tablename__ = "interview_skills"

    interview_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False
    )
    skill_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("skills.id", ondelete="CASCADE"), nullable=False, index=True
    )
    performance_rating: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    skill: Mapped[Skill] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("interview_id", "skill_id"),
        rating_check("performance_rating"),
    )
