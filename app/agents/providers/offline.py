"""The offline provider: a real LangChain chat model that needs no network, no key and no weights.

It answers from the knowledge files (``app/agents/knowledge/data``), the question's own words and
the candidate's context, which it reads from the structured request every provider receives.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from app.agents import knowledge
from app.agents.context import CoachingRequest, request_from_messages
from app.agents.providers import coach
from app.agents.providers.base import ChatModelProvider, RoutingDecision
from app.agents.specialists import AgentId

OFFLINE_MODEL_NAME = "offline-coach-2 (offline, no LLM)"


def _pieces(text: str) -> Iterator[str]:
    """Stream in small word groups, keeping whitespace, so chunks concatenate to the text exactly."""
    tokens = re.findall(r"\S+\s*|\s+", text)
    for i in range(0, len(tokens), 3):
        yield "".join(tokens[i : i + 3])


def _request(messages: list[BaseMessage]) -> CoachingRequest:
    request = request_from_messages(messages)
    if request is not None:
        return request
    # Plain messages (someone calling the model directly): answer the last question as technical.
    question = next((str(m.content) for m in reversed(messages) if isinstance(m, HumanMessage)), "")
    return CoachingRequest(AgentId.technical, question)


class OfflineChatModel(BaseChatModel):
    """A deterministic coaching model with real (chunked) streaming."""

    model_name: str = OFFLINE_MODEL_NAME
    chunk_delay_s: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "offline-coach"

    def _answer(self, messages: list[BaseMessage]) -> str:
        return coach.answer(_request(messages), knowledge.default())

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


class OfflineProvider(ChatModelProvider):
    """Routes with the local classifier only (it has no language model to ask) and suggests the
    matched topic's follow-ups."""

    offline = True

    def __init__(self, model: BaseChatModel | None = None, chunk_delay_s: float = 0.0) -> None:
        super().__init__(model or OfflineChatModel(chunk_delay_s=chunk_delay_s), OFFLINE_MODEL_NAME)

    async def route(self, question: str) -> RoutingDecision | None:
        return None

    async def follow_ups(self, request: CoachingRequest, answer: str) -> list[str]:
        return coach.follow_ups(request, knowledge.default())
