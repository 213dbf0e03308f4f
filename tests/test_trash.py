"""Nothing a user saved is lost by one click: companies, roles, skills and CV versions go to a
trash like interviews and questions; a cascade takes exactly the rows that reference the target,
and restore brings back exactly those."""

from __future__ import annotations

import httpx

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


async def _ids(client: httpx.AsyncClient, user: UserCtx, path: str) -> list[int]:
    r = await client.get(path, headers=user.headers)
    assert r.status_code == 200, r.text
    return sorted(x["id"] for x in r.json()["items"])


async def test_company_cascade_takes_exactly_its_rows_and_restore_brings_them_back(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    h = alice.headers
    p = await f.company(client, alice, "P Corp")
    q = await f.company(client, alice, "Q Corp")
    role_q = await f.role(client, alice, "At Q", company_id=q["id"])
    at_p = await f.interview(client, alice, p["id"])
    at_q = await f.interview(client, alice, q["id"], role_id=role_q["id"])
    trashed_before = await f.interview(client, alice, q["id"])
    assert (await client.delete(f"/api/interviews/{trashed_before['id']}", headers=h)).status_code == 204

    # The 409 counts exactly what would go: live rows only.
    body = assert_problem(await client.delete(f"/api/companies/{q['id']}", headers=h), 409)
    assert "1 roles" in body["detail"] and "1 interviews" in body["detail"], body["detail"]

    assert (await client.delete(f"/api/companies/{q['id']}?cascade=true", headers=h)).status_code == 204
    assert await _ids(client, alice, "/api/companies") == [p["id"]]
    assert await _ids(client, alice, "/api/companies?deleted=true") == [q["id"]]
    assert await _ids(client, alice, "/api/roles") == []
    assert await _ids(client, alice, "/api/roles?deleted=true") == [role_q["id"]]
    assert await _ids(client, alice, "/api/interviews") == [at_p["id"]]
    assert await _ids(client, alice, "/api/interviews?deleted=true") == [at_q["id"], trashed_before["id"]]
    assert_problem(await client.get(f"/api/companies/{q['id']}", headers=h), 404)
    # A trashed company cannot be referenced, and what it took cannot come back without it.
    r = await client.post("/api/interviews", json={"company_id": q["id"]}, headers=h)
    assert assert_problem(r, 422)["errors"][0]["field"] == "body.company_id"
    assert (
        "in the trash"
        in assert_problem(await client.post(f"/api/interviews/{at_q['id']}/restore", headers=h), 409)[
            "detail"
        ]
    )

    r = await client.post(f"/api/companies/{q['id']}/restore", headers=h)
    assert r.status_code == 200 and r.json()["id"] == q["id"], r.text
    assert await _ids(client, alice, "/api/roles") == [role_q["id"]]
    assert await _ids(client, alice, "/api/interviews") == [at_p["id"], at_q["id"]]
    # Trashed separately before: stays in the trash.
    assert await _ids(client, alice, "/api/interviews?deleted=true") == [trashed_before["id"]]
    assert_problem(await client.post(f"/api/companies/{q['id']}/restore", headers=h), 409)


async def test_role_cascade_and_restore(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    c = await f.company(client, alice)
    role = await f.role(client, alice, company_id=c["id"])
    i = await f.interview(client, alice, c["id"], role_id=role["id"])
    assert (
        "1 interviews"
        in assert_problem(await client.delete(f"/api/roles/{role['id']}", headers=h), 409)["detail"]
    )
    assert (await client.delete(f"/api/roles/{role['id']}?cascade=true", headers=h)).status_code == 204
    assert await _ids(client, alice, "/api/interviews") == []
    assert (await client.post(f"/api/roles/{role['id']}/restore", headers=h)).status_code == 200
    assert await _ids(client, alice, "/api/interviews") == [i["id"]]


async def test_restore_with_a_name_taken_meanwhile_is_409(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    old = await f.company(client, alice, "Acme")
    assert (await client.delete(f"/api/companies/{old['id']}", headers=h)).status_code == 204
    new = await f.company(client, alice, "acme")  # the trash does not hold the name
    assert_problem(await client.post(f"/api/companies/{old['id']}/restore", headers=h), 409)
    assert (await client.delete(f"/api/companies/{new['id']}", headers=h)).status_code == 204
    assert (await client.post(f"/api/companies/{old['id']}/restore", headers=h)).status_code == 200


async def test_skill_in_trash_hides_its_links_and_restore_shows_them(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    h = alice.headers
    s = await f.skill(client, alice)
    q = await f.question(client, alice, skill_ids=[s["id"]])
    i = await f.interview(client, alice, (await f.company(client, alice))["id"])
    assert (
        await client.post(f"/api/interviews/{i['id']}/skills", json={"skill_id": s["id"]}, headers=h)
    ).status_code == 201
    gap = await f.post(client, alice, "/api/skill-gaps", {"skill_id": s["id"], "gap_description": "x"})
    assert (await client.delete(f"/api/skills/{s['id']}?cascade=true", headers=h)).status_code == 204
    assert (await client.get(f"/api/questions/{q['id']}", headers=h)).json()["skills"] == []
    assert (await client.get(f"/api/interviews/{i['id']}", headers=h)).json()["skills"] == []
    assert await _ids(client, alice, "/api/skill-gaps") == []
    assert_problem(await client.get(f"/api/skill-gaps/{gap['id']}", headers=h), 404)
    assert await _ids(client, alice, "/api/skills?deleted=true") == [s["id"]]

    assert (await client.post(f"/api/skills/{s['id']}/restore", headers=h)).status_code == 200
    assert [x["id"] for x in (await client.get(f"/api/questions/{q['id']}", headers=h)).json()["skills"]] == [
        s["id"]
    ]
    assert len((await client.get(f"/api/interviews/{i['id']}", headers=h)).json()["skills"]) == 1
    assert await _ids(client, alice, "/api/skill-gaps") == [gap["id"]]


async def test_other_users_trash_is_invisible(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice)
    assert (await client.delete(f"/api/companies/{c['id']}", headers=alice.headers)).status_code == 204
    assert await _ids(client, bob, "/api/companies?deleted=true") == []
    assert_problem(await client.post(f"/api/companies/{c['id']}/restore", headers=bob.headers), 404)
