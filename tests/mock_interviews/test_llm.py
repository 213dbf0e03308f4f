"""A mock interview with a language model: our app under uvicorn, the real ChatOpenAI client
against the loopback OpenAI-compatible fake. Grades are the model's structured output, the
interviewer's reaction streams from the model, the follow-up comes from the weak criteria."""

from __future__ import annotations

import time
from typing import Any

import httpx

from app.agents.grading import load_rubrics
from app.agents.providers.openai import forget_unsupported_methods
from app.agents.specialists import AgentId
from tests.agents import sse
from tests.agents.fake_openai import FakeOpenAI
from tests.live import LiveServer, live_user


def _grade(score: int) -> dict[str, Any]:
    return {
        "overall": score,
        "criteria": [
            {"criterion": c.name, "score": score, "evidence": "the answer", "advice": f"Work on {c.id}."}
            for c in load_rubrics().criteria[AgentId.behavioral]
        ],
        "strengths": ["Clear"],
        "improvements": ["Add a number"],
        "better_answer_outline": "## Better\n1. Situation\n",
    }


async def _post(c: httpx.AsyncClient, h: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await c.post(path, json=body, headers=h)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def test_a_full_mock_with_a_language_model(openai_live: LiveServer, fake_llm: FakeOpenAI) -> None:
    forget_unsupported_methods()
    fake_llm.scenario.answer = "Good structure. You never said what the result was."
    fake_llm.scenario.grade = _grade(3)
    h = await live_user(openai_live.url, f"mock-llm-{time.monotonic_ns()}@example.com")
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=60) as c:
        acme = await _post(c, h, "/api/companies", {"company_name": "Acme"})
        due = await _post(
            c,
            h,
            "/api/questions",
            {"question_text": "Tell me about a conflict.", "question_category": "behavioral"},
        )
        asked = await _post(
            c,
            h,
            "/api/questions",
            {"question_text": "Why do you want this job?", "question_category": "behavioral"},
        )
        past = await _post(
            c, h, "/api/interviews", {"company_id": acme["id"], "interview_date": "2025-05-01T09:00:00Z"}
        )
        link = {"question_id": due["id"], "answer_quality_rating": 2}
        await _post(c, h, f"/api/interviews/{past['id']}/questions", link)
        await _post(c, h, f"/api/interviews/{past['id']}/questions", {"question_id": asked["id"]})

        mock = await _post(c, h, "/api/mock-interviews", {"company_id": acme["id"], "question_count": 2})
        assert [(p["question_id"], p["source"]) for p in mock["plan"]] == [
            (due["id"], "due"),
            (asked["id"], "company"),
        ]
        url = f"/api/mock-interviews/{mock['id']}"

        r = await c.post(f"{url}/answers-stream", json={"answer": "We fixed it together."}, headers=h)
        events = [{"event": e["event"], **e["payload"]["data"]} for e in sse.parse(r.text)]
        assert [e["event"] for e in events if e["event"] != "content"] == ["grade", "follow_up", "complete"]
        assert (
            events[0]["method"] == "llm" and events[0]["model"] == "fake-model" and events[0]["overall"] == 3
        )
        reply = "".join(e["chunk"] for e in events if e["event"] == "content")
        assert reply == fake_llm.scenario.answer  # streamed from the model
        assert "you didn't cover" in events[-2]["question"]

        res = await _post(c, h, f"{url}/answers", {"answer": "I mediated; churn fell by 10%."})
        assert res["grade"]["method"] == "llm" and res["follow_up"] is None
        assert res["next_question"]["question_id"] == asked["id"] and res["reply"] == fake_llm.scenario.answer
        # the follow-up's answer was graded together with the first answer
        graded = fake_llm.scenario.last_messages  # the reaction's prompt carries what was graded
        assert "We fixed it together." in str(graded) and "churn fell by 10%" in str(graded)

        fake_llm.scenario.grade = _grade(9)
        r = await c.post(f"{url}/answers-stream", json={"answer": "Because of the mission."}, headers=h)
        events = [{"event": e["event"], **e["payload"]["data"]} for e in sse.parse(r.text)]
        assert [e["event"] for e in events if e["event"] != "content"] == ["grade", "complete"]
        assert events[-1]["status"] == "finished" and events[-1]["follow_up"] is None

        rep = (await c.get(f"{url}/report", headers=h)).json()
        assert rep["overall"] == 6.0 and rep["answered"] == 2
        assert {x["average"] for x in rep["per_criterion"]} == {6.0}
        assert rep["per_category"] == [{"category": "behavioral", "average": 6.0, "answers": 2}]
        moved = next(s for s in rep["schedule"] if s["question_id"] == due["id"])
        assert moved["change"] == "moved" and moved["due_after"] > moved["due_before"]
        assert rep["practice_session_id"] is not None
    forget_unsupported_methods()
