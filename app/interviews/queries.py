"""Read queries of the interview domain that PostgreSQL answers in one statement.

The detail (company, role, rounds, questions asked, skills tested, status timeline) is built as
one JSON document by PostgreSQL (``json_agg`` sub-selects) and validated straight from that text
by Pydantic: one round trip, and no ORM objects to build. The statements are constants with
``$n`` parameters, run on the session's own asyncpg connection (same transaction, prepared once
per connection by asyncpg's statement cache).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import fetchval
from app.interviews import schemas

# What the API shows of the interview row itself, with its company and role (aliases i, c, r).
_INTERVIEW_DOC = """
    i.id, i.company_id, i.role_id, i.cv_version_id, i.interview_date, i.seniority_level,
    i.interview_type, i.interview_status, i.outcome, i.is_remote, i.location,
    i.duration_minutes, i.interviewer_names, i.overall_rating, i.notes, i.feedback,
    i.created_at, i.updated_at, i.deleted_at,
    json_build_object('id', c.id, 'company_name', c.company_name) AS company,
    CASE WHEN r.id IS NOT NULL THEN json_build_object(
        'id', r.id, 'role_title', r.role_title, 'seniority_level', r.seniority_level
    ) END AS role"""

# Children keep the order the API has always given: rounds by number, links by id, the
# timeline oldest first. Links to questions or skills in the trash are hidden with them.
DETAIL_SQL = f"""
SELECT row_to_json(d)::text FROM (
    SELECT {_INTERVIEW_DOC},
           coalesce((
               SELECT json_agg(x ORDER BY x.round_number, x.id) FROM (
                   SELECT id, interview_id, round_number, round_type, round_date, duration_minutes,
                          interviewer_name, interviewer_role, round_rating, passed, notes,
                          created_at, updated_at
                   FROM interview_rounds WHERE interview_id = i.id
               ) x
           ), '[]') AS rounds,
           coalesce((
               SELECT json_agg(x ORDER BY x.id) FROM (
                   SELECT iq.id, iq.interview_id, iq.question_id,
                          json_build_object(
                              'id', q.id, 'question_text', q.question_text,
                              'question_category', q.question_category,
                              'question_difficulty', q.question_difficulty
                          ) AS question,
                          iq.round_id, iq.answer_quality_rating, iq.answer_given, iq.feedback,
                          iq.created_at
                   FROM interview_questions iq
                   JOIN questions q ON q.id = iq.question_id AND q.deleted_at IS NULL
                   WHERE iq.interview_id = i.id
               ) x
           ), '[]') AS questions,
           coalesce((
               SELECT json_agg(x ORDER BY x.id) FROM (
                   SELECT ts.id, ts.interview_id, ts.skill_id,
                          json_build_object(
                              'id', s.id, 'skill_name', s.skill_name, 'skill_category', s.skill_category
                          ) AS skill,
                          ts.performance_rating, ts.notes, ts.created_at
                   FROM interview_skills ts
                   JOIN skills s ON s.id = ts.skill_id AND s.deleted_at IS NULL
                   WHERE ts.interview_id = i.id
               ) x
           ), '[]') AS skills,
           coalesce((
               SELECT json_agg(x ORDER BY x.changed_at, x.id) FROM (
                   SELECT id, interview_status AS status, outcome, changed_at
                   FROM interview_status_history WHERE interview_id = i.id
               ) x
           ), '[]') AS status_history
    FROM interviews i
    JOIN companies c ON c.id = i.company_id
    LEFT JOIN roles r ON r.id = i.role_id
    WHERE i.id = $1 AND i.owner_id = $2 AND ($3 OR i.deleted_at IS NULL)
) d
"""


async def interview_detail(
    session: AsyncSession, owner_id: int, interview_id: int, *, include_deleted: bool = False
) -> schemas.InterviewRead | None:
    """The interview as the API shows it, or None when the owner has no such interview."""
    doc = await fetchval(session, DETAIL_SQL, interview_id, owner_id, include_deleted)
    return None if doc is None else schemas.InterviewRead.model_validate_json(doc)


# The columns a client sets on create, in the order of CREATE_SQL's parameters $3…
CREATE_COLUMNS = (
    "role_id", "cv_version_id", "interview_date", "seniority_level", "interview_type",
    "interview_status", "outcome", "is_remote", "location", "duration_minutes",
    "interviewer_names", "overall_rating", "notes", "feedback",
)  # fmt: skip

# Create in one statement: the company, role and CV version must be live rows of the owner
# (a role of that company or of none), each held with a share lock like ``crud.check_refs`` so that a
# concurrent delete waits; the interview and the first point of its timeline are inserted, and
# the detail document is returned. No row back means a reference failed: the caller finds out
# which. $1 owner, $2 company, then CREATE_COLUMNS.
CREATE_SQL = f"""
WITH c AS (
    SELECT id, company_name FROM companies
    WHERE id = $2 AND owner_id = $1 AND deleted_at IS NULL FOR KEY SHARE
), r AS (
    SELECT id, role_title, seniority_level FROM roles
    WHERE id = $3 AND owner_id = $1 AND deleted_at IS NULL AND (company_id IS NULL OR company_id = $2)
    FOR SHARE
), cv AS (
    SELECT id FROM cv_versions
    WHERE id = $4 AND owner_id = $1 AND deleted_at IS NULL FOR KEY SHARE
), i AS (
    INSERT INTO interviews (owner_id, company_id, {", ".join(CREATE_COLUMNS)})
    SELECT $1, c.id, {", ".join(f"${n}" for n in range(3, 3 + len(CREATE_COLUMNS)))} FROM c
    WHERE ($3::integer IS NULL OR EXISTS (SELECT FROM r))
      AND ($4::integer IS NULL OR EXISTS (SELECT FROM cv))
    RETURNING *
), h AS (
    INSERT INTO interview_status_history (owner_id, interview_id, interview_status, outcome)
    SELECT owner_id, id, interview_status, outcome FROM i
    RETURNING id, interview_status AS status, outcome, changed_at
)
SELECT row_to_json(d)::text FROM (
    SELECT {_INTERVIEW_DOC}, '[]'::json AS rounds, '[]'::json AS questions, '[]'::json AS skills,
           (SELECT json_agg(h) FROM h) AS status_history
    FROM i JOIN c ON c.id = i.company_id LEFT JOIN r ON r.id = i.role_id
) d
"""


async def create_interview(
    session: AsyncSession, owner_id: int, values: dict[str, Any]
) -> schemas.InterviewRead | None:
    """The new interview as the detail shows it, or None (nothing written) when the company,
    role or CV version is not a live row of the owner's, or the role is another company's."""
    args = [values[name] for name in CREATE_COLUMNS]
    doc = await fetchval(session, CREATE_SQL, owner_id, values["company_id"], *args)
    return None if doc is None else schemas.InterviewRead.model_validate_json(doc)
