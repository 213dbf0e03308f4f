"""Practice sessions' questions: what was practised and how it went. Never commits.

The sessions themselves are a simple resource served by ``kit.crud``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.errors import NotFound
from app.kit.crud import apply_changes, check_refs, flush_or_conflict, get_owned
from app.models import PracticeSession, PracticeSessionQuestion, Question
from app.models.enums import ReviewSource
from app.practice import schemas
from app.review import service as review_service

SESSION = "Practice session"


async def default_date(
    session: AsyncSession, owner_id: int, data: dict[str, Any], obj: PracticeSession | None
) -> dict[str, Any]:
    """A null ``session_date`` means now (on create) or leaves it as it was (on update)."""
    if "session_date" in data and data["session_date"] is None:
        return {**data, "session_date": obj.session_date if obj is not None else datetime.now(UTC)}
    return data


async def _practiced(session: AsyncSession, session_id: int, question_id: int) -> PracticeSessionQuestion:
    stmt = (
        select(PracticeSessionQuestion)
        .where(
            PracticeSessionQuestion.session_id == session_id,
            PracticeSessionQuestion.question_id == question_id,
        )
        .options(selectinload(PracticeSessionQuestion.question))
    )
    link = (await session.execute(stmt)).scalar_one_or_none()
    if link is None:
        raise NotFound(f"Question {question_id} in practice session {session_id}")
    return link


async def add_question(
    session: AsyncSession, owner_id: int, session_id: int, data: schemas.PracticedQuestionCreate
) -> PracticeSessionQuestion:
    practice = await get_owned(session, PracticeSession, session_id, owner_id, SESSION)
    await check_refs(session, owner_id, {"question_id": (Question, "Question", data.question_id)})
    session.add(PracticeSessionQuestion(owner_id=owner_id, session_id=session_id, **data.model_dump()))
    await flush_or_conflict(session, f"Question {data.question_id} is already recorded in this session.")
    link = await _practiced(session, session_id, data.question_id)
    await _sync_review(session, practice, link)
    return link


async def _sync_review(
    session: AsyncSession, practice: PracticeSession, link: PracticeSessionQuestion
) -> None:
    """The self-rating is a review of the question, at the time of the session."""
    await review_service.sync_rating(
        session,
        link.owner_id,
        link.question_id,
        link.self_rating,
        practice.session_date,
        ReviewSource.practice,
        link.id,
    )


async def update_question(
    session: AsyncSession, owner_id: int, session_id: int, question_id: int, changes: dict[str, Any]
) -> PracticeSessionQuestion:
    practice = await get_owned(session, PracticeSession, session_id, owner_id, SESSION)
    link = await _practiced(session, session_id, question_id)
    apply_changes(link, changes)
    await session.flush()
    if "self_rating" in changes:
        await _sync_review(session, practice, link)
    return link


async def remove_question(session: AsyncSession, owner_id: int, session_id: int, question_id: int) -> None:
    await get_owned(session, PracticeSession, session_id, owner_id, SESSION)
    link = await _practiced(session, session_id, question_id)
    await session.execute(delete(PracticeSessionQuestion).where(PracticeSessionQuestion.id == link.id))
    await review_service.remove_review(session, ReviewSource.practice, link.id)
