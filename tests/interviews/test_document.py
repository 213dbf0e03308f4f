"""The interview detail is JSON that PostgreSQL writes and the API sends as it is: it must be
exactly what the schema would produce (keys, their order, datetimes in UTC with `Z`), and its
ETag the one the rest of the API computes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from app.interviews.schemas import InterviewPage, InterviewRead, InterviewSummary
from app.kit.etag import etag_of
from tests import factories as f
from tests.conftest import UserCtx


def assert_as_the_schema_writes_it(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    model = InterviewRead.model_validate(body)
    assert model.model_dump(mode="json") == body
    assert list(body) == list(InterviewRead.model_fields)
    for child, schema in (("rounds", "RoundRead"), ("questions", "InterviewQuestionRead")):
        for item in body[child]:
            assert list(item) == list(type(getattr(model, child)[0]).model_fields), schema
    # Datetimes are written by the schema's rules, and the ETag names this version.
    assert r.headers["etag"] == etag_of(model)
    assert r.headers["content-type"] == "application/json"
    return body


async def test_detail_create_update_restore_are_the_schemas_json(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    h = alice.headers
    company = await f.company(client, alice, 'Zürich Labs — "quoted" \\ back\nslash')
    role = await f.role(client, alice, company_id=company["id"], seniority_level="senior")
    r = await client.post(
        "/api/interviews",
        json={
            "company_id": company["id"],
            "role_id": role["id"],
            "interview_date": "2026-03-01T09:30:00.120000+02:00",  # microseconds, another zone
            "notes": "naïve ☕ notes\twith\u0001control",
            "interviewer_names": "Ada, Grace",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    created = assert_as_the_schema_writes_it(r)
    assert created["interview_date"] == "2026-03-01T07:30:00.120000Z"
    assert created["company"]["company_name"] == company["company_name"]
    assert [c["status"] for c in created["status_history"]] == ["scheduled"]
    ident = created["id"]

    rounds = [
        {"round_number": 2, "round_type": "technical", "round_date": "2026-03-01T10:00:00Z", "passed": True},
        {"round_number": 1, "round_type": "recruiter_screen"},
    ]
    for body in rounds:
        assert (await client.post(f"/api/interviews/{ident}/rounds", json=body, headers=h)).status_code == 201
    q = await f.question(client, alice, question_category="technical", question_difficulty="hard")
    s = await f.skill(client, alice)
    await f.post(
        client,
        alice,
        f"/api/interviews/{ident}/questions",
        {"question_id": q["id"], "answer_quality_rating": 7},
    )
    await f.post(
        client, alice, f"/api/interviews/{ident}/skills", {"skill_id": s["id"], "performance_rating": 6}
    )
    patched = await client.patch(
        f"/api/interviews/{ident}", json={"interview_status": "completed", "outcome": "advanced"}, headers=h
    )
    assert patched.status_code == 200, patched.text
    after = assert_as_the_schema_writes_it(patched)
    assert [c["status"] for c in after["status_history"]] == ["scheduled", "completed"]

    got = await client.get(f"/api/interviews/{ident}", headers=h)
    body = assert_as_the_schema_writes_it(got)
    assert body == after
    assert [x["round_number"] for x in body["rounds"]] == [1, 2]
    assert body["rounds"][1]["round_date"] == "2026-03-01T10:00:00Z"  # no fraction when there is none
    assert body["questions"][0]["question"]["question_difficulty"] == "hard"
    assert body["skills"][0]["skill"]["skill_name"] == s["skill_name"]
    datetime.fromisoformat(body["updated_at"])

    # A write without a timeline point, moving the interview to another company: the document
    # it returns is the one a read gives, with the new company joined in.
    other = await f.company(client, alice, "Other Co")
    moved = await client.patch(
        f"/api/interviews/{ident}",
        json={"company_id": other["id"], "role_id": None, "notes": "moved"},
        headers=h,
    )
    assert moved.status_code == 200, moved.text
    moved_body = assert_as_the_schema_writes_it(moved)
    assert (
        moved_body["company"] == {"id": other["id"], "company_name": "Other Co"}
        and moved_body["role"] is None
    )
    assert moved_body["status_history"] == after["status_history"]
    got = await client.get(f"/api/interviews/{ident}", headers=h)
    assert assert_as_the_schema_writes_it(got) == moved_body and got.headers["etag"] == moved.headers["etag"]

    # The ETag works as a precondition, and the restored interview is the same document shape.
    stale = got.headers["etag"]
    assert (
        await client.delete(f"/api/interviews/{ident}", headers={**h, "If-Match": stale})
    ).status_code == 204
    restored = await client.post(f"/api/interviews/{ident}/restore", headers=h)
    assert restored.status_code == 200, restored.text
    assert assert_as_the_schema_writes_it(restored)["deleted_at"] is None


async def test_list_pages_are_the_schemas_json(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    """The list is PostgreSQL's JSON too: items as InterviewSummary writes them, in order, with
    the total and a working cursor."""
    acme = await f.company(client, alice, "Acme")
    role = await f.role(client, alice, company_id=acme["id"])
    dates = ["2026-01-05T10:00:00Z", "2026-01-03T10:00:00.250000Z", None]
    made = [
        await f.interview(client, alice, acme["id"], interview_date=d, role_id=role["id"] if n else None)
        for n, d in enumerate(dates)
    ]
    await f.interview(client, bob, (await f.company(client, bob))["id"])  # never in alice's list
    r = await client.get("/api/interviews?page_size=2", headers=alice.headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert InterviewPage.model_validate(body).model_dump(mode="json") == body
    assert list(body) == list(InterviewPage.model_fields)
    assert list(body["items"][0]) == list(InterviewSummary.model_fields)
    assert [i["id"] for i in body["items"]] == [made[0]["id"], made[1]["id"]]  # newest date first
    assert body["items"][1]["interview_date"] == "2026-01-03T10:00:00.250000Z"
    assert body["items"][1]["role"]["role_title"] == role["role_title"]
    assert body["total"] == 3 and body["pages"] == 2 and body["next_cursor"]
    more = (
        await client.get(f"/api/interviews?page_size=2&cursor={body['next_cursor']}", headers=alice.headers)
    ).json()
    assert [i["id"] for i in more["items"]] == [made[2]["id"]] and more["next_cursor"] is None
    assert more["items"][0]["interview_date"] is None
    empty = (await client.get("/api/interviews?page=5", headers=alice.headers)).json()
    assert empty["items"] == [] and empty["total"] == 3 and empty["next_cursor"] is None
