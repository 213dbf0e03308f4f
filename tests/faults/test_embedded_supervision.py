"""The embedded PostgreSQL the app started is supervised: `kill -9` of its postmaster
mid-traffic gives a few seconds of 503s, then the app serves again by itself (no restart of
the app), and every write that was answered 2xx is still there (crash recovery)."""

from __future__ import annotations

import asyncio
import os
import signal
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


def _postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


async def _writes(
    base: str, headers: dict[str, str], stop: asyncio.Event, log: list[tuple[int, str]]
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=20) as c:
        n = 0
        while not stop.is_set():
            n += 1
            name = f"Company {id(log)}-{time.monotonic_ns()}-{n}"
            try:
                r = await c.post("/api/companies", json={"company_name": name}, headers=headers)
                log.append((r.status_code, name))
                if r.status_code >= 400:
                    assert r.headers["content-type"].startswith("application/problem+json")
            except httpx.HTTPError:
                log.append((0, name))  # the outcome is unknown
            await asyncio.sleep(0.01)


@pytest.fixture
def data_dir() -> Iterator[tuple[Path, Any, str]]:
    """A data folder with a migrated embedded server, as `make run` leaves it. The app started
    on it reuses this very server handle (the handle is per folder) and adopts it."""
    data = Path(tempfile.mkdtemp(prefix="it-supervise-"))
    pg = embedded.start(data, cleanup_mode="delete")
    url = embedded.ensure_database(pg)
    migrate.upgrade(url)
    yield data, pg, url
    pg.cleanup()


async def test_killed_postmaster_is_restarted_and_no_acknowledged_write_is_lost(
    settings: Settings, data_dir: tuple[Path, Any, str]
) -> None:
    data, pg, url = data_dir
    own = settings.model_copy(update={"database_url": None, "data_dir": data, "db_pool_timeout_s": 3.0})
    # Off the event loop: with DATABASE_URL unset, create_app starts (here: reuses) the server.
    live = await asyncio.to_thread(lambda: LiveServer(own).start())
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as c:
            email = "supervised@example.com"
            r = await c.post("/api/auth/register", json={"email": email, "password": TEST_PASSWORD})
            assert r.status_code == 201, r.text
            tok = (
                await c.post("/api/auth/token", data={"username": email, "password": TEST_PASSWORD})
            ).json()
            h = {"Authorization": f"Bearer {tok['access_token']}"}

            log: list[tuple[int, str]] = []
            stop = asyncio.Event()
            workers = [asyncio.create_task(_writes(live.url, h, stop, log)) for _ in range(3)]
            await asyncio.sleep(1.0)
            killed = _postmaster_pid(Path(pg.pgdata))
            os.kill(killed, signal.SIGKILL)
            killed_at = len(log)

            deadline = time.monotonic() + 30
            while True:
                ready = await c.get("/ready")
                if ready.status_code == 200 and len(log) > killed_at:
                    break
                assert time.monotonic() < deadline, "the embedded database was not restarted"
                await asyncio.sleep(0.2)
            assert _postmaster_pid(Path(pg.pgdata)) != killed
            await asyncio.sleep(1.5)
            resumed_at = len(log)
            await asyncio.sleep(1.0)
            stop.set()
            await asyncio.gather(*workers)
    finally:
        live.stop()

    statuses = [s for s, _ in log]
    after_kill = statuses[killed_at:]
    assert 503 in after_kill, f"no 503 while the database was down: {sorted(set(after_kill))}"
    assert {s for s in statuses if s >= 400} <= {503}, sorted(set(statuses))
    assert any(s == 201 for s in statuses[resumed_at:]), "writes did not resume after the restart"

    conn = await asyncpg.connect(**_asyncpg_dsn(url))
    try:
        stored = {r["company_name"] for r in await conn.fetch("SELECT company_name FROM companies")}
    finally:
        await conn.close()
    acknowledged = {name for s, name in log if s == 201}
    assert acknowledged, "no write was acknowledged"
    assert acknowledged <= stored, f"{len(acknowledged - stored)} acknowledged writes are missing"
