"""The MCP server over streamable HTTP at /mcp, driven by the SDK's client against uvicorn."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import assert_problem
from tests.live import LiveServer
from tests.mcp.helpers import TRACKING_TOOLS, account, data, error, mcp_http

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "curl", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def test_without_credentials_is_a_401_problem(offline_live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=offline_live.url) as c:
        r = await c.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        assert_problem(r, 401)
        assert r.headers["www-authenticate"] == "Bearer"
        bad = {**MCP_HEADERS, "Authorization": "Bearer itk_not-a-key"}
        assert_problem(await c.post("/mcp", json=INITIALIZE, headers=bad), 401)


async def test_revoked_api_key_is_refused(offline_live: LiveServer) -> None:
    alice = await account(offline_live.url, "alice")
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {alice.api_key}"}
    async with httpx.AsyncClient(base_url=offline_live.url) as c:
        assert (await c.post("/mcp", json=INITIALIZE, headers=headers)).status_code == 200
        keys = (await c.get("/api/auth/api-keys", headers=alice.headers)).json()
        r = await c.delete(f"/api/auth/api-keys/{keys[0]['id']}", headers=alice.headers)
        assert r.status_code == 204, r.text
        assert_problem(await c.post("/mcp", json=INITIALIZE, headers=headers), 401)


async def test_lists_the_curated_tools_and_resources(offline_live: LiveServer) -> None:
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TRACKING_TOOLS
        rating = tools["record_question_asked"].input_schema["properties"]["answer_quality_rating"]
        assert {"minimum": 1, "maximum": 10}.items() <= rating["anyOf"][0].items()
        assert all(t.description for t in tools.values())
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        assert uris == {"interview-tracker://agents", "interview-tracker://overview"}
        agents = await client.read_resource("interview-tracker://agents")
        listed = json.loads(agents.contents[0].text)  # type: ignore[union-attr]
        assert len(listed["agents"]) == 6 and listed["offline"] is True


async def test_logs_the_stripe_round_and_the_api_shows_it(offline_live: LiveServer) -> None:
    """The issue's "done": "I had my Stripe round 2 today, they asked X, I'd rate my answer 5"."""
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        found = data(await client.call_tool("list_interviews", {"company": "Stripe"}))
        assert found["total"] == 0
        logged = data(
            await client.call_tool(
                "log_interview", {"company": "Stripe", "role_title": "Backend Engineer", "is_remote": True}
            )
        )
        assert logged["company_created"] and logged["role_created"]
        interview_id = logged["interview"]["id"]
        assert logged["interview"]["interview_status"] == "completed"  # dated now: it happened

        asked = data(
            await client.call_tool(
                "record_question_asked",
                {
                    "interview_id": interview_id,
                    "question": "How would you design an idempotent payments API?",
                    "answer_quality_rating": 5,
                    "round_number": 2,
                    "category": "system_design",
                },
            )
        )
        assert asked["question_added_to_bank"] and asked["round_created"]
        again = data(await client.call_tool("list_interviews", {"company": "stripe"}))
        assert [i["id"] for i in again["items"]] == [interview_id]
        bank = data(await client.call_tool("search_questions", {"query": "idempotent payments"}))
        assert bank["items"][0]["id"] == asked["asked"]["question_id"]

    r = await alice.get(f"/api/interviews/{interview_id}")
    assert r.status_code == 200, r.text
    interview = r.json()
    assert interview["company"]["company_name"] == "Stripe"
    assert interview["role"]["role_title"] == "Backend Engineer"
    [round_] = interview["rounds"]
    assert round_["round_number"] == 2
    [q] = interview["questions"]
    assert q["question"]["question_text"] == "How would you design an idempotent payments API?"
    assert q["question"]["question_category"] == "system_design"
    assert q["answer_quality_rating"] == 5 and q["round_id"] == round_["id"]
    overview = (await alice.get("/api/stats/overview")).json()
    assert overview["average_answer_rating"] == 5


async def test_recording_the_same_question_again_updates_it(offline_live: LiveServer) -> None:
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        interview = data(await client.call_tool("log_interview", {"company": "Acme"}))["interview"]
        args = {"interview_id": interview["id"], "question": "Tell me about a conflict at work."}
        first = data(await client.call_tool("record_question_asked", {**args, "answer_quality_rating": 4}))
        second = data(await client.call_tool("record_question_asked", {**args, "answer_quality_rating": 7}))
        assert not first["updated_existing"] and second["updated_existing"]
        assert not second["question_added_to_bank"]
    questions = (await alice.get(f"/api/interviews/{interview['id']}/questions")).json()
    assert [q["answer_quality_rating"] for q in questions["items"]] == [7]


async def test_another_users_data_is_never_visible(offline_live: LiveServer) -> None:
    alice = await account(offline_live.url, "alice")
    bob = await account(offline_live.url, "bob")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        logged = data(await client.call_tool("log_interview", {"company": "Stripe"}))
        interview_id = logged["interview"]["id"]
        asked = data(
            await client.call_tool(
                "record_question_asked",
                {
                    "interview_id": interview_id,
                    "question": "Design a rate limiter.",
                    "answer_quality_rating": 6,
                },
            )
        )
    async with mcp_http(offline_live.url, bob.token) as client:  # an access token works too
        assert data(await client.call_tool("list_interviews", {}))["total"] == 0
        assert data(await client.call_tool("list_interviews", {"company": "Stripe"}))["total"] == 0
        assert data(await client.call_tool("search_questions", {"query": "rate limiter"}))["total"] == 0
        message = error(await client.call_tool("get_interview", {"interview_id": interview_id}))
        assert f"Not found (404): Interview {interview_id} was not found." in message
        question_id = asked["asked"]["question_id"]
        assert "Not found (404)" in error(
            await client.call_tool("get_question", {"question_id": question_id})
        )
        write = {"interview_id": interview_id, "question": "Sneaky question?", "answer_quality_rating": 1}
        assert "Not found (404)" in error(await client.call_tool("record_question_asked", write))
        assert "Not found (404)" in error(
            await client.call_tool("update_interview", {"interview_id": interview_id, "status": "cancelled"})
        )
        assert data(await client.call_tool("stats_overview", {}))["totals"]["interviews"] == 0
    # Nothing of Bob's attempt was written, to either account.
    assert (await bob.get("/api/questions")).json()["total"] == 0
    interview = (await alice.get(f"/api/interviews/{interview_id}")).json()
    assert interview["interview_status"] == "completed"
    assert [q["question"]["question_text"] for q in interview["questions"]] == ["Design a rate limiter."]


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("record_question_asked", {"interview_id": 1, "question": "Why?", "answer_quality_rating": 11}, "10"),
        ("record_question_asked", {"interview_id": 1}, "exactly one of"),
        ("get_interview", {"interview_id": "one"}, "interview_id"),
        ("log_interview", {"company": "   "}, "company"),
        ("update_interview", {"interview_id": 1}, "Nothing to change"),
        ("no_such_tool", {}, "Unknown tool"),
    ],
)
async def test_bad_arguments_are_tool_errors(
    offline_live: LiveServer, tool: str, arguments: dict[str, object], expected: str
) -> None:
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        assert expected in error(await client.call_tool(tool, arguments))


async def test_service_validation_comes_back_as_the_problem_text(offline_live: LiveServer) -> None:
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        interview = data(await client.call_tool("log_interview", {"company": "Acme"}))["interview"]
        data(await client.call_tool("add_round", {"interview_id": interview["id"], "round_number": 1}))
        message = error(
            await client.call_tool("add_round", {"interview_id": interview["id"], "round_number": 1})
        )
        assert message.endswith(
            "Conflict (409): That round number is already used in this interview. "
            "[round_number: already in use]"
        )


async def test_coach_grade_and_review_queue(offline_live: LiveServer) -> None:
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        answer = data(
            await client.call_tool(
                "ask_coach", {"question": "How do I answer 'tell me about a failure'?", "agent": "behavioral"}
            )
        )
        assert answer["agent"] == "behavioral" and answer["answer"] and len(answer["follow_ups"]) == 3
        graded = data(
            await client.call_tool(
                "grade_answer",
                {
                    "question": "Tell me about a time you failed.",
                    "answer": "I shipped a migration that locked a table. I rolled back within ten "
                    "minutes, wrote a postmortem and we now review every migration's locks.",
                },
            )
        )
        assert 1 <= graded["overall"] <= 10
        queue = data(await client.call_tool("review_queue", {}))
        assert [i["question"]["id"] for i in queue["items"]] == [graded["question_id"]]
        spots = data(await client.call_tool("weak_spots", {}))
        assert set(spots) == {"weakest_categories", "weakest_skills"}
    conversations = (await alice.get("/api/agents/conversations")).json()
    assert [c["id"] for c in conversations["items"]] == [answer["conversation_id"]]
    attempts = (await alice.get(f"/api/questions/{graded['question_id']}/attempts")).json()
    assert attempts["total"] == 1


async def test_every_tool_refuses_unknown_arguments(offline_live: LiveServer) -> None:
    """As the REST API answers an unknown query parameter with 422: a misspelt argument (`q` for
    `query`) is an error naming it and the accepted ones, never silently dropped."""
    alice = await account(offline_live.url, "alice")
    async with mcp_http(offline_live.url, alice.api_key) as client:
        data(await client.call_tool("add_question", {"question_text": "Why Postgres over MySQL?"}))
        data(await client.call_tool("add_question", {"question_text": "Tell me about yourself."}))
        message = error(await client.call_tool("search_questions", {"q": "postgres"}))
        assert "Unknown argument: q." in message
        assert "Accepted: query, category, difficulty, tag, company_id, limit, page." in message
        assert "bogus" in error(await client.call_tool("search_questions", {"bogus": 1}))
        found = data(await client.call_tool("search_questions", {"query": "postgres"}))
        assert found["total"] == 1

        tools = (await client.list_tools()).tools
        assert {t.name for t in tools} == TRACKING_TOOLS
        for tool in tools:
            assert tool.input_schema.get("additionalProperties") is False, tool.name
            accepted = list(tool.input_schema.get("properties", {}))
            message = error(await client.call_tool(tool.name, {"bogus": 1, "also_bogus": 2}))
            assert "Unknown arguments: also_bogus, bogus." in message, (tool.name, message)
            assert f"Accepted: {', '.join(accepted) or 'none'}." in message, (tool.name, message)
    # Nothing was written by the refused calls.
    assert (await alice.get("/api/questions")).json()["total"] == 2
