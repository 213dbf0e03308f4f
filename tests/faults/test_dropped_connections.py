"""Pooled connections that died since their last use (a database restart, a failover, an idle
timeout): there is no pre-ping, so the first statement finds out. A read is run again on a
fresh connection; a write answers 503 and writes nothing."""

from __future__ import annotations

import asyncpg
import httpx

from tests.conftest import UserCtx, _asyncpg_dsn, assert_problem


async def _kill_app_connections(database_url: str) -> None:
    """Terminate every connection the app holds (this test session has its own server)."""
    conn = await asyncpg.connect(**_asyncpg_dsn(database_url))
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'interview-tracker' AND datname = current_database()"
        )
        assert killed > 0
    finally:
        await conn.close()


async def test_a_read_on_a_dead_connection_is_retried(
    client: httpx.AsyncClient, alice: UserCtx, database_url: str
) -> None:
    created = await client.post("/api/companies", json={"company_name": "Acme"}, headers=alice.headers)
    interview = await client.post(
        "/api/interviews", json={"company_id": created.json()["id"]}, headers=alice.headers
    )
    url = f"/api/interviews/{interview.json()['id']}"
    assert (await client.get(url, headers=alice.headers)).status_code == 200
    await _kill_app_connections(database_url)
    r = await client.get(url, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["company"]["company_name"] == "Acme"


async def test_a_write_on_a_dead_connection_answers_503_and_writes_nothing(
    client: httpx.AsyncClient, alice: UserCtx, database_url: str
) -> None:
    assert (await client.get("/api/companies", headers=alice.headers)).status_code == 200
    await _kill_app_connections(database_url)
    r = await client.post("/api/companies", json={"company_name": "Lost"}, headers=alice.headers)
    assert_problem(r, 503)
    listed = await client.get("/api/companies", headers=alice.headers)
    assert listed.status_code == 200
    assert listed.json()["total"] == 0
