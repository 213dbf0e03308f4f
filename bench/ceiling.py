"""The ceiling: GET /api/interviews done with raw asyncpg and nothing else, served the same way
(uvicorn, one worker, uvloop + httptools). Same auth lookup, same list and count SQL."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.interviews.queries import DETAIL_SQL
from bench.data import _dsn

SECRET = os.environ["SECRET_KEY"]

LIST_SQL = """
SELECT i.id, i.company_id, i.role_id, i.cv_version_id, i.interview_date, i.seniority_level, i.interview_type,
       i.interview_status, i.outcome, i.is_remote, i.location, i.duration_minutes, i.interviewer_names,
       i.overall_rating, i.notes, i.feedback, i.created_at, i.updated_at, i.deleted_at,
       c.company_name, r.role_title, r.seniority_level AS role_seniority
FROM interviews i JOIN companies c ON c.id = i.company_id LEFT JOIN roles r ON r.id = i.role_id
WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND i.interview_status = $2
ORDER BY i.interview_date DESC NULLS LAST, i.id DESC LIMIT $3 OFFSET $4
"""
COUNT_SQL = """
SELECT count(*) FROM interviews i
WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND i.interview_status = $2
"""

pool: asyncpg.Pool | None = None


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError


async def interviews(request: Request) -> Response:
    assert pool is not None
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    page = int(request.query_params.get("page", "1"))
    size = int(request.query_params.get("page_size", "20"))
    status = request.query_params.get("interview_status", "completed")
    async with pool.acquire() as conn:
        user = await conn.fetchrow("SELECT id, is_active FROM users WHERE id = $1", int(claims["sub"]))
        total = await conn.fetchval(COUNT_SQL, user["id"], status)
        rows = await conn.fetch(LIST_SQL, user["id"], status, size, (page - 1) * size)
    items = []
    for r in rows:
        d = dict(r)
        d["company"] = {"id": d["company_id"], "company_name": d.pop("company_name")}
        title, level = d.pop("role_title"), d.pop("role_seniority")
        d["role"] = (
            {"id": d["role_id"], "role_title": title, "seniority_level": level} if d["role_id"] else None
        )
        items.append(d)
    body = {"items": items, "total": total, "page": page, "page_size": size, "pages": -(-total // size)}
    return Response(json.dumps(body, default=_default), media_type="application/json")


async def interview(request: Request) -> Response:
    """The detail: the same one statement as the app, its JSON passed through."""
    assert pool is not None
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    async with pool.acquire() as conn:
        user = await conn.fetchrow("SELECT id, is_active FROM users WHERE id = $1", int(claims["sub"]))
        doc = await conn.fetchval(DETAIL_SQL, int(request.path_params["ident"]), user["id"], False)
    return Response(doc, media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(**_dsn(os.environ["DATABASE_URL"]), min_size=5, max_size=20)
    yield
    await pool.close()


app = Starlette(
    routes=[Route("/api/interviews", interviews), Route("/api/interviews/{ident:int}", interview)],
    lifespan=lifespan,
)
