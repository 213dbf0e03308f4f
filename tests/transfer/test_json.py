"""GET /api/export and POST /api/import: the whole account as one document, and back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from app import demo
from app.models import User
from app.transfer.tables import OWNED
from tests import factories as f
from tests.conftest import UserCtx, assert_problem, register_user

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def _export(client: httpx.AsyncClient, user: UserCtx) -> dict[str, Any]:
    r = await client.get("/api/export", headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "attachment" in r.headers["content-disposition"]
    return json.loads(r.content)


def _normalise(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The document with every id replaced by the row's position in its table (and references
    by the position of the row they point at): two documents of the same data compare equal."""
    tables = doc["tables"]
    position = {
        name: {row["id"]: i for i, row in enumerate(rows) if "id" in row} for name, rows in tables.items()
    }
    batches: dict[str, int] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for spec in OWNED:
        rows = []
        for row in tables[spec.name]:
            r = dict(row)
            r.pop("id", None)
            for column, target in spec.references().items():
                if r[column] is not None:
                    r[column] = position[target][r[column]]
            if spec.polymorphic:
                column, kind, targets = spec.polymorphic
                if r[column] is not None:
                    r[column] = position[targets[r[kind]]][r[column]]  # type: ignore[index]
            if r.get("deleted_batch"):
                r["deleted_batch"] = batches.setdefault(r["deleted_batch"], len(batches))
            rows.append(r)
        out[spec.name] = rows
    return out


async def _seed_demo(app: Any, client: httpx.AsyncClient, email: str) -> UserCtx:
    user = await register_user(client, email)
    async with app.state.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        await demo.seed(session, row, interviews=24, now=NOW)
        await session.commit()
    return user


async def test_round_trip_of_demo_data_into_an_empty_account(app: Any, client: httpx.AsyncClient) -> None:
    a = await _seed_demo(app, client, "a@example.com")
    # Trash and a status change make it into the document too.
    first = (await client.get("/api/interviews", headers=a.headers)).json()["items"][0]
    r = await client.patch(
        f"/api/interviews/{first['id']}", json={"notes": "=HYPERLINK()"}, headers=a.headers
    )
    assert r.status_code == 200, r.text
    q = (await client.get("/api/questions", headers=a.headers)).json()["items"][0]
    assert (await client.delete(f"/api/questions/{q['id']}", headers=a.headers)).status_code == 204

    doc_a = await _export(client, a)
    assert doc_a["format"] == "interview-tracker-export" and doc_a["version"] == 1
    for name in (
        "companies",
        "roles",
        "skills",
        "interviews",
        "interview_rounds",
        "interview_questions",
        "questions",
        "question_skills",
        "interview_status_history",
        "practice_sessions",
        "review_cards",
        "review_logs",
    ):
        assert doc_a["tables"][name], f"the demo data has no {name}"
    assert any(r["deleted_at"] for r in doc_a["tables"]["questions"])

    b = await register_user(client, "b@example.com")
    r = await client.post("/api/import", json=doc_a, headers=b.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] is False
    assert report["created"]["interviews"] == len(doc_a["tables"]["interviews"])
    assert not any(report["reused"].values())

    doc_b = await _export(client, b)
    assert _normalise(doc_b) == _normalise(doc_a)
    # The ids are B's own, not copies of A's.
    assert {c["id"] for c in doc_b["tables"]["companies"]}.isdisjoint(
        {c["id"] for c in doc_a["tables"]["companies"]}
    )
    # …and A is untouched.
    assert _normalise(await _export(client, a)) == _normalise(doc_a)


async def test_imported_rows_work_through_the_api(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    company = await f.company(client, alice, "Globex")
    role = await f.role(client, alice, company_id=company["id"])
    interview = await f.interview(client, alice, company["id"], role_id=role["id"])
    question = await f.question(client, alice)
    r = await client.post(
        f"/api/interviews/{interview['id']}/questions",
        json={"question_id": question["id"], "answer_quality_rating": 7},
        headers=alice.headers,
    )
    assert r.status_code == 201, r.text
    doc = await _export(client, alice)

    r = await client.post("/api/import", json=doc, headers=bob.headers)
    assert r.status_code == 200, r.text
    items = (await client.get("/api/interviews", headers=bob.headers)).json()["items"]
    assert len(items) == 1 and items[0]["company"]["company_name"] == "Globex"
    detail = (await client.get(f"/api/interviews/{items[0]['id']}", headers=bob.headers)).json()
    assert detail["role"]["role_title"] == "Backend Engineer"
    assert detail["questions"][0]["answer_quality_rating"] == 7
    assert [h["status"] for h in detail["status_history"]] == ["scheduled"]
    queue = (await client.get("/api/review/queue", headers=bob.headers)).json()
    assert queue["total"] == 1
    assert queue["items"][0]["last_rating"] == {"rating": "good", "score": 7, "source": "interview"}


async def test_another_users_data_is_never_exported(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice, "AliceCo")
    s = await f.skill(client, alice, "Erlang")
    await f.question(client, alice, "Alice's question", skill_ids=[s["id"]])
    await f.interview(client, alice, c["id"])
    bc = await f.company(client, bob, "BobCo")
    bs = await f.skill(client, bob, "Haskell")
    await f.question(client, bob, "Bob's question", skill_ids=[bs["id"]])
    await f.interview(client, bob, bc["id"])

    doc = await _export(client, alice)
    text = json.dumps(doc)
    assert "AliceCo" in text and "Alice's question" in text
    assert "Bob" not in text and "Haskell" not in text
    assert doc["tables"]["question_skills"] == [
        {"question_id": doc["tables"]["questions"][0]["id"], "skill_id": s["id"]}
    ]
    assert "owner_id" not in text


async def test_credentials_are_not_in_the_export(client: httpx.AsyncClient, alice: UserCtx) -> None:
    r = await client.post("/api/auth/api-keys", json={"name": "script"}, headers=alice.headers)
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    feed = await client.post("/api/calendar/feed", headers=alice.headers)
    assert feed.status_code == 201, feed.text
    doc = await _export(client, alice)
    text = json.dumps(doc)
    assert key not in text and key[:12] not in text
    assert feed.json()["url"].rsplit("/", 1)[1].removesuffix(".ics") not in text
    assert not {"api_keys", "calendar_feeds", "users", "agent_tickets"} & set(doc["tables"])


def _doc(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "interview-tracker-export", "version": 1, "tables": tables}


async def _count(client: httpx.AsyncClient, user: UserCtx, path: str) -> int:
    r = await client.get(path, headers=user.headers)
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


async def test_dangling_reference_is_422_naming_the_path_and_writes_nothing(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    doc = _doc(
        companies=[{"id": 1, "company_name": "Initech"}],
        interviews=[
            {"id": 10, "company_id": 1},
            {"id": 11, "company_id": 2},  # there is no company 2 in the document
        ],
    )
    r = await client.post("/api/import", json=doc, headers=alice.headers)
    body = assert_problem(r, 422)
    assert body["errors"][0]["field"] == "tables.interviews[1].company_id"
    assert "tables.interviews[1].company_id" in body["detail"]
    assert await _count(client, alice, "/api/companies") == 0
    assert await _count(client, alice, "/api/interviews") == 0


async def test_bad_values_unknown_columns_and_versions_are_named(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    doc = _doc(
        companies=[{"id": 1, "company_name": "Initech", "colour": "red"}],
        interviews=[{"id": 1, "company_id": 1, "interview_status": "maybe", "interview_date": "tuesday"}],
        secrets=[],
    )
    body = assert_problem(await client.post("/api/import", json=doc, headers=alice.headers), 422)
    assert [e["field"] for e in body["errors"]] == ["tables.secrets"]
    del doc["tables"]["secrets"]
    body = assert_problem(await client.post("/api/import", json=doc, headers=alice.headers), 422)
    assert {e["field"] for e in body["errors"]} == {
        "tables.companies[0].colour",
        "tables.interviews[0].interview_status",
        "tables.interviews[0].interview_date",
    }
    body = assert_problem(
        await client.post("/api/import", json={**doc, "version": 99}, headers=alice.headers), 422
    )
    assert body["errors"][0]["field"] == "version"
    body = assert_problem(
        await client.post(
            "/api/import", content=b"{nope", headers={**alice.headers, "Content-Type": "application/json"}
        ),
        422,
    )
    assert_problem(
        await client.post("/api/import", content=b"x", headers={**alice.headers, "Content-Type": "text/csv"}),
        415,
    )
    assert await _count(client, alice, "/api/companies") == 0


async def test_a_database_constraint_is_422_and_writes_nothing(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    doc = _doc(
        companies=[{"id": 1, "company_name": "Initech"}],
        interviews=[{"id": 1, "company_id": 1, "overall_rating": 11}],
    )
    body = assert_problem(await client.post("/api/import", json=doc, headers=alice.headers), 422)
    assert body["errors"][0]["field"] == "tables.interviews"
    assert await _count(client, alice, "/api/companies") == 0


async def test_dry_run_reports_and_writes_nothing(client: httpx.AsyncClient, alice: UserCtx) -> None:
    doc = _doc(
        companies=[{"id": 1, "company_name": "Initech"}, {"id": 2, "company_name": "Hooli"}],
        interviews=[{"id": 1, "company_id": 2, "interview_status": "completed", "outcome": "offer"}],
    )
    r = await client.post("/api/import", params={"dry_run": "true"}, json=doc, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["dry_run"] is True
    assert r.json()["created"]["companies"] == 2 and r.json()["created"]["interviews"] == 1
    assert await _count(client, alice, "/api/companies") == 0
    assert await _count(client, alice, "/api/interviews") == 0


async def test_importing_into_the_same_account_reuses_names(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    c = await f.company(client, alice, "Globex")
    await f.role(client, alice, company_id=c["id"])
    await f.skill(client, alice, "Go")
    await f.interview(client, alice, c["id"])
    doc = await _export(client, alice)
    r = await client.post("/api/import", json=doc, headers=alice.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["reused"]["companies"] == 1 and report["created"]["companies"] == 0
    assert report["reused"]["roles"] == 1 and report["reused"]["skills"] == 1
    assert report["created"]["interviews"] == 1
    assert await _count(client, alice, "/api/companies") == 1
    assert await _count(client, alice, "/api/interviews") == 2


async def test_a_document_over_the_request_body_limit_imports(
    app: Any, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    """Exports outgrow the 1 MB limit on ordinary request bodies; the import has its own."""
    notes = "x" * 20_000
    companies = [{"id": i, "company_name": f"Company {i}", "notes": notes} for i in range(1, 81)]
    doc = _doc(companies=companies)
    body = json.dumps(doc).encode()
    assert len(body) > app.state.settings.max_body_bytes
    r = await client.post(
        "/api/import", content=body, headers={**bob.headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"]["companies"] == 80


async def test_datetimes_outside_the_accepted_range_are_422(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    for value in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00", "1850-01-01T00:00:00Z"):
        doc = _doc(
            companies=[{"id": 1, "company_name": "Initech"}],
            interviews=[{"id": 10, "company_id": 1, "interview_date": value}],
        )
        body = assert_problem(await client.post("/api/import", json=doc, headers=alice.headers), 422)
        assert body["errors"][0]["field"] == "tables.interviews[0].interview_date"
    assert await _count(client, alice, "/api/interviews") == 0
