"""Queries of the interview domain that PostgreSQL answers in one statement.

The detail (company, role, rounds, questions asked, skills tested, status timeline) is built as
one JSON document by PostgreSQL, already in the API's shape (keys in the schema's order,
datetimes in UTC written as Pydantic writes them), together with its ETag: the route sends that
text as it is. One round trip, no ORM objects, nothing validated or serialised again in Python;
``InterviewDoc.model()`` gives the Pydantic object to the callers that need one. The statements
are constants with ``$n`` parameters, run on the session's own asyncpg connection (same
transaction, prepared once per connection by asyncpg's statement cache).
"""

from __future__ import annotations

import functools
from typing import Any

from app.db import DbOrSession, raw_connection
from app.interviews import schemas
from app.kit.sqljson import JsonDoc, etag, json_array, json_object, utc

# The interview row with its company and role (aliases i, c, r), keys in InterviewSummary's order.
_INTERVIEW = f"""
id i.id
company_id i.company_id
company json_build_object('id', c.id, 'company_name', c.company_name)
role_id i.role_id
role CASE WHEN r.id IS NOT NULL THEN json_build_object('id', r.id, 'role_title', r.role_title, 'seniority_level', r.seniority_level) END
cv_version_id i.cv_version_id
interview_date {utc("i.interview_date")}
seniority_level i.seniority_level
interview_type i.interview_type
interview_status i.interview_status
outcome i.outcome
is_remote i.is_remote
location i.location
duration_minutes i.duration_minutes
interviewer_names i.interviewer_names
overall_rating i.overall_rating
notes i.notes
feedback i.feedback
created_at {utc("i.created_at")}
updated_at {utc("i.updated_at")}
deleted_at {utc("i.deleted_at")}
"""

_ROUND = f"""
id
interview_id
round_number
round_type
round_date {utc("round_date")}
duration_minutes
interviewer_name
interviewer_role
round_rating
passed
notes
created_at {utc("created_at")}
updated_at {utc("updated_at")}
"""

_QUESTION = f"""
id iq.id
interview_id iq.interview_id
question_id iq.question_id
question json_build_object('id', q.id, 'question_text', q.question_text, 'question_category', q.question_category, 'question_difficulty', q.question_difficulty)
round_id iq.round_id
answer_quality_rating iq.answer_quality_rating
answer_given iq.answer_given
feedback iq.feedback
created_at {utc("iq.created_at")}
"""

_SKILL = f"""
id ts.id
interview_id ts.interview_id
skill_id ts.skill_id
skill json_build_object('id', s.id, 'skill_name', s.skill_name, 'skill_category', s.skill_category)
performance_rating ts.performance_rating
notes ts.notes
created_at {utc("ts.created_at")}
"""

_CHANGE = f"""
status interview_status
outcome
changed_at {utc("changed_at")}
"""


# A list item (InterviewSummary) of interview i with company c and role r.
INTERVIEW_JSON = json_object(_INTERVIEW)


_ROUNDS_OF_I = "FROM interview_rounds WHERE interview_id = i.id"
_QUESTIONS_OF_I = """FROM interview_questions iq
    JOIN questions q ON q.id = iq.question_id AND q.deleted_at IS NULL WHERE iq.interview_id = i.id"""
_SKILLS_OF_I = """FROM interview_skills ts
    JOIN skills s ON s.id = ts.skill_id AND s.deleted_at IS NULL WHERE ts.interview_id = i.id"""


def _interview_doc(history: str) -> str:
    """The detail document of interview ``i``; ``history`` is the SQL of its timeline (a JSON
    array). Children keep the order the API has always given: rounds by number, links by id.
    Links to questions or skills in the trash are hidden with them."""
    doc = json_object(
        _INTERVIEW,
        rounds=json_array(_ROUND, "round_number, id", _ROUNDS_OF_I),
        questions=json_array(_QUESTION, "iq.id", _QUESTIONS_OF_I),
        skills=json_array(_SKILL, "ts.id", _SKILLS_OF_I),
        status_history=history,
    )
    return f"{doc}::text"


DETAIL_SQL = f"""
SELECT {etag("i")} AS etag, {
    _interview_doc(
        json_array(_CHANGE, "changed_at, id", "FROM interview_status_history WHERE interview_id = i.id")
    )
} AS doc
FROM interviews i
JOIN companies c ON c.id = i.company_id
LEFT JOIN roles r ON r.id = i.role_id
WHERE i.id = $1 AND i.owner_id = $2 AND ($3 OR i.deleted_at IS NULL)
"""


InterviewDoc = JsonDoc[schemas.InterviewRead]


def _doc(row: Any) -> InterviewDoc | None:
    return None if row is None else JsonDoc(row["etag"], row["doc"], schemas.InterviewRead)


async def interview_detail(
    session: DbOrSession, owner_id: int, interview_id: int, *, include_deleted: bool = False
) -> InterviewDoc | None:
    """The interview as the API shows it, or None when the owner has no such interview."""
    row = await (await raw_connection(session)).fetchrow(DETAIL_SQL, interview_id, owner_id, include_deleted)
    return _doc(row)


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
    RETURNING interview_status, outcome, changed_at
)
SELECT {etag("i")} AS etag, {_interview_doc(f"(SELECT json_agg({json_object(_CHANGE)}) FROM h)")} AS doc
FROM i JOIN c ON c.id = i.company_id LEFT JOIN r ON r.id = i.role_id
"""


async def create_interview(
    session: DbOrSession, owner_id: int, values: dict[str, Any]
) -> InterviewDoc | None:
    """The new interview as the detail shows it, or None (nothing written) when the company,
    role or CV version is not a live row of the owner's, or the role is another company's."""
    args = [values[name] for name in CREATE_COLUMNS]
    row = await (await raw_connection(session)).fetchrow(CREATE_SQL, owner_id, values["company_id"], *args)
    return _doc(row)


# The columns PATCH and PUT may change.
UPDATE_COLUMNS = ("company_id", *CREATE_COLUMNS)

LOCK_SQL = f"""
SELECT id, owner_id, updated_at, {", ".join(UPDATE_COLUMNS)} FROM interviews
WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL FOR UPDATE
"""


async def lock_interview(session: DbOrSession, owner_id: int, interview_id: int) -> Any:
    """The owner's live interview (the columns a write may change), locked ``FOR UPDATE`` until
    the transaction ends; None when there is none."""
    return await (await raw_connection(session)).fetchrow(LOCK_SQL, interview_id, owner_id)


def update_sql(columns: list[str], *, timeline: bool) -> str:
    """The statement writing ``columns`` ($2… in this order; $1 the interview) to a locked
    interview, raising its revision; with ``timeline`` its new status/outcome is added to its
    timeline. It returns the new detail document: the interview's row is the UPDATE's, its
    timeline the stored points plus the one just inserted (a statement does not see its own
    writes). Written once per set of columns (building the text took about 5% of a PATCH)."""
    return _update_sql(tuple(columns), timeline)


@functools.lru_cache(maxsize=512)
def _update_sql(columns: tuple[str, ...], timeline: bool) -> str:
    if not columns or not set(columns) <= set(UPDATE_COLUMNS):  # names go into the SQL text
        raise ValueError(f"not updatable columns: {columns}")
    sets = ", ".join(f"{c} = ${n}" for n, c in enumerate(columns, start=2))
    stored = "SELECT id, interview_status, outcome, changed_at FROM interview_status_history WHERE interview_id = i.id"
    inserted = ""
    if timeline:
        inserted = """, h AS (
            INSERT INTO interview_status_history (owner_id, interview_id, interview_status, outcome)
            SELECT owner_id, id, interview_status, outcome FROM i
            RETURNING id, interview_status, outcome, changed_at
        )"""
        stored += " UNION ALL SELECT id, interview_status, outcome, changed_at FROM h"
    return f"""
        WITH i AS (
            UPDATE interviews SET {sets}, updated_at = now(), revision = revision + 1 WHERE id = $1
            RETURNING *
        ){inserted}
        SELECT {etag("i")} AS etag, {_interview_doc(json_array(_CHANGE, "changed_at, id", f"FROM ({stored}) p"))} AS doc
        FROM i JOIN companies c ON c.id = i.company_id LEFT JOIN roles r ON r.id = i.role_id
    """


async def update_interview(
    session: DbOrSession, interview_id: int, changes: dict[str, Any], *, timeline: bool
) -> InterviewDoc:
    """Write ``changes`` (columns of UPDATE_COLUMNS) to the locked interview and return its new
    document, in one statement (``update_sql``; one text per set of columns, which asyncpg
    prepares once)."""
    columns = sorted(changes)
    sql = update_sql(columns, timeline=timeline)
    args = (changes[c] for c in columns)
    doc = _doc(await (await raw_connection(session)).fetchrow(sql, interview_id, *args))
    if doc is None:  # the caller holds the row locked, so it cannot have gone
        raise RuntimeError(f"interview {interview_id} vanished under its lock")
    return doc
