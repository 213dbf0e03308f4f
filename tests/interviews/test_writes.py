"""PATCH and PUT of an interview run in the driver's own transaction (``@raw_transaction``, no
ORM session): a write that fails is rolled back and its connection goes back to the pool clean;
a request with an API key, checked through a session, writes in the session's transaction."""

from __future__ import annotations

from typing import Any

import httpx

from tests import factories
from tests.conftest import UserCtx, assert_problem, register_user


async def test_a_failed_update_leaves_nothing_behind_on_its_connection(
    make_client: Any, client: httpx.AsyncClient
) -> None:
    # One pooled connection: every request below runs on the connection the failures used.
    small = await make_client(db_pool_size=1, db_max_overflow=0, db_pool_timeout_s=2.0)
    user = await register_user(small)
    mine = await factories.company(small, user)
    other = await factories.company(small, user, "Other")
    foreign_role = await factories.role(small, user, company_id=other["id"])
    created = await small.post(
        "/api/interviews", json={"company_id": mine["id"], "notes": "first"}, headers=user.headers
    )
    url = f"/api/interviews/{created.json()['id']}"
    stale = created.headers["etag"]
    r = await small.patch(url, json={"notes": "second"}, headers={**user.headers, "If-Match": stale})
    assert r.status_code == 200, r.text

    # Each fails after the interview's row was locked and read in the transaction.
    r = await small.patch(url, json={"notes": "lost", "role_id": foreign_role["id"]}, headers=user.headers)
    assert_problem(r, 422)
    r = await small.patch(url, json={"notes": "lost"}, headers={**user.headers, "If-Match": stale})
    assert_problem(r, 412)
    body = {"company_id": mine["id"], "notes": "lost", "cv_version_id": 987_654}
    assert_problem(await small.put(url, json=body, headers=user.headers), 422)

    # The lock went with the rollback: another app's write does not wait for it.
    r = await client.patch(url, json={"notes": "third"}, headers=user.headers, timeout=5)
    assert r.status_code == 200, r.text
    # The connection is out of its transaction: what it writes next is committed for all to see.
    r = await small.put(url, json={"company_id": mine["id"], "notes": "fourth"}, headers=user.headers)
    assert r.status_code == 200, r.text
    seen = (await client.get(url, headers=user.headers)).json()
    assert (seen["notes"], seen["role_id"], seen["cv_version_id"]) == ("fourth", None, None)


async def test_an_api_key_updates_through_the_session(client: httpx.AsyncClient, alice: UserCtx) -> None:
    r = await client.post("/api/auth/api-keys", json={"name": "script"}, headers=alice.headers)
    assert r.status_code == 201, r.text
    key = {"Authorization": f"Bearer {r.json()['key']}"}
    company = await factories.company(client, alice)
    interview = await factories.interview(client, alice, company["id"])
    url = f"/api/interviews/{interview['id']}"
    r = await client.patch(url, json={"notes": "from a script", "interview_status": "completed"}, headers=key)
    assert r.status_code == 200, r.text
    seen = (await client.get(url, headers=alice.headers)).json()
    assert seen["notes"] == "from a script"
    assert [p["status"] for p in seen["status_history"]] == ["scheduled", "completed"]
