"""The question list and detail are JSON that PostgreSQL writes and the API sends as it is: each
must be exactly what the schema would produce, in the requested order, with the right total."""

from __future__ import annotations

import httpx

from app.kit.etag import etag_of
from app.kit.schemas import Page
from app.questions.schemas import AskedIn, QuestionDetail, QuestionRead
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


async def test_detail_is_the_schemas_json(client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx) -> None:
    """The detail (skills, where the question was asked) is written by PostgreSQL too: it must be
    what QuestionDetail produces, with the ETag the rest of the API computes, and hide the
    interviews in the trash."""
    h = alice.headers
    py, sql = await f.skill(client, alice, "Python"), await f.skill(client, alice, "SQL")
    q = await f.question(
        client, alice, 'Explain "MVCC" \\ naïve ☕', tags=["db"], skill_ids=[sql["id"], py["id"]]
    )
    company = await f.company(client, alice, "Zürich Labs")
    dated = [
        await f.interview(client, alice, company["id"], interview_date=d)
        for d in ("2026-01-05T09:00:00.250000+01:00", "2026-02-01T10:00:00Z")
    ]
    undated = await f.interview(client, alice, company["id"])
    trashed = await f.interview(client, alice, company["id"], interview_date="2026-03-01T10:00:00Z")
    for n, interview in enumerate([undated, *dated, trashed]):
        link = {"question_id": q["id"], "answer_quality_rating": n + 3}
        r = await client.post(f"/api/interviews/{interview['id']}/questions", json=link, headers=h)
        assert r.status_code == 201, r.text
    assert (await client.delete(f"/api/interviews/{trashed['id']}", headers=h)).status_code == 204

    r = await client.get(f"/api/questions/{q['id']}", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    model = QuestionDetail.model_validate(body)
    assert model.model_dump(mode="json") == body
    assert list(body) == list(QuestionDetail.model_fields)
    assert r.headers["etag"] == etag_of(model)
    assert [s["skill_name"] for s in body["skills"]] == ["Python", "SQL"]
    # Latest first, undated last; the deleted interview is hidden.
    assert [a["interview_id"] for a in body["asked_in"]] == [dated[1]["id"], dated[0]["id"], undated["id"]]
    assert body["asked_in"][1] == {
        "interview_id": dated[0]["id"],
        "company_name": "Zürich Labs",
        "interview_date": "2026-01-05T08:00:00.250000Z",
        "answer_quality_rating": 4,
    }
    assert list(body["asked_in"][0]) == list(AskedIn.model_fields)
    # A write with that ETag is accepted: it names the current version.
    ok = await client.patch(
        f"/api/questions/{q['id']}", json={"notes": "n"}, headers={**h, "If-Match": r.headers["etag"]}
    )
    assert ok.status_code == 200, ok.text

    assert (await client.get(f"/api/questions/{q['id']}", headers=bob.headers)).status_code == 404
    assert (await client.delete(f"/api/questions/{q['id']}", headers=h)).status_code == 204
    assert (await client.get(f"/api/questions/{q['id']}", headers=h)).status_code == 404
