"""The API's router and route: FastAPI's, with the work every API request shares done once per
request instead of as dependencies (each level of FastAPI's dependency solving costs about
10 µs a request, and a dependency with an exit step about 30).

``Router`` is skipped at once by a request outside its prefix. FastAPI finds a request's route
by trying the routes of every included router in turn, one regular expression each with its
bookkeeping (about 2 µs a route on this machine), so a route cost more the more routes were
listed before it: an agents or mock-interview request paid for the hundred routes ahead of it.
A request whose path does not contain the router's prefix cannot be any of its routes (each
route's path is the prefix plus its own, behind whatever prefix the router is included with),
so this router answers "no match" without trying them.

``Route`` refuses a body of the wrong media type (415), then runs the handler inside the
request's database (``app.db.request_db``: the transaction, its commit before the response is
sent, and what a dropped connection means); ``ApiRoute``, the kind ``Router`` makes, first
refuses unknown query parameters (422). All before authentication or any lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from app.db import request_db
from app.errors import check_body_media_type
from app.kit.query import reject_unknown_query_params


class Route(APIRoute):
    """Runs the handler inside the request's database. The application's own routes (health,
    pages, docs) are of this kind too, so ``DbDep`` and ``SessionDep`` work on any route."""

    refuse_unknown_query_params = False

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        endpoint, refuse = self.endpoint, self.refuse_unknown_query_params
        takes_body = self.body_field is not None

        async def run(request: Request) -> Response:
            if refuse:
                reject_unknown_query_params(self, request)
            if takes_body:
                check_body_media_type(request)
            async with request_db(request, endpoint):
                return await handler(request)

        return run


class ApiRoute(Route):
    """An API route: it also refuses unknown query parameters (CONTRACT §3)."""

    refuse_unknown_query_params = True


class Router(APIRouter):
    def __init__(self, *args: Any, route_class: type[APIRoute] = ApiRoute, **kwargs: Any) -> None:
        super().__init__(*args, route_class=route_class, **kwargs)
        self._prefixed, self._prefixed_at = False, -1

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self.prefix and self.prefix not in scope.get("path", "") and self._all_prefixed():
            return Match.NONE, {}
        return super().matches(scope)

    def _all_prefixed(self) -> bool:
        """Whether every route carries the prefix: FastAPI prepends it to API routes, not to a
        plain Starlette route or mount added to the router (those are then always tried)."""
        count = len(self.routes)
        if self._prefixed_at != count:
            self._prefixed = all(isinstance(route, APIRoute) for route in self.routes)
            self._prefixed_at = count
        return self._prefixed
