"""HTTP and SSE endpoints for the agents. The work itself is in ``stream.py``."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Annotated, Any

from fastapi import Body, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.types import Receive, Scope, Send

from app.agents import runner, schemas, service
from app.agents.specialists import SPECIALISTS, AgentId
from app.auth.dependencies import CurrentPrincipal, CurrentUser
from app.config import LLMProvider, Settings
from app.db import SessionDep, read_only
from app.errors import AppError, Unauthorized, problem_response
from app.kit.pagination import PageQuery, paginate
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import IdPath, Name, Page
from app.models import User
from app.models.enums import SeniorityLevel

router = Router(prefix="/api/agents", tags=["agents"])

SSE_HEADERS = {"X-Accel-Buffering": "no", "Cache-Control": "no-cache"}

EXAMPLES = {
    "routed": {
        "summary": "Let the supervisor route",
        "value": {"question": "How would you design Instagram?"},
    },
    "explicit": {
        "summary": "Ask one specialist, with context",
        "value": {
            "question": "Tell me about a time you disagreed with your manager.",
            "agent": "behavioral",
            "context": {"company": "TechCorp", "role": "Senior Backend Engineer", "seniority": "senior"},
        },
    },
}


def sse_doc(events: list[str], summary: str | None = None) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a Server-Sent Events response with these event types (one
    schema per event, as OpenAPI 3.2's itemSchema describes SSE)."""
    names = summary or ", ".join(f"`{e}`" for e in events)
    return {
        200: {
            "description": f"Server-Sent Events: {names}. Each `data:` is JSON "
            "`{event_type, data, timestamp}`.",
            "content": {
                "text/event-stream": {
                    "schema": {
                        "type": "object",
                        "required": ["event", "id", "data"],
                        "properties": {
                            "event": {"type": "string", "enum": events},
                            "id": {"type": "string", "description": "Increasing within the stream."},
                            "data": {
                                "type": "string",
                                "contentMediaType": "application/json",
                                "description": "JSON: {event_type, data, timestamp}.",
                            },
                            "retry": {"type": "integer"},
                        },
                    }
                }
            },
        }
    }


STREAM_DOC = sse_doc(["start", "routing", "processing", "content", "follow_ups", "complete", "error"])
GRADE_STREAM_DOC = sse_doc(["start", "routing", "criterion", "content", "complete", "error"])


async def _prepare(
    request: Request, session: Any, user: User, req: schemas.AnswerRequest
) -> runner.TurnInput:
    """Everything that can fail as a plain HTTP error happens here, before the stream starts.
    The session dependency commits the question before the response starts (scope="function"),
    so the runner's own sessions find the turn."""
    settings: Settings = request.app.state.settings
    service.check_limits(settings, req)
    await service.hit_rate_limit(session, settings, user.id, request.app.state.redis)
    ctx = await service.load_context(session, user, req)
    turn = await service.start_turn(session, user, req, settings.agent_max_history_messages)
    return runner.TurnInput(
        req.question, req.agent, req.include_follow_ups, ctx, turn, user.id, req.question_id
    )


def _events(request: Request, inp: runner.TurnInput) -> AsyncGenerator[runner.Event]:
    state = request.app.state
    return runner.run_turn(inp, state.provider, state.sessionmaker)


async def _sse(events: AsyncGenerator[runner.Event]) -> AsyncIterator[ServerSentEvent]:
    n = 0
    # aclosing: when the client leaves, the turn is closed at once (cancelling the upstream
    # call and recording the turn as cancelled), not whenever the garbage collector gets to it.
    async with aclosing(events) as turn:
        async for event in turn:
            n += 1
            yield ServerSentEvent(
                data=json.dumps(event.payload(), ensure_ascii=False), event=event.type, id=str(n)
            )


def _response(request: Request, inp: runner.TurnInput) -> EventSourceResponse:
    return EventSourceResponse(
        _sse(_events(request, inp)), ping=request.app.state.settings.sse_ping_s, headers=SSE_HEADERS
    )


@router.post(
    "/answer-stream",
    summary="Answer a question, streamed (SSE)",
    response_class=EventSourceResponse,
    responses={**STREAM_DOC, **problems(401, 404, 413, 422, 429)},
)
async def answer_stream(
    request: Request,
    req: Annotated[schemas.AnswerRequest, Body(openapi_examples=EXAMPLES)],
    session: SessionDep,
    user: CurrentUser,
) -> EventSourceResponse:
    """The supervisor routes the question to one of six specialists (or `agent` names one), then
    the answer streams as Server-Sent Events, followed by three follow-up questions. Read it with
    `fetch` and a stream reader (see `angular_example.ts`). The turn is stored in a conversation;
    pass `conversation_id` to continue it."""
    return _response(request, await _prepare(request, session, user, req))


@router.get(
    "/answer-stream",
    summary="Answer a question, streamed (EventSource)",
    response_class=EventSourceResponse,
    responses={**STREAM_DOC, **problems(401, 404, 413, 422, 429)},
)
async def answer_stream_get(
    request: Request,
    session: SessionDep,
    question: Annotated[str, Query(min_length=1, max_length=schemas.HARD_MAX_CHARS)],
    ticket: Annotated[str, Query(min_length=8, max_length=200, description="From POST /api/agents/tickets.")],
    agent: AgentId | None = None,
    conversation_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    interview_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    question_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    include_follow_ups: bool = True,
    company: Annotated[Name | None, Query()] = None,
    role: Annotated[Name | None, Query()] = None,
    seniority: SeniorityLevel | None = None,
) -> Response:
    """The same stream for the browser's `EventSource`, which can send no body and no headers.
    Authenticate with a short-lived, single-use `ticket` from `POST /api/agents/tickets` — never
    put a long-lived token in a URL."""
    user = await service.redeem_ticket(session, ticket)
    if user is None:
        raise Unauthorized("The ticket is invalid, expired or already used; get a new one.")
    context = (
        schemas.RequestContext(company=company, role=role, seniority=seniority)
        if company or role or seniority
        else None
    )
    req = schemas.AnswerRequest(
        question=question,
        agent=agent,
        context=context,
        conversation_id=conversation_id,
        interview_id=interview_id,
        question_id=question_id,
        include_follow_ups=include_follow_ups,
    )
    try:
        # The ticket is spent even if what follows fails: a refusal rolls back to this savepoint
        # and answers a problem, so the session dependency still commits the redemption.
        async with session.begin_nested():
            inp = await _prepare(request, session, user, req)
    except AppError as exc:
        return _problem(request, exc)
    return _response(request, inp)


def _problem(request: Request, exc: AppError) -> JSONResponse:
    return problem_response(
        exc.status,
        exc.detail,
        title=exc.title,
        instance=request.url.path,
        headers=exc.headers,
        extra=exc.extra,
    )


@router.post(
    "/tickets",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.TicketRead,
    summary="Get an EventSource ticket",
    responses=problems(401),
)
async def create_ticket(
    request: Request, session: SessionDep, principal: CurrentPrincipal
) -> schemas.TicketRead:
    """A single-use credential, valid for about a minute, for `GET /api/agents/answer-stream`.
    It dies early with the credential that asked for it (API key revoked, logout)."""
    ticket, expires_at = await service.issue_ticket(
        session, principal.user, request.app.state.settings.agent_ticket_ttl_s, principal.api_key_id
    )
    return schemas.TicketRead(ticket=ticket, expires_at=expires_at)


@router.post(
    "/answer",
    response_model=schemas.AnswerResponse,
    summary="Answer a question (one JSON response)",
    responses=problems(401, 404, 413, 422, 429, 502, 504),
)
async def answer(
    request: Request,
    req: Annotated[schemas.AnswerRequest, Body(openapi_examples=EXAMPLES)],
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    """The same work as the stream, returned at once. Provider failures answer 502, timeouts 504
    (the turn is stored as failed)."""
    return _TurnResponse(_events(request, await _prepare(request, session, user, req)), request)


class _TurnResponse(Response):
    """Runs the turn while the response is sent, i.e. after the session dependency has committed
    the question (scope="function"), and answers JSON or a problem."""

    def __init__(self, events: AsyncGenerator[runner.Event], request: Request) -> None:
        super().__init__()
        self._events = events
        self._request = request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._result()
        await response(scope, receive, send)

    async def _result(self) -> Response:
        async with aclosing(self._events) as events:
            async for event in events:
                d = event.data
                if event.type == "error":
                    failure_status = {"timeout": 504, "internal": 503 if d["retryable"] else 500}
                    exc = AppError(
                        d["message"],
                        status=failure_status.get(d["code"], 502),
                        extra={
                            "code": d["code"],
                            "retryable": d["retryable"],
                            "conversation_id": d["conversation_id"],
                            "message_id": d["message_id"],
                        },
                    )
                    return _problem(self._request, exc)
                if event.type == "complete":
                    body = schemas.AnswerResponse(
                        answer=d["answer"],
                        agent=d["agent"],
                        agent_name=d["agent_name"],
                        routing=schemas.RoutingInfo(**d["routing"]),
                        follow_ups=d["follow_ups"],
                        conversation_id=d["conversation_id"],
                        message_id=d["message_id"],
                        model=d["model"],
                        duration_ms=d["duration_ms"],
                        usage=d["usage"],
                    )
                    return JSONResponse(body.model_dump(mode="json"))
        return _problem(self._request, AppError("The answer ended without completing.", status=502))


@router.get(
    "/available", response_model=schemas.AvailableAgents, summary="The specialists", responses=problems(401)
)
@read_only
async def available(request: Request, user: CurrentUser) -> schemas.AvailableAgents:
    """Each specialist with its capabilities, example questions and the model in use. The
    offline coach is labelled as such."""
    settings: Settings = request.app.state.settings
    offline = settings.effective_llm_provider is LLMProvider.offline
    model = request.app.state.model_name
    return schemas.AvailableAgents(
        agents=[
            schemas.AgentInfo(
                id=s.id,
                name=s.name,
                description=s.description,
                capabilities=list(s.capabilities),
                example_questions=list(s.examples),
                framework=list(s.framework),
                model=model,
                offline=offline,
            )
            for s in SPECIALISTS.values()
        ],
        provider=settings.effective_llm_provider.value,
        model=model,
        offline=offline,
    )


@router.get(
    "/conversations",
    response_model=Page[schemas.ConversationSummary],
    summary="List conversations",
    responses=problems(401, 422),
)
@read_only
async def list_conversations(
    session: SessionDep, user: CurrentUser, page: PageQuery
) -> Page[schemas.ConversationSummary]:
    """Your conversations with the agents, most recent first."""
    stmt = service.conversations_query(user.id)
    return await paginate(session, stmt, page, schemas.ConversationSummary.model_validate)


@router.get(
    "/conversations/{conversation_id}",
    response_model=schemas.ConversationRead,
    summary="Read a conversation",
    responses=problems(401, 404, 422),
)
async def get_conversation(
    conversation_id: IdPath, session: SessionDep, user: CurrentUser
) -> schemas.ConversationRead:
    """A conversation with every message, including failed or cancelled turns and their partial
    text. A turn a server crash interrupted reads as failed."""
    conv = await service.get_conversation(session, user, conversation_id)
    return schemas.ConversationRead.model_validate(conv)


@router.patch(
    "/conversations/{conversation_id}",
    response_model=schemas.ConversationSummary,
    summary="Rename a conversation",
    responses=problems(401, 404, 422),
)
async def rename_conversation(
    conversation_id: IdPath, data: schemas.ConversationUpdate, session: SessionDep, user: CurrentUser
) -> schemas.ConversationSummary:
    """Change the conversation's title."""
    conv = await service.rename_conversation(session, user, conversation_id, data.title)
    return schemas.ConversationSummary.model_validate(conv)


@router.delete(
    "/conversations/{conversation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a conversation",
    responses=problems(401, 404, 422),
)
async def delete_conversation(conversation_id: IdPath, session: SessionDep, user: CurrentUser) -> None:
    """Delete the conversation and its messages."""
    await service.delete_conversation(session, user, conversation_id)
