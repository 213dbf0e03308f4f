"""Mock interviews: plan, answer (graded by the learning loop's grader), skip, finish, report.
Never commits.

Each answer is stored as a graded attempt, which is also a review of its question (so the
schedule moves). An answer to a follow-up is graded together with the first answer; that grade
replaces the first one's review, so a question counts once per mock. A finished mock becomes a
practice session.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.agents import grading
from app.agents.providers import Provider
from app.agents.specialists import AgentId
from app.errors import Conflict
from app.kit.crud import check_refs, get_owned
from app.kit.pagination import PageParams, paginate
from app.kit.schemas import Page
from app.mock_interviews import interviewer, plan, schemas
from app.models import (
    AnswerAttempt,
    Company,
    Interview,
    MockInterview,
    MockInterviewItem,
    PracticeSession,
    PracticeSessionQuestion,
    ReviewCard,
    Role,
)
from app.models.enums import MockItemStatus, MockStatus, QuestionCategory, ReviewSource
from app.review import attempts
from app.review import service as review_service
from app.review.schemas import CriterionRead

MOCK = "Mock interview"
OPEN = (MockItemStatus.pending, MockItemStatus.follow_up)


# Reading ---------------------------------------------------------------------------------------


async def get_mock(
    session: AsyncSession, owner_id: int, mock_id: int, *, lock: bool = False
) -> MockInterview:
    return await get_owned(
        session,
        MockInterview,
        mock_id,
        owner_id,
        MOCK,
        options=[selectinload(MockInterview.items)],
        lock=lock,
    )


def current_item(mock: MockInterview) -> MockInterviewItem | None:
    return next((i for i in mock.items if i.status in OPEN), None)


def plan_item(item: MockInterviewItem) -> schemas.PlanItem:
    return schemas.PlanItem(
        position=item.position,
        question_id=item.question_id,
        question=item.question_text,
        question_category=item.question_category,
        agent=AgentId(item.agent),
        source=item.source,
        reason=item.reason,
    )


def _grade_read(data: dict[str, Any] | None) -> schemas.GradeRead | None:
    return schemas.GradeRead.model_validate(data) if data else None


def _grade_data(attempt_id: int | None, graded: grading.Grade) -> dict[str, Any]:
    out = graded.output
    return {
        "attempt_id": attempt_id,
        "overall": out.overall,
        "criteria": [c.model_dump() for c in out.criteria],
        "improvements": out.improvements,
        "model": graded.model[:200],
        "method": graded.method,
    }


def _attempt_grade(attempt: AnswerAttempt) -> dict[str, Any]:
    return {
        "attempt_id": attempt.id,
        "overall": attempt.overall,
        "criteria": attempt.criteria,
        "improvements": attempt.improvements,
        "model": attempt.model,
        "method": attempt.method,
    }


def _answered(mock: MockInterview) -> list[MockInterviewItem]:
    return [i for i in mock.items if i.status is MockItemStatus.answered and i.grade]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def summary(mock: MockInterview) -> schemas.MockSummary:
    answered = _answered(mock)
    return schemas.MockSummary(
        id=mock.id,
        status=mock.status,
        interview_id=mock.interview_id,
        company_id=mock.company_id,
        role_id=mock.role_id,
        categories=[QuestionCategory(c) for c in mock.categories],
        question_count=len(mock.items),
        answered=len(answered),
        skipped=sum(i.status is MockItemStatus.skipped for i in mock.items),
        overall=_mean([i.grade["overall"] for i in answered if i.grade]),
        created_at=mock.created_at,
        finished_at=mock.finished_at,
        practice_session_id=mock.practice_session_id,
    )


async def read(session: AsyncSession, mock: MockInterview) -> schemas.MockRead:
    """The transcript: every question with its answers, follow-up, replies and grades."""
    first_ids = [
        i.first_attempt_id for i in mock.items if i.first_attempt_id and i.first_attempt_id != i.attempt_id
    ]
    firsts: dict[int, AnswerAttempt] = {}
    if first_ids:
        rows = await session.execute(select(AnswerAttempt).where(AnswerAttempt.id.in_(first_ids)))
        firsts = {a.id: a for a in rows.scalars()}
    items = []
    for i in mock.items:
        first = firsts.get(i.first_attempt_id or 0)
        items.append(
            schemas.ItemRead(
                **plan_item(i).model_dump(),
                status=i.status,
                answer=i.answer,
                reply=i.reply,
                follow_up=i.follow_up,
                follow_up_answer=i.follow_up_answer,
                follow_up_reply=i.follow_up_reply,
                first_grade=_grade_read(_attempt_grade(first)) if first else None,
                grade=_grade_read(i.grade),
                answered_at=i.answered_at,
            )
        )
    current = current_item(mock)
    return schemas.MockRead(
        **summary(mock).model_dump(),
        agent=AgentId(mock.agent) if mock.agent else None,
        current=plan_item(current) if current else None,
        awaiting_follow_up=current is not None and current.status is MockItemStatus.follow_up,
        items=items,
    )


async def list_mocks(session: AsyncSession, owner_id: int, page: PageParams) -> Page[schemas.MockSummary]:
    stmt = (
        select(MockInterview)
        .where(MockInterview.owner_id == owner_id)
        .options(selectinload(MockInterview.items))
        .order_by(MockInterview.created_at.desc(), MockInterview.id.desc())
    )
    return await paginate(session, stmt, page, summary)


# Planning --------------------------------------------------------------------------------------


async def create(
    session: AsyncSession, owner_id: int, req: schemas.MockCreate, provider: Provider
) -> schemas.MockCreated:
    await check_refs(
        session,
        owner_id,
        {
            "interview_id": (Interview, "Interview", req.interview_id),
            "company_id": (Company, "Company", req.company_id),
            "role_id": (Role, "Role", req.role_id),
        },
    )
    interview = None
    company_id, role_id = req.company_id, req.role_id
    if req.interview_id is not None:
        interview = await get_owned(session, Interview, req.interview_id, owner_id, "Interview")
        company_id, role_id = interview.company_id, interview.role_id
    target = plan.Target(
        owner_id, interview, company_id, role_id, req.categories, req.question_count, req.agent
    )
    picks = await plan.choose(session, target, provider)

    mock = MockInterview(
        owner_id=owner_id,
        interview_id=req.interview_id,
        company_id=company_id,
        role_id=role_id,
        categories=[c.value for c in req.categories],
        question_count=len(picks),
        agent=req.agent.value if req.agent else None,
        status=MockStatus.in_progress,
    )
    session.add(mock)
    await session.flush()
    for n, pick in enumerate(picks, 1):
        session.add(
            MockInterviewItem(
                owner_id=owner_id,
                mock_interview_id=mock.id,
                position=n,
                question_id=pick.question_id,
                question_text=pick.text,
                question_category=pick.category,
                agent=pick.agent.value,
                source=pick.source,
                reason=pick.reason,
                status=MockItemStatus.pending,
            )
        )
    await session.flush()
    await session.refresh(mock, ["created_at"])
    mock = await get_mock(session, owner_id, mock.id)
    items = [plan_item(i) for i in mock.items]
    return schemas.MockCreated(
        id=mock.id,
        status=mock.status,
        plan=items,
        current=items[0] if items else None,
        created_at=mock.created_at,
    )


# Answering -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """One answer, graded and stored; what the reply (and the events) are made of."""

    item_id: int
    position: int
    agent: AgentId
    question: str  # as graded (with the follow-up, for a follow-up's answer)
    answer: str  # as graded
    to_follow_up: bool  # this answered the follow-up
    grade: grading.GradeOutput
    grade_read: schemas.GradeRead
    follow_up: str | None
    next_question: schemas.PlanItem | None
    status: MockStatus
    answered: int
    remaining: int


def answerable(mock: MockInterview) -> MockInterviewItem:
    item = current_item(mock)
    if mock.status is MockStatus.finished or item is None:
        raise Conflict("This mock interview is finished: nothing is waiting for an answer.")
    return item


async def _card_due(session: AsyncSession, owner_id: int, question_id: int) -> datetime | None:
    stmt = select(ReviewCard.due_at).where(
        ReviewCard.owner_id == owner_id, ReviewCard.question_id == question_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def submit(
    session: AsyncSession, owner_id: int, mock_id: int, answer: str, provider: Provider
) -> Submitted:
    """Grade the answer to the current question (or to its follow-up) and move the mock on."""
    mock = await get_mock(session, owner_id, mock_id, lock=True)
    item = answerable(mock)
    agent = AgentId(item.agent)
    to_follow_up = item.status is MockItemStatus.follow_up
    if to_follow_up:
        question = f"{item.question_text}\n\nFollow-up: {item.follow_up}"
        graded_answer = f"{item.answer}\n\n{answer}"
    else:
        question, graded_answer = item.question_text, answer

    started = time.perf_counter()
    graded = await grading.grade(provider, agent, question, graded_answer)
    duration_ms = int((time.perf_counter() - started) * 1000)

    attempt_id = None
    if item.question_id is not None:
        if to_follow_up and item.first_attempt_id is not None:
            # the combined grade replaces the first answer's review: one review per question per mock
            await review_service.remove_review(session, ReviewSource.grade, item.first_attempt_id)
        else:
            due = await _card_due(session, owner_id, item.question_id)
            item.card_added, item.card_due_before = due is None, due
        attempt, card = await attempts.store(
            session, owner_id, item.question_id, mock.interview_id, graded_answer, graded, duration_ms
        )
        attempt_id = attempt.id
        item.card_due_after = card.due
        if not to_follow_up:
            item.first_attempt_id = attempt.id
        item.attempt_id = attempt.id

    now = datetime.now(UTC)
    item.grade = _grade_data(attempt_id, graded)
    item.answered_at = now
    follow_up = None
    if to_follow_up:
        item.follow_up_answer = answer
        item.status = MockItemStatus.answered
    else:
        item.answer = answer
        follow_up = interviewer.follow_up_for(agent, graded.output)
        item.follow_up = follow_up
        item.status = MockItemStatus.follow_up if follow_up else MockItemStatus.answered
    await session.flush()

    nxt = current_item(mock)
    if nxt is None:
        await _finish(session, mock)
    return Submitted(
        item_id=item.id,
        position=item.position,
        agent=agent,
        question=question,
        answer=graded_answer,
        to_follow_up=to_follow_up,
        grade=graded.output,
        grade_read=schemas.GradeRead.model_validate(item.grade),
        follow_up=follow_up,
        next_question=plan_item(nxt) if nxt is not None and nxt is not item else None,
        status=mock.status,
        answered=len(_answered(mock)),
        remaining=sum(i.status in OPEN for i in mock.items),
    )


async def save_reply(
    session: AsyncSession, owner_id: int, item_id: int, reply: str, to_follow_up: bool
) -> None:
    item = await get_owned(session, MockInterviewItem, item_id, owner_id, "Mock interview question")
    if to_follow_up:
        item.follow_up_reply = reply
    else:
        item.reply = reply
    await session.flush()


def result(sub: Submitted, reply: str) -> schemas.AnswerResult:
    return schemas.AnswerResult(
        position=sub.position,
        grade=sub.grade_read,
        reply=reply,
        follow_up=sub.follow_up,
        next_question=sub.next_question,
        status=sub.status,
        answered=sub.answered,
        remaining=sub.remaining,
    )


# Skipping and finishing ------------------------------------------------------------------------


async def skip(session: AsyncSession, owner_id: int, mock_id: int) -> schemas.MockRead:
    """Skip the current question; skipping a follow-up keeps the first answer's grade."""
    mock = await get_mock(session, owner_id, mock_id, lock=True)
    item = answerable(mock)
    item.status = (
        MockItemStatus.answered if item.status is MockItemStatus.follow_up else MockItemStatus.skipped
    )
    await session.flush()
    if current_item(mock) is None:
        await _finish(session, mock)
    return await read(session, mock)


async def finish(session: AsyncSession, owner_id: int, mock_id: int) -> schemas.MockRead:
    """End the mock now: questions not reached are skipped. Finishing twice changes nothing."""
    mock = await get_mock(session, owner_id, mock_id, lock=True)
    if mock.status is not MockStatus.finished:
        for item in mock.items:
            if item.status is MockItemStatus.follow_up:
                item.status = MockItemStatus.answered
            elif item.status is MockItemStatus.pending:
                item.status = MockItemStatus.skipped
        await _finish(session, mock)
    return await read(session, mock)


async def _finish(session: AsyncSession, mock: MockInterview) -> None:
    """Finished, and recorded as a practice session of the answered questions (their grades as the
    ratings). Their reviews came from the grades already, so the session adds none of its own."""
    now = datetime.now(UTC)
    mock.status = MockStatus.finished
    mock.finished_at = now
    answered = [i for i in _answered(mock) if i.question_id is not None and i.grade]
    if answered:
        categories = {i.question_category for i in answered}
        overall = _mean([i.grade["overall"] for i in answered if i.grade])
        practice = PracticeSession(
            owner_id=mock.owner_id,
            session_date=now,
            duration_minutes=max(1, math.ceil((now - mock.created_at).total_seconds() / 60)),
            focus_category=categories.pop() if len(categories) == 1 else None,
            overall_rating=round(overall) if overall is not None else None,
            notes=f"Mock interview {mock.id}: {len(answered)} answered, "
            f"{sum(i.status is MockItemStatus.skipped for i in mock.items)} skipped.",
        )
        session.add(practice)
        await session.flush()
        for i in answered:
            assert i.grade is not None and i.question_id is not None
            session.add(
                PracticeSessionQuestion(
                    owner_id=mock.owner_id,
                    session_id=practice.id,
                    question_id=i.question_id,
                    self_rating=i.grade["overall"],
                    notes=f"Graded {i.grade['overall']}/10 in mock interview {mock.id}.",
                )
            )
        mock.practice_session_id = practice.id
    await session.flush()


# The report ------------------------------------------------------------------------------------


async def report(session: AsyncSession, owner_id: int, mock_id: int) -> schemas.MockReport:
    mock = await get_mock(session, owner_id, mock_id)
    answered = _answered(mock)
    criteria: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # name → (score, advice, question)
    categories: dict[QuestionCategory, list[int]] = defaultdict(list)
    for item in answered:
        assert item.grade is not None
        categories[item.question_category].append(item.grade["overall"])
        for c in item.grade["criteria"]:
            g = CriterionRead.model_validate(c)
            criteria[g.criterion].append((g.score, g.advice, item.question_text))

    per_criterion = [
        schemas.CriterionScore(criterion=name, average=_mean([s for s, _, _ in v]) or 0.0, answers=len(v))
        for name, v in criteria.items()
    ]
    per_criterion.sort(key=lambda c: (c.average, c.criterion))
    work_on = []
    for c in per_criterion[:3]:
        _score, advice, question = min(criteria[c.criterion], key=lambda v: v[0])
        work_on.append(
            schemas.WorkOn(criterion=c.criterion, average=c.average, advice=advice, question=question)
        )

    schedule = [
        schemas.ScheduleChange(
            question_id=i.question_id,
            question=i.question_text,
            change="added" if i.card_added else "moved",
            due_before=i.card_due_before,
            due_after=i.card_due_after,
        )
        for i in answered
        if i.card_due_after is not None
    ]
    return schemas.MockReport(
        id=mock.id,
        status=mock.status,
        answered=len(answered),
        skipped=sum(i.status is MockItemStatus.skipped for i in mock.items),
        overall=_mean([i.grade["overall"] for i in answered if i.grade]),
        per_criterion=per_criterion,
        per_category=[
            schemas.CategoryScore(category=cat, average=_mean(v) or 0.0, answers=len(v))
            for cat, v in categories.items()
        ],
        work_on=work_on,
        schedule=schedule,
        practice_session_id=mock.practice_session_id,
    )


async def check_exists(session: AsyncSession, owner_id: int, mock_id: int) -> None:
    """404 for a missing or another user's mock, 409 when nothing waits for an answer."""
    mock = await get_mock(session, owner_id, mock_id)
    answerable(mock)
