"""One turn as a sequence of typed events: start → routing → processing → content… → follow_ups
→ complete, or error at any point. Exactly one complete or error ends every run, and the turn is
stored as complete, failed or cancelled whatever happens.

The runner knows providers only through :class:`~app.agents.providers.Provider`: no provider is
special here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.agents import service, supervisor
from app.agents.context import CoachingContext, CoachingRequest
from app.agents.providers import Provider
from app.agents.specialists import SPECIALISTS, AgentId
from app.models.enums import MessageStatus

log = logging.getLogger("app.agents.runner")


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]
    timestamp: str

    def payload(self) -> dict[str, Any]:
        return {"event_type": self.type, "data": self.data, "timestamp": self.timestamp}


def _event(kind: str, **data: Any) -> Event:
    return Event(kind, data, datetime.now(UTC).isoformat())


class EmptyAnswer(Exception):
    """The provider finished without saying anything."""


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    retryable: bool
    status: int  # for the JSON endpoint: 500, 502, 503 or 504
    expected: bool  # a provider failure (logged by type) rather than a bug (logged with traceback)


def _db_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    import asyncpg

    return isinstance(exc, asyncpg.exceptions.ConnectionDoesNotExistError | asyncpg.PostgresConnectionError)


def classify_failure(exc: BaseException) -> Failure:
    """What a failure means for users: no stack traces, no secrets. Provider failures keep their
    codes; anything else is an internal error, retryable only when the database connection failed."""
    import openai

    if isinstance(exc, TimeoutError | httpx.TimeoutException | openai.APITimeoutError):
        return Failure("timeout", "The language model did not answer in time.", True, 504, True)
    if isinstance(exc, openai.RateLimitError):
        return Failure(
            "provider_rate_limited", "The language model provider is rate limiting requests.", True, 502, True
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return Failure(
            "provider_auth", "The language model provider rejected the credentials.", False, 502, True
        )
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return Failure(
            "provider_unavailable", "The language model provider could not be reached.", True, 502, True
        )
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        return Failure(
            "provider_error",
            f"The language model provider answered with an error ({code}).",
            code >= 500,
            502,
            True,
        )
    if isinstance(exc, openai.OpenAIError | EmptyAnswer):
        return Failure("provider_error", "The language model failed while answering.", True, 502, True)
    if _db_connection_error(exc):
        return Failure("internal", "The service lost its database connection; try again.", True, 503, False)
    return Failure("internal", "Something went wrong on our side while answering.", False, 500, False)


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
    inp: TurnInput, provider: Provider, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncGenerator[Event]:
    """Iterate it with ``contextlib.aclosing`` so a client that leaves closes it at once."""
    started = time.perf_counter()
    turn = inp.turn
    chunks: list[str] = []
    routing: supervisor.Routing | None = None
    finished = False

    def _ms() -> int:
        return int((time.perf_counter() - started) * 1000)

    async def _finish(status: MessageStatus, values: dict[str, Any]) -> None:
        async with sessionmaker() as session:
            await service.finish_turn(session, turn, status=status, values=values)
            await session.commit()

    async def _record_unfinished(status: MessageStatus, failure: Failure | None) -> None:
        try:
            await _finish(
                status,
                {
                    "content": "".join(chunks),
                    "agent": routing.agent.value if routing else None,
                    "model": provider.label,
                    "routing": routing.as_dict() if routing else None,
                    "error": {"code": failure.code, "message": failure.message}
                    if failure
                    else {"code": "cancelled"},
                    "duration_ms": _ms(),
                },
            )
        except Exception:  # the database may be what failed; the stream still ends cleanly
            log.exception("could not record the unfinished turn %s", turn.message_id)

    try:
        yield _event(
            "start", conversation_id=turn.conversation_id, message_id=turn.message_id, question=inp.question
        )
        prev = turn.previous_agent
        previous = AgentId(prev) if prev is not None and prev in AgentId.__members__ else None
        routing = await supervisor.route(inp.question, provider, inp.explicit_agent, previous)
        yield _event("routing", **routing.as_dict())
        async with sessionmaker() as session:
            await service.add_bank_context(session, inp.user_id, inp.question, inp.question_id, inp.ctx)
        yield _event("processing", agent=routing.agent.value, model=provider.label)

        request = CoachingRequest(routing.agent, inp.question, inp.ctx, turn.history)
        usage: dict[str, Any] | None = None
        index = 0
        async for piece in provider.stream(request):
            if piece.usage:
                usage = piece.usage
            if not piece.text:
                continue
            chunks.append(piece.text)
            yield _event("content", chunk=piece.text, index=index)
            index += 1
        answer = "".join(chunks)
        if not answer.strip():
            raise EmptyAnswer()

        follow: list[str] = []
        if inp.include_follow_ups:
            follow = await provider.follow_ups(request, answer)
            yield _event("follow_ups", questions=follow)

        duration_ms = _ms()
        await _finish(
            MessageStatus.complete,
            {
                "content": answer,
                "agent": routing.agent.value,
                "model": provider.label,
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
            model=provider.label,
        )
    except (asyncio.CancelledError, GeneratorExit):
        # The client went away: the upstream call is cancelled with us; keep what was said.
        if not finished:
            await asyncio.shield(_record_unfinished(MessageStatus.cancelled, None))
        raise
    except Exception as exc:
        failure = classify_failure(exc)
        if failure.expected:
            log.warning("agent turn failed: %s (%s)", failure.code, type(exc).__name__)
        else:
            log.exception("agent turn failed with an unexpected error")
        if not finished:
            await _record_unfinished(MessageStatus.failed, failure)
        yield _event(
            "error",
            code=failure.code,
            message=failure.message,
            retryable=failure.retryable,
            conversation_id=turn.conversation_id,
            message_id=turn.message_id,
        )
