"""Calendar feeds: a secret URL per user serving an iCalendar (RFC 5545) file of their interviews
and rounds. Never commits.

The token is the credential (calendar clients send no headers), so only its SHA-256 is stored.
The body is deterministic for the same data (``DTSTAMP`` is the row's last change, not "now"),
so its hash is a strong ``ETag`` and clients that poll get ``304`` until something changes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.errors import NotFound
from app.models import CalendarFeed, Interview, InterviewQuestion, InterviewRound, Question
from app.models.enums import InterviewStatus, InterviewType
from app.review import service as review_service

WINDOW = timedelta(days=90)  # past events kept in the feed; all future ones are in it
DEFAULT_DURATION = timedelta(hours=1)
ALARM_BEFORE = timedelta(hours=1)
PREP_LIMIT = 5
PRODID = "-//Interview Tracker//Interview Tracker//EN"
UID_DOMAIN = "interview-tracker"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_feed(session: AsyncSession, owner_id: int) -> tuple[str, CalendarFeed]:
    """A new secret token for the owner's feed (replacing any previous one) and the feed row."""
    token = secrets.token_urlsafe(32)
    stmt = (
        insert(CalendarFeed)
        .values(owner_id=owner_id, token_hash=hash_token(token))
        .on_conflict_do_update(
            index_elements=[CalendarFeed.owner_id],
            set_={
                "token_hash": hash_token(token),
                "created_at": datetime.now(UTC),
                "content_etag": None,
                "content_changed_at": None,
            },
        )
        .returning(CalendarFeed)
        .execution_options(populate_existing=True)
    )
    feed = (await session.execute(stmt)).scalar_one()
    return token, feed


async def revoke_feed(session: AsyncSession, owner_id: int) -> None:
    await session.execute(delete(CalendarFeed).where(CalendarFeed.owner_id == owner_id))


async def get_feed(session: AsyncSession, owner_id: int) -> CalendarFeed | None:
    stmt = select(CalendarFeed).where(CalendarFeed.owner_id == owner_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def feed_for_token(session: AsyncSession, token: str) -> CalendarFeed:
    """The feed this token opens; 404 for a wrong or revoked one (nothing says which)."""
    stmt = select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
    feed = (await session.execute(stmt)).scalar_one_or_none()
    if feed is None:
        raise NotFound("Calendar feed")
    return feed


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime


async def render(session: AsyncSession, feed: CalendarFeed, now: datetime | None = None) -> RenderedFeed:
    """The owner's calendar, with its entity tag and the time its content last changed."""
    now = now or datetime.now(UTC)
    body = (await build_calendar(session, feed.owner_id, now)).to_ical()
    digest = hashlib.sha256(body).hexdigest()
    if feed.content_etag != digest or feed.content_changed_at is None:
        # HTTP dates have whole seconds: a change must move Last-Modified by at least one.
        changed = now.replace(microsecond=0)
        if feed.content_changed_at is not None and changed <= feed.content_changed_at:
            changed = feed.content_changed_at + timedelta(seconds=1)
        feed.content_etag, feed.content_changed_at = digest, changed
        await session.flush()
    assert feed.content_changed_at is not None
    return RenderedFeed(body, f'"{digest[:32]}"', feed.content_changed_at)


async def build_calendar(session: AsyncSession, owner_id: int, now: datetime) -> Calendar:
    cutoff = now - WINDOW
    rounds_in_window = select(InterviewRound.interview_id).where(
        InterviewRound.owner_id == owner_id, InterviewRound.round_date >= cutoff
    )
    stmt = (
        select(Interview)
        .where(
            Interview.owner_id == owner_id,
            Interview.deleted_at.is_(None),
            or_(Interview.interview_date >= cutoff, Interview.id.in_(rounds_in_window)),
        )
        .options(
            selectinload(Interview.company), selectinload(Interview.role), selectinload(Interview.rounds)
        )
        .order_by(Interview.id)
    )
    interviews = (await session.execute(stmt)).scalars().all()

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Interviews")
    cal.add("x-published-ttl", "PT1H")

    prep: dict[int, tuple[str, list[str]]] = {}
    for interview in interviews:
        if interview.company_id not in prep:
            prep[interview.company_id] = await _preparation(session, owner_id, interview)
        heading, questions = prep[interview.company_id]
        if interview.interview_date is not None and interview.interview_date >= cutoff:
            cal.add_component(_interview_event(interview, heading, questions))
        for round_ in interview.rounds:
            if round_.round_date is not None and round_.round_date >= cutoff:
                cal.add_component(_round_event(interview, round_, heading, questions))
    return cal


async def _preparation(session: AsyncSession, owner_id: int, interview: Interview) -> tuple[str, list[str]]:
    """What to prepare for this company: the review questions due now, or else the questions it
    (or you, about it) asked before."""
    company = interview.company.company_name
    queue = await review_service.queue(
        session, owner_id, review_service.QueueFilters(company_id=interview.company_id), PREP_LIMIT
    )
    due = [item.question.question_text for item in queue.items if item.is_due]
    if due:
        return "Due for review", due
    asked_here = (
        select(InterviewQuestion.question_id)
        .join(Interview, Interview.id == InterviewQuestion.interview_id)
        .where(
            Interview.owner_id == owner_id,
            Interview.company_id == interview.company_id,
            Interview.deleted_at.is_(None),
        )
    )
    stmt = (
        select(Question.question_text)
        .where(
            Question.owner_id == owner_id,
            Question.deleted_at.is_(None),
            or_(Question.company_id == interview.company_id, Question.id.in_(asked_here)),
        )
        .order_by(Question.id.desc())
        .limit(PREP_LIMIT)
    )
    return f"Asked at {company} before", list((await session.execute(stmt)).scalars())


def _summary(interview: Interview, round_: InterviewRound | None = None) -> str:
    text = f"Interview: {interview.company.company_name}"
    if interview.role is not None:
        text += f" — {interview.role.role_title}"
    if interview.interview_type is not InterviewType.actual:
        text += f" ({interview.interview_type.value})"
    if round_ is not None:
        text += f", round {round_.round_number}"
    return text


def _location(interview: Interview) -> str | None:
    if interview.location:
        return interview.location
    return "Remote" if interview.is_remote else None


def _description(
    interview: Interview, round_: InterviewRound | None, heading: str, questions: list[str]
) -> str:
    status = f"Status: {interview.interview_status.value}"
    if interview.outcome is not None:
        status += f", outcome: {interview.outcome.value}"
    parts = [status]
    if round_ is not None:
        line = f"Round {round_.round_number}: {round_.round_type.value.replace('_', ' ')}"
        if round_.interviewer_name:
            line += f" with {round_.interviewer_name}"
            if round_.interviewer_role:
                line += f" ({round_.interviewer_role})"
        parts.append(line)
        if round_.notes:
            parts.append(f"Round notes:\n{round_.notes}")
    elif interview.interviewer_names:
        parts.append(f"Interviewers: {interview.interviewer_names}")
    if interview.notes:
        parts.append(f"Notes:\n{interview.notes}")
    if questions:
        parts.append(f"{heading}:\n" + "\n".join(f"- {q}" for q in questions))
    return "\n\n".join(parts)


def _event(
    interview: Interview,
    uid: str,
    start: datetime,
    minutes: int | None,
    created: datetime,
    modified: datetime,
    summary: str,
    description: str,
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", modified.astimezone(UTC))
    event.add("created", created.astimezone(UTC))
    event.add("last-modified", modified.astimezone(UTC))
    start = start.astimezone(UTC)
    event.add("dtstart", start)
    event.add("dtend", start + (timedelta(minutes=minutes) if minutes else DEFAULT_DURATION))
    event.add("summary", summary)
    location = _location(interview)
    if location:
        event.add("location", location)
    event.add("description", description)
    cancelled = interview.interview_status is InterviewStatus.cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", interview.revision)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


def _interview_event(interview: Interview, heading: str, questions: list[str]) -> Event:
    assert interview.interview_date is not None
    return _event(
        interview,
        f"interview-{interview.id}",
        interview.interview_date,
        interview.duration_minutes,
        interview.created_at,
        interview.updated_at,
        _summary(interview),
        _description(interview, None, heading, questions),
    )


def _round_event(interview: Interview, round_: InterviewRound, heading: str, questions: list[str]) -> Event:
    assert round_.round_date is not None
    return _event(
        interview,
        f"round-{round_.id}",
        round_.round_date,
        round_.duration_minutes,
        round_.created_at,
        max(round_.updated_at, interview.updated_at),
        _summary(interview, round_),
        _description(interview, round_, heading, questions),
    )
