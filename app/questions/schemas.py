from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.kit.schemas import Id, LongText, Name, ReadSchema, Schema, Tag, UpdateSchema, storable
from app.models import Question
from app.models.enums import QuestionCategory, QuestionDifficulty
from app.skills.schemas import SkillBrief


def _dedupe(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


QuestionText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=5000),
    AfterValidator(storable),
]
Tags = Annotated[list[Tag], Field(max_length=20), AfterValidator(_dedupe)]


class QuestionCreate(Schema):
    question_text: QuestionText = Field(examples=["How would you design Instagram?"])
    question_category: QuestionCategory = Field(default=QuestionCategory.other, examples=["system_design"])
    question_difficulty: QuestionDifficulty = Field(default=QuestionDifficulty.medium, examples=["hard"])
    tags: Tags = Field(default_factory=list, examples=[["feeds", "storage"]])
    company_id: Id | None = None
    sample_answer: LongText | None = None
    notes: LongText | None = None
    source: Name | None = None
    skill_ids: list[Id] = Field(default_factory=list, max_length=50)


class QuestionUpdate(UpdateSchema):
    __orm_model__ = Question
    __not_null__ = frozenset({"skill_ids", "tags"})

    question_text: QuestionText | None = None
    question_category: QuestionCategory | None = None
    question_difficulty: QuestionDifficulty | None = None
    tags: Tags | None = None
    company_id: Id | None = None
    sample_answer: LongText | None = None
    notes: LongText | None = None
    source: Name | None = None
    skill_ids: list[Id] | None = Field(default=None, max_length=50)


class QuestionRead(ReadSchema):
    id: int
    question_text: str
    question_category: QuestionCategory
    question_difficulty: QuestionDifficulty
    tags: list[str]
    company_id: int | None
    sample_answer: str | None
    notes: str | None
    source: str | None
    skills: list[SkillBrief]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class AskedIn(ReadSchema):
    interview_id: int
    company_name: str
    interview_date: datetime | None
    answer_quality_rating: int | None


class QuestionDetail(QuestionRead):
    asked_in: list[AskedIn]


class QuestionSkillLink(Schema):
    skill_id: Id = Field(examples=[1])


class QuestionSort(StrEnum):
    relevance = "relevance"
    created_at = "created_at"
    updated_at = "updated_at"
    question_difficulty = "question_difficulty"
    question_category = "question_category"
    question_text = "question_text"
