"""With REDIS_URL the agent rate-limit counters live in Redis; when Redis fails, PostgreSQL counts."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import assert_problem, register_user
from tests.live import clear_of_minute_boundary

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


async def _redis() -> Any:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        if os.environ.get("REQUIRE_REDIS_TEST"):  # CI starts a redis-server for this test
            pytest.fail(f"no Redis at {REDIS_URL}, although REQUIRE_REDIS_TEST is set")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


async def _pg_counters(app: Any) -> int:
    """Agent request counters in PostgreSQL (login-failure counters share the table)."""
    async with app.state.engine.connect() as conn:
        return (
            await conn.exec_driver_sql(
                "SELECT count(*) FROM rate_limit_counters WHERE bucket NOT LIKE 'login:%'"
            )
        ).scalar_one()


async def test_counts_in_redis(make_client: Any, app: Any) -> None:
    redis = await _redis()
    try:
        for key in await redis.keys("itk:rl:*"):
            await redis.delete(key)
        client = await make_client(agent_rate_limit_per_minute=2, redis_url=REDIS_URL)
        user = await register_user(client)
        await clear_of_minute_boundary()
        for _ in range(2):
            r = await client.post(
                "/api/agents/answer", json={"question": "Explain TCP."}, headers=user.headers
            )
            assert r.status_code == 200
        r = await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=user.headers)
        assert_problem(r, 429)
        keys = await redis.keys(f"itk:rl:agents:{user.id}:*")
        assert len(keys) == 1 and int(await redis.get(keys[0])) == 3
        assert 0 < await redis.ttl(keys[0]) <= 120
        assert await _pg_counters(app) == 0, "counted in PostgreSQL although Redis was set"
    finally:
        await redis.aclose()


async def test_falls_back_to_postgresql_when_redis_is_down(make_client: Any, app: Any) -> None:
    client = await make_client(agent_rate_limit_per_minute=2, redis_url="redis://127.0.0.1:1/0")
    user = await register_user(client)
    await clear_of_minute_boundary()
    for _ in range(2):
        r = await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=user.headers)
        assert r.status_code == 200
    assert_problem(
        await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=user.headers), 429
    )
    assert await _pg_counters(app) == 1
