"""Routing: which specialist answers. An explicit choice; else the local classifier when it is
confident; else the provider's language model (when it has one); else the classifier's best
guess, labelled as a guess. In a conversation, a follow-up stays with the conversation's
specialist unless the classifier is confident of another."""

from __future__ import annotations

from dataclasses import dataclass

from app.agents.classifier import CONFIDENT_THRESHOLD, classify
from app.agents.providers import Provider
from app.agents.specialists import SPECIALISTS, AgentId


@dataclass(frozen=True)
class Routing:
    agent: AgentId
    confidence: float
    reason: str
    method: str  # explicit | llm | classifier

    def as_dict(self) -> dict[str, object]:
        return {
            "agent": self.agent.value,
            "agent_name": SPECIALISTS[self.agent].name,
            "confidence": self.confidence,
            "reason": self.reason,
            "method": self.method,
        }


async def route(
    question: str, provider: Provider, explicit: AgentId | None = None, previous: AgentId | None = None
) -> Routing:
    if explicit is not None:
        return Routing(explicit, 1.0, "Requested explicitly.", "explicit")
    c = classify(question)
    confident = c.confidence >= CONFIDENT_THRESHOLD
    if previous is not None and (c.agent == previous or not confident):
        name = SPECIALISTS[previous].name
        return Routing(
            previous,
            max(c.confidence, 0.7) if c.agent == previous else 0.7,
            f"A follow-up in a conversation with the {name}.",
            "classifier",
        )
    if confident:
        return Routing(c.agent, c.confidence, c.reason, "classifier")
    decision = await provider.route(question)
    if decision is not None:
        return Routing(decision.agent, round(decision.confidence, 2), decision.reason[:300], "llm")
    return Routing(c.agent, c.confidence, f"A best guess (not confident): {c.reason}", "classifier")
