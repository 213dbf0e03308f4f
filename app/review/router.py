"""The review schedule: what to practise next, and recording how it went."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Query, Request
from sse_starlette import EventSourceResponse

from app.agents import service as agents_service
from app.agents.router import GRADE_STREAM_DOC, SSE_HEADERS, _sse
from app.auth.dependencies import CurrentUser
from app.db import SessionDep, read_only
from app.kit.pagination import PageQuery
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import Id, IdPath, Page
from app.models.enums import QuestionCategory
from app.review import attempts, grade, schemas, service
from app.review.service import QueueFilters

router = Router(prefix="/api/review", tags=["review"])
# Graded attempts live under their question.
attempts_router = Router(prefix="/api/questions", tags=["questions"])
# Grading is an agent's work: its routes sit beside the other agent endpoints.
grade_router = Router(prefix="/api/agents", tags=["agents"])


@router.get(
    "/queue",
    response_model=schemas.ReviewQueue,
    summary="What to practise next",
    responses=problems(401, 404, 422),
)
@read_only
async def queue(
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100, description="How many questions (at most 100).")] = 20,
    category: Annotated[QuestionCategory | None, Query()] = None,
    company_id: Annotated[Id | None, Query(description="Questions of this company or asked there.")] = None,
    role_id: Annotated[Id | None, Query(description="Questions asked in interviews for this role.")] = None,
    skill_id: Annotated[Id | None, Query()] = None,
    interview_id: Annotated[
        Id | None,
        Query(
            description="Prepare for this interview: questions its company asked before, questions on "
            "the skills it tests, and questions on your open skill gaps."
        ),
    ] = None,
) -> schemas.ReviewQueue:
    """Your questions in the order the FSRS schedule wants them practised: due ones first (most
    overdue first), then the weakest (lowest predicted recall). Each item says why it is there.
    Every rating feeds the schedule: interview answer ratings, practice self-ratings, graded
    attempts and reviews posted here. Questions in the trash are left out."""
    filters = QueueFilters(category, company_id, role_id, skill_id, interview_id)
    return await service.queue(session, user.id, filters, limit)


@router.post(
    "/{question_id}",
    response_model=schemas.ReviewResult,
    summary="Record a review",
    responses=problems(401, 404, 422),
)
async def review(
    question_id: IdPath,
    data: Annotated[
        schemas.ReviewCreate,
        Body(
            openapi_examples={
                "rating": {"summary": "An FSRS rating", "value": {"rating": "good"}},
                "score": {"summary": "A score 1–10", "value": {"score": 4}},
            }
        ),
    ],
    session: SessionDep,
    user: CurrentUser,
) -> schemas.ReviewResult:
    """You practised this question now: rate it `again`, `hard`, `good` or `easy`, or give a
    `score` 1–10 (1–3 again, 4–5 hard, 6–8 good, 9–10 easy). Returns the updated card and when
    it is due next."""
    return await service.review(session, user.id, question_id, data)


@router.get(
    "/summary",
    response_model=schemas.ReviewSummary,
    summary="Your review schedule at a glance",
    responses=problems(401),
)
@read_only
async def summary(session: SessionDep, user: CurrentUser) -> schemas.ReviewSummary:
    """Due now, due today, overdue (by more than a day), reviews in the last 7 days, a 14-day
    forecast of due cards (UTC days; day one includes the overdue), and retention: the desired
    retention FSRS schedules for, and FSRS's predicted recall probability averaged over your
    reviewed cards right now."""
    return await service.summary(session, user.id)


@attempts_router.get(
    "/{question_id}/attempts",
    response_model=Page[schemas.AttemptRead],
    summary="Graded attempts at a question",
    responses=problems(401, 404, 422),
)
@read_only
async def list_attempts(
    question_id: IdPath, session: SessionDep, user: CurrentUser, page: PageQuery
) -> Page[schemas.AttemptRead]:
    """Your graded answers to this question (`POST /api/agents/grade`), newest first, each with
    its scores per criterion, evidence, advice and the grader that produced it."""
    return await attempts.list_attempts(session, user.id, question_id, page)


GRADE_EXAMPLES = {
    "text": {
        "summary": "A question as text (matched to your bank, or added)",
        "value": {
            "question": "Tell me about a time you disagreed with your manager.",
            "answer": "At my last job I disagreed with my manager about a release date. I pulled the "
            "bug data, showed him that 30% of the open bugs were in checkout, and proposed a two-week "
            "delay. We shipped two weeks later with zero checkout incidents. I learned to bring data.",
        },
    },
    "bank": {"summary": "A question from your bank", "value": {"question_id": 1, "answer": "…"}},
}


@grade_router.post(
    "/grade",
    response_model=schemas.GradeResponse,
    summary="Grade an answer against the specialist's rubric",
    responses=problems(401, 404, 422, 429),
)
async def grade_answer(
    request: Request,
    req: Annotated[schemas.GradeRequest, Body(openapi_examples=GRADE_EXAMPLES)],
    session: SessionDep,
    user: CurrentUser,
) -> schemas.GradeResponse:
    """Scores your answer 1–10 overall and per rubric criterion (each with evidence from your
    answer and advice), lists strengths and improvements, and outlines a better answer. The
    rubric is the specialist's: `agent`, else the question's category, else the supervisor's
    choice. With a language model the grade is structured output; offline (or when the model's
    output is unusable) a rule-based grader checks the rubric's parts and says so in `model` and
    `method`. The attempt is stored (`GET /api/questions/{id}/attempts`) and its `overall`
    becomes a review of the question in your schedule (`GET /api/review/queue`)."""
    state = request.app.state
    await agents_service.hit_rate_limit(session, state.settings, user.id, state.redis)
    prep = await grade.prepare(session, user.id, req, state.provider)
    return await grade.grade(session, prep, state.provider)


@grade_router.post(
    "/grade-stream",
    summary="Grade an answer, streamed (SSE)",
    response_class=EventSourceResponse,
    responses={**GRADE_STREAM_DOC, **problems(401, 404, 422, 429)},
)
async def grade_answer_stream(
    request: Request,
    req: Annotated[schemas.GradeRequest, Body(openapi_examples=GRADE_EXAMPLES)],
    session: SessionDep,
    user: CurrentUser,
) -> EventSourceResponse:
    """The same grading as Server-Sent Events: `start`, `routing`, one `criterion` per rubric
    criterion, `content` (the better-answer outline, in pieces), then `complete` (the whole
    result, as `POST /api/agents/grade` returns it) or `error`."""
    state = request.app.state
    await agents_service.hit_rate_limit(session, state.settings, user.id, state.redis)
    prep = await grade.prepare(session, user.id, req, state.provider)
    events = grade.grade_events(prep, state.provider, state.sessionmaker)
    return EventSourceResponse(_sse(events), ping=state.settings.sse_ping_s, headers=SSE_HEADERS)
