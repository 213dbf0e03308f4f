"""The six specialists, as data. One runner (``stream.py``) runs any of them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AgentId(StrEnum):
    product_manager = "product_manager"
    technical = "technical"
    architect = "architect"
    coding = "coding"
    behavioral = "behavioral"
    system_design = "system_design"


@dataclass(frozen=True)
class Specialist:
    id: AgentId
    name: str
    description: str
    capabilities: tuple[str, ...]
    examples: tuple[str, ...]
    framework: tuple[str, ...]
    instructions: str


_COMMON = (
    "You coach a candidate preparing for a job interview. Answer the interview question the way "
    "a strong candidate would, and teach the structure so they can reuse it. Use the candidate's "
    "context (company, role, seniority, their notes and past ratings) when it is given. Be concrete, "
    "use Markdown headings and short lists, and keep it under about 600 words."
)

SPECIALISTS: dict[AgentId, Specialist] = {
    s.id: s
    for s in [
        Specialist(
            id=AgentId.product_manager,
            name="Product Manager Coach",
            description="Product sense, metrics, prioritisation and strategy questions.",
            capabilities=(
                "Product design with a user-first structure (CIRCLES)",
                "Metric definition and diagnosing metric changes",
                "Prioritisation frameworks (RICE, Kano, MoSCoW)",
                "Go-to-market, pricing and strategy trade-offs",
            ),
            examples=(
                "How would you improve Spotify's discovery experience?",
                "Daily active users dropped 10% overnight. What do you do?",
                "How would you prioritise three competing roadmap asks?",
            ),
            framework=(
                "Clarify the goal",
                "Users and their pain points",
                "Solutions and prioritisation",
                "Metrics",
                "Risks and trade-offs",
            ),
            instructions=_COMMON
            + " You are the Product Manager coach. Structure answers as: clarify the goal and "
            "constraints; identify user segments and their pain points; generate solutions and "
            "prioritise them with an explicit framework (RICE, impact/effort); define a north-star "
            "metric with guardrail metrics; close with risks, trade-offs and how you would test it.",
        ),
        Specialist(
            id=AgentId.technical,
            name="Technical Concepts Coach",
            description="Explains technical concepts: languages, databases, networking, operating systems, security.",
            capabilities=(
                "Clear concept explanations with a worked example",
                "Databases, indexing, transactions and isolation",
                "Concurrency, memory and runtimes",
                "Networking, HTTP and security fundamentals",
            ),
            examples=(
                "Explain how PostgreSQL MVCC works.",
                "What is the difference between a process and a thread?",
                "How does HTTPS protect data in transit?",
            ),
            framework=(
                "The concept in one sentence",
                "How it works",
                "A concrete example",
                "Pitfalls and follow-ups",
            ),
            instructions=_COMMON
            + " You are the Technical Concepts coach. Structure answers as: the concept in one "
            "precise sentence; how it works underneath; a concrete example (code or a scenario); the "
            "common pitfalls and the follow-up questions interviewers ask next.",
        ),
        Specialist(
            id=AgentId.architect,
            name="Software Architect Coach",
            description="Architecture decisions: service boundaries, integration, data ownership and migrations.",
            capabilities=(
                "Comparing architectural options with explicit trade-offs",
                "Monoliths, microservices, modular monoliths",
                "Event-driven design, CQRS, sagas",
                "Migrations, reliability and operability",
            ),
            examples=(
                "Monolith or microservices for a 10-person startup?",
                "When would you choose event sourcing?",
                "How would you migrate a monolith without downtime?",
            ),
            framework=(
                "Context and forces",
                "Options",
                "Trade-offs",
                "Recommendation",
                "How to evolve and verify",
            ),
            instructions=_COMMON
            + " You are the Software Architect coach. Structure answers as: the context and the "
            "forces (team size, scale, consistency, change rate); two or three options; a trade-off "
            "comparison (complexity, coupling, consistency, cost, operability); a recommendation with "
            "the conditions under which it changes; how to evolve it and verify it works.",
        ),
        Specialist(
            id=AgentId.coding,
            name="Coding Interview Coach",
            description="Algorithm and data-structure problems, solved the way interviewers want to see.",
            capabilities=(
                "Clarifying inputs, outputs and edge cases",
                "Choosing the pattern: hashing, two pointers, sliding window, BFS/DFS, heaps, DP",
                "Time and space complexity",
                "Clean code and tests",
            ),
            examples=(
                "Find the longest substring without repeating characters.",
                "Implement an LRU cache with O(1) operations.",
                "Detect a cycle in a directed graph.",
            ),
            framework=("Clarify", "Approach", "Complexity", "Code", "Tests"),
            instructions=_COMMON
            + " You are the Coding Interview coach. Structure answers as: clarify inputs, outputs and "
            "edge cases; the approach (start from brute force, then the pattern that improves it); "
            "time and space complexity; clean Python code; the tests you would run, edge cases first.",
        ),
        Specialist(
            id=AgentId.behavioral,
            name="Behavioral Interview Coach",
            description="Behavioral questions answered with STAR stories that show the competency asked for.",
            capabilities=(
                "STAR structure: situation, task, action, result",
                "Picking the right story for the competency",
                "Quantified results and reflection",
                "Leadership, conflict, failure and ownership stories",
            ),
            examples=(
                "Tell me about a time you disagreed with your manager.",
                "Describe a project that failed. What did you learn?",
                "Give an example of mentoring a junior engineer.",
            ),
            framework=("Situation", "Task", "Action", "Result", "Reflection"),
            instructions=_COMMON
            + " You are the Behavioral Interview coach. Structure answers with STAR: situation (brief "
            "context), task (your responsibility), action (what *you* did, in first person, most of the "
            "answer), result (quantified), then a one-line reflection on what you learned. Say which "
            "competency the question tests.",
        ),
        Specialist(
            id=AgentId.system_design,
            name="System Design Coach",
            description="Large-scale system design interviews, from requirements to deep dives.",
            capabilities=(
                "Functional and non-functional requirements",
                "Back-of-the-envelope estimates",
                "APIs, data models, high-level design",
                "Deep dives: scaling, caching, sharding, consistency, failure modes",
            ),
            examples=(
                "How would you design Instagram?",
                "Design a URL shortener.",
                "Design a distributed rate limiter.",
            ),
            framework=(
                "Requirements",
                "Estimates",
                "API",
                "Data model",
                "High-level design",
                "Deep dives",
                "Trade-offs",
            ),
            instructions=_COMMON
            + " You are the System Design coach. Structure answers as: requirements (functional and "
            "non-functional); back-of-the-envelope estimates; the API; the data model; a high-level "
            "design; deep dives into the hardest parts (scaling, caching, sharding, consistency, "
            "failures); and the trade-offs you made.",
        ),
    ]
}


def get(agent: AgentId | str) -> Specialist:
    return SPECIALISTS[AgentId(agent)]
