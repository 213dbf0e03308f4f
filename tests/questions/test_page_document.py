"""The question list is JSON that PostgreSQL writes and the API sends as it is: each item must be
exactly what QuestionRead would produce, in the requested order, with the right total."""

from __future__ import annotations

import httpx

from app.kit.schemas import Page
from app.questions.schemas import QuestionRead
from tests import factories as f
from tests.conftest import UserCtx


async def test_pages_are_the_schemas_json(client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx) -> None:
    h = alice.headers
    py, sql = await f.skill(client, alice, "Python"), await f.skill(client, alice, "SQL")
    texts = ["Design a cache for latency", 'Explain ACID "quoted" \\ and naïve ☕', "Reverse a linked list"]
    made = []
    for n, text in enumerate(texts):
        made.append(
            await f.question(
                client,
                alice,
                text,
                question_category="technical",
                question_difficulty="hard" if n else "easy",
                tags=["db", f"t{n}"],
                skill_ids=[sql["id"], py["id"]] if n == 0 else [],
            )
        )
    await f.question(client, bob, "Design a cache for latency")  # another user's: never listed

    r = await client.get("/api/questions?page_size=2&sort_by=created_at&sort_order=asc", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    page = Page[QuestionRead].model_validate(body)
    assert page.model_dump(mode="json") == body
    assert body["total"] == 3 and body["pages"] == 2 and body["page"] == 1
    assert [q["id"] for q in body["items"]] == [made[0]["id"], made[1]["id"]]
    assert list(body["items"][0]) == list(QuestionRead.model_fields)
    assert [s["skill_name"] for s in body["items"][0]["skills"]] == ["Python", "SQL"]
    assert body["items"][1]["question_text"] == texts[1]
    got = (await client.get(f"/api/questions/{made[0]['id']}", headers=h)).json()
    assert {k: got[k] for k in body["items"][0]} == body["items"][0]  # the same as the question's own read

    second = (
        await client.get("/api/questions?page_size=2&page=2&sort_by=created_at&sort_order=asc", headers=h)
    ).json()
    assert [q["id"] for q in second["items"]] == [made[2]["id"]]
    past = (await client.get("/api/questions?page=9", headers=h)).json()
    assert past["items"] == [] and past["total"] == 3

    found = (await client.get("/api/questions?q=cache%20latency", headers=h)).json()
    assert [q["id"] for q in found["items"]] == [made[0]["id"]] and found["total"] == 1
    none = (await client.get("/api/questions?q=zzzqqq", headers=h)).json()
    assert none == {"items": [], "total": 0, "page": 1, "page_size": 20, "pages": 0}
