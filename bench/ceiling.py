"""The ceiling: each benchmarked endpoint done with raw asyncpg and nothing else, served the same
way (uvicorn, one worker, uvloop + httptools). Same token check, same user lookup, the same SQL
statements the app sends (its own constants where it has them) and the same JSON out; no
framework, no validation, no ORM. What the app cannot beat on this machine."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.security import decode_access_token
from app.interviews.listing import InterviewFilters, page_sql
from app.interviews.queries import CREATE_COLUMNS, CREATE_SQL, DETAIL_SQL, LOCK_SQL, update_sql
from app.interviews.service import encode_cursor
from app.kit.pagination import CursorPage, JsonPage, PageParams, SortOrder
from app.models.enums import InterviewStatus
from app.questions import service as question_service
from app.stats.service import _OVERVIEW
from bench.common import POOL
from bench.data import _dsn

SECRET = os.environ["SECRET_KEY"]
USER_SQL = "SELECT id, is_active, token_version FROM users WHERE id = $1"

# What the app sends for PATCH of the notes: lock, then update returning the detail.
UPDATE_SQL = update_sql(["notes"], timeline=False)


OWNER = -4242  # stands for the caller in the compiled statement's parameters


def _search_sql(q: str) -> tuple[str, list[Any]]:
    """The app's one statement for a question search, compiled once, with its parameters."""
    filters = question_service.QuestionFilters(q=q)
    query = question_service.page_sql(filters.shape(), None, SortOrder.desc)
    return query.sql, query.args(question_service.page_args(OWNER, filters, PageParams(1, 20)))


pool: asyncpg.Pool | None = None


async def _user(conn: asyncpg.Connection, request: Request) -> int:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    claims = decode_access_token(token, SECRET)
    assert claims is not None
    user = await conn.fetchrow(USER_SQL, claims[0])
    assert user["is_active"] and user["token_version"] == claims[1]
    return int(user["id"])


async def interviews(request: Request) -> Response:
    assert pool is not None
    if request.method == "POST":
        return await create(request)
    page = int(request.query_params.get("page", "1"))
    size = int(request.query_params.get("page_size", "20"))
    status = request.query_params.get("interview_status")
    filters = InterviewFilters(interview_status=InterviewStatus(status) if status else None)
    async with pool.acquire() as conn:
        query = page_sql(
            await _user(conn, request), filters, "interview_date", True, size, (page - 1) * size, None
        )
        row = await conn.fetchrow(query.sql, *query.params)
    cursor = None
    if row["size"] == size:
        cursor = encode_cursor("interview_date", SortOrder.desc, row["last_key"], row["last_id"])
    return Response(
        CursorPage(row["total"], row["items"] or "[]", PageParams(page, size), cursor).json(),
        media_type="application/json",
    )


async def create(request: Request) -> Response:
    assert pool is not None
    try:
        body = json.loads(await request.body())
    except ClientDisconnect:  # wrk stops mid-request at the end of a run
        return Response(status_code=499)
    values = {"interview_type": "actual", "interview_status": "scheduled", "is_remote": False, **body}
    async with pool.acquire() as conn:
        owner = await _user(conn, request)
        doc = await conn.fetchval(
            CREATE_SQL, owner, values["company_id"], *(values.get(c) for c in CREATE_COLUMNS)
        )
    return Response(doc, status_code=201, media_type="application/json")


async def interview(request: Request) -> Response:
    assert pool is not None
    ident = int(request.path_params["ident"])
    async with pool.acquire() as conn:
        owner = await _user(conn, request)
        if request.method == "PATCH":
            try:
                body = json.loads(await request.body())
            except ClientDisconnect:
                return Response(status_code=499)
            async with conn.transaction():
                await conn.fetchrow(LOCK_SQL, ident, owner)
                doc = (await conn.fetchrow(UPDATE_SQL, ident, body["notes"]))["doc"]
        else:
            doc = await conn.fetchval(DETAIL_SQL, ident, owner, False)
    return Response(doc, media_type="application/json")


async def questions(request: Request) -> Response:
    assert pool is not None
    q = request.query_params["q"]
    if q not in _searches:
        _searches[q] = _search_sql(q)
    sql, params = _searches[q]
    async with pool.acquire() as conn:
        owner = await _user(conn, request)
        row = await conn.fetchrow(sql, *(owner if p == OWNER else p for p in params))
    page = JsonPage(row["total"], row["items"] or "[]", PageParams(1, 20))
    return Response(page.json(), media_type="application/json")


_searches: dict[str, tuple[str, list[Any]]] = {}


async def stats(request: Request) -> Response:
    assert pool is not None
    async with pool.acquire() as conn:
        doc = await conn.fetchval(_OVERVIEW, await _user(conn, request))
    return Response(doc, media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(**_dsn(os.environ["DATABASE_URL"]), min_size=5, max_size=POOL)
    yield
    await pool.close()


app = Starlette(
    routes=[
        Route("/api/interviews", interviews, methods=["GET", "POST"]),
        Route("/api/interviews/{ident:int}", interview, methods=["GET", "PATCH"]),
        Route("/api/questions", questions),
        Route("/api/stats/overview", stats),
    ],
    lifespan=lifespan,
)
