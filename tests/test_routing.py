"""The API's router skips itself for a path none of its routes can match, and never hides a
route: with or without a prefix, behind an include prefix, with parameters or without."""

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


def _prefixless_app() -> FastAPI:
    # Routes with different heads and no common prefix (as export and import are), one with a
    # parameter in the middle, and a router of the same heads' neighbours listed after it.
    files = Router()

    @files.get("/api/export")
    async def export() -> dict[str, str]:
        return {"route": "export"}

    @files.get("/api/things/export.csv")
    async def export_csv() -> dict[str, str]:
        return {"route": "export.csv"}

    @files.get("/api/{kind}/import.csv")
    async def import_csv(kind: str) -> dict[str, str]:
        return {"route": f"import {kind}"}

    things = Router(prefix="/api/things")

    @things.get("")
    async def things_list() -> dict[str, str]:
        return {"route": "list"}

    @things.get("/{thing_id}")
    async def thing(thing_id: int) -> dict[str, str]:
        return {"route": f"thing {thing_id}"}

    app = FastAPI()
    for router in (files, things):
        app.include_router(router)
        app.include_router(router, prefix="/v2")
    return app


async def test_a_router_without_a_prefix_finds_each_of_its_routes_and_skips_the_rest() -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_prefixless_app()), base_url="http://t"
    ) as c:
        for base in ("", "/v2"):
            assert (await c.get(f"{base}/api/export")).json() == {"route": "export"}
            assert (await c.get(f"{base}/api/things/export.csv")).json() == {"route": "export.csv"}
            assert (await c.get(f"{base}/api/questions/import.csv")).json() == {"route": "import questions"}
            assert (await c.get(f"{base}/api/things")).json() == {"route": "list"}
            assert (await c.get(f"{base}/api/things/7")).json() == {"route": "thing 7"}
        # A literal route is not a head of a longer path, nor the longer path of its head.
        assert (await c.get("/api/export/more")).status_code == 404
        assert (await c.get("/api/expo")).status_code == 404
        assert (await c.get("/api/things/7/more")).status_code == 404
        # The trailing-slash redirect still finds the route without it.
        redirect = await c.get("/api/export/", follow_redirects=False)
        assert redirect.status_code == 307
        assert redirect.headers["location"] == "http://t/api/export"
        assert (await c.post("/api/export")).status_code == 405
