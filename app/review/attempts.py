"""Graded answer attempts: the question they hang on, storing them, listing them. Never commits.

A stored attempt is also a review of its question (source ``grade``), so grading feeds the schedule.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agents.grading import AGENT_CATEGORY, Grade
from app.agents.specialists import SPECIALISTS, AgentId
from app.kit.crud import get_owned
from app.kit.pagination import PageParams, paginate
from app.kit.schemas import Page
from app.models import AnswerAttempt, Interview, Question
from app.models.enums import QuestionCategory, ReviewSource
from app.review import schemas, service

# How close free text must be to a bank question (pg_trgm similarity) to count as the same one.
SAME_QUESTION = 0.6


async def match_question(session: AsyncSession, owner_id: int, text: str) -> Question | None:
    """The live question in the owner's bank this text asks: full-text candidates (every word
    stem present), the most similar wording first, accepted only when close enough."""
    tsquery = func.plainto_tsquery("english", text)
    similarity = func.similarity(func.lower(Question.question_text), text.lower())
    stmt = (
        select(Question, similarity)
        .where(
            Question.owner_id == owner_id,
            Question.deleted_at.is_(None),
            Question.search_vector.op("@@")(tsquery),
        )
        .order_by(similarity.desc(), Question.id)
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    if row is None or row[1] < SAME_QUESTION:
        return None
    question: Question = row[0]
    return question


async def add_question(session: AsyncSession, owner_id: int, text: str, agent: AgentId) -> Question:
    """Free text that matches nothing in the bank joins it, filed under the grader's category."""
    category = AGENT_CATEGORY.get(agent, QuestionCategory.other)
    question = Question(
        owner_id=owner_id, question_text=text, question_category=category, source="Graded answer"
    )
    session.add(question)
    await session.flush()
    return question


async def check_interview(session: AsyncSession, owner_id: int, interview_id: int | None) -> None:
    if interview_id is not None:
        await get_owned(session, Interview, interview_id, owner_id, "Interview")


def attempt_read(attempt: AnswerAttempt) -> schemas.AttemptRead:
    agent = AgentId(attempt.agent)
    return schemas.AttemptRead(
        attempt_id=attempt.id,
        question_id=attempt.question_id,
        interview_id=attempt.interview_id,
        agent=agent,
        agent_name=SPECIALISTS[agent].name,
        overall=attempt.overall,
        criteria=[schemas.CriterionRead.model_validate(c) for c in attempt.criteria],
        strengths=attempt.strengths,
        improvements=attempt.improvements,
        better_answer_outline=attempt.better_answer_outline,
        answer=attempt.answer,
        model=attempt.model,
        method=attempt.method,
        duration_ms=attempt.duration_ms,
        created_at=attempt.created_at,
    )


async def store(
    session: AsyncSession,
    owner_id: int,
    question_id: int,
    interview_id: int | None,
    answer: str,
    graded: Grade,
    duration_ms: int,
) -> tuple[AnswerAttempt, schemas.CardRead]:
    out = graded.output
    attempt = AnswerAttempt(
        owner_id=owner_id,
        question_id=question_id,
        interview_id=interview_id,
        agent=graded.agent.value,
        answer=answer,
        overall=out.overall,
        criteria=[c.model_dump() for c in out.criteria],
        strengths=out.strengths,
        improvements=out.improvements,
        better_answer_outline=out.better_answer_outline,
        model=graded.model[:200],
        method=graded.method,
        duration_ms=duration_ms,
    )
    session.add(attempt)
    await session.flush()
    await session.refresh(attempt, ["created_at"])
    card = await service.record_review(
        session,
        owner_id,
        question_id,
        score=out.overall,
        reviewed_at=attempt.created_at,
        source=ReviewSource.grade,
        source_id=attempt.id,
    )
    return attempt, service.card_read(card)


async def list_attempts(
    session: AsyncSession, owner_id: int, question_id: int, page: PageParams
) -> Page[schemas.AttemptRead]:
    await get_owned(session, Question, question_id, owner_id, "Question")
    stmt = (
        select(AnswerAttempt)
        .where(AnswerAttempt.owner_id == owner_id, AnswerAttempt.question_id == question_id)
        .order_by(AnswerAttempt.created_at.desc(), AnswerAttempt.id.desc())
    )
    return await paginate(session, stmt, page, attempt_read)
