"""Mock interviews over HTTP, offline: the plan, answers (JSON and SSE), follow-ups, finishing,
the report and the review schedule, on real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests import factories as f
from tests.agents import sse
from tests.conftest import UserCtx, assert_problem

SHORT = "I would just fix it."
STRONG = (
    "At my last company I led the checkout migration. The situation: payments failed for 3% of users "
    "and the team owned the fix. I first measured the errors, then I wrote a rollback plan and I "
    "split the rollout into three stages. I paired with the on-call engineer and I reviewed every "
    "change. As a result failures dropped from 3% to 0.2% in two weeks and revenue rose by 40,000 "
    "dollars a month. I learned to measure before acting, and now I always write the rollback first."
)


async def _setup(client: httpx.AsyncClient, user: UserCtx) -> dict[str, Any]:
    """Acme asked two questions before: one answered badly long ago (a due card), one not rated.
    Globex asked another, also badly (due, but not Acme's). Two more questions only in the bank."""
    acme = await f.company(client, user, "Acme")
    globex = await f.company(client, user, "Globex")
    due = await f.question(
        client, user, "Tell me about a time you disagreed with a colleague.", question_category="behavioral"
    )
    asked = await f.question(
        client, user, "Describe a project you are proud of.", question_category="behavioral"
    )
    other = await f.question(client, user, "Explain how a hash map works.", question_category="technical")
    bank1 = await f.question(client, user, "Design a URL shortener.", question_category="system_design")
    bank2 = await f.question(client, user, "What is a database index?", question_category="technical")
    past = await f.interview(
        client, user, acme["id"], interview_date="2026-01-10T10:00:00Z", interview_status="completed"
    )
    older = await f.interview(
        client, user, acme["id"], interview_date="2025-06-01T10:00:00Z", interview_status="completed"
    )
    gx = await f.interview(
        client, user, globex["id"], interview_date="2026-01-12T10:00:00Z", interview_status="completed"
    )
    await f.post(
        client,
        user,
        f"/api/interviews/{older['id']}/questions",
        {"question_id": due["id"], "answer_quality_rating": 2},
    )
    await f.post(client, user, f"/api/interviews/{past['id']}/questions", {"question_id": asked["id"]})
    await f.post(
        client,
        user,
        f"/api/interviews/{gx['id']}/questions",
        {"question_id": other["id"], "answer_quality_rating": 2},
    )
    return {
        "acme": acme,
        "globex": globex,
        "due": due,
        "asked": asked,
        "other": other,
        "bank": [bank1, bank2],
    }


async def _create(client: httpx.AsyncClient, user: UserCtx, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/mock-interviews", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_plan_takes_due_cards_then_the_company_s_past_questions_then_the_bank(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    d = await _setup(client, alice)
    mock = await _create(client, alice, company_id=d["acme"]["id"], question_count=5)
    plan = mock["plan"]
    assert [p["position"] for p in plan] == [1, 2, 3, 4, 5]
    assert plan[0]["question_id"] == d["due"]["id"] and plan[0]["source"] == "due"
    assert "Due for review" in plan[0]["reason"] and "Acme" in plan[0]["reason"]
    assert plan[1]["question_id"] == d["asked"]["id"] and plan[1]["source"] == "company"
    assert plan[1]["reason"] == "Acme asked this on 10 Jan 2026."
    # Globex's due card is not Acme's: it only comes in from the bank, after the unpractised ones
    sources = {p["question_id"]: p["source"] for p in plan}
    assert sources[d["other"]["id"]] == "bank"
    assert [p["question_id"] for p in plan[2:]] == [d["bank"][0]["id"], d["bank"][1]["id"], d["other"]["id"]]
    assert len({p["question_id"] for p in plan}) == 5  # never the same question twice
    assert plan[0]["agent"] == "behavioral" and plan[2]["agent"] == "system_design"
    assert mock["current"] == plan[0] and mock["status"] == "in_progress"

    # categories narrow every step of the plan
    mock = await _create(
        client, alice, company_id=d["acme"]["id"], categories=["technical"], question_count=2
    )
    assert [p["question_id"] for p in mock["plan"]] == [d["bank"][1]["id"], d["other"]["id"]]


async def test_an_interview_id_prepares_for_that_interview(client: httpx.AsyncClient, alice: UserCtx) -> None:
    d = await _setup(client, alice)
    kafka = await f.skill(client, alice, "Kafka")
    on_skill = await f.question(
        client,
        alice,
        "How does Kafka keep messages ordered?",
        question_category="technical",
        skill_ids=[kafka["id"]],
    )
    upcoming = await f.interview(client, alice, d["acme"]["id"], interview_date="2027-03-01T09:00:00Z")
    await f.post(client, alice, f"/api/interviews/{upcoming['id']}/skills", {"skill_id": kafka["id"]})
    mock = await _create(client, alice, interview_id=upcoming["id"], question_count=4)
    got = [(p["question_id"], p["source"]) for p in mock["plan"]]
    assert got[:3] == [(d["due"]["id"], "due"), (d["asked"]["id"], "company"), (on_skill["id"], "skills")]
    assert mock["plan"][2]["reason"] == "On Kafka, which this interview tests."
    r = await client.get(f"/api/mock-interviews/{mock['id']}", headers=alice.headers)
    assert r.json()["interview_id"] == upcoming["id"] and r.json()["company_id"] == d["acme"]["id"]


async def test_the_specialist_writes_questions_only_when_the_bank_runs_dry(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    mine = await f.question(client, alice, "Tell me about a failure.", question_category="behavioral")
    mock = await _create(client, alice, categories=["behavioral"], question_count=3)
    plan = mock["plan"]
    assert plan[0]["question_id"] == mine["id"] and plan[0]["source"] == "bank"
    assert [p["source"] for p in plan[1:]] == ["generated", "generated"]
    assert len({p["question"].lower() for p in plan}) == 3
    for p in plan[1:]:
        q = (await client.get(f"/api/questions/{p['question_id']}", headers=alice.headers)).json()
        assert q["question_text"] == p["question"] and q["question_category"] == "behavioral"
        assert q["source"] == "Mock interview (generated)"
    # the next mock finds them in the bank: nothing new is written
    again = await _create(client, alice, categories=["behavioral"], question_count=3)
    assert {p["question_id"] for p in again["plan"]} == {p["question_id"] for p in plan}
    assert all(p["source"] == "bank" for p in again["plan"])


def _events(text: str) -> list[dict[str, Any]]:
    return [{"event": e["event"], **e["payload"]["data"]} for e in sse.parse(text)]


async def test_a_full_mock_grades_follows_up_once_reports_and_moves_the_schedule(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    d = await _setup(client, alice)
    due_before = (
        await client.get("/api/review/queue", params={"company_id": d["acme"]["id"]}, headers=alice.headers)
    ).json()
    assert due_before["items"][0]["question"]["id"] == d["due"]["id"] and due_before["items"][0]["is_due"]
    mock = await _create(client, alice, company_id=d["acme"]["id"], question_count=3)
    url = f"/api/mock-interviews/{mock['id']}"

    # 1: a thin answer over SSE → grade, the reaction, one follow-up (the rubric's missing part)
    r = await client.post(f"{url}/answers-stream", json={"answer": SHORT}, headers=alice.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    ev = _events(r.text)
    kinds = [e["event"] for e in ev]
    assert kinds[0] == "grade" and kinds[-2:] == ["follow_up", "complete"] and "next_question" not in kinds
    assert set(kinds[1:-2]) == {"content"}
    grade = ev[0]
    assert grade["method"] == "offline" and grade["overall"] <= 3 and grade["attempt_id"]
    follow_up = ev[-2]["question"]
    assert follow_up.startswith("Let me push on one thing: you didn't cover ")
    complete = ev[-1]
    assert complete["reply"] == "".join(e["chunk"] for e in ev if e["event"] == "content")
    assert (
        complete["follow_up"] == follow_up
        and complete["next_question"] is None
        and complete["remaining"] == 3
    )

    # the follow-up's answer is graded with the first answer; no second follow-up, then the next question
    r = await client.post(f"{url}/answers", json={"answer": STRONG}, headers=alice.headers)
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["follow_up"] is None and res["next_question"]["position"] == 2
    assert res["grade"]["overall"] > grade["overall"]  # the combined answer is graded, not the short one
    item1_final = res["grade"]

    # 2: a strong answer over SSE: whatever the grade, at most one follow-up for this question
    followed: dict[int, int] = {}
    for _ in range(6):
        state = (await client.get(url, headers=alice.headers)).json()
        if state["status"] == "finished":
            break
        position = state["current"]["position"]
        r = await client.post(f"{url}/answers-stream", json={"answer": STRONG}, headers=alice.headers)
        ev = _events(r.text)
        assert ev[0]["event"] == "grade" and ev[-1]["event"] == "complete", r.text
        if any(e["event"] == "follow_up" for e in ev):
            followed[position] = followed.get(position, 0) + 1
    assert all(n == 1 for n in followed.values())
    r = await client.post(f"{url}/answers", json={"answer": STRONG}, headers=alice.headers)
    assert_problem(r, 409)

    # the transcript keeps every answer and grade; the mock is finished and became a practice session
    t = (await client.get(url, headers=alice.headers)).json()
    assert t["status"] == "finished" and t["current"] is None and t["answered"] == 3 and t["skipped"] == 0
    first = t["items"][0]
    assert (
        first["answer"] == SHORT and first["follow_up"] == follow_up and first["follow_up_answer"] == STRONG
    )
    assert first["first_grade"]["overall"] == grade["overall"] and first["grade"] == item1_final
    assert first["reply"] and first["follow_up_reply"]
    for item in t["items"]:
        assert (item["status"] == "answered" and item["follow_up"] is None) or item["follow_up_answer"]
        attempts = (
            await client.get(f"/api/questions/{item['question_id']}/attempts", headers=alice.headers)
        ).json()
        assert attempts["items"][0]["attempt_id"] == item["grade"]["attempt_id"]
    practice = (
        await client.get(f"/api/practice-sessions/{t['practice_session_id']}", headers=alice.headers)
    ).json()
    assert f"Mock interview {mock['id']}" in practice["notes"]

    # the report's numbers are the grades'
    rep = (await client.get(f"{url}/report", headers=alice.headers)).json()
    finals = [i["grade"] for i in t["items"]]
    assert rep["answered"] == 3 and rep["overall"] == round(sum(g["overall"] for g in finals) / 3, 1)
    scores: dict[str, list[int]] = {}
    for g in finals:
        for c in g["criteria"]:
            scores.setdefault(c["criterion"], []).append(c["score"])
    assert {c["criterion"]: c["average"] for c in rep["per_criterion"]} == {
        k: round(sum(v) / len(v), 1) for k, v in scores.items()
    }
    assert [w["criterion"] for w in rep["work_on"]] == [c["criterion"] for c in rep["per_criterion"][:3]]
    assert sum(c["answers"] for c in rep["per_category"]) == 3
    assert rep["practice_session_id"] == t["practice_session_id"]

    # the schedule moved: the due card is due later now, the new ones were added
    changes = {c["question_id"]: c for c in rep["schedule"]}
    moved = changes[d["due"]["id"]]
    assert moved["change"] == "moved" and moved["due_after"] > moved["due_before"]
    assert changes[d["asked"]["id"]]["change"] == "added" and changes[d["asked"]["id"]]["due_before"] is None
    queue = (
        await client.get("/api/review/queue", params={"company_id": d["acme"]["id"]}, headers=alice.headers)
    ).json()
    card = next(i for i in queue["items"] if i["question"]["id"] == d["due"]["id"])
    assert card["card"]["due"] == moved["due_after"] and card["last_rating"]["source"] == "grade"
    # the interview's rating and one grade: the follow-up's combined grade replaced the first one
    assert card["card"]["reps"] == 2
    assert card["card"]["due"] > datetime.now(UTC).isoformat()

    listed = (await client.get("/api/mock-interviews", headers=alice.headers)).json()
    assert listed["total"] == 1 and listed["items"][0]["overall"] == rep["overall"]


async def test_skip_and_finish_early(client: httpx.AsyncClient, alice: UserCtx) -> None:
    for text in ("Design a chat app.", "Design a cache.", "Design a feed."):
        await f.question(client, alice, text, question_category="system_design")
    mock = await _create(client, alice, question_count=3)
    url = f"/api/mock-interviews/{mock['id']}"
    r = await client.post(f"{url}/skip", headers=alice.headers)
    assert r.status_code == 200 and r.json()["current"]["position"] == 2
    r = await client.post(f"{url}/answers", json={"answer": STRONG}, headers=alice.headers)
    assert r.status_code == 200
    r = await client.post(f"{url}/finish", headers=alice.headers)
    body = r.json()
    assert body["status"] == "finished" and body["answered"] == 1 and body["skipped"] == 2
    assert [i["status"] for i in body["items"]] == ["skipped", "answered", "skipped"]
    assert (await client.post(f"{url}/finish", headers=alice.headers)).json() == body
    assert_problem(await client.post(f"{url}/skip", headers=alice.headers), 409)
    assert_problem(
        await client.post(f"{url}/answers-stream", json={"answer": "x"}, headers=alice.headers), 409
    )
    rep = (await client.get(f"{url}/report", headers=alice.headers)).json()
    assert (
        rep["answered"] == 1
        and rep["skipped"] == 2
        and rep["overall"] == body["items"][1]["grade"]["overall"]
    )


async def test_validation(client: httpx.AsyncClient, alice: UserCtx) -> None:
    for body in (
        {"question_count": 16},
        {"question_count": 0},
        {"interview_id": 1, "company_id": 1},
        {"agent": "chef"},
    ):
        assert_problem(await client.post("/api/mock-interviews", json=body, headers=alice.headers), 422)
    mock = await _create(client, alice, question_count=1)
    for answer in ("", "   ", "nul \x00 byte"):
        r = await client.post(
            f"/api/mock-interviews/{mock['id']}/answers", json={"answer": answer}, headers=alice.headers
        )
        assert_problem(r, 422)
    assert_problem(await client.get("/api/mock-interviews"), 401)


async def test_another_users_ids_are_not_found(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    d = await _setup(client, alice)
    upcoming = await f.interview(client, alice, d["acme"]["id"])
    role = await f.role(client, alice)
    for body, field in (
        ({"interview_id": upcoming["id"]}, "interview_id"),
        ({"company_id": d["acme"]["id"]}, "company_id"),
        ({"role_id": role["id"]}, "role_id"),
    ):
        problem = assert_problem(
            await client.post("/api/mock-interviews", json=body, headers=bob.headers), 422
        )
        assert problem["errors"][0]["field"] == f"body.{field}"
    mock = await _create(client, alice, company_id=d["acme"]["id"], question_count=2)
    url = f"/api/mock-interviews/{mock['id']}"
    for method, path, body in (
        ("GET", url, None),
        ("GET", f"{url}/report", None),
        ("POST", f"{url}/answers", {"answer": STRONG}),
        ("POST", f"{url}/answers-stream", {"answer": STRONG}),
        ("POST", f"{url}/skip", None),
        ("POST", f"{url}/finish", None),
    ):
        assert_problem(await client.request(method, path, json=body, headers=bob.headers), 404)
    assert (await client.get("/api/mock-interviews", headers=bob.headers)).json()["total"] == 0
    # bob's own mock never draws on alice's bank
    own = await _create(client, bob, question_count=3)
    assert all(p["source"] == "generated" for p in own["plan"])
    assert (await client.get(url, headers=alice.headers)).json()["items"][0]["status"] == "pending"


async def test_a_mock_for_an_interview_asks_that_companys_questions_before_due_cards_elsewhere(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    """Cards due at other companies must not crowd out what the target company asked."""
    stripe = await f.company(client, alice, "Stripe")
    payments = await f.skill(client, alice, "Payments")
    kafka = await f.skill(client, alice, "Kafka")
    await f.post(client, alice, "/api/skill-gaps", {"skill_id": kafka["id"], "gap_description": "streams"})
    gap_ids = []
    for name in ("Qonto", "GitLab", "Miro", "Doctolib", "Alan"):
        c = await f.company(client, alice, name)
        i = await f.interview(
            client, alice, c["id"], interview_date="2025-11-01T10:00:00Z", interview_status="completed"
        )
        on_gap = {"skill_ids": [kafka["id"]]} if name in ("Qonto", "GitLab") else {}
        q = await f.question(client, alice, f"Tell me about your time at {name}.", **on_gap)
        gap_ids += [q["id"]] if on_gap else []
        await f.post(
            client,
            alice,
            f"/api/interviews/{i['id']}/questions",
            {"question_id": q["id"], "answer_quality_rating": 2},
        )
    past = await f.interview(
        client, alice, stripe["id"], interview_date="2025-11-12T10:00:00Z", interview_status="completed"
    )
    weak = await f.question(
        client, alice, "Design an idempotent payments API.", question_category="system_design"
    )
    strong = await f.question(client, alice, "Explain 3-D Secure.", question_category="technical")
    unrated = await f.question(client, alice, "Why Stripe?", question_category="behavioral")
    for q, rating in ((weak, 3), (strong, 9), (unrated, None)):
        await f.post(
            client,
            alice,
            f"/api/interviews/{past['id']}/questions",
            {"question_id": q["id"], "answer_quality_rating": rating},
        )
    on_skill = await f.question(
        client,
        alice,
        "How do card refunds settle?",
        question_category="technical",
        skill_ids=[payments["id"]],
    )
    upcoming = await f.interview(client, alice, stripe["id"], interview_date="2027-03-01T09:00:00Z")
    await f.post(client, alice, f"/api/interviews/{upcoming['id']}/skills", {"skill_id": payments["id"]})

    mock = await _create(client, alice, interview_id=upcoming["id"], question_count=6)
    plan = mock["plan"]
    # Stripe's questions (weakest first, due or not), then due cards on open gaps, then the skill.
    assert [p["question_id"] for p in plan[:3]] == [weak["id"], unrated["id"], strong["id"]]
    assert {p["question_id"] for p in plan[3:5]} == set(gap_ids)
    assert all(
        p["source"] == "due" and "Tests Kafka, one of your open skill gaps" in p["reason"] for p in plan[3:5]
    )
    assert plan[5]["question_id"] == on_skill["id"]
    assert plan[0]["reason"].startswith("Stripe asked this on 12 Nov 2025; you rated 3/10."), plan[0]
    assert plan[2]["reason"].startswith("Stripe asked this on 12 Nov 2025; you rated 9/10.")
    assert plan[5]["reason"] == "On Payments, which this interview tests."
    assert all("Stripe" in p["reason"] for p in plan[:3])
