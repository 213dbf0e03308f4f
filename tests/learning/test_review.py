"""The FSRS review schedule over HTTP: fed by interview and practice ratings and by reviews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _asked(
    client: httpx.AsyncClient,
    user: UserCtx,
    rating: int | None,
    *,
    company: str = "Stripe",
    text: str = "Tell me about a time you disagreed with your manager",
    days_ago: float = 3,
    **question: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A question asked in a real interview `days_ago`, rated `rating`: (question, interview)."""
    c = await f.company(client, user, company)
    i = await f.interview(client, user, c["id"], interview_date=_ago(days_ago), interview_status="completed")
    q = await f.question(client, user, text, **question)
    body = {"question_id": q["id"], "answer_quality_rating": rating}
    r = await client.post(f"/api/interviews/{i['id']}/questions", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return q, i


async def _queue(client: httpx.AsyncClient, user: UserCtx, **params: Any) -> dict[str, Any]:
    r = await client.get("/api/review/queue", params=params, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _card(client: httpx.AsyncClient, user: UserCtx, question_id: int) -> dict[str, Any] | None:
    items = (await _queue(client, user, limit=100))["items"]
    return next((i for i in items if i["question"]["id"] == question_id), None)


async def test_low_interview_rating_is_due_now_with_a_reason(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    q, _ = await _asked(client, alice, 2)
    body = await _queue(client, alice)
    assert body["total"] == 1 and body["due"] == 1
    item = body["items"][0]
    assert item["question"]["id"] == q["id"]
    assert item["is_due"] is True
    assert _at(item["card"]["due"]) <= datetime.now(UTC)
    assert item["card"]["reps"] == 1 and item["card"]["state"] == "learning"
    assert item["last_rating"] == {"rating": "again", "score": 2, "source": "interview"}
    assert "2/10 at Stripe" in item["reason"] and "due now" in item["reason"]


async def test_high_rating_is_not_due_for_days_and_a_good_review_moves_it_later(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    q, _ = await _asked(client, alice, 9, days_ago=1)
    item = await _card(client, alice, q["id"])
    assert item is not None and item["is_due"] is False
    due = _at(item["card"]["due"])
    assert due - datetime.now(UTC) > timedelta(days=3)
    assert item["last_rating"]["rating"] == "easy"

    r = await client.post(f"/api/review/{q['id']}", json={"rating": "good"}, headers=alice.headers)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["rating"] == "good" and result["card"]["reps"] == 2
    assert _at(result["next_due"]) > due, "reviewing it `good` moves it later"
    assert result["interval"].endswith("days")


async def test_review_by_score_and_validation(client: httpx.AsyncClient, alice: UserCtx) -> None:
    q = await f.question(client, alice, "What is a B-tree?")
    r = await client.post(f"/api/review/{q['id']}", json={"score": 3}, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["rating"] == "again" and r.json()["interval"] == "10 minutes"
    for bad in ({}, {"score": 11}, {"rating": "meh"}, {"score": 5, "rating": "good"}):
        assert_problem(await client.post(f"/api/review/{q['id']}", json=bad, headers=alice.headers), 422)
    assert_problem(
        await client.post("/api/review/999999", json={"rating": "good"}, headers=alice.headers), 404
    )


async def test_edited_rating_replaces_its_review_and_cleared_rating_removes_it(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    q, i = await _asked(client, alice, 2)
    path = f"/api/interviews/{i['id']}/questions/{q['id']}"
    r = await client.patch(path, json={"answer_quality_rating": 10}, headers=alice.headers)
    assert r.status_code == 200, r.text
    item = await _card(client, alice, q["id"])
    assert item is not None
    assert item["card"]["reps"] == 1, "an edited rating replaces its review, it does not add one"
    assert item["last_rating"]["score"] == 10 and not item["is_due"]

    r = await client.patch(path, json={"answer_quality_rating": None}, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert await _card(client, alice, q["id"]) is None

    await client.patch(path, json={"answer_quality_rating": 4}, headers=alice.headers)
    assert (await _card(client, alice, q["id"])) is not None
    assert (await client.delete(path, headers=alice.headers)).status_code == 204
    assert await _card(client, alice, q["id"]) is None, "unlinking the question forgets its rating"


async def test_older_rating_arriving_later_is_replayed_in_time_order(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    # Reviewed `easy` just now; then an interview from 20 days ago is logged with 2/10.
    q = await f.question(client, alice, "Explain consistent hashing")
    r = await client.post(f"/api/review/{q['id']}", json={"rating": "easy"}, headers=alice.headers)
    easy_only = r.json()["card"]
    c = await f.company(client, alice, "Acme")
    i = await f.interview(client, alice, c["id"], interview_date=_ago(20))
    body = {"question_id": q["id"], "answer_quality_rating": 2}
    assert (
        await client.post(f"/api/interviews/{i['id']}/questions", json=body, headers=alice.headers)
    ).is_success

    item = await _card(client, alice, q["id"])
    assert item is not None and item["card"]["reps"] == 2
    # In time order the last review is still today's `easy`, so it stays the latest rating and
    # the card is not due (applied last, the failure would have made it due now); but the earlier
    # failure leaves it harder and less stable than `easy` alone.
    assert item["last_rating"]["rating"] == "easy"
    assert _at(item["last_reviewed_at"]) > datetime.now(UTC) - timedelta(minutes=5)
    assert not item["is_due"] and item["card"]["state"] == "review"
    assert item["card"]["difficulty"] > easy_only["difficulty"]
    assert item["card"]["stability"] < easy_only["stability"]


async def test_practice_self_ratings_feed_the_schedule(client: httpx.AsyncClient, alice: UserCtx) -> None:
    q = await f.question(client, alice, "Reverse a linked list", question_category="coding")
    p = await f.post(client, alice, "/api/practice-sessions", {"session_date": _ago(2)})
    body = {"question_id": q["id"], "self_rating": 4}
    r = await client.post(f"/api/practice-sessions/{p['id']}/questions", json=body, headers=alice.headers)
    assert r.status_code == 201, r.text
    item = await _card(client, alice, q["id"])
    assert item is not None
    assert item["last_rating"] == {"rating": "hard", "score": 4, "source": "practice"}
    assert "practice answer 4/10" in item["reason"]

    path = f"/api/practice-sessions/{p['id']}/questions/{q['id']}"
    assert (await client.patch(path, json={"self_rating": 9}, headers=alice.headers)).is_success
    item = await _card(client, alice, q["id"])
    assert item is not None and item["card"]["reps"] == 1 and item["last_rating"]["score"] == 9


async def test_users_never_see_each_others_cards(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    q, i = await _asked(client, alice, 2)
    assert (await _queue(client, bob))["total"] == 0
    summary = (await client.get("/api/review/summary", headers=bob.headers)).json()
    assert summary["cards"] == 0 and summary["due_now"] == 0
    assert_problem(
        await client.post(f"/api/review/{q['id']}", json={"rating": "good"}, headers=bob.headers), 404
    )
    assert_problem(
        await client.get("/api/review/queue", params={"interview_id": i["id"]}, headers=bob.headers), 404
    )
    assert (await _queue(client, alice))["total"] == 1


async def test_interview_narrowing_picks_that_companys_questions_skills_and_gaps(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    stripe_q, _ = await _asked(client, alice, 3, company="Stripe", text="Design a payments ledger")
    other_q, _ = await _asked(client, alice, 3, company="Globex", text="Tell me about yourself")
    sql = await f.skill(client, alice, "SQL")
    gap_skill = await f.skill(client, alice, "Kafka")
    skill_q, _ = await _asked(
        client, alice, 5, company="Initech", text="Explain window functions", skill_ids=[sql["id"]]
    )
    gap_q, _ = await _asked(
        client, alice, 5, company="Umbrella", text="Exactly-once delivery?", skill_ids=[gap_skill["id"]]
    )
    await f.post(
        client, alice, "/api/skill-gaps", {"skill_id": gap_skill["id"], "gap_description": "streams"}
    )

    # An upcoming Stripe interview that will test SQL.
    stripe = (await client.get("/api/companies", params={"q": "Stripe"}, headers=alice.headers)).json()[
        "items"
    ][0]
    upcoming = await f.interview(
        client, alice, stripe["id"], interview_date=(datetime.now(UTC) + timedelta(days=5)).isoformat()
    )
    r = await client.post(
        f"/api/interviews/{upcoming['id']}/skills", json={"skill_id": sql["id"]}, headers=alice.headers
    )
    assert r.status_code == 201, r.text

    assert (await _queue(client, alice))["total"] == 4
    narrowed = await _queue(client, alice, interview_id=upcoming["id"])
    ids = {i["question"]["id"] for i in narrowed["items"]}
    assert ids == {stripe_q["id"], skill_q["id"], gap_q["id"]}
    assert other_q["id"] not in ids

    by_company = await _queue(client, alice, company_id=stripe["id"])
    assert [i["question"]["id"] for i in by_company["items"]] == [stripe_q["id"]]
    by_skill = await _queue(client, alice, skill_id=sql["id"])
    assert [i["question"]["id"] for i in by_skill["items"]] == [skill_q["id"]]


async def test_queue_order_due_first_most_overdue_first(client: httpx.AsyncClient, alice: UserCtx) -> None:
    recent, _ = await _asked(client, alice, 2, company="A", text="Recent failure", days_ago=1)
    old, _ = await _asked(client, alice, 2, company="B", text="Old failure", days_ago=30)
    fine, _ = await _asked(client, alice, 9, company="C", text="Known well", days_ago=1)
    body = await _queue(client, alice)
    assert [i["question"]["id"] for i in body["items"]] == [old["id"], recent["id"], fine["id"]]
    assert body["due"] == 2 and "overdue by 30 days" in body["items"][0]["reason"]
    assert len((await _queue(client, alice, limit=1))["items"]) == 1
    assert_problem(await client.get("/api/review/queue", params={"limit": 0}, headers=alice.headers), 422)
    assert_problem(await client.get("/api/review/queue", params={"bogus": 1}, headers=alice.headers), 422)


async def test_deleted_question_leaves_the_queue_and_comes_back_on_restore(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    q, _ = await _asked(client, alice, 2)
    assert (await client.delete(f"/api/questions/{q['id']}", headers=alice.headers)).status_code == 204
    assert (await _queue(client, alice))["total"] == 0
    assert (await client.get("/api/review/summary", headers=alice.headers)).json()["due_now"] == 0
    assert (await client.post(f"/api/questions/{q['id']}/restore", headers=alice.headers)).is_success
    item = await _card(client, alice, q["id"])
    assert item is not None and item["card"]["reps"] == 1


async def test_summary(client: httpx.AsyncClient, alice: UserCtx) -> None:
    await _asked(client, alice, 2, company="A", text="Failed long ago", days_ago=10)
    await _asked(client, alice, 7, company="B", text="Decent yesterday", days_ago=1)
    await _asked(client, alice, 9, company="C", text="Great today", days_ago=0)
    r = await client.get("/api/review/summary", headers=alice.headers)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["cards"] == 3
    assert s["due_now"] == 1 and s["overdue"] == 1 and s["due_today"] >= 1
    assert s["reviewed_last_7_days"] == 2
    assert len(s["forecast"]) == 14 and sum(d["due"] for d in s["forecast"]) == 3
    assert s["forecast"][0]["due"] >= 1
    ret = s["retention"]
    assert ret["desired_retention"] == 0.9 and ret["cards"] == 3
    assert 0 < ret["average_retrievability"] <= 1


async def test_interview_queue_puts_that_companys_questions_first_with_reasons(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    """Due cards elsewhere must not crowd out what the target company asked, due or not."""
    payments = await f.skill(client, alice, "Payments")
    kafka = await f.skill(client, alice, "Kafka")
    await f.post(client, alice, "/api/skill-gaps", {"skill_id": kafka["id"], "gap_description": "streams"})
    gap_q, _ = await _asked(
        client, alice, 2, company="Qonto", text="Exactly-once delivery?", days_ago=30, skill_ids=[kafka["id"]]
    )
    skill_q, _ = await _asked(
        client,
        alice,
        2,
        company="GitLab",
        text="Idempotent payment APIs?",
        days_ago=20,
        skill_ids=[payments["id"]],
    )
    await _asked(client, alice, 2, company="Miro", text="Tell me about yourself", days_ago=25)
    weak_q, past = await _asked(client, alice, 3, company="Stripe", text="Explain 3-D Secure", days_ago=2)
    strong_q = await f.question(client, alice, "Design a ledger")
    await f.post(
        client,
        alice,
        f"/api/interviews/{past['id']}/questions",
        {"question_id": strong_q["id"], "answer_quality_rating": 9},
    )
    stripe = {"id": past["company_id"]}
    upcoming = await f.interview(
        client, alice, stripe["id"], interview_date=(datetime.now(UTC) + timedelta(days=5)).isoformat()
    )
    await f.post(client, alice, f"/api/interviews/{upcoming['id']}/skills", {"skill_id": payments["id"]})

    everything = await _queue(client, alice)
    assert everything["items"][0]["question"]["id"] == gap_q["id"]  # the most overdue, unfocused

    body = await _queue(client, alice, interview_id=upcoming["id"])
    got = [i["question"]["id"] for i in body["items"]]
    # Stripe's own questions first (the weaker answer first, though neither may be due yet),
    # then the due card on a skill the interview tests, then the open gap; Miro's never.
    assert got == [weak_q["id"], strong_q["id"], skill_q["id"], gap_q["id"]], body["items"]
    reasons = [i["reason"] for i in body["items"]]
    day = (datetime.now(UTC) - timedelta(days=2)).day
    assert reasons[0].startswith(f"Stripe asked this on {day} "), reasons[0]
    assert "you rated 3/10" in reasons[0]
    assert reasons[2].startswith("Tests Payments, a skill this interview tests."), reasons[2]
    assert reasons[3].startswith("Tests Kafka, one of your open skill gaps."), reasons[3]

    by_company = await _queue(client, alice, company_id=stripe["id"])
    assert [i["question"]["id"] for i in by_company["items"]] == [weak_q["id"], strong_q["id"]]
    assert all(i["reason"].startswith("Stripe asked this") for i in by_company["items"])
