"""Realistic demo data for one account, so a new user sees a lived-in system."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Company,
    CvVersion,
    Interview,
    InterviewQuestion,
    InterviewRound,
    InterviewSkill,
    PracticeSession,
    PracticeSessionQuestion,
    Question,
    Role,
    Skill,
    SkillGap,
    User,
    UserSkill,
    question_skills,
)

COMPANIES = [
    ("Google", "Technology"),
    ("Meta", "Technology"),
    ("Amazon", "E-commerce"),
    ("Stripe", "Fintech"),
    ("Shopify", "E-commerce"),
    ("Spotify", "Media"),
    ("Netflix", "Media"),
    ("Airbnb", "Travel"),
    ("Uber", "Transportation"),
    ("Datadog", "Developer tools"),
    ("GitLab", "Developer tools"),
    ("Monzo", "Fintech"),
    ("Revolut", "Fintech"),
    ("Adyen", "Fintech"),
    ("Zalando", "E-commerce"),
    ("Booking.com", "Travel"),
    ("Canva", "Design"),
    ("Figma", "Design"),
    ("Atlassian", "Software"),
    ("Snowflake", "Data"),
    ("Databricks", "Data"),
    ("Cloudflare", "Infrastructure"),
    ("Twilio", "Communications"),
    ("HubSpot", "Software"),
    ("Klarna", "Fintech"),
    ("Wise", "Fintech"),
    ("Miro", "Software"),
    ("Notion", "Software"),
    ("Vercel", "Infrastructure"),
    ("Supabase", "Infrastructure"),
    ("Mistral AI", "AI"),
    ("DeepL", "AI"),
    ("Personio", "HR tech"),
    ("N26", "Fintech"),
    ("Delivery Hero", "Food delivery"),
    ("SAP", "Enterprise software"),
    ("Siemens", "Industrial"),
    ("Bosch", "Industrial"),
    ("Doctolib", "Health tech"),
    ("Babbel", "Education"),
    ("Contentful", "Software"),
    ("Celonis", "Data"),
]

ROLES = [
    ("Backend Engineer", "Engineering"),
    ("Senior Backend Engineer", "Engineering"),
    ("Staff Engineer", "Engineering"),
    ("Platform Engineer", "Infrastructure"),
    ("Site Reliability Engineer", "Infrastructure"),
    ("Full-stack Engineer", "Engineering"),
    ("Data Engineer", "Data"),
    ("Machine Learning Engineer", "AI"),
    ("Engineering Manager", "Engineering"),
    ("Product Manager", "Product"),
    ("Senior Product Manager", "Product"),
    ("Solutions Architect", "Architecture"),
    ("Principal Architect", "Architecture"),
    ("Frontend Engineer", "Engineering"),
]

SKILLS = [
    ("Python", "language"),
    ("Go", "language"),
    ("TypeScript", "language"),
    ("Java", "language"),
    ("SQL", "language"),
    ("FastAPI", "framework"),
    ("Django", "framework"),
    ("React", "framework"),
    ("Angular", "framework"),
    ("PostgreSQL", "technical"),
    ("Redis", "technical"),
    ("Kafka", "technical"),
    ("Kubernetes", "tool"),
    ("Terraform", "tool"),
    ("AWS", "tool"),
    ("Distributed systems", "technical"),
    ("System design", "technical"),
    ("Algorithms", "technical"),
    ("Data structures", "technical"),
    ("Concurrency", "technical"),
    ("API design", "technical"),
    ("Observability", "technical"),
    ("Security", "technical"),
    ("Caching", "technical"),
    ("Product sense", "domain"),
    ("Metrics", "domain"),
    ("Prioritisation", "domain"),
    ("Payments", "domain"),
    ("Communication", "soft"),
    ("Leadership", "soft"),
    ("Conflict resolution", "soft"),
    ("Mentoring", "soft"),
    ("Stakeholder management", "soft"),
    ("Estimation", "technical"),
    ("Testing", "technical"),
]

QUESTIONS: dict[str, list[tuple[str, str, list[str], list[str]]]] = {
    "behavioral": [
        (
            "Tell me about a time you disagreed with your manager.",
            "medium",
            ["conflict"],
            ["Conflict resolution", "Communication"],
        ),
        ("Describe a project that failed. What did you learn?", "medium", ["failure"], ["Leadership"]),
        (
            "Tell me about a time you had to deliver under a tight deadline.",
            "easy",
            ["pressure"],
            ["Prioritisation"],
        ),
        (
            "Give an example of mentoring a junior engineer.",
            "medium",
            ["mentoring"],
            ["Mentoring", "Leadership"],
        ),
        (
            "Describe a time you influenced a decision without authority.",
            "hard",
            ["influence"],
            ["Stakeholder management"],
        ),
        ("Tell me about the hardest bug you have fixed.", "medium", ["debugging"], ["Communication"]),
        ("How do you handle feedback you disagree with?", "easy", ["feedback"], ["Communication"]),
        (
            "Describe a time you had to say no to a stakeholder.",
            "hard",
            ["stakeholders"],
            ["Stakeholder management"],
        ),
    ],
    "technical": [
        ("Explain how PostgreSQL MVCC works and why VACUUM matters.", "hard", ["databases"], ["PostgreSQL"]),
        ("What is the difference between a process and a thread?", "easy", ["os"], ["Concurrency"]),
        (
            "Explain the Python GIL and its impact on concurrency.",
            "medium",
            ["python"],
            ["Python", "Concurrency"],
        ),
        (
            "How does an index speed up a query, and when does it not?",
            "medium",
            ["databases"],
            ["PostgreSQL", "SQL"],
        ),
        (
            "What happens when you type a URL into a browser?",
            "medium",
            ["networking"],
            ["Distributed systems"],
        ),
        ("Explain transaction isolation levels with examples.", "hard", ["databases"], ["SQL", "PostgreSQL"]),
        ("How does garbage collection work in the JVM?", "hard", ["jvm"], ["Java"]),
        (
            "What are the trade-offs of async I/O in Python?",
            "medium",
            ["python", "async"],
            ["Python", "FastAPI"],
        ),
        ("How would you secure a REST API?", "medium", ["security"], ["Security", "API design"]),
    ],
    "coding": [
        ("Reverse a linked list in place.", "easy", ["linked-list"], ["Data structures"]),
        (
            "Find the longest substring without repeating characters.",
            "medium",
            ["strings", "sliding-window"],
            ["Algorithms"],
        ),
        (
            "Implement an LRU cache with O(1) operations.",
            "medium",
            ["hash-map", "design"],
            ["Data structures", "Caching"],
        ),
        ("Merge k sorted lists.", "hard", ["heap"], ["Algorithms", "Data structures"]),
        ("Detect a cycle in a directed graph.", "medium", ["graphs"], ["Algorithms"]),
        (
            "Implement a rate limiter class (token bucket).",
            "medium",
            ["design"],
            ["Algorithms", "Concurrency"],
        ),
        ("Find the median of two sorted arrays.", "expert", ["binary-search"], ["Algorithms"]),
        ("Serialize and deserialize a binary tree.", "hard", ["trees"], ["Data structures"]),
    ],
    "system_design": [
        (
            "How would you design Instagram?",
            "hard",
            ["feeds", "storage"],
            ["System design", "Distributed systems"],
        ),
        ("Design a URL shortener.", "medium", ["hashing"], ["System design", "Caching"]),
        ("Design a distributed rate limiter.", "hard", ["rate-limiting"], ["System design", "Redis"]),
        ("Design a chat system like WhatsApp.", "hard", ["realtime"], ["System design", "Kafka"]),
        ("Design a notification service.", "medium", ["queues"], ["System design", "Kafka"]),
        ("Design a payment processing system.", "expert", ["payments"], ["Payments", "Distributed systems"]),
        ("Design a web crawler.", "hard", ["crawling"], ["Distributed systems"]),
        ("Design a metrics and alerting pipeline.", "hard", ["observability"], ["Observability", "Kafka"]),
    ],
    "product": [
        (
            "How would you improve Spotify's discovery experience?",
            "medium",
            ["product-sense"],
            ["Product sense"],
        ),
        ("Daily active users dropped 10% overnight. What do you do?", "hard", ["metrics"], ["Metrics"]),
        (
            "How would you prioritise a roadmap with three competing asks?",
            "medium",
            ["prioritisation"],
            ["Prioritisation"],
        ),
        ("Define success metrics for a new onboarding flow.", "medium", ["metrics"], ["Metrics"]),
        ("Should we build a free tier? How would you decide?", "hard", ["strategy"], ["Product sense"]),
        (
            "Design a product for elderly people to manage medication.",
            "medium",
            ["design"],
            ["Product sense"],
        ),
    ],
    "architecture": [
        (
            "Monolith or microservices for a 10-person startup?",
            "medium",
            ["microservices"],
            ["Distributed systems"],
        ),
        (
            "How would you migrate a monolith to services without downtime?",
            "hard",
            ["migration"],
            ["Distributed systems"],
        ),
        ("When would you choose event sourcing?", "hard", ["events"], ["Kafka", "Distributed systems"]),
        (
            "How do you design for multi-region availability?",
            "expert",
            ["availability"],
            ["AWS", "Distributed systems"],
        ),
        (
            "Sync REST or async messaging between services?",
            "medium",
            ["integration"],
            ["API design", "Kafka"],
        ),
        (
            "How would you introduce caching to a read-heavy service?",
            "medium",
            ["caching"],
            ["Caching", "Redis"],
        ),
    ],
    "other": [
        ("Why do you want to work here?", "easy", ["motivation"], ["Communication"]),
        ("What are your salary expectations?", "easy", ["compensation"], ["Communication"]),
        ("Where do you see yourself in five years?", "easy", ["career"], ["Communication"]),
    ],
}

NOTES = [
    "Friendly panel; lots of follow-ups on trade-offs.",
    "Interviewer pushed hard on scaling numbers — prepare estimates.",
    "Mostly about past projects; STAR answers worked well.",
    "Live coding in a shared editor, no autocomplete.",
    "Ran out of time on the deep dive; practise pacing.",
    "Great conversation about team culture and on-call.",
    "Asked about Kubernetes operators and incident response.",
    "Take-home review: they liked the tests, questioned the schema.",
]

SENIORITY = ["junior", "mid", "senior", "senior", "staff", "lead", "manager", "principal"]
ROUND_TYPES = [
    "recruiter_screen",
    "phone_screen",
    "technical",
    "coding",
    "system_design",
    "behavioral",
    "onsite",
    "hiring_manager",
]

# Typical answer quality per category: coding and system design are where people struggle.
BASE_RATING = {
    "behavioral": 7,
    "technical": 6,
    "coding": 5,
    "system_design": 5,
    "product": 6,
    "architecture": 6,
    "other": 8,
}

Progress = Callable[[str, int], None]


async def has_data(session: AsyncSession, user: User) -> int:
    return (
        await session.execute(
            select(func.count()).select_from(Interview).where(Interview.owner_id == user.id)
        )
    ).scalar_one()


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = await session.execute(insert(model).returning(model.id), rows)
    return list(result.scalars())


async def seed(
    session: AsyncSession, user: User, *, interviews: int = 300, progress: Progress | None = None
) -> dict[str, int]:
    """Fill the account; the caller commits. Deterministic for a given user id."""
    rnd = random.Random(user.id * 7919)
    tick = progress or (lambda _label, _n: None)
    uid = user.id
    now = datetime.now(UTC)

    company_ids = await _insert(
        session,
        Company,
        [
            {
                "owner_id": uid,
                "company_name": n,
                "industry": ind,
                "location": rnd.choice(["Berlin", "London", "Remote", "Amsterdam", "Dublin", "Paris"]),
            }
            for n, ind in COMPANIES
        ],
    )
    tick("companies", len(company_ids))

    role_rows = []
    for cid in company_ids:
        for title, dept in rnd.sample(ROLES, 2):
            role_rows.append(
                {
                    "owner_id": uid,
                    "company_id": cid,
                    "role_title": title,
                    "department": dept,
                    "seniority_level": rnd.choice(SENIORITY),
                }
            )
    role_ids = await _insert(session, Role, role_rows)
    role_company = {rid: row["company_id"] for rid, row in zip(role_ids, role_rows, strict=True)}
    tick("roles", len(role_ids))

    skill_ids = await _insert(
        session, Skill, [{"owner_id": uid, "skill_name": n, "skill_category": c} for n, c in SKILLS]
    )
    skill_by_name = dict(zip([n for n, _ in SKILLS], skill_ids, strict=True))
    tick("skills", len(skill_ids))

    cv_ids = await _insert(
        session,
        CvVersion,
        [
            {
                "owner_id": uid,
                "version_name": name,
                "target_role": target,
                "summary": summary,
                "is_active": active,
            }
            for name, target, summary, active in [
                ("Backend v1", "Backend Engineer", "Python/Go services, PostgreSQL.", False),
                ("Backend v2", "Senior Backend Engineer", "Led payments platform migration.", True),
                ("Platform", "Platform Engineer", "Kubernetes, Terraform, observability.", True),
                ("Leadership", "Engineering Manager", "Managed a team of 6; hiring and mentoring.", True),
            ]
        ],
    )
    tick("cv versions", len(cv_ids))

    q_rows, q_skills = [], []
    variants = [
        "",
        " (follow-up: what would you change at 10x scale?)",
        " — asked as a warm-up",
        " with constraints on memory",
    ]
    for category, items in QUESTIONS.items():
        for text, difficulty, tags, skills in items:
            for v in variants[: rnd.randint(2, 4)]:
                q_rows.append(
                    {
                        "owner_id": uid,
                        "question_text": text + v,
                        "question_category": category,
                        "question_difficulty": difficulty,
                        "tags": tags,
                        "company_id": rnd.choice(company_ids) if rnd.random() < 0.5 else None,
                        "notes": rnd.choice(NOTES) if rnd.random() < 0.4 else None,
                    }
                )
                q_skills.append([skill_by_name[s] for s in skills])
    # Pad the bank to a few hundred with company-specific variants.
    while len(q_rows) < 250:
        i = rnd.randrange(len(q_rows))
        base = dict(q_rows[i])
        base["question_text"] = f"{base['question_text']} [{rnd.choice(COMPANIES)[0]} variant {len(q_rows)}]"
        q_rows.append(base)
        q_skills.append(q_skills[i])
    question_ids = await _insert(session, Question, q_rows)
    links = [
        {"question_id": qid, "skill_id": sid}
        for qid, sids in zip(question_ids, q_skills, strict=True)
        for sid in sids
    ]
    await session.execute(insert(question_skills), links)
    q_category = {qid: row["question_category"] for qid, row in zip(question_ids, q_rows, strict=True)}
    tick("questions", len(question_ids))

    interview_rows = []
    for _ in range(interviews):
        rid = rnd.choice(role_ids)
        when = now + timedelta(days=rnd.randint(-400, 21), hours=rnd.randint(8, 17))
        past = when < now
        status = (
            rnd.choices(["completed", "cancelled", "no_show", "rescheduled"], [85, 8, 3, 4])[0]
            if past
            else "scheduled"
        )
        outcome = (
            rnd.choices(["advanced", "offer", "rejected", "withdrawn", "ghosted"], [35, 10, 40, 8, 7])[0]
            if status == "completed"
            else None
        )
        interview_rows.append(
            {
                "owner_id": uid,
                "company_id": role_company[rid],
                "role_id": rid,
                "cv_version_id": rnd.choice(cv_ids),
                "interview_date": when,
                "seniority_level": rnd.choice(SENIORITY),
                "interview_type": rnd.choices(["actual", "mock", "practice"], [80, 15, 5])[0],
                "interview_status": status,
                "outcome": outcome,
                "is_remote": rnd.random() < 0.6,
                "duration_minutes": rnd.choice([30, 45, 60, 90, 240]),
                "overall_rating": rnd.randint(3, 10) if status == "completed" else None,
                "notes": rnd.choice(NOTES),
            }
        )
    interview_ids = await _insert(session, Interview, interview_rows)
    tick("interviews", len(interview_ids))

    round_rows, iq_rows, is_rows = [], [], []
    for iid, row in zip(interview_ids, interview_rows, strict=True):
        for n in range(1, rnd.randint(1, 4) + 1):
            round_rows.append(
                {
                    "owner_id": uid,
                    "interview_id": iid,
                    "round_number": n,
                    "round_type": rnd.choice(ROUND_TYPES),
                    "round_date": row["interview_date"],
                    "round_rating": rnd.randint(3, 10) if row["interview_status"] == "completed" else None,
                }
            )
        if row["interview_status"] == "completed":
            for qid in rnd.sample(question_ids, rnd.randint(2, 5)):
                rating = max(1, min(10, BASE_RATING[str(q_category[qid])] + rnd.randint(-3, 3)))
                iq_rows.append(
                    {
                        "owner_id": uid,
                        "interview_id": iid,
                        "question_id": qid,
                        "answer_quality_rating": rating,
                    }
                )
            for sid in rnd.sample(skill_ids, rnd.randint(1, 3)):
                is_rows.append(
                    {
                        "owner_id": uid,
                        "interview_id": iid,
                        "skill_id": sid,
                        "performance_rating": rnd.randint(3, 10),
                    }
                )
    await _insert(session, InterviewRound, round_rows)
    tick("rounds", len(round_rows))
    await _insert(session, InterviewQuestion, iq_rows)
    tick("questions asked", len(iq_rows))
    await _insert(session, InterviewSkill, is_rows)
    tick("skills tested", len(is_rows))

    ps_ids = await _insert(
        session,
        PracticeSession,
        [
            {
                "owner_id": uid,
                "session_date": now - timedelta(days=rnd.randint(0, 200)),
                "duration_minutes": rnd.choice([30, 45, 60, 90]),
                "focus_category": rnd.choice(list(QUESTIONS)),
                "overall_rating": rnd.randint(4, 9),
            }
            for _ in range(30)
        ],
    )
    await _insert(
        session,
        PracticeSessionQuestion,
        [
            {"owner_id": uid, "session_id": sid, "question_id": qid, "self_rating": rnd.randint(3, 9)}
            for sid in ps_ids
            for qid in rnd.sample(question_ids, 3)
        ],
    )
    tick("practice sessions", len(ps_ids))

    gap_rows = []
    for name in [
        "Distributed systems",
        "Kafka",
        "Algorithms",
        "Metrics",
        "Stakeholder management",
        "PostgreSQL",
        "Concurrency",
        "Payments",
        "Security",
        "Estimation",
        "Observability",
        "Kubernetes",
        "Caching",
        "Leadership",
        "Go",
    ]:
        gap_rows.append(
            {
                "owner_id": uid,
                "skill_id": skill_by_name[name],
                "interview_id": rnd.choice(interview_ids),
                "gap_description": f"Struggled to go deep on {name.lower()} when pushed on edge cases.",
                "severity": rnd.choice(["low", "medium", "high", "critical"]),
                "status": rnd.choice(["identified", "in_progress", "resolved"]),
                "action_plan": f"Read one design doc and do two practice questions on {name.lower()} a week.",
            }
        )
    await _insert(session, SkillGap, gap_rows)
    tick("skill gaps", len(gap_rows))

    await _insert(
        session,
        UserSkill,
        [
            {
                "owner_id": uid,
                "skill_id": sid,
                "proficiency_level": rnd.choice(["beginner", "intermediate", "advanced", "expert"]),
                "self_rating": rnd.randint(3, 9),
                "years_experience": rnd.choice([0.5, 1, 2, 3, 5, 8]),
            }
            for sid in rnd.sample(skill_ids, 20)
        ],
    )
    tick("user skills", 20)
    return {
        "companies": len(company_ids),
        "roles": len(role_ids),
        "skills": len(skill_ids),
        "questions": len(question_ids),
        "interviews": len(interview_ids),
        "rounds": len(round_rows),
        "questions_asked": len(iq_rows),
        "practice_sessions": len(ps_ids),
        "skill_gaps": len(gap_rows),
    }
