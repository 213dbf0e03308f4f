"""Grading with a language model: the real ChatOpenAI client against the loopback fake server,
our app under uvicorn. Structured output is validated against the rubric; malformed output falls
back to the offline grader, never a 500."""

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

ANSWER = "I would hash the URL, store it in a key-value store and cache hot links."


def _llm_grade(agent: AgentId, overall: int = 7) -> dict[str, Any]:
    return {
        "overall": overall,
        "criteria": [
            {
                "criterion": c.name,
                "score": overall,
                "evidence": "key-value store",
                "advice": f"More on {c.id}.",
            }
            for c in load_rubrics().criteria[agent]
        ],
        "strengths": ["Names a storage choice"],
        "improvements": ["Estimate the load first"],
        "better_answer_outline": "## Better\n1. Requirements\n2. API\n",
    }


async def _user(server: LiveServer) -> dict[str, str]:
    return await live_user(server.url, f"grader-{time.monotonic_ns()}@example.com")


async def test_llm_grade_is_structured_output_with_the_rubric_in_the_prompt(
    openai_live: LiveServer, fake_llm: FakeOpenAI
) -> None:
    forget_unsupported_methods()
    fake_llm.scenario.grade = _llm_grade(AgentId.system_design, 7)
    h = await _user(openai_live)
    body = {"question": "Design a URL shortener", "answer": ANSWER, "agent": "system_design"}
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
        r = await c.post("/api/agents/grade", json=body, headers=h)
        assert r.status_code == 200, r.text
        g = r.json()
        assert g["method"] == "llm" and g["model"] == "fake-model" and g["note"] is None
        assert g["overall"] == 7 and g["criteria"][0]["advice"] == "More on requirements."
        assert g["better_answer_outline"].startswith("## Better")

        # The stream gives the same grade, criterion by criterion.
        r = await c.post("/api/agents/grade-stream", json=body, headers=h)
        events = sse.parse(r.text)
        assert [e["event"] for e in events if e["event"] == "criterion"] == ["criterion"] * len(g["criteria"])
        assert events[-1]["event"] == "complete" and events[-1]["payload"]["data"]["method"] == "llm"

        attempts = (await c.get(f"/api/questions/{g['question_id']}/attempts", headers=h)).json()
        assert attempts["total"] == 2


async def test_malformed_llm_grade_falls_back_to_the_offline_grader(
    openai_live: LiveServer, fake_llm: FakeOpenAI
) -> None:
    h = await _user(openai_live)
    body = {"question": "Design a URL shortener", "answer": ANSWER, "agent": "system_design"}
    wrong = _llm_grade(AgentId.behavioral)  # another rubric's criteria
    cases: list[dict[str, Any]] = [
        {"grade_raw": "{not json"},
        {"grade": {"overall": 42}},
        {"grade": wrong},
        {"structured_support": "none"},
    ]
    async with httpx.AsyncClient(base_url=openai_live.url, timeout=30) as c:
        for case in cases:
            forget_unsupported_methods()
            fake_llm.reset()
            for k, v in case.items():
                setattr(fake_llm.scenario, k, v)
            r = await c.post("/api/agents/grade", json=body, headers=h)
            assert r.status_code == 200, (case, r.text)
            g = r.json()
            assert g["method"] == "offline" and "offline" in g["model"], case
            assert g["note"] and "graded offline" in g["note"]
            assert [x["criterion"] for x in g["criteria"]] == [
                c.name for c in load_rubrics().criteria[AgentId.system_design]
            ]
            r = await c.post("/api/agents/grade-stream", json=body, headers=h)
            assert sse.parse(r.text)[-1]["event"] == "complete", case
    forget_unsupported_methods()
