"""Routing: which specialist answers. Explicit choice, else the local classifier when it is sure,
else one small structured-output LLM call, falling back to the classifier on any failure."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from app.agents import classifier
from app.agents.offline import OfflineChatModel
from app.agents.specialists import SPECIALISTS, AgentId
from app.config import Settings

log = logging.getLogger("app.agents.supervisor")

# Above this the local classifier is trusted without asking the LLM (the fast path).
FAST_PATH_CONFIDENCE = 0.85


class RoutingDecision(BaseModel):
    """Pick the specialist best suited to coach this interview question."""

    agent: AgentId = Field(description="The specialist id.")
    confidence: float = Field(ge=0, le=1, description="How sure you are, 0 to 1.")
    reason: str = Field(description="One short sentence explaining the choice.")


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


_ROUTER_PROMPT = "You route job-interview questions to one specialist coach.\n" + "\n".join(
    f"- {s.id.value}: {s.description}" for s in SPECIALISTS.values()
)


def _from_classifier(question: str) -> Routing:
    c = classifier.classify(question)
    return Routing(c.agent, c.confidence, c.reason, "classifier")


# A follow-up in a conversation stays with the conversation's specialist unless the question
# is clearly for another one.
SWITCH_CONFIDENCE = 0.9


async def route(
    question: str,
    model: BaseChatModel,
    settings: Settings,
    explicit: AgentId | None = None,
    previous: AgentId | None = None,
) -> Routing:
    if explicit is not None:
        return Routing(explicit, 1.0, "Requested explicitly.", "explicit")
    local = _from_classifier(question)
    if previous is not None and local.agent != previous and local.confidence < SWITCH_CONFIDENCE:
        name = SPECIALISTS[previous].name
        return Routing(previous, 0.7, f"A follow-up in a conversation with the {name}.", "classifier")
    if isinstance(model, OfflineChatModel) or local.confidence >= FAST_PATH_CONFIDENCE:
        return local
    try:
        router = model.with_structured_output(RoutingDecision, method=settings.llm_structured_method.value)
        async with asyncio.timeout(min(settings.llm_timeout_s, 15)):
            decision = await router.ainvoke(
                [SystemMessage(content=_ROUTER_PROMPT), HumanMessage(content=question)]
            )
        if not isinstance(decision, RoutingDecision):
            decision = RoutingDecision.model_validate(decision)
        return Routing(decision.agent, round(decision.confidence, 2), decision.reason[:300], "llm")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # any provider or parsing failure: the classifier still answers
        log.warning("LLM routing failed (%s); using the local classifier", type(exc).__name__)
        return local
