from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.kit.schemas import LongText, ReadSchema, Schema, ShortText, UpdateSchema
from app.models import Skill
from app.models.enums import SkillCategory


class SkillCreate(Schema):
    skill_name: ShortText = Field(examples=["PostgreSQL"])
    skill_category: SkillCategory = Field(default=SkillCategory.technical, examples=["technical"])
    description: LongText | None = None


class SkillUpdate(UpdateSchema):
    __orm_model__ = Skill

    skill_name: ShortText | None = None
    skill_category: SkillCategory | None = None
    description: LongText | None = None


class SkillBrief(ReadSchema):
    id: int
    skill_name: str
    skill_category: SkillCategory


class SkillRead(SkillBrief):
    description: str | None
    created_at: datetime
    updated_at: datetime


class SkillSort(StrEnum):
    skill_name = "skill_name"
    skill_category = "skill_category"
    created_at = "created_at"
