"""Pure ASGI middleware (BaseHTTPMiddleware would buffer the SSE streams)."""

from __future__ import annotations

import json
import logging
import re
import time

import structlog
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import RETRY_READ

access_log = structlog.get_logger("app.access")
_access_logger = logging.getLogger("app.access")

# Secrets that travel in a path (calendar feed tokens) never reach the logs.
_SECRET_PATHS = re.compile(r"^(/api/calendar/)[^/]+(\.ics)$")


def loggable_path(path: str) -> str:
    return _SECRET_PATHS.sub(r"\1***\2", path)


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A level that drops the line (LOG_LEVEL=WARNING) costs nothing: no timing, no wrapper,
        # no structlog event made only to be filtered out (about 4% of a small request's CPU).
        if scope["type"] != "http" or not _access_logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            access_log.info(
                "request",
                method=scope["method"],
                path=loggable_path(scope["path"]),
                status=status,
                duration_ms=round((time.perf_counter() - start) * 1000, 1),
            )


class RetryReadMiddleware:
    """A read-only request whose connection turned out dead (the database restarted since it
    was pooled) runs once more on a fresh one instead of answering 503. The request's database (``app.db.request_db``)
    flags it (``app.db.RETRY_READ``); the 503 it produced is held back and dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        dropped = False

        async def _send(message: Message) -> None:
            nonlocal dropped
            if message["type"] == "http.response.start" and message["status"] == 503:
                dropped = bool(state.pop(RETRY_READ, False))
            if not dropped:
                await send(message)

        await self.app(scope, receive, _send)
        if dropped:
            await self.app({**scope, "state": dict(state)}, receive, send)


class BodySizeLimitMiddleware:
    """Refuse bodies over the limit with a 413 problem, before any handler reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Paths that take bigger bodies (an account import), with their own limit.
        self.larger = larger or {}

    async def _reject(self, send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "type": "/problems/payload-too-large",
                "title": "Payload too large",
                "status": 413,
                "detail": f"The request body is larger than {limit} bytes.",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(send, limit)
                    return
        received = 0

        async def _receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the handler's body read: rendered as a 413 problem.
                    raise HTTPException(413, f"The request body is larger than {limit} bytes.")
            return message

        await self.app(scope, _receive, send)
