"""Any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) through ChatOpenAI.

Structured output (routing, follow-ups) uses ``LLM_STRUCTURED_METHOD``. Small local servers often
refuse or garble one method — llama.cpp answers ``json_schema`` with a 500, small models produce
invalid tool calls — so a failure specific to the method is retried once in JSON mode, and the
provider (base URL + model) is remembered as needing JSON mode for the rest of the process.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TypeVar

import openai
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from app.agents import knowledge
from app.agents.context import CoachingRequest
from app.agents.providers import coach
from app.agents.providers.base import ChatModelProvider, FollowUps, RoutingDecision
from app.agents.specialists import SPECIALISTS
from app.config import StructuredMethod

log = logging.getLogger("app.agents.providers.openai")

T = TypeVar("T", bound=BaseModel)

# (base_url, model) → methods that failed there; only ever a cache: losing it costs one retry.
_UNSUPPORTED: dict[tuple[str, str], set[StructuredMethod]] = {}

ROUTER_PROMPT = "You route job-interview questions to one specialist coach.\n" + "\n".join(
    f"- {s.id.value}: {s.description}" for s in SPECIALISTS.values()
)


def forget_unsupported_methods() -> None:
    _UNSUPPORTED.clear()


def _method_specific(exc: BaseException) -> bool:
    """Failures that another structured-output method may avoid: the server rejecting the
    request's shape (4xx other than auth/rate limits, or 5xx), or output that does not parse."""
    if isinstance(exc, OutputParserException | ValidationError | json.JSONDecodeError | KeyError | TypeError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code not in (401, 403, 408, 429)
    return False


class OpenAIProvider(ChatModelProvider):
    def __init__(
        self,
        model: BaseChatModel,
        label: str,
        *,
        base_url: str | None,
        method: StructuredMethod,
        timeout_s: float,
    ) -> None:
        super().__init__(model, label)
        self.method = StructuredMethod(method)
        self.timeout_s = timeout_s
        self._key = (base_url or "https://api.openai.com/v1", label)

    def method_for_now(self) -> StructuredMethod:
        if self.method in _UNSUPPORTED.get(self._key, set()):
            return StructuredMethod.json_mode
        return self.method

    async def _invoke(
        self, schema: type[T], messages: list[BaseMessage], method: StructuredMethod, timeout_s: float
    ) -> T:
        if method is StructuredMethod.json_mode:
            # JSON mode only promises JSON: the prompt has to say which JSON.
            shape = json.dumps(schema.model_json_schema())
            messages = [
                *messages[:-1],
                SystemMessage(content=f"Reply with one JSON object only, matching this JSON schema: {shape}"),
                messages[-1],
            ]
        runnable = self.model.with_structured_output(schema, method=method.value)
        async with asyncio.timeout(timeout_s):
            result = await runnable.ainvoke(messages)
        return result if isinstance(result, schema) else schema.model_validate(result)

    async def structured(self, schema: type[T], messages: list[BaseMessage], timeout_s: float) -> T:
        """Structured output with the configured method, falling back to JSON mode once."""
        method = self.method_for_now()
        try:
            return await self._invoke(schema, messages, method, timeout_s)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if method is StructuredMethod.json_mode or not _method_specific(exc):
                raise
            _UNSUPPORTED.setdefault(self._key, set()).add(method)
            log.warning(
                "structured output with %s failed (%s); using json_mode for %s from now on",
                method.value,
                type(exc).__name__,
                self.label,
            )
            return await self._invoke(schema, messages, StructuredMethod.json_mode, timeout_s)

    async def route(self, question: str) -> RoutingDecision | None:
        try:
            return await self.structured(
                RoutingDecision,
                [SystemMessage(content=ROUTER_PROMPT), HumanMessage(content=question)],
                min(self.timeout_s, 15),
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # any provider or parsing failure: the classifier still answers
            log.warning("LLM routing failed (%s); using the local classifier", type(exc).__name__)
            return None

    async def follow_ups(self, request: CoachingRequest, answer: str) -> list[str]:
        specialist = SPECIALISTS[request.agent]
        try:
            result = await self.structured(
                FollowUps,
                [
                    SystemMessage(
                        content=f"You are an interviewer ({specialist.name}). Given the question and the "
                        "candidate's answer, write exactly three follow-up questions a real interviewer "
                        "would ask next. Each one sentence, self-contained (name the subject)."
                    ),
                    HumanMessage(content=f"Question: {request.question}\n\nAnswer:\n{answer[:6000]}"),
                ],
                min(self.timeout_s, 20),
            )
            cleaned = [" ".join(q.split())[:300] for q in result.questions if q.strip()][:3]
            if len(cleaned) == 3:
                return cleaned
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("follow-up generation failed (%s); using the offline coach's", type(exc).__name__)
        return coach.follow_ups(request, knowledge.default())
