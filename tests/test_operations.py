from __future__ import annotations

import httpx

from tests.conftest import assert_problem


async def test_health_ready_overview(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).json()["database"] == "ok"
    overview = (await client.get("/")).json()
    assert overview["docs"] == "/docs" and overview["llm_provider"] == "offline"


async def test_docs_and_openapi(client: httpx.AsyncClient) -> None:
    assert "swagger" in (await client.get("/docs")).text.lower()
    assert (await client.get("/redoc")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == (
        "/api/auth/token"
    )


async def test_request_id_is_returned_and_echoed(client: httpx.AsyncClient) -> None:
    r = await client.get("/health")
    assert len(r.headers["x-request-id"]) >= 16
    rid = "0f6c1b8e2b6a4b7c9d8e1f2a3b4c5d6e"
    assert (await client.get("/health", headers={"X-Request-ID": rid})).headers["x-request-id"] == rid


async def test_unknown_route_and_method_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/nowhere"), 404)
    assert_problem(await client.put("/health"), 405)


async def test_malformed_json_is_422_problem(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/auth/register", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(r, 422)


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/auth/register",
        content=b'{"email": "' + b"a" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 413)


async def test_cors_preflight_allows_angular_dev_server(client: httpx.AsyncClient) -> None:
    r = await client.options(
        "/api/auth/me",
        headers={
            "Origin": "http://localhost:4200",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "http://localhost:4200"
    r = await client.options(
        "/api/auth/me",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers
