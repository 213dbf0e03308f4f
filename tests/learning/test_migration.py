"""Migration 0006 backfills a schedule from the ratings an account already has."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from alembic import command

from app import migrate
from tests.conftest import _asyncpg_dsn, database_url_for


async def _run(url: str, sql: str) -> Any:
    conn = await asyncpg.connect(**_asyncpg_dsn(url))
    try:
        if sql.lstrip().upper().startswith("SELECT"):
            return await conn.fetch(sql)
        return await conn.execute(sql)
    finally:
        await conn.close()


HISTORY = """
INSERT INTO users (email, hashed_password) VALUES ('h@example.com', 'x'), ('o@example.com', 'x');
INSERT INTO companies (owner_id, company_name) VALUES (1, 'Stripe');
INSERT INTO questions (owner_id, question_text, question_category) VALUES
    (1, 'Tell me about a conflict', 'behavioral'),
    (1, 'Design a rate limiter', 'system_design'),
    (1, 'Reverse a linked list', 'coding'),
    (1, 'Never rated', 'other');
INSERT INTO interviews (owner_id, company_id, interview_date, interview_status)
    VALUES (1, 1, now() - interval '20 days', 'completed');
INSERT INTO interview_questions (owner_id, interview_id, question_id, answer_quality_rating)
    VALUES (1, 1, 1, 2), (1, 1, 2, 9), (1, 1, 4, NULL);
INSERT INTO practice_sessions (owner_id, session_date) VALUES
    (1, now() - interval '30 days'), (1, now() - interval '1 day');
-- question 3: practised twice; question 2: practised before the interview as well
INSERT INTO practice_session_questions (owner_id, session_id, question_id, self_rating) VALUES
    (1, 1, 3, 7), (1, 2, 3, 8), (1, 1, 2, 5);
"""


def test_backfill_replays_existing_ratings(pg_server: Any) -> None:
    url = database_url_for(pg_server, "learning_backfill")
    migrate.upgrade(url, "0005")
    asyncio.run(_run(url, HISTORY))
    migrate.upgrade(url, "0006")

    cards = {
        r["question_id"]: r
        for r in asyncio.run(
            _run(
                url,
                "SELECT question_id, owner_id, state::text AS state, reps, lapses,"
                " due_at <= now() AS due_now, due_at - now() AS until_due, last_reviewed_at"
                " FROM review_cards",
            )
        )
    }
    assert set(cards) == {1, 2, 3}, "every rated question gets a card, the unrated one none"
    assert all(c["owner_id"] == 1 for c in cards.values())
    # 2/10 in a real interview: due now.
    assert cards[1]["due_now"] and cards[1]["reps"] == 1
    # 5/10 practice, then 9/10 at the interview 10 days later: two reviews, in time order.
    assert cards[2]["reps"] == 2 and cards[2]["state"] == "review"
    # 7 then 8 in practice: a graduated card whose last review was yesterday, not due yet.
    assert cards[3]["reps"] == 2 and not cards[3]["due_now"]
    assert cards[3]["until_due"].days >= 1

    logs = asyncio.run(
        _run(url, "SELECT source::text AS source, rating::text AS rating, score FROM review_logs ORDER BY id")
    )
    assert sorted((r["source"], r["score"]) for r in logs) == [
        ("interview", 2),
        ("interview", 9),
        ("practice", 5),
        ("practice", 7),
        ("practice", 8),
    ]
    assert {r["score"]: r["rating"] for r in logs} == {2: "again", 5: "hard", 7: "good", 8: "good", 9: "easy"}

    # Down and up again on a database holding these rows; the models still match.
    migrate.downgrade(url, "0005")
    migrate.upgrade(url, "head")
    assert asyncio.run(_run(url, "SELECT count(*) AS n FROM review_cards"))[0]["n"] == 3
    command.check(migrate.alembic_config(url))
