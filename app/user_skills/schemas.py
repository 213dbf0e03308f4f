from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from app.kit.schemas import Id, LongText, Rating, ReadSchema, Schema, UpdateSchema
from app.models import UserSkill
from app.models.enums import ProficiencyLevel
from app.skills.schemas import SkillBrief


class UserSkillCreate(Schema):
    skill_id: Id = Field(examples=[1])
    proficiency_level: ProficiencyLevel = ProficiencyLevel.intermediate
    self_rating: Rating | None = None
    years_experience: float | None = Field(default=None, ge=0, le=80)
    last_used_date: date | None = None
    notes: LongText | None = None


class UserSkillUpdate(UpdateSchema):
    __orm_model__ = UserSkill

    proficiency_level: ProficiencyLevel | None = None
    self_rating: Rating | None = None
    years_experience: float | None = Field(default=None, ge=0, le=80)
    last_used_date: date | None = None
    notes: LongText | None = None


class UserSkillRead(ReadSchema):
    id: int
    skill_id: int
    skill: SkillBrief
    proficiency_level: ProficiencyLevel
    self_rating: int | None
    years_experience: float | None
    last_used_date: date | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


class UserSkillSort(StrEnum):
    proficiency_level = "proficiency_level"
    self_rating = "self_rating"
    years_experience = "years_experience"
    created_at = "created_at"
