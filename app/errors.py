"""One exception hierarchy, rendered once as RFC 9457 problem details."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request, params
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
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    431: "Request header fields too large",
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


class PreconditionFailed(AppError):
    """``If-Match`` named a version that is no longer current (someone else changed the row)."""

    status = 412
    title = "Precondition failed"


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


def request_id() -> str | None:
    """The id of the request being served (the X-Request-ID header), for logs and 500 bodies."""
    return correlation_id.get()


# --- request validation ----------------------------------------------------------------

FORM_HINT = (
    "This endpoint takes an OAuth2 password form (application/x-www-form-urlencoded: "
    "username=<email>&password=…), not JSON."
)


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


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def declares_json(request: Request) -> bool:
    """Whether the request's Content-Type is one FastAPI parses as JSON
    (``application/json`` or ``application/*+json``)."""
    return _is_json(_media_type(request))


def _line_column(doc: str, pos: int) -> tuple[int, int]:
    line = doc.count("\n", 0, pos) + 1
    return line, pos - (doc.rfind("\n", 0, pos) + 1) + 1


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with the fields at fault (and how to send a form where one is expected); malformed
    JSON named by line and column."""
    instance = request.url.path
    raw = exc.errors()
    bad_json = next((e for e in raw if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        loc = bad_json.get("loc", ())
        pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        line, column = _line_column(exc.body if isinstance(exc.body, str) else "", pos)
        reason = (bad_json.get("ctx") or {}).get("error", "invalid JSON")
        detail = f"The request body is malformed JSON at line {line}, column {column}: {reason}."
        error = {"field": "body", "loc": ["body"], "message": detail, "type": "json_invalid"}
        return problem_response(
            422, detail, instance=instance, extra={"errors": [{**error, "line": line, "column": column}]}
        )

    errors = _field_errors(exc)
    if _takes_form(request) and any(e["loc"][:1] == ["body"] for e in errors):
        fields = ", ".join(e["field"] for e in errors[:5])
        return problem_response(
            422,
            f"The request is not valid: check {fields}. {FORM_HINT}",
            instance=instance,
            extra={"errors": errors},
        )
    fields = ", ".join(e["field"] for e in errors[:5]) or "request"
    return problem_response(
        422, f"The request is not valid: check {fields}.", instance=instance, extra={"errors": errors}
    )


def _takes_form(request: Request) -> bool:
    body_field = getattr(request.scope.get("route"), "body_field", None)
    return body_field is not None and isinstance(body_field.field_info, params.Form)


class UnsupportedMediaType(AppError):
    status = 415


def _has_body(request: Request) -> bool:
    """Whether the request sends a body, from its headers: reading it here would take the body
    size limit, a client that leaves mid-upload and a body that fails to parse away from
    FastAPI's own handling of them."""
    headers = request.headers
    return "transfer-encoding" in headers or headers.get("content-length", "0").strip() not in ("", "0")


def check_body_media_type(request: Request) -> None:
    """Run by every route that takes a body before authentication and lookups
    (``app.kit.routing.Route``): a body of the wrong media type is refused with 415 naming the
    type the route takes (FastAPI would otherwise try to validate the raw bytes and answer a
    puzzling 422)."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    if body_field is None:
        return
    media = _media_type(request)
    if _takes_form(request):
        if media not in ("", "application/x-www-form-urlencoded", "multipart/form-data"):
            raise UnsupportedMediaType(f"{FORM_HINT} The request sent {media}.")
        return
    if not _is_json(media) and _has_body(request):
        sent = media or "no Content-Type"
        raise UnsupportedMediaType(
            f"This endpoint takes a JSON body (Content-Type: application/json); the request sent {sent}.",
            headers={"Accept-Post": "application/json"} if request.method == "POST" else None,
        )


# --- database errors ---------------------------------------------------------------------

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
_DRIVER_MODULES = ("asyncpg", "sqlalchemy")


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, then what it wraps (``orig``), its cause and its context, nearest first."""
    seen: list[BaseException] = []
    queue: list[BaseException | None] = [exc]
    while queue:
        e = queue.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        queue += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return seen


def _frames(exc: BaseException) -> list[str]:
    names = []
    tb = exc.__traceback__
    while tb is not None:
        names.append(str(tb.tb_frame.f_globals.get("__name__", "")))
        tb = tb.tb_next
    return names


def from_driver(exc: BaseException) -> bool:
    """Raised by the database driver (or SQLAlchemy) rather than by our code or another client."""
    return type(exc).__module__.startswith(_DRIVER_MODULES) or any(
        f.startswith("asyncpg") for f in _frames(exc)
    )


def is_connection_error(exc: BaseException) -> bool:
    """True when the database could not be reached or dropped the connection, as opposed to a
    bad statement or a failure elsewhere: these become 503 problems, never 500."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection in time
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if is_data_error(exc):
        return False
    for e in _chain(exc):
        if not from_driver(e):
            continue
        if isinstance(e, OSError | ConnectionError | TimeoutError):
            return True
        if type(e).__name__ in _CONNECTION_ERRORS:
            return True
        text = str(e).lower()
        if any(p in text for p in _CONNECTION_PHRASES):
            return True
    return False


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a database error, if it is one."""
    for e in _chain(exc):
        state = getattr(e, "sqlstate", None)
        if isinstance(state, str) and state:
            return state
    return None


def _pg_attr(exc: BaseException, name: str) -> str | None:
    for e in _chain(exc):
        value = getattr(e, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def is_data_error(exc: BaseException) -> bool:
    """A value the database cannot store or compute (SQLSTATE class 22: out of range, invalid
    datetime, …), or one the driver cannot encode or decode."""
    state = sqlstate(exc)
    if state is not None:
        return state.startswith("22")
    return any(
        isinstance(e, ValueError | OverflowError) and _frames(e)[-1:] and _frames(e)[-1].startswith("asyncpg")
        for e in _chain(exc)
    )


@functools.cache
def _constraints() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Constraint and unique-index name → (table, the user-facing columns it covers), from the
    models (so a renamed constraint cannot silently fall back to a vague message)."""
    from sqlalchemy import CheckConstraint, ClauseElement, Column
    from sqlalchemy.sql.visitors import iterate

    from app.models import Base

    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for table in Base.metadata.tables.values():
        named: list[tuple[str, list[str]]] = []
        for c in table.constraints:
            cols = [col.name for col in getattr(c, "columns", ())]
            if isinstance(c, CheckConstraint):
                text = str(c.sqltext)
                cols = [col.name for col in table.columns if re.search(rf"\b{col.name}\b", text)]
            named.append((str(c.name), cols))
        for ix in table.indexes:
            cols = []
            for expr in ix.expressions:
                if isinstance(expr, ClauseElement):
                    cols += [el.name for el in iterate(expr) if isinstance(el, Column)]
            named.append((str(ix.name), cols))
        fks = {col.name for col in table.columns if col.foreign_keys}
        for name, cols in named:
            cols = [c for c in cols if c != "owner_id"]
            # (interview_id, round_number): the parent usually comes from the path; name the rest.
            own = [c for c in cols if c not in fks]
            out[name] = (table.name, tuple(own or cols))
    return out


def _singular(table: str) -> str:
    words = table.split("_")
    last = words[-1]
    words[-1] = last[:-3] + "y" if last.endswith("ies") else last.removesuffix("s")
    return " ".join(words)


def integrity_error(exc: BaseException, message: str | None = None) -> AppError:
    """Map a constraint violation to what it means: a duplicate (409, naming the field), a row
    still in use (409), or a value that is not allowed (422, naming the field)."""
    state = sqlstate(exc)
    constraint = _pg_attr(exc, "constraint_name")
    table, fields = _constraints().get(constraint or "", (_pg_attr(exc, "table_name") or "", ()))
    log.warning(
        "integrity error %s on %s (%s): %s",
        state,
        constraint,
        table,
        str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__,
    )
    thing = _singular(table) if table else "row"
    names = " and ".join(fields) if fields else "values"
    field_errors = [{"field": f"body.{f}", "message": "already in use", "type": "unique"} for f in fields]
    if state == "23505":  # unique_violation
        detail = message or f"You already have a {thing} with this {names}."
        return Conflict(detail, extra={"errors": field_errors} if field_errors else None)
    if state in ("23503", "23001"):  # foreign_key_violation, restrict_violation
        if state == "23001" or "update or delete on table" in str(exc):
            return Conflict(f"This row is still used by {thing} rows; delete or change those first.")
        field = fields[0] if fields else None
        return Unprocessable(
            f"{field or 'A reference'} names a row that does not exist.",
            field=f"body.{field}" if field else None,
        )
    if state == "23502":  # not_null_violation
        column = _pg_attr(exc, "column_name")
        return Unprocessable(
            f"{column or 'A required field'} must not be null.", field=f"body.{column}" if column else None
        )
    if state == "23514":  # check_violation
        field = fields[0] if fields else None
        return Unprocessable(
            f"{field or 'A value'} is outside the allowed range.", field=f"body.{field}" if field else None
        )
    return Conflict(message or "The change conflicts with existing data.")


# --- handlers ----------------------------------------------------------------------------


def _unavailable(request: Request, exc: BaseException) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        503,
        "The database is unavailable right now; retry shortly.",
        instance=request.url.path,
        headers={"Retry-After": "2"},
    )


def _data_problem(request: Request, exc: BaseException) -> JSONResponse:
    log.info(
        "value rejected by the database: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    )
    return problem_response(
        422,
        "A value is outside what the database can store (a number or date out of range, or invalid text).",
        instance=request.url.path,
    )


def _internal(request: Request, exc: BaseException) -> JSONResponse:
    rid = request_id()
    log.error("unhandled %s (request %s)", type(exc).__name__, rid, exc_info=exc)
    return problem_response(
        500,
        "An unexpected error occurred; it has been logged" + (f" under request id {rid}." if rid else "."),
        instance=request.url.path,
        extra={"request_id": rid} if rid else None,
    )


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
        return validation_problem(request, exc)

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
        if is_data_error(exc):
            return _data_problem(request, exc)
        if is_connection_error(exc):
            return _unavailable(request, exc)
        if isinstance(exc, StaleDataError):  # the row was deleted by a concurrent request
            return problem_response(
                409,
                "The row was changed or deleted by another request meanwhile; reload it and retry.",
                instance=request.url.path,
            )
        if isinstance(exc, sa_exc.IntegrityError):
            return await _app_error(request, integrity_error(exc))
        return _internal(request, exc)

    @app.exception_handler(OSError)
    async def _os_error(request: Request, exc: OSError) -> JSONResponse:
        # Only the database connection failing is an outage; any other OSError is a bug.
        if is_connection_error(exc):
            return _unavailable(request, exc)
        return _internal(request, exc)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        if is_data_error(exc):
            return _data_problem(request, exc)
        if is_connection_error(exc):
            return _unavailable(request, exc)
        if (sqlstate(exc) or "").startswith("23"):  # a constraint, from a statement run on asyncpg directly
            return await _app_error(request, integrity_error(exc))
        return _internal(request, exc)
