"""Many clients writing the same user's data at once: no lost updates, no duplicate rows, no
deadlocks or races surfacing as 500s."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests import factories as f
from tests.conftest import TEST_PASSWORD, UserCtx


async def test_concurrent_rounds_get_unique_numbers(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    url = f"/api/interviews/{i['id']}/rounds"
    responses = await asyncio.gather(*(client.post(url, json={}, headers=alice.headers) for _ in range(30)))
    assert Counter(r.status_code for r in responses) == {201: 30}
    numbers = sorted(r.json()["round_number"] for r in responses)
    assert numbers == list(range(1, 31))


async def test_concurrent_duplicate_links_make_one_row(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    q = await f.question(client, alice)
    s = await f.skill(client, alice)
    base = f"/api/interviews/{i['id']}"
    links = await asyncio.gather(
        *(
            client.post(
                f"{base}/questions",
                json={"question_id": q["id"], "answer_quality_rating": 5},
                headers=alice.headers,
            )
            for _ in range(20)
        ),
        *(
            client.post(f"{base}/skills", json={"skill_id": s["id"]}, headers=alice.headers)
            for _ in range(20)
        ),
    )
    statuses = Counter(r.status_code for r in links)
    assert statuses == {201: 2, 409: 38}, statuses
    detail = (await client.get(base, headers=alice.headers)).json()
    assert len(detail["questions"]) == 1 and len(detail["skills"]) == 1


async def test_concurrent_patches_lose_nothing(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    q1 = await f.question(client, alice, "Question one?")
    q2 = await f.question(client, alice, "Question two?")
    q3 = await f.question(client, alice, "Question three?")
    base = f"/api/interviews/{i['id']}"
    for q in (q1, q2, q3):
        await client.post(f"{base}/questions", json={"question_id": q["id"]}, headers=alice.headers)
    patches = [
        client.patch(base, json={"notes": "n"}, headers=alice.headers),
        client.patch(base, json={"overall_rating": 7}, headers=alice.headers),
        client.patch(base, json={"location": "Berlin"}, headers=alice.headers),
        client.patch(base, json={"interview_status": "completed"}, headers=alice.headers),
        client.patch(base, json={"duration_minutes": 60}, headers=alice.headers),
        client.patch(base, json={"is_remote": True}, headers=alice.headers),
        *(
            client.patch(
                f"{base}/questions/{q['id']}", json={"answer_quality_rating": r}, headers=alice.headers
            )
            for q, r in ((q1, 3), (q2, 6), (q3, 9))
        ),
    ]
    responses = await asyncio.gather(*patches)
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses if r.status_code != 200]
    got = (await client.get(base, headers=alice.headers)).json()
    assert (
        got["notes"],
        got["overall_rating"],
        got["location"],
        got["interview_status"],
        got["duration_minutes"],
        got["is_remote"],
    ) == ("n", 7, "Berlin", "completed", 60, True)
    assert sorted(x["answer_quality_rating"] for x in got["questions"]) == [3, 6, 9]


async def test_concurrent_unique_names_and_registrations(client: httpx.AsyncClient, alice: UserCtx) -> None:
    companies = await asyncio.gather(
        *(
            client.post("/api/companies", json={"company_name": "Race Inc"}, headers=alice.headers)
            for _ in range(20)
        )
    )
    assert Counter(r.status_code for r in companies) == {201: 1, 409: 19}
    regs = await asyncio.gather(
        *(
            client.post("/api/auth/register", json={"email": "race@example.com", "password": TEST_PASSWORD})
            for _ in range(10)
        )
    )
    assert Counter(r.status_code for r in regs) == {201: 1, 409: 9}


async def test_concurrent_deletes_and_writes_never_500(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    interviews = [await f.interview(client, alice, c["id"]) for _ in range(5)]
    ops = []
    for i in interviews:
        ops += [
            client.delete(f"/api/interviews/{i['id']}", headers=alice.headers),
            client.post(f"/api/interviews/{i['id']}/rounds", json={}, headers=alice.headers),
            client.patch(f"/api/interviews/{i['id']}", json={"notes": "x"}, headers=alice.headers),
        ]
    ops.append(client.delete(f"/api/companies/{c['id']}?cascade=true", headers=alice.headers))
    responses = await asyncio.gather(*ops)
    assert all(r.status_code < 500 for r in responses), [r.text for r in responses if r.status_code >= 500]
