"""The question bank, with full-text search and skill links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Computed,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, SoftDeleteMixin, TimestampMixin, pg_enum
from app.models.catalog import trigram_index
from app.models.enums import QuestionCategory, QuestionDifficulty

if TYPE_CHECKING:
    from app.models.catalog import Company, Skill

question_skills = Table(
    "question_skills",
    Base.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)

QUESTION_SEARCH_SQL = (
    "setweight(to_tsvector('english'::regconfig, coalesce(question_text, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(notes, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(sample_answer, '')), 'C')"
)


class Question(IdMixin, OwnedMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "questions"

    question_text: Mapped[str] = mapped_column(Text, nullable=False)
    question_category: Mapped[QuestionCategory] = mapped_column(
        pg_enum(QuestionCategory, "question_category"), nullable=False, server_default="other"
    )
    question_difficulty: Mapped[QuestionDifficulty] = mapped_column(
        pg_enum(QuestionDifficulty, "question_difficulty"), nullable=False, server_default="medium"
    )
    tags: Mapped[list[str]] = mapped_column(
        ARRAY(String(50)), nullable=False, server_default=text("'{}'::varchar[]")
    )
    company_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("companies.id", ondelete="SET NULL"))
    sample_answer: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    # Only ever used inside SQL (search filters and ranking): never loaded with the row.
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(QUESTION_SEARCH_SQL, persisted=True), nullable=True, deferred=True
    )

    company: Mapped[Company | None] = relationship(lazy="raise")
    skills: Mapped[list[Skill]] = relationship(secondary=question_skills, lazy="raise")

    __table_args__ = (
        Index("ix_questions_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_questions_tags", "tags", postgresql_using="gin"),
        Index("ix_questions_owner_created", "owner_id", "created_at", "id"),
        Index("ix_questions_owner_category", "owner_id", "question_category", "question_difficulty"),
        Index("ix_questions_owner_company", "owner_id", "company_id"),
        trigram_index("questions", "question_text"),
    )
