"""Rules every query string keeps: no unknown parameters, `q` (alias `search`), lists that may be
comma-separated. Domain-free: the checks read the route's own declared parameters.

Deliberately *without* ``from __future__ import annotations``: ``search_query`` builds a
dependency whose annotations must be real objects FastAPI can read.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from app.errors import AppError, Unprocessable
from app.kit.schemas import SearchText

_ALLOWED_ATTR = "_allowed_query_params"


def _query_names(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        for field in current.query_params:
            annotation = field.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a query model
                names.update(f.alias or n for n, f in annotation.model_fields.items())
            else:
                names.add(field.alias)
        stack.extend(current.dependencies)
    return names


def allowed_query_params(route: APIRoute) -> frozenset[str]:
    """The query parameters this route declares, anywhere in its dependency tree (cached)."""
    cached: frozenset[str] | None = getattr(route, _ALLOWED_ATTR, None)
    if cached is None:
        cached = frozenset(_query_names(route.dependant))
        setattr(route, _ALLOWED_ATTR, cached)
    return cached


async def reject_unknown_query_params(request: Request) -> None:
    """422 naming every query parameter the route does not declare: a misspelt filter must not
    silently return everything (Stripe answers "unknown parameter" the same way)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    allowed = allowed_query_params(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in allowed]
    if not unknown:
        return
    hint = f"allowed: {', '.join(sorted(allowed))}" if allowed else "this route takes no query parameters"
    raise AppError(
        f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} ({hint}).",
        status=422,
        extra={
            "errors": [
                {
                    "field": f"query.{name}",
                    "loc": ["query", name],
                    "message": f"Unknown query parameter ({hint}).",
                    "type": "unknown_parameter",
                }
                for name in unknown
            ]
        },
    )


def one_search_text(q: str | None, search: str | None) -> str | None:
    """`q`, or its alias `search`; 422 when both are given and differ."""
    if q is not None and search is not None and q != search:
        raise Unprocessable("Give either `q` or `search`, not both.", field="query.search")
    return q if q is not None else search


def search_query(description: str) -> Callable[..., Awaitable[str | None]]:
    """A dependency reading `q`, or its alias `search`, as one search text."""

    # async: a plain def would run in the threadpool on every request
    async def search_text(
        q: Annotated[SearchText | None, Query(description=description)] = None,
        search: Annotated[SearchText | None, Query(description=SEARCH_ALIAS_HELP)] = None,
    ) -> str | None:
        return one_search_text(q, search)

    return search_text


SEARCH_ALIAS_HELP = "Alias of `q` (give one of the two)."


class SearchParams(BaseModel):
    """Base of a query model (a route's filters read from the query string as one model, one
    validation: cheaper per request than a parameter each) whose text search is `q` or its
    alias `search`. Subclasses redeclare `q` with their own description."""

    q: SearchText | None = None
    search: SearchText | None = Field(None, description=SEARCH_ALIAS_HELP)

    def search_text(self) -> str | None:
        return one_search_text(self.q, self.search)


def split_commas(values: Iterable[str] | None) -> list[str]:
    """`tags=a,b&tags=c` → [a, b, c]: repeated and comma-separated forms both work."""
    out: dict[str, None] = {}
    for value in values or ():
        for part in value.split(","):
            if part.strip():
                out[part.strip()] = None
    return list(out)
