"""Read queries of the interview domain that PostgreSQL answers in one statement.

The detail (company, role, rounds, questions asked, skills tested, status timeline) is built as
one JSON document by PostgreSQL (``json_agg`` sub-selects) and validated straight from that text
by Pydantic: one round trip, and no ORM objects to build. The statements are constants with
``$n`` parameters, run on the session's own asyncpg connection (same transaction, prepared once
per connection by asyncpg's statement cache).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.interviews import schemas
from app.models import Interview, InterviewStatusChange

# Children keep the order the API has always given: rounds by number, links by id, the
# timeline oldest first. Links to questions or skills in the trash are hidden with them.
DETAIL_SQL = """
SELECT row_to_json(d)::text FROM (
    SELECT i.id, i.company_id, i.role_id, i.cv_version_id, i.interview_date, i.seniority_level,
           i.interview_type, i.interview_status, i.outcome, i.is_remote, i.location,
           i.duration_minutes, i.interviewer_names, i.overall_rating, i.notes, i.feedback,
           i.created_at, i.updated_at, i.deleted_at,
           json_build_object('id', c.id, 'company_name', c.company_name) AS company,
           CASE WHEN r.id IS NOT NULL THEN json_build_object(
               'id', r.id, 'role_title', r.role_title, 'seniority_level', r.seniority_level
           ) END AS role,
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


async def fetchval(session: AsyncSession, sql: str, *args: Any) -> Any:
    """One value of a constant statement, on the session's connection (and transaction)."""
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    return await raw.fetchval(sql, *args)


async def interview_detail(
    session: AsyncSession, owner_id: int, interview_id: int, *, include_deleted: bool = False
) -> schemas.InterviewRead | None:
    """The interview as the API shows it, or None when the owner has no such interview."""
    doc = await fetchval(session, DETAIL_SQL, interview_id, owner_id, include_deleted)
    return None if doc is None else schemas.InterviewRead.model_validate_json(doc)


async def insert_interview(session: AsyncSession, owner_id: int, values: dict[str, Any]) -> int:
    """Insert an interview and the first point of its status timeline (what
    ``history.record_status`` adds on later changes) in one statement; its id."""
    interviews, timeline = Interview.__table__, InterviewStatusChange.__table__
    # Declarative models' tables are Tables; SQLAlchemy types ``__table__`` as any FromClause.
    assert isinstance(interviews, Table) and isinstance(timeline, Table)
    new = (
        insert(interviews)
        .values(owner_id=owner_id, **values)
        .returning(
            interviews.c.id, interviews.c.owner_id, interviews.c.interview_status, interviews.c.outcome
        )
        .cte("new")
    )
    stmt = (
        insert(timeline)
        .from_select(
            ["owner_id", "interview_id", "interview_status", "outcome"],
            select(new.c.owner_id, new.c.id, new.c.interview_status, new.c.outcome),
        )
        .returning(timeline.c.interview_id)
    )
    return int((await session.execute(stmt)).scalar_one())
