"""Upstream trouble and mass disconnects leave nothing behind: one error event per failed
stream, failed turns stored, and the worker's tasks and connections back at their baseline."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.agents import sse
from tests.agents.fake_openai import FakeOpenAI
from tests.live import LiveServer, live_user, wait_until


def _tasks(server: LiveServer) -> int:
    loop = server.app.state.loop
    for _ in range(10):
        try:
            return len(asyncio.all_tasks(loop))
        except RuntimeError:  # the set changed while we read it from this thread
            time.sleep(0.01)
    return len(asyncio.all_tasks(loop))


def _db_checked_out(server: LiveServer) -> int:
    return int(server.app.state.engine.pool.checkedout())


def _llm_connections(server: LiveServer) -> int:
    pool = server.app.state.llm_http._transport._pool
    return sum(1 for c in pool.connections if not (c.is_idle() or c.is_closed()))


async def _settled(server: LiveServer, baseline: int) -> bool:
    return await wait_until(
        lambda: _tasks(server) <= baseline and _db_checked_out(server) == 0 and _llm_connections(server) == 0,
        within=10,
    )


async def test_upstream_failures_and_mass_disconnects_leak_nothing(
    openai_live: LiveServer, fake_llm: FakeOpenAI
) -> None:
    h = await live_user(openai_live.url, f"leaks-{time.monotonic_ns()}@example.com")
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
        # Warm up both paths (sse-starlette starts one shutdown watcher per event loop).
        await c.post("/api/agents/answer", json={"question": "Design a URL shortener."}, headers=h)
        await c.post("/api/agents/answer-stream", json={"question": "Design a URL shortener."}, headers=h)
    await asyncio.sleep(0.3)
    baseline = _tasks(openai_live)

    # Errors, stalls and drops: exactly one error event each, and the turn stored as failed.
    for mode in ("error", "stall", "drop"):
        fake_llm.reset()
        fake_llm.scenario.mode = mode
        async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
            r = await c.post(
                "/api/agents/answer-stream", json={"question": "Design a URL shortener."}, headers=h
            )
            events = sse.parse(r.text)
            kinds = [e["event"] for e in events]
            assert kinds.count("error") == 1 and kinds[-1] == "error" and "complete" not in kinds, (
                mode,
                kinds,
            )
            cid = events[-1]["payload"]["data"]["conversation_id"]
            conv = (await c.get(f"/api/agents/conversations/{cid}", headers=h)).json()
            assert conv["messages"][-1]["status"] == "failed", mode
    assert await _settled(openai_live, baseline), (
        mode,
        _tasks(openai_live),
        baseline,
        [t.get_coro() for t in asyncio.all_tasks(openai_live.app.state.loop)],
    )

    # Many clients disconnect mid-stream at once.
    fake_llm.reset()
    fake_llm.scenario.chunk_delay_s = 0.05
    fake_llm.scenario.answer = " ".join(f"w{i}" for i in range(400))
    n = 25

    async def one(client: httpx.AsyncClient) -> None:
        async with client.stream(
            "POST", "/api/agents/answer-stream", json={"question": "Design a chat system."}, headers=h
        ) as r:
            async for event in sse.iter_events(r):
                if event["event"] == "content":
                    return  # leave mid-stream

    limits = httpx.Limits(max_connections=n + 5)
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30, limits=limits) as c:
        await asyncio.gather(*(one(c) for _ in range(n)))
    assert await wait_until(lambda: len(fake_llm.scenario.closed_early) == n, within=10), len(
        fake_llm.scenario.closed_early
    )
    assert fake_llm.scenario.finished_streams == 0
    assert await _settled(openai_live, baseline), (
        _tasks(openai_live),
        baseline,
        _db_checked_out(openai_live),
    )


async def test_offline_mass_disconnects_leak_nothing(offline_live: LiveServer) -> None:
    h = await live_user(offline_live.url, f"offline-leaks-{time.monotonic_ns()}@example.com")
    async with httpx.AsyncClient(base_url=offline_live.url, timeout=30) as c:
        await c.post("/api/agents/answer-stream", json={"question": "Design a URL shortener."}, headers=h)
    await asyncio.sleep(0.3)
    baseline = _tasks(offline_live)

    async def one(client: httpx.AsyncClient) -> Any:
        async with client.stream(
            "POST", "/api/agents/answer-stream", json={"question": "Design a web crawler."}, headers=h
        ) as r:
            async for event in sse.iter_events(r):
                if event["event"] == "routing":
                    return

    async with httpx.AsyncClient(
        base_url=offline_live.url, timeout=30, limits=httpx.Limits(max_connections=60)
    ) as c:
        await asyncio.gather(*(one(c) for _ in range(50)))
    assert await _settled(offline_live, baseline), (_tasks(offline_live), baseline)
