"""What every provider offers the runner: stream an answer, route (when it can), suggest follow-ups.

A provider wraps one LangChain chat model. The runner and the supervisor only talk to this
interface, so the offline coach, any OpenAI-compatible server, or a third kind of model slot in
the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from app.agents.context import CoachingRequest, build_messages
from app.agents.specialists import AgentId


class RoutingDecision(BaseModel):
    """Pick the specialist best suited to coach this interview question."""

    agent: AgentId = Field(description="The specialist id.")
    confidence: float = Field(ge=0, le=1, description="How sure you are, 0 to 1.")
    reason: str = Field(description="One short sentence explaining the choice.")


class FollowUps(BaseModel):
    """Three questions a real interviewer would ask next."""

    questions: list[str] = Field(min_length=1, max_length=5)


@dataclass(frozen=True)
class Piece:
    """A piece of a streamed answer; ``usage`` is set on the piece that reports token usage."""

    text: str
    usage: dict[str, Any] | None = None


class Provider(Protocol):
    label: str  # the model's name as users see it (``processing.model``, /available)
    offline: bool
    model: BaseChatModel

    def stream(self, request: CoachingRequest) -> AsyncIterator[Piece]: ...

    async def route(self, question: str) -> RoutingDecision | None:
        """A routing decision, or None when this provider does not route (or could not)."""
        ...

    async def follow_ups(self, request: CoachingRequest, answer: str) -> list[str]: ...


class ChatModelProvider:
    """Streaming shared by providers: the chat model receives :func:`build_messages`."""

    offline = False

    def __init__(self, model: BaseChatModel, label: str) -> None:
        self.model = model
        self.label = label

    async def stream(self, request: CoachingRequest) -> AsyncIterator[Piece]:
        async for chunk in self.model.astream(build_messages(request)):
            text = chunk.content if isinstance(chunk.content, str) else ""
            meta = getattr(chunk, "usage_metadata", None)
            if text or meta:
                yield Piece(text, dict(meta) if meta else None)
