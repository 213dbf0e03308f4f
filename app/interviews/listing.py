"""The interview list in raw SQL on the session's asyncpg connection: the hottest read of the
API, so it skips statement building and ORM result processing. One round trip per page: the
page's ids come from an owner-first index-only scan, the total is a scalar subquery, only the
page's rows are joined, and PostgreSQL writes them as the API's JSON (sent as it is)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from app.db import DbOrSession, raw_connection
from app.interviews.queries import INTERVIEW_JSON
from app.kit.search import FUZZY_MIN_LENGTH, like_escape, prefix_tsquery
from app.models.enums import InterviewOutcome, InterviewStatus, InterviewType, SeniorityLevel


@dataclass(frozen=True)
class InterviewFilters:
    company_id: int | None = None
    role_id: int | None = None
    cv_version_id: int | None = None
    interview_status: InterviewStatus | None = None
    interview_type: InterviewType | None = None
    seniority_level: SeniorityLevel | None = None
    outcome: InterviewOutcome | None = None
    is_remote: bool | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None  # inclusive
    q: str | None = None
    deleted: bool = False


SORT_SQL = {
    "interview_date": "coalesce(i.interview_date, '-infinity'::timestamptz)",
    "created_at": "i.created_at",
    "updated_at": "i.updated_at",
    "company_name": "lower(c.company_name)",
    "interview_status": "i.interview_status",
    "overall_rating": "i.overall_rating",
}
NON_NULL_SORTS = {"interview_date", "created_at"}
_EQUALS = (
    "company_id",
    "role_id",
    "cv_version_id",
    "interview_status",
    "interview_type",
    "seniority_level",
    "outcome",
    "is_remote",
)


def _value(v: Any) -> Any:
    return v.value if isinstance(v, Enum) else v


def where_sql(user_id: int, filters: InterviewFilters) -> tuple[list[str], list[Any], bool]:
    """SQL conditions with $n placeholders, their values, and whether companies must be joined."""
    params: list[Any] = [user_id]
    sql = ["i.owner_id = $1", "i.deleted_at IS NOT NULL" if filters.deleted else "i.deleted_at IS NULL"]
    for name in _EQUALS:
        value = getattr(filters, name)
        if value is not None:
            params.append(_value(value))
            sql.append(f"i.{name} = ${len(params)}")
    if filters.date_from:
        params.append(filters.date_from)
        sql.append(f"i.interview_date >= ${len(params)}")
    if filters.date_to:
        params.append(filters.date_to)
        sql.append(f"i.interview_date <= ${len(params)}")
    if filters.q:
        sql.append(_search_sql(filters.q, params))
    return sql, params, bool(filters.q)


def _search_sql(q: str, params: list[Any]) -> str:
    """Word prefixes in notes, feedback and location (full text), or the company name: infix,
    or close to it (pg_trgm) for typos. Appends its values to ``params``."""
    text = q.strip()
    params.append(f"%{like_escape(text)}%")
    either = [f"c.company_name ILIKE ${len(params)} ESCAPE '\\'"]
    if len(text) >= FUZZY_MIN_LENGTH:
        params.append(text)
        either.append(f"${len(params)} <% c.company_name")
    tsquery = prefix_tsquery(text)
    if tsquery:
        params.append(tsquery)
        either.append(f"i.search_vector @@ to_tsquery('english', ${len(params)})")
    return f"({' OR '.join(either)})"


@dataclass(frozen=True)
class PageSql:
    """A page of the list as one statement: one row with the total, the items as the API's JSON
    (text, NULL when the page is empty), and the last item's sort key and id (for the cursor)."""

    sql: str
    params: list[Any]


def page_sql(
    user_id: int,
    filters: InterviewFilters,
    sort_by: str,
    desc: bool,
    limit: int,
    offset: int,
    after: tuple[datetime, int] | None,
) -> PageSql:
    conditions, params, join_company = where_sql(user_id, filters)
    key = SORT_SQL[sort_by]
    direction = "DESC" if desc else "ASC"
    nulls = "" if sort_by in NON_NULL_SORTS else (" NULLS LAST" if desc else " NULLS FIRST")
    order = f"{key} {direction}{nulls}, i.id {direction}"
    company_join = (
        "JOIN companies c ON c.id = i.company_id" if join_company or sort_by == "company_name" else ""
    )
    count_join = "JOIN companies c ON c.id = i.company_id" if join_company else ""
    base_where = " AND ".join(conditions)
    page_where = base_where
    page_params = list(params)
    if after is not None:
        page_params += [after[0], after[1]]
        op = "<" if desc else ">"
        page_where += f" AND ({key}, i.id) {op} (${len(page_params) - 1}, ${len(page_params)})"
    page_params += [limit, offset]
    n = len(page_params)
    sql = f"""
        WITH page AS (
            SELECT i.id FROM interviews i {company_join}
            WHERE {page_where} ORDER BY {order} LIMIT ${n - 1} OFFSET ${n}
        ), rows AS (
            SELECT {INTERVIEW_JSON} AS item, {key} AS sort_key, i.id,
                   row_number() OVER (ORDER BY {order}) AS n
            FROM page JOIN interviews i ON i.id = page.id
            JOIN companies c ON c.id = i.company_id
            LEFT JOIN roles r ON r.id = i.role_id
        ), last AS (SELECT sort_key, id FROM rows ORDER BY n DESC LIMIT 1)
        SELECT (SELECT count(*) FROM interviews i {count_join} WHERE {base_where}) AS total,
               (SELECT json_agg(item ORDER BY n)::text FROM rows) AS items,
               (SELECT count(*) FROM rows) AS size,
               (SELECT sort_key FROM last) AS last_key, (SELECT id FROM last) AS last_id
    """
    return PageSql(sql, page_params)


async def fetch_page(session: DbOrSession, query: PageSql) -> Any:
    """The page's one row (see ``PageSql``), on the session's connection."""
    return await (await raw_connection(session)).fetchrow(query.sql, *query.params)
