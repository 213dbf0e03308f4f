"""`seed-demo` data reads like one person's job search: seeded through the real seed function
into the test database, then read back over HTTP as a user would see it."""

from __future__ import annotations

import re
import statistics
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app import demo
from app.models import User
from tests.conftest import UserCtx, register_user

N = 160
NOW = datetime.now(UTC)
PAST_TENSE = re.compile(
    r"\b(went|was|were|felt|struggled|said|asked|did|got|had|liked|seemed|ran|lost|talked|answered)\b", re.I
)


async def _seed(app: Any, client: httpx.AsyncClient, email: str, *, seed: int = demo.DEFAULT_SEED) -> UserCtx:
    user = await register_user(client, email)
    async with app.state.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        await demo.seed(session, row, interviews=N, seed=seed, now=NOW)
        await session.commit()
    return user


async def _all(client: httpx.AsyncClient, path: str, user: UserCtx, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        r = await client.get(path, headers=user.headers, params={**params, "page": page, "page_size": 100})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
async def demo_user(app: Any, client: httpx.AsyncClient) -> UserCtx:
    return await _seed(app, client, "demo@example.com")


def test_data_file_is_real_data() -> None:
    data = demo.load_data()
    texts = [q.text for qs in data.questions.values() for q in qs]
    assert 150 <= len(set(texts)) == len(texts) <= 250
    assert 25 <= len(data.companies) <= 40
    assert len({r.family for r in data.roles}) <= 2


async def test_interviews_happen_in_business_hours_over_six_months(
    client: httpx.AsyncClient, demo_user: UserCtx
) -> None:
    tz = ZoneInfo(demo.load_data().candidate.timezone)
    interviews = await _all(client, "/api/interviews", demo_user)
    assert len(interviews) == N
    dates = [_at(i["interview_date"]) for i in interviews]
    assert NOW - timedelta(days=190) <= min(dates) <= NOW - timedelta(days=150)
    assert NOW < max(dates) <= NOW + timedelta(days=15)
    for i, at in zip(interviews, dates, strict=True):
        local = at.astimezone(tz)
        assert local.weekday() < 5, (i["id"], local)
        assert local.minute % 15 == 0 and local.second == 0 and local.microsecond == 0, local
        assert 30 <= i["duration_minutes"] <= 90
        end = (datetime.combine(local.date(), local.time()) + timedelta(minutes=i["duration_minutes"])).time()
        assert time(9, 0) <= local.time() and end <= time(17, 30), (local, i["duration_minutes"])
        assert (i["location"] and i["interviewer_names"]) or i["interview_status"] not in (
            "completed",
            "scheduled",
        )
    assert len({i["company_id"] for i in interviews}) >= 25


async def test_one_candidate_with_consistent_roles(client: httpx.AsyncClient, demo_user: UserCtx) -> None:
    roles = {r["id"]: r for r in await _all(client, "/api/roles", demo_user)}
    assert len({r["department"] for r in roles.values()}) <= 2
    assert {r["seniority_level"] for r in roles.values()} <= {"senior", "staff"}
    for role in roles.values():
        assert role["role_title"].split()[0].lower() == role["seniority_level"], role
    for i in await _all(client, "/api/interviews", demo_user):
        assert i["seniority_level"] == roles[i["role_id"]]["seniority_level"], i


async def test_notes_and_outcomes_fit_what_happened(client: httpx.AsyncClient, demo_user: UserCtx) -> None:
    interviews = await _all(client, "/api/interviews", demo_user)
    future = [i for i in interviews if _at(i["interview_date"]) > NOW]
    assert len(future) >= 4
    for i in future:
        assert i["interview_status"] == "scheduled" and i["outcome"] is None, i
        assert i["overall_rating"] is None and i["feedback"] is None
        assert not PAST_TENSE.search(i["notes"]), i["notes"]
    past = [i for i in interviews if _at(i["interview_date"]) <= NOW]
    assert all(i["interview_status"] != "scheduled" for i in past)
    assert len({i["notes"] for i in interviews}) >= 40

    ratings: dict[str, list[int]] = {}
    for i in past:
        if i["outcome"] and i["overall_rating"] is not None:
            ratings.setdefault(i["outcome"], []).append(i["overall_rating"])
    mean = {k: statistics.fmean(v) for k, v in ratings.items()}
    assert mean["offer"] > mean["advanced"] > mean["rejected"], mean
    assert all(i["outcome"] is None for i in interviews if i["interview_type"] == "mock")

    # Rounds agree with the outcome: every round passed on the way to an offer, one failed at least
    # where the company said no; nothing is judged before it happened.
    # The timeline starts with booking and ends in the status and outcome shown.
    for i in interviews:
        if i["outcome"] not in ("offer", "advanced", "rejected") and _at(i["interview_date"]) <= NOW:
            continue
        detail = (await client.get(f"/api/interviews/{i['id']}", headers=demo_user.headers)).json()
        history = detail["status_history"]
        assert history[0]["status"] == "scheduled" and _at(history[0]["changed_at"]) <= NOW
        assert (history[-1]["status"], history[-1]["outcome"]) == (i["interview_status"], i["outcome"])
        assert [h["changed_at"] for h in history] == sorted(h["changed_at"] for h in history)
        passed = [r["passed"] for r in detail["rounds"]]
        assert passed, detail
        if i["outcome"] in ("offer", "advanced"):
            assert all(passed) and all(r["round_rating"] for r in detail["rounds"])
        elif i["outcome"] == "rejected":
            assert False in passed
        else:
            assert passed == [None] * len(passed) and all(r["round_rating"] is None for r in detail["rounds"])


async def test_questions_are_real_questions(client: httpx.AsyncClient, demo_user: UserCtx) -> None:
    questions = await _all(client, "/api/questions", demo_user)
    texts = [q["question_text"] for q in questions]
    assert 150 <= len(texts) == len(set(texts)) <= 250
    for text in texts:
        assert not re.search(r"\[|\bvariant\b|follow-up:", text, re.I), text


async def test_stats_tell_the_story(client: httpx.AsyncClient, demo_user: UserCtx) -> None:
    h = demo_user.headers
    overview = (await client.get("/api/stats/overview", headers=h)).json()
    assert overview["totals"]["interviews"] == N
    assert 25 <= overview["totals"]["companies"] <= 41
    assert overview["totals"]["cv_versions"] >= 3 and overview["totals"]["open_skill_gaps"] >= 3
    assert 0.5 < overview["success_rate"] < 0.95 and 1 <= overview["offers"] <= 12
    assert overview["upcoming_interviews"], "interviews are booked for the coming week"
    # System design is the weak spot.
    assert overview["weakest_categories"][0]["key"] == "system_design"
    assert overview["practice"]["sessions"] >= 20

    # Practice helps: the last two months rate better than the first two.
    trends = await client.get(
        "/api/stats/trends", headers=h, params={"bucket": "month", "source": "interview"}
    )
    overall = [p for p in trends.json()["points"] if p["category"] is None]
    assert len(overall) >= 6
    early = statistics.fmean(p["average_rating"] for p in overall[:2])
    late = statistics.fmean(p["average_rating"] for p in overall[-2:])
    assert late > early + 0.5, overall

    # Self-ratings in practice run a little above how real interviews go.
    calibration = (await client.get("/api/stats/calibration", headers=h)).json()
    practice = next(r for r in calibration["overall"] if r["source"] == "practice")
    assert 0.2 < practice["mean_difference"] < 2.5

    # Several CV versions with different success; some companies ghost.
    funnel = (await client.get("/api/stats/funnel", headers=h, params={"by": "cv_version"})).json()
    rates = [g["success_rate"] for g in funnel["groups"] if g["key"] is not None and g["decided"]]
    assert len(rates) >= 3 and max(rates) - min(rates) > 0.05
    assert any(c["ghosted"] for c in funnel["companies"])

    # Weaker at fintechs: system design answers there rate below those elsewhere.
    skills = (await client.get("/api/stats/skills", headers=h)).json()["skills"]
    payments = next(s for s in skills if s["skill_name"] == "Distributed systems")
    fintech = [c["average_rating"] for c in payments["by_company"] if c["industry"] == "Fintech"]
    other = [c["average_rating"] for c in payments["by_company"] if c["industry"] != "Fintech"]
    assert statistics.fmean(fintech) < statistics.fmean(other)

    queue = (await client.get("/api/review/queue", headers=h)).json()
    assert queue["total"] >= 50 and queue["items"]


async def test_deterministic_for_a_seed(app: Any, client: httpx.AsyncClient) -> None:
    async def story(user: UserCtx) -> list[tuple[Any, ...]]:
        return [
            (i["interview_date"], i["company"]["company_name"], i["outcome"], i["overall_rating"], i["notes"])
            for i in await _all(client, "/api/interviews", user, sort_by="interview_date")
        ]

    a = await _seed(app, client, "a@example.com", seed=3)
    b = await _seed(app, client, "b@example.com", seed=3)
    c = await _seed(app, client, "c@example.com", seed=4)
    assert await story(a) == await story(b) != await story(c)
