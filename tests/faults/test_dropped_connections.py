"""Pooled connections that died since their last use (a database restart, a failover, an idle
timeout): there is no pre-ping, so the first statement finds out. A read is run again on a
fresh connection; a write answers 503 and writes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text

from tests.conftest import UserCtx, _asyncpg_dsn, assert_problem


async def _kill_app_connections(app: Any, database_url: str) -> None:
    """Terminate the connections pooled by this app's engine, and only those: live servers of
    other tests share the database, and their pools must not be touched."""
    engine = app.state.engine
    conns = [await engine.connect() for _ in range(engine.pool.checkedin())]
    pids = [await c.scalar(text("SELECT pg_backend_pid()")) for c in conns]
    for c in conns:
        await c.close()
    conn = await asyncpg.connect(**_asyncpg_dsn(database_url))
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid = any($1::int[])", pids
        )
        assert killed > 0
    finally:
        await conn.close()


async def test_a_read_on_a_dead_connection_is_retried(
    client: httpx.AsyncClient, alice: UserCtx, app: Any, database_url: str
) -> None:
    created = await client.post("/api/companies", json={"company_name": "Acme"}, headers=alice.headers)
    interview = await client.post(
        "/api/interviews", json={"company_id": created.json()["id"]}, headers=alice.headers
    )
    url = f"/api/interviews/{interview.json()['id']}"
    assert (await client.get(url, headers=alice.headers)).status_code == 200
    await _kill_app_connections(app, database_url)
    r = await client.get(url, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["company"]["company_name"] == "Acme"


async def test_a_write_on_a_dead_connection_answers_503_writes_nothing_and_the_pool_recovers(
    client: httpx.AsyncClient, alice: UserCtx, app: Any, database_url: str
) -> None:
    # Several pooled connections, all of them killed: the first write that meets one answers 503
    # and writes nothing; the whole pool is discarded then, so every later request succeeds.
    await asyncio.gather(*(client.get("/api/companies", headers=alice.headers) for _ in range(6)))
    await _kill_app_connections(app, database_url)
    r = await client.post("/api/companies", json={"company_name": "Lost"}, headers=alice.headers)
    assert_problem(r, 503)
    for i in range(8):
        r = await client.post("/api/companies", json={"company_name": f"Kept {i}"}, headers=alice.headers)
        assert r.status_code == 201, r.text
    listed = await client.get("/api/companies", params={"page_size": 100}, headers=alice.headers)
    assert listed.status_code == 200
    assert sorted(c["company_name"] for c in listed.json()["items"]) == [f"Kept {i}" for i in range(8)]


async def test_a_create_on_a_dead_connection_answers_503_and_the_whole_pool_is_refreshed(
    client: httpx.AsyncClient, alice: UserCtx, app: Any, database_url: str
) -> None:
    # Creating an interview runs on a connection taken from the pool without a session. When
    # that one is dead, the others pooled with it are too: all are replaced at once, as for a
    # session's statement, so only the first write fails.
    company = await client.post("/api/companies", json={"company_name": "Acme"}, headers=alice.headers)
    company_id = company.json()["id"]
    await asyncio.gather(*(client.get("/api/interviews", headers=alice.headers) for _ in range(6)))
    assert app.state.engine.pool.checkedin() >= 2
    await _kill_app_connections(app, database_url)
    r = await client.post("/api/interviews", json={"company_id": company_id}, headers=alice.headers)
    assert_problem(r, 503)
    for _ in range(8):
        r = await client.post("/api/interviews", json={"company_id": company_id}, headers=alice.headers)
        assert r.status_code == 201, r.text
    listed = await client.get("/api/interviews", headers=alice.headers)
    assert listed.json()["total"] == 8
