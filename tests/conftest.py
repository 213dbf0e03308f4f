"""Real PostgreSQL for every test: the embedded server, or TEST_DATABASE_URL when set."""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from app import embedded, migrate
from app.config import Settings
from app.main import create_app
from app.models import Base

TEST_PASSWORD = "correct-horse-42"


def _asyncpg_dsn(url: str) -> dict[str, Any]:
    u = make_url(url)
    kwargs: dict[str, Any] = {"user": u.username, "database": u.database}
    if u.password:
        kwargs["password"] = u.password
    if u.port:
        kwargs["port"] = u.port
    kwargs["host"] = u.host or u.query.get("host")
    return kwargs


async def _reset_schema(url: str) -> None:
    conn = await asyncpg.connect(**_asyncpg_dsn(url))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """The embedded server (None when TEST_DATABASE_URL points elsewhere)."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="it-test-"))
    server = embedded.start(tmp, cleanup_mode="delete")
    yield server
    server.cleanup()


def database_url_for(pg_server: Any, name: str) -> str:
    """A fresh, empty database with this name on the test server."""
    base = os.environ.get("TEST_DATABASE_URL")
    if pg_server is not None:
        return embedded.ensure_database(pg_server, name, recreate=True)
    assert base is not None
    if name == "main":
        asyncio.run(_reset_schema(base))
        return base
    url = make_url(base).set(database=f"{make_url(base).database}_{name}")

    async def _create() -> None:
        conn = await asyncpg.connect(**_asyncpg_dsn(base))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{url.database}"')
        finally:
            await conn.close()

    asyncio.run(_create())
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(pg_server: Any) -> str:
    url = database_url_for(pg_server, "main")
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key="test-secret-key-0123456789abcdef0123456789",  # type: ignore[arg-type]
        llm_provider="offline",  # type: ignore[arg-type]
        log_level="WARNING",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    # The lifespan is entered and left in one task of its own: it holds task groups (the MCP
    # session manager's) that must exit in the task that entered them, and pytest finalises
    # async fixtures in another task.
    started, stop = asyncio.Event(), asyncio.Event()

    async def _run() -> None:
        async with application.router.lifespan_context(application):
            started.set()
            await stop.wait()

    task = asyncio.create_task(_run())
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # the lifespan failed to start: raise its error here
    yield application
    stop.set()
    await task


_TABLES = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))


@pytest.fixture(autouse=True)
async def _clean_db(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test starts from empty tables."""
    if "app" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    async with application.state.engine.begin() as conn:
        await conn.exec_driver_sql(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
    yield


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


_counter = itertools.count(1)


class UserCtx:
    """A registered user and the headers that authenticate as them."""

    def __init__(self, email: str, user_id: int, token: str) -> None:
        self.email = email
        self.id = user_id
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}


async def register_user(client: httpx.AsyncClient, email: str | None = None) -> UserCtx:
    email = email or f"user{next(_counter)}@example.com"
    r = await client.post("/api/auth/register", json={"email": email, "password": TEST_PASSWORD})
    assert r.status_code == 201, r.text
    user_id = r.json()["id"]
    r = await client.post("/api/auth/token", data={"username": email, "password": TEST_PASSWORD})
    assert r.status_code == 200, r.text
    return UserCtx(email, user_id, r.json()["access_token"])


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> UserCtx:
    return await register_user(client, "alice@example.com")


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> UserCtx:
    return await register_user(client, "bob@example.com")


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    assert "Traceback" not in response.text
    return body


# Live servers (our app under uvicorn, the fake OpenAI server) shared by agents, browser,
# fuzz and fault tests.
from tests.live import (  # noqa: E402, F401
    _reset_fake,
    fake_llm,
    make_client,
    offline_live,
    openai_live,
    openai_settings,
)
