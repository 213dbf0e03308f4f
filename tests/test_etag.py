"""ETag on every single-resource GET; If-Match on PUT/PATCH/DELETE: 412 when stale, and then
nothing changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests import factories as f
from tests.conftest import UserCtx, assert_problem

Make = Callable[[httpx.AsyncClient, UserCtx], Awaitable[tuple[str, dict[str, Any]]]]


async def _company(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    return f"/api/companies/{(await f.company(c, u))['id']}", {"industry": "Fintech"}


async def _role(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    return f"/api/roles/{(await f.role(c, u))['id']}", {"department": "Platform"}


async def _skill(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    return f"/api/skills/{(await f.skill(c, u))['id']}", {"description": "Snakes"}


async def _cv(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    cv = await f.post(c, u, "/api/cv-versions", {"version_name": "v1"})
    return f"/api/cv-versions/{cv['id']}", {"summary": "Short"}


async def _practice(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    p = await f.post(c, u, "/api/practice-sessions", {"duration_minutes": 30})
    return f"/api/practice-sessions/{p['id']}", {"notes": "Went well"}


async def _gap(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    s = await f.skill(c, u)
    g = await f.post(c, u, "/api/skill-gaps", {"skill_id": s["id"], "gap_description": "Async"})
    return f"/api/skill-gaps/{g['id']}", {"action_plan": "Read the docs"}


async def _user_skill(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    s = await f.skill(c, u)
    us = await f.post(c, u, "/api/user-skills", {"skill_id": s["id"]})
    return f"/api/user-skills/{us['id']}", {"notes": "Daily"}


async def _interview(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    i = await f.interview(c, u, (await f.company(c, u))["id"])
    return f"/api/interviews/{i['id']}", {"notes": "Panel"}


async def _question(c: httpx.AsyncClient, u: UserCtx) -> tuple[str, dict[str, Any]]:
    return f"/api/questions/{(await f.question(c, u))['id']}", {"notes": "Use a CDN"}


RESOURCES: dict[str, Make] = {
    "companies": _company,
    "roles": _role,
    "skills": _skill,
    "cv_versions": _cv,
    "practice_sessions": _practice,
    "skill_gaps": _gap,
    "user_skills": _user_skill,
    "interviews": _interview,
    "questions": _question,
}


@pytest.mark.parametrize("make", RESOURCES.values(), ids=RESOURCES.keys())
async def test_if_match_guards_writes(client: httpx.AsyncClient, alice: UserCtx, make: Make) -> None:
    h = alice.headers
    url, change = await make(client, alice)
    first = await client.get(url, headers=h)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert (await client.get(url, headers=h)).headers["etag"] == etag  # stable while unchanged

    # A write without If-Match wins as before, and answers with the new tag.
    other = await client.patch(url, json=change, headers=h)
    assert other.status_code == 200, other.text
    current = other.headers["etag"]
    assert current != etag and (await client.get(url, headers=h)).headers["etag"] == current

    # The stale tag is refused, and nothing changes.
    before = (await client.get(url, headers=h)).json()
    for method in ("PATCH", "DELETE"):
        body = {"json": change} if method == "PATCH" else {}
        r = await client.request(method, url, headers={**h, "If-Match": etag}, **body)
        assert_problem(r, 412)
    assert (await client.get(url, headers=h)).json() == before

    # The current tag (also weak, or in a list) and `*` pass.
    r = await client.patch(url, json=change, headers={**h, "If-Match": f'"nope", W/{current}'})
    assert r.status_code == 200, r.text
    r = await client.patch(url, json=change, headers={**h, "If-Match": "*"})
    assert r.status_code == 200, r.text
    r = await client.delete(url, headers={**h, "If-Match": r.headers["etag"]})
    assert r.status_code == 204, r.text


async def test_put_with_stale_if_match_changes_nothing(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"], notes="mine")
    url = f"/api/interviews/{i['id']}"
    etag = (await client.get(url, headers=h)).headers["etag"]
    assert (await client.patch(url, json={"notes": "theirs"}, headers=h)).status_code == 200
    r = await client.put(
        url, json={"company_id": c["id"], "notes": "mine, again"}, headers={**h, "If-Match": etag}
    )
    assert_problem(r, 412)
    assert (await client.get(url, headers=h)).json()["notes"] == "theirs"


async def test_child_writes_change_the_interview_etag(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    i = await f.interview(client, alice, (await f.company(client, alice))["id"])
    url = f"/api/interviews/{i['id']}"
    etag = (await client.get(url, headers=h)).headers["etag"]
    assert (await client.post(f"{url}/rounds", json={}, headers=h)).status_code == 201
    assert (await client.get(url, headers=h)).headers["etag"] != etag


Body = Callable[[httpx.AsyncClient, UserCtx], Awaitable[dict[str, Any]]]


async def _skill_ref(c: httpx.AsyncClient, u: UserCtx) -> dict[str, Any]:
    return {"skill_id": (await f.skill(c, u, "Go"))["id"]}


async def _company_ref(c: httpx.AsyncClient, u: UserCtx) -> dict[str, Any]:
    return {"company_id": (await f.company(c, u, "Acme"))["id"]}


def _body(body: dict[str, Any]) -> Body:
    async def make(c: httpx.AsyncClient, u: UserCtx) -> dict[str, Any]:
        return body

    return make


async def _skill_gap(c: httpx.AsyncClient, u: UserCtx) -> dict[str, Any]:
    return {**(await _skill_ref(c, u)), "gap_description": "Async"}


# Every domain's create route: (collection, body, whether it has a trash to restore from).
CREATES: dict[str, tuple[str, Body, bool]] = {
    "companies": ("/api/companies", _body({"company_name": "Stripe"}), True),
    "roles": ("/api/roles", _body({"role_title": "SRE"}), True),
    "skills": ("/api/skills", _body({"skill_name": "Rust"}), True),
    "cv_versions": ("/api/cv-versions", _body({"version_name": "v2"}), True),
    "practice_sessions": ("/api/practice-sessions", _body({"duration_minutes": 20}), False),
    "skill_gaps": ("/api/skill-gaps", _skill_gap, False),
    "user_skills": ("/api/user-skills", _skill_ref, False),
    "interviews": ("/api/interviews", _company_ref, True),
    "questions": ("/api/questions", _body({"question_text": "What is a B-tree?"}), True),
}


@pytest.mark.parametrize(("path", "body", "trash"), CREATES.values(), ids=CREATES.keys())
async def test_creates_and_restores_answer_with_the_etag(
    client: httpx.AsyncClient, alice: UserCtx, path: str, body: Body, trash: bool
) -> None:
    """Every response holding one resource carries its ETag, the one a GET would give."""
    h = alice.headers
    created = await client.post(path, json=await body(client, alice), headers=h)
    assert created.status_code == 201, created.text
    url = f"{path}/{created.json()['id']}"
    assert "etag" in created.headers, f"POST {path} has no ETag"
    assert created.headers["etag"] == (await client.get(url, headers=h)).headers["etag"]
    if not trash:
        return
    assert (await client.delete(url, headers=h)).status_code == 204
    restored = await client.post(f"{url}/restore", headers=h)
    assert restored.status_code == 200, restored.text
    assert "etag" in restored.headers, f"POST {url}/restore has no ETag"
    assert restored.headers["etag"] == (await client.get(url, headers=h)).headers["etag"]


async def test_linking_a_skill_answers_with_the_questions_etag(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    h = alice.headers
    q = await f.question(client, alice)
    s = await f.skill(client, alice)
    r = await client.post(f"/api/questions/{q['id']}/skills", json={"skill_id": s["id"]}, headers=h)
    assert r.status_code == 200, r.text
    assert r.headers.get("etag") == (await client.get(f"/api/questions/{q['id']}", headers=h)).headers["etag"]
