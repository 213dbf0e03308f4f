"""The overview, computed in a handful of aggregate queries for one user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Company,
    Interview,
    InterviewQuestion,
    Question,
    Role,
    Skill,
    User,
    question_skills,
)
from app.models.enums import InterviewOutcome, InterviewStatus
from app.stats import schemas

_TOTALS = text(
    """
    SELECT
      (SELECT count(*) FROM companies WHERE owner_id = :uid) AS companies,
      (SELECT count(*) FROM roles WHERE owner_id = :uid) AS roles,
      (SELECT count(*) FROM skills WHERE owner_id = :uid) AS skills,
      (SELECT count(*) FROM interviews WHERE owner_id = :uid AND deleted_at IS NULL) AS interviews,
      (SELECT count(*) FROM questions WHERE owner_id = :uid AND deleted_at IS NULL) AS questions,
      (SELECT count(*) FROM cv_versions WHERE owner_id = :uid) AS cv_versions,
      (SELECT count(*) FROM practice_sessions WHERE owner_id = :uid) AS practice_sessions,
      (SELECT count(*) FROM skill_gaps WHERE owner_id = :uid AND status <> 'resolved') AS open_skill_gaps
    """
)

# One pass over the user's interviews, three groupings.
_INTERVIEW_GROUPS = text(
    """
    SELECT GROUPING(interview_status) = 0 AS by_status,
           GROUPING(interview_type) = 0 AS by_type,
           interview_status::text AS status, interview_type::text AS type,
           coalesce(outcome::text, 'none') AS outcome, count(*) AS n
    FROM interviews WHERE owner_id = :uid AND deleted_at IS NULL
    GROUP BY GROUPING SETS ((interview_status), (interview_type), (outcome))
    """
)

_QUESTION_GROUPS = text(
    """
    SELECT GROUPING(question_category) = 0 AS by_category,
           question_category::text AS category, question_difficulty::text AS difficulty, count(*) AS n
    FROM questions WHERE owner_id = :uid AND deleted_at IS NULL
    GROUP BY GROUPING SETS ((question_category), (question_difficulty))
    """
)


# Practice: one pass for the totals, grouping sets for overall and per-category self-ratings.
_PRACTICE = text(
    """
    SELECT count(*) AS sessions,
           count(*) FILTER (WHERE session_date >= now() - interval '30 days') AS recent
    FROM practice_sessions WHERE owner_id = :uid
    """
)
_PRACTICE_RATINGS = text(
    """
    SELECT GROUPING(q.question_category) = 0 AS by_category, q.question_category::text AS category,
           count(psq.id) AS n, avg(psq.self_rating) AS avg
    FROM practice_session_questions psq JOIN questions q ON q.id = psq.question_id
    WHERE psq.owner_id = :uid AND q.deleted_at IS NULL
    GROUP BY GROUPING SETS ((), (q.question_category))
    """
)

# Rounds of live interviews: overall (grouping ()) and per round type.
_ROUNDS = text(
    """
    SELECT GROUPING(r.round_type) = 0 AS by_type, r.round_type::text AS round_type,
           count(*) AS total, count(r.round_rating) AS rated, avg(r.round_rating) AS avg,
           count(*) FILTER (WHERE r.passed) AS passed, count(*) FILTER (WHERE NOT r.passed) AS failed
    FROM interview_rounds r JOIN interviews i ON i.id = r.interview_id
    WHERE r.owner_id = :uid AND i.owner_id = :uid AND i.deleted_at IS NULL
    GROUP BY GROUPING SETS ((), (r.round_type))
    """
)


def _pass_rate(passed: int, failed: int) -> float | None:
    return round(passed / (passed + failed), 4) if passed + failed else None


async def _rounds(session: AsyncSession, uid: dict[str, int]) -> schemas.RoundStats:
    overall: dict[str, Any] = {"total": 0, "rated": 0, "avg": None, "passed": 0, "failed": 0}
    by_type: list[schemas.RoundTypeStats] = []
    for row in (await session.execute(_ROUNDS, uid)).mappings():
        if not row["by_type"]:
            overall = dict(row)
            continue
        by_type.append(
            schemas.RoundTypeStats(
                round_type=row["round_type"],
                total=row["total"],
                rated=row["rated"],
                average_rating=_round(row["avg"]),
                passed=row["passed"],
                failed=row["failed"],
                pass_rate=_pass_rate(row["passed"], row["failed"]),
            )
        )
    by_type.sort(key=lambda t: t.round_type)
    return schemas.RoundStats(
        total=overall["total"],
        rated=overall["rated"],
        average_rating=_round(overall["avg"]),
        passed=overall["passed"],
        failed=overall["failed"],
        pass_rate=_pass_rate(overall["passed"], overall["failed"]),
        by_round_type=by_type,
    )


def _round(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


async def overview(session: AsyncSession, user: User) -> schemas.StatsOverview:
    uid = {"uid": user.id}
    totals = schemas.Totals(**(await session.execute(_TOTALS, uid)).mappings().one())

    by_status: dict[str, int] = {s.value: 0 for s in InterviewStatus}
    by_type: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    for row in (await session.execute(_INTERVIEW_GROUPS, uid)).mappings():
        if row["by_status"]:
            by_status[row["status"]] = row["n"]
        elif row["by_type"]:
            by_type[row["type"]] = row["n"]
        else:
            by_outcome[row["outcome"]] = row["n"]

    by_category: dict[str, int] = {}
    by_difficulty: dict[str, int] = {}
    for row in (await session.execute(_QUESTION_GROUPS, uid)).mappings():
        if row["by_category"]:
            by_category[row["category"]] = row["n"]
        else:
            by_difficulty[row["difficulty"]] = row["n"]

    # Answer ratings: overall (grouping ()) and per category, over live interviews and questions.
    rated = (
        select(
            func.grouping(Question.question_category).label("g"),
            Question.question_category,
            func.avg(InterviewQuestion.answer_quality_rating).label("avg"),
            func.count(InterviewQuestion.answer_quality_rating).label("n"),
        )
        .join(Question, Question.id == InterviewQuestion.question_id)
        .join(Interview, Interview.id == InterviewQuestion.interview_id)
        .where(
            InterviewQuestion.owner_id == user.id,
            InterviewQuestion.answer_quality_rating.is_not(None),
            Interview.deleted_at.is_(None),
            Question.deleted_at.is_(None),
        )
        .group_by(func.grouping_sets(literal_column("()"), Question.question_category))
    )
    overall_avg: float | None = None
    answers_rated = 0
    per_category: list[schemas.RatingGroup] = []
    for rrow in (await session.execute(rated)).all():
        if rrow.g == 1:
            overall_avg, answers_rated = _round(rrow.avg), rrow.n
        else:
            per_category.append(
                schemas.RatingGroup(
                    key=rrow.question_category.value, average_rating=_round(rrow.avg) or 0, answers=rrow.n
                )
            )
    per_category.sort(key=lambda g: g.key)

    per_skill_stmt = (
        select(
            Skill.id,
            Skill.skill_name,
            func.avg(InterviewQuestion.answer_quality_rating).label("avg"),
            func.count(InterviewQuestion.answer_quality_rating).label("n"),
        )
        .select_from(InterviewQuestion)
        .join(question_skills, question_skills.c.question_id == InterviewQuestion.question_id)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .join(Interview, Interview.id == InterviewQuestion.interview_id)
        .join(Question, Question.id == InterviewQuestion.question_id)
        .where(
            InterviewQuestion.owner_id == user.id,
            InterviewQuestion.answer_quality_rating.is_not(None),
            Interview.deleted_at.is_(None),
            Question.deleted_at.is_(None),
        )
        .group_by(Skill.id, Skill.skill_name)
        .order_by(Skill.skill_name)
    )
    per_skill = [
        schemas.RatingGroup(key=r.skill_name, skill_id=r.id, average_rating=_round(r.avg) or 0, answers=r.n)
        for r in (await session.execute(per_skill_stmt)).all()
    ]

    advanced = by_outcome.get(InterviewOutcome.advanced.value, 0)
    offers = by_outcome.get(InterviewOutcome.offer.value, 0)
    decided = advanced + offers + by_outcome.get(InterviewOutcome.rejected.value, 0)
    success_rate = round((advanced + offers) / decided, 4) if decided else None

    now = datetime.now(UTC)
    upcoming_stmt = (
        select(
            Interview.id,
            Company.company_name,
            Role.role_title,
            Interview.interview_date,
            Interview.interview_type,
            Interview.interview_status,
        )
        .join(Company, Company.id == Interview.company_id)
        .outerjoin(Role, Role.id == Interview.role_id)
        .where(
            Interview.owner_id == user.id,
            Interview.deleted_at.is_(None),
            Interview.interview_status.in_([InterviewStatus.scheduled, InterviewStatus.rescheduled]),
            Interview.interview_date >= now,
            Interview.interview_date < now + timedelta(days=7),
        )
        .order_by(Interview.interview_date, Interview.id)
        .limit(50)
    )
    upcoming = [
        schemas.Upcoming(
            id=r.id,
            company_name=r.company_name,
            role_title=r.role_title,
            interview_date=r.interview_date,
            interview_type=r.interview_type.value,
            interview_status=r.interview_status.value,
        )
        for r in (await session.execute(upcoming_stmt)).all()
    ]

    practice_totals = (await session.execute(_PRACTICE, uid)).mappings().one()
    practised, practice_avg, practice_by_category = 0, None, []
    for row in (await session.execute(_PRACTICE_RATINGS, uid)).mappings():
        if row["by_category"]:
            if row["avg"] is not None:
                practice_by_category.append(
                    schemas.RatingGroup(
                        key=row["category"], average_rating=_round(row["avg"]) or 0, answers=row["n"]
                    )
                )
        else:
            practised, practice_avg = row["n"], _round(row["avg"])
    practice_by_category.sort(key=lambda g: g.key)
    practice = schemas.PracticeStats(
        sessions=practice_totals["sessions"],
        sessions_last_30_days=practice_totals["recent"],
        questions_practised=practised,
        average_self_rating=practice_avg,
        average_self_rating_by_category=practice_by_category,
    )

    return schemas.StatsOverview(
        totals=totals,
        interviews_by_status=by_status,
        interviews_by_type=by_type,
        interviews_by_outcome=by_outcome,
        questions_by_category=by_category,
        questions_by_difficulty=by_difficulty,
        average_answer_rating=overall_avg,
        answers_rated=answers_rated,
        average_rating_by_category=per_category,
        average_rating_by_skill=per_skill,
        success_rate=success_rate,
        offers=offers,
        upcoming_interviews=upcoming,
        weakest_categories=sorted(per_category, key=lambda g: (g.average_rating, g.key))[:3],
        weakest_skills=sorted(per_skill, key=lambda g: (g.average_rating, g.key))[:3],
        practice=practice,
        rounds=await _rounds(session, uid),
    )
