"""What every provider receives for one turn: the question, the routed specialist, the history,
and the candidate's context, as structured data.

An LLM provider reads it as chat messages (:func:`build_messages`); the offline coach reads the
same messages' structured payload, so no provider parses a prompt back into data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from app.agents.specialists import SPECIALISTS, AgentId

CONTEXT_HEADER = "## Candidate context"
RELATED_HEADER = "## Related questions from the candidate's bank"
# The key under which the structured request rides along in the system message.
PAYLOAD_KEY = "coaching_request"


@dataclass
class RelatedQuestion:
    text: str
    category: str
    average_rating: float | None = None


@dataclass
class CoachingContext:
    company: str | None = None
    role: str | None = None
    seniority: str | None = None
    interview_notes: str | None = None
    interview_feedback: str | None = None
    question_notes: str | None = None
    sample_answer: str | None = None
    past_ratings: list[int] = field(default_factory=list)
    notes: str | None = None
    related: list[RelatedQuestion] = field(default_factory=list)

    _FIELDS = (
        ("company", "Company"),
        ("role", "Role"),
        ("seniority", "Seniority"),
        ("interview_notes", "Interview notes"),
        ("interview_feedback", "Interviewer feedback"),
        ("question_notes", "Their notes on this question"),
        ("sample_answer", "Their prepared answer"),
        ("notes", "Other notes"),
    )

    def render(self) -> str:
        """The context as prompt text, for language models."""
        lines = []
        for attr, label in self._FIELDS:
            value = getattr(self, attr)
            if value:
                lines.append(f"- {label}: {' '.join(str(value).split())[:1500]}")
        if self.past_ratings:
            lines.append(
                f"- Past answer ratings for this question (1-10): {', '.join(map(str, self.past_ratings))}"
            )
        out = []
        if lines:
            out.append(CONTEXT_HEADER + "\n" + "\n".join(lines))
        if self.related:
            rel = []
            for r in self.related:
                rating = (
                    f", answered {r.average_rating:.1f}/10 on average" if r.average_rating is not None else ""
                )
                rel.append(f"- {' '.join(r.text.split())[:300]} ({r.category}{rating})")
            out.append(RELATED_HEADER + "\n" + "\n".join(rel))
        return "\n\n".join(out)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoachingContext:
        values = dict(data)
        values["related"] = [RelatedQuestion(**r) for r in values.get("related", [])]
        return cls(**values)


@dataclass
class CoachingRequest:
    """One turn as every provider sees it."""

    agent: AgentId
    question: str
    context: CoachingContext = field(default_factory=CoachingContext)
    history: list[tuple[str, str]] = field(default_factory=list)  # (user|assistant, content)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent.value,
            "question": self.question,
            "context": asdict(self.context),
            "history": [list(h) for h in self.history],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoachingRequest:
        return cls(
            agent=AgentId(data["agent"]),
            question=data["question"],
            context=CoachingContext.from_dict(data.get("context", {})),
            history=[(str(r), str(c)) for r, c in data.get("history", [])],
        )

    @property
    def previous_question(self) -> str | None:
        return next((c for r, c in reversed(self.history) if r == "user"), None)

    @property
    def previous_answer(self) -> str | None:
        return next((c for r, c in reversed(self.history) if r == "assistant"), None)


def build_messages(request: CoachingRequest) -> list[BaseMessage]:
    """The chat messages for one turn. The specialist's instructions and the rendered context
    make the system prompt; the structured request rides along in ``additional_kwargs``
    (OpenAI-compatible clients do not send it) for providers that read data, not prose."""
    system = SPECIALISTS[request.agent].instructions
    rendered = request.context.render()
    if rendered:
        system += "\n\n" + rendered
    messages: list[BaseMessage] = [
        SystemMessage(content=system, additional_kwargs={PAYLOAD_KEY: request.to_dict()})
    ]
    for role, content in request.history:
        messages.append(HumanMessage(content=content) if role == "user" else AIMessage(content=content))
    messages.append(HumanMessage(content=request.question))
    return messages


def request_from_messages(messages: list[BaseMessage]) -> CoachingRequest | None:
    for m in messages:
        payload = m.additional_kwargs.get(PAYLOAD_KEY) if isinstance(m, SystemMessage) else None
        if payload:
            return CoachingRequest.from_dict(payload)
    return None
