"""The API's router and route: FastAPI's, with the work every API request shares done once per
request instead of as dependencies (each level of FastAPI's dependency solving costs about
10 µs a request, and a dependency with an exit step about 30).

``Router`` is skipped at once by a request none of its routes can match, and ``Route`` refuses
such a request before its regular expression. FastAPI finds a request's route by trying the
routes of every included router in turn, each with its bookkeeping (5-8 µs a route on this
machine, and the chosen router's routes are tried twice: once to choose it, once to run it),
so a route cost more the more routes were listed before it: an interview's detail paid about
50 µs for the six export and import routes ahead of it. A route's path is its literal head (up
to its first ``{``) and then its parameters, behind whatever prefix its router is included
with; a request path that does not contain that head (or, for a route with no parameters, end
with its path) cannot be the route's, and a router none of whose heads it contains cannot hold
its route.

``Route`` refuses a body of the wrong media type (415), then runs the handler inside the
request's database (``app.db.request_db``: the transaction, its commit before the response is
sent, and what a dropped connection means); ``ApiRoute``, the kind ``Router`` makes, first
refuses unknown query parameters (422). All before authentication or any lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response, routing
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from app.db import request_db
from app.errors import check_body_media_type
from app.kit.direct import Handler, direct_handler
from app.kit.dispatch import DIRECT_HANDLER
from app.kit.query import reject_unknown_query_params


class Route(APIRoute):
    """Runs the handler inside the request's database. The application's own routes (health,
    pages, docs) are of this kind too, so ``CurrentCaller`` and ``SessionDep`` work on any route."""

    refuse_unknown_query_params = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head, self._literal = _head(self.path)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if not (path.endswith(self._head) if self._literal else self._head in path):
            return Match.NONE, {}
        return super().matches(scope)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        inclusion = _inclusion(self)
        direct = _direct(inclusion or self, handler)
        endpoint, refuse = self.endpoint, self.refuse_unknown_query_params
        takes_body = self.body_field is not None

        async def run(request: Request) -> Response:
            if refuse:
                reject_unknown_query_params(self, request)
            if takes_body:
                check_body_media_type(request)
            async with request_db(request, endpoint):
                if direct is None or request.scope.get("fastapi.telemetry") is not None:
                    return await handler(request)  # FastAPI's telemetry records its own steps
                return await direct(request)

        if direct is not None:  # DirectDispatch may run it without FastAPI's routing
            setattr(inclusion or self, DIRECT_HANDLER, run)
        return run


class ApiRoute(Route):
    """An API route: it also refuses unknown query parameters (CONTRACT §3)."""

    refuse_unknown_query_params = True


class Router(APIRouter):
    def __init__(self, *args: Any, route_class: type[APIRoute] = ApiRoute, **kwargs: Any) -> None:
        super().__init__(*args, route_class=route_class, **kwargs)
        self._heads: tuple[str, ...] | None = None
        self._heads_at = -1

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        heads = self._route_heads()
        if heads is not None:
            path = scope.get("path", "")
            for head in heads:
                if head in path:
                    break
            else:
                return Match.NONE, {}
        return super().matches(scope)

    def _route_heads(self) -> tuple[str, ...] | None:
        """The literal heads of the routes, none containing another (a path containing the
        longer one contains the shorter); None when a route is not an API route (a plain
        Starlette route or mount added to the router, or an included router): then every
        request tries the routes."""
        count = len(self.routes)
        if self._heads_at != count:
            self._heads, self._heads_at = _shortest_heads(self.routes), count
        return self._heads


# Since FastAPI 0.165 an included route is the original route object plus an inclusion context
# (the full path, the dependant with the router's dependencies) that FastAPI sets while it asks
# the route for its handler; before, including a router copied its routes.
_INCLUDING = getattr(routing, "_effective_route_context_var", None)


def _inclusion(route: APIRoute) -> Any:
    """The inclusion FastAPI is building the route's handler for, if any."""
    context = _INCLUDING.get() if _INCLUDING is not None else None
    return context if context is not None and getattr(context, "original_route", None) is route else None


def _direct(route: Any, handler: Handler) -> Handler | None:
    """The route's plan that skips FastAPI's dependency solver (``app.kit.direct``), or None."""
    embed = getattr(route, "_embed_body_fields", None)
    if embed is None:
        return None
    return direct_handler(
        route.dependant, route.body_field, embed, route.dependency_overrides_provider, handler
    )


def _head(path: str) -> tuple[str, bool]:
    """A route path's literal head, and whether it is the whole path (no parameters)."""
    head, brace, _ = path.partition("{")
    return head, not brace


def _shortest_heads(routes: list[BaseRoute]) -> tuple[str, ...] | None:
    if not all(isinstance(route, APIRoute) for route in routes):
        return None
    heads = sorted({_head(route.path)[0] for route in routes if isinstance(route, APIRoute)}, key=len)
    kept: list[str] = []
    for head in heads:
        if not any(shorter in head for shorter in kept):
            kept.append(head)
    return tuple(kept)
