"""A route's request handler without FastAPI's general dependency solver, for the routes whose
parameters need none of it.

FastAPI's handler solves a route's dependencies recursively on every request: per dependency a
nested solve with its own placeholder ``Response``, cache keys, override checks, then its
parameters; around it, telemetry hooks and the endpoint's error context. For the usual API route
here (path and header parameters, at most one JSON body, and dependencies that take only the
request, such as the bearer scheme) that was about a fifth of a small request's CPU.

``direct_handler`` builds, once per route, a plan that does the same work in the same order:
parse the JSON body, call the dependencies, then validate the path, query, header and cookie
parameters and the body with FastAPI's own functions (``request_params_to_args``,
``request_body_to_args``), and call the endpoint. Whatever the plan does not cover goes to
FastAPI's handler unchanged:

- a route of another shape (a dependency with parameters or sub-dependencies, a generator, a
  form, an endpoint that does not return a ``Response``, ...) gets no plan;
- a request that fails validation (or sends a body that is not JSON) is handed to FastAPI's
  handler, which answers it exactly as before (the 422 document is FastAPI's; the dependencies
  it calls again are the bearer scheme's, which caches its caller per request);
- while ``app.dependency_overrides`` holds anything (tests), or FastAPI's telemetry is on for
  the request (``app.kit.routing.Route``), every request goes to FastAPI's handler.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from copy import deepcopy
from typing import Any

from fastapi import Request, Response, params
from fastapi import _compat as fastapi_compat
from fastapi.dependencies import utils as fastapi_utils
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_body_to_args, request_params_to_args
from pydantic_core import PydanticUndefined  # FastAPI's mark for "no body was sent"

from app.errors import declares_json

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

_UNSUPPORTED = (
    "websocket_param_name",
    "http_connection_param_name",
    "response_param_name",
    "background_tasks_param_name",
    "security_scopes_param_name",
)
_PARAMS = ("path_params", "query_params", "header_params", "cookie_params", "body_params")


def direct_handler(
    dependant: Dependant,
    body_field: Any,
    embed_body_fields: bool,
    overrides_provider: Any,
    fallback: Handler,
) -> Handler | None:
    """The plan for this route, or None when FastAPI's handler must run it."""
    fallback = _with_exit_stacks(fallback)
    call = dependant.call
    if call is None or not inspect.iscoroutinefunction(call) or not _returns_response(call):
        return None
    if any(getattr(dependant, name, None) for name in _UNSUPPORTED):
        return None
    if body_field is not None and isinstance(body_field.field_info, params.Form):
        return None
    dependencies = [_plain_dependency(sub) for sub in dependant.dependencies]
    if any(dep is None for dep in dependencies):
        return None
    calls = [dep[1] for dep in dependencies if dep is not None]
    if len({id(c) for c in calls}) != len(calls):  # FastAPI would call a repeated one once
        return None
    deps = [dep for dep in dependencies if dep is not None]
    path, query, header, cookie = (
        _readers(dependant.path_params),
        _readers(dependant.query_params),
        _readers(dependant.header_params),
        _readers(dependant.cookie_params),
    )
    body_params = dependant.body_params
    request_name = dependant.request_param_name

    async def handle(request: Request) -> Response:
        if overrides_provider is not None and getattr(overrides_provider, "dependency_overrides", None):
            return await fallback(request)
        body: Any = PydanticUndefined
        if body_params:
            try:
                if await request.body():
                    if not declares_json(request):
                        return await fallback(request)  # FastAPI keeps such a body as bytes
                    body = await request.json()
            except Exception:  # malformed or too deeply nested JSON, a client gone mid-body:
                return await fallback(request)  # FastAPI's 422 or 400, as before
        values: dict[str, Any] = {}
        for name, dep_call, request_arg in deps:
            solved = await (dep_call(**{request_arg: request}) if request_arg else dep_call())
            if name is not None:
                values[name] = solved
        for readers, received in (
            (path, request.path_params),
            (query, request.query_params),
            (header, request.headers),
            (cookie, request.cookies),
        ):
            if readers and not _read(readers, received, values):
                return await fallback(request)
        if body_params:
            found, errors = await request_body_to_args(body_params, body, embed_body_fields)
            if errors:
                return await fallback(request)
            values.update(found)
        if request_name is not None:
            values[request_name] = request
        response: Response = await call(**values)
        return response

    return handle


def _with_exit_stacks(handler: Handler) -> Handler:
    """FastAPI's handler, given the two exit stacks its request wrapper makes when
    ``DirectDispatch`` ran the route without it (they stay empty: a route with a plan has no
    dependency with an exit step)."""

    async def handle(request: Request) -> Response:
        scope = request.scope
        if "fastapi_inner_astack" in scope:
            return await handler(request)
        async with AsyncExitStack() as inner, AsyncExitStack() as function:
            scope["fastapi_inner_astack"], scope["fastapi_function_astack"] = inner, function
            return await handler(request)

    return handle


class _Scalar(typing.NamedTuple):
    """How FastAPI reads one plain parameter (one name, one value): ``received.get(alias)``,
    the default when it is absent, then the field's validation."""

    field: Any
    alias: str
    loc: tuple[str, str]
    required: bool
    validate_default: bool


Readers = tuple[_Scalar, ...] | list[Any]


def _readers(fields: list[Any]) -> Readers:
    """Each field's reader, worked out once; FastAPI's own ``request_params_to_args`` (the list
    of fields as it is) when one is not a plain single value: a sequence, a model of
    parameters, JSON, several aliases."""
    try:
        readers = []
        for field in fields:
            info = field.field_info
            if (
                fastapi_utils._get_param_model(field) is not None
                or fastapi_utils._is_json_field(field)
                or fastapi_compat.field_annotation_is_sequence(info.annotation)
            ):
                return fields
            aliases = fastapi_utils._get_param_aliases(field)
            if len(aliases) != 1:
                return fields
            alias = aliases[0][1]
            readers.append(
                _Scalar(
                    field, alias, (info.in_.value, alias), info.is_required(), bool(info.validate_default)
                )
            )
        return tuple(readers)
    except Exception:  # FastAPI's internals differ in this version: its general path
        return fields


def _read(readers: Readers, received: Any, values: dict[str, Any]) -> bool:
    """The parameters into ``values``; False when one fails (FastAPI then answers)."""
    if isinstance(readers, list):
        found, errors = request_params_to_args(readers, received)
        values.update(found)
        return not errors
    for reader in readers:
        field = reader.field
        value = received.get(reader.alias)
        if value is None:
            if reader.required:
                return False
            value = deepcopy(field.default)
            if not reader.validate_default:
                values[field.name] = value
                continue
        value, errors = field.validate(value, values, loc=reader.loc)
        if errors:
            return False
        values[field.name] = value
    return True


def _plain_dependency(sub: Dependant) -> tuple[str | None, Callable[..., Any], str | None] | None:
    """(name, call, request parameter name) for a dependency that takes at most the request and
    is a plain coroutine (no yield, no sub-dependencies, no parameters, no concurrency limit)."""
    call = sub.call
    if call is None or sub.dependencies or getattr(sub, "concurrency", None) is not None:
        return None
    if any(getattr(sub, name) for name in _PARAMS) or any(getattr(sub, n, None) for n in _UNSUPPORTED):
        return None
    target = call if inspect.isfunction(call) else getattr(call, "__call__", None)  # noqa: B004
    if not inspect.iscoroutinefunction(target):
        return None
    return sub.name, call, sub.request_param_name


def _returns_response(call: Callable[..., Any]) -> bool:
    try:
        returns = typing.get_type_hints(call).get("return")
    except Exception:  # an annotation that does not resolve: leave the route to FastAPI
        return False
    return isinstance(returns, type) and issubclass(returns, Response)
