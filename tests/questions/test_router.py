from __future__ import annotations

import httpx
import pytest

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


async def _bank(client: httpx.AsyncClient, user: UserCtx) -> dict[str, int]:
    c = await f.company(client, user, "Meta")
    py = await f.skill(client, user, "Python")
    ids = {"company": c["id"], "python": py["id"]}
    for key, text, cat, diff, tags, extra in [
        (
            "insta",
            "How would you design Instagram's news feed?",
            "system_design",
            "hard",
            ["feeds", "storage"],
            {"company_id": c["id"]},
        ),
        ("conflict", "Tell me about a conflict with a teammate", "behavioral", "medium", ["conflict"], {}),
        (
            "gil",
            "Explain the Python GIL and its impact on threads",
            "technical",
            "medium",
            ["python"],
            {"skill_ids": [py["id"]]},
        ),
        (
            "feed",
            "Design a feed ranking system",
            "system_design",
            "expert",
            ["feeds"],
            {"notes": "Instagram style ranking"},
        ),
    ]:
        q = await f.question(
            client, user, text, question_category=cat, question_difficulty=diff, tags=tags, **extra
        )
        ids[key] = q["id"]
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("question_category=system_design", ["feed", "insta"]),
        ("question_difficulty=medium", ["gil", "conflict"]),
        ("tags=feeds", ["feed", "insta"]),
        ("tags=conflict&tags=python", ["gil", "conflict"]),
        ("tags=CONFLICT", ["conflict"]),
        ("company_id={company}", ["insta"]),
        ("skill_id={python}", ["gil"]),
        ("q=threads", ["gil"]),
        ("q=designing", ["feed", "insta"]),
        ('q="news feed"', ["insta"]),
        ("q=feed -ranking", ["insta"]),
    ],
)
async def test_filters_and_search(
    client: httpx.AsyncClient, alice: UserCtx, query: str, expected: list[str]
) -> None:
    ids = await _bank(client, alice)
    r = await client.get("/api/questions?sort_by=created_at&" + query.format(**ids), headers=alice.headers)
    assert r.status_code == 200, r.text
    assert [q["id"] for q in r.json()["items"]] == [ids[k] for k in expected]


async def test_full_text_ranks_by_relevance(client: httpx.AsyncClient, alice: UserCtx) -> None:
    ids = await _bank(client, alice)
    r = (await client.get("/api/questions?q=instagram", headers=alice.headers)).json()
    # The question whose text says Instagram outranks the one that mentions it only in notes.
    assert [q["id"] for q in r["items"]] == [ids["insta"], ids["feed"]]


async def test_category_route_and_sorting(client: httpx.AsyncClient, alice: UserCtx) -> None:
    ids = await _bank(client, alice)
    r = (
        await client.get(
            "/api/questions/category/system_design?sort_by=question_difficulty&sort_order=asc",
            headers=alice.headers,
        )
    ).json()
    assert [q["id"] for q in r["items"]] == [ids["insta"], ids["feed"]]
    assert_problem(await client.get("/api/questions/category/astrology", headers=alice.headers), 422)
    assert_problem(await client.get("/api/questions?sort_by=owner_id", headers=alice.headers), 422)


async def test_put_patch_delete_restore(client: httpx.AsyncClient, alice: UserCtx) -> None:
    ids = await _bank(client, alice)
    h = alice.headers
    url = f"/api/questions/{ids['conflict']}"
    r = await client.patch(
        url, json={"tags": ["Teamwork", "teamwork", "conflict"], "skill_ids": [ids["python"]]}, headers=h
    )
    assert r.json()["tags"] == ["teamwork", "conflict"] and [s["id"] for s in r.json()["skills"]] == [
        ids["python"]
    ]
    r = await client.put(url, json={"question_text": "Describe a disagreement you resolved"}, headers=h)
    body = r.json()
    assert body["question_category"] == "other" and body["tags"] == [] and body["skills"] == []
    # Search follows the edit: the generated tsvector is recomputed.
    found = (await client.get("/api/questions?q=disagreement", headers=h)).json()["items"]
    assert [q["id"] for q in found] == [ids["conflict"]]
    for bad in [
        {"question_text": "x"},
        {"question_category": None},
        {"tags": ["x" * 51]},
        {"tags": ["a"] * 21},
        {"skill_ids": [12345]},
        {"company_id": 12345},
    ]:
        assert_problem(await client.patch(url, json=bad, headers=h), 422)
    assert (await client.delete(url, headers=h)).status_code == 204
    assert_problem(await client.get(url, headers=h), 404)
    assert ids["conflict"] not in [
        q["id"] for q in (await client.get("/api/questions", headers=h)).json()["items"]
    ]
    trash = (await client.get("/api/questions?deleted=true", headers=h)).json()["items"]
    assert [q["id"] for q in trash] == [ids["conflict"]]
    assert (await client.post(f"{url}/restore", headers=h)).status_code == 200
    assert (await client.get(url, headers=h)).status_code == 200


async def test_skill_links(client: httpx.AsyncClient, alice: UserCtx) -> None:
    ids = await _bank(client, alice)
    h = alice.headers
    url = f"/api/questions/{ids['insta']}/skills"
    r = await client.post(url, json={"skill_id": ids["python"]}, headers=h)
    assert [s["id"] for s in r.json()["skills"]] == [ids["python"]]
    r = await client.post(url, json={"skill_id": ids["python"]}, headers=h)
    assert [s["id"] for s in r.json()["skills"]] == [ids["python"]], "linking twice is harmless"
    assert (await client.delete(f"{url}/{ids['python']}", headers=h)).status_code == 204
    assert_problem(await client.delete(f"{url}/{ids['python']}", headers=h), 404)
