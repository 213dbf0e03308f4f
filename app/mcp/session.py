"""Who is calling, and one unit of work per tool call.

Both transports put the caller's bearer credential (an API key or an access token) in
:data:`credential`; every tool call resolves it again with the REST API's own
:func:`~app.auth.dependencies.get_principal`, so a revoked key or a logout stops a running
assistant at its next call. The unit commits when the tool returns and rolls back when it fails,
like the request session dependency; an :class:`~app.errors.AppError` becomes a tool error that
carries the problem detail's text (never a stack trace).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from app.auth.dependencies import resolve_principal
from app.db import Db
from app.errors import AppError, Unauthorized, problem_response
from app.models import User

credential: ContextVar[str | None] = ContextVar("mcp_credential", default=None)


def problem_text(exc: AppError) -> str:
    """The problem detail the REST API would answer, as one line a model can read."""
    body: dict[str, Any] = json.loads(
        bytes(problem_response(exc.status, exc.detail, title=exc.title, extra=exc.extra).body)
    )
    text = f"{body['title']} ({body['status']}): {body['detail']}"
    # REST locations ("body.round_number") name the tool's argument here.
    fields = [
        f"{e['field'].removeprefix('body.').removeprefix('query.')}: {e['message']}"
        for e in body.get("errors") or []
        if e.get("field")
    ]
    return f"{text} [{'; '.join(fields)}]" if fields else text


def validation_text(exc: ValidationError) -> str:
    """Field-level messages, without echoing the rejected values back."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()]
    return "Validation failed (422): " + "; ".join(parts)


async def authenticate(app: FastAPI, session: AsyncSession, token: str | None) -> User:
    """The same resolution as the REST API's ``CurrentUser`` (API key or access token)."""
    if not token:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <token or API key>'.")
    request = Request({"type": "http", "app": app, "headers": []})
    return (await resolve_principal(Db.over(app.state, session), request, token)).user


@asynccontextmanager
async def unit(app: FastAPI) -> AsyncIterator[tuple[AsyncSession, User]]:
    """A session and the caller for one tool call: committed on success, rolled back on error."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with maker() as session:
        try:
            user = await authenticate(app, session, credential.get())
            yield session, user
            await session.commit()
        except AppError as exc:
            await session.rollback()
            raise ToolError(problem_text(exc)) from exc
        except ValidationError as exc:
            await session.rollback()
            raise ToolError(validation_text(exc)) from exc
        except BaseException:
            await session.rollback()
            raise
