from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests import factories as f
from tests.conftest import UserCtx


async def test_overview_numbers(client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx) -> None:
    h = alice.headers
    c = await f.company(client, alice, "Acme")
    await f.role(client, alice, "Dev", company_id=c["id"])
    sk = await f.skill(client, alice, "Python")
    now = datetime.now(UTC)
    i1 = await f.interview(client, alice, c["id"], interview_status="completed", outcome="offer")
    i2 = await f.interview(
        client, alice, c["id"], interview_status="completed", outcome="rejected", interview_type="mock"
    )
    i3 = await f.interview(client, alice, c["id"], interview_date=(now + timedelta(days=3)).isoformat())
    await f.interview(client, alice, c["id"], interview_date=(now + timedelta(days=30)).isoformat())
    gone = await f.interview(client, alice, c["id"], outcome="advanced")
    await client.delete(f"/api/interviews/{gone['id']}", headers=h)

    qa = await f.question(
        client,
        alice,
        "Design a cache",
        question_category="system_design",
        question_difficulty="hard",
        skill_ids=[sk["id"]],
    )
    qb = await f.question(client, alice, "Tell me about failure", question_category="behavioral")
    qc = await f.question(client, alice, "Two sum", question_category="coding", question_difficulty="easy")
    for iid, qid, rating in [
        (i1["id"], qa["id"], 8),
        (i2["id"], qa["id"], 4),
        (i1["id"], qb["id"], 9),
        (i2["id"], qc["id"], 3),
    ]:
        await client.post(
            f"/api/interviews/{iid}/questions",
            json={"question_id": qid, "answer_quality_rating": rating},
            headers=h,
        )
    # A rating on a deleted interview does not count.
    await client.post(f"/api/interviews/{gone['id']}/restore", headers=h)
    await client.post(
        f"/api/interviews/{gone['id']}/questions",
        json={"question_id": qc["id"], "answer_quality_rating": 10},
        headers=h,
    )
    await client.delete(f"/api/interviews/{gone['id']}", headers=h)
    await f.post(
        client, alice, "/api/skill-gaps", {"skill_id": sk["id"], "gap_description": "eviction policies"}
    )

    # Bob's data must not leak into Alice's numbers.
    bc = await f.company(client, bob, "Acme")
    await f.interview(client, bob, bc["id"], outcome="offer")

    s = (await client.get("/api/stats/overview", headers=h)).json()
    assert s["totals"] == {
        "companies": 1,
        "roles": 1,
        "skills": 1,
        "interviews": 4,
        "questions": 3,
        "cv_versions": 0,
        "practice_sessions": 0,
        "open_skill_gaps": 1,
    }
    assert s["interviews_by_status"] == {
        "scheduled": 2,
        "completed": 2,
        "cancelled": 0,
        "rescheduled": 0,
        "no_show": 0,
    }
    assert s["interviews_by_type"] == {"actual": 3, "mock": 1}
    assert s["interviews_by_outcome"] == {"offer": 1, "rejected": 1, "none": 2}
    assert s["questions_by_category"] == {"system_design": 1, "behavioral": 1, "coding": 1}
    assert s["questions_by_difficulty"] == {"hard": 1, "medium": 1, "easy": 1}
    assert s["average_answer_rating"] == 6.0 and s["answers_rated"] == 4
    by_cat = {g["key"]: (g["average_rating"], g["answers"]) for g in s["average_rating_by_category"]}
    assert by_cat == {"system_design": (6.0, 2), "behavioral": (9.0, 1), "coding": (3.0, 1)}
    assert s["average_rating_by_skill"] == [
        {"key": "Python", "skill_id": sk["id"], "average_rating": 6.0, "answers": 2}
    ]
    assert s["success_rate"] == 0.5 and s["offers"] == 1
    assert [u["id"] for u in s["upcoming_interviews"]] == [i3["id"]]
    assert [g["key"] for g in s["weakest_categories"]] == ["coding", "system_design", "behavioral"]

    # Practice: two sessions (one older than 30 days), three practised questions with self-ratings.
    old = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    s1 = await f.post(client, alice, "/api/practice-sessions", {"focus_category": "coding"})
    s2 = await f.post(client, alice, "/api/practice-sessions", {"session_date": old})
    for sid, qid, rating in [(s1["id"], qc["id"], 4), (s1["id"], qa["id"], 7), (s2["id"], qc["id"], 6)]:
        r = await client.post(
            f"/api/practice-sessions/{sid}/questions",
            json={"question_id": qid, "self_rating": rating},
            headers=h,
        )
        assert r.status_code == 201
    p = (await client.get("/api/stats/overview", headers=h)).json()["practice"]
    assert (
        p["sessions"],
        p["sessions_last_30_days"],
        p["questions_practised"],
        p["average_self_rating"],
    ) == (2, 1, 3, 5.67)
    assert [(g["key"], g["average_rating"], g["answers"]) for g in p["average_self_rating_by_category"]] == [
        ("coding", 5.0, 2),
        ("system_design", 7.0, 1),
    ]

    empty = (await client.get("/api/stats/overview", headers=(await _fresh(client)).headers)).json()
    assert empty["average_answer_rating"] is None and empty["success_rate"] is None
    assert empty["totals"]["interviews"] == 0
    assert empty["practice"] == {
        "sessions": 0,
        "sessions_last_30_days": 0,
        "questions_practised": 0,
        "average_self_rating": None,
        "average_self_rating_by_category": [],
    }


async def _fresh(client: httpx.AsyncClient) -> UserCtx:
    from tests.conftest import register_user

    return await register_user(client)
