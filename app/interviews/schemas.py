from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AliasChoices, BaseModel, Field

from app.companies.schemas import CompanyBrief
from app.kit.schemas import (
    DATETIME_HELP,
    Id,
    LongText,
    Minutes,
    Name,
    Rating,
    ReadSchema,
    Schema,
    UpdateSchema,
    UrlText,
    UtcDatetime,
)
from app.models import Interview, InterviewQuestion, InterviewRound, InterviewSkill
from app.models.enums import (
    InterviewOutcome,
    InterviewStatus,
    InterviewType,
    QuestionCategory,
    QuestionDifficulty,
    RoundType,
    SeniorityLevel,
)
from app.roles.schemas import RoleBrief
from app.skills.schemas import SkillBrief


class InterviewFields(Schema):
    role_id: Id | None = Field(default=None, examples=[None])
    cv_version_id: Id | None = None
    interview_date: UtcDatetime | None = Field(
        default=None, examples=["2026-12-01T15:00:00Z"], description=DATETIME_HELP
    )
    seniority_level: SeniorityLevel | None = Field(default=None, examples=["senior"])
    interview_type: InterviewType = Field(default=InterviewType.actual, examples=["actual"])
    interview_status: InterviewStatus = InterviewStatus.scheduled
    outcome: InterviewOutcome | None = None
    is_remote: bool = False
    location: Name | None = None
    duration_minutes: Minutes | None = None
    interviewer_names: UrlText | None = None
    overall_rating: Rating | None = None
    notes: LongText | None = None
    feedback: LongText | None = None


class InterviewCreate(InterviewFields):
    company_id: Id = Field(examples=[1])


class InterviewUpdate(UpdateSchema):
    """Every field optional: only the fields sent change."""

    __orm_model__ = Interview

    company_id: Id | None = None
    role_id: Id | None = None
    cv_version_id: Id | None = None
    interview_date: UtcDatetime | None = Field(default=None, description=DATETIME_HELP)
    seniority_level: SeniorityLevel | None = None
    interview_type: InterviewType | None = None
    interview_status: InterviewStatus | None = None
    outcome: InterviewOutcome | None = None
    is_remote: bool | None = None
    location: Name | None = None
    duration_minutes: Minutes | None = None
    interviewer_names: UrlText | None = None
    overall_rating: Rating | None = None
    notes: LongText | None = None
    feedback: LongText | None = None


# Fields that may not be set to null by PATCH (the column is NOT NULL).
NOT_NULL_FIELDS = {"company_id", "interview_type", "interview_status", "is_remote"}


class RoundCreate(Schema):
    round_number: int | None = Field(default=None, ge=1, le=100, description="Next free number if omitted.")
    round_type: RoundType = RoundType.other
    round_date: UtcDatetime | None = Field(default=None, description=DATETIME_HELP)
    duration_minutes: Minutes | None = None
    interviewer_name: Name | None = None
    interviewer_role: Name | None = None
    round_rating: Rating | None = None
    passed: bool | None = None
    notes: LongText | None = None


class RoundUpdate(UpdateSchema):
    __orm_model__ = InterviewRound

    round_number: int | None = Field(default=None, ge=1, le=100)
    round_type: RoundType | None = None
    round_date: UtcDatetime | None = Field(default=None, description=DATETIME_HELP)
    duration_minutes: Minutes | None = None
    interviewer_name: Name | None = None
    interviewer_role: Name | None = None
    round_rating: Rating | None = None
    passed: bool | None = None
    notes: LongText | None = None


class RoundRead(ReadSchema):
    id: int
    interview_id: int
    round_number: int
    round_type: RoundType
    round_date: datetime | None
    duration_minutes: int | None
    interviewer_name: str | None
    interviewer_role: str | None
    round_rating: int | None
    passed: bool | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


class QuestionBrief(ReadSchema):
    id: int
    question_text: str
    question_category: QuestionCategory
    question_difficulty: QuestionDifficulty


class InterviewQuestionCreate(Schema):
    question_id: Id = Field(examples=[1])
    answer_quality_rating: Rating | None = Field(default=None, examples=[8])
    answer_given: LongText | None = None
    feedback: LongText | None = None
    round_id: Id | None = None


class InterviewQuestionUpdate(UpdateSchema):
    __orm_model__ = InterviewQuestion

    answer_quality_rating: Rating | None = None
    answer_given: LongText | None = None
    feedback: LongText | None = None
    round_id: Id | None = None


class InterviewQuestionRead(ReadSchema):
    id: int
    interview_id: int
    question_id: int
    question: QuestionBrief
    round_id: int | None
    answer_quality_rating: int | None
    answer_given: str | None
    feedback: str | None
    created_at: datetime


class InterviewSkillCreate(Schema):
    skill_id: Id = Field(examples=[1])
    performance_rating: Rating | None = None
    notes: LongText | None = None


class InterviewSkillUpdate(UpdateSchema):
    __orm_model__ = InterviewSkill

    performance_rating: Rating | None = None
    notes: LongText | None = None


class InterviewSkillRead(ReadSchema):
    id: int
    interview_id: int
    skill_id: int
    skill: SkillBrief
    performance_rating: int | None
    notes: str | None
    created_at: datetime


class InterviewSummary(ReadSchema):
    id: int
    company_id: int
    company: CompanyBrief
    role_id: int | None
    role: RoleBrief | None
    cv_version_id: int | None
    interview_date: datetime | None
    seniority_level: SeniorityLevel | None
    interview_type: InterviewType
    interview_status: InterviewStatus
    outcome: InterviewOutcome | None
    is_remote: bool
    location: str | None
    duration_minutes: int | None
    interviewer_names: str | None
    overall_rating: int | None
    notes: str | None
    feedback: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class StatusChangeRead(ReadSchema):
    """One point of the status timeline: the status and outcome from ``changed_at`` on."""

    status: InterviewStatus = Field(validation_alias=AliasChoices("interview_status", "status"))
    outcome: InterviewOutcome | None
    changed_at: datetime


class InterviewRead(InterviewSummary):
    rounds: list[RoundRead]
    questions: list[InterviewQuestionRead]
    skills: list[InterviewSkillRead]
    status_history: list[StatusChangeRead] = Field(
        description="Every status/outcome the interview has had, oldest first, from its creation."
    )


class InterviewSort(StrEnum):
    interview_date = "interview_date"
    created_at = "created_at"
    updated_at = "updated_at"
    company_name = "company_name"
    interview_status = "interview_status"
    overall_rating = "overall_rating"


class InterviewPage(BaseModel):
    items: list[InterviewSummary]
    total: int
    page: int
    page_size: int
    pages: int
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page (keyset paging); null on the last page."
    )
