"""Companies, roles and skills: the reference data a user builds up."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, SoftDeleteMixin, TimestampMixin, pg_enum
from app.models.enums import SeniorityLevel, SkillCategory

LIVE = text("deleted_at IS NULL")


def trigram_index(table: str, column: str) -> Index:
    """pg_trgm GIN index: serves `ILIKE '%word%'` and the typo-tolerant `<%` of searches."""
    return Index(
        f"ix_{table}_{column}_trgm", column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
    )


class Company(IdMixin, OwnedMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "companies"

    company_name: Mapped[str] = mapped_column(String(200), nullable=False)
    industry: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(200))
    company_size: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # Names are unique among live rows; the trash may hold a namesake (restore checks).
        Index(
            "uq_companies_owner_name",
            "owner_id",
            func.lower(company_name),
            unique=True,
            postgresql_where=LIVE,
        ),
        Index("ix_companies_owner_industry", "owner_id", "industry"),
        trigram_index("companies", "company_name"),
    )


class Role(IdMixin, OwnedMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "roles"

    company_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("companies.id", ondelete="RESTRICT"))
    role_title: Mapped[str] = mapped_column(String(200), nullable=False)
    seniority_level: Mapped[SeniorityLevel | None] = mapped_column(pg_enum(SeniorityLevel, "seniority_level"))
    department: Mapped[str | None] = mapped_column(String(100))
    job_description: Mapped[str | None] = mapped_column(Text)
    job_url: Mapped[str | None] = mapped_column(String(500))

    company: Mapped[Company | None] = relationship(lazy="raise")

    __table_args__ = (
        Index(
            "uq_roles_owner_company_title_level",
            "owner_id",
            "company_id",
            "role_title",
            "seniority_level",
            unique=True,
            postgresql_nulls_not_distinct=True,
            postgresql_where=LIVE,
        ),
        Index("ix_roles_owner_company", "owner_id", "company_id"),
        Index("ix_roles_owner_seniority", "owner_id", "seniority_level"),
        trigram_index("roles", "role_title"),
    )


class Skill(IdMixin, OwnedMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "skills"

    skill_name: Mapped[str] = mapped_column(String(100), nullable=False)
    skill_category: Mapped[SkillCategory] = mapped_column(
        pg_enum(SkillCategory, "skill_category"), nullable=False, server_default="technical"
    )
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("uq_skills_owner_name", "owner_id", func.lower(skill_name), unique=True, postgresql_where=LIVE),
        Index("ix_skills_owner_category", "owner_id", "skill_category"),
        trigram_index("skills", "skill_name"),
    )
