"""The offline grader: strong answers clearly above vague ones across disciplines, the missing
parts named, and agreement with 20 hand grades (hand_graded.yaml, written before the grader ran)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.agents.grading import grade_offline
from app.agents.specialists import AgentId

PAIRS = [
    (
        AgentId.behavioral,
        "Tell me about a time you improved a process.",
        "At my last company, our releases took 3 days of manual QA and I was asked to speed them up. "
        "I measured where the time went, I automated the 40 slowest checks and I trained two testers "
        "on the new suite. As a result releases dropped from 3 days to 4 hours and we shipped weekly "
        "instead of monthly. I learned to measure first; since then I start with a time breakdown.",
        "We improved our release process. The team worked hard and things got better over time.",
        ["measurable result", "reflection", "first person"],
    ),
    (
        AgentId.system_design,
        "Design a photo sharing service.",
        "Requirements: upload, view and follow; 10 million daily users, 100:1 reads to writes, about "
        "2 TB of new photos per day. API: POST /photos, GET /feed. Data model: a photos table keyed by "
        "id with an index on user id; blobs in S3 behind a CDN. The feed is the bottleneck, so I would "
        "cache it in Redis and shard the database by user id with replicas. Trade-off: precomputing "
        "feeds is fast to read but costly for users with millions of followers, so celebrities are "
        "merged at read time instead.",
        "I would store the photos in a database and show them to users.",
        ["requirements", "scaling", "trade-offs"],
    ),
    (
        AgentId.coding,
        "Find the first non-repeating character in a string.",
        "Clarify: ASCII or Unicode, and what to return when none exists? Assume return -1. Brute force "
        "compares every pair, O(n^2). Better: count characters in a hash map in one pass, then scan "
        "again for the first with count 1: O(n) time, O(k) space. For example 'leetcode' returns 0. "
        "Tests: empty string, all repeating, a single character, Unicode input.",
        "Loop over the string and find it.",
        ["complexity", "edge cases", "clarifying"],
    ),
    (
        AgentId.technical,
        "What is a cache?",
        "A cache is a fast store that keeps copies of data so later reads avoid a slower source. It "
        "works by checking the cache first and, on a miss, reading the source and storing the result "
        "with a TTL. For example I put Redis in front of our pricing API and cut p95 latency from 300 "
        "ms to 20 ms. The trade-off is staleness; a common pitfall is invalidating too late after writes.",
        "A cache makes things faster.",
        ["example", "trade-offs"],
    ),
]


@pytest.mark.parametrize(
    ("agent", "question", "strong", "vague", "named"), PAIRS, ids=[p[0].value for p in PAIRS]
)
def test_strong_answer_scores_clearly_above_vague_and_missing_parts_are_named(
    agent: AgentId, question: str, strong: str, vague: str, named: list[str]
) -> None:
    good, bad = grade_offline(agent, question, strong), grade_offline(agent, question, vague)
    assert good.overall >= bad.overall + 4, (good.overall, bad.overall)
    assert good.overall >= 7 and bad.overall <= 3
    missing = " ".join(bad.improvements).lower()
    for part in named:
        assert part in missing, (part, bad.improvements)
    assert grade_offline(agent, question, strong) == good, "deterministic"


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # ties share the average rank
        i = j + 1
    return ranks


def _pearson(a: list[float], b: list[float]) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    va = sum((x - ma) ** 2 for x in a) ** 0.5
    vb = sum((y - mb) ** 2 for y in b) ** 0.5
    return cov / (va * vb)


def test_agreement_with_hand_grades() -> None:
    cases = yaml.safe_load((Path(__file__).parent / "hand_graded.yaml").read_text(encoding="utf-8"))
    assert len(cases) == 20
    hand = [float(c["hand"]) for c in cases]
    grader = [float(grade_offline(AgentId(c["agent"]), c["question"], c["answer"]).overall) for c in cases]
    mad = sum(abs(h - g) for h, g in zip(hand, grader, strict=True)) / len(cases)
    spearman = _pearson(_ranks(hand), _ranks(grader))
    print(f"\noffline grader vs hand grades (n=20): MAD {mad:.2f}, Spearman {spearman:.2f}")
    for c, g in zip(cases, grader, strict=True):
        print(f"  {c['agent']:<16} hand {c['hand']:>2}  grader {g:>4.0f}  {c['question'][:50]}")
    assert mad <= 2.0
    assert spearman >= 0.7
