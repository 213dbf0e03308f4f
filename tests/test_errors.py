"""Errors that tell the truth: the wrong media type is 415 naming the right one, malformed JSON
names its line and column, null for a required field is 422, constraint violations are mapped
by SQLSTATE and constraint, data errors are 422, and only a database outage is 503."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import params
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import text

from app.config import Settings
from app.db import SessionDep
from app.errors import integrity_error, is_connection_error, is_data_error
from app.main import create_app
from tests import factories as f
from tests.conftest import UserCtx, assert_problem


def _body_routes(app: Any) -> list[tuple[str, str, bool]]:
    """(method, path with every id = 1, takes a form) for every route that takes a body."""
    out = []
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and route.body_field is not None:
            takes_form = isinstance(route.body_field.field_info, params.Form)
            path = re.sub(r"\{[^}]+\}", "1", ctx.path_format or route.path_format)
            out += [(m, path, takes_form) for m in sorted(route.methods)]
    return out


# --- 415 and form hints ----------------------------------------------------------------------


async def test_token_with_a_json_body_says_it_takes_a_form(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/auth/token", json={"username": "a@example.com", "password": "x" * 12})
    body = assert_problem(r, 415)
    assert "application/x-www-form-urlencoded" in body["detail"] and "username=<email>" in body["detail"]


async def test_token_form_missing_a_field_names_it_and_the_form(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/auth/token", data={"username": "a@example.com"})
    body = assert_problem(r, 422)
    assert "body.password" in body["detail"] and "OAuth2 password form" in body["detail"]


async def test_every_json_body_route_refuses_other_media_types(app: Any, client: httpx.AsyncClient) -> None:
    """Walks app.routes: text/plain, form-encoded or untyped bodies are 415 naming JSON, before
    authentication or lookups (so no resource needs to exist)."""
    routes = [(m, p) for m, p, form in _body_routes(app) if not form]
    assert len(routes) > 20
    for method, path in routes:
        for headers in (
            {"Content-Type": "text/plain"},
            {"Content-Type": "application/x-www-form-urlencoded"},
            {},
        ):
            r = await client.request(method, path, content=b'{"a": 1}', headers=headers)
            body = assert_problem(r, 415)
            assert "application/json" in body["detail"], (method, path, body)


async def test_every_form_route_refuses_json(app: Any, client: httpx.AsyncClient) -> None:
    forms = [(m, p) for m, p, form in _body_routes(app) if form]
    assert ("POST", "/api/auth/token") in forms
    for method, path in forms:
        r = await client.request(method, path, json={"a": 1})
        assert_problem(r, 415)


async def test_json_routes_still_take_json_and_empty_bodies_are_422(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    r = await client.post("/api/companies", json={"company_name": "Acme"}, headers=alice.headers)
    assert r.status_code == 201
    r = await client.post(
        "/api/companies",
        content=b'{"company_name": "Beta"}',
        headers={**alice.headers, "Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 201, r.text
    r = await client.post("/api/companies", headers=alice.headers)
    assert_problem(r, 422)


# --- malformed JSON --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line", "column"),
    [(b'{"company_name": "abc",}', 1, 24), (b'{\n  "company_name": "x",\n}', 3, 1)],
)
async def test_malformed_json_names_line_and_column(
    client: httpx.AsyncClient, alice: UserCtx, raw: bytes, line: int, column: int
) -> None:
    r = await client.post(
        "/api/companies", content=raw, headers={**alice.headers, "Content-Type": "application/json"}
    )
    body = assert_problem(r, 422)
    assert f"malformed JSON at line {line}, column {column}" in body["detail"]
    assert body["errors"][0]["field"] == "body" and body["errors"][0]["line"] == line


# --- null for a required field ---------------------------------------------------------------


async def _one_of_everything(client: httpx.AsyncClient, user: UserCtx) -> None:
    """Row 1 of every table (ids restart at 1 for each test), so every /{id} path resolves."""
    await f.company(client, user)
    await f.role(client, user)
    await f.skill(client, user)
    await f.interview(client, user, 1)
    await f.question(client, user)
    await f.post(client, user, "/api/cv-versions", {"version_name": "v1"})
    await f.post(client, user, "/api/practice-sessions", {})
    await f.post(client, user, "/api/skill-gaps", {"skill_id": 1, "gap_description": "MVCC"})
    await f.post(client, user, "/api/user-skills", {"skill_id": 1})
    await f.post(client, user, "/api/interviews/1/rounds", {})
    await f.post(client, user, "/api/interviews/1/questions", {"question_id": 1})
    await f.post(client, user, "/api/interviews/1/skills", {"skill_id": 1})
    await f.post(client, user, "/api/practice-sessions/1/questions", {"question_id": 1})


def _nullable(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(o.get("type") == "null" for o in prop.get("anyOf", []))


def _schema(spec: dict[str, Any], ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    ref = ref_or_schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else ref_or_schema


async def test_null_for_a_field_that_cannot_be_null_is_422_on_every_patch_and_put(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    """Oracle independent of the rule under test: the response schema. A field the API always
    returns as non-null cannot be set to null by PATCH or PUT."""
    await _one_of_everything(client, alice)
    spec = (await client.get("/openapi.json")).json()
    checked = 0
    for path, ops in spec["paths"].items():
        for method in ("patch", "put"):
            op = ops.get(method)
            if op is None or path.startswith("/api/agents"):
                continue
            url = path
            for p in op.get("parameters", []):
                if p["in"] == "path":
                    url = url.replace("{" + p["name"] + "}", "1")
            body = _schema(spec, op["requestBody"]["content"]["application/json"]["schema"])
            out = _schema(spec, op["responses"]["200"]["content"]["application/json"]["schema"])
            for field, prop in body["properties"].items():
                read = out["properties"].get(field)
                if read is None or _nullable(read):
                    continue
                r = await client.request(method, url, json={field: None}, headers=alice.headers)
                problem = assert_problem(r, 422)
                assert f"body.{field}" in [e["field"] for e in problem["errors"]], (method, path, problem)
                assert not _nullable(prop), f"{method} {path} documents {field} as nullable"
                checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/companies/1", "company_name"),
        ("/api/roles/1", "role_title"),
        ("/api/skills/1", "skill_name"),
        ("/api/skills/1", "skill_category"),
        ("/api/skill-gaps/1", "status"),
        ("/api/interviews/1", "interview_status"),
        ("/api/questions/1", "question_text"),
    ],
)
async def test_named_nulls_are_422_not_409(
    client: httpx.AsyncClient, alice: UserCtx, path: str, field: str
) -> None:
    await _one_of_everything(client, alice)
    r = await client.patch(path, json={field: None}, headers=alice.headers)
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["field"] == f"body.{field}"
    # Optional fields can still be cleared.
    r = await client.patch("/api/companies/1", json={"industry": None}, headers=alice.headers)
    assert r.status_code == 200 and r.json()["industry"] is None


# --- integrity errors ------------------------------------------------------------------------


async def test_duplicate_names_the_field(client: httpx.AsyncClient, alice: UserCtx) -> None:
    await f.company(client, alice, "Acme")
    other = await f.company(client, alice, "Beta")
    r = await client.patch(
        f"/api/companies/{other['id']}", json={"company_name": "ACME"}, headers=alice.headers
    )
    problem = assert_problem(r, 409)
    assert problem["errors"][0]["field"] == "body.company_name"


async def _violation(app: Any, sql: str) -> Exception:
    async with app.state.engine.connect() as conn:
        try:
            await conn.execute(text(sql))
        except Exception as exc:
            return exc
    raise AssertionError("no error")


async def test_integrity_errors_are_mapped_by_sqlstate_and_constraint(
    app: Any, client: httpx.AsyncClient, alice: UserCtx, caplog: pytest.LogCaptureFixture
) -> None:
    await f.company(client, alice, "Acme")
    caplog.set_level(logging.WARNING, logger="app.errors")
    dup = integrity_error(
        await _violation(app, f"INSERT INTO companies (owner_id, company_name) VALUES ({alice.id}, 'acme')")
    )
    assert dup.status == 409 and dup.extra["errors"][0]["field"] == "body.company_name"
    fk = integrity_error(
        await _violation(
            app, f"INSERT INTO roles (owner_id, role_title, company_id) VALUES ({alice.id}, 'x', 999)"
        )
    )
    assert fk.status == 422 and fk.extra["errors"][0]["field"] == "body.company_id"
    check = integrity_error(
        await _violation(
            app, f"INSERT INTO user_skills (owner_id, skill_id, self_rating) VALUES ({alice.id}, 1, 99)"
        )
    )
    assert check.status in (422,)
    null = integrity_error(await _violation(app, f"INSERT INTO companies (owner_id) VALUES ({alice.id})"))
    assert null.status == 422 and null.extra["errors"][0]["field"] == "body.company_name"
    await f.interview(client, alice, 1)
    in_use = integrity_error(await _violation(app, "DELETE FROM companies"))
    assert in_use.status == 409 and "still used" in in_use.detail
    assert sum("integrity error" in r.getMessage() for r in caplog.records) >= 5  # always logged


# --- data errors, outages and everything else: through the real handlers -------------------


@pytest.fixture
async def probe(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Our app with a few extra routes that fail the ways a bug or an input can."""
    application = create_app(settings)

    @application.get("/probe/sql")
    async def sql(session: SessionDep, q: str) -> dict[str, str]:
        await session.execute(text(q))
        return {"status": "ok"}

    @application.get("/probe/file")
    async def file() -> None:
        # A bug, not an outage: an OSError from our own code ("No such file or directory").
        raise FileNotFoundError(2, "No such file or directory", "/nonexistent/settings.toml")

    @application.get("/probe/bug")
    async def bug() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
    await application.state.engine.dispose()
    await application.state.llm_http.aclose()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT CAST(100000 AS numeric(3, 0))",  # numeric out of range
        "SELECT '2026-02-30'::date",  # invalid datetime
        "SELECT 'x'::int",
        "SELECT 1 / 0",
        "SELECT 2147483647::int + 1",
        "SELECT '9000-01-01'::timestamptz + interval '9999 years'",  # the driver cannot decode it
    ],
)
async def test_data_errors_are_422(probe: httpx.AsyncClient, sql: str) -> None:
    r = await probe.get("/probe/sql", params={"q": sql})
    assert_problem(r, 422)


async def test_an_oserror_that_is_not_the_database_is_a_500_with_the_request_id(
    probe: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="app.errors")
    r = await probe.get("/probe/file", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})
    body = assert_problem(r, 500)
    assert body["request_id"] == "0123456789abcdef0123456789abcdef"
    logged = [rec for rec in caplog.records if rec.levelno == logging.ERROR]
    assert logged and logged[-1].exc_info is not None  # with its traceback


async def test_a_bug_is_a_500_problem_logged_with_its_traceback(
    probe: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="app.errors")
    r = await probe.get("/probe/bug")
    assert_problem(r, 500)
    assert any(rec.exc_info and rec.exc_info[0] is RuntimeError for rec in caplog.records)


async def test_an_unreachable_database_is_503(make_client: Any, tmp_path: Any) -> None:
    c = await make_client(
        database_url=f"postgresql+asyncpg://postgres@/nowhere?host={tmp_path}", db_pool_timeout_s=1.0
    )
    r = await c.post("/api/auth/register", json={"email": "x@example.com", "password": "correct-horse-42"})
    assert_problem(r, 503)


def test_classifiers_need_the_driver_for_an_outage() -> None:
    assert not is_connection_error(FileNotFoundError("no such file or directory"))
    assert not is_connection_error(ConnectionRefusedError("connection refused"))  # e.g. an LLM client
    assert not is_data_error(ValueError("ours"))
