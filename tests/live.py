from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from app.config import Settings
from app.main import create_app
from app.server import HeaderLimitedHttpToolsProtocol
from tests.agents.fake_openai import FakeOpenAI, _free_port, _wait_for_port


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset_fake(request: pytest.FixtureRequest) -> None:
    if "fake_llm" in request.fixturenames:
        request.getfixturevalue("fake_llm").reset()


class LiveServer:
    """Our app under a real uvicorn server on loopback, in its own thread and event loop."""

    def __init__(self, settings: Settings) -> None:
        self.port = _free_port()
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            http=HeaderLimitedHttpToolsProtocol,  # as `interview-api serve` runs it
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        _wait_for_port(self.port)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def openai_settings(settings: Settings, fake_llm: FakeOpenAI) -> Settings:
    return settings.model_copy(
        update={
            "llm_provider": "openai",
            "openai_base_url": fake_llm.base_url,
            "llm_model": "fake-model",
            "llm_timeout_s": 2.0,
            "llm_max_retries": 0,
            "agent_rate_limit_per_minute": 10_000,
        }
    )


@pytest.fixture(scope="session")
def openai_live(openai_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(openai_settings).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def offline_live(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings.model_copy(update={"agent_rate_limit_per_minute": 10_000})).start()
    yield server
    server.stop()


@pytest.fixture
async def make_client(settings: Settings) -> AsyncIterator[Callable[..., Any]]:
    """An in-process client for an app built with some settings changed."""
    opened: list[tuple[Any, httpx.AsyncClient]] = []

    async def _make(**overrides: Any) -> httpx.AsyncClient:
        application = create_app(settings.model_copy(update=overrides))
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application, raise_app_exceptions=False), base_url="http://test"
        )
        opened.append((application, client))
        return client

    yield _make
    for application, client in opened:
        await client.aclose()
        await application.state.llm_http.aclose()
        if application.state.redis is not None:
            await application.state.redis.aclose()
        await application.state.engine.dispose()


async def live_user(base_url: str, email: str) -> dict[str, str]:
    from tests.conftest import TEST_PASSWORD

    async with httpx.AsyncClient(base_url=base_url) as c:
        r = await c.post("/api/auth/register", json={"email": email, "password": TEST_PASSWORD})
        assert r.status_code == 201, r.text
        r = await c.post("/api/auth/token", data={"username": email, "password": TEST_PASSWORD})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def wait_until(predicate: Callable[[], bool], within: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


async def clear_of_minute_boundary(needed_s: float = 10.0) -> None:
    """Rate limits count per wall-clock minute: start a counted sequence early in a minute."""
    import datetime as _dt

    now = _dt.datetime.now(_dt.UTC)
    left = 60 - now.second - now.microsecond / 1e6
    if left < needed_s:
        await asyncio.sleep(left + 0.2)
