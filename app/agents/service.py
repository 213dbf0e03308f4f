"""Agents' persistence: limits, rate limits, tickets, context from the user's records, turns."""

from __future__ import annotations

import logging
import math
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.agents.context import CoachingContext, RelatedQuestion
from app.agents.schemas import AnswerRequest
from app.agents.text import key_terms
from app.auth.security import sha256
from app.config import Settings
from app.errors import PayloadTooLarge, RateLimited
from app.kit.crud import get_owned
from app.models import (
    AgentTicket,
    Conversation,
    Interview,
    InterviewQuestion,
    Message,
    Question,
    User,
)
from app.models.enums import MessageRole, MessageStatus

log = logging.getLogger("app.agents.service")


def check_limits(settings: Settings, req: AnswerRequest) -> None:
    if len(req.question) > settings.agent_max_question_chars:
        raise PayloadTooLarge(
            f"The question has {len(req.question)} characters; the limit is {settings.agent_max_question_chars}."
        )
    if len(req.conversation_history) > settings.agent_max_history_messages:
        raise PayloadTooLarge(
            f"conversation_history has {len(req.conversation_history)} messages; "
            f"the limit is {settings.agent_max_history_messages}."
        )
    total = sum(len(m.content) for m in req.conversation_history)
    if total > settings.agent_max_history_chars:
        raise PayloadTooLarge(
            f"conversation_history holds {total} characters; the limit is {settings.agent_max_history_chars}."
        )


_HIT = text(
    """
    INSERT INTO rate_limit_counters (bucket, window_start, count, expires_at)
    VALUES (:bucket, :window_start, 1, :expires_at)
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
    RETURNING count
    """
)


async def _redis_count(redis: Any, bucket: str, window: datetime) -> int | None:
    """INCR on a per-window key that expires on its own; None when Redis cannot answer."""
    key = f"itk:rl:{bucket}:{int(window.timestamp())}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = await pipe.execute()
        return int(count)
    except Exception as exc:  # Redis is an accelerator here, never a single point of failure
        log.warning("Redis rate limit unavailable (%s); counting in PostgreSQL", type(exc).__name__)
        return None


async def hit_rate_limit(session: AsyncSession, settings: Settings, user_id: int, redis: Any = None) -> None:
    """A fixed one-minute window per user, shared by every worker and replica: counted in Redis
    when REDIS_URL is set, else (and whenever Redis fails) in PostgreSQL, in the request's
    transaction, so a request refused later (404, 413) is not counted."""
    limit = settings.agent_rate_limit_per_minute
    if limit <= 0:
        return
    now = datetime.now(UTC)
    window = now.replace(second=0, microsecond=0)
    bucket = f"agents:{user_id}"
    count = await _redis_count(redis, bucket, window) if redis is not None else None
    if count is None:
        count = await _pg_count(session, bucket, window)
    if count > limit:
        retry_after = max(1, math.ceil((window + timedelta(minutes=1) - now).total_seconds()))
        raise RateLimited(retry_after)


async def _pg_count(session: AsyncSession, bucket: str, window: datetime) -> int:
    count = (
        await session.execute(
            _HIT,
            {
                "bucket": bucket,
                "window_start": window,
                "expires_at": window + timedelta(minutes=2),
            },
        )
    ).scalar_one()
    if random.random() < 0.01:  # keep the table small
        await session.execute(text("DELETE FROM rate_limit_counters WHERE expires_at < now()"))
    return int(count)


async def issue_ticket(
    session: AsyncSession, user: User, ttl_s: int, api_key_id: int | None = None
) -> tuple[str, datetime]:
    """``api_key_id``: the key that asked for it (None for an access token); revoking it voids the ticket."""
    ticket = "tkt_" + secrets.token_urlsafe(24)
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_s)
    session.add(
        AgentTicket(
            ticket_hash=sha256(ticket), owner_id=user.id, expires_at=expires_at, api_key_id=api_key_id
        )
    )
    await session.execute(delete(AgentTicket).where(AgentTicket.expires_at < func.now()))
    await session.flush()
    return ticket, expires_at


async def redeem_ticket(session: AsyncSession, ticket: str) -> User | None:
    """Single use: the row is deleted as it is read, so a replay finds nothing."""
    owner_id = (
        await session.execute(
            delete(AgentTicket)
            .where(AgentTicket.ticket_hash == sha256(ticket), AgentTicket.expires_at > func.now())
            .returning(AgentTicket.owner_id)
        )
    ).scalar_one_or_none()
    if owner_id is None:
        return None
    user = await session.get(User, owner_id)
    return user if user is not None and user.is_active else None


async def _related(
    session: AsyncSession, user_id: int, question: str, exclude_id: int | None
) -> list[RelatedQuestion]:
    terms = key_terms(question, limit=6)
    if not terms:
        return []
    tsq = func.to_tsquery("english", " | ".join(t.lower().replace("'", "") for t in terms if t.isascii()))
    avg = (
        select(func.avg(InterviewQuestion.answer_quality_rating))
        .where(InterviewQuestion.question_id == Question.id)
        .correlate(Question)
        .scalar_subquery()
    )
    stmt = (
        select(Question.question_text, Question.question_category, avg.label("avg"))
        .where(
            Question.owner_id == user_id,
            Question.deleted_at.is_(None),
            Question.search_vector.op("@@")(tsq),
            func.lower(Question.question_text) != question.lower().strip(),
        )
        .order_by(func.ts_rank_cd(Question.search_vector, tsq).desc(), Question.id)
        .limit(3)
    )
    if exclude_id:
        stmt = stmt.where(Question.id != exclude_id)
    try:
        rows = (await session.execute(stmt)).all()
    except Exception:  # an odd term the parser rejects must not break the answer
        return []
    return [
        RelatedQuestion(
            r.question_text, r.question_category.value, float(r.avg) if r.avg is not None else None
        )
        for r in rows
    ]


async def load_context(session: AsyncSession, user: User, req: AnswerRequest) -> CoachingContext:
    """Context from the request and the records it names (404 for records the user does not own)."""
    ctx = CoachingContext()
    if req.context:
        ctx.company = req.context.company
        ctx.role = req.context.role
        ctx.seniority = req.context.seniority.value if req.context.seniority else None
        ctx.notes = req.context.notes
    if req.interview_id:
        interview = await get_owned(
            session,
            Interview,
            req.interview_id,
            user,
            "Interview",
            options=[selectinload(Interview.company), selectinload(Interview.role)],
        )
        ctx.company = ctx.company or interview.company.company_name
        ctx.role = ctx.role or (interview.role.role_title if interview.role else None)
        ctx.seniority = ctx.seniority or (
            interview.seniority_level.value if interview.seniority_level else None
        )
        ctx.interview_notes = interview.notes
        ctx.interview_feedback = interview.feedback
    if req.question_id:
        q = await get_owned(session, Question, req.question_id, user, "Question")
        ctx.question_notes = q.notes
        ctx.sample_answer = q.sample_answer
        ratings = await session.execute(
            select(InterviewQuestion.answer_quality_rating)
            .where(
                InterviewQuestion.question_id == q.id, InterviewQuestion.answer_quality_rating.is_not(None)
            )
            .order_by(InterviewQuestion.id)
        )
        ctx.past_ratings = [r for (r,) in ratings if r is not None]
    return ctx


async def add_bank_context(
    session: AsyncSession, user_id: int, req_question: str, question_id: int | None, ctx: CoachingContext
) -> None:
    """What the question bank adds: past ratings of the same question and related questions.
    Loaded after the routing event, so routing reaches the client first."""
    if question_id is None:
        ratings = await session.execute(
            select(InterviewQuestion.answer_quality_rating)
            .join(Question, Question.id == InterviewQuestion.question_id)
            .where(
                Question.owner_id == user_id,
                Question.deleted_at.is_(None),
                func.lower(Question.question_text) == req_question.lower().strip(),
                InterviewQuestion.answer_quality_rating.is_not(None),
            )
        )
        ctx.past_ratings = [r for (r,) in ratings if r is not None]
    ctx.related = await _related(session, user_id, req_question, question_id)


@dataclass
class Turn:
    conversation_id: int
    user_message_id: int
    message_id: int
    history: list[tuple[str, str]]
    previous_agent: str | None = None


async def start_turn(session: AsyncSession, user: User, req: AnswerRequest, max_history: int) -> Turn:
    """Store the question and an empty assistant message (status streaming) in one round trip each."""
    history: list[tuple[str, str]]
    previous_agent: str | None = None
    if req.conversation_id:
        conversation = await get_owned(session, Conversation, req.conversation_id, user, "Conversation")
        conversation_id = conversation.id
        previous_agent = conversation.last_agent
        rows = await session.execute(
            select(Message.role, Message.content)
            .where(Message.conversation_id == conversation_id, Message.status == MessageStatus.complete)
            .order_by(Message.id.desc())
            .limit(max_history)
        )
        history = [(r.role.value, r.content) for r in reversed(rows.all())]
        await session.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(updated_at=func.now())
        )
    else:
        title = " ".join(req.question.split())[:120]
        conversation_id = (
            await session.execute(
                insert(Conversation)
                .values(
                    owner_id=user.id, title=title, interview_id=req.interview_id, question_id=req.question_id
                )
                .returning(Conversation.id)
            )
        ).scalar_one()
        history = [(m.role, m.content) for m in req.conversation_history]
    ids = (
        (
            await session.execute(
                insert(Message).returning(Message.id, sort_by_parameter_order=True),
                [
                    {
                        "owner_id": user.id,
                        "conversation_id": conversation_id,
                        "role": MessageRole.user,
                        "content": req.question,
                        "status": MessageStatus.complete,
                    },
                    {
                        "owner_id": user.id,
                        "conversation_id": conversation_id,
                        "role": MessageRole.assistant,
                        "content": "",
                        "status": MessageStatus.streaming,
                    },
                ],
            )
        )
        .scalars()
        .all()
    )
    return Turn(conversation_id, ids[0], ids[1], history, previous_agent)


async def finish_turn(
    session: AsyncSession, turn: Turn, *, status: MessageStatus, values: dict[str, Any]
) -> None:
    await session.execute(
        update(Message).where(Message.id == turn.message_id).values(status=status, **values)
    )
    if status is MessageStatus.complete and values.get("agent"):
        await session.execute(
            update(Conversation)
            .where(Conversation.id == turn.conversation_id)
            .values(last_agent=values["agent"], updated_at=func.now())
        )
    if status is not MessageStatus.complete:
        # A failed turn keeps the question but must not feed later history.
        await session.execute(
            update(Message).where(Message.id == turn.user_message_id).values(status=MessageStatus.failed)
        )


# A turn still "streaming" after this long was left behind by a crashed or killed worker: no
# live stream runs this long (timeouts end them well before).
STALE_TURN_AFTER = timedelta(minutes=10)
_INTERRUPTED = {"code": "interrupted", "message": "The answer was interrupted (the server stopped)."}


async def fail_stale_turns(
    session: AsyncSession, *, conversation_id: int | None = None, older_than: timedelta = STALE_TURN_AFTER
) -> int:
    """Mark turns left ``streaming`` by a crash as failed (their questions too, so they do not
    feed later history). At startup for everyone, and for one conversation when it is read."""
    stale = select(Message.id, Message.conversation_id).where(
        Message.status == MessageStatus.streaming,
        Message.role == MessageRole.assistant,
        Message.created_at < func.now() - older_than,
    )
    if conversation_id is not None:
        stale = stale.where(Message.conversation_id == conversation_id)
    rows = (await session.execute(stale)).all()
    if not rows:
        return 0
    ids = [r.id for r in rows]
    await session.execute(
        update(Message).where(Message.id.in_(ids)).values(status=MessageStatus.failed, error=_INTERRUPTED)
    )
    for r in rows:
        asked = (
            select(func.max(Message.id))
            .where(
                Message.conversation_id == r.conversation_id,
                Message.role == MessageRole.user,
                Message.id < r.id,
            )
            .scalar_subquery()
        )
        await session.execute(update(Message).where(Message.id == asked).values(status=MessageStatus.failed))
    log.warning("marked %d interrupted turn(s) as failed", len(ids))
    return len(ids)


def conversations_query(user_id: int) -> Select[Conversation]:
    return (
        select(Conversation)
        .where(Conversation.owner_id == user_id)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    )


async def get_conversation(session: AsyncSession, user: User, conversation_id: int) -> Conversation:
    """The user's conversation with its messages (turns interrupted by a crash shown as failed)."""
    conv = await get_owned(session, Conversation, conversation_id, user, "Conversation")
    if await fail_stale_turns(session, conversation_id=conv.id):
        await session.flush()
    return await get_owned(
        session,
        Conversation,
        conversation_id,
        user,
        "Conversation",
        options=[selectinload(Conversation.messages)],
    )


async def rename_conversation(
    session: AsyncSession, user: User, conversation_id: int, title: str
) -> Conversation:
    conv = await get_owned(session, Conversation, conversation_id, user, "Conversation")
    conv.title = title
    await session.flush()
    await session.refresh(conv)
    return conv


async def delete_conversation(session: AsyncSession, user: User, conversation_id: int) -> None:
    conv = await get_owned(session, Conversation, conversation_id, user, "Conversation")
    await session.execute(delete(Message).where(Message.conversation_id == conv.id))
    await session.execute(delete(Conversation).where(Conversation.id == conv.id))
