from __future__ import annotations

import gc
import json
import logging
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import assert_problem
from tests.live import LiveServer


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
    # Swagger UI sends the token to the routes that need one (user, principal, password login):
    bearer = [{"OAuth2PasswordBearer": []}]
    for path, method in [
        ("/api/interviews/{interview_id}", "get"),
        ("/api/companies", "post"),
        ("/api/agents/tickets", "post"),
        ("/api/auth/api-keys", "post"),
    ]:
        assert spec["paths"][path][method]["security"] == bearer, (method, path)
    assert "security" not in spec["paths"]["/api/auth/register"]["post"]


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


HTML_PAGES = ["/docs", "/redoc", "/playground", "/docs/oauth2-redirect"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


async def test_docs_are_served_by_the_app_not_a_cdn(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        urls = re.findall(r'(?:src|href|spec-url)="([^"]+)"', html)
        assert urls and all(u.startswith("/") for u in urls), urls  # nothing from another host
        for url in urls:
            assert (await client.get(url)).status_code == 200, url
    docs = (await client.get("/docs")).text
    assert "/docs-assets/swagger-ui-bundle.js" in docs
    config = json.loads(
        re.search(r'id="swagger-config" type="application/json">(.*?)</script>', docs).group(1)
    )  # type: ignore[union-attr]
    assert config["url"] == "/openapi.json" and config["persistAuthorization"] is True
    assert config["oauth2RedirectPath"] == "/docs/oauth2-redirect"
    redoc_js = (await client.get("/docs-assets/redoc.standalone.js")).text
    assert "Redoc" in redoc_js and "cdn.redoc.ly" not in redoc_js


async def test_swagger_oauth2_redirect_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs/oauth2-redirect")
    assert page.status_code == 200 and '<script src="/docs/oauth2-redirect.js">' in page.text
    script = await client.get("/docs/oauth2-redirect.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "swaggerUIRedirectOauth2" in script.text


async def test_each_request_is_logged_once_with_its_status_and_no_feed_secret(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    def access_lines() -> list[dict[str, Any]]:
        return [r.msg for r in caplog.records if r.name == "app.access" and isinstance(r.msg, dict)]

    caplog.set_level(logging.INFO, logger="app.access")
    await client.get("/health")
    await client.get("/api/calendar/feed-secret-0123456789.ics")
    health, feed = access_lines()
    assert (health["method"], health["path"], health["status"]) == ("GET", "/health", 200)
    assert health["duration_ms"] >= 0 and health["request_id"]
    assert feed["path"] == "/api/calendar/***.ics" and feed["status"] == 404
    # A level above INFO drops the line (that the middleware skips its work then is a CPU
    # saving, counted in the benchmark notes, not something this test can see).
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="app.access")
    assert (await client.get("/health")).status_code == 200
    assert access_lines() == []


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for path in [*HTML_PAGES, "/openapi.json", "/health", "/static/playground.js", "/api/nowhere"]:
        r = await client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
        assert r.headers["x-frame-options"] == "DENY", path
    for path in HTML_PAGES:
        r = await client.get(path)
        csp = dict(d.strip().split(" ", 1) for d in r.headers["content-security-policy"].split(";"))
        assert csp["script-src"] == "'self'", path  # no 'unsafe-inline', no other host
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", path
        assert csp["base-uri"] == "'none'" and csp["default-src"] == "'self'", path
        # ... and the pages keep no inline script that the policy would block.
        assert not INLINE_SCRIPT.search(r.text), (path, INLINE_SCRIPT.findall(r.text))
    assert "content-security-policy" not in (await client.get("/openapi.json")).headers


README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_curl_examples_work(offline_live: LiveServer, tmp_path: Path) -> None:
    """The README's quick start, API-key and streaming examples, run as written (host swapped),
    in a scratch folder: the files they write (an export) stay out of the checkout."""
    blocks = [b for b in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S) if "curl " in b]
    script = "set -euo pipefail\n" + "\necho\n".join(blocks).replace("localhost:8000", offline_live.url)
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count('"email":"you@example.com"') >= 3, r.stdout  # registered, me by token, by key
    assert "event: complete" in r.stdout, r.stdout


async def test_a_server_freezes_what_startup_made_and_thaws_it_at_shutdown(app: Any) -> None:
    from app.main import create_app

    assert gc.get_freeze_count() == 0  # an app built in-process leaves the collector alone
    server = create_app(app.state.settings.model_copy(update={"gc_freeze": True}))
    async with server.router.lifespan_context(server):
        assert gc.get_freeze_count() > 10_000  # the modules, models and schemas startup made
    assert gc.get_freeze_count() == 0
