from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Totals(BaseModel):
    companies: int
    roles: int
    skills: int
    interviews: int
    questions: int
    cv_versions: int
    practice_sessions: int
    open_skill_gaps: int


class RatingGroup(BaseModel):
    key: str = Field(description="The category name, or the skill name.")
    skill_id: int | None = None
    average_rating: float
    answers: int


class Upcoming(BaseModel):
    id: int
    company_name: str
    role_title: str | None
    interview_date: datetime
    interview_type: str
    interview_status: str


class PracticeStats(BaseModel):
    sessions: int
    sessions_last_30_days: int
    questions_practised: int
    average_self_rating: float | None
    average_self_rating_by_category: list[RatingGroup]


class StatsOverview(BaseModel):
    totals: Totals
    interviews_by_status: dict[str, int]
    interviews_by_type: dict[str, int]
    interviews_by_outcome: dict[str, int]
    questions_by_category: dict[str, int]
    questions_by_difficulty: dict[str, int]
    average_answer_rating: float | None
    answers_rated: int
    average_rating_by_category: list[RatingGroup]
    average_rating_by_skill: list[RatingGroup]
    success_rate: float | None = Field(
        description="Share of decided interviews (advanced, offer, rejected) that advanced or got an offer."
    )
    offers: int
    upcoming_interviews: list[Upcoming] = Field(description="Scheduled in the next 7 days.")
    weakest_categories: list[RatingGroup]
    weakest_skills: list[RatingGroup]
    practice: PracticeStats
