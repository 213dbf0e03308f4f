"""A fast local router: weighted phrase patterns per specialist. No ML dependency, microseconds a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.agents.specialists import AgentId

# (pattern, weight). Patterns are matched case-insensitively on word boundaries.
_SIGNALS: dict[AgentId, list[tuple[str, float]]] = {
    AgentId.behavioral: [
        (r"tell me about a time", 4),
        (r"describe a (time|situation|project|moment)", 3),
        (r"(give|share)( me)? an example", 3),
        (r"a time (when )?you", 2),
        (r"how do you handle", 2),
        (r"conflicts?", 3),
        (r"walk me through a (time|conflict|situation)", 3),
        (r"disagree\w*", 2),
        (r"mistake", 2),
        (r"fail(ed|ure)", 2),
        (r"weakness\w*", 3),
        (r"strength\w*", 2),
        (r"feedback", 2),
        (r"deadline", 2),
        (r"mentor\w*", 2),
        (r"leadership", 2),
        (r"without (formal )?authority", 2),
        (r"why do you want", 4),
        (r"(your|a) (manager|colleague|teammate|team)", 1.5),
        (r"proud", 2),
        (r"learn(ed|t)", 1),
        (r"challeng\w+", 1),
        (r"motivat\w+", 2),
        (r"yourself", 2),
        (r"difficult", 1),
        (r"five years", 3),
        (r"salary", 3),
        (r"work here", 2),
        (r"leaving|current (job|role|company)", 3),
        (r"proudest|achievement", 3),
    ],
    AgentId.coding: [
        (r"reverse", 2),
        (r"linked list", 3),
        (r"given an? (array|string|list|binary|matrix|grid|integer|tree|graph)", 4),
        (r"(array|string) of", 2),
        (r"write a (function|program|method)", 4),
        (r"implement an? ", 2),
        (r"palindrome", 3),
        (r"substring", 3),
        (r"subarray", 3),
        (r"two sum|add up to", 3),
        (r"sorted", 1.5),
        (r"merge k", 3),
        (r"binary (search|tree)", 3),
        (r"traversal", 3),
        (r"graph", 1.5),
        (r"cycle", 1.5),
        (r"islands?", 3),
        (r"grid", 1.5),
        (r"number of ways", 3),
        (r"stairs", 2),
        (r"o\(1\)|o\(n\)|o\(log", 3),
        (r"lru cache", 3),
        (r"algorithm", 2),
        (r"in place", 2),
        (r"return (the )?(indices|index|number|length|list)", 3),
        (r"dynamic programming", 3),
        (r"recursion|recursive", 2),
        (r"heap", 1.5),
        (r"matrix", 2),
        (r"leetcode", 3),
        (r"count the number", 2),
        (r"compute", 1),
        (r"find the (longest|shortest|maximum|minimum|kth|median)", 3),
        (r"detect (whether|if)", 1.5),
        (r"code", 1),
        (r"intervals?", 2.5),
        (r"overlapping", 2),
        (r"\bsort (a|an|the)", 2.5),
        (r"trie\b", 3),
        (r"anagrams?", 3),
        (r"permutations?|combinations?|subsets?", 2.5),
    ],
    AgentId.system_design: [
        (r"design (a|an|the) ", 2),
        (r"how would you (design|build) ", 2),
        (r"like (bit\.ly|twitter|instagram|whatsapp|uber|youtube|netflix|dropbox|google docs)", 3),
        (r"instagram|twitter|whatsapp|uber|youtube|tiktok|dropbox|ticketmaster", 2),
        (r"url shortener", 4),
        (r"rate limiter", 3),
        (r"chat (system|app|service)", 3),
        (r"news ?feed", 3),
        (r"web crawler", 4),
        (r"notification (service|system)", 3),
        (r"ride[- ]sharing", 3),
        (r"video streaming", 3),
        (r"autocomplete", 3),
        (r"distributed (cache|rate|key|queue|file)", 3),
        (r"(million|billion) (users|pages|requests|messages)", 3),
        (r"at scale|scalab\w+", 2),
        (r"\bqps\b|throughput", 2),
        (r"key[- ]value store", 3),
        (r"search (system|engine)", 2),
        (r"platform", 1),
        (r"leaderboard", 3),
        (r"parking lot", 2),
    ],
    AgentId.architect: [
        (r"microservices?", 4),
        (r"monolith\w*", 4),
        (r"event sourcing", 4),
        (r"cqrs", 4),
        (r"sagas?\b", 3),
        (r"service boundar\w+", 4),
        (r"domain[- ]driven", 4),
        (r"hexagonal|clean architecture|onion", 4),
        (r"architect\w*", 3),
        (r"service mesh", 4),
        (r"(synchronous|asynchronous) (rest|messaging|calls)", 3),
        (r"messaging between services|between services", 3),
        (r"distributed transactions?", 3),
        (r"active[- ]active|multi[- ]region|two regions", 3),
        (r"legacy", 2),
        (r"without downtime", 2),
        (r"trade[- ]offs? of", 2),
        (r"adopt", 2),
        (r"when would you choose", 2),
        (r"api gateway", 3),
        (r"coupling", 2),
        (r"modular", 2),
        (r"strangler", 4),
        (r"event[- ]driven", 3),
        (r"tech(nology)? stack", 2),
    ],
    AgentId.product_manager: [
        (r"product", 2.5),
        (r"improve", 2),
        (r"metrics?\b", 3),
        (r"north star", 4),
        (r"prioriti[sz]\w*", 3),
        (r"roadmap", 3),
        (r"feature", 2),
        (r"users?\b", 1),
        (r"customers?", 2),
        (r"launch", 2),
        (r"tier", 2),
        (r"pricing|monetiz\w+|monetis\w+", 3),
        (r"sunset", 3),
        (r"dropped|decline|drop in", 2),
        (r"active users|dau|mau|retention|engagement|churn|conversion", 3),
        (r"kpis?\b", 3),
        (r"marketplace", 2),
        (r"onboarding", 2),
        (r"measure the success|success metric", 4),
        (r"a/b test|experiment", 2),
        (r"go[- ]to[- ]market", 4),
        (r"for (elderly|kids|children|students|blind|busy)", 2),
        (r"stakeholders?", 1),
        (r"\bapp\b", 1),
        (r"investigate", 1.5),
        (r"make it better", 3),
    ],
    AgentId.technical: [
        (r"^explain|explain (how|what|why|the)", 3),
        (r"what('s| is) the difference", 3),
        (r"difference between", 3),
        (r"what (is|are) (a|an|the)? ?", 2),
        (r"how does", 2.5),
        (r"how do .* work", 2),
        (r"what happens when", 3),
        (r"garbage collect\w*", 3),
        (r"\bgil\b", 3),
        (r"process(es)? and (a )?threads?|threads?", 2),
        (r"b-?tree", 3),
        (r"index(es|ing)?\b", 2),
        (r"isolation levels?", 3),
        (r"transactions?", 1.5),
        (r"\btls\b|https|ssl", 3),
        (r"\btcp\b|\budp\b|\bdns\b|\bhttp\b", 3),
        (r"closure", 3),
        (r"\bjwt\b|oauth", 3),
        (r"jvm|python|javascript|java\b|golang|rust", 1.5),
        (r"memory|mutex|deadlock|race condition", 2),
        (r"postgres\w*|mysql|sql\b|nosql", 1.5),
        (r"security pitfalls?", 2),
        (r"virtual memory|kernel|syscall", 3),
        (r"hash (table|map)", 1.5),
        (r"cap theorem", 3),
        (r"in transit", 2),
        (r"why (it )?matters", 1),
        (r"browser", 2),
    ],
}

_COMPILED = {
    agent: [(re.compile(rf"\b{p}" if not p.startswith("^") else p, re.IGNORECASE), w, p) for p, w in signals]
    for agent, signals in _SIGNALS.items()
}


@dataclass(frozen=True)
class Classification:
    agent: AgentId
    confidence: float
    reason: str
    scores: dict[str, float]


def classify(question: str) -> Classification:
    text = " ".join(question.split())
    scores: dict[AgentId, float] = {}
    hits: dict[AgentId, list[str]] = {}
    for agent, patterns in _COMPILED.items():
        total = 0.0
        for rx, weight, _ in patterns:
            m = rx.search(text)
            if m:
                total += weight
                hits.setdefault(agent, []).append(m.group(0).strip())
        scores[agent] = total
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, top = ranked[0]
    second = ranked[1][1]
    if top == 0:
        return Classification(
            AgentId.technical,
            0.3,
            "No strong signal in the question; defaulting to the technical coach.",
            {a.value: s for a, s in scores.items()},
        )
    # Margin over the runner-up, squashed into (0.35, 0.98].
    margin = (top - second) / top
    confidence = round(min(0.98, 0.35 + 0.45 * margin + 0.04 * min(top, 5)), 2)
    words = ", ".join(f"'{h}'" for h in dict.fromkeys(hits[best]).keys())
    reason = f"Matched {words}."
    return Classification(best, confidence, reason, {a.value: s for a, s in scores.items()})
