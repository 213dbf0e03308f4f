"""Companies, roles and skills: the reference data a user builds up."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, TimestampMixin, pg_enum
from app.models.enums import SeniorityLevel, SkillCategory


class Company(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "companies"

    company_name: Mapped[str] = mapped_column(String(200), nullable=False)
    industry: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(200))
    company_size: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("uq_companies_owner_name", "owner_id", func.lower(company_name), unique=True),
        Index("ix_companies_owner_industry", "owner_id", "industry"),
    )


class Role(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "roles"

    company_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("companies.id", ondelete="RESTRICT"))
    role_title: Mapped[str] = mapped_column(String(200), nullable=False)
    seniority_level: Mapped[SeniorityLevel | None] = mapped_column(pg_enum(SeniorityLevel, "seniority_level"))
    department: Mapped[str | None] = mapped_column(String(100))
    job_description: Mapped[str | None] = mapped_column(Text)
    job_url: Mapped[str | None] = mapped_column(String(500))

    company: Mapped[Company | None] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint(
            "owner_id",
            "company_id",
            "role_title",
            "seniority_level",
            name="uq_roles_owner_company_title_level",
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_roles_owner_company", "owner_id", "company_id"),
        Index("ix_roles_owner_seniority", "owner_id", "seniority_level"),
    )


class Skill(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "skills"

    skill_name: Mapped[str] = mapped_column(String(100), nullable=False)
    skill_category: Mapped[SkillCategory] = mapped_column(
        pg_enum(SkillCategory, "skill_category"), nullable=False, server_default="technical"
    )
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("uq_skills_owner_name", "owner_id", func.lower(skill_name), unique=True),
        Index("ix_skills_owner_category", "owner_id", "skill_category"),
    )
