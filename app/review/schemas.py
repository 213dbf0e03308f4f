"""Review schedule: the card, the queue, a review and the summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, model_validator

from app.agents.schemas import HARD_MAX_CHARS, RequestContext
from app.agents.specialists import AgentId
from app.kit.schemas import Id, ReadSchema, Schema
from app.models.enums import CardState, ReviewRating, ReviewSource
from app.questions.schemas import QuestionRead

Score = Annotated[int, Field(ge=1, le=10, description="1–10: 1–3 again, 4–5 hard, 6–8 good, 9–10 easy.")]


class CardRead(ReadSchema):
    due: datetime = Field(description="When FSRS next wants this question practised.")
    state: CardState
    stability: float | None = Field(description="FSRS stability in days (higher: remembered longer).")
    difficulty: float | None = Field(description="FSRS difficulty, 1 (easy) to 10 (hard).")
    reps: int = Field(description="Reviews so far (every rating counts as one).")
    lapses: int = Field(description="Times a question you had learned was failed again.")


class LastRating(ReadSchema):
    rating: ReviewRating
    score: int | None
    source: ReviewSource


class QueueItem(ReadSchema):
    question: QuestionRead
    card: CardRead
    last_rating: LastRating | None
    last_reviewed_at: datetime | None
    is_due: bool
    reason: str = Field(description="Why this question is here, in words.")


class ReviewQueue(ReadSchema):
    items: list[QueueItem]
    total: int = Field(description="Cards matching the filters (due or not).")
    due: int = Field(description="How many of them are due now.")
    limit: int


class ReviewCreate(Schema):
    """Either `rating` or `score`."""

    rating: ReviewRating | None = Field(default=None, examples=["good"])
    score: Score | None = Field(default=None, examples=[7])

    @model_validator(mode="after")
    def _one_of(self) -> ReviewCreate:
        if (self.rating is None) == (self.score is None):
            raise ValueError("send exactly one of `rating` (again|hard|good|easy) or `score` (1–10)")
        return self


class ReviewResult(ReadSchema):
    question_id: int
    rating: ReviewRating
    card: CardRead
    next_due: datetime
    interval: str = Field(description="The time until the next review, in words.")


class ForecastDay(ReadSchema):
    day: date
    due: int


class Retention(ReadSchema):
    desired_retention: float = Field(description="The retention FSRS schedules for (0.9).")
    average_retrievability: float | None = Field(
        description="FSRS's predicted recall probability right now, averaged over reviewed cards."
    )
    cards: int = Field(description="Reviewed cards the average is over.")


class ReviewSummary(ReadSchema):
    cards: int
    due_now: int
    due_today: int = Field(description="Due before the end of today (UTC), including overdue.")
    overdue: int = Field(description="Due for more than a day.")
    reviewed_last_7_days: int = Field(description="Reviews (of any source) in the last 7 days.")
    forecast: list[ForecastDay] = Field(
        description="Cards due on each of the next 14 days (UTC); day one includes overdue."
    )
    retention: Retention


# Graded attempts ------------------------------------------------------------------------------


class GradeRequest(Schema):
    """`question` (free text) or `question_id` (from your bank), and your `answer`."""

    question: Annotated[str, Field(min_length=3, max_length=5000)] | None = Field(
        default=None,
        examples=["Tell me about a time you disagreed with your manager."],
        description="Matched to your question bank by full-text search, or added to it.",
    )
    question_id: Id | None = Field(default=None, description="A question in your bank.")
    answer: Annotated[str, Field(min_length=1, max_length=HARD_MAX_CHARS)] = Field(
        examples=["At my last job I disagreed with my manager about …"]
    )
    agent: AgentId | None = Field(default=None, description="Grade with this specialist's rubric.")
    interview_id: Id | None = Field(default=None, description="The interview this answer was for.")
    context: RequestContext | None = None

    @model_validator(mode="after")
    def _one_question(self) -> GradeRequest:
        if (self.question is None) == (self.question_id is None):
            raise ValueError("send exactly one of `question` (text) or `question_id`")
        return self


class CriterionRead(ReadSchema):
    criterion: str
    score: int = Field(ge=1, le=10)
    evidence: str = Field(description="A quote or paraphrase from the answer.")
    advice: str


class AttemptRead(ReadSchema):
    attempt_id: int
    question_id: int
    interview_id: int | None
    agent: AgentId
    agent_name: str
    overall: int = Field(ge=1, le=10)
    criteria: list[CriterionRead]
    strengths: list[str]
    improvements: list[str]
    better_answer_outline: str = Field(description="Markdown.")
    answer: str
    model: str
    method: str = Field(description="`llm` or `offline` (the rule-based grader).")
    duration_ms: int | None
    created_at: datetime


class GradeResponse(AttemptRead):
    routing: dict[str, Any] = Field(description="How the rubric's specialist was chosen.")
    note: str | None = Field(default=None, description="Why a language-model grade fell back to offline.")
    card: CardRead = Field(description="The question's review card after this grade.")
