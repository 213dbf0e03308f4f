"""One grading, as a JSON response or as a stream of events. The router calls these.

prepare (request session: find or add the question, pick the rubric) → grade (provider or
offline) → store the attempt and its review (the stream opens its own session for that).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.agents import grading, supervisor
from app.agents.grading import CATEGORY_AGENT
from app.agents.providers import Provider
from app.agents.runner import Event, classify_failure
from app.kit.crud import get_owned
from app.models import Question
from app.review import attempts, schemas

log = logging.getLogger("app.review.grade")


@dataclass(frozen=True)
class Prepared:
    owner_id: int
    question_id: int
    question_text: str
    added_to_bank: bool
    routing: supervisor.Routing
    req: schemas.GradeRequest

    @property
    def context(self) -> str | None:
        c = self.req.context
        if c is None:
            return None
        parts = [
            f"{k}: {v}"
            for k, v in (("Company", c.company), ("Role", c.role), ("Seniority", c.seniority))
            if v
        ]
        if c.notes:
            parts.append(f"Notes: {c.notes}")
        return "; ".join(parts) or None


async def _route(
    question: Question | None, text: str, provider: Provider, req: schemas.GradeRequest
) -> supervisor.Routing:
    if req.agent is None and question is not None and question.question_category in CATEGORY_AGENT:
        agent = CATEGORY_AGENT[question.question_category]
        return supervisor.Routing(
            agent, 1.0, f"The question is filed as {question.question_category.value}.", "category"
        )
    return await supervisor.route(text, provider, req.agent)


async def prepare(
    session: AsyncSession, owner_id: int, req: schemas.GradeRequest, provider: Provider
) -> Prepared:
    """Everything that can fail as a plain HTTP error (404, 422) happens here."""
    await attempts.check_interview(session, owner_id, req.interview_id)
    question: Question | None
    if req.question_id is not None:
        question = await get_owned(session, Question, req.question_id, owner_id, "Question")
        text = question.question_text
    else:
        assert req.question is not None
        text = " ".join(req.question.split())
        question = await attempts.match_question(session, owner_id, text)
    routing = await _route(question, text, provider, req)
    added = question is None
    if question is None:
        question = await attempts.add_question(session, owner_id, text, routing.agent)
    return Prepared(owner_id, question.id, question.question_text, added, routing, req)


def _response(
    prep: Prepared, graded: grading.Grade, attempt: Any, card: schemas.CardRead
) -> schemas.GradeResponse:
    read = attempts.attempt_read(attempt)
    return schemas.GradeResponse(
        **read.model_dump(), routing=prep.routing.as_dict(), note=graded.note, card=card
    )


async def grade(session: AsyncSession, prep: Prepared, provider: Provider) -> schemas.GradeResponse:
    started = time.perf_counter()
    graded = await grading.grade(
        provider, prep.routing.agent, prep.question_text, prep.req.answer, prep.context
    )
    duration_ms = int((time.perf_counter() - started) * 1000)
    attempt, card = await attempts.store(
        session, prep.owner_id, prep.question_id, prep.req.interview_id, prep.req.answer, graded, duration_ms
    )
    return _response(prep, graded, attempt, card)


def _event(kind: str, **data: Any) -> Event:
    return Event(kind, data, datetime.now(UTC).isoformat())


def _pieces(text: str) -> list[str]:
    """Lines of the outline, newlines kept, so the chunks concatenate to the outline exactly."""
    return re.findall(r"[^\n]*\n|[^\n]+", text)


async def grade_events(
    prep: Prepared, provider: Provider, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncGenerator[Event]:
    """start → routing → criterion (one per criterion) → content… → complete, or error."""
    started = time.perf_counter()
    yield _event(
        "start", question=prep.question_text, question_id=prep.question_id, added_to_bank=prep.added_to_bank
    )
    yield _event("routing", **prep.routing.as_dict())
    try:
        graded = await grading.grade(
            provider, prep.routing.agent, prep.question_text, prep.req.answer, prep.context
        )
        for i, criterion in enumerate(graded.output.criteria):
            yield _event("criterion", index=i, **criterion.model_dump())
        for i, chunk in enumerate(_pieces(graded.output.better_answer_outline)):
            yield _event("content", chunk=chunk, index=i)
        duration_ms = int((time.perf_counter() - started) * 1000)
        async with sessionmaker() as session:
            attempt, card = await attempts.store(
                session,
                prep.owner_id,
                prep.question_id,
                prep.req.interview_id,
                prep.req.answer,
                graded,
                duration_ms,
            )
            result = _response(prep, graded, attempt, card)
            await session.commit()
        yield _event("complete", **result.model_dump(mode="json"))
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        failure = classify_failure(exc)
        if failure.expected:
            log.warning("grading failed: %s", type(exc).__name__)
        else:
            log.exception("grading failed")
        yield _event("error", code=failure.code, message=failure.message, retryable=failure.retryable)
