"""Mock interviews: the request that plans one, answers, the transcript and the report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from app.agents.schemas import HARD_MAX_CHARS
from app.agents.specialists import AgentId
from app.kit.schemas import Id, ReadSchema, Schema, storable
from app.models.enums import MockItemStatus, MockStatus, QuestionCategory
from app.review.schemas import CriterionRead

MAX_QUESTIONS = 15


class MockCreate(Schema):
    """Prepare for a scheduled interview (`interview_id`), or for a company and/or role."""

    interview_id: Id | None = Field(
        default=None, description="Prepare me for this interview: its company, role and skills."
    )
    company_id: Id | None = None
    role_id: Id | None = None
    categories: list[QuestionCategory] = Field(
        default_factory=list, max_length=7, description="Only questions of these categories (all when empty)."
    )
    question_count: int = Field(default=5, ge=1, le=MAX_QUESTIONS)
    agent: AgentId | None = Field(default=None, description="One interviewer for every question.")

    @model_validator(mode="after")
    def _target(self) -> MockCreate:
        if self.interview_id is not None and (self.company_id is not None or self.role_id is not None):
            raise ValueError("send `interview_id`, or `company_id`/`role_id`, not both")
        self.categories = list(dict.fromkeys(self.categories))
        return self


class AnswerCreate(Schema):
    answer: Annotated[str, Field(min_length=1, max_length=HARD_MAX_CHARS), AfterValidator(storable)] = Field(
        examples=["I led the migration of our billing service: I split the rollout into …"]
    )

    @model_validator(mode="after")
    def _not_blank(self) -> AnswerCreate:
        if not self.answer.strip():
            raise ValueError("the answer must not be blank")
        return self


class PlanItem(ReadSchema):
    position: int
    question_id: int | None
    question: str
    question_category: QuestionCategory
    agent: AgentId
    source: str = Field(description="`due`, `company`, `skills`, `bank` or `generated`.")
    reason: str = Field(description="Why this question is in the plan.")


class GradeRead(ReadSchema):
    attempt_id: int | None
    overall: int = Field(ge=1, le=10)
    criteria: list[CriterionRead]
    improvements: list[str]
    model: str
    method: str


class ItemRead(PlanItem):
    status: MockItemStatus
    answer: str | None
    reply: str | None = Field(description="The interviewer's reaction to the answer.")
    follow_up: str | None = Field(description="The one probing follow-up, when the answer left a gap.")
    follow_up_answer: str | None
    follow_up_reply: str | None
    first_grade: GradeRead | None = Field(
        description="The grade of the first answer, when a follow-up was then answered."
    )
    grade: GradeRead | None = Field(description="The final grade (with the follow-up's answer, if any).")
    answered_at: datetime | None


class MockSummary(ReadSchema):
    id: int
    status: MockStatus
    interview_id: int | None
    company_id: int | None
    role_id: int | None
    categories: list[QuestionCategory]
    question_count: int = Field(description="Questions in the plan.")
    answered: int
    skipped: int
    overall: float | None = Field(description="The mean of the final grades so far.")
    created_at: datetime
    finished_at: datetime | None
    practice_session_id: int | None


class MockCreated(ReadSchema):
    id: int
    status: MockStatus
    plan: list[PlanItem]
    current: PlanItem | None = Field(description="The question to answer now.")
    created_at: datetime


class MockRead(MockSummary):
    agent: AgentId | None
    current: PlanItem | None = Field(description="The question to answer now (null when finished).")
    awaiting_follow_up: bool = Field(description="The current question's follow-up waits for its answer.")
    items: list[ItemRead]


class AnswerResult(ReadSchema):
    """What `answers-stream` sends as events, in one response."""

    position: int
    grade: GradeRead
    reply: str = Field(description="The interviewer's reaction.")
    follow_up: str | None = Field(description="A probing follow-up to answer next, at most one per question.")
    next_question: PlanItem | None = Field(description="The next question (null while a follow-up waits).")
    status: MockStatus
    answered: int
    remaining: int


class CriterionScore(ReadSchema):
    criterion: str
    average: float
    answers: int


class CategoryScore(ReadSchema):
    category: QuestionCategory
    average: float
    answers: int


class WorkOn(ReadSchema):
    criterion: str
    average: float
    advice: str
    question: str = Field(description="The question where it scored lowest.")


class ScheduleChange(ReadSchema):
    question_id: int | None
    question: str
    change: str = Field(description="`added` (a new review card) or `moved`.")
    due_before: datetime | None
    due_after: datetime | None


class MockReport(ReadSchema):
    id: int
    status: MockStatus
    answered: int
    skipped: int
    overall: float | None = Field(description="The mean final grade over the answered questions.")
    per_criterion: list[CriterionScore]
    per_category: list[CategoryScore]
    work_on: list[WorkOn] = Field(description="The three weakest criteria, with advice.")
    schedule: list[ScheduleChange] = Field(description="What this mock added to or moved in your reviews.")
    practice_session_id: int | None = Field(description="The practice session a finished mock became.")
