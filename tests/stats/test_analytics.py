"""Analytics numbers against values computed by hand on small data built through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert

from app.models import AnswerAttempt
from app.stats.analytics import wilson
from tests import factories as f
from tests.conftest import UserCtx, assert_problem


def _ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _rate(
    client: httpx.AsyncClient, user: UserCtx, interview_id: int, question_id: int, rating: int
) -> None:
    r = await client.post(
        f"/api/interviews/{interview_id}/questions",
        json={"question_id": question_id, "answer_quality_rating": rating},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text


async def _practise(client: httpx.AsyncClient, user: UserCtx, when: str, ratings: dict[int, int]) -> None:
    s = await f.post(client, user, "/api/practice-sessions", {"session_date": when})
    for qid, rating in ratings.items():
        r = await client.post(
            f"/api/practice-sessions/{s['id']}/questions",
            json={"question_id": qid, "self_rating": rating},
            headers=user.headers,
        )
        assert r.status_code == 201, r.text


async def _trash(client: httpx.AsyncClient, user: UserCtx, path: str) -> None:
    r = await client.delete(path, headers=user.headers)
    assert r.status_code == 204, r.text


def test_wilson_matches_published_values() -> None:
    # 8 of 10: the textbook 95% Wilson interval is 0.490–0.943.
    assert wilson(8, 10) == pytest.approx(_interval(0.4902, 0.9433))
    assert wilson(0, 0) is None


def _interval(low: float, high: float) -> Any:
    from app.stats.schemas import Interval

    return Interval(low=low, high=high)


# --- /api/stats/overview: rounds -------------------------------------------------------------


async def test_overview_counts_rounds(client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx) -> None:
    c = await f.company(client, alice, "Acme")
    i = await f.interview(client, alice, c["id"])
    for body in [
        {"round_type": "technical", "round_rating": 6, "passed": True},
        {"round_type": "technical", "round_rating": 8, "passed": False},
        {"round_type": "behavioral"},
    ]:
        await f.post(client, alice, f"/api/interviews/{i['id']}/rounds", body)
    gone = await f.interview(client, alice, c["id"])
    await f.post(client, alice, f"/api/interviews/{gone['id']}/rounds", {"round_rating": 1, "passed": True})
    await _trash(client, alice, f"/api/interviews/{gone['id']}")
    bc = await f.company(client, bob, "Acme")
    bi = await f.interview(client, bob, bc["id"])
    await f.post(client, bob, f"/api/interviews/{bi['id']}/rounds", {"round_rating": 2, "passed": False})

    rounds = (await client.get("/api/stats/overview", headers=alice.headers)).json()["rounds"]
    assert rounds == {
        "total": 3,
        "rated": 2,
        "average_rating": 7.0,
        "passed": 1,
        "failed": 1,
        "pass_rate": 0.5,
        "by_round_type": [
            {
                "round_type": "behavioral",
                "total": 1,
                "rated": 0,
                "average_rating": None,
                "passed": 0,
                "failed": 0,
                "pass_rate": None,
            },
            {
                "round_type": "technical",
                "total": 2,
                "rated": 2,
                "average_rating": 7.0,
                "passed": 1,
                "failed": 1,
                "pass_rate": 0.5,
            },
        ],
    }
    fresh = (await client.get("/api/stats/overview", headers=bob.headers)).json()["rounds"]
    assert (fresh["total"], fresh["failed"], fresh["pass_rate"]) == (1, 1, 0.0)


# --- /api/stats/skills -----------------------------------------------------------------------


async def test_skills_per_skill_and_company(client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx) -> None:
    fin = await f.company(client, alice, "FinCo", industry="fintech")
    shop = await f.company(client, alice, "Shop", industry="retail")
    sd = await f.skill(client, alice, "System design")
    py = await f.skill(client, alice, "Python")
    await f.skill(client, alice, "Go")  # never rated: listed last, with zero counts
    q1 = await f.question(client, alice, "Design a feed", skill_ids=[sd["id"]])
    q2 = await f.question(client, alice, "Design a queue in Python", skill_ids=[sd["id"], py["id"]])
    q3 = await f.question(client, alice, "Python generators", skill_ids=[py["id"]])

    recent = _ago(10)  # inside the 90-day window
    ia = await f.interview(client, alice, fin["id"], interview_date=recent)
    ib = await f.interview(client, alice, shop["id"], interview_date=_ago(200))
    ic = await f.interview(client, alice, fin["id"], interview_date=_ago(120))
    for iid, qid, rating in [
        (ia["id"], q1["id"], 3),
        (ia["id"], q2["id"], 4),
        (ib["id"], q1["id"], 8),
        (ib["id"], q3["id"], 7),
        (ic["id"], q2["id"], 5),
    ]:
        await _rate(client, alice, iid, qid, rating)
    gone = await f.interview(client, alice, shop["id"], interview_date=recent)
    await _rate(client, alice, gone["id"], q1["id"], 10)
    await _trash(client, alice, f"/api/interviews/{gone['id']}")
    # Bob's skill and ratings stay his.
    bc = await f.company(client, bob, "FinCo")
    bs = await f.skill(client, bob, "System design")
    bq = await f.question(client, bob, "Design a feed", skill_ids=[bs["id"]])
    bi = await f.interview(client, bob, bc["id"], interview_date=recent)
    await _rate(client, bob, bi["id"], bq["id"], 1)

    r = await client.get("/api/stats/skills", headers=alice.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["window_days"] == 90
    skills = report["skills"]
    assert [s["skill_name"] for s in skills] == ["System design", "Python", "Go"]

    sd_row, py_row, go_row = skills
    # System design: 3, 4 (FinCo, recent), 8 (Shop, earlier), 5 (FinCo, earlier).
    assert {k: sd_row[k] for k in _NUMBERS} == {
        "average_rating": 5.0,
        "answers": 4,
        "last_seen_at": recent,
        "recent_average": 3.5,
        "recent_answers": 2,
        "earlier_average": 6.5,
        "earlier_answers": 2,
        "trend": -3.0,
    }
    assert [(c["company_name"], c["industry"]) for c in sd_row["by_company"]] == [
        ("FinCo", "fintech"),
        ("Shop", "retail"),
    ]
    finco, shop_row = sd_row["by_company"]
    assert (finco["average_rating"], finco["answers"], finco["recent_average"], finco["earlier_average"]) == (
        4.0,
        3,
        3.5,
        5.0,
    )
    assert finco["trend"] == -1.5
    assert (
        shop_row["average_rating"],
        shop_row["answers"],
        shop_row["recent_average"],
        shop_row["trend"],
    ) == (
        8.0,
        1,
        None,
        None,
    )
    # Python: 4 (FinCo, recent), 7 (Shop, earlier), 5 (FinCo, earlier).
    assert (py_row["average_rating"], py_row["answers"], py_row["trend"]) == (5.33, 3, -2.0)
    assert [(c["company_name"], c["average_rating"], c["trend"]) for c in py_row["by_company"]] == [
        ("FinCo", 4.5, -1.0),
        ("Shop", 7.0, None),
    ]
    assert go_row["answers"] == 0 and go_row["average_rating"] is None and go_row["by_company"] == []

    bob_skills = (await client.get("/api/stats/skills", headers=bob.headers)).json()["skills"]
    assert [(s["skill_name"], s["average_rating"], s["answers"]) for s in bob_skills] == [
        ("System design", 1.0, 1)
    ]


_NUMBERS = [
    "average_rating",
    "answers",
    "last_seen_at",
    "recent_average",
    "recent_answers",
    "earlier_average",
    "earlier_answers",
    "trend",
]


# --- /api/stats/trends -----------------------------------------------------------------------


async def test_trends_by_week_month_source_and_category(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice, "Acme")
    sd1 = await f.question(client, alice, "Design a cache", question_category="system_design")
    sd2 = await f.question(client, alice, "Design a queue", question_category="system_design")
    beh = await f.question(client, alice, "A conflict", question_category="behavioral")
    # Week of Monday 2025-03-03: Tuesday and Thursday; then the week of 2025-03-17.
    i1 = await f.interview(client, alice, c["id"], interview_date="2025-03-04T10:00:00Z")
    i2 = await f.interview(client, alice, c["id"], interview_date="2025-03-06T23:30:00Z")
    i3 = await f.interview(client, alice, c["id"], interview_date="2025-03-20T09:00:00Z")
    await _rate(client, alice, i1["id"], sd1["id"], 4)
    await _rate(client, alice, i1["id"], beh["id"], 8)
    await _rate(client, alice, i2["id"], sd2["id"], 6)
    await _rate(client, alice, i3["id"], sd1["id"], 2)
    await _practise(client, alice, "2025-03-05T12:00:00Z", {sd1["id"]: 9})
    gone = await f.interview(client, alice, c["id"], interview_date="2025-03-05T10:00:00Z")
    await _rate(client, alice, gone["id"], sd2["id"], 1)
    await _trash(client, alice, f"/api/interviews/{gone['id']}")
    bc = await f.company(client, bob, "Acme")
    bq = await f.question(client, bob, "Design a cache", question_category="system_design")
    bi = await f.interview(client, bob, bc["id"], interview_date="2025-03-04T10:00:00Z")
    await _rate(client, bob, bi["id"], bq["id"], 10)

    r = await client.get("/api/stats/trends", headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["bucket"], body["source"], body["category"]) == ("week", None, None)
    week1, week3 = "2025-03-03T00:00:00Z", "2025-03-17T00:00:00Z"
    assert [
        (p["bucket_start"], p["source"], p["category"], p["average_rating"], p["ratings"])
        for p in body["points"]
    ] == [
        (week1, "interview", None, 6.0, 3),
        (week1, "interview", "behavioral", 8.0, 1),
        (week1, "interview", "system_design", 5.0, 2),
        (week1, "practice", None, 9.0, 1),
        (week1, "practice", "system_design", 9.0, 1),
        (week3, "interview", None, 2.0, 1),
        (week3, "interview", "system_design", 2.0, 1),
    ]

    r = await client.get(
        "/api/stats/trends",
        params={"bucket": "month", "source": "interview", "category": "system_design"},
        headers=alice.headers,
    )
    assert [
        (p["bucket_start"], p["source"], p["category"], p["average_rating"], p["ratings"])
        for p in r.json()["points"]
    ] == [("2025-03-01T00:00:00Z", "interview", "system_design", 4.0, 3)]
    r = await client.get("/api/stats/trends", params={"source": "practice"}, headers=alice.headers)
    assert {p["source"] for p in r.json()["points"]} == {"practice"}

    assert_problem(await client.get("/api/stats/trends?bucket=day", headers=alice.headers), 422)
    assert_problem(await client.get("/api/stats/trends?source=dreams", headers=alice.headers), 422)
    assert_problem(await client.get("/api/stats/trends?cat=coding", headers=alice.headers), 422)


# --- /api/stats/funnel -----------------------------------------------------------------------


async def test_funnel_rates_intervals_response_times_ghosting(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    cv_a = await f.post(client, alice, "/api/cv-versions", {"version_name": "CV A"})
    cv_b = await f.post(client, alice, "/api/cv-versions", {"version_name": "CV B"})
    x = await f.company(client, alice, "Xco")
    y = await f.company(client, alice, "Yco")
    role = await f.role(client, alice, "Backend", company_id=x["id"], seniority_level="senior")

    def iv(company: dict[str, Any], **kw: Any) -> Any:
        return f.interview(client, alice, company["id"], **kw)

    # CV A: advanced at Xco (next round 7 days later), then an offer (recorded now, 23 days after);
    # ghosted by Yco.
    await iv(x, cv_version_id=cv_a["id"], role_id=role["id"], interview_date=_ago(30), outcome="advanced")
    await iv(x, cv_version_id=cv_a["id"], role_id=role["id"], interview_date=_ago(23), outcome="offer")
    await iv(y, cv_version_id=cv_a["id"], interview_date=_ago(20), outcome="ghosted")
    # CV B: rejected by Yco (recorded now, 10 days after), one still pending at Xco.
    await iv(y, cv_version_id=cv_b["id"], interview_date=_ago(10), outcome="rejected", seniority_level="mid")
    await iv(x, cv_version_id=cv_b["id"], interview_date=_ago(5), outcome="pending")
    # No CV: withdrawn, undated.
    await iv(x, outcome="withdrawn")
    # Not counted: a mock interview, a trashed one, Bob's.
    await iv(x, cv_version_id=cv_a["id"], interview_type="mock", outcome="offer")
    gone = await iv(x, cv_version_id=cv_b["id"], outcome="offer")
    await _trash(client, alice, f"/api/interviews/{gone['id']}")
    bc = await f.company(client, bob, "Xco")
    await f.interview(client, bob, bc["id"], outcome="offer")

    r = await client.get("/api/stats/funnel", params={"by": "cv_version"}, headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["by"] == "cv_version"
    a, b, none = body["groups"]
    assert (a["key"], a["label"], b["key"], b["label"], none["key"], none["label"]) == (
        cv_a["id"],
        "CV A",
        cv_b["id"],
        "CV B",
        None,
        "(not set)",
    )
    assert _counts(a) == (3, 1, 1, 0, 1, 0, 0, 2)
    assert (a["success_rate"], a["ghosting_rate"]) == (1.0, 0.3333)
    # Wilson, 2 of 2: centre (1 + 1.96²/4) / (1 + 1.96²/2) = 0.6712, half-width 0.9604 / 2.9208 = 0.3288.
    assert a["success_interval"] == {"low": 0.3424, "high": 1.0}
    assert (a["average_response_days"], a["median_response_days"], a["responses"]) == (15.0, 15.0, 2)
    assert a["note"] and "Only 2 decided interviews" in a["note"]

    assert _counts(b) == (2, 0, 0, 1, 0, 0, 1, 1)
    assert (b["success_rate"], b["ghosting_rate"]) == (0.0, 0.0)
    # Wilson, 0 of 1: (1.9208 ± 1.9208) / 4.8416.
    assert b["success_interval"] == {"low": 0.0, "high": 0.7935}
    assert (b["average_response_days"], b["median_response_days"], b["responses"]) == (10.0, 10.0, 1)

    assert _counts(none) == (1, 0, 0, 0, 0, 1, 0, 0)
    assert (none["success_rate"], none["success_interval"], none["ghosting_rate"]) == (None, None, None)
    assert (none["average_response_days"], none["responses"]) == (None, 0)

    companies = {c["company_name"]: c for c in body["companies"]}
    assert [c["company_name"] for c in body["companies"]] == ["Xco", "Yco"]
    xc, yc = companies["Xco"], companies["Yco"]
    assert xc["company_id"] == x["id"]
    assert _counts(xc) == (4, 1, 1, 0, 0, 1, 1, 2)
    assert (xc["ghosting_rate"], xc["average_response_days"], xc["median_response_days"]) == (0.0, 15.0, 15.0)
    assert _counts(yc) == (2, 0, 0, 1, 1, 0, 0, 1)
    assert (yc["ghosting_rate"], yc["average_response_days"]) == (0.5, 10.0)

    by_company = (await client.get("/api/stats/funnel", headers=alice.headers)).json()
    assert by_company["by"] == "company"
    assert [(g["key"], g["label"], g["interviews"]) for g in by_company["groups"]] == [
        (x["id"], "Xco", 4),
        (y["id"], "Yco", 2),
    ]
    by_level = (await client.get("/api/stats/funnel?by=seniority_level", headers=alice.headers)).json()
    # The role's level counts when the interview names none.
    assert [(g["key"], g["interviews"], g["success_rate"]) for g in by_level["groups"]] == [
        (None, 3, None),
        ("senior", 2, 1.0),
        ("mid", 1, 0.0),
    ]
    by_role = (await client.get("/api/stats/funnel?by=role", headers=alice.headers)).json()
    assert [(g["key"], g["label"], g["interviews"]) for g in by_role["groups"]] == [
        (None, "(not set)", 4),
        (role["id"], "Backend", 2),
    ]

    bob_funnel = (await client.get("/api/stats/funnel", headers=bob.headers)).json()
    assert [(g["label"], g["interviews"], g["offers"]) for g in bob_funnel["groups"]] == [("Xco", 1, 1)]
    assert_problem(await client.get("/api/stats/funnel?by=weather", headers=alice.headers), 422)


def _counts(g: dict[str, Any]) -> tuple[int, ...]:
    keys = ["interviews", "advanced", "offers", "rejected", "ghosted", "withdrawn", "pending", "decided"]
    return tuple(g[k] for k in keys)


# --- /api/stats/calibration ------------------------------------------------------------------


async def test_calibration_practice_against_real_interviews(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice, "Acme")
    q1 = await f.question(client, alice, "Design a cache", question_category="system_design")
    q2 = await f.question(client, alice, "Design a queue", question_category="system_design")
    q3 = await f.question(client, alice, "A conflict", question_category="behavioral")
    q4 = await f.question(client, alice, "Two sum", question_category="coding")  # practised only
    q5 = await f.question(client, alice, "Trashed", question_category="coding")
    real1 = await f.interview(client, alice, c["id"])
    real2 = await f.interview(client, alice, c["id"])
    mock = await f.interview(client, alice, c["id"], interview_type="mock")
    for iid, qid, rating in [
        (real1["id"], q1["id"], 4),
        (real1["id"], q2["id"], 6),
        (real1["id"], q3["id"], 7),
        (real2["id"], q1["id"], 6),
        (real1["id"], q5["id"], 1),
        (mock["id"], q3["id"], 1),  # a mock interview is not a real one
    ]:
        await _rate(client, alice, iid, qid, rating)
    await _practise(
        client, alice, _ago(3), {q1["id"]: 8, q2["id"]: 7, q3["id"]: 9, q4["id"]: 9, q5["id"]: 10}
    )
    await _practise(client, alice, _ago(2), {q1["id"]: 6})
    await _trash(client, alice, f"/api/questions/{q5['id']}")
    bc = await f.company(client, bob, "Acme")
    bq = await f.question(client, bob, "Design a cache", question_category="system_design")
    bi = await f.interview(client, bob, bc["id"])
    await _rate(client, bob, bi["id"], bq["id"], 10)
    await _practise(client, bob, _ago(1), {bq["id"]: 1})

    r = await client.get("/api/stats/calibration", headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    # Per question (practice mean, interview mean): q1 (7, 5), q2 (7, 6), q3 (9, 7).
    # Differences 2, 1, 2 → 1.67. Correlation of (7, 7, 9) with (5, 6, 7): Sxy = 2, Sxx = 8/3, Syy = 2
    # → 2 / sqrt(16/3) = 0.8660.
    [overall] = body["overall"]
    assert overall == {
        "source": "practice",
        "category": None,
        "questions": 3,
        "practice_ratings": 4,
        "interview_ratings": 4,
        "mean_practice": 7.67,
        "mean_interview": 6.0,
        "mean_difference": 1.67,
        "correlation": 0.866,
        "note": "Your practice self-ratings run 1.7 points above how real interviews go on the same 3 "
        "questions. Few questions so far: treat this as a first hint.",
    }
    assert [
        tuple(row[k] for k in ["source", "category", "questions", "mean_practice", "mean_interview"])
        + tuple(row[k] for k in ["mean_difference", "correlation"])
        for row in body["by_category"]
    ] == [
        ("practice", "behavioral", 1, 9.0, 7.0, 2.0, None),
        ("practice", "system_design", 2, 7.0, 5.5, 1.5, None),  # no spread on the practice side
    ]

    bob_cal = (await client.get("/api/stats/calibration", headers=bob.headers)).json()
    assert [(row["mean_difference"], row["questions"]) for row in bob_cal["overall"]] == [(-9.0, 1)]
    assert "9.0 points below" in bob_cal["overall"][0]["note"]


async def test_graded_attempts_in_calibration_and_trends(
    app: Any, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice, "Acme")
    q1 = await f.question(client, alice, "Design a cache", question_category="system_design")
    q2 = await f.question(client, alice, "Two sum", question_category="coding")
    i = await f.interview(client, alice, c["id"])
    await _rate(client, alice, i["id"], q1["id"], 4)
    await _rate(client, alice, i["id"], q2["id"], 6)
    bq = await f.question(client, bob, "Design a cache", question_category="system_design")
    # No HTTP route creates graded attempts yet (POST /api/agents/grade is being built), so the
    # rows go in through the app's own engine, exactly as the grader stores them.
    when = datetime(2025, 3, 4, 10, tzinfo=UTC)
    rows = [(alice.id, q1["id"], 6), (alice.id, q1["id"], 8), (alice.id, q2["id"], 5), (bob.id, bq["id"], 1)]
    async with app.state.engine.begin() as conn:
        await conn.execute(
            insert(AnswerAttempt),
            [
                {
                    "owner_id": owner,
                    "question_id": qid,
                    "agent": "technical",
                    "answer": "an answer",
                    "overall": overall,
                    "criteria": [],
                    "strengths": [],
                    "improvements": [],
                    "better_answer_outline": "",
                    "model": "test",
                    "method": "offline",
                    "created_at": when,
                }
                for owner, qid, overall in rows
            ],
        )

    body = (await client.get("/api/stats/calibration", headers=alice.headers)).json()
    # Per question (graded mean, interview): q1 (7, 4), q2 (5, 6) → differences 3, −1; r = −1.
    assert body["overall"] == [
        {
            "source": "graded",
            "category": None,
            "questions": 2,
            "practice_ratings": 3,
            "interview_ratings": 2,
            "mean_practice": 6.0,
            "mean_interview": 5.0,
            "mean_difference": 1.0,
            "correlation": -1.0,
            "note": "Your graded attempts run 1.0 points above how real interviews go on the same 2 "
            "questions. Few questions so far: treat this as a first hint.",
        }
    ]
    assert [(r["category"], r["mean_difference"]) for r in body["by_category"]] == [
        ("coding", -1.0),
        ("system_design", 3.0),
    ]

    r = await client.get("/api/stats/trends", params={"source": "graded"}, headers=alice.headers)
    assert [
        (p["bucket_start"], p["category"], p["average_rating"], p["ratings"]) for p in r.json()["points"]
    ] == [
        ("2025-03-03T00:00:00Z", None, 6.33, 3),
        ("2025-03-03T00:00:00Z", "coding", 5.0, 1),
        ("2025-03-03T00:00:00Z", "system_design", 7.0, 2),
    ]
