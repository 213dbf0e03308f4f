from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from app.kit.schemas import ReadSchema


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


class Upcoming(ReadSchema):
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
    rounds: RoundStats


# --- Round-level numbers in the overview -------------------------------------------------------


class RoundTypeStats(BaseModel):
    round_type: str
    total: int
    rated: int
    average_rating: float | None
    passed: int
    failed: int
    pass_rate: float | None


class RoundStats(BaseModel):
    total: int = Field(description="Rounds of your live interviews.")
    rated: int = Field(description="Rounds with a `round_rating`.")
    average_rating: float | None
    passed: int
    failed: int
    pass_rate: float | None = Field(
        description="passed / (passed + failed); rounds without a verdict don't count."
    )
    by_round_type: list[RoundTypeStats]


# --- Where you are weak: analytics ------------------------------------------------------------


class StatsBucket(StrEnum):
    week = "week"
    month = "month"


class RatingSource(StrEnum):
    interview = "interview"
    practice = "practice"
    graded = "graded"


class FunnelBy(StrEnum):
    cv_version = "cv_version"
    company = "company"
    role = "role"
    seniority_level = "seniority_level"


SMALL_SAMPLE = 10


class RatingNumbers(ReadSchema):
    average_rating: float | None = Field(description="Mean answer rating (1–10); null when none.")
    answers: int = Field(description="Rated answers counted.")
    last_seen_at: datetime | None = Field(description="When the skill was last rated (the interview's date).")
    recent_average: float | None = Field(description="Mean over the last 90 days.")
    recent_answers: int
    earlier_average: float | None = Field(description="Mean before the last 90 days.")
    earlier_answers: int
    trend: float | None = Field(
        description="recent_average − earlier_average: positive means improving; null unless both exist."
    )


class SkillCompanyStats(RatingNumbers):
    company_id: int
    company_name: str
    industry: str | None


class SkillStats(RatingNumbers):
    skill_id: int
    skill_name: str
    skill_category: str
    by_company: list[SkillCompanyStats] = Field(description="The same numbers per company, weakest first.")


class SkillsReport(ReadSchema):
    window_days: int = Field(description="The `recent` window of the trend, in days.")
    skills: list[SkillStats] = Field(description="Weakest first; skills never rated come last.")


class TrendPoint(ReadSchema):
    bucket_start: datetime = Field(description="Start of the week (Monday) or month, UTC.")
    source: RatingSource
    category: str | None = Field(description="Question category; null = all categories of the bucket.")
    average_rating: float
    ratings: int


class TrendsReport(ReadSchema):
    bucket: StatsBucket
    source: RatingSource | None
    category: str | None
    points: list[TrendPoint] = Field(description="Oldest bucket first.")


class Interval(BaseModel):
    low: float
    high: float


class FunnelNumbers(BaseModel):
    interviews: int = Field(description="Your live interviews of type `actual` in the group.")
    advanced: int
    offers: int
    rejected: int
    ghosted: int
    withdrawn: int
    pending: int = Field(description="No outcome yet (`pending` or none).")
    decided: int = Field(description="advanced + offers + rejected (as in the overview).")
    success_rate: float | None = Field(description="(advanced + offers) / decided.")
    success_interval: Interval | None = Field(description="95% Wilson score interval of the success rate.")
    ghosting_rate: float | None = Field(description="ghosted / (decided + ghosted).")
    average_response_days: float | None = Field(
        description="Mean days from an interview to the company's next step (see the endpoint's description)."
    )
    median_response_days: float | None
    responses: int = Field(description="Interviews with a measurable response time.")
    note: str | None = Field(description="Set when the sample is small (fewer than 10 decided interviews).")


class FunnelGroup(FunnelNumbers):
    key: int | str | None = Field(description="The group's id (or seniority level); null = not set.")
    label: str


class CompanyResponsiveness(FunnelNumbers):
    company_id: int
    company_name: str


class FunnelReport(BaseModel):
    by: FunnelBy
    groups: list[FunnelGroup] = Field(description="Most interviews first.")
    companies: list[CompanyResponsiveness] = Field(
        description="Per company, whatever `by` is: response times and how often it ghosts."
    )


class CalibrationRow(BaseModel):
    source: RatingSource = Field(description="`practice` (self-ratings) or `graded` (graded attempts).")
    category: str | None = Field(description="Question category; null = all categories.")
    questions: int = Field(description="Questions rated both this way and in a real interview.")
    practice_ratings: int = Field(description="Practice self-ratings or graded attempts on those questions.")
    interview_ratings: int = Field(description="Real-interview ratings on those questions.")
    mean_practice: float
    mean_interview: float
    mean_difference: float = Field(
        description="Mean over questions of (practice − interview); positive = optimistic."
    )
    correlation: float | None = Field(
        description="Pearson correlation across questions; null below 2 or without spread."
    )
    note: str


class CalibrationReport(BaseModel):
    overall: list[CalibrationRow] = Field(description="One row per source, all categories together.")
    by_category: list[CalibrationRow]
