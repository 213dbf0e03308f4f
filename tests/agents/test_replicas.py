"""Two app instances on one PostgreSQL behave as one service (CONTRACT §6): nothing a later
request needs lives in process memory."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.config import Settings
from tests.agents import sse
from tests.live import LiveServer, clear_of_minute_boundary, live_user


@pytest.fixture(scope="module")
def replicas(settings: Settings) -> Iterator[tuple[LiveServer, LiveServer]]:
    shared = settings.model_copy(update={"agent_rate_limit_per_minute": 4})
    a, b = LiveServer(shared).start(), LiveServer(shared).start()
    yield a, b
    a.stop()
    b.stop()


async def test_ticket_conversation_and_rate_limit_span_replicas(
    replicas: tuple[LiveServer, LiveServer],
) -> None:
    a, b = replicas
    await clear_of_minute_boundary(15)
    h = await live_user(a.url, "replica@example.com")
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=30) as ca,
        httpx.AsyncClient(base_url=b.url, timeout=30) as cb,
    ):
        # A token issued by A works on B (shared secret key, users in PostgreSQL).
        assert (await cb.get("/api/auth/me", headers=h)).status_code == 200
        # A ticket from A is redeemed on B, once.
        ticket = (await ca.post("/api/agents/tickets", headers=h)).json()["ticket"]
        r = await cb.get(
            "/api/agents/answer-stream", params={"question": "Design a URL shortener.", "ticket": ticket}
        )
        events = sse.parse(r.text)
        assert events[-1]["event"] == "complete"
        cid = events[-1]["payload"]["data"]["conversation_id"]
        assert (
            await ca.get("/api/agents/answer-stream", params={"question": "again", "ticket": ticket})
        ).status_code == 401
        # The conversation started on B continues on A.
        r = await ca.post(
            "/api/agents/answer", json={"question": "And custom aliases?", "conversation_id": cid}, headers=h
        )
        assert r.status_code == 200 and r.json()["conversation_id"] == cid
        assert len((await cb.get(f"/api/agents/conversations/{cid}", headers=h)).json()["messages"]) == 4
        # The rate limit is shared: 2 answers so far, 2 more allowed across both, then 429 on either.
        for client in (ca, cb):
            assert (
                await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=h)
            ).status_code == 200
        for client in (ca, cb):
            assert (
                await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=h)
            ).status_code == 429
