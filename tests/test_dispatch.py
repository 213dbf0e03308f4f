"""The direct plan (app.kit.direct) and the shortcut past FastAPI's routing (app.kit.dispatch)
answer every request exactly as FastAPI does: the same route, the same values, the same errors
in the same order. The same endpoints are served twice, by FastAPI's own router and routes and
by ours with the shortcut, and every request is sent to both."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel
from starlette.routing import Route as StarletteRoute

from app.kit import dispatch
from app.kit.routing import Router


class Item(BaseModel):
    name: str
    size: int = 1


async def who(request: Request) -> str:
    """A dependency that takes only the request, as the bearer scheme does."""
    user = request.headers.get("x-user")
    if user is None:
        raise HTTPException(401, "Who are you?")
    return user


Who = Annotated[str, Depends(who)]


def _shown(request: Request, **values: Any) -> Response:
    # Whether FastAPI's request wrapper ran (its exit stacks are in the scope) tells which path
    # served the request; the comparison leaves it out.
    return JSONResponse({**values, "direct": "fastapi_inner_astack" not in request.scope})


def _routes(router: APIRouter) -> None:
    @router.get("/things/special")  # listed first: FastAPI runs it for this path
    async def special() -> dict[str, str]:
        return {"route": "special"}

    @router.post("/things/{thing_id}")  # same path, another method, no plan (returns a model)
    async def post_thing(thing_id: int) -> dict[str, Any]:
        return {"route": "post", "id": thing_id}

    @router.get("/things/{thing_id}")
    async def thing(
        thing_id: int,
        user: Who,
        request: Request,
        if_match: Annotated[str | None, Header()] = None,
        verbose: bool = False,
    ) -> Response:
        return _shown(request, id=thing_id, user=user, if_match=if_match, verbose=verbose)

    @router.patch("/things/{thing_id}")
    async def patch_thing(thing_id: int, item: Item, user: Who, request: Request) -> Response:
        return _shown(request, id=thing_id, user=user, item=item.model_dump())

    @router.get("/plain/{name}")
    async def plain(name: str, request: Request) -> Response:
        return _shown(request, name=name)


def _app(ours: bool) -> FastAPI:
    app = FastAPI()

    async def listed_first(_: Any) -> PlainTextResponse:
        return PlainTextResponse("listed first")

    # A plain Starlette route listed before the routers, matching a path a router's route also
    # matches: FastAPI runs it, so must we.
    app.router.routes.append(StarletteRoute("/api/plain/shadowed", listed_first))
    router = Router(prefix="/api") if ours else APIRouter(prefix="/api")
    _routes(router)
    app.include_router(router)
    if ours:
        dispatch.install(app)
    return app


_H = {"x-user": "ann"}
_JSON = {"content-type": "application/json"}
REQUESTS: list[tuple[str, str, dict[str, str], bytes | None]] = [
    ("GET", "/api/things/7", _H, None),
    ("GET", "/api/things/7?verbose=true", {**_H, "if-match": '"v1"'}, None),
    ("GET", "/api/things/abc", _H, None),  # 422: not an integer
    ("GET", "/api/things/7?verbose=maybe", _H, None),  # 422: not a boolean
    ("GET", "/api/things/abc", {}, None),  # 401 before the 422
    ("GET", "/api/things/special", _H, None),  # the route listed first
    ("GET", "/api/things/7/", _H, None),  # the slash redirect
    ("DELETE", "/api/things/7", _H, None),  # 405
    ("POST", "/api/things/7", _H, None),  # the other method's route
    ("GET", "/api/nothing", _H, None),  # 404
    ("PATCH", "/api/things/7", {**_H, **_JSON}, b'{"name": "a", "size": "3"}'),
    ("PATCH", "/api/things/7", {**_H, **_JSON}, b'{"size": "x"}'),  # 422: two errors
    ("PATCH", "/api/things/7", {**_H, **_JSON}, b'{"name": '),  # 422: malformed JSON
    ("PATCH", "/api/things/7", _JSON, b'{"name": '),  # malformed JSON answers before 401
    ("PATCH", "/api/things/7", _JSON, b'{"name": "a"}'),  # 401 before the body's validation
    ("PATCH", "/api/things/7", _H, None),  # 422: the body is missing
    ("PATCH", "/api/things/7", {**_H, **_JSON}, b"[" * 5000),  # 400: nested too deep to parse
    ("PATCH", "/api/things/x", {**_H, **_JSON}, b'{"size": "x"}'),  # 422: path and body
    ("GET", "/api/plain/shadowed", {}, None),  # the Starlette route listed first
    ("GET", "/api/plain/other", {}, None),
]


async def _send(app: FastAPI, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        return await c.request(method, url, headers=headers, content=body, follow_redirects=False)


def _seen(response: httpx.Response) -> tuple[int, Any, str | None]:
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if isinstance(body, dict):
        body.pop("direct", None)
    return response.status_code, body, response.headers.get("location")


@pytest.mark.parametrize(("method", "url", "headers", "body"), REQUESTS)
async def test_the_shortcut_answers_as_fastapi_does(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> None:
    theirs = await _send(_app(ours=False), method, url, headers, body)
    ours = await _send(_app(ours=True), method, url, headers, body)
    assert _seen(ours) == _seen(theirs)


async def test_a_valid_request_to_a_planned_route_skips_fastapis_machinery() -> None:
    app = _app(ours=True)
    for method, url, headers, body in REQUESTS[:2] + REQUESTS[10:11]:
        response = await _send(app, method, url, headers, body)
        assert response.status_code == 200
        assert response.json()["direct"] is True, url
    # FastAPI's own router and routes always run its wrapper: the mark can tell them apart.
    theirs = await _send(_app(ours=False), *REQUESTS[0])
    assert theirs.json()["direct"] is False


async def test_dependency_overrides_are_honoured() -> None:
    app = _app(ours=True)
    app.dependency_overrides[who] = lambda: "override"
    response = await _send(app, "GET", "/api/things/7", {}, None)
    assert response.status_code == 200
    assert response.json()["user"] == "override"
    assert response.json()["direct"] is False
    app.dependency_overrides.clear()
    response = await _send(app, "GET", "/api/things/7", _H, None)
    assert response.json()["user"] == "ann"
    assert response.json()["direct"] is True


# The application's hot routes (the benchmarked ones) keep their plan: a change that loses it
# (a dependency with parameters, an endpoint returning a model) shows here, not only in a
# benchmark. /me returns a model and goes through FastAPI.
HOT = [
    ("GET", "/api/interviews", True),
    ("POST", "/api/interviews", True),
    ("GET", "/api/interviews/5", True),
    ("PATCH", "/api/interviews/5", True),
    ("PUT", "/api/interviews/5", True),
    ("GET", "/api/questions", True),
    ("GET", "/api/questions/5", True),
    ("GET", "/api/stats/overview", True),
    ("GET", "/api/auth/me", False),
    ("GET", "/api/interviews/5/rounds", False),
    ("GET", "/api/interviews/x/rounds", False),
    ("GET", "/nothing/here", False),
]


@pytest.mark.parametrize(("method", "path", "planned"), HOT)
def test_the_applications_hot_routes_take_the_shortcut(
    app: FastAPI, method: str, path: str, planned: bool
) -> None:
    shortcut = app.router.middleware_stack
    assert isinstance(shortcut, dispatch.DirectDispatch)
    found = shortcut._find({"type": "http", "method": method, "path": path})
    assert (found is not None) is planned


async def _raw(app: FastAPI, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """One request straight to the ASGI app, with exactly these headers (httpx always adds a
    length; a body may come without one, over HTTP/2 for instance)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "2",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"t"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def test_a_body_without_a_length_or_json_type_is_not_taken_for_json() -> None:
    headers = [(b"x-user", b"ann"), (b"content-type", b"text/plain")]
    body = b'{"name": "a"}'
    theirs = await _raw(_app(ours=False), "PATCH", "/api/things/7", headers, body)
    ours = await _raw(_app(ours=True), "PATCH", "/api/things/7", headers, body)
    assert theirs == ours == 422
