"""Agent streaming figures: offline latency to routing/first content, events/s, concurrent
streams per worker and their memory, and the latency the service adds per upstream chunk."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import psutil

from bench.common import AppServer, database, median, pct, token
from tests.agents import sse
from tests.agents.fake_openai import FakeOpenAI

QUESTIONS = [
    "How would you design Instagram?",
    "Tell me about a time you disagreed with your manager.",
    "Find the longest substring without repeating characters.",
    "What metrics would you track for a new checkout flow?",
    "Monolith or microservices for a ten-person startup?",
    "Explain the Python GIL and why it matters.",
]


async def _timed_stream(
    client: httpx.AsyncClient, headers: dict[str, str], question: str
) -> dict[str, float]:
    t0 = time.perf_counter()
    marks: dict[str, float] = {}
    events = 0
    async with client.stream(
        "POST", "/api/agents/answer-stream", json={"question": question}, headers=headers
    ) as r:
        async for event in sse.iter_events(r):
            events += 1
            marks.setdefault(event["event"], time.perf_counter() - t0)
    marks["events"] = events
    return marks


async def offline_latency(url: str, headers: dict[str, str], n: int = 300) -> dict[str, Any]:
    routing, first, total, rates = [], [], [], []
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        for i in range(20):  # warm-up
            await _timed_stream(c, headers, QUESTIONS[i % len(QUESTIONS)])
        for i in range(n):
            m = await _timed_stream(c, headers, QUESTIONS[i % len(QUESTIONS)])
            routing.append(m["routing"] * 1000)
            first.append(m["content"] * 1000)
            total.append(m["complete"] * 1000)
            rates.append(m["events"] / (m["complete"] - m["start"]))
    return {
        "streams": n,
        "routing_ms_p50": round(median(routing), 2),
        "routing_ms_p99": round(pct(routing, 99), 2),
        "first_content_ms_p50": round(median(first), 2),
        "first_content_ms_p99": round(pct(first, 99), 2),
        "complete_ms_p50": round(median(total), 2),
        "events_per_s_one_stream_p50": round(median(rates)),
    }


async def concurrent_streams(url: str, headers: dict[str, str], pid: int, n: int) -> dict[str, Any]:
    proc = psutil.Process(pid)
    rss_before = proc.memory_info().rss
    opened = 0
    errors = 0
    all_open = asyncio.Event()
    release = asyncio.Event()

    async def one(client: httpx.AsyncClient, i: int) -> None:
        nonlocal opened, errors
        try:
            async with client.stream(
                "POST",
                "/api/agents/answer-stream",
                json={"question": QUESTIONS[i % len(QUESTIONS)]},
                headers=headers,
            ) as r:
                if r.status_code != 200:
                    errors += 1
                    return
                async for event in sse.iter_events(r):
                    if event["event"] == "content":
                        opened += 1
                        if opened == n:
                            all_open.set()
                        await release.wait()
                        return
        except Exception:
            errors += 1

    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as c:
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(one(c, i)) for i in range(n)]
        try:
            await asyncio.wait_for(all_open.wait(), timeout=90)
        except TimeoutError:
            pass
        ramp = time.perf_counter() - t0
        rss_peak = proc.memory_info().rss
        release.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "target": n,
        "held_open_at_once": opened,
        "errors": errors,
        "ramp_s": round(ramp, 2),
        "worker_rss_mib_before": round(rss_before / 2**20, 1),
        "worker_rss_mib_with_streams": round(rss_peak / 2**20, 1),
        "kib_per_stream": round((rss_peak - rss_before) / 1024 / max(opened, 1), 1),
    }


async def added_latency(
    fake: FakeOpenAI, url: str, headers: dict[str, str], pace_s: float = 0.02
) -> dict[str, Any]:
    sent: list[float] = []

    original = fake._stream

    async def recording(body: dict[str, Any], sc: Any) -> Any:
        async for piece in original(body, sc):
            if '"content": "' in piece and '"content": ""' not in piece:
                sent.append(time.monotonic())
            yield piece

    fake._stream = recording  # type: ignore[method-assign]
    fake.scenario.chunk_delay_s = pace_s
    fake.scenario.answer = " ".join(f"token{i}" for i in range(50))
    deltas: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        for _ in range(10):
            sent.clear()
            received: list[float] = []
            async with c.stream(
                "POST",
                "/api/agents/answer-stream",
                json={"question": "Design a URL shortener.", "include_follow_ups": False},
                headers=headers,
            ) as r:
                async for event in sse.iter_events(r):
                    if event["event"] == "content":
                        received.append(time.monotonic())
            deltas += [(rcv - snt) * 1000 for snt, rcv in zip(sent, received, strict=False)]
    fake._stream = original  # type: ignore[method-assign]
    return {
        "upstream_pace_ms": pace_s * 1000,
        "chunks": len(deltas),
        "added_ms_p50": round(median(deltas), 2),
        "added_ms_p99": round(pct(deltas, 99), 2),
    }


def run(concurrency: int = 1000) -> dict[str, Any]:
    url = database("bench_agents", recreate=True)
    from app import migrate

    migrate.upgrade(url)
    results: dict[str, Any] = {}
    print("agents: offline latency, 1,000 concurrent streams, added latency per upstream chunk…", flush=True)
    with AppServer(url) as app:
        h = token(app.url, "agents-bench@example.com")
        results["offline_latency"] = asyncio.run(offline_latency(app.url, h))
    with AppServer(url, OFFLINE_CHUNK_DELAY_MS="200") as app:
        h = token(app.url, "agents-bench@example.com")
        results["concurrent_streams"] = asyncio.run(concurrent_streams(app.url, h, app.pid, concurrency))
    fake = FakeOpenAI()
    fake.start()
    try:
        with AppServer(
            url, LLM_PROVIDER="openai", OPENAI_BASE_URL=fake.base_url, LLM_MODEL="fake-model"
        ) as app:
            h = token(app.url, "agents-bench@example.com")
            results["openai_added_latency"] = asyncio.run(added_latency(fake, app.url, h))
    finally:
        fake.stop()
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
