"""Bench data, bulk-loaded with COPY and reused between runs.

`small`: 100 users × 100 interviews (10k). `large`: 10,000 users × 100 interviews (1M) plus one
heavy user with 100,000 interviews. Every user also has companies, roles, skills, questions, and
per interview a round, a question asked, a skill tested and its status timeline. Both also hold the
*shaped* user the per-endpoint figures use: 60 interviews of 2 rounds, 3 questions and 2 skills
each (the issue's reference user). All users share the bench password.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from app import migrate
from app.auth.security import hash_password
from bench.common import PASSWORD, database

VERSION = 4
STATUSES = ["scheduled", "completed", "completed", "completed", "cancelled", "rescheduled", "no_show"]
TYPES = ["actual", "actual", "actual", "mock", "practice"]
OUTCOMES = [None, "advanced", "offer", "rejected", "rejected", "withdrawn", "ghosted", "pending"]
LEVELS = ["junior", "mid", "senior", "senior", "staff", "lead"]
CATEGORIES = ["behavioral", "technical", "coding", "system_design", "product", "architecture", "other"]
DIFFICULTIES = ["easy", "medium", "hard", "expert"]
WORDS = [
    "design",
    "cache",
    "queue",
    "database",
    "index",
    "latency",
    "conflict",
    "team",
    "deadline",
    "graph",
    "tree",
    "stream",
    "payment",
    "feed",
    "search",
    "metrics",
    "rollout",
    "migration",
    "consistency",
    "shard",
]

HEAVY_EMAIL = "heavy@bench.example.com"
SHAPED_EMAIL = "shaped@bench.example.com"
SHAPED = {"interviews": 60, "rounds": 2, "questions": 3, "skills": 2}


def email(i: int) -> str:
    return f"user{i}@bench.example.com"


def _dsn(url: str) -> dict[str, Any]:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return {"user": u.username, "database": u.database, "host": u.host or u.query.get("host"), "port": u.port}


async def _load(url: str, users: int, per_user: int, heavy: int) -> dict[str, int]:
    rnd = random.Random(42)
    conn = await asyncpg.connect(**_dsn(url))
    counts: dict[str, int] = {}
    try:
        pw = await hash_password(PASSWORD)
        now = datetime.now(UTC)
        user_rows = [(i, email(i), pw, True, now, now) for i in range(1, users + 1)]
        user_rows.append((users + 1, HEAVY_EMAIL, pw, True, now, now))
        user_rows.append((users + 2, SHAPED_EMAIL, pw, True, now, now))
        await conn.copy_records_to_table(
            "users",
            records=user_rows,
            columns=["id", "email", "hashed_password", "is_active", "created_at", "updated_at"],
        )
        counts["users"] = len(user_rows)

        companies, roles, questions, skills = [], [], [], []
        interviews, rounds, asked, tested, history = [], [], [], [], []
        cid = rid = qid = iid = sid = link = 0

        def owner_data(
            uid: int,
            n_interviews: int,
            n_companies: int,
            n_questions: int,
            per: tuple[int, int, int] = (1, 1, 1),  # rounds, questions, skills per interview
        ) -> None:
            nonlocal cid, rid, qid, iid, sid, link
            n_rounds, n_asked, n_tested = per
            my_companies = []
            for k in range(n_companies):
                cid += 1
                companies.append(
                    (cid, uid, f"Company {k}", rnd.choice(["Tech", "Fintech", "Retail", "Media"]), now, now)
                )
                my_companies.append(cid)
            my_roles = []
            for k in range(max(1, n_companies // 2)):
                rid += 1
                c = my_companies[k % len(my_companies)]
                roles.append((rid, uid, c, f"Engineer {k}", rnd.choice(LEVELS), now, now))
                my_roles.append((rid, c))
            my_questions = []
            for _ in range(n_questions):
                qid += 1
                text = "How would you " + " ".join(rnd.sample(WORDS, 4)) + "?"
                questions.append(
                    (
                        qid,
                        uid,
                        text,
                        rnd.choice(CATEGORIES),
                        rnd.choice(DIFFICULTIES),
                        [rnd.choice(WORDS)],
                        now,
                        now,
                    )
                )
                my_questions.append(qid)
            my_skills = []
            for k in range(10):
                sid += 1
                skills.append((sid, uid, f"Skill {k}", "technical", now, now))
                my_skills.append(sid)
            for _ in range(n_interviews):
                iid += 1
                role_id, company_id = (
                    rnd.choice(my_roles) if rnd.random() < 0.7 else (None, rnd.choice(my_companies))
                )
                when = now - timedelta(days=rnd.randint(-30, 700), minutes=rnd.randint(0, 1440))
                created = when - timedelta(days=rnd.randint(1, 30))
                status = rnd.choice(STATUSES)
                outcome = rnd.choice(OUTCOMES)
                interviews.append(
                    (
                        iid,
                        uid,
                        company_id,
                        role_id,
                        when,
                        rnd.choice(LEVELS),
                        rnd.choice(TYPES),
                        status,
                        outcome,
                        rnd.random() < 0.5,
                        rnd.randint(1, 10),
                        created,
                        created,
                    )
                )
                history.append((iid, uid, iid, status, outcome, created))
                for n in range(1, n_rounds + 1):
                    rounds.append((len(rounds) + 1, uid, iid, n, "technical", now, now))
                for q in rnd.sample(my_questions, n_asked):
                    link += 1
                    asked.append((link, uid, iid, q, rnd.randint(1, 10), now, now))
                for k in rnd.sample(my_skills, n_tested):
                    tested.append((len(tested) + 1, uid, iid, k, rnd.randint(1, 10), now, now))

        for uid in range(1, users + 1):
            owner_data(uid, per_user, 10, 20)
        if heavy:
            owner_data(users + 1, heavy, 200, 1000)
        owner_data(
            users + 2,
            SHAPED["interviews"],
            10,
            40,
            (SHAPED["rounds"], SHAPED["questions"], SHAPED["skills"]),
        )

        await conn.copy_records_to_table(
            "companies",
            records=companies,
            columns=["id", "owner_id", "company_name", "industry", "created_at", "updated_at"],
        )
        await conn.copy_records_to_table(
            "roles",
            records=roles,
            columns=[
                "id",
                "owner_id",
                "company_id",
                "role_title",
                "seniority_level",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "skills",
            records=skills,
            columns=["id", "owner_id", "skill_name", "skill_category", "created_at", "updated_at"],
        )
        await conn.copy_records_to_table(
            "questions",
            records=questions,
            columns=[
                "id",
                "owner_id",
                "question_text",
                "question_category",
                "question_difficulty",
                "tags",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "interviews",
            records=interviews,
            columns=[
                "id",
                "owner_id",
                "company_id",
                "role_id",
                "interview_date",
                "seniority_level",
                "interview_type",
                "interview_status",
                "outcome",
                "is_remote",
                "overall_rating",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "interview_rounds",
            records=rounds,
            columns=[
                "id",
                "owner_id",
                "interview_id",
                "round_number",
                "round_type",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "interview_questions",
            records=asked,
            columns=[
                "id",
                "owner_id",
                "interview_id",
                "question_id",
                "answer_quality_rating",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "interview_skills",
            records=tested,
            columns=[
                "id",
                "owner_id",
                "interview_id",
                "skill_id",
                "performance_rating",
                "created_at",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "interview_status_history",
            records=history,
            columns=["id", "owner_id", "interview_id", "interview_status", "outcome", "changed_at"],
        )
        for table in [
            "users",
            "skills",
            "interview_skills",
            "interview_status_history",
            "companies",
            "roles",
            "questions",
            "interviews",
            "interview_rounds",
            "interview_questions",
        ]:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        await conn.execute("VACUUM ANALYZE")  # sets the visibility map: index-only scans from the start
        await conn.execute("CREATE TABLE bench_meta (version int)")
        await conn.execute(f"INSERT INTO bench_meta VALUES ({VERSION})")
        counts.update(
            companies=len(companies),
            roles=len(roles),
            questions=len(questions),
            interviews=len(interviews),
            rounds=len(rounds),
            interview_questions=len(asked),
            interview_skills=len(tested),
        )
        return counts
    finally:
        await conn.close()


async def _ready(url: str) -> bool:
    conn = await asyncpg.connect(**_dsn(url))
    try:
        return (
            await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'bench_meta')")
            and await conn.fetchval("SELECT max(version) FROM bench_meta") == VERSION
        )
    finally:
        await conn.close()


def ensure(name: str, users: int, per_user: int, heavy: int) -> tuple[str, dict[str, Any]]:
    url = database(f"bench_{name}")
    if asyncio.run(_ready(url)):
        return url, {"reused": True}
    print(f"building the '{name}' bench data with COPY (once; reused by later runs)…", flush=True)
    url = database(f"bench_{name}", recreate=True)
    migrate.upgrade(url)
    t0 = time.perf_counter()
    counts = asyncio.run(_load(url, users, per_user, heavy))
    return url, {"reused": False, "load_s": round(time.perf_counter() - t0, 1), **counts}


def ensure_all() -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "small": ensure("small", users=100, per_user=100, heavy=0),
        "large": ensure("large", users=10_000, per_user=100, heavy=100_000),
    }


if __name__ == "__main__":
    for name, (_url, info) in ensure_all().items():
        print(name, info)
