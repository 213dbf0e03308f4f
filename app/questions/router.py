from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Query, Response, status
from pydantic import Field

from app.auth.dependencies import CurrentCaller, CurrentUser
from app.db import SessionDep, read_only
from app.errors import Unprocessable
from app.kit.etag import IfMatch, set_etag
from app.kit.pagination import PageNumber, PageParams, PageQuery, PageSize, SortOrder
from app.kit.query import SearchParams, query_model, split_commas
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import Id, IdPath, Page, SearchText, normalise_tag
from app.models.enums import QuestionCategory, QuestionDifficulty
from app.questions import schemas, service
from app.questions.service import QuestionFilters

router = Router(prefix="/api/questions", tags=["questions"])

MAX_TAG_FILTERS = 20
SEARCH_HELP = (
    "Search question text, notes and sample answers by words or word beginnings (`postgres` "
    "finds PostgreSQL; every word must match, `-word` excludes one), tolerant of small typos (`kubernets`). "
    "Best matches first unless `sort_by` is given."
)

SORT_HELP = "Default: `relevance` when `q` is given, else `created_at` (newest first)."
SortQuery = Annotated[schemas.QuestionSort | None, Query(description=SORT_HELP)]


class QuestionFilterQuery(SearchParams):
    """The list's filters (a query model: see ``SearchParams``)."""

    question_category: QuestionCategory | None = None
    question_difficulty: QuestionDifficulty | None = None
    tags: list[str] | None = Field(
        None,
        max_length=MAX_TAG_FILTERS,
        description="Any of these tags: `tags=a,b` or `tags=a&tags=b` (case-insensitive).",
    )
    company_id: Id | None = None
    skill_id: Id | None = None
    q: SearchText | None = Field(None, description=SEARCH_HELP)
    deleted: bool = Field(False, description="List the soft-deleted questions instead.")

    def filters(self) -> QuestionFilters:
        return QuestionFilters(
            question_category=self.question_category,
            question_difficulty=self.question_difficulty,
            tags=_tags(self.tags),
            company_id=self.company_id,
            skill_id=self.skill_id,
            q=self.search_text(),
            deleted=self.deleted,
        )


# async: a plain def would run in the threadpool on every request
async def question_filters(
    query: Annotated[QuestionFilterQuery, query_model(QuestionFilterQuery)],
) -> QuestionFilters:
    return query.filters()


FiltersDep = Annotated[QuestionFilters, Depends(question_filters)]


class QuestionListQuery(QuestionFilterQuery):
    """The list's whole query string as one model (filters, page, sort): one validation, no
    dependency per part."""

    page: PageNumber = 1
    page_size: PageSize = 20
    sort_by: schemas.QuestionSort | None = Field(None, description=SORT_HELP)
    sort_order: SortOrder = SortOrder.desc


def _tags(values: list[str] | None) -> list[str]:
    tags = split_commas(values)
    if len(tags) > MAX_TAG_FILTERS:
        raise Unprocessable(f"At most {MAX_TAG_FILTERS} tags.", field="query.tags")
    try:
        return list(dict.fromkeys(normalise_tag(t) for t in tags))
    except ValueError as exc:
        raise Unprocessable(f"Tag filter {exc}.", field="query.tags") from exc


@router.get(
    "", response_model=Page[schemas.QuestionRead], summary="List questions", responses=problems(401, 422)
)
@read_only
async def list_questions(
    caller: CurrentCaller,
    query: Annotated[QuestionListQuery, query_model(QuestionListQuery)],
) -> Response:
    """Your question bank: filter by category, difficulty, tags (any of), company or skill;
    full-text `q` ranked by relevance; sorted and paginated."""
    db, user = caller
    page = PageParams(query.page, query.page_size)
    found = await service.list_questions(db, user, query.filters(), query.sort_by, query.sort_order, page)
    return found.response()


@router.get(
    "/category/{category}",
    response_model=Page[schemas.QuestionRead],
    summary="Questions in a category",
    responses=problems(401, 422),
)
@read_only
async def list_by_category(
    category: QuestionCategory,
    caller: CurrentCaller,
    page: PageQuery,
    sort_by: SortQuery = None,
    sort_order: SortOrder = SortOrder.desc,
) -> Response:
    """The same as `GET /api/questions?question_category=…`."""
    db, user = caller
    filters = QuestionFilters(question_category=category)
    found = await service.list_questions(db, user, filters, sort_by, sort_order, page)
    return found.response()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.QuestionRead,
    summary="Create a question",
    responses=problems(401, 422),
)
async def create_question(
    data: Annotated[
        schemas.QuestionCreate,
        Body(
            openapi_examples={
                "seed": {
                    "summary": "The seed's example",
                    "value": {
                        "question_text": "How would you design Instagram?",
                        "question_category": "system_design",
                        "question_difficulty": "hard",
                    },
                }
            }
        ),
    ],
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> schemas.QuestionRead:
    """Add a question to your bank, optionally with tags, a company, skills and a sample answer.
    The response carries its `ETag`."""
    question = await service.create_question(session, user, data)
    set_etag(response, question)
    return schemas.QuestionRead.model_validate(question)


@router.get(
    "/{question_id}",
    response_model=schemas.QuestionDetail,
    summary="Get a question",
    responses=problems(401, 404, 422),
)
@read_only
async def get_question(question_id: IdPath, caller: CurrentCaller) -> Response:
    """One question with its skills and the interviews where it was asked (with your ratings).
    The `ETag` header names this version: send it back as `If-Match` when you write."""
    db, user = caller
    return (await service.get_detail(db, user, question_id)).response()


@router.put(
    "/{question_id}",
    response_model=schemas.QuestionRead,
    summary="Replace a question",
    responses=problems(401, 404, 412, 422),
)
async def replace_question(
    question_id: IdPath,
    data: schemas.QuestionCreate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> schemas.QuestionRead:
    """Replace every field (fields left out take their defaults; `skill_ids` replaces the skills).
    `If-Match`: 412 when the question changed since you read that `ETag` (nothing is written);
    without it the last write wins. The response carries the new `ETag`."""
    question = await service.update_question(session, user, question_id, data.model_dump(), if_match=if_match)
    set_etag(response, question)
    return schemas.QuestionRead.model_validate(question)


@router.patch(
    "/{question_id}",
    response_model=schemas.QuestionRead,
    summary="Update a question",
    responses=problems(401, 404, 412, 422),
)
async def patch_question(
    question_id: IdPath,
    data: schemas.QuestionUpdate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    if_match: IfMatch = None,
) -> schemas.QuestionRead:
    """Change only the fields sent (`skill_ids` sets the skills; sending the same set twice, even
    at once, is harmless). `If-Match`: 412 when the question changed since you read that `ETag`;
    without it the last write wins. The response carries the new `ETag`."""
    changes = data.model_dump(exclude_unset=True)
    question = await service.update_question(session, user, question_id, changes, if_match=if_match)
    set_etag(response, question)
    return schemas.QuestionRead.model_validate(question)


@router.delete(
    "/{question_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a question (soft)",
    responses=problems(401, 404, 412, 422),
)
async def delete_question(
    question_id: IdPath, session: SessionDep, user: CurrentUser, if_match: IfMatch = None
) -> None:
    """Move the question to the trash; `POST /api/questions/{id}/restore` brings it back.
    `If-Match`: 412 when the question changed since you read that `ETag`."""
    await service.soft_delete(session, user, question_id, if_match=if_match)


@router.post(
    "/{question_id}/restore",
    response_model=schemas.QuestionRead,
    summary="Restore a deleted question",
    responses=problems(401, 404, 409, 422),
)
async def restore_question(
    question_id: IdPath, session: SessionDep, user: CurrentUser, response: Response
) -> schemas.QuestionRead:
    """Bring a soft-deleted question back (409 if it is not deleted)."""
    question = await service.restore(session, user, question_id)
    set_etag(response, question)
    return schemas.QuestionRead.model_validate(question)


@router.post(
    "/{question_id}/skills",
    response_model=schemas.QuestionRead,
    summary="Link a skill to a question",
    responses=problems(401, 404, 422),
)
async def link_skill(
    question_id: IdPath,
    data: schemas.QuestionSkillLink,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> schemas.QuestionRead:
    """Tag the question with one of your skills (linking twice is harmless)."""
    question = await service.link_skill(session, user, question_id, data.skill_id)
    set_etag(response, question)
    return schemas.QuestionRead.model_validate(question)


@router.delete(
    "/{question_id}/skills/{skill_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Unlink a skill from a question",
    responses=problems(401, 404, 422),
)
async def unlink_skill(question_id: IdPath, skill_id: IdPath, session: SessionDep, user: CurrentUser) -> None:
    """Remove the skill from the question."""
    await service.unlink_skill(session, user, question_id, skill_id)
