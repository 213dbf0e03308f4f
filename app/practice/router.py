from __future__ import annotations

from typing import Annotated

from fastapi import Query, status
from sqlalchemy import ColumnElement
from sqlalchemy.orm import selectinload

from app.auth.dependencies import CurrentUser, get_current_user
from app.db import SessionDep
from app.kit.crud import Resource, crud_router
from app.kit.responses import problems
from app.kit.schemas import DATETIME_HELP, IdPath, UtcDatetime, UtcDatetimeUpTo
from app.models import PracticeSession, PracticeSessionQuestion
from app.models.enums import QuestionCategory
from app.practice import schemas, service

OPTIONS = [selectinload(PracticeSession.questions).selectinload(PracticeSessionQuestion.question)]


# async: a plain def would run in the threadpool on every request
async def practice_filters(
    focus_category: Annotated[QuestionCategory | None, Query()] = None,
    date_from: Annotated[
        UtcDatetime | None, Query(description=f"Sessions on or after this time. {DATETIME_HELP}")
    ] = None,
    date_to: Annotated[
        UtcDatetimeUpTo | None,
        Query(description=f"Sessions on or before; a date alone covers that whole day. {DATETIME_HELP}"),
    ] = None,
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if focus_category:
        out.append(PracticeSession.focus_category == focus_category)
    if date_from:
        out.append(PracticeSession.session_date >= date_from)
    if date_to:
        out.append(PracticeSession.session_date <= date_to)
    return out


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
        current_user=get_current_user,
        validate=service.default_date,
        description="Then record the questions you practised with `POST /api/practice-sessions/{id}/questions`.",
    )
)


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
    link = await service.add_question(session, user.id, session_id, data)
    return schemas.PracticedQuestionRead.model_validate(link)


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
    changes = data.model_dump(exclude_unset=True)
    link = await service.update_question(session, user.id, session_id, question_id, changes)
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
    await service.remove_question(session, user.id, session_id, question_id)
