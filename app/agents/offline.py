"""The offline coach: a real LangChain chat model that needs no network, no key and no weights.

It answers from the specialist's framework, a small knowledge base of interview patterns, the
question's own terms, and the candidate's context and bank (given in the system prompt).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from app.agents import knowledge as kb
from app.agents.context import CoachingContext
from app.agents.specialists import SPECIALISTS, AgentId, Specialist

OFFLINE_MODEL_NAME = "offline-coach-1 (offline, no LLM)"

_STOP = set(
    """a an the and or but if of to in on at by for with about into from as is are was were be been being do does did
    you your yours we our i me my how what why when where which who whom would could should can will shall may might
    tell describe explain give example time times please walk through design build implement write function return
    given find make let us this that these those it its there their them they his her between difference like using
    use via per vs versus so such than then very more most much many any some all each every other whether not no""".split()
)

_LEADS = [
    r"^(how would you|how do you|how would|how to|how can you|can you|could you)\s+(design|build|architect|approach|implement)?\s*",
    r"^(tell me about|describe|walk me through|give me|share)\s+(a time|an example|a situation|a project|an instance)?\s*(when|where|in which|of when|of)?\s*",
    r"^(design|build|implement|write a function to|write a function that|write|explain|define)\s+",
    r"^(what is|what's|what are|how does|how do)\s+",
]


def topic_of(question: str) -> str:
    """The question's subject, e.g. 'How would you design Instagram?' -> 'Instagram'."""
    text = " ".join(question.strip().split()).rstrip("?.! ")
    for pattern in _LEADS:
        text = re.sub(pattern, "", text, flags=re.IGNORECASE).strip()
    return text or question.strip()


def key_terms(question: str, limit: int = 4) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z0-9+#.\-]*", question)
    seen: dict[str, str] = {}
    for w in words:
        lw = w.lower().strip(".-")
        if lw in _STOP or len(lw) < 3:
            continue
        seen.setdefault(lw, w.strip(".-"))
    return list(seen.values())[:limit]


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items)


def _seniority_note(seniority: str | None) -> str | None:
    if not seniority:
        return None
    level = seniority.lower()
    if level in {"intern", "junior"}:
        return "At this level interviewers look for solid fundamentals and clear reasoning: say what you know, and how you would find out what you do not."
    if level in {"mid"}:
        return "At mid level, show you can own a feature end to end: trade-offs you weighed and how you verified the result."
    if level in {"senior", "lead"}:
        return "At senior level, lead the conversation: state assumptions, compare options, and name the risks before you are asked."
    return "At this level, talk about impact beyond one team: the decisions you shaped, how you aligned people, and long-term consequences."


def _context_section(ctx: CoachingContext, topic_title: str) -> str:
    parts = []
    where = " at ".join(p for p in [ctx.role, ctx.company] if p)
    if where or ctx.seniority:
        header = f"### Tailoring it{' for ' + where if where else ''}{' (' + ctx.seniority + ')' if ctx.seniority else ''}"
        lines = []
        if ctx.company:
            lines.append(
                f"Tie your answer to {ctx.company}'s product and scale: one sentence showing you know what matters to them makes {topic_title} concrete."
            )
        note = _seniority_note(ctx.seniority)
        if note:
            lines.append(note)
        parts.append(header + "\n" + _bullets(lines))
    own = []
    if ctx.past_ratings:
        avg = sum(ctx.past_ratings) / len(ctx.past_ratings)
        if avg < 6:
            own.append(
                f"You rated past answers to this question {', '.join(map(str, ctx.past_ratings))}/10 — rehearse the structure above out loud, timed, until it is automatic."
            )
        else:
            own.append(
                f"Past ratings {', '.join(map(str, ctx.past_ratings))}/10: the basics are there — push into the deep-dive and trade-off parts to stand out."
            )
    if ctx.question_notes:
        own.append(f"Your own notes on it: “{ctx.question_notes[:300]}” — build on that.")
    if ctx.sample_answer:
        own.append(
            f"Your prepared answer starts: “{ctx.sample_answer[:200]}…” — check it follows the structure above."
        )
    if ctx.interview_notes:
        own.append(f"From your interview notes: “{ctx.interview_notes[:300]}”.")
    if ctx.interview_feedback:
        own.append(
            f"Feedback you received: “{ctx.interview_feedback[:300]}” — address it explicitly this time."
        )
    if ctx.notes:
        own.append(f"You mentioned: “{ctx.notes[:300]}”.")
    if own:
        parts.append("### From your own records\n" + _bullets(own))
    if ctx.related:
        rel = []
        for r in ctx.related[:3]:
            rating = f" — you averaged {r.average_rating:.1f}/10" if r.average_rating is not None else ""
            rel.append(f"{r.text} ({r.category.replace('_', ' ')}{rating})")
        parts.append("### Practise next, from your question bank\n" + _bullets(rel))
    return "\n\n".join(parts)


def _system_design(q: str, topic: str) -> tuple[str, kb.Topic]:
    t = kb.match(kb.SYSTEM_DESIGN, kb.SYSTEM_DESIGN_GENERAL, q)
    subject = f"{topic} ({t.title})" if t.keywords and t.title.lower() not in topic.lower() else topic
    asks_design = re.match(r"\s*(how would you |how do you |can you )?(design|build|architect)\b", q, re.I)
    sections = [
        f"## Designing {subject}" if asks_design else f"## {q.strip()}",
        "Interviewers want a structured walk from requirements to trade-offs. Drive it yourself and check in at each step.",
    ]
    for step in ["Requirements", "Estimates", "API", "Data model"]:
        sections.append(f"### {step}\n" + _bullets(t.points[step]))
    sections.append(
        "### High-level design\n"
        + _bullets(
            [
                "Clients → load balancer → stateless API services (scale horizontally)",
                "A primary datastore chosen for the main access pattern; a cache in front of the hot read path",
                "Queues for slow or bursty work; object storage + CDN for large blobs",
                "Draw it, then walk one read and one write through every box",
            ]
        )
    )
    sections.append("### Deep dives\n" + _bullets(t.points["Deep dives"]))
    sections.append("### Trade-offs to say out loud\n" + _bullets(t.points["Trade-offs"]))
    return "\n\n".join(sections), t


def _coding(q: str, topic: str) -> tuple[str, kb.Topic]:
    t = kb.match(kb.CODING, kb.CODING_GENERAL, q)
    terms = key_terms(q)
    clarify = [
        f"Restate the problem: {topic}.",
        "Ask about input size, value ranges, duplicates, empty input, and whether you may modify the input.",
    ]
    if terms:
        clarify.append(
            f"Confirm what exactly '{terms[0]}' means here and what to return when there is no answer."
        )
    sections = [
        f"## Solving: {topic}",
        f"**Pattern:** {t.title}.",
        "### 1. Clarify\n" + _bullets(clarify),
        "### 2. Approach\n" + _bullets(t.points["Approach"]),
        "### 3. Complexity\n" + _bullets(t.points["Complexity"]),
        "### 4. Code\n```python\n" + t.code + "\n```",
        "### 5. Tests\n"
        + _bullets(
            [f"`{c}`" for c in t.points["Tests"]]
            + ["Walk one example through the code by hand before saying you are done."]
        ),
    ]
    return "\n\n".join(sections), t


def _behavioral(q: str, topic: str) -> tuple[str, kb.Topic]:
    t = kb.match(kb.BEHAVIORAL, kb.BEHAVIORAL_GENERAL, q)
    star = not any(
        k in q.lower() for k in ("why do you want", "weakness", "five years", "salary", "yourself", "leaving")
    )
    sections = [f"## Answering: “{q.strip()}”", f"**What it tests:** {t.title}."]
    if star:
        sections.append(
            "### STAR structure (about 2 minutes)\n"
            + _bullets(
                [
                    f"**Situation** (15 s): the team, the stakes, when — one specific occasion where {topic.lower()}.",
                    "**Task** (15 s): what *you* were responsible for, and what made it hard.",
                    "**Action** (60–75 s): 2–3 concrete steps *you* took, in the first person, including how you communicated.",
                    "**Result** (20 s): a measurable outcome — time saved, incidents avoided, revenue, what the team did differently.",
                    "**Reflection** (10 s): what you learned and what you do differently now.",
                ]
            )
        )
    else:
        sections.append("### Structure\n" + _bullets(t.points["Good answer"]))
    if star:
        sections.append("### What a strong answer shows\n" + _bullets(t.points["Good answer"]))
    sections.append(
        "### Pitfalls\n"
        + _bullets(t.points["Pitfalls"] + ["Running over three minutes — practise with a timer."])
    )
    return "\n\n".join(sections), t


def _product(q: str, topic: str) -> tuple[str, kb.Topic]:
    t = kb.match(kb.PRODUCT, kb.PRODUCT_GENERAL, q)
    sections = [
        f"## Approaching: {topic}",
        f"**Type of question:** {t.title}. Say your structure before you start.",
        "### Framework\n" + _bullets(t.points["Framework"]),
        "### Metrics\n" + _bullets(t.points["Metrics"]),
        "### Prioritise and decide\n"
        + _bullets(
            [
                "Score your options on impact, effort and confidence (RICE) and pick one explicitly.",
                "Name the trade-off you accept and the risk you will watch.",
                "Finish with how you would validate it: an A/B test, a pilot, or user interviews.",
            ]
        ),
    ]
    return "\n\n".join(sections), t


def _architecture(q: str, topic: str) -> tuple[str, kb.Topic]:
    t = kb.match(kb.ARCHITECTURE, kb.ARCHITECTURE_GENERAL, q)
    sections = [
        f"## Deciding: {topic}",
        f"**The decision:** {t.title}. Start from the forces, not the fashion.",
        "### Context and forces\n"
        + _bullets(
            [
                "Team size and skills, expected scale, consistency needs, rate of change, budget for operations."
            ]
        ),
        "### Options\n" + _bullets(t.points["Options"]),
        "### Trade-offs\n" + _bullets(t.points["Trade-offs"]),
        "### Recommendation\n" + _bullets(t.points["Recommendation"]),
        "### Evolve and verify\n"
        + _bullets(
            [
                "Record the decision (an ADR) with the conditions that would reverse it.",
                "Define fitness checks: deploy frequency, latency SLOs, incident rate, coupling between modules.",
            ]
        ),
    ]
    return "\n\n".join(sections), t


def _technical(q: str, topic: str) -> tuple[str, kb.Topic]:
    t = kb.match(kb.TECHNICAL, kb.TECHNICAL_GENERAL, q)
    subject = t.title if t.keywords else topic
    sections = [
        f"## Explaining {subject}",
        "### The concept\n" + _bullets(t.points["Concept"]),
        "### How it works\n" + _bullets(t.points["How it works"]),
        "### A concrete example\n" + _bullets(t.points["Example"]),
        "### Pitfalls interviewers probe\n" + _bullets(t.points["Pitfalls"]),
    ]
    return "\n\n".join(sections), t


_BUILDERS = {
    AgentId.system_design: _system_design,
    AgentId.coding: _coding,
    AgentId.behavioral: _behavioral,
    AgentId.product_manager: _product,
    AgentId.architect: _architecture,
    AgentId.technical: _technical,
}


def coach(specialist: Specialist, question: str, ctx: CoachingContext) -> str:
    topic = topic_of(question)
    body, t = _BUILDERS[specialist.id](question, topic)
    extra = _context_section(ctx, t.title if t.keywords else topic)
    closing = (
        "_Offline coach: structured guidance from interview frameworks and your own records. "
        "Configure an OpenAI-compatible model for free-form answers._"
    )
    return "\n\n".join(p for p in [body, extra, closing] if p)


def follow_ups(specialist: Specialist, question: str, answer: str = "") -> list[str]:
    """Three questions an interviewer would ask next."""
    topic = topic_of(question)
    matcher = {
        AgentId.system_design: (kb.SYSTEM_DESIGN, kb.SYSTEM_DESIGN_GENERAL),
        AgentId.coding: (kb.CODING, kb.CODING_GENERAL),
        AgentId.behavioral: (kb.BEHAVIORAL, kb.BEHAVIORAL_GENERAL),
        AgentId.product_manager: (kb.PRODUCT, kb.PRODUCT_GENERAL),
        AgentId.architect: (kb.ARCHITECTURE, kb.ARCHITECTURE_GENERAL),
        AgentId.technical: (kb.TECHNICAL, kb.TECHNICAL_GENERAL),
    }[specialist.id]
    t = kb.match(matcher[0], matcher[1], question)
    if t.follow_ups:
        return list(t.follow_ups[:3])
    generic = {
        AgentId.system_design: [
            f"How would your design for {topic} change at 10× the traffic?",
            f"Which component of {topic} fails first, and what happens then?",
            "Where did you trade consistency for availability, and why?",
        ],
        AgentId.coding: [
            "What is the time and space complexity, and can you do better?",
            "Which edge cases would break your first version?",
            "How would you test this in production code?",
        ],
        AgentId.behavioral: [
            "What would you do differently if it happened again?",
            "How did the people involved react afterwards?",
            "What did you learn that you still use today?",
        ],
        AgentId.product_manager: [
            f"Which single metric would tell you {topic} succeeded?",
            "What would you cut if you had half the time?",
            "How would you test this before a full launch?",
        ],
        AgentId.architect: [
            "What would make you reverse this decision?",
            "How would you migrate to it incrementally?",
            "How does this change with a team of 50?",
        ],
        AgentId.technical: [
            f"Where have you used {topic} in a real system?",
            f"What goes wrong with {topic} in production?",
            "How would you explain it to a junior engineer?",
        ],
    }
    return generic[specialist.id]


def _specialist_from(messages: list[BaseMessage]) -> Specialist:
    system = "\n".join(str(m.content) for m in messages if isinstance(m, SystemMessage))
    for s in SPECIALISTS.values():
        if s.instructions in system:
            return s
    return SPECIALISTS[AgentId.technical]


def _question_from(messages: list[BaseMessage]) -> str:
    for m in reversed(messages):
        if isinstance(m, HumanMessage):
            return str(m.content)
    return ""


def _pieces(text: str) -> Iterator[str]:
    """Stream in small word groups, keeping whitespace, so chunks concatenate to the text exactly."""
    tokens = re.findall(r"\S+\s*|\s+", text)
    for i in range(0, len(tokens), 3):
        yield "".join(tokens[i : i + 3])


class OfflineChatModel(BaseChatModel):
    """A deterministic coaching model with real (chunked) streaming."""

    model_name: str = OFFLINE_MODEL_NAME
    chunk_delay_s: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "offline-coach"

    def _answer(self, messages: list[BaseMessage]) -> str:
        specialist = _specialist_from(messages)
        system = "\n".join(str(m.content) for m in messages if isinstance(m, SystemMessage))
        return coach(specialist, _question_from(messages), CoachingContext.parse(system))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(content=self._answer(messages), response_metadata={"model_name": self.model_name})
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in _pieces(self._answer(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for piece in _pieces(self._answer(messages)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                await run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
            # Yield to the event loop between chunks so many streams share one worker fairly.
            await asyncio.sleep(self.chunk_delay_s)
