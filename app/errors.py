"""One exception hierarchy, rendered once as RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("app.errors")

PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def _slug(status: int) -> str:
    return _TITLES.get(status, "error").lower().replace(" ", "-")


class AppError(Exception):
    status: int = 500
    title: str | None = None

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        self.headers = headers
        self.extra = extra or {}


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401

    def __init__(self, detail: str = "Missing or invalid credentials.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404

    def __init__(self, what: str, ident: object | None = None) -> None:
        detail = f"{what} {ident} was not found." if ident is not None else f"{what} was not found."
        super().__init__(detail)


class Conflict(AppError):
    status = 409


class PayloadTooLarge(AppError):
    status = 413


class Unprocessable(AppError):
    status = 422

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        errors = [{"field": field, "message": detail, "type": "value_error"}] if field else []
        super().__init__(detail, extra={"errors": errors} if errors else None)


class RateLimited(AppError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Rate limit exceeded; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


class UpstreamError(AppError):
    status = 502


class UpstreamTimeout(AppError):
    status = 504


class ServiceUnavailable(AppError):
    status = 503


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{_slug(status)}",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {
                "field": ".".join(loc),
                "loc": loc,
                "message": err.get("msg", "invalid"),
                "type": err.get("type", "value_error"),
            }
        )
    return out


_CONNECTION_ERRORS = {
    "CannotConnectNowError",  # "the database system is starting up / shutting down"
    "ConnectionDoesNotExistError",
    "ConnectionFailureError",
    "AdminShutdownError",
    "CrashShutdownError",
    "TooManyConnectionsError",
    "ConnectionRejectionError",
    "ClientCannotConnectError",
    "PostgresConnectionError",
    "InterfaceError",
    "ConnectionResetError",
    "ConnectionRefusedError",
}
_CONNECTION_PHRASES = (
    "connection is closed",
    "connection was closed",
    "the database system is",
    "terminating connection",
    "server closed the connection",
    "connection refused",
    "no such file or directory",  # the Unix socket is gone while the server restarts
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        stack += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return seen


def is_connection_error(exc: BaseException) -> bool:
    """True when the database could not be reached or dropped the connection, as opposed to a
    bad statement: these become 503 problems, never 500."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection in time
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    for e in _chain(exc):
        if isinstance(e, OSError | ConnectionError | TimeoutError):
            return True
        if type(e).__name__ in _CONNECTION_ERRORS:
            return True
        text = str(e).lower()
        if any(p in text for p in _CONNECTION_PHRASES):
            return True
    return False


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.detail,
            title=exc.title,
            instance=request.url.path,
            headers=exc.headers,
            extra=exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        fields = ", ".join(e["field"] for e in errors[:5]) or "request"
        return problem_response(
            422,
            f"The request is not valid: check {fields}.",
            instance=request.url.path,
            extra={"errors": errors},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route matches {request.method} {request.url.path}."
        return problem_response(
            exc.status_code,
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(sa_exc.SQLAlchemyError)
    async def _database(request: Request, exc: sa_exc.SQLAlchemyError) -> JSONResponse:
        if is_connection_error(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            return problem_response(
                503,
                "The database is unavailable right now; retry shortly.",
                instance=request.url.path,
                headers={"Retry-After": "2"},
            )
        if isinstance(exc, StaleDataError):  # the row was deleted by a concurrent request
            return problem_response(
                409,
                "The row was changed or deleted by another request meanwhile; reload it and retry.",
                instance=request.url.path,
            )
        if isinstance(exc, sa_exc.IntegrityError):
            return problem_response(
                409,
                "The change conflicts with existing data (a duplicate or a row still in use).",
                instance=request.url.path,
            )
        if isinstance(exc, sa_exc.DBAPIError) and type(exc.orig).__name__ in {
            "DataError",
            "NumericValueOutOfRangeError",
            "InvalidTextRepresentationError",
            "StringDataRightTruncationError",
            "CharacterNotInRepertoireError",
            "UntranslatableCharacterError",
            "InvalidParameterValueError",
        }:
            return problem_response(422, "A value is out of the range the database accepts.")
        log.exception("database error", exc_info=exc)
        return problem_response(500, "An unexpected error occurred.", instance=request.url.path)

    @app.exception_handler(OSError)
    async def _os_error(request: Request, exc: OSError) -> JSONResponse:
        log.warning("connection error: %s", type(exc).__name__)
        return problem_response(
            503,
            "A backing service is unavailable right now; retry shortly.",
            instance=request.url.path,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        if is_connection_error(exc):
            return problem_response(
                503,
                "The database is unavailable right now; retry shortly.",
                instance=request.url.path,
                headers={"Retry-After": "2"},
            )
        log.exception("unhandled error", exc_info=exc)
        return problem_response(500, "An unexpected error occurred.", instance=request.url.path)
