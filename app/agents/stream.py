"""One turn as a sequence of typed events: start → routing → processing → content… → follow_ups
→ complete, or error at any point. Exactly one complete or error ends every run."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.agents import offline, service, supervisor
from app.agents.context import CoachingContext
from app.agents.offline import OfflineChatModel
from app.agents.specialists import SPECIALISTS, AgentId
from app.config import Settings

log = logging.getLogger("app.agents.stream")


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]
    timestamp: str

    def payload(self) -> dict[str, Any]:
        return {"event_type": self.type, "data": self.data, "timestamp": self.timestamp}


def _event(kind: str, **data: Any) -> Event:
    return Event(kind, data, datetime.now(UTC).isoformat())


@dataclass(frozen=True)
class ProviderFailure:
    code: str
    message: str
    retryable: bool
    status: int  # for the JSON endpoint: 502 or 504


def status_for(code: str) -> int:
    return 504 if code == "timeout" else 502


def classify_failure(exc: BaseException) -> ProviderFailure:
    """Provider errors, described for users: no stack traces, no secrets."""
    import openai

    if isinstance(exc, TimeoutError | httpx.TimeoutException | openai.APITimeoutError):
        return ProviderFailure("timeout", "The language model did not answer in time.", True, 504)
    if isinstance(exc, openai.RateLimitError):
        return ProviderFailure(
            "provider_rate_limited", "The language model provider is rate limiting requests.", True, 502
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderFailure(
            "provider_auth", "The language model provider rejected the credentials.", False, 502
        )
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        return ProviderFailure(
            "provider_unavailable", "The language model provider could not be reached.", True, 502
        )
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        return ProviderFailure(
            "provider_error",
            f"The language model provider answered with an error ({code}).",
            code >= 500,
            502,
        )
    return ProviderFailure("provider_error", "The language model failed while answering.", True, 502)


class FollowUps(BaseModel):
    """Three questions a real interviewer would ask next."""

    questions: list[str] = Field(min_length=1, max_length=5)


def build_messages(
    agent: AgentId, question: str, ctx: CoachingContext, history: list[tuple[str, str]]
) -> list[BaseMessage]:
    system = SPECIALISTS[agent].instructions
    rendered = ctx.render()
    if rendered:
        system += "\n\n" + rendered
    messages: list[BaseMessage] = [SystemMessage(content=system)]
    for role, content in history:
        messages.append(HumanMessage(content=content) if role == "user" else AIMessage(content=content))
    messages.append(HumanMessage(content=question))
    return messages


async def generate_follow_ups(
    model: BaseChatModel, settings: Settings, agent: AgentId, question: str, answer: str
) -> list[str]:
    specialist = SPECIALISTS[agent]
    if isinstance(model, OfflineChatModel):
        return offline.follow_ups(specialist, question, answer)
    try:
        structured = model.with_structured_output(FollowUps, method=settings.llm_structured_method.value)
        async with asyncio.timeout(min(settings.llm_timeout_s, 20)):
            result = await structured.ainvoke(
                [
                    SystemMessage(
                        content=f"You are an interviewer ({specialist.name}). Given the question and the "
                        "candidate's answer, write exactly three follow-up questions a real interviewer "
                        "would ask next. Each one sentence."
                    ),
                    HumanMessage(content=f"Question: {question}\n\nAnswer:\n{answer[:6000]}"),
                ]
            )
        questions = (result if isinstance(result, FollowUps) else FollowUps.model_validate(result)).questions
        cleaned = [" ".join(q.split())[:300] for q in questions if q.strip()][:3]
        if len(cleaned) == 3:
            return cleaned
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning("follow-up generation failed (%s); using the offline generator", type(exc).__name__)
    return offline.follow_ups(specialist, question, answer)


@dataclass
class TurnInput:
    question: str
    explicit_agent: AgentId | None
    include_follow_ups: bool
    ctx: CoachingContext
    turn: service.Turn
    user_id: int
    question_id: int | None = None


async def run_turn(
    inp: TurnInput,
    model: BaseChatModel,
    model_name: str,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Event]:
    started = time.perf_counter()
    turn = inp.turn
    chunks: list[str] = []
    routing: supervisor.Routing | None = None
    finished = False

    async def _finish(status: Any, values: dict[str, Any]) -> None:
        async with sessionmaker() as session:
            await service.finish_turn(session, turn, status=status, values=values)
            await session.commit()

    from app.models.enums import MessageStatus

    yield _event(
        "start", conversation_id=turn.conversation_id, message_id=turn.message_id, question=inp.question
    )
    try:
        prev = turn.previous_agent
        previous = AgentId(prev) if prev is not None and prev in AgentId.__members__ else None
        routing = await supervisor.route(inp.question, model, settings, inp.explicit_agent, previous)
        yield _event("routing", **routing.as_dict())
        async with sessionmaker() as session:
            await service.add_bank_context(session, inp.user_id, inp.question, inp.question_id, inp.ctx)
        yield _event("processing", agent=routing.agent.value, model=model_name)

        usage: dict[str, Any] | None = None
        messages = build_messages(routing.agent, inp.question, inp.ctx, turn.history)
        index = 0
        async for chunk in model.astream(messages):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            meta = getattr(chunk, "usage_metadata", None)
            if meta:
                usage = dict(meta)
            if not piece:
                continue
            chunks.append(piece)
            yield _event("content", chunk=piece, index=index)
            index += 1
        answer = "".join(chunks)
        if not answer.strip():
            raise RuntimeError("empty answer")

        follow = []
        if inp.include_follow_ups:
            follow = await generate_follow_ups(model, settings, routing.agent, inp.question, answer)
            yield _event("follow_ups", questions=follow)

        duration_ms = int((time.perf_counter() - started) * 1000)
        await _finish(
            MessageStatus.complete,
            {
                "content": answer,
                "agent": routing.agent.value,
                "model": model_name,
                "routing": routing.as_dict(),
                "follow_ups": follow,
                "usage": usage,
                "duration_ms": duration_ms,
            },
        )
        finished = True
        yield _event(
            "complete",
            answer=answer,
            agent=routing.agent.value,
            agent_name=SPECIALISTS[routing.agent].name,
            conversation_id=turn.conversation_id,
            message_id=turn.message_id,
            duration_ms=duration_ms,
            usage=usage,
            routing=routing.as_dict(),
            follow_ups=follow,
            model=model_name,
        )
    except (asyncio.CancelledError, GeneratorExit):
        # The client went away: the upstream call is cancelled with us; keep what was said.
        if not finished:
            await asyncio.shield(
                _finish_quietly(_finish, MessageStatus.cancelled, chunks, routing, model_name, started, None)
            )
        raise
    except Exception as exc:
        failure = classify_failure(exc)
        log.warning("agent turn failed: %s (%s)", failure.code, type(exc).__name__)
        if not finished:
            await _finish_quietly(
                _finish, MessageStatus.failed, chunks, routing, model_name, started, failure
            )
        yield _event(
            "error",
            code=failure.code,
            message=failure.message,
            retryable=failure.retryable,
            conversation_id=turn.conversation_id,
            message_id=turn.message_id,
        )


async def _finish_quietly(
    finish: Any,
    status: Any,
    chunks: list[str],
    routing: supervisor.Routing | None,
    model_name: str,
    started: float,
    failure: ProviderFailure | None,
) -> None:
    try:
        await finish(
            status,
            {
                "content": "".join(chunks),
                "agent": routing.agent.value if routing else None,
                "model": model_name,
                "routing": routing.as_dict() if routing else None,
                "error": {"code": failure.code, "message": failure.message}
                if failure
                else {"code": "cancelled"},
                "duration_ms": int((time.perf_counter() - started) * 1000),
            },
        )
    except Exception:  # the database may be the thing that failed; the stream still ends cleanly
        log.exception("could not record the failed turn")
