from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.kit.schemas import Id, LongText, ReadSchema, Schema, UpdateSchema
from app.models import SkillGap
from app.models.enums import GapSeverity, GapStatus
from app.skills.schemas import SkillBrief


class SkillGapCreate(Schema):
    skill_id: Id = Field(examples=[1])
    gap_description: LongText = Field(min_length=1, examples=["Could not explain MVCC and vacuum."])
    interview_id: Id | None = Field(default=None, description="The interview that revealed the gap.")
    question_id: Id | None = Field(default=None, description="The question that revealed the gap.")
    severity: GapSeverity = GapSeverity.medium
    status: GapStatus = GapStatus.identified
    action_plan: LongText | None = None


class SkillGapUpdate(UpdateSchema):
    __orm_model__ = SkillGap

    skill_id: Id | None = None
    gap_description: LongText | None = Field(default=None, min_length=1)
    interview_id: Id | None = None
    question_id: Id | None = None
    severity: GapSeverity | None = None
    status: GapStatus | None = None
    action_plan: LongText | None = None


class SkillGapRead(ReadSchema):
    id: int
    skill_id: int
    skill: SkillBrief
    interview_id: int | None
    question_id: int | None
    gap_description: str
    severity: GapSeverity
    status: GapStatus
    action_plan: str | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SkillGapSort(StrEnum):
    severity = "severity"
    status = "status"
    created_at = "created_at"
    updated_at = "updated_at"
