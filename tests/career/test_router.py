"""CV versions, practice sessions, skill gaps, user skills."""

from __future__ import annotations

import httpx

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


async def test_cv_versions_and_interview_link(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    cv = await f.post(
        client, alice, "/api/cv-versions", {"version_name": "Backend v3", "target_role": "Backend"}
    )
    old = await f.post(client, alice, "/api/cv-versions", {"version_name": "Old", "is_active": False})
    assert_problem(await client.post("/api/cv-versions", json={"version_name": "backend V3"}, headers=h), 409)
    r = (await client.get("/api/cv-versions?is_active=true", headers=h)).json()
    assert [x["id"] for x in r["items"]] == [cv["id"]]
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"], cv_version_id=cv["id"])
    assert i["cv_version_id"] == cv["id"]
    assert [
        x["id"]
        for x in (await client.get(f"/api/interviews?cv_version_id={cv['id']}", headers=h)).json()["items"]
    ] == [i["id"]]
    # Deleting a CV version moves it to the trash; the interview stays and keeps its link.
    assert (await client.delete(f"/api/cv-versions/{cv['id']}", headers=h)).status_code == 204
    assert (await client.get(f"/api/interviews/{i['id']}", headers=h)).json()["cv_version_id"] == cv["id"]
    assert (await client.get(f"/api/cv-versions/{cv['id']}", headers=h)).status_code == 404
    assert (await client.post(f"/api/cv-versions/{cv['id']}/restore", headers=h)).status_code == 200
    r = await client.patch(f"/api/cv-versions/{old['id']}", json={"is_active": True}, headers=h)
    assert r.json()["is_active"] is True


async def test_practice_sessions(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    q1 = await f.question(client, alice, "Design a rate limiter", question_category="system_design")
    q2 = await f.question(client, alice, "Reverse a linked list", question_category="coding")
    s = await f.post(
        client, alice, "/api/practice-sessions", {"duration_minutes": 45, "focus_category": "system_design"}
    )
    assert s["session_date"] and s["questions"] == []
    base = f"/api/practice-sessions/{s['id']}/questions"
    r = await client.post(base, json={"question_id": q1["id"], "self_rating": 6}, headers=h)
    assert r.status_code == 201 and r.json()["question"]["question_text"] == "Design a rate limiter"
    await client.post(base, json={"question_id": q2["id"], "self_rating": 8}, headers=h)
    assert_problem(await client.post(base, json={"question_id": q1["id"]}, headers=h), 409)
    assert_problem(await client.post(base, json={"question_id": q1["id"] + 100}, headers=h), 422)
    assert_problem(await client.post(base, json={"question_id": q2["id"], "self_rating": 11}, headers=h), 422)
    r = await client.patch(f"{base}/{q1['id']}", json={"self_rating": 7}, headers=h)
    assert r.json()["self_rating"] == 7
    got = (await client.get(f"/api/practice-sessions/{s['id']}", headers=h)).json()
    assert [(x["question_id"], x["self_rating"]) for x in got["questions"]] == [(q1["id"], 7), (q2["id"], 8)]
    assert (await client.delete(f"{base}/{q2['id']}", headers=h)).status_code == 204
    r = (await client.get("/api/practice-sessions?focus_category=system_design", headers=h)).json()
    assert r["total"] == 1 and len(r["items"][0]["questions"]) == 1
    assert (await client.get("/api/practice-sessions?focus_category=coding", headers=h)).json()["total"] == 0
    assert (await client.delete(f"/api/practice-sessions/{s['id']}", headers=h)).status_code == 204
    assert (await client.get(f"/api/questions/{q1['id']}", headers=h)).status_code == 200


async def test_skill_gaps(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    sk = await f.skill(client, alice, "PostgreSQL")
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    q = await f.question(client, alice, "Explain MVCC")
    gap = await f.post(
        client,
        alice,
        "/api/skill-gaps",
        {
            "skill_id": sk["id"],
            "interview_id": i["id"],
            "question_id": q["id"],
            "gap_description": "MVCC is fuzzy",
            "severity": "high",
        },
    )
    assert (
        gap["skill"]["skill_name"] == "PostgreSQL"
        and gap["status"] == "identified"
        and gap["resolved_at"] is None
    )
    r = await client.patch(f"/api/skill-gaps/{gap['id']}", json={"status": "resolved"}, headers=h)
    assert r.json()["resolved_at"] is not None
    r = await client.patch(f"/api/skill-gaps/{gap['id']}", json={"status": "in_progress"}, headers=h)
    assert r.json()["resolved_at"] is None
    assert [
        g["id"] for g in (await client.get("/api/skill-gaps?severity=high", headers=h)).json()["items"]
    ] == [gap["id"]]
    assert (await client.get("/api/skill-gaps?status=resolved", headers=h)).json()["total"] == 0
    assert_problem(
        await client.post("/api/skill-gaps", json={"skill_id": sk["id"], "gap_description": ""}, headers=h),
        422,
    )
    assert_problem(
        await client.post(
            "/api/skill-gaps", json={"skill_id": sk["id"] + 9, "gap_description": "x"}, headers=h
        ),
        422,
    )


async def test_user_skills(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    sk = await f.skill(client, alice, "Go")
    us = await f.post(
        client,
        alice,
        "/api/user-skills",
        {"skill_id": sk["id"], "proficiency_level": "advanced", "years_experience": 4.5, "self_rating": 7},
    )
    assert us["skill"]["skill_name"] == "Go" and us["years_experience"] == 4.5
    assert_problem(await client.post("/api/user-skills", json={"skill_id": sk["id"]}, headers=h), 409)
    r = await client.patch(f"/api/user-skills/{us['id']}", json={"proficiency_level": "expert"}, headers=h)
    assert r.json()["proficiency_level"] == "expert"
    assert (await client.get("/api/user-skills?proficiency_level=expert", headers=h)).json()["total"] == 1
    assert_problem(
        await client.patch(f"/api/user-skills/{us['id']}", json={"self_rating": 0}, headers=h), 422
    )
