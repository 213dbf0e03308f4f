"""The offline grader checks that an answer addresses the question before crediting its form:
off-topic answers score low with the reason said, and short on-topic answers that name the right
concepts are not crushed by length heuristics."""

from __future__ import annotations

from typing import Any

import httpx

from app.agents.grading import grade_offline
from app.agents.specialists import AgentId
from tests.conftest import UserCtx

HASHING = "Explain how consistent hashing works and why it helps."
LASAGNA = (
    "Lasagna is a layered pasta dish made with sheets of pasta, ragù and béchamel. It works by layering "
    "each component so that the flavours meld while it bakes. For example, at my last dinner party I "
    "baked one for 12 people in 90 minutes. The trade-off is time versus flavour; a common pitfall is "
    "using too much sauce, which makes it soggy."
)
STAR_STORY = (
    "At my previous company our checkout service failed 5% of payments at peak, and I was responsible "
    "for fixing it before Black Friday. First, I pulled a week of logs and found that 80% of failures "
    "came from one timeout. Then I proposed moving the check to an async queue and I shipped it behind "
    "a feature flag. As a result, failures dropped from 5% to 0.3%. I learned to measure before "
    "proposing a fix."
)
MVCC_QUESTION = "How does MVCC work in PostgreSQL?"
MVCC = (
    "PostgreSQL keeps multiple versions of each row. Every tuple carries xmin and xmax transaction ids, "
    "and an UPDATE writes a new tuple version instead of overwriting. Each transaction reads from a "
    "snapshot, so readers don't block writers and writers don't block readers. VACUUM later removes dead "
    "tuples; if it falls behind you get bloat and eventually transaction id wraparound."
)
HASHING_ANSWER = (
    "Consistent hashing places nodes and keys on a hash ring; each key belongs to the next node "
    "clockwise. When a node joins or leaves only about 1/N of the keys move, while hash mod N remaps "
    "almost all of them. Virtual nodes spread the load evenly. For example, Cassandra partitions data "
    "this way. The pitfall is that it does not fix hot keys."
)


async def _grade(client: httpx.AsyncClient, user: UserCtx, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/agents/grade", json=body, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_off_topic_answer_scores_low_and_says_so(client: httpx.AsyncClient, alice: UserCtx) -> None:
    g = await _grade(client, alice, question=HASHING, answer=LASAGNA)
    assert g["overall"] <= 3, g
    assert all(c["score"] <= 3 for c in g["criteria"]), g["criteria"]
    assert all("does not address consistent hashing" in c["evidence"] for c in g["criteria"])
    assert "does not address consistent hashing" in g["improvements"][0]
    assert not g["strengths"]
    # The low grade is what the schedule hears: the card is due again soon.
    assert g["card"]["reps"] == 1
    queue = (await client.get("/api/review/queue", headers=alice.headers)).json()
    assert queue["items"][0]["last_rating"]["rating"] == "again"

    on_topic = await _grade(client, alice, question=HASHING, answer=HASHING_ANSWER)
    assert on_topic["overall"] >= 5, on_topic
    assert not any("does not address" in c["evidence"] for c in on_topic["criteria"])


async def test_off_topic_star_story_to_a_technical_question_scores_low(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    g = await _grade(client, alice, question=HASHING, answer=STAR_STORY, agent="technical")
    assert g["overall"] <= 3 and all(c["score"] <= 3 for c in g["criteria"]), g
    for agent in (AgentId.technical, AgentId.system_design, AgentId.architect):
        assert grade_offline(agent, HASHING, STAR_STORY).overall <= 3, agent


async def test_short_correct_answer_naming_the_concepts_lands_mid_range(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    g = await _grade(client, alice, question=MVCC_QUESTION, answer=MVCC)
    assert g["agent"] == "technical"
    assert g["overall"] >= 5, g
    by_name = {c["criterion"]: c for c in g["criteria"]}
    definition = by_name["Accurate definition"]
    assert definition["score"] >= 5 and not definition["evidence"].startswith("Not found"), definition
    # Evidence never says "not found" for a criterion it scored 4 or more.
    assert all(not c["evidence"].startswith("Not found") for c in g["criteria"] if c["score"] >= 4)
