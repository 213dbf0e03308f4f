from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


async def test_seed_how_to_use_flow(client: httpx.AsyncClient, alice: UserCtx) -> None:
    """The seed's "How to Use" section, step by step, with an Authorization header."""
    h = alice.headers
    c = await client.post(
        "/api/companies", json={"company_name": "TechCorp", "industry": "Technology"}, headers=h
    )
    assert c.status_code == 201 and c.json()["id"] == 1
    i = await client.post(
        "/api/interviews",
        json={"company_id": 1, "seniority_level": "senior", "interview_type": "actual", "is_remote": True},
        headers=h,
    )
    assert i.status_code == 201
    assert i.json()["interview_status"] == "scheduled" and i.json()["company"]["company_name"] == "TechCorp"
    listed = (await client.get("/api/interviews?interview_status=scheduled&is_remote=true", headers=h)).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == i.json()["id"]
    q = await client.post(
        "/api/questions",
        json={
            "question_text": "How would you design Instagram?",
            "question_category": "system_design",
            "question_difficulty": "hard",
        },
        headers=h,
    )
    assert q.status_code == 201 and q.json()["id"] == 1
    link = await client.post(
        "/api/interviews/1/questions", json={"question_id": 1, "answer_quality_rating": 8}, headers=h
    )
    assert link.status_code == 201
    assert link.json()["answer_quality_rating"] == 8
    assert link.json()["question"]["question_text"] == "How would you design Instagram?"
    detail = (await client.get("/api/interviews/1", headers=h)).json()
    assert [x["question_id"] for x in detail["questions"]] == [1]


async def _setup(client: httpx.AsyncClient, user: UserCtx) -> dict[str, int]:
    a = await f.company(client, user, "Acme")
    b = await f.company(client, user, "Beta")
    r = await f.role(client, user, "SRE", company_id=a["id"], seniority_level="senior")
    now = datetime.now(UTC)
    ids = {}
    ids["past"] = (
        await f.interview(
            client,
            user,
            a["id"],
            role_id=r["id"],
            interview_date=(now - timedelta(days=10)).isoformat(),
            interview_status="completed",
            outcome="offer",
            seniority_level="senior",
            overall_rating=9,
            notes="Kubernetes deep dive and incident stories",
        )
    )["id"]
    ids["soon"] = (
        await f.interview(
            client,
            user,
            b["id"],
            interview_date=(now + timedelta(days=2)).isoformat(),
            interview_type="mock",
            is_remote=True,
            seniority_level="mid",
        )
    )["id"]
    ids["undated"] = (await f.interview(client, user, b["id"], interview_status="cancelled"))["id"]
    ids["acme"], ids["beta"], ids["role"] = a["id"], b["id"], r["id"]
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("company_id={acme}", ["past"]),
        ("role_id={role}", ["past"]),
        ("interview_status=cancelled", ["undated"]),
        ("interview_type=mock", ["soon"]),
        ("seniority_level=mid", ["soon"]),
        ("outcome=offer", ["past"]),
        ("is_remote=true", ["soon"]),
        ("is_remote=false", ["past", "undated"]),
        ("date_from={today}", ["soon"]),
        ("date_to={today}", ["past"]),
        ("q=kubernetes", ["past"]),
        ("q=beta", ["soon", "undated"]),
    ],
)
async def test_filters(client: httpx.AsyncClient, alice: UserCtx, query: str, expected: list[str]) -> None:
    ids = await _setup(client, alice)
    today = datetime.now(UTC).date().isoformat()
    url = "/api/interviews?sort_by=created_at&sort_order=asc&" + query.format(**ids, today=today)
    r = await client.get(url, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert [i["id"] for i in r.json()["items"]] == [ids[k] for k in expected]


async def test_sorting(client: httpx.AsyncClient, alice: UserCtx) -> None:
    ids = await _setup(client, alice)
    h = alice.headers

    async def order(q: str) -> list[int]:
        return [i["id"] for i in (await client.get(f"/api/interviews?{q}", headers=h)).json()["items"]]

    # Default: newest interview date first, undated last.
    assert await order("") == [ids["soon"], ids["past"], ids["undated"]]
    # Oldest first puts undated interviews first (the exact reverse of newest first).
    assert await order("sort_by=interview_date&sort_order=asc") == [ids["undated"], ids["past"], ids["soon"]]
    assert (await order("sort_by=company_name&sort_order=asc"))[0] == ids["past"]
    # Ties (no rating) fall back to the id, in the same direction.
    assert await order("sort_by=overall_rating&sort_order=desc") == [ids["past"], ids["undated"], ids["soon"]]
    for bad in ["sort_by=owner_id", "sort_by=1;drop table interviews", "sort_order=sideways"]:
        assert_problem(await client.get(f"/api/interviews?{bad}", headers=h), 422)


@pytest.mark.parametrize(
    "query",
    [
        "interview_status=done",
        "outcome=maybe",
        "is_remote=perhaps",
        "date_from=yesterday",
        "company_id=0",
        "company_id=99999999999",
        "page_size=500",
        "page=-1",
    ],
)
async def test_bad_filters_are_422(client: httpx.AsyncClient, alice: UserCtx, query: str) -> None:
    assert_problem(await client.get(f"/api/interviews?{query}", headers=alice.headers), 422)


async def test_pagination_edges(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    for _ in range(5):
        await f.interview(client, alice, c["id"])
    h = alice.headers
    body = (await client.get("/api/interviews?page_size=2&page=3", headers=h)).json()
    assert (body["total"], body["pages"], len(body["items"])) == (5, 3, 1)
    seen = set()
    for p in (1, 2, 3):
        seen |= {
            i["id"]
            for i in (await client.get(f"/api/interviews?page_size=2&page={p}", headers=h)).json()["items"]
        }
    assert len(seen) == 5
    assert (await client.get("/api/interviews?page=4&page_size=2", headers=h)).json()["items"] == []


async def test_put_patch_and_validation(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"], notes="first", is_remote=True, overall_rating=5)
    h = alice.headers
    r = await client.patch(f"/api/interviews/{i['id']}", json={"interview_status": "completed"}, headers=h)
    assert r.json()["interview_status"] == "completed" and r.json()["notes"] == "first"
    r = await client.put(
        f"/api/interviews/{i['id']}", json={"company_id": c["id"], "notes": "replaced"}, headers=h
    )
    body = r.json()
    assert (
        body["notes"] == "replaced" and body["is_remote"] is False and body["interview_status"] == "scheduled"
    )
    for bad in [
        {"overall_rating": 11},
        {"overall_rating": 0},
        {"company_id": None},
        {"interview_type": "dream"},
        {"notes": "x" * 20_001},
        {"unknown": 1},
    ]:
        assert_problem(await client.patch(f"/api/interviews/{i['id']}", json=bad, headers=h), 422)
    assert_problem(
        await client.put(f"/api/interviews/{i['id']}", json={"notes": "no company"}, headers=h), 422
    )
    assert (await client.get(f"/api/interviews/{i['id']}", headers=h)).json()["notes"] == "replaced"


async def test_role_must_match_company(client: httpx.AsyncClient, alice: UserCtx) -> None:
    a = await f.company(client, alice, "A")
    b = await f.company(client, alice, "B")
    r = await f.role(client, alice, "Dev", company_id=a["id"])
    body = assert_problem(
        await client.post(
            "/api/interviews", json={"company_id": b["id"], "role_id": r["id"]}, headers=alice.headers
        ),
        422,
    )
    assert body["errors"][0]["field"] == "body.role_id"


async def test_soft_delete_and_restore(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    h = alice.headers
    await client.post(f"/api/interviews/{i['id']}/rounds", json={"round_type": "technical"}, headers=h)
    assert (await client.delete(f"/api/interviews/{i['id']}", headers=h)).status_code == 204
    assert_problem(await client.get(f"/api/interviews/{i['id']}", headers=h), 404)
    assert (await client.get("/api/interviews", headers=h)).json()["total"] == 0
    trash = (await client.get("/api/interviews?deleted=true", headers=h)).json()
    assert [x["id"] for x in trash["items"]] == [i["id"]] and trash["items"][0]["deleted_at"]
    assert_problem(await client.delete(f"/api/interviews/{i['id']}", headers=h), 404)
    restored = await client.post(f"/api/interviews/{i['id']}/restore", headers=h)
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None
    assert len(restored.json()["rounds"]) == 1, "rounds survive a soft delete"
    assert_problem(await client.post(f"/api/interviews/{i['id']}/restore", headers=h), 409)


async def test_rounds(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    h = alice.headers
    base = f"/api/interviews/{i['id']}/rounds"
    r1 = (await client.post(base, json={"round_type": "phone_screen"}, headers=h)).json()
    r2 = (await client.post(base, json={"round_type": "technical", "round_rating": 7}, headers=h)).json()
    assert (r1["round_number"], r2["round_number"]) == (1, 2)
    assert_problem(await client.post(base, json={"round_number": 2}, headers=h), 409)
    assert_problem(await client.post(base, json={"round_rating": 12}, headers=h), 422)
    r = await client.patch(f"{base}/{r2['id']}", json={"round_number": 1}, headers=h)
    assert_problem(r, 409)
    r = await client.patch(f"{base}/{r2['id']}", json={"passed": True, "notes": "good"}, headers=h)
    assert r.json()["passed"] is True and r.json()["round_rating"] == 7
    assert [x["round_number"] for x in (await client.get(base, headers=h)).json()["items"]] == [1, 2]
    assert (await client.delete(f"{base}/{r1['id']}", headers=h)).status_code == 204
    assert [x["id"] for x in (await client.get(base, headers=h)).json()["items"]] == [r2["id"]]
    other = await f.interview(client, alice, c["id"])
    assert_problem(
        await client.patch(f"/api/interviews/{other['id']}/rounds/{r2['id']}", json={}, headers=h), 404
    )


async def test_questions_and_skills_links(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    q = await f.question(client, alice)
    s = await f.skill(client, alice)
    h = alice.headers
    base = f"/api/interviews/{i['id']}"
    link = await client.post(
        f"{base}/questions",
        json={"question_id": q["id"], "answer_quality_rating": 6, "answer_given": "Sharded feeds"},
        headers=h,
    )
    assert link.status_code == 201
    assert_problem(await client.post(f"{base}/questions", json={"question_id": q["id"]}, headers=h), 409)
    assert_problem(await client.post(f"{base}/questions", json={"question_id": 999}, headers=h), 422)
    assert_problem(
        await client.post(
            f"{base}/questions", json={"question_id": q["id"], "answer_quality_rating": 0}, headers=h
        ),
        422,
    )
    r = await client.patch(
        f"{base}/questions/{q['id']}", json={"answer_quality_rating": 9, "feedback": "better"}, headers=h
    )
    assert r.json()["answer_quality_rating"] == 9 and r.json()["answer_given"] == "Sharded feeds"
    detail = (await client.get(f"/api/questions/{q['id']}", headers=h)).json()
    assert detail["asked_in"] == [
        {
            "interview_id": i["id"],
            "company_name": "TechCorp",
            "interview_date": None,
            "answer_quality_rating": 9,
        }
    ]
    assert (await client.delete(f"{base}/questions/{q['id']}", headers=h)).status_code == 204
    assert (await client.get(f"{base}/questions", headers=h)).json()["items"] == []
    assert (await client.get(f"/api/questions/{q['id']}", headers=h)).status_code == 200

    r = await client.post(f"{base}/skills", json={"skill_id": s["id"], "performance_rating": 4}, headers=h)
    assert r.status_code == 201 and r.json()["skill"]["skill_name"] == "Python"
    assert_problem(await client.post(f"{base}/skills", json={"skill_id": s["id"]}, headers=h), 409)
    r = await client.patch(f"{base}/skills/{s['id']}", json={"performance_rating": 8}, headers=h)
    assert r.json()["performance_rating"] == 8
    skills = (await client.get(f"{base}/skills", headers=h)).json()["items"]
    assert [x["skill_id"] for x in skills] == [s["id"]]
    assert (await client.delete(f"{base}/skills/{s['id']}", headers=h)).status_code == 204
    assert_problem(await client.delete(f"{base}/skills/{s['id']}", headers=h), 404)


async def test_cursor_paging_walks_every_row_once(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    now = datetime.now(UTC)
    created = []
    for k in range(7):
        when = None if k % 3 == 0 else (now - timedelta(days=k % 2)).isoformat()  # ties and undated rows
        created.append((await f.interview(client, alice, c["id"], interview_date=when))["id"])
    h = alice.headers
    for sort_by, order in [("interview_date", "desc"), ("interview_date", "asc"), ("created_at", "desc")]:
        base = f"/api/interviews?page_size=3&sort_by={sort_by}&sort_order={order}"
        by_offset = []
        for p in (1, 2, 3):
            by_offset += [i["id"] for i in (await client.get(f"{base}&page={p}", headers=h)).json()["items"]]
        walked, cursor = [], None
        while True:
            body = (await client.get(base + (f"&cursor={cursor}" if cursor else ""), headers=h)).json()
            walked += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert walked == by_offset and sorted(walked) == sorted(created), (sort_by, order)
    assert_problem(await client.get("/api/interviews?cursor=garbage", headers=h), 422)
    first = (await client.get("/api/interviews?page_size=2", headers=h)).json()
    # A cursor made for one sort cannot be used with another.
    assert_problem(
        await client.get(f"/api/interviews?sort_order=asc&cursor={first['next_cursor']}", headers=h), 422
    )
    assert_problem(await client.get("/api/interviews?sort_by=company_name&cursor=abc", headers=h), 422)
