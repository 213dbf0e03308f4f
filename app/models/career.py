"""CV versions, practice sessions, skill gaps and the user's own skill levels."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, SoftDeleteMixin, TimestampMixin, pg_enum
from app.models.enums import GapSeverity, GapStatus, ProficiencyLevel, QuestionCategory
from app.models.interviews import rating_check

if TYPE_CHECKING:
    from app.models.catalog import Skill
    from app.models.questions import Question


class CvVersion(IdMixin, OwnedMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "cv_versions"

    version_name: Mapped[str] = mapped_column(String(200), nullable=False)
    target_role: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    file_url: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))

    __table_args__ = (
        Index(
            "uq_cv_versions_owner_name",
            "owner_id",
            func.lower(version_name),
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class PracticeSession(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "practice_sessions"

    session_date: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    focus_category: Mapped[QuestionCategory | None] = mapped_column(
        pg_enum(QuestionCategory, "question_category")
    )
    overall_rating: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    questions: Mapped[list[PracticeSessionQuestion]] = relationship(
        lazy="raise", order_by="PracticeSessionQuestion.id", passive_deletes=True
    )

    __table_args__ = (
        rating_check("overall_rating"),
        Index("ix_practice_sessions_owner_date", "owner_id", "session_date"),
    )


class PracticeSessionQuestion(IdMixin, OwnedMixin, Base):
    """A question practised in a session, with the user's own rating of the answer."""

    __tablename__ = "practice_session_questions"

    session_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("practice_sessions.id", ondelete="CASCADE"), nullable=False
    )
    question_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    self_rating: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    question: Mapped[Question] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("session_id", "question_id"),
        rating_check("self_rating"),
    )


class SkillGap(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "skill_gaps"

    skill_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("skills.id", ondelete="CASCADE"), nullable=False, index=True
    )
    interview_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="SET NULL"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    gap_description: Mapped[str] = mapped_column(Text, nullable=False)
    severity: Mapped[GapSeverity] = mapped_column(
        pg_enum(GapSeverity, "gap_severity"), nullable=False, server_default="medium"
    )
    status: Mapped[GapStatus] = mapped_column(
        pg_enum(GapStatus, "gap_status"), nullable=False, server_default="identified"
    )
    action_plan: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    skill: Mapped[Skill] = relationship(lazy="raise")

    __table_args__ = (Index("ix_skill_gaps_owner_status", "owner_id", "status", "severity"),)


class UserSkill(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "user_skills"

    skill_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("skills.id", ondelete="CASCADE"), nullable=False, index=True
    )
    proficiency_level: Mapped[ProficiencyLevel] = mapped_column(
        pg_enum(ProficiencyLevel, "proficiency_level"), nullable=False, server_default="intermediate"
    )
    self_rating: Mapped[int | None] = mapped_column(Integer)
    years_experience: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    last_used_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    skill: Mapped[Skill] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("owner_id", "skill_id"), rating_check("self_rating"))
