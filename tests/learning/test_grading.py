"""Grading over HTTP, offline: rubric per specialist, stored attempts, the schedule fed, the stream."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.agents.grading import RubricFile, load_rubrics
from app.agents.specialists import AgentId
from tests import factories as f
from tests.agents import sse
from tests.conftest import UserCtx, assert_problem

STAR = (
    "At my previous company our checkout service failed 5% of payments at peak, and I was responsible "
    "for fixing it before Black Friday, three weeks away.\n\n"
    "First, I pulled a week of logs and found that 80% of failures came from one timeout in the "
    "fraud check. Then I proposed moving the check to an async queue; I wrote the design doc, I got "
    "sign-off from the payments lead and I paired with two engineers to ship it behind a feature flag.\n\n"
    "As a result, failures dropped from 5% to 0.3% and we processed 2 million orders with no incident. "
    "I learned to measure before proposing a fix, and I now start every incident review with the data."
)
VAGUE = "We had a problem with payments once. We worked together as a team and fixed it. It went well."


def test_rubrics_load_and_every_specialist_has_4_to_6_criteria_with_anchors() -> None:
    rubrics = load_rubrics()
    assert set(rubrics.criteria) == set(AgentId)
    for criteria in rubrics.criteria.values():
        assert 4 <= len(criteria) <= 6
        assert all(set(c.levels) == {2, 6, 9} for c in criteria)
    names = [c.name for c in rubrics.criteria[AgentId.behavioral]]
    assert "Measurable result" in names and 'Own actions ("I", not "we")' in names
    with pytest.raises(ValueError, match="unknown signals"):
        RubricFile.model_validate(
            {
                "signals": {},
                "rubrics": {
                    a.value: [
                        {
                            "id": "x",
                            "name": "X",
                            "signals": {"nope": 1},
                            "levels": {2: "", 6: "", 9: ""},
                            "missing": "",
                            "outline": "",
                        }
                    ]
                    * 4
                    for a in AgentId
                },
            }
        )


async def _grade(client: httpx.AsyncClient, user: UserCtx, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/agents/grade", json=body, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_grade_free_text_offline_stores_the_attempt_and_feeds_the_schedule(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    question = "Tell me about a time you fixed a production problem under pressure"
    g = await _grade(client, alice, question=question, answer=STAR, agent="behavioral")
    assert g["agent"] == "behavioral" and g["agent_name"]
    assert g["method"] == "offline" and "offline" in g["model"]
    assert [c["criterion"] for c in g["criteria"]] == [
        c.name for c in load_rubrics().criteria[AgentId.behavioral]
    ]
    assert all(1 <= c["score"] <= 10 and c["evidence"] and c["advice"] for c in g["criteria"])
    assert g["overall"] >= 7 and g["strengths"]
    assert "offline" in g["better_answer_outline"]
    assert g["card"]["reps"] == 1

    # The question joined the bank; the same question worded a little differently finds it again.
    bank = (await client.get("/api/questions", headers=alice.headers)).json()
    assert bank["total"] == 1 and bank["items"][0]["question_category"] == "behavioral"
    g2 = await _grade(client, alice, question=question.lower() + "?", answer=VAGUE)
    assert g2["question_id"] == g["question_id"]
    assert g2["routing"]["method"] == "category" and g2["overall"] < g["overall"]

    r = await client.get(f"/api/questions/{g['question_id']}/attempts", headers=alice.headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 2 and page["pages"] == 1 and page["page"] == 1
    assert [a["attempt_id"] for a in page["items"]] == [g2["attempt_id"], g["attempt_id"]]

    queue = (await client.get("/api/review/queue", headers=alice.headers)).json()
    item = queue["items"][0]
    assert item["card"]["reps"] == 2
    assert item["last_rating"] == {
        "rating": "again" if g2["overall"] <= 3 else "hard" if g2["overall"] <= 5 else "good",
        "score": g2["overall"],
        "source": "grade",
    }
    assert "grader scored your answer" in item["reason"]


async def test_grade_by_question_id_uses_its_category_rubric(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    q = await f.question(
        client, alice, "Find two numbers in an array that add up to a target", question_category="coding"
    )
    g = await _grade(client, alice, question_id=q["id"], answer="I would use a hash map, O(n) time.")
    assert g["agent"] == "coding" and g["question_id"] == q["id"]
    assert [c["criterion"] for c in g["criteria"]] == [
        c.name for c in load_rubrics().criteria[AgentId.coding]
    ]

    assert_problem(
        await client.post(
            "/api/agents/grade", json={"question_id": q["id"], "answer": "x"}, headers=bob.headers
        ),
        404,
    )
    assert_problem(await client.get(f"/api/questions/{q['id']}/attempts", headers=bob.headers), 404)
    for bad in (
        {"answer": "x"},
        {"question": "Why?", "question_id": q["id"], "answer": "x"},
        {"question_id": q["id"]},
    ):
        assert_problem(await client.post("/api/agents/grade", json=bad, headers=alice.headers), 422)
    assert_problem(
        await client.post(
            "/api/agents/grade",
            json={"question_id": q["id"], "answer": "x", "interview_id": 999},
            headers=alice.headers,
        ),
        404,
    )


async def test_grade_stream_offline(client: httpx.AsyncClient, alice: UserCtx) -> None:
    body = {"question": "Design a URL shortener", "answer": "I would use a database and a cache."}
    r = await client.post("/api/agents/grade-stream", json=body, headers=alice.headers)
    assert r.status_code == 200, r.text
    events = sse.parse(r.text)
    kinds = [e["event"] for e in events]
    n = len(load_rubrics().criteria[AgentId.system_design])
    assert kinds[:2] == ["start", "routing"] and kinds[-1] == "complete"
    assert kinds[2 : 2 + n] == ["criterion"] * n and set(kinds[2 + n : -1]) == {"content"}
    assert events[1]["payload"]["data"]["agent"] == "system_design"
    complete = events[-1]["payload"]["data"]
    outline = "".join(e["payload"]["data"]["chunk"] for e in events if e["event"] == "content")
    assert outline == complete["better_answer_outline"]
    assert [e["payload"]["data"]["score"] for e in events if e["event"] == "criterion"] == [
        c["score"] for c in complete["criteria"]
    ]
    assert [int(e["id"]) for e in events] == list(range(1, len(events) + 1))
    attempts = (
        await client.get(f"/api/questions/{complete['question_id']}/attempts", headers=alice.headers)
    ).json()
    assert attempts["items"][0]["attempt_id"] == complete["attempt_id"]
