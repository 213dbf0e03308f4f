"""Fuzz every operation of the app's own OpenAPI schema with Schemathesis, authenticated as a
test user, against the app under a real uvicorn server: no 5xx, responses match their documented
schema and content type, and nothing is ever written to another user's account."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.main import create_app
from tests.conftest import TEST_PASSWORD, _asyncpg_dsn
from tests.live import LiveServer

# The schema is built from the app itself (no server needed to collect the tests).
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="postgresql+asyncpg://unused@/unused", _env_file=None)).openapi()  # type: ignore[call-arg]
)
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
# At least these hold the victim's rows; any other table with an owner_id is checked too.
OWNED_TABLES = {
    "companies",
    "roles",
    "skills",
    "interviews",
    "interview_rounds",
    "interview_questions",
    "interview_skills",
    "questions",
    "cv_versions",
    "practice_sessions",
    "practice_session_questions",
    "skill_gaps",
    "user_skills",
    "conversations",
    "messages",
    "api_keys",
}


class World:
    server: LiveServer
    headers: dict[str, str]
    fuzzer_id: int
    victim_id: int
    victim_snapshot: dict[str, list[str]]
    database_url: str


WORLD = World()


async def _owned_rows(url: str, owner_id: int) -> dict[str, list[str]]:
    """Every row the user owns, in every table with an owner_id (plus their questions' skill
    links and their user row), column by column: any change to their data shows up here."""
    conn = await asyncpg.connect(**_asyncpg_dsn(url))
    try:
        tables = [
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = 'owner_id' ORDER BY table_name"
            )
        ]
        assert OWNED_TABLES <= set(tables), OWNED_TABLES - set(tables)
        queries = {t: f'SELECT * FROM "{t}" WHERE owner_id = $1' for t in tables}
        queries["question_skills"] = (
            "SELECT qs.* FROM question_skills qs JOIN questions q ON q.id = qs.question_id "
            "WHERE q.owner_id = $1"
        )
        queries["users"] = "SELECT * FROM users WHERE id = $1"
        return {
            name: sorted(repr(sorted(dict(r).items())) for r in await conn.fetch(sql, owner_id))
            for name, sql in queries.items()
        }
    finally:
        await conn.close()


def _setup_user(base: str, email: str) -> tuple[int, dict[str, str]]:
    with httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/api/auth/register", json={"email": email, "password": TEST_PASSWORD})
        uid = r.json()["id"]
        token = c.post("/api/auth/token", data={"username": email, "password": TEST_PASSWORD}).json()[
            "access_token"
        ]
        h = {"Authorization": f"Bearer {token}"}
        # Some rows, so that ids 1, 2, 3… exist and the fuzzer reaches deeper code.
        company = c.post("/api/companies", json={"company_name": f"Co {email}"}, headers=h).json()
        c.post("/api/interviews", json={"company_id": company["id"], "notes": "seed"}, headers=h)
        c.post(
            "/api/questions",
            json={"question_text": "Design a cache?", "question_category": "system_design"},
            headers=h,
        )
        c.post("/api/skills", json={"skill_name": f"Skill {email}"}, headers=h)
        c.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=h)
        # The fuzzer authenticates with an API key: a fuzzed `POST /api/auth/logout` revokes access
        # tokens, and the rest of the run would only see 401s.
        key = c.post("/api/auth/api-keys", json={"name": "fuzz"}, headers=h).json()["key"]
    return uid, {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module", autouse=True)
def fuzz_world(settings: Settings, database_url: str) -> Iterator[None]:
    server = LiveServer(settings.model_copy(update={"agent_rate_limit_per_minute": 100_000})).start()
    WORLD.server, WORLD.database_url = server, database_url
    WORLD.victim_id, _ = _setup_user(server.url, "victim@example.com")
    WORLD.fuzzer_id, WORLD.headers = _setup_user(server.url, "fuzzer@example.com")
    WORLD.victim_snapshot = asyncio.run(_owned_rows(database_url, WORLD.victim_id))
    assert WORLD.victim_snapshot["interviews"] and WORLD.victim_snapshot["questions"]
    yield
    after = asyncio.run(_owned_rows(database_url, WORLD.victim_id))
    server.stop()
    changed = {
        t for t in after.keys() | WORLD.victim_snapshot.keys() if after.get(t) != WORLD.victim_snapshot.get(t)
    }
    assert not changed, f"the fuzzer changed another user's rows in {sorted(changed)}"


@pytest.fixture(autouse=True)
def _clean_db() -> None:
    """The module keeps its data across operations (overrides the per-test truncation)."""


@SCHEMA.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_operation(case: Any) -> None:
    case.call_and_validate(base_url=WORLD.server.url, headers=WORLD.headers, checks=CHECKS, timeout=30)
