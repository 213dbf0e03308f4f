"""One answer as Server-Sent Events: grade → content… → follow_up | next_question → complete, or
error at any point. The generator opens its own sessions (the request's is closed once the
response starts); the grade is committed before the reply streams."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.agents.providers import Provider
from app.agents.runner import Event, classify_failure
from app.errors import AppError
from app.mock_interviews import interviewer, service

log = logging.getLogger("app.mock_interviews.stream")

EVENTS = ["grade", "content", "follow_up", "next_question", "complete", "error"]


def _event(kind: str, **data: Any) -> Event:
    return Event(kind, data, datetime.now(UTC).isoformat())


async def answer_events(
    owner_id: int,
    mock_id: int,
    answer: str,
    provider: Provider,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncGenerator[Event]:
    try:
        async with sessionmaker() as session:
            sub = await service.submit(session, owner_id, mock_id, answer, provider)
            await session.commit()
        yield _event(
            "grade",
            position=sub.position,
            to_follow_up=sub.to_follow_up,
            **sub.grade_read.model_dump(mode="json"),
        )
        chunks: list[str] = []
        async for piece in interviewer.reaction(
            provider, sub.agent, sub.question, sub.answer, sub.grade, sub.follow_up is not None
        ):
            yield _event("content", chunk=piece, index=len(chunks))
            chunks.append(piece)
        reply = "".join(chunks)
        async with sessionmaker() as session:
            await service.save_reply(session, owner_id, sub.item_id, reply, sub.to_follow_up)
            await session.commit()
        if sub.follow_up is not None:
            yield _event("follow_up", position=sub.position, question=sub.follow_up)
        if sub.next_question is not None:
            yield _event("next_question", **sub.next_question.model_dump(mode="json"))
        yield _event("complete", **service.result(sub, reply).model_dump(mode="json"))
    except asyncio.CancelledError:
        raise
    except AppError as exc:  # the mock changed between the check and the answer (finished, raced)
        yield _event("error", code=f"http_{exc.status}", message=exc.detail, retryable=False)
    except Exception as exc:
        failure = classify_failure(exc)
        if failure.expected:
            log.warning("mock interview answer failed: %s", type(exc).__name__)
        else:
            log.exception("mock interview answer failed")
        yield _event("error", code=failure.code, message=failure.message, retryable=failure.retryable)
