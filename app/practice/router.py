from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query, status
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.errors import NotFound
from app.kit.crud import Resource, apply_changes, check_refs, crud_router, flush_or_conflict, get_owned
from app.kit.responses import problems
from app.kit.schemas import IdPath
from app.models import PracticeSession, PracticeSessionQuestion, Question, User
from app.models.enums import QuestionCategory
from app.practice import schemas

OPTIONS = [selectinload(PracticeSession.questions).selectinload(PracticeSessionQuestion.question)]


# async: a plain def would run in the threadpool on every request
async def practice_filters(
    focus_category: Annotated[QuestionCategory | None, Query()] = None,
    date_from: Annotated[datetime | None, Query()] = None,
    date_to: Annotated[datetime | None, Query()] = None,
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if focus_category:
        out.append(PracticeSession.focus_category == focus_category)
    if date_from:
        out.append(PracticeSession.session_date >= date_from)
    if date_to:
        out.append(PracticeSession.session_date <= date_to)
    return out


async def _default_date(session: AsyncSession, user: User, data: dict[str, Any], obj: Any) -> None:
    if "session_date" in data and data["session_date"] is None:
        data["session_date"] = obj.session_date if obj is not None else datetime.now(UTC)


router = crud_router(
    Resource(
        model=PracticeSession,
        name="Practice session",
        path="practice-sessions",
        tag="practice sessions",
        create_schema=schemas.PracticeSessionCreate,
        update_schema=schemas.PracticeSessionUpdate,
        read_schema=schemas.PracticeSessionRead,
        sort_enum=schemas.PracticeSort,
        sort_columns={s.value: getattr(PracticeSession, s.value) for s in schemas.PracticeSort},
        default_sort="session_date",
        search_columns=[PracticeSession.notes],
        filters=practice_filters,
        unique_message="This practice session conflicts with existing data.",
        options=OPTIONS,
        validate=_default_date,
        description="Then record the questions you practised with `POST /api/practice-sessions/{id}/questions`.",
    )
)


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


@router.post(
    "/{session_id}/questions",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.PracticedQuestionRead,
    summary="Record a practised question",
    responses=problems(401, 404, 409, 422),
)
async def add_question(
    session_id: IdPath, data: schemas.PracticedQuestionCreate, session: SessionDep, user: CurrentUser
) -> schemas.PracticedQuestionRead:
    """Record a question from your bank practised in this session, with your own 1–10 rating."""
    await get_owned(session, PracticeSession, session_id, user, "Practice session")
    await check_refs(session, user, {"question_id": (Question, "Question", data.question_id)})
    session.add(PracticeSessionQuestion(owner_id=user.id, session_id=session_id, **data.model_dump()))
    await flush_or_conflict(session, f"Question {data.question_id} is already recorded in this session.")
    return schemas.PracticedQuestionRead.model_validate(
        await _practiced(session, session_id, data.question_id)
    )


@router.patch(
    "/{session_id}/questions/{question_id}",
    response_model=schemas.PracticedQuestionRead,
    summary="Update a practised question",
    responses=problems(401, 404, 422),
)
async def update_question(
    session_id: IdPath,
    question_id: IdPath,
    data: schemas.PracticedQuestionUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> schemas.PracticedQuestionRead:
    """Change your rating or notes for a practised question."""
    await get_owned(session, PracticeSession, session_id, user, "Practice session")
    link = await _practiced(session, session_id, question_id)
    apply_changes(link, data.model_dump(exclude_unset=True))
    await session.flush()
    return schemas.PracticedQuestionRead.model_validate(link)


@router.delete(
    "/{session_id}/questions/{question_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a practised question",
    responses=problems(401, 404, 422),
)
async def remove_question(
    session_id: IdPath, question_id: IdPath, session: SessionDep, user: CurrentUser
) -> None:
    """Remove the question from this session."""
    await get_owned(session, PracticeSession, session_id, user, "Practice session")
    link = await _practiced(session, session_id, question_id)
    await session.execute(delete(PracticeSessionQuestion).where(PracticeSessionQuestion.id == link.id))
