from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.interviews.schemas import QuestionBrief
from app.kit.schemas import (
    DATETIME_HELP,
    Id,
    LongText,
    Minutes,
    Rating,
    ReadSchema,
    Schema,
    UpdateSchema,
    UtcDatetime,
)
from app.models import PracticeSession, PracticeSessionQuestion
from app.models.enums import QuestionCategory


class PracticeSessionCreate(Schema):
    session_date: UtcDatetime | None = Field(default=None, description=f"Defaults to now. {DATETIME_HELP}")
    duration_minutes: Minutes | None = Field(default=None, examples=[45])
    focus_category: QuestionCategory | None = Field(default=None, examples=["system_design"])
    overall_rating: Rating | None = None
    notes: LongText | None = None


class PracticeSessionUpdate(UpdateSchema):
    __orm_model__ = PracticeSession

    session_date: UtcDatetime | None = Field(default=None, description=DATETIME_HELP)
    duration_minutes: Minutes | None = None
    focus_category: QuestionCategory | None = None
    overall_rating: Rating | None = None
    notes: LongText | None = None


class PracticedQuestionCreate(Schema):
    question_id: Id = Field(examples=[1])
    self_rating: Rating | None = Field(default=None, examples=[6])
    notes: LongText | None = None


class PracticedQuestionUpdate(UpdateSchema):
    __orm_model__ = PracticeSessionQuestion

    self_rating: Rating | None = None
    notes: LongText | None = None


class PracticedQuestionRead(ReadSchema):
    id: int
    question_id: int
    question: QuestionBrief
    self_rating: int | None
    notes: str | None


class PracticeSessionRead(ReadSchema):
    id: int
    session_date: datetime
    duration_minutes: int | None
    focus_category: QuestionCategory | None
    overall_rating: int | None
    notes: str | None
    questions: list[PracticedQuestionRead]
    created_at: datetime
    updated_at: datetime


class PracticeSort(StrEnum):
    session_date = "session_date"
    overall_rating = "overall_rating"
    created_at = "created_at"
