"""The API's router skips itself for a path outside its prefix, and never hides a route."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from app.kit.routing import Router


def _app() -> FastAPI:
    api = Router(prefix="/things")

    @api.get("/{thing_id}")
    async def thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    async def plain(_: Request) -> PlainTextResponse:
        return PlainTextResponse("plain")

    # A Starlette route is not given the router's prefix by FastAPI: it must still be found.
    api.add_route("/plain", plain)
    app = FastAPI()
    app.include_router(api)
    app.include_router(api, prefix="/v2")  # behind an include prefix too
    return app


async def test_routes_are_found_with_and_without_the_prefix() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as c:
        assert (await c.get("/things/7")).json() == {"id": 7}
        assert (await c.get("/v2/things/8")).json() == {"id": 8}
        assert (await c.get("/plain")).text == "plain"
        assert (await c.get("/nothing/7")).status_code == 404
        assert (await c.post("/things/7")).status_code == 405
