"""The OpenAI path: the real ChatOpenAI client against a fake OpenAI-compatible server on loopback,
and our app under a real uvicorn server, so streaming and disconnects are real."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from app.agents.context import CoachingRequest
from app.agents.llm import build_chat_model, build_provider
from app.agents.providers.openai import forget_unsupported_methods
from app.agents.specialists import AgentId
from app.config import Settings
from tests.agents import sse
from tests.agents.fake_openai import FakeOpenAI
from tests.live import LiveServer, live_user, wait_until

_n = 0


async def _user(server: LiveServer) -> dict[str, str]:
    global _n
    _n += 1
    return await live_user(server.url, f"live{_n}-{time.monotonic_ns()}@example.com")


async def _collect(server: LiveServer, headers: dict[str, str], body: dict[str, Any]) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        r = await c.post("/api/agents/answer-stream", json=body, headers=headers)
        assert r.status_code == 200, r.text
        return sse.parse(r.text)


async def _conversation(server: LiveServer, headers: dict[str, str], cid: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url) as c:
        return (await c.get(f"/api/agents/conversations/{cid}", headers=headers)).json()


async def test_streams_provider_chunks_with_usage_and_llm_follow_ups(
    openai_live: LiveServer, fake_llm: FakeOpenAI
) -> None:
    h = await _user(openai_live)
    events = await _collect(
        openai_live, h, {"question": "How would you design Instagram?", "context": {"company": "Meta"}}
    )
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ["start", "routing", "processing"] and kinds[-2:] == ["follow_ups", "complete"]
    content = [e["payload"]["data"]["chunk"] for e in events if e["event"] == "content"]
    assert "".join(content) == fake_llm.scenario.answer and len(content) > 5
    complete = events[-1]["payload"]["data"]
    assert complete["answer"] == fake_llm.scenario.answer
    assert complete["usage"]["input_tokens"] == 42
    assert events[2]["payload"]["data"]["model"] == "fake-model"
    assert events[-2]["payload"]["data"]["questions"] == fake_llm.scenario.follow_ups
    # Confident classifier: no routing call; the specialist's instructions and context reached the model.
    assert events[1]["payload"]["data"]["method"] == "classifier"
    system = fake_llm.scenario.last_messages[0]["content"]
    assert "System Design coach" in system and "Company: Meta" in system


async def test_llm_routing_and_its_fallback(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    vague = "What would you do with a thing like that?"
    events = await _collect(openai_live, h, {"question": vague, "include_follow_ups": False})
    routing = events[1]["payload"]["data"]
    assert (routing["agent"], routing["method"], routing["confidence"]) == ("architect", "llm", 0.77)
    assert [e["event"] for e in events][-1] == "complete" and "follow_ups" not in [e["event"] for e in events]

    # A small model's invalid tool call: retried once in JSON mode, which works.
    forget_unsupported_methods()
    fake_llm.scenario.tool_args = "{not json"
    events = await _collect(openai_live, h, {"question": vague, "include_follow_ups": False})
    assert events[1]["payload"]["data"]["method"] == "llm"
    assert fake_llm.scenario.structured_formats[-2:] == ["tools", "json_object"]

    # Nothing structured works: the local classifier's best guess, labelled as a guess.
    fake_llm.scenario.structured_support = "none"
    events = await _collect(openai_live, h, {"question": vague, "include_follow_ups": False})
    routing = events[1]["payload"]["data"]
    assert routing["method"] == "classifier" and "guess" in routing["reason"]
    assert events[-1]["event"] == "complete"
    forget_unsupported_methods()


async def test_structured_method_falls_back_to_json_mode_once_per_provider(
    openai_settings: Settings, fake_llm: FakeOpenAI
) -> None:
    """llama.cpp's server refuses json_schema with a 500 and supports json_object only."""
    forget_unsupported_methods()
    settings = openai_settings.model_copy(update={"llm_structured_method": "json_schema"})
    fake_llm.scenario.structured_support = "json_object_only"
    vague = "What would you do with a thing like that?"
    async with httpx.AsyncClient() as http:
        provider = build_provider(settings, build_chat_model(settings, http))
        decision = await provider.route(vague)
        assert decision is not None and decision.agent == AgentId.architect
        assert fake_llm.scenario.structured_formats == ["json_schema", "json_object"]
        # Remembered: the next calls go straight to JSON mode, follow-ups included.
        assert await provider.route(vague) is not None
        questions = await provider.follow_ups(CoachingRequest(AgentId.architect, vague), "An answer.")
        assert questions == fake_llm.scenario.follow_ups
        assert fake_llm.scenario.structured_formats == [
            "json_schema",
            "json_object",
            "json_object",
            "json_object",
        ]
    forget_unsupported_methods()


async def test_history_is_sent_when_continuing(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    first = await _collect(
        openai_live, h, {"question": "Design a URL shortener.", "include_follow_ups": False}
    )
    cid = first[-1]["payload"]["data"]["conversation_id"]
    await _collect(
        openai_live, h, {"question": "And at 10x?", "conversation_id": cid, "include_follow_ups": False}
    )
    roles = [m["role"] for m in fake_llm.scenario.last_messages]
    assert roles == ["system", "user", "assistant", "user"]
    assert fake_llm.scenario.last_messages[1]["content"] == "Design a URL shortener."


async def test_provider_error_becomes_error_event_and_failed_turn(
    openai_live: LiveServer, fake_llm: FakeOpenAI
) -> None:
    h = await _user(openai_live)
    fake_llm.scenario.mode = "error"
    events = await _collect(openai_live, h, {"question": "Design a URL shortener."})
    kinds = [e["event"] for e in events]
    assert (
        kinds[:3] == ["start", "routing", "processing"] and kinds[-1] == "error" and kinds.count("error") == 1
    )
    err = events[-1]["payload"]["data"]
    assert err["code"] == "provider_error" and err["retryable"] is True
    assert "Traceback" not in str(err) and "upstream exploded" not in err["message"]
    conv = await _conversation(openai_live, h, err["conversation_id"])
    assert [m["status"] for m in conv["messages"]] == ["failed", "failed"]
    assert conv["messages"][1]["error"]["code"] == "provider_error"
    async with httpx.AsyncClient(base_url=openai_live.url) as c:
        r = await c.post("/api/agents/answer", json={"question": "Design a URL shortener."}, headers=h)
    assert r.status_code == 502 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "provider_error"


async def test_auth_error_is_not_retryable(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    fake_llm.scenario.mode = "auth_error"
    events = await _collect(openai_live, h, {"question": "Design a URL shortener."})
    assert events[-1]["payload"]["data"]["code"] == "provider_auth"
    assert events[-1]["payload"]["data"]["retryable"] is False


async def test_stall_times_out(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    fake_llm.scenario.mode = "stall"
    t0 = time.monotonic()
    events = await _collect(openai_live, h, {"question": "Design a URL shortener."})
    assert time.monotonic() - t0 < 10
    err = events[-1]["payload"]["data"]
    assert events[-1]["event"] == "error" and err["code"] == "timeout"
    partial = "".join(e["payload"]["data"]["chunk"] for e in events if e["event"] == "content")
    conv = await _conversation(openai_live, h, err["conversation_id"])
    assert conv["messages"][1]["status"] == "failed" and conv["messages"][1]["content"] == partial
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
        r = await c.post("/api/agents/answer", json={"question": "Design a URL shortener."}, headers=h)
    assert r.status_code == 504 and r.json()["code"] == "timeout"


async def test_upstream_drop_mid_stream(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    fake_llm.scenario.mode = "drop"
    events = await _collect(openai_live, h, {"question": "Design a URL shortener."})
    kinds = [e["event"] for e in events]
    assert kinds[-1] == "error" and "complete" not in kinds
    assert events[-1]["payload"]["data"]["retryable"] is True


async def test_events_arrive_as_they_are_produced(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    fake_llm.scenario.chunk_delay_s = 0.05
    fake_llm.scenario.answer = " ".join(f"word{i}" for i in range(30))
    arrivals: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
        async with c.stream(
            "POST", "/api/agents/answer-stream", json={"question": "Design a URL shortener."}, headers=h
        ) as r:
            async for event in sse.iter_events(r):
                arrivals.setdefault(event["event"], time.monotonic())
    # Routing reaches the client before any content, and content long before the end.
    assert arrivals["routing"] <= arrivals["content"]
    assert arrivals["complete"] - arrivals["content"] > 0.8


async def test_client_disconnect_cancels_upstream(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    h = await _user(openai_live)
    fake_llm.scenario.chunk_delay_s = 0.1
    fake_llm.scenario.answer = " ".join(f"w{i}" for i in range(200))  # ~20 s if not cancelled
    cid = None
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
        async with c.stream(
            "POST", "/api/agents/answer-stream", json={"question": "Design a URL shortener."}, headers=h
        ) as r:
            seen = 0
            async for event in sse.iter_events(r):
                if event["event"] == "start":
                    cid = event["payload"]["data"]["conversation_id"]
                if event["event"] == "content":
                    seen += 1
                    if seen == 3:
                        break
    closed_at = time.monotonic()
    assert await wait_until(lambda: bool(fake_llm.scenario.closed_early), within=3), (
        "upstream never saw the close"
    )
    assert fake_llm.scenario.closed_early[0] - closed_at < 2
    assert fake_llm.scenario.finished_streams == 0
    assert cid is not None

    async def _status() -> str:
        return (await _conversation(openai_live, h, cid))["messages"][1]["status"]

    for _ in range(50):
        if await _status() == "cancelled":
            break
        await asyncio.sleep(0.05)
    conv = await _conversation(openai_live, h, cid)
    assert conv["messages"][1]["status"] == "cancelled" and conv["messages"][1]["content"].startswith("w0 w1")
