"""Where you are weak: per-skill ratings, rating trends, the application funnel and calibration.

Every query starts from the owner and leaves out rows in the trash. SQL is written once per
statement at import time; the only values that vary are bound parameters.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.enums import QuestionCategory
from app.stats import schemas
from app.stats.schemas import SMALL_SAMPLE, FunnelBy, RatingSource, StatsBucket

RECENT_DAYS = 90
Z_95 = 1.96


def _r(value: Any, digits: int = 2) -> float | None:
    return round(float(value), digits) if value is not None else None


def wilson(successes: int, n: int, z: float = Z_95) -> schemas.Interval | None:
    """The Wilson score interval for a proportion: honest at small n, never outside [0, 1]."""
    if n == 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return schemas.Interval(low=round(max(0.0, centre - half), 4), high=round(min(1.0, centre + half), 4))


# --- Skills ----------------------------------------------------------------------------------

# Rated interview answers, one row per (answer, skill of its question); then per skill and per
# skill × company. Skills never rated still get a row (LEFT JOIN), with zero counts.
_SKILLS = text(
    """
    WITH rated AS (
      SELECT qs.skill_id, i.company_id, iq.answer_quality_rating AS rating,
             coalesce(i.interview_date, iq.created_at) AS seen_at
      FROM interview_questions iq
      JOIN interviews i ON i.id = iq.interview_id
      JOIN questions q ON q.id = iq.question_id
      JOIN question_skills qs ON qs.question_id = iq.question_id
      WHERE iq.owner_id = :uid AND i.owner_id = :uid AND q.owner_id = :uid
        AND iq.answer_quality_rating IS NOT NULL
        AND i.deleted_at IS NULL AND q.deleted_at IS NULL
    )
    SELECT GROUPING(r.company_id) = 0 AS by_company,
           s.id AS skill_id, s.skill_name, s.skill_category::text AS skill_category,
           r.company_id, c.company_name, c.industry,
           count(r.rating) AS answers, avg(r.rating) AS avg, max(r.seen_at) AS last_seen_at,
           count(r.rating) FILTER (WHERE r.seen_at >= :since) AS recent_n,
           avg(r.rating) FILTER (WHERE r.seen_at >= :since) AS recent_avg,
           count(r.rating) FILTER (WHERE r.seen_at < :since) AS earlier_n,
           avg(r.rating) FILTER (WHERE r.seen_at < :since) AS earlier_avg
    FROM skills s
    LEFT JOIN rated r ON r.skill_id = s.id
    LEFT JOIN companies c ON c.id = r.company_id
    WHERE s.owner_id = :uid AND s.deleted_at IS NULL
    GROUP BY GROUPING SETS (
      (s.id, s.skill_name, s.skill_category),
      (s.id, s.skill_name, s.skill_category, r.company_id, c.company_name, c.industry)
    )
    """
)


def _numbers(row: Any) -> dict[str, Any]:
    recent, earlier = _r(row["recent_avg"]), _r(row["earlier_avg"])
    return {
        "average_rating": _r(row["avg"]),
        "answers": row["answers"],
        "last_seen_at": row["last_seen_at"],
        "recent_average": recent,
        "recent_answers": row["recent_n"],
        "earlier_average": earlier,
        "earlier_answers": row["earlier_n"],
        "trend": round(recent - earlier, 2) if recent is not None and earlier is not None else None,
    }


def _weakest_first(item: schemas.RatingNumbers, name: str) -> tuple[bool, float, str]:
    return (item.average_rating is None, item.average_rating or 0.0, name.lower())


async def skills(session: AsyncSession, owner_id: int) -> schemas.SkillsReport:
    since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    rows = (await session.execute(_SKILLS, {"uid": owner_id, "since": since})).mappings().all()
    by_skill: dict[int, schemas.SkillStats] = {}
    for row in rows:
        if not row["by_company"]:
            by_skill[row["skill_id"]] = schemas.SkillStats(
                skill_id=row["skill_id"],
                skill_name=row["skill_name"],
                skill_category=row["skill_category"],
                by_company=[],
                **_numbers(row),
            )
    for row in rows:
        if row["by_company"] and row["company_id"] is not None:
            by_skill[row["skill_id"]].by_company.append(
                schemas.SkillCompanyStats(
                    company_id=row["company_id"],
                    company_name=row["company_name"],
                    industry=row["industry"],
                    **_numbers(row),
                )
            )
    for item in by_skill.values():
        item.by_company.sort(key=lambda c: _weakest_first(c, c.company_name))
    ordered = sorted(by_skill.values(), key=lambda s: _weakest_first(s, s.skill_name))
    return schemas.SkillsReport(window_days=RECENT_DAYS, skills=ordered)


# --- Trends ----------------------------------------------------------------------------------

# Every rating with its time, source and category: interview answers (at the interview's date),
# practice self-ratings (at the session's date) and graded attempts (when graded).
_TRENDS = text(
    """
    WITH ratings AS (
      SELECT 'interview' AS source, q.question_category AS category, iq.answer_quality_rating AS rating,
             coalesce(i.interview_date, iq.created_at) AS at
      FROM interview_questions iq
      JOIN interviews i ON i.id = iq.interview_id
      JOIN questions q ON q.id = iq.question_id
      WHERE iq.owner_id = :uid AND i.owner_id = :uid AND iq.answer_quality_rating IS NOT NULL
        AND i.deleted_at IS NULL AND q.deleted_at IS NULL
        AND coalesce(CAST(:source AS text), 'interview') = 'interview'
      UNION ALL
      SELECT 'practice', q.question_category, psq.self_rating, ps.session_date
      FROM practice_session_questions psq
      JOIN practice_sessions ps ON ps.id = psq.session_id
      JOIN questions q ON q.id = psq.question_id
      WHERE psq.owner_id = :uid AND psq.self_rating IS NOT NULL AND q.deleted_at IS NULL
        AND coalesce(CAST(:source AS text), 'practice') = 'practice'
      UNION ALL
      SELECT 'graded', q.question_category, a.overall, a.created_at
      FROM answer_attempts a
      JOIN questions q ON q.id = a.question_id
      WHERE a.owner_id = :uid AND q.deleted_at IS NULL
        AND coalesce(CAST(:source AS text), 'graded') = 'graded'
    ), bucketed AS (
      SELECT date_trunc(CAST(:bucket AS text), at, 'UTC') AS bucket_start, source,
             category::text AS category, rating
      FROM ratings
      WHERE CAST(:category AS text) IS NULL OR category::text = CAST(:category AS text)
    )
    SELECT GROUPING(category) = 0 AS by_category, bucket_start, source, category,
           count(*) AS n, avg(rating) AS avg
    FROM bucketed
    GROUP BY GROUPING SETS ((bucket_start, source, category), (bucket_start, source))
    ORDER BY bucket_start, source, category NULLS FIRST
    """
)


async def trends(
    session: AsyncSession,
    owner_id: int,
    bucket: StatsBucket,
    category: QuestionCategory | None,
    source: RatingSource | None,
) -> schemas.TrendsReport:
    params = {
        "uid": owner_id,
        "bucket": bucket.value,
        "category": category.value if category else None,
        "source": source.value if source else None,
    }
    points = [
        schemas.TrendPoint(
            bucket_start=row["bucket_start"],
            source=row["source"],
            category=row["category"],
            average_rating=_r(row["avg"]) or 0.0,
            ratings=row["n"],
        )
        for row in (await session.execute(_TRENDS, params)).mappings()
        # With one category asked for, its "all categories" row would only repeat it.
        if row["by_category"] or category is None
    ]
    return schemas.TrendsReport(
        bucket=bucket, source=source, category=category.value if category else None, points=points
    )


# --- Funnel ----------------------------------------------------------------------------------

# Real (`actual`) live interviews with their response time in days:
# - if this interview did not end the process (outcome advanced, pending or none) and a later
#   interview exists with the same company and role, the days until that interview's date;
# - otherwise, if the company answered (advanced, offer, rejected), the days until the outcome
#   was recorded: its first point in the status timeline, or the interview's `updated_at` when
#   the timeline has none;
# - otherwise (ghosted, withdrawn, no date, no answer yet) none.
_FUNNEL_BASE = """
    WITH base AS (
      SELECT i.id, i.company_id, i.role_id, i.cv_version_id, i.interview_date, i.outcome,
             coalesce(i.seniority_level, r.seniority_level)::text AS seniority,
             coalesce(
               (SELECT min(h.changed_at) FROM interview_status_history h
                WHERE h.interview_id = i.id AND h.outcome = i.outcome),
               i.updated_at
             ) AS outcome_at
      FROM interviews i LEFT JOIN roles r ON r.id = i.role_id
      WHERE i.owner_id = :uid AND i.deleted_at IS NULL AND i.interview_type = 'actual'
    ), nexted AS (
      -- The earliest later date in the same company and role (peers on the same date excluded).
      SELECT b.*, min(b.interview_date) OVER (
               PARTITION BY b.company_id, b.role_id ORDER BY b.interview_date
               RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP
             ) AS next_at
      FROM base b
    ), timed AS (
      SELECT b.*,
             CASE
               WHEN b.interview_date IS NULL THEN NULL
               WHEN (b.outcome IS NULL OR b.outcome IN ('advanced', 'pending')) AND b.next_at IS NOT NULL
                 THEN extract(epoch FROM b.next_at - b.interview_date) / 86400
               WHEN b.outcome IN ('advanced', 'offer', 'rejected') AND b.outcome_at > b.interview_date
                 THEN extract(epoch FROM b.outcome_at - b.interview_date) / 86400
             END AS response_days
      FROM nexted b
    )
    SELECT GROUPING(c.id) = 1 AS is_group, {key} AS key, {label} AS label,
           c.id AS company_id, c.company_name,
           count(*) AS interviews,
           count(*) FILTER (WHERE t.outcome = 'advanced') AS advanced,
           count(*) FILTER (WHERE t.outcome = 'offer') AS offers,
           count(*) FILTER (WHERE t.outcome = 'rejected') AS rejected,
           count(*) FILTER (WHERE t.outcome = 'ghosted') AS ghosted,
           count(*) FILTER (WHERE t.outcome = 'withdrawn') AS withdrawn,
           count(*) FILTER (WHERE t.outcome IS NULL OR t.outcome = 'pending') AS pending,
           avg(t.response_days) AS avg_days,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.response_days) AS median_days,
           count(t.response_days) AS responses
    FROM timed t
    JOIN companies c ON c.id = t.company_id
    LEFT JOIN roles ro ON ro.id = t.role_id
    LEFT JOIN cv_versions cv ON cv.id = t.cv_version_id
    GROUP BY GROUPING SETS (({key}, {label}), (c.id, c.company_name))
"""

# The grouping column comes from this fixed table, never from the request. The per-company set
# groups by `c.id`, which no `by` uses, so GROUPING(c.id) tells the two sets apart.
_FUNNEL_KEYS = {
    FunnelBy.cv_version: ("t.cv_version_id", "cv.version_name"),
    FunnelBy.company: ("t.company_id", "c.company_name"),
    FunnelBy.role: ("t.role_id", "ro.role_title"),
    FunnelBy.seniority_level: ("t.seniority", "t.seniority"),
}
_FUNNEL = {by: text(_FUNNEL_BASE.format(key=k, label=lbl)) for by, (k, lbl) in _FUNNEL_KEYS.items()}


def _funnel_numbers(row: Any) -> dict[str, Any]:
    advanced, offers, rejected, ghosted = row["advanced"], row["offers"], row["rejected"], row["ghosted"]
    decided = advanced + offers + rejected
    note = None
    if decided < SMALL_SAMPLE:
        note = (
            f"Only {decided} decided interview{'s' if decided != 1 else ''}: the interval is wide, "
            "so read the rate as a hint, not a finding."
        )
    return {
        "interviews": row["interviews"],
        "advanced": advanced,
        "offers": offers,
        "rejected": rejected,
        "ghosted": ghosted,
        "withdrawn": row["withdrawn"],
        "pending": row["pending"],
        "decided": decided,
        "success_rate": round((advanced + offers) / decided, 4) if decided else None,
        "success_interval": wilson(advanced + offers, decided),
        "ghosting_rate": round(ghosted / (decided + ghosted), 4) if decided + ghosted else None,
        "average_response_days": _r(row["avg_days"], 1),
        "median_response_days": _r(row["median_days"], 1),
        "responses": row["responses"],
        "note": note,
    }


async def funnel(session: AsyncSession, owner_id: int, by: FunnelBy) -> schemas.FunnelReport:
    groups: list[schemas.FunnelGroup] = []
    companies: list[schemas.CompanyResponsiveness] = []
    for row in (await session.execute(_FUNNEL[by], {"uid": owner_id})).mappings():
        numbers = _funnel_numbers(row)
        if row["is_group"]:
            label = row["label"] if row["key"] is not None else "(not set)"
            groups.append(schemas.FunnelGroup(key=row["key"], label=label, **numbers))
        else:
            companies.append(
                schemas.CompanyResponsiveness(
                    company_id=row["company_id"], company_name=row["company_name"], **numbers
                )
            )
    groups.sort(key=lambda g: (-g.interviews, g.label.lower()))
    companies.sort(key=lambda c: (-c.interviews, c.company_name.lower()))
    return schemas.FunnelReport(by=by, groups=groups, companies=companies)


# --- Calibration -----------------------------------------------------------------------------

# Per question: the mean real-interview rating, and the mean practice self-rating / graded
# score. Only questions rated both ways count; then averaged per source, overall and per category.
_CALIBRATION = text(
    """
    WITH real AS (
      SELECT iq.question_id, avg(iq.answer_quality_rating) AS rating, count(*) AS n
      FROM interview_questions iq JOIN interviews i ON i.id = iq.interview_id
      WHERE iq.owner_id = :uid AND i.owner_id = :uid AND iq.answer_quality_rating IS NOT NULL
        AND i.deleted_at IS NULL AND i.interview_type = 'actual'
      GROUP BY iq.question_id
    ), practised AS (
      SELECT 'practice' AS source, question_id, avg(self_rating) AS rating, count(*) AS n
      FROM practice_session_questions
      WHERE owner_id = :uid AND self_rating IS NOT NULL
      GROUP BY question_id
      UNION ALL
      SELECT 'graded', question_id, avg(overall), count(*)
      FROM answer_attempts WHERE owner_id = :uid
      GROUP BY question_id
    )
    SELECT p.source, GROUPING(q.question_category) = 0 AS by_category,
           q.question_category::text AS category,
           count(*) AS questions, sum(p.n) AS practice_n, sum(real.n) AS real_n,
           avg(p.rating) AS mean_practice, avg(real.rating) AS mean_interview,
           avg(p.rating - real.rating) AS mean_diff, corr(p.rating, real.rating) AS corr
    FROM practised p
    JOIN real ON real.question_id = p.question_id
    JOIN questions q ON q.id = p.question_id
    WHERE q.owner_id = :uid AND q.deleted_at IS NULL
    GROUP BY GROUPING SETS ((p.source), (p.source, q.question_category))
    ORDER BY p.source DESC, category NULLS FIRST
    """
)


def _calibration_note(source: str, diff: float, questions: int) -> str:
    what = "practice self-ratings" if source == RatingSource.practice else "graded attempts"
    on = f"on the same {questions} question{'s' if questions != 1 else ''}"
    if abs(diff) < 0.5:
        text_ = f"Your {what} match how real interviews go ({diff:+.1f}) {on}."
    else:
        direction = "above" if diff > 0 else "below"
        text_ = f"Your {what} run {abs(diff):.1f} points {direction} how real interviews go {on}."
    if questions < SMALL_SAMPLE:
        text_ += " Few questions so far: treat this as a first hint."
    return text_


async def calibration(session: AsyncSession, owner_id: int) -> schemas.CalibrationReport:
    overall: list[schemas.CalibrationRow] = []
    by_category: list[schemas.CalibrationRow] = []
    for row in (await session.execute(_CALIBRATION, {"uid": owner_id})).mappings():
        diff = float(row["mean_diff"])
        item = schemas.CalibrationRow(
            source=row["source"],
            category=row["category"] if row["by_category"] else None,
            questions=row["questions"],
            practice_ratings=row["practice_n"],
            interview_ratings=row["real_n"],
            mean_practice=_r(row["mean_practice"]) or 0.0,
            mean_interview=_r(row["mean_interview"]) or 0.0,
            mean_difference=round(diff, 2),
            correlation=_r(row["corr"], 4),
            note=_calibration_note(row["source"], diff, row["questions"]),
        )
        (by_category if row["by_category"] else overall).append(item)
    return schemas.CalibrationReport(overall=overall, by_category=by_category)
