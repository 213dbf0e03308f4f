"""The shortcut from the application's router to the API routes that have a direct plan
(``app.kit.direct``), past FastAPI's route matching and its per-request wrapping.

For every request FastAPI 0.165 matches the path twice (once to choose an included router, once
inside it to run the route), saving and restoring its own scope keys around each route it tries,
then wraps the handler in a request object, two exit stacks and an exception catcher; on this
machine that was about a fifth of an interview's detail or ``PATCH`` in CPU instructions.

``DirectDispatch`` sits where the router's own middleware stack was. It lists the routes once in
the order FastAPI tries them (each included router's routes in place, recursively; the first
route whose path and method match is the one FastAPI runs), and finds a request's route among
those that share its first two path segments. When that route has a direct plan, it sets what
routing sets (``route``, ``endpoint``, ``path_params``, ``router``) and runs the route's handler
(``app.kit.routing.Route``: the query and media type checks, the request's database, the plan);
an error it raises goes to the application's exception handlers as from any route. Everything
else goes to the router unchanged: a route without a plan, a path no route matches, a route that
FastAPI would reach through a mount or another kind of route listed first, while
``dependency_overrides`` holds anything, under a ``root_path``, or with FastAPI's telemetry on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, NamedTuple

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

# Where ``app.kit.routing.Route`` leaves the handler of a route (or of one inclusion of it) that
# has a direct plan.
DIRECT_HANDLER = "_direct_handler"


def install(app: Any) -> None:
    """Put the shortcut in front of the application's router (after its routes are added)."""
    app.router.middleware_stack = DirectDispatch(app.router, app.router.middleware_stack)


class _Entry(NamedTuple):
    """A route as FastAPI sees it for one inclusion, or (``other`` set) something else whose
    own ``matches`` decides."""

    path: str  # the full path format ("" for ``other``)
    regex: re.Pattern[str] | None
    convertors: dict[str, Any]
    methods: frozenset[str] | None
    route: BaseRoute | None
    endpoint: Any
    handler: Handler | None
    other: Any = None


class _Table(NamedTuple):
    by_key: dict[str, tuple[_Entry, ...]]
    anywhere: tuple[_Entry, ...]  # the entries that could match a path of any key


class DirectDispatch:
    def __init__(self, router: Any, app: ASGIApp) -> None:
        self.router = router
        self.app = app
        self._table: _Table | None = None
        self._built_for = -1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path") and scope.get("fastapi.telemetry") is None:
            found = self._find(scope)
            if found is not None and not getattr(scope.get("app"), "dependency_overrides", None):
                entry, params = found
                path_params = dict(scope.get("path_params", {}))
                path_params.update(params)
                scope["endpoint"] = entry.endpoint
                scope["path_params"] = path_params
                scope["route"] = entry.route
                scope.setdefault("router", self.router)
                assert entry.handler is not None
                response = await entry.handler(Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _find(self, scope: Scope) -> tuple[_Entry, dict[str, Any]] | None:
        """The route FastAPI would run, with its converted path parameters, when it has a plan;
        None when the router must decide."""
        table = self._current_table()
        path, method = scope["path"], scope["method"]
        for entry in table.by_key.get(_key(path), table.anywhere):
            if entry.other is not None:
                if entry.other.matches(scope)[0] is not Match.NONE:
                    return None
                continue
            assert entry.regex is not None
            match = entry.regex.match(path)
            if match is None:
                continue
            if entry.methods and method not in entry.methods:
                continue  # a partial match: FastAPI goes on looking for a full one
            if entry.handler is None:
                return None
            return entry, {
                name: entry.convertors[name].convert(value) for name, value in match.groupdict().items()
            }
        return None

    def _current_table(self) -> _Table:
        count = len(self.router.routes)
        if self._table is None or self._built_for != count:
            self._table, self._built_for = _build(self.router.routes), count
        return self._table


def _build(routes: list[BaseRoute]) -> _Table:
    entries = [(entry, _entry_key(entry), _head(entry)) for entry in _entries(routes)]
    keys = {key for _, key, _ in entries if key is not None}
    # Each key's list keeps FastAPI's order: the key's own entries, and those of no key whose
    # literal head could begin a path of that key.
    by_key = {
        key: _planned([e for e, k, head in entries if k == key or (k is None and _compatible(head, key))])
        for key in keys
    }
    return _Table(by_key, _planned([e for e, k, _ in entries if k is None]))


def _planned(entries: list[_Entry]) -> tuple[_Entry, ...]:
    """The entries up to the last with a plan (a route FastAPI would find after it is never
    run here); none at all when none has one."""
    last = max((i for i, entry in enumerate(entries) if entry.handler is not None), default=-1)
    return tuple(entries[: last + 1])


def _compatible(head: str, key: str) -> bool:
    """Whether a path of this key can begin with this literal head (every path of the key
    begins with the key, every path the entry matches with its head, so one must begin the
    other)."""
    return key.startswith(head) or head.startswith(key)


def _entries(routes: list[Any]) -> Iterator[_Entry]:
    """Every route in the order FastAPI tries them: an included router (FastAPI 0.165 and later)
    stands for its routes, in place."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from _entries(list(contexts()))
            continue
        original = getattr(route, "original_route", route)  # an inclusion context, or the route
        if isinstance(original, APIRoute) and getattr(route, "max_body_size", None) is None:
            methods = route.methods
            yield _Entry(
                route.path_format,
                route.path_regex,
                route.param_convertors,
                frozenset(methods) if methods else None,
                original,
                route.endpoint,
                getattr(route, DIRECT_HANDLER, None),
            )
        else:
            yield _Entry("", None, {}, None, None, None, None, other=route)


def _key(path: str) -> str:
    """A path's first two segments (``/api/interviews`` of ``/api/interviews/5/rounds``)."""
    first = path.find("/", 1)
    if first < 0:
        return path
    second = path.find("/", first + 1)
    return path if second < 0 else path[:second]


def _head(entry: _Entry) -> str:
    """The literal start of every path the entry matches ("" when not known)."""
    path = entry.path if entry.other is None else getattr(entry.other, "path", "")
    return path.partition("{")[0] if isinstance(path, str) else ""


def _entry_key(entry: _Entry) -> str | None:
    """The key of every path the entry can match, or None when its literal head does not fix it
    (a parameter within the first two segments, or not a route of ours)."""
    if entry.other is not None:
        return None
    head, brace, _ = entry.path.partition("{")
    if not brace:
        return _key(head)
    first = head.find("/", 1)
    if first < 0 or head.find("/", first + 1) < 0:
        return None
    return _key(head)
