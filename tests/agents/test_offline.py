"""The agents with the offline provider, end to end over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.agents import knowledge
from app.agents.classifier import classify
from app.agents.providers.coach import HONEST_LINE
from app.agents.specialists import AgentId
from tests import factories as f
from tests.agents import sse
from tests.agents.routing_cases import CASES
from tests.conftest import UserCtx, assert_problem
from tests.live import clear_of_minute_boundary

ORDER = ["start", "routing", "processing"]


async def _stream(client: httpx.AsyncClient, user: UserCtx, body: dict[str, Any]) -> list[dict[str, Any]]:
    r = await client.post("/api/agents/answer-stream", json=body, headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["x-accel-buffering"] == "no"
    return sse.parse(r.text)


def _check_shape(events: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ORDER, kinds
    assert kinds[-1] == "complete" and kinds.count("complete") == 1 and "error" not in kinds
    assert kinds[-2] == "follow_ups"
    assert set(kinds[3:-2]) == {"content"}
    ids = [int(e["id"]) for e in events]
    assert ids == list(range(1, len(events) + 1))
    for e in events:
        assert e["payload"]["event_type"] == e["event"] and e["payload"]["timestamp"]
    content = [e["payload"]["data"] for e in events if e["event"] == "content"]
    assert [c["index"] for c in content] == list(range(len(content)))
    complete = events[-1]["payload"]["data"]
    assert "".join(c["chunk"] for c in content) == complete["answer"]
    assert len(events[-2]["payload"]["data"]["questions"]) == 3
    return complete


async def test_stream_routes_then_streams(client: httpx.AsyncClient, alice: UserCtx) -> None:
    events = await _stream(client, alice, {"question": "How would you design Instagram?"})
    complete = _check_shape(events)
    routing = events[1]["payload"]["data"]
    assert routing["agent"] == "system_design" and routing["method"] == "classifier"
    assert (
        0 <= routing["confidence"] <= 1
        and routing["reason"]
        and routing["agent_name"] == "System Design Coach"
    )
    assert "offline" in events[2]["payload"]["data"]["model"]
    start = events[0]["payload"]["data"]
    assert (
        start["conversation_id"] == complete["conversation_id"]
        and start["message_id"] == complete["message_id"]
    )
    for section in [
        "Requirements",
        "Estimates",
        "API",
        "Data model",
        "High-level design",
        "Deep dives",
        "Trade-offs",
    ]:
        assert f"### {section}" in complete["answer"]
    assert "Instagram" in complete["answer"]


@pytest.mark.parametrize(
    ("question", "agent"),
    [
        ("Tell me about a time you disagreed with your manager.", "behavioral"),
        ("Find the longest substring without repeating characters.", "coding"),
        ("What metrics would you track for a new checkout flow?", "product_manager"),
        ("Monolith or microservices for a ten-person startup?", "architect"),
        ("Explain the Python GIL and why it matters.", "technical"),
    ],
)
async def test_each_specialist_answers_in_its_shape(
    client: httpx.AsyncClient, alice: UserCtx, question: str, agent: str
) -> None:
    r = await client.post("/api/agents/answer", json={"question": question}, headers=alice.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["agent"] == agent and body["routing"]["agent"] == agent
    # The matched topic's notes under its discipline's headings, or an honest fallback.
    match = knowledge.default().match(question, AgentId(agent))
    if match is None:
        assert HONEST_LINE in body["answer"]
    else:
        assert HONEST_LINE not in body["answer"] and match.topic.summary in body["answer"]
        for heading in match.topic.sections:
            assert f"### {heading}" in body["answer"], (heading, body["answer"][:400])
    assert len(body["follow_ups"]) == 3 and body["model"].startswith("offline")
    assert body["conversation_id"] and body["message_id"] and body["duration_ms"] >= 0


async def test_different_questions_get_different_answers(client: httpx.AsyncClient, alice: UserCtx) -> None:
    answers = set()
    for q in ["Design a URL shortener.", "Design a chat system like WhatsApp.", "Design a web crawler."]:
        answers.add(
            (await client.post("/api/agents/answer", json={"question": q}, headers=alice.headers)).json()[
                "answer"
            ]
        )
    assert len(answers) == 3


async def test_explicit_agent_skips_routing(client: httpx.AsyncClient, alice: UserCtx) -> None:
    events = await _stream(
        client, alice, {"question": "How would you design Instagram?", "agent": "behavioral"}
    )
    routing = events[1]["payload"]["data"]
    assert routing == {**routing, "agent": "behavioral", "method": "explicit", "confidence": 1.0}
    # No behavioural notes on Instagram: an honest line, never the system-design topic.
    answer = events[-1]["payload"]["data"]["answer"]
    assert HONEST_LINE in answer and "Instagram" in answer and "### Requirements" not in answer
    assert_problem(
        await client.post(
            "/api/agents/answer", json={"question": "x", "agent": "astrologer"}, headers=alice.headers
        ),
        422,
    )


async def test_context_from_records_and_bank(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice, "Stripe")
    role = await f.role(client, alice, "Staff Engineer", company_id=c["id"], seniority_level="staff")
    i = await f.interview(
        client,
        alice,
        c["id"],
        role_id=role["id"],
        seniority_level="staff",
        notes="They grilled me on idempotency keys",
        feedback="Go deeper on failure modes",
    )
    q = await f.question(
        client,
        alice,
        "Design a payment processing system.",
        question_category="system_design",
        notes="Remember the outbox pattern",
    )
    await f.question(
        client, alice, "How do refunds work in a payment ledger?", question_category="system_design"
    )
    await client.post(
        f"/api/interviews/{i['id']}/questions",
        json={"question_id": q["id"], "answer_quality_rating": 4},
        headers=alice.headers,
    )
    body = (
        await client.post(
            "/api/agents/answer",
            json={
                "question": "Design a payment processing system.",
                "interview_id": i["id"],
                "question_id": q["id"],
            },
            headers=alice.headers,
        )
    ).json()
    answer = body["answer"]
    for expected in [
        "Stripe",
        "Staff Engineer",
        "staff",
        "idempotency keys",
        "Go deeper on failure modes",
        "Remember the outbox pattern",
        "4/10",
        "How do refunds work in a payment ledger?",
    ]:
        assert expected in answer, expected
    conv = (
        await client.get(f"/api/agents/conversations/{body['conversation_id']}", headers=alice.headers)
    ).json()
    assert conv["interview_id"] == i["id"] and conv["question_id"] == q["id"]


async def test_request_context_is_used(client: httpx.AsyncClient, alice: UserCtx) -> None:
    body = (
        await client.post(
            "/api/agents/answer",
            json={
                "question": "Tell me about a mistake you made.",
                "context": {
                    "company": "Acme",
                    "role": "SRE",
                    "seniority": "junior",
                    "notes": "I once deleted prod",
                },
            },
            headers=alice.headers,
        )
    ).json()
    assert (
        "SRE at Acme" in body["answer"]
        and "fundamentals" in body["answer"]
        and "I once deleted prod" in body["answer"]
    )


async def test_conversations_continue_and_stay_private(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    first = (
        await client.post(
            "/api/agents/answer", json={"question": "Design a URL shortener."}, headers=alice.headers
        )
    ).json()
    cid = first["conversation_id"]
    second = (
        await client.post(
            "/api/agents/answer",
            json={"question": "How do you stop enumeration?", "conversation_id": cid},
            headers=alice.headers,
        )
    ).json()
    assert second["conversation_id"] == cid
    conv = (await client.get(f"/api/agents/conversations/{cid}", headers=alice.headers)).json()
    assert [(m["role"], m["status"]) for m in conv["messages"]] == [
        ("user", "complete"),
        ("assistant", "complete"),
        ("user", "complete"),
        ("assistant", "complete"),
    ]
    assistant = conv["messages"][1]
    assert assistant["agent"] == "system_design" and assistant["routing"]["method"] == "classifier"
    assert assistant["follow_ups"] == first["follow_ups"] and assistant["model"].startswith("offline")
    listed = (await client.get("/api/agents/conversations", headers=alice.headers)).json()
    assert [c["id"] for c in listed["items"]] == [cid]

    assert (await client.get("/api/agents/conversations", headers=bob.headers)).json()["total"] == 0
    assert_problem(await client.get(f"/api/agents/conversations/{cid}", headers=bob.headers), 404)
    assert_problem(await client.delete(f"/api/agents/conversations/{cid}", headers=bob.headers), 404)
    r = await client.post(
        "/api/agents/answer-stream", json={"question": "Hi", "conversation_id": cid}, headers=bob.headers
    )
    assert_problem(r, 404)
    r = await client.patch(f"/api/agents/conversations/{cid}", json={"title": "URLs"}, headers=alice.headers)
    assert r.json()["title"] == "URLs"
    assert (await client.delete(f"/api/agents/conversations/{cid}", headers=alice.headers)).status_code == 204
    assert_problem(await client.get(f"/api/agents/conversations/{cid}", headers=alice.headers), 404)


async def test_available_agents(client: httpx.AsyncClient, alice: UserCtx) -> None:
    body = (await client.get("/api/agents/available", headers=alice.headers)).json()
    assert [a["id"] for a in body["agents"]] == [
        "product_manager",
        "technical",
        "architect",
        "coding",
        "behavioral",
        "system_design",
    ]
    assert body["offline"] is True and "offline" in body["model"]
    for a in body["agents"]:
        assert (
            a["name"]
            and a["description"]
            and len(a["capabilities"]) >= 3
            and len(a["example_questions"]) >= 3
        )
        assert a["offline"] is True


async def test_limits(make_client: Any, alice: UserCtx) -> None:
    client = await make_client(agent_max_question_chars=100, agent_max_history_messages=2)
    h = alice.headers
    assert_problem(await client.post("/api/agents/answer", json={"question": "x" * 101}, headers=h), 413)
    history = [{"role": "user", "content": "a"}] * 3
    assert_problem(
        await client.post(
            "/api/agents/answer-stream", json={"question": "Hi?", "conversation_history": history}, headers=h
        ),
        413,
    )
    assert_problem(await client.post("/api/agents/answer", json={"question": ""}, headers=h), 422)
    assert_problem(
        await client.post(
            "/api/agents/answer",
            json={"question": "Hi", "conversation_history": [{"role": "system", "content": "x"}]},
            headers=h,
        ),
        422,
    )


async def test_rate_limit_per_user(make_client: Any) -> None:
    from tests.conftest import register_user

    client = await make_client(agent_rate_limit_per_minute=3)
    me, other = await register_user(client), await register_user(client)
    await clear_of_minute_boundary()
    for _ in range(3):
        assert (
            await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=me.headers)
        ).status_code == 200
    r = await client.post("/api/agents/answer-stream", json={"question": "Explain TCP."}, headers=me.headers)
    body = assert_problem(r, 429)
    assert 1 <= int(r.headers["retry-after"]) <= 60 and "Rate limit" in body["detail"]
    # Other users have their own budget.
    assert (
        await client.post("/api/agents/answer", json={"question": "Explain TCP."}, headers=other.headers)
    ).status_code == 200


async def test_event_source_ticket(client: httpx.AsyncClient, alice: UserCtx, app: Any) -> None:
    t = (await client.post("/api/agents/tickets", headers=alice.headers)).json()
    assert t["ticket"].startswith("tkt_")
    r = await client.get(
        "/api/agents/answer-stream", params={"question": "Explain TCP and UDP.", "ticket": t["ticket"]}
    )
    events = sse.parse(r.text)
    _check_shape(events)
    assert events[1]["payload"]["data"]["agent"] == "technical"
    # Single use.
    again = await client.get(
        "/api/agents/answer-stream", params={"question": "Again?", "ticket": t["ticket"]}
    )
    assert_problem(again, 401)
    # A long-lived token is not a ticket.
    assert_problem(
        await client.get("/api/agents/answer-stream", params={"question": "Q", "ticket": alice.token}), 401
    )
    assert_problem(await client.get("/api/agents/answer-stream", params={"question": "Q"}), 422)
    # Expired.
    t2 = (await client.post("/api/agents/tickets", headers=alice.headers)).json()
    async with app.state.engine.begin() as conn:
        await conn.exec_driver_sql("UPDATE agent_tickets SET expires_at = now() - interval '1 second'")
    assert_problem(
        await client.get("/api/agents/answer-stream", params={"question": "Q", "ticket": t2["ticket"]}), 401
    )


def test_offline_router_accuracy() -> None:
    assert len(CASES) >= 60
    per_agent: dict[str, int] = {}
    for _, agent in CASES:
        per_agent[agent] = per_agent.get(agent, 0) + 1
    assert min(per_agent.values()) >= 10 and len(per_agent) == 6
    correct = sum(classify(q).agent.value == expected for q, expected in CASES)
    assert correct / len(CASES) >= 0.9, f"{correct}/{len(CASES)}"


async def test_follow_ups_stay_with_the_conversations_specialist(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    first = (
        await client.post(
            "/api/agents/answer", json={"question": "How would you design Instagram?"}, headers=alice.headers
        )
    ).json()
    follow = first["follow_ups"][0]
    second = (
        await client.post(
            "/api/agents/answer",
            json={"question": follow, "conversation_id": first["conversation_id"]},
            headers=alice.headers,
        )
    ).json()
    assert second["agent"] == "system_design"
    assert second["answer"] != first["answer"] and HONEST_LINE not in second["answer"]
    # A clearly different question still switches specialist.
    third = (
        await client.post(
            "/api/agents/answer",
            json={
                "question": "Tell me about a time you disagreed with your manager.",
                "conversation_id": first["conversation_id"],
            },
            headers=alice.headers,
        )
    ).json()
    assert third["agent"] == "behavioral"
