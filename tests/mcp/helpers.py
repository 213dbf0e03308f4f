"""Accounts on a live server, and the MCP SDK's own client over streamable HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult

from tests.conftest import TEST_PASSWORD


class Account:
    def __init__(self, base_url: str, email: str, token: str, api_key: str) -> None:
        self.base_url = base_url
        self.email = email
        self.token = token
        self.api_key = api_key
        self.headers = {"Authorization": f"Bearer {token}"}

    async def get(self, path: str) -> httpx.Response:
        """The REST API, as this user."""
        async with httpx.AsyncClient(base_url=self.base_url, headers=self.headers) as c:
            return await c.get(path)


async def account(base_url: str, name: str = "user") -> Account:
    """A new user with an access token and a personal API key."""
    email = f"{name}-{uuid.uuid4().hex[:10]}@example.com"
    async with httpx.AsyncClient(base_url=base_url) as c:
        r = await c.post("/api/auth/register", json={"email": email, "password": TEST_PASSWORD})
        assert r.status_code == 201, r.text
        r = await c.post("/api/auth/token", data={"username": email, "password": TEST_PASSWORD})
        token = r.json()["access_token"]
        r = await c.post(
            "/api/auth/api-keys", json={"name": "assistant"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 201, r.text
        return Account(base_url, email, token, r.json()["key"])


@asynccontextmanager
async def mcp_http(base_url: str, credential: str) -> AsyncIterator[Client]:
    """The SDK's client on ``/mcp`` with a bearer credential."""
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {credential}"}, timeout=60)
    async with http, Client(streamable_http_client(f"{base_url}/mcp", http_client=http)) as client:
        yield client


def data(result: CallToolResult) -> Any:
    """A successful call's structured result."""
    assert not result.is_error, text(result)
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(text(result))


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def error(result: CallToolResult) -> str:
    """A failed call's message: a tool error, never a stack trace."""
    assert result.is_error, result
    message = text(result)
    assert "Traceback" not in message and 'File "' not in message, message
    return message


TRACKING_TOOLS = {
    "search_questions",
    "get_question",
    "add_question",
    "list_interviews",
    "get_interview",
    "log_interview",
    "update_interview",
    "record_question_asked",
    "add_round",
    "stats_overview",
    "weak_spots",
    "review_queue",
    "grade_answer",
    "ask_coach",
}
