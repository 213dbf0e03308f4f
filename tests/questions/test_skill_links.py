"""Linking skills to a question and unlinking them."""

from __future__ import annotations

import httpx

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


async def test_unlink_removes_the_link_and_a_missing_link_is_404(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    q = await f.question(client, alice)
    python, sql = await f.skill(client, alice, "Python"), await f.skill(client, alice, "SQL")
    for s in (python, sql):
        r = await client.post(
            f"/api/questions/{q['id']}/skills", json={"skill_id": s["id"]}, headers=alice.headers
        )
        assert r.status_code == 200, r.text

    r = await client.delete(f"/api/questions/{q['id']}/skills/{python['id']}", headers=alice.headers)
    assert r.status_code == 204, r.text
    body = (await client.get(f"/api/questions/{q['id']}", headers=alice.headers)).json()
    assert [s["id"] for s in body["skills"]] == [sql["id"]]

    # Unlinking again: nothing was deleted, so nothing was there.
    r = await client.delete(f"/api/questions/{q['id']}/skills/{python['id']}", headers=alice.headers)
    assert "was not found" in assert_problem(r, 404)["detail"]
