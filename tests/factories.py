"""Small helpers that build data through the real API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import UserCtx


async def post(client: httpx.AsyncClient, user: UserCtx, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(path, json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def company(
    client: httpx.AsyncClient, user: UserCtx, name: str = "TechCorp", **kw: Any
) -> dict[str, Any]:
    return await post(client, user, "/api/companies", {"company_name": name, **kw})


async def role(
    client: httpx.AsyncClient, user: UserCtx, title: str = "Backend Engineer", **kw: Any
) -> dict[str, Any]:
    return await post(client, user, "/api/roles", {"role_title": title, **kw})


async def skill(client: httpx.AsyncClient, user: UserCtx, name: str = "Python", **kw: Any) -> dict[str, Any]:
    return await post(client, user, "/api/skills", {"skill_name": name, **kw})


async def interview(client: httpx.AsyncClient, user: UserCtx, company_id: int, **kw: Any) -> dict[str, Any]:
    return await post(client, user, "/api/interviews", {"company_id": company_id, **kw})


async def question(
    client: httpx.AsyncClient, user: UserCtx, text: str = "How would you design Instagram?", **kw: Any
) -> dict[str, Any]:
    return await post(client, user, "/api/questions", {"question_text": text, **kw})
