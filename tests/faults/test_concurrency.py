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


async def test_concurrent_writers_with_if_match_lose_nothing(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    """Ten clients read the same version and all write it back changed: exactly one wins, the
    others learn (412) instead of silently overwriting, and the stored row is the winner's."""
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"], notes="start")
    url = f"/api/interviews/{i['id']}"
    etag = (await client.get(url, headers=alice.headers)).headers["etag"]
    writes = [
        client.patch(url, json={"notes": f"writer {n}"}, headers={**alice.headers, "If-Match": etag})
        for n in range(5)
    ] + [
        client.put(
            url,
            json={"company_id": c["id"], "notes": f"writer {n}"},
            headers={**alice.headers, "If-Match": etag},
        )
        for n in range(5, 10)
    ]
    responses = await asyncio.gather(*writes)
    assert Counter(r.status_code for r in responses) == {200: 1, 412: 9}, [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 200)
    got = await client.get(url, headers=alice.headers)
    assert got.json()["notes"] == winner["notes"]
    assert got.headers["etag"] != etag


async def test_role_and_company_moves_never_leave_a_role_at_another_company(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    """Each interview gets `PATCH {"role_id": <a role at P>}` and `PATCH {"company_id": Q}` at
    once. Each is valid alone, never both: exactly one must win, for every interview."""
    p = await f.company(client, alice, "P Corp")
    q = await f.company(client, alice, "Q Corp")
    role_p = await f.role(client, alice, "At P", company_id=p["id"])
    interviews = [await f.interview(client, alice, p["id"]) for _ in range(15)]
    ops = []
    for i in interviews:
        url = f"/api/interviews/{i['id']}"
        ops += [
            client.patch(url, json={"role_id": role_p["id"]}, headers=alice.headers),
            client.patch(url, json={"company_id": q["id"]}, headers=alice.headers),
        ]
    responses = await asyncio.gather(*ops)
    assert all(r.status_code in (200, 422) for r in responses), [r.text for r in responses]
    for n, i in enumerate(interviews):
        pair = responses[2 * n : 2 * n + 2]
        assert sorted(r.status_code for r in pair) == [200, 422], [r.text for r in pair]
        got = (await client.get(f"/api/interviews/{i['id']}", headers=alice.headers)).json()
        assert got["role_id"] is None or got["company_id"] == p["id"], got
    # And a role cannot move away from the company of the interviews that use it.
    used = await f.role(client, alice, "Used at P", company_id=p["id"])
    await f.interview(client, alice, p["id"], role_id=used["id"])
    moved = await client.patch(
        f"/api/roles/{used['id']}", json={"company_id": q["id"]}, headers=alice.headers
    )
    assert moved.status_code == 422, moved.text


async def test_same_skill_set_concurrently_is_idempotent(client: httpx.AsyncClient, alice: UserCtx) -> None:
    s = await f.skill(client, alice)
    q = await f.question(client, alice)
    url = f"/api/questions/{q['id']}"
    responses = await asyncio.gather(
        *(client.patch(url, json={"skill_ids": [s["id"]]}, headers=alice.headers) for _ in range(20))
    )
    assert Counter(r.status_code for r in responses) == {200: 20}, [r.text for r in responses]
    got = (await client.get(url, headers=alice.headers)).json()
    assert [x["id"] for x in got["skills"]] == [s["id"]]


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
