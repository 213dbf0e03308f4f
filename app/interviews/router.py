from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Response, status
from pydantic import Field

from app.auth.dependencies import CurrentCaller, CurrentUser
from app.db import SessionDep, one_statement, raw_transaction, read_only
from app.interviews import schemas, service
from app.interviews.listing import InterviewFilters
from app.kit.etag import IfMatch
from app.kit.pagination import PageNumber, PageParams, PageQuery, PageSize, SortOrder
from app.kit.query import SearchParams, query_model
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import DATETIME_HELP, Id, IdPath, Page, SearchText, UtcDatetime, UtcDatetimeUpTo
from app.models.enums import InterviewOutcome, InterviewStatus, InterviewType, SeniorityLevel

router = Router(prefix="/api/interviews", tags=["interviews"])

SEARCH_HELP = (
    "Search notes, feedback and the company name by words or word beginnings (`kube` finds "
    "Kubernetes); company names tolerate small typos."
)

CREATE_EXAMPLE = {
    "seed": {
        "summary": "The seed's example",
        "value": {"company_id": 1, "seniority_level": "senior", "interview_type": "actual"},
    },
    "full": {
        "summary": "With date, role and notes",
        "value": {
            "company_id": 1,
            "role_id": 1,
            "interview_date": "2026-12-01T15:00:00Z",
            "seniority_level": "senior",
            "interview_type": "actual",
            "is_remote": True,
            "notes": "Panel of three; heavy on distributed systems.",
        },
    },
}


class InterviewFilterQuery(SearchParams):
    """The list's filters (a query model: see ``SearchParams``)."""

    company_id: Id | None = None
    role_id: Id | None = None
    cv_version_id: Id | None = None
    interview_status: InterviewStatus | None = None
    interview_type: InterviewType | None = None
    seniority_level: SeniorityLevel | None = None
    outcome: InterviewOutcome | None = None
    is_remote: bool | None = None
    date_from: UtcDatetime | None = Field(
        None, description=f"Interviews on or after this time. {DATETIME_HELP}"
    )
    date_to: UtcDatetimeUpTo | None = Field(
        None, description=f"Interviews on or before; a date alone covers that whole day. {DATETIME_HELP}"
    )
    q: SearchText | None = Field(None, description=SEARCH_HELP)
    deleted: bool = Field(False, description="List the soft-deleted interviews instead.")

    def filters(self) -> InterviewFilters:
        values = {name: getattr(self, name) for name in InterviewFilterQuery.model_fields}
        del values["q"], values["search"]
        return InterviewFilters(**values, q=self.search_text())


# async: a plain def would run in the threadpool on every request
async def interview_filters(
    query: Annotated[InterviewFilterQuery, query_model(InterviewFilterQuery)],
) -> InterviewFilters:
    return query.filters()


FiltersDep = Annotated[InterviewFilters, Depends(interview_filters)]


class InterviewListQuery(InterviewFilterQuery):
    """The list's whole query string as one model (filters, page, sort, cursor): one validation,
    no dependency per part. Fields in the order the documentation lists them."""

    page: PageNumber = 1
    page_size: PageSize = 20
    sort_by: schemas.InterviewSort = schemas.InterviewSort.interview_date
    sort_order: SortOrder = SortOrder.desc
    cursor: str | None = Field(
        None,
        max_length=500,
        description="Keyset paging: pass the previous page's `next_cursor` to get the next page, "
        "as fast on page 5,000 as on page 1 (with `sort_by` interview_date or created_at).",
    )


@router.get("", response_model=schemas.InterviewPage, summary="List interviews", responses=problems(401, 422))
@read_only
async def list_interviews(
    caller: CurrentCaller,
    query: Annotated[InterviewListQuery, query_model(InterviewListQuery)],
) -> Response:
    """Your interviews with their company and role: filter by company, role, status, type,
    seniority, outcome, remote, date range or text (`q`); sort by `sort_by` / `sort_order`;
    page with `page` / `page_size` (at most 100), or follow `next_cursor`. `deleted=true` lists
    the soft-deleted ones. Undated interviews come last newest-first, first oldest-first."""
    db, user = caller
    page = PageParams(query.page, query.page_size)
    found = await service.list_interviews(
        db, user, query.filters(), query.sort_by, query.sort_order, page, query.cursor
    )
    return found.response()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.InterviewRead,
    summary="Create an interview",
    responses=problems(401, 409, 422),
)
@one_statement
async def create_interview(
    data: Annotated[schemas.InterviewCreate, Body(openapi_examples=CREATE_EXAMPLE)],
    caller: CurrentCaller,
) -> Response:
    """Record an interview at one of your companies. `interview_status` starts as `scheduled`.
    The response carries its `ETag`."""
    db, user = caller
    interview = await service.create_interview(db, user, data)
    return interview.response(status.HTTP_201_CREATED)


@router.get(
    "/{interview_id}",
    response_model=schemas.InterviewRead,
    summary="Get an interview",
    responses=problems(401, 404, 422),
)
@read_only
async def get_interview(interview_id: IdPath, caller: CurrentCaller) -> Response:
    """One interview with its company, role, rounds, the questions asked and the skills tested.
    The `ETag` header names this version (it changes with the rounds and links too): send it back
    as `If-Match` when you write."""
    db, user = caller
    interview = await service.get_interview(db, user, interview_id)
    return interview.response()


@router.put(
    "/{interview_id}",
    response_model=schemas.InterviewRead,
    summary="Replace an interview",
    responses=problems(401, 404, 412, 422),
)
@raw_transaction
async def replace_interview(
    interview_id: IdPath,
    data: schemas.InterviewCreate,
    caller: CurrentCaller,
    if_match: IfMatch = None,
) -> Response:
    """Replace every field of the interview (fields left out take their defaults). The role must
    belong to the interview's company (422). Send `If-Match` with the `ETag` you read so that you
    never overwrite a change you have not seen (412 if the interview changed since; nothing is
    written). Without it the last write wins. The response carries the new `ETag`."""
    db, user = caller
    changes = data.model_dump()
    interview = await service.update_interview(db, user, interview_id, changes, if_match=if_match)
    return interview.response()


@router.patch(
    "/{interview_id}",
    response_model=schemas.InterviewRead,
    summary="Update an interview",
    responses=problems(401, 404, 412, 422),
)
@raw_transaction
async def patch_interview(
    interview_id: IdPath,
    data: schemas.InterviewUpdate,
    caller: CurrentCaller,
    if_match: IfMatch = None,
) -> Response:
    """Change only the fields sent. The role must belong to the interview's company, also when
    only one of them changes (422). `If-Match`: 412 when the interview changed since you read
    that `ETag` (`*` matches any version); without it the last write wins. The response carries
    the new `ETag`."""
    db, user = caller
    changes = data.model_dump(exclude_unset=True)
    interview = await service.update_interview(db, user, interview_id, changes, if_match=if_match)
    return interview.response()


@router.delete(
    "/{interview_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an interview (soft)",
    responses=problems(401, 404, 412, 422),
)
async def delete_interview(
    interview_id: IdPath, session: SessionDep, user: CurrentUser, if_match: IfMatch = None
) -> None:
    """Move the interview to the trash: it disappears from lists and stats but keeps its rounds
    and questions. `POST /api/interviews/{id}/restore` brings it back. `If-Match`: 412 when the
    interview changed since you read that `ETag`."""
    await service.soft_delete(session, user, interview_id, if_match=if_match)


@router.post(
    "/{interview_id}/restore",
    response_model=schemas.InterviewRead,
    summary="Restore a deleted interview",
    responses=problems(401, 404, 409, 422),
)
async def restore_interview(interview_id: IdPath, session: SessionDep, user: CurrentUser) -> Response:
    """Bring a soft-deleted interview back (409 if it is not deleted, or while its company or
    role is still in the trash: restore that first)."""
    interview = await service.restore(session, user, interview_id)
    return interview.response()


# Rounds


@router.get(
    "/{interview_id}/rounds",
    response_model=Page[schemas.RoundRead],
    summary="List rounds",
    responses=problems(401, 404, 422),
)
@read_only
async def list_rounds(
    interview_id: IdPath, session: SessionDep, user: CurrentUser, page: PageQuery
) -> Page[schemas.RoundRead]:
    """The interview's rounds in order, paginated like every list."""
    return await service.list_rounds(session, user, interview_id, page)


@router.post(
    "/{interview_id}/rounds",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.RoundRead,
    summary="Add a round",
    responses=problems(401, 404, 409, 422),
)
async def add_round(
    interview_id: IdPath, data: schemas.RoundCreate, session: SessionDep, user: CurrentUser
) -> schemas.RoundRead:
    """Add a round. `round_number` is unique within the interview; left out, it is the next one."""
    return schemas.RoundRead.model_validate(await service.add_round(session, user, interview_id, data))


@router.patch(
    "/{interview_id}/rounds/{round_id}",
    response_model=schemas.RoundRead,
    summary="Update a round",
    responses=problems(401, 404, 409, 422),
)
async def update_round(
    interview_id: IdPath, round_id: IdPath, data: schemas.RoundUpdate, session: SessionDep, user: CurrentUser
) -> schemas.RoundRead:
    """Change only the fields sent."""
    changes = data.model_dump(exclude_unset=True)
    return schemas.RoundRead.model_validate(
        await service.update_round(session, user, interview_id, round_id, changes)
    )


@router.delete(
    "/{interview_id}/rounds/{round_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a round",
    responses=problems(401, 404, 422),
)
async def delete_round(
    interview_id: IdPath, round_id: IdPath, session: SessionDep, user: CurrentUser
) -> None:
    """Remove a round; questions asked in it stay linked to the interview."""
    await service.delete_round(session, user, interview_id, round_id)


# Questions asked


@router.get(
    "/{interview_id}/questions",
    response_model=Page[schemas.InterviewQuestionRead],
    summary="Questions asked",
    responses=problems(401, 404, 422),
)
@read_only
async def list_questions(
    interview_id: IdPath, session: SessionDep, user: CurrentUser, page: PageQuery
) -> Page[schemas.InterviewQuestionRead]:
    """The questions asked in this interview, with how well you answered them (paginated)."""
    return await service.list_questions(session, user, interview_id, page)


@router.post(
    "/{interview_id}/questions",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.InterviewQuestionRead,
    summary="Link a question",
    responses=problems(401, 404, 409, 422),
)
async def link_question(
    interview_id: IdPath,
    data: Annotated[
        schemas.InterviewQuestionCreate,
        Body(openapi_examples={"seed": {"value": {"question_id": 1, "answer_quality_rating": 8}}}),
    ],
    session: SessionDep,
    user: CurrentUser,
) -> schemas.InterviewQuestionRead:
    """Record that a question from your bank was asked, with `answer_quality_rating` (1–10),
    the answer you gave and the feedback. Each question links once per interview (409 otherwise)."""
    return schemas.InterviewQuestionRead.model_validate(
        await service.link_question(session, user, interview_id, data)
    )


@router.patch(
    "/{interview_id}/questions/{question_id}",
    response_model=schemas.InterviewQuestionRead,
    summary="Update a question's rating or answer",
    responses=problems(401, 404, 422),
)
async def update_question_link(
    interview_id: IdPath,
    question_id: IdPath,
    data: schemas.InterviewQuestionUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> schemas.InterviewQuestionRead:
    """Change the rating, answer, feedback or round of a linked question."""
    changes = data.model_dump(exclude_unset=True)
    return schemas.InterviewQuestionRead.model_validate(
        await service.update_question_link(session, user, interview_id, question_id, changes)
    )


@router.delete(
    "/{interview_id}/questions/{question_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Unlink a question",
    responses=problems(401, 404, 422),
)
async def unlink_question(
    interview_id: IdPath, question_id: IdPath, session: SessionDep, user: CurrentUser
) -> None:
    """Remove the link; the question stays in your bank."""
    await service.unlink_question(session, user, interview_id, question_id)


# Skills tested


@router.get(
    "/{interview_id}/skills",
    response_model=Page[schemas.InterviewSkillRead],
    summary="Skills tested",
    responses=problems(401, 404, 422),
)
@read_only
async def list_skills(
    interview_id: IdPath, session: SessionDep, user: CurrentUser, page: PageQuery
) -> Page[schemas.InterviewSkillRead]:
    """The skills this interview tested, with your performance rating (paginated)."""
    return await service.list_skills(session, user, interview_id, page)


@router.post(
    "/{interview_id}/skills",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.InterviewSkillRead,
    summary="Link a skill",
    responses=problems(401, 404, 409, 422),
)
async def link_skill(
    interview_id: IdPath, data: schemas.InterviewSkillCreate, session: SessionDep, user: CurrentUser
) -> schemas.InterviewSkillRead:
    """Record that the interview tested one of your skills, with a 1–10 performance rating."""
    return schemas.InterviewSkillRead.model_validate(
        await service.link_skill(session, user, interview_id, data)
    )


@router.patch(
    "/{interview_id}/skills/{skill_id}",
    response_model=schemas.InterviewSkillRead,
    summary="Update a tested skill",
    responses=problems(401, 404, 422),
)
async def update_skill_link(
    interview_id: IdPath,
    skill_id: IdPath,
    data: schemas.InterviewSkillUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> schemas.InterviewSkillRead:
    """Change the rating or notes of a tested skill."""
    changes = data.model_dump(exclude_unset=True)
    return schemas.InterviewSkillRead.model_validate(
        await service.update_skill_link(session, user, interview_id, skill_id, changes)
    )


@router.delete(
    "/{interview_id}/skills/{skill_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Unlink a skill",
    responses=problems(401, 404, 422),
)
async def unlink_skill(
    interview_id: IdPath, skill_id: IdPath, session: SessionDep, user: CurrentUser
) -> None:
    """Remove the link; the skill stays."""
    await service.unlink_skill(session, user, interview_id, skill_id)
