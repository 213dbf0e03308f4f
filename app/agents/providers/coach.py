"""The offline coach's writing: an answer from the matched topic's notes, or — when no topic
matches — an honest line and the discipline's framework applied to the question's own subject.

Pure functions of a :class:`CoachingRequest` and the knowledge base; no I/O.
"""

from __future__ import annotations

from app.agents import knowledge
from app.agents.context import CoachingContext, CoachingRequest
from app.agents.knowledge import KnowledgeBase, Match, Topic
from app.agents.specialists import SPECIALISTS, AgentId
from app.agents.text import STOP, subject_of, task_of

HONEST_LINE = (
    "I don't have notes on this exact topic offline; here's how to approach it — configure an LLM "
    "(OPENAI_API_KEY/OPENAI_BASE_URL) for a full answer."
)
CLOSING = (
    "_Offline coach: structured guidance from curated interview notes and your own records. "
    "Configure an OpenAI-compatible model for free-form answers._"
)

_VERB = {
    AgentId.system_design: "Designing",
    AgentId.coding: "Solving:",
    AgentId.technical: "Explaining",
    AgentId.product_manager: "Approaching",
    AgentId.architect: "Deciding:",
}

# Grammatical follow-ups when no topic matched: they name no subject, so they never paste the
# question into a template.
GENERIC_FOLLOW_UPS: dict[AgentId, tuple[str, str, str]] = {
    AgentId.system_design: (
        "Which component of your design fails first at ten times the traffic, and how would you protect it?",
        "Where did your design trade consistency for availability, and why?",
        "Which metrics and alerts would you watch once the system is in production?",
    ),
    AgentId.coding: (
        "What are the time and space complexity of your solution, and can you do better?",
        "Which edge cases would break a first version of your solution?",
        "How would you test your solution before shipping it?",
    ),
    AgentId.technical: (
        "Can you give a concrete example from a system you have worked on?",
        "What goes wrong with this approach in production, and how would you detect it?",
        "How would you explain the idea to a junior engineer?",
    ),
    AgentId.behavioral: (
        "What would you do differently if the same situation happened again?",
        "How did the people involved react afterwards?",
        "What did you learn from that experience that you still use today?",
    ),
    AgentId.product_manager: (
        "Which single metric would tell you that your plan succeeded?",
        "What would you cut if you had half the time?",
        "How would you test your idea before a full launch?",
    ),
    AgentId.architect: (
        "What would make you reverse your decision later?",
        "How would you migrate to your recommended design incrementally?",
        "How does your recommendation change with a team of fifty engineers?",
    ),
}


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _heading(agent: AgentId, question: str, subject: str) -> str:
    if agent is AgentId.behavioral:
        return f"## Answering: “{' '.join(question.split())}”"
    # "How would you price X?": the verb is the point, and "Approaching price X" is no English.
    task = task_of(question)
    if task is not None:
        if task.lower().startswith("go about "):  # "go about pricing X" → "Pricing X"
            return f"## {_cap(task[len('go about ') :])}"
        return f"## How to {task}"
    return f"## {_VERB[agent]} {subject}"


def _mentions(subject: str, title: str) -> bool:
    """Whether the subject already names the topic (so 'Topic:' would repeat it)."""
    s = set(knowledge.tokens(subject))
    t = {w for w in knowledge.tokens(title) if w not in STOP}
    return bool(t) and t <= s


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


def context_section(ctx: CoachingContext, subject: str) -> str:
    parts = []
    where = " at ".join(p for p in [ctx.role, ctx.company] if p)
    if where or ctx.seniority:
        header = f"### Tailoring it{' for ' + where if where else ''}{' (' + ctx.seniority + ')' if ctx.seniority else ''}"
        lines = []
        if ctx.company:
            lines.append(
                f"Tie your answer to {ctx.company}'s product and scale: one sentence showing you know what matters to them makes {subject} concrete."
            )
        note = _seniority_note(ctx.seniority)
        if note:
            lines.append(note)
        parts.append(header + "\n" + _bullets(lines))
    own = []
    if ctx.past_ratings:
        ratings = ", ".join(map(str, ctx.past_ratings))
        if sum(ctx.past_ratings) / len(ctx.past_ratings) < 6:
            own.append(
                f"You rated past answers to this question {ratings}/10 — rehearse the structure above out loud, timed, until it is automatic."
            )
        else:
            own.append(
                f"Past ratings {ratings}/10: the basics are there — push into the deep-dive and trade-off parts to stand out."
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


def _topic_body(agent: AgentId, question: str, subject: str, topic: Topic) -> list[str]:
    out = [_heading(agent, question, subject)]
    if not _mentions(subject, topic.title):
        out.append(f"**Topic:** {topic.title}.")
    out.append(topic.summary)
    code = f"### Code\n```python\n{topic.code.source.rstrip()}\n```" if topic.code else None
    code_after = next((h for h in ("Complexity", "Approach") if h in topic.sections), None)
    for heading, bullets in topic.sections.items():
        lines = list(bullets)
        if heading == "Complexity" and topic.complexity:
            lines.append(f"Overall: {topic.complexity}")
        out.append(f"### {heading}\n" + _bullets(lines))
        if code and heading == code_after:
            out.append(code)
    if code and code_after is None:
        out.append(code)
    if topic.code:
        out.append(f"### Checks you can run\n```python\n{topic.code.tests.rstrip()}\n```")
    if topic.complexity and "Complexity" not in topic.sections:
        out.append(f"**Complexity:** {topic.complexity}")
    return out


def _relevant_bullets(question: str, topic: Topic, limit: int = 4) -> list[str]:
    words = {knowledge.stem(w) for w in knowledge.tokens(question) if w not in STOP and len(w) > 2}
    scored = []
    for order, (heading, bullets) in enumerate(topic.sections.items()):
        for b in bullets:
            overlap = len(words & {knowledge.stem(w) for w in knowledge.tokens(b)})
            scored.append((-overlap, order, f"**{heading}:** {b}"))
    scored.sort()
    best = [text for neg, _, text in scored if neg < 0][:limit]
    if not best:  # nothing shared: the deeper parts of the notes are the likely ground
        best = [text for _, _, text in sorted(scored, key=lambda s: -s[1])[:limit]]
    return best


def _follow_up_body(
    agent: AgentId, question: str, topic: Topic, kb: KnowledgeBase, asked: set[str]
) -> list[str]:
    """A follow-up on a topic already discussed: answer the new angle, not the whole topic again."""
    out = [
        f"## Follow-up: {' '.join(question.split())}",
        f"**On {topic.title}.** {topic.summary.split('. ')[0].rstrip('.')}.",
    ]
    out.append("### Where to focus\n" + _bullets(_relevant_bullets(question, topic)))
    framework = kb.framework(agent)
    if framework:
        steps = [s.format(subject=topic.title) for s in framework.steps[:3]]
        out.append("### How to structure your reply\n" + _bullets(steps))
    nxt = [q for q in topic.follow_ups if knowledge.normalise(q) not in asked]
    if nxt:
        out.append("### What they may ask next\n" + _bullets(nxt))
    return out


def _fallback_body(agent: AgentId, question: str, subject: str, kb: KnowledgeBase) -> list[str]:
    out = [_heading(agent, question, subject), HONEST_LINE]
    framework = kb.framework(agent)
    if framework:
        steps = [s.format(subject=subject) for s in framework.steps]
        out.append(f"### {framework.title}\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))
    else:
        spec = SPECIALISTS[agent]
        out.append(
            "### How to approach it\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(spec.framework, 1))
        )
    return out


def _asked(request: CoachingRequest) -> set[str]:
    return {knowledge.normalise(c) for r, c in request.history if r == "user"} | {
        knowledge.normalise(request.question)
    }


def find_topic(request: CoachingRequest, kb: KnowledgeBase) -> tuple[Match | None, bool]:
    """The topic of the question, and whether the question follows up on the previous turn's."""
    match = kb.match(request.question, request.agent)
    previous = request.previous_question
    if previous is not None:
        before = kb.match(previous, request.agent)
        if before is not None and (match is None or match.topic.id == before.topic.id):
            # A follow-up that does not name a topic of its own stays on the previous one.
            return before, True
    if match is not None and knowledge.normalise(request.question) in {
        knowledge.normalise(q) for q in match.topic.follow_ups
    }:
        return match, True
    return match, False


def answer(request: CoachingRequest, kb: KnowledgeBase) -> str:
    subject = subject_of(request.question)
    match, follow_up = find_topic(request, kb)
    if match is None:
        body = _fallback_body(request.agent, request.question, subject, kb)
        named = subject
    elif follow_up:
        body = _follow_up_body(request.agent, request.question, match.topic, kb, _asked(request))
        named = match.topic.title
    else:
        body = _topic_body(request.agent, request.question, subject, match.topic)
        named = subject
    extra = context_section(request.context, named)
    return "\n\n".join(p for p in [*body, extra, CLOSING] if p)


def follow_ups(request: CoachingRequest, kb: KnowledgeBase) -> list[str]:
    """Three questions an interviewer would ask next: the topic's own (not yet asked), else
    generic ones for the discipline; never the question pasted into a template."""
    match, _ = find_topic(request, kb)
    asked = _asked(request)
    chosen: list[str] = []
    if match is not None:
        chosen = [q for q in match.topic.follow_ups if knowledge.normalise(q) not in asked]
    for q in GENERIC_FOLLOW_UPS[request.agent]:
        if len(chosen) >= 3:
            break
        if knowledge.normalise(q) not in asked:
            chosen.append(q)
    return chosen[:3]
