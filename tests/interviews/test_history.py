"""An interview's status/outcome timeline: written on every change, shown in its detail."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from sqlalchemy import func, select

from app import migrate
from app.interviews.history import timeline_text
from app.interviews.service import history_for
from app.models import InterviewStatusChange
from tests import factories as f
from tests.conftest import TEST_PASSWORD, UserCtx, _asyncpg_dsn, database_url_for


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _points(detail: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(h["status"], h["outcome"]) for h in detail["status_history"]]


async def test_every_status_and_outcome_change_is_kept_in_order(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    path = f"/api/interviews/{i['id']}"
    assert _points(i) == [("scheduled", None)]

    for change in (
        {"interview_status": "completed"},
        {"outcome": "advanced"},
        {"notes": "Went well", "overall_rating": 8},  # other fields: no new point
        {"interview_status": "completed"},  # the same status again: no new point
    ):
        r = await client.patch(path, json=change, headers=alice.headers)
        assert r.status_code == 200, r.text
    r = await client.put(
        path,
        json={"company_id": c["id"], "interview_status": "completed", "outcome": "offer"},
        headers=alice.headers,
    )
    assert r.status_code == 200, r.text

    detail = (await client.get(path, headers=alice.headers)).json()
    assert _points(detail) == [
        ("scheduled", None),
        ("completed", None),
        ("completed", "advanced"),
        ("completed", "offer"),
    ]
    times = [_at(h["changed_at"]) for h in detail["status_history"]]
    assert all(h["changed_at"].endswith("Z") for h in detail["status_history"])
    assert times == sorted(times) and len(set(times)) == len(times)
    assert times[0] == _at(detail["created_at"])
    assert times[-1] == _at(detail["updated_at"])


async def test_history_for_serves_exports(
    app: Any, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice)
    one = await f.interview(client, alice, c["id"], interview_status="completed", outcome="pending")
    two = await f.interview(client, alice, c["id"])
    await client.patch(f"/api/interviews/{two['id']}", json={"outcome": "ghosted"}, headers=alice.headers)
    theirs = await f.interview(client, bob, (await f.company(client, bob))["id"])

    async with app.state.sessionmaker() as session:
        history = await history_for(session, alice.id, [one["id"], two["id"], theirs["id"]])
    assert [(h.status.value, h.outcome) for h in history[one["id"]]] == [("completed", "pending")]
    assert [h.outcome for h in history[two["id"]]] == [None, "ghosted"]
    assert history[theirs["id"]] == []  # another user's interview shows nothing
    text = timeline_text(history[two["id"]])
    assert text.count("; ") == 1 and text.endswith("scheduled (ghosted)") and "Z scheduled; " in text


async def _rows(app: Any, interview_id: int) -> int:
    async with app.state.sessionmaker() as session:
        stmt = select(func.count()).where(InterviewStatusChange.interview_id == interview_id)
        return int((await session.execute(stmt)).scalar_one())


async def test_history_goes_with_its_interview(app: Any, client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    path = f"/api/interviews/{i['id']}"
    await client.patch(path, json={"interview_status": "cancelled"}, headers=alice.headers)

    # To the trash and back: the timeline is hidden with the interview, then back unchanged.
    assert (await client.delete(path, headers=alice.headers)).status_code == 204
    assert (await client.get(path, headers=alice.headers)).status_code == 404
    r = await client.post(f"{path}/restore", headers=alice.headers)
    assert r.status_code == 200, r.text
    assert _points(r.json()) == [("scheduled", None), ("cancelled", None)]

    # Deleted for good (with the account): the rows go too.
    assert await _rows(app, i["id"]) == 2
    r = await client.request(
        "DELETE", "/api/auth/me", json={"password": TEST_PASSWORD}, headers=alice.headers
    )
    assert r.status_code == 204, r.text
    assert await _rows(app, i["id"]) == 0


def test_migration_starts_each_existing_timeline_at_creation(pg_server: Any) -> None:
    async def run(sql: str) -> Any:
        conn = await asyncpg.connect(**_asyncpg_dsn(url))
        try:
            return await (conn.fetch(sql) if sql.startswith("SELECT") else conn.execute(sql))
        finally:
            await conn.close()

    url = database_url_for(pg_server, "history_migration")
    migrate.upgrade(url, "0006")
    asyncio.run(
        run(
            "INSERT INTO users (email, hashed_password) VALUES ('h@example.com', 'x');"
            "INSERT INTO companies (owner_id, company_name) VALUES (1, 'Stripe');"
            "INSERT INTO interviews (owner_id, company_id, interview_status, outcome, created_at) "
            "VALUES (1, 1, 'completed', 'offer', '2026-01-05T10:00:00Z');"
        )
    )
    migrate.upgrade(url, "0007")
    rows = asyncio.run(
        run(
            "SELECT interview_id, interview_status::text AS s, outcome::text AS o, changed_at FROM interview_status_history"
        )
    )
    assert [(r["interview_id"], r["s"], r["o"], r["changed_at"].isoformat()) for r in rows] == [
        (1, "completed", "offer", "2026-01-05T10:00:00+00:00")
    ]
    migrate.downgrade(url, "0006")
    assert asyncio.run(run("SELECT to_regclass('interview_status_history') AS t"))[0]["t"] is None
