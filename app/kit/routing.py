"""The API's router: FastAPI's ``APIRouter``, skipped at once by a request outside its prefix.

FastAPI finds a request's route by trying the routes of every included router in turn, one
regular expression each with its bookkeeping (about 2 µs a route on this machine), so a route
cost more the more routes were listed before it: an agents or mock-interview request paid for
the hundred routes ahead of it. A request whose path does not contain the router's prefix
cannot be any of its routes (each route's path is the prefix plus its own, behind whatever
prefix the router is included with), so this router answers "no match" without trying them.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope


class Router(APIRouter):
    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self.prefix and self.prefix not in scope.get("path", ""):
            return Match.NONE, {}
        return super().matches(scope)
