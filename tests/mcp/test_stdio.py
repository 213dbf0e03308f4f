"""`interview-api mcp`: the same tools over stdio, as a desktop assistant runs them (a subprocess
talking to the test database directly), driven by the SDK's stdio client."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from app.config import Settings
from tests.live import LiveServer
from tests.mcp.helpers import TRACKING_TOOLS, account, data, error

COMMAND = str(Path(sys.executable).with_name("interview-api"))


def _env(settings: Settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    assert settings.database_url
    return {
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(tmp_path),
        "LLM_PROVIDER": "offline",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@asynccontextmanager
async def mcp_stdio(settings: Settings, tmp_path: Path, api_key: str) -> AsyncIterator[Client]:
    params = StdioServerParameters(
        command=COMMAND, args=["mcp"], env=_env(settings, tmp_path, INTERVIEW_API_KEY=api_key)
    )
    # The stdio transport itself (mcp 2.0, the floor, takes no StdioServerParameters as a server).
    async with Client(stdio_client(params), read_timeout_seconds=60) as client:
        yield client


async def test_reads_and_writes_over_stdio(
    offline_live: LiveServer, settings: Settings, tmp_path: Path
) -> None:
    alice = await account(offline_live.url, "alice")
    bob = await account(offline_live.url, "bob")
    async with mcp_stdio(settings, tmp_path, bob.api_key) as client:
        bobs = data(await client.call_tool("log_interview", {"company": "Globex"}))["interview"]

    async with mcp_stdio(settings, tmp_path, alice.api_key) as client:
        assert {t.name for t in (await client.list_tools()).tools} == TRACKING_TOOLS
        logged = data(
            await client.call_tool(
                "log_interview", {"company": "Stripe", "interview_date": "2026-03-02T15:00:00Z"}
            )
        )
        interview_id = logged["interview"]["id"]
        data(
            await client.call_tool(
                "record_question_asked",
                {
                    "interview_id": interview_id,
                    "question": "Walk me through how you would shard a ledger table.",
                    "answer_quality_rating": 5,
                    "round_number": 2,
                },
            )
        )
        read = data(await client.call_tool("get_interview", {"interview_id": interview_id}))
        assert [q["answer_quality_rating"] for q in read["questions"]] == [5]
        # Bob's interview is not Alice's to see, and bad arguments are tool errors.
        assert "Not found (404)" in error(
            await client.call_tool("get_interview", {"interview_id": bobs["id"]})
        )
        assert data(await client.call_tool("list_interviews", {}))["total"] == 1
        bad = {"interview_id": interview_id, "question": "Why?", "answer_quality_rating": 0}
        assert "answer_quality_rating" in error(await client.call_tool("record_question_asked", bad))

    interview = (await alice.get(f"/api/interviews/{interview_id}")).json()
    assert interview["company"]["company_name"] == "Stripe"
    assert interview["interview_date"] == "2026-03-02T15:00:00Z"
    assert [r["round_number"] for r in interview["rounds"]] == [2]
    assert [q["answer_quality_rating"] for q in interview["questions"]] == [5]


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        ({"INTERVIEW_API_KEY": "itk_not-a-real-key"}, 1, "invalid"),
        ({}, 2, "INTERVIEW_API_KEY"),
        ({"INTERVIEW_API_KEY": "itk_x", "INTERVIEW_API_URL": "http://example.test"}, 2, "INTERVIEW_API_URL"),
    ],
)
def test_refuses_to_start_without_a_usable_key(
    settings: Settings, tmp_path: Path, extra: dict[str, str], code: int, message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_API_")}
    done = subprocess.run(
        [COMMAND, "mcp"],
        env={**env, **_env(settings, tmp_path, **extra)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert done.stdout == ""  # stdout is the MCP channel
