"""Mock interviews: a planned interview, answered question by question, graded and reported."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Request, status
from sse_starlette import EventSourceResponse

from app.agents import service as agents_service
from app.agents.router import SSE_HEADERS, _sse, sse_doc
from app.auth.dependencies import CurrentUser
from app.db import SessionDep, read_only
from app.kit.pagination import PageQuery
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import IdPath, Page
from app.mock_interviews import interviewer, schemas, service
from app.mock_interviews.stream import EVENTS, answer_events

router = Router(prefix="/api/mock-interviews", tags=["mock interviews"])

MOCK_STREAM_DOC = sse_doc(
    list(EVENTS),
    "`grade`, `content`… (the interviewer's reaction), `follow_up` or `next_question`, then "
    "`complete` — or `error`",
)

CREATE_EXAMPLES = {
    "interview": {"summary": "Prepare me for a scheduled interview", "value": {"interview_id": 1}},
    "company": {
        "summary": "A company and role, behavioural and system design",
        "value": {
            "company_id": 1,
            "role_id": 2,
            "categories": ["behavioral", "system_design"],
            "question_count": 6,
        },
    },
}


@router.post(
    "",
    response_model=schemas.MockCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Plan a mock interview",
    responses=problems(401, 422, 429),
)
async def create_mock(
    request: Request,
    req: Annotated[schemas.MockCreate, Body(openapi_examples=CREATE_EXAMPLES)],
    session: SessionDep,
    user: CurrentUser,
) -> schemas.MockCreated:
    """Plans `question_count` questions (1–15, default 5), in this order: your review cards due for
    the company/role (or for the interview), questions that company asked you before, questions on
    the skills the role or interview tests and on your open skill gaps, then your bank by
    `categories`. Only when nothing in your bank fits does the specialist write a question (it is
    added to your bank). No question twice. With `interview_id` the mock prepares you for that
    interview. Each planned question says why it was chosen."""
    state = request.app.state
    await agents_service.hit_rate_limit(session, state.settings, user.id, state.redis)
    return await service.create(session, user.id, req, state.provider)


@router.get(
    "",
    response_model=Page[schemas.MockSummary],
    summary="List your mock interviews",
    responses=problems(401, 422),
)
@read_only
async def list_mocks(session: SessionDep, user: CurrentUser, page: PageQuery) -> Page[schemas.MockSummary]:
    """Newest first, each with how many questions were answered or skipped and the mean grade."""
    return await service.list_mocks(session, user.id, page)


@router.get(
    "/{mock_id}",
    response_model=schemas.MockRead,
    summary="A mock interview's transcript",
    responses=problems(401, 404, 422),
)
@read_only
async def get_mock(mock_id: IdPath, session: SessionDep, user: CurrentUser) -> schemas.MockRead:
    """Every planned question with why it was chosen, your answers, the interviewer's replies, the
    follow-up (at most one per question) and the grades; `current` is the question to answer now."""
    mock = await service.get_mock(session, user.id, mock_id)
    return await service.read(session, mock)


@router.post(
    "/{mock_id}/answers",
    response_model=schemas.AnswerResult,
    summary="Answer the current question",
    responses=problems(401, 404, 409, 422, 429),
)
async def answer(
    request: Request, mock_id: IdPath, data: schemas.AnswerCreate, session: SessionDep, user: CurrentUser
) -> schemas.AnswerResult:
    """Grades your answer to the current question with the specialist's rubric (stored as an
    attempt, and a review of the question in your schedule), then the interviewer reacts and either
    asks one probing follow-up (when the answer leaves an obvious gap; answer it with this same
    endpoint, and it is graded together with your first answer) or gives the next question.
    409 when the mock is finished."""
    state = request.app.state
    await agents_service.hit_rate_limit(session, state.settings, user.id, state.redis)
    sub = await service.submit(session, user.id, mock_id, data.answer, state.provider)
    pieces = [
        p
        async for p in interviewer.reaction(
            state.provider, sub.agent, sub.question, sub.answer, sub.grade, sub.follow_up is not None
        )
    ]
    reply = "".join(pieces)
    await service.save_reply(session, user.id, sub.item_id, reply, sub.to_follow_up)
    return service.result(sub, reply)


@router.post(
    "/{mock_id}/answers-stream",
    summary="Answer the current question, streamed (SSE)",
    response_class=EventSourceResponse,
    responses={**MOCK_STREAM_DOC, **problems(401, 404, 409, 422, 429)},
)
async def answer_stream(
    request: Request, mock_id: IdPath, data: schemas.AnswerCreate, session: SessionDep, user: CurrentUser
) -> EventSourceResponse:
    """The same as `POST …/answers`, as Server-Sent Events: `grade` (the stored grade), `content`
    (the interviewer's reaction, in pieces), `follow_up` (when asked) or `next_question`, then
    `complete` (what `…/answers` returns) — or `error`."""
    state = request.app.state
    await agents_service.hit_rate_limit(session, state.settings, user.id, state.redis)
    await service.check_exists(session, user.id, mock_id)
    events = answer_events(user.id, mock_id, data.answer, state.provider, state.sessionmaker)
    return EventSourceResponse(_sse(events), ping=state.settings.sse_ping_s, headers=SSE_HEADERS)


@router.post(
    "/{mock_id}/skip",
    response_model=schemas.MockRead,
    summary="Skip the current question",
    responses=problems(401, 404, 409, 422),
)
async def skip(mock_id: IdPath, session: SessionDep, user: CurrentUser) -> schemas.MockRead:
    """Skips the current question (skipping a follow-up keeps the first answer's grade). Skipping
    the last question finishes the mock. 409 when the mock is finished."""
    return await service.skip(session, user.id, mock_id)


@router.post(
    "/{mock_id}/finish",
    response_model=schemas.MockRead,
    summary="Finish the mock interview",
    responses=problems(401, 404, 422),
)
async def finish(mock_id: IdPath, session: SessionDep, user: CurrentUser) -> schemas.MockRead:
    """Ends the mock now (questions not reached count as skipped). A finished mock with answers is
    also a practice session (`practice_session_id`), so your stats count it; its grades already
    moved your review schedule. Finishing again changes nothing."""
    return await service.finish(session, user.id, mock_id)


@router.get(
    "/{mock_id}/report",
    response_model=schemas.MockReport,
    summary="How the mock interview went",
    responses=problems(401, 404, 422),
)
@read_only
async def report(mock_id: IdPath, session: SessionDep, user: CurrentUser) -> schemas.MockReport:
    """The mean grade overall, per rubric criterion and per question category (over the answered
    questions' final grades), the three weakest criteria with advice, and what the mock added to
    or moved in your review schedule."""
    return await service.report(session, user.id, mock_id)
