"""Choosing a mock interview's questions. Never commits.

In order: questions the target company asked before (due or not, the weakest answer first),
review cards due for the target (the learning loop's queue, which puts the skills the interview
tests and the user's open skill gaps first), questions on those skills and gaps, then the bank by
the requested categories. Only when all of that runs dry does the
specialist write a question, which joins the bank. No question appears twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agents import knowledge
from app.agents.classifier import classify
from app.agents.grading import AGENT_CATEGORY, CATEGORY_AGENT
from app.agents.providers import Provider
from app.agents.specialists import SPECIALISTS, AgentId
from app.models import (
    Company,
    Interview,
    InterviewQuestion,
    InterviewSkill,
    Question,
    ReviewCard,
    Skill,
    SkillGap,
    question_skills,
)
from app.models.enums import GapStatus, QuestionCategory
from app.review import attempts
from app.review import service as review_service

log = logging.getLogger("app.mock_interviews.plan")

GENERATED_SOURCE = "Mock interview (generated)"
# Interviewers for generated questions when no category or agent is asked for, in turn.
DEFAULT_MIX = (QuestionCategory.behavioral, QuestionCategory.technical, QuestionCategory.system_design)


@dataclass(frozen=True)
class Target:
    owner_id: int
    interview: Interview | None
    company_id: int | None
    role_id: int | None
    categories: list[QuestionCategory]
    count: int
    agent: AgentId | None


@dataclass(frozen=True)
class Pick:
    question_id: int
    text: str
    category: QuestionCategory
    agent: AgentId
    source: str  # due | company | skills | bank | generated
    reason: str


@dataclass
class _Plan:
    target: Target
    picks: list[Pick] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    @property
    def full(self) -> bool:
        return len(self.picks) >= self.target.count

    def fits(self, category: QuestionCategory) -> bool:
        return not self.target.categories or category in self.target.categories

    def add(self, qid: int, text: str, category: QuestionCategory, source: str, reason: str) -> None:
        key = " ".join(text.lower().split())
        if self.full or qid in self.seen or key in self.texts or not self.fits(category):
            return
        self.seen.add(qid)
        self.texts.add(key)
        self.picks.append(
            Pick(qid, text, category, agent_for(self.target.agent, category, text), source, reason)
        )


def agent_for(explicit: AgentId | None, category: QuestionCategory, text: str) -> AgentId:
    """The requested interviewer, else the category's specialist, else the local classifier's."""
    if explicit is not None:
        return explicit
    return CATEGORY_AGENT.get(category) or classify(text).agent


def _day(moment: datetime | None) -> str:
    return f"{moment.day} {moment:%b %Y}" if moment else "an earlier interview"


def _live(owner_id: int) -> list[ColumnElement[bool]]:
    return [Question.owner_id == owner_id, Question.deleted_at.is_(None)]


def _columns() -> Select[int, str, QuestionCategory]:
    return select(Question.id, Question.question_text, Question.question_category)


async def _due(session: AsyncSession, plan: _Plan) -> None:
    t = plan.target
    if t.interview is not None:
        filters = review_service.QueueFilters(interview_id=t.interview.id)
    else:
        filters = review_service.QueueFilters(company_id=t.company_id, role_id=t.role_id)
    queue = await review_service.queue(session, t.owner_id, filters, limit=100)
    for item in queue.items:
        if item.is_due:
            q = item.question
            plan.add(q.id, q.question_text, q.question_category, "due", f"Due for review. {item.reason}")


async def _company(session: AsyncSession, plan: _Plan, company_id: int) -> None:
    """What the company asked before, due or not, the weakest answer first (unrated counts as a
    middling 5), then what is filed under it in the bank."""
    owner = plan.target.owner_id
    now = datetime.now(UTC)
    asked_on = func.max(Interview.interview_date)
    rated = func.min(InterviewQuestion.answer_quality_rating)
    asked = (
        _columns()
        .add_columns(Company.company_name, asked_on, rated, ReviewCard.due_at)
        .join(InterviewQuestion, InterviewQuestion.question_id == Question.id)
        .join(Interview, Interview.id == InterviewQuestion.interview_id)
        .join(Company, Company.id == Interview.company_id)
        .outerjoin(ReviewCard, (ReviewCard.question_id == Question.id) & (ReviewCard.owner_id == owner))
        .where(
            *_live(owner),
            Interview.owner_id == owner,
            Interview.deleted_at.is_(None),
            Interview.company_id == company_id,
        )
        .group_by(Question.id, Company.company_name, ReviewCard.due_at)
        .order_by(func.coalesce(rated, 5), asked_on.desc().nulls_last(), Question.id)
    )
    for qid, text, category, company, on, rating, due_at in (await session.execute(asked)).all():
        why = f"{company} asked this on {_day(on)}"
        why += f"; you rated {rating}/10." if rating is not None else "."
        is_due = due_at is not None and due_at <= now
        plan.add(
            qid, text, category, "due" if is_due else "company", f"{why} Due for review." if is_due else why
        )
    filed = (
        _columns()
        .add_columns(Company.company_name)
        .join(Company, Company.id == Question.company_id)
        .where(*_live(owner), Question.company_id == company_id)
        .order_by(Question.id)
    )
    for qid, text, category, company in (await session.execute(filed)).all():
        plan.add(qid, text, category, "company", f"Filed under {company} in your bank.")


async def _on_skills(session: AsyncSession, plan: _Plan, skill_ids: Select[Any], why: str) -> None:
    stmt = (
        _columns()
        .add_columns(Skill.skill_name)
        .join(question_skills, question_skills.c.question_id == Question.id)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .where(*_live(plan.target.owner_id), question_skills.c.skill_id.in_(skill_ids))
        .order_by(Question.id, Skill.skill_name)
    )
    for qid, text, category, skill in (await session.execute(stmt)).all():
        plan.add(qid, text, category, "skills", why.format(skill=skill))


async def _skills(session: AsyncSession, plan: _Plan) -> None:
    t = plan.target
    owner = t.owner_id
    if t.interview is not None:
        tested = select(InterviewSkill.skill_id).where(InterviewSkill.interview_id == t.interview.id)
        await _on_skills(session, plan, tested, "On {skill}, which this interview tests.")
    if t.role_id is not None:
        for_role = (
            select(InterviewSkill.skill_id)
            .join(Interview, Interview.id == InterviewSkill.interview_id)
            .where(
                Interview.owner_id == owner, Interview.deleted_at.is_(None), Interview.role_id == t.role_id
            )
        )
        await _on_skills(session, plan, for_role, "On {skill}, which interviews for this role test.")
    open_gap = (SkillGap.owner_id == owner, SkillGap.status != GapStatus.resolved)
    revealed = (
        _columns()
        .add_columns(SkillGap.gap_description)
        .join(SkillGap, SkillGap.question_id == Question.id)
        .where(*_live(owner), *open_gap)
        .order_by(Question.id)
    )
    for qid, text, category, gap in (await session.execute(revealed)).all():
        plan.add(qid, text, category, "skills", f"It revealed an open skill gap: {gap[:200]}")
    gap_skills = select(SkillGap.skill_id).where(*open_gap)
    await _on_skills(session, plan, gap_skills, "On {skill}, one of your open skill gaps.")


async def _bank(session: AsyncSession, plan: _Plan) -> None:
    owner = plan.target.owner_id
    stmt = (
        _columns()
        .add_columns(ReviewCard.due_at)
        .outerjoin(ReviewCard, (ReviewCard.question_id == Question.id) & (ReviewCard.owner_id == owner))
        .where(*_live(owner))
        # never practised first, then the soonest due
        .order_by(ReviewCard.id.is_not(None), ReviewCard.due_at, Question.id)
        .limit(500)
    )
    if plan.target.categories:
        stmt = stmt.where(Question.question_category.in_(plan.target.categories))
    for qid, text, category, due in (await session.execute(stmt)).all():
        why = "never practised" if due is None else f"next review due {_day(due)}"
        plan.add(
            qid, text, category, "bank", f"From your {category.value.replace('_', ' ')} questions: {why}."
        )


class InterviewQuestions(BaseModel):
    """New interview questions an interviewer would ask."""

    questions: list[str] = Field(min_length=1, max_length=5)


def _offline_pool(agent: AgentId) -> list[str]:
    """The specialist's example questions, then its knowledge topics' follow-up questions."""
    pool = list(SPECIALISTS[agent].examples)
    kb = knowledge.default()
    pool += [q for t in kb.topics if kb.discipline_of(t.id) == agent for q in t.follow_ups]
    return pool


async def _llm_questions(
    provider: Provider, agent: AgentId, category: QuestionCategory, avoid: list[str]
) -> list[str]:
    structured = getattr(provider, "structured", None)
    if provider.offline or structured is None:
        return []
    specialist = SPECIALISTS[agent]
    system = (
        f"You are an interviewer ({specialist.name}). Write three {category.value.replace('_', ' ')} "
        "interview questions, each one self-contained sentence, none like these: " + "; ".join(avoid[:20])
    )
    try:
        result = await structured(
            InterviewQuestions,
            [SystemMessage(content=system), HumanMessage(content="Three questions.")],
            20.0,
        )
        return [" ".join(q.split())[:500] for q in result.questions if len(q.split()) >= 3]
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the offline pool still answers
        log.warning("question generation failed (%s); using the offline pool", type(exc).__name__)
        return []


def _categories_for_generation(t: Target) -> Iterable[QuestionCategory]:
    if t.categories:
        return t.categories
    if t.agent is not None:
        return [AGENT_CATEGORY.get(t.agent, QuestionCategory.other)]
    return DEFAULT_MIX


async def _generate(session: AsyncSession, plan: _Plan, provider: Provider) -> None:
    """The bank has nothing more that fits: the specialist writes questions, which join the bank."""
    t = plan.target
    categories = list(_categories_for_generation(t))
    exhausted: set[QuestionCategory] = set()
    turn = 0
    while not plan.full and len(exhausted) < len(categories):
        category = categories[turn % len(categories)]
        turn += 1
        if category in exhausted:
            continue
        agent = t.agent or CATEGORY_AGENT.get(category) or AgentId.technical
        candidates = await _llm_questions(provider, agent, category, [p.text for p in plan.picks])
        candidates += _offline_pool(agent)
        added = False
        for text in candidates:
            key = " ".join(text.lower().split())
            if key in plan.texts or await attempts.match_question(session, t.owner_id, text) is not None:
                continue
            question = Question(
                owner_id=t.owner_id,
                question_text=text,
                question_category=category,
                company_id=t.company_id,
                source=GENERATED_SOURCE,
            )
            session.add(question)
            await session.flush()
            why = (
                f"Written by the {SPECIALISTS[agent].name}: your bank had no other fitting question. "
                "Added to your bank."
            )
            before = len(plan.picks)
            plan.add(question.id, text, category, "generated", why)
            added = len(plan.picks) > before
            break
        if not added:
            exhausted.add(category)


async def choose(session: AsyncSession, target: Target, provider: Provider) -> list[Pick]:
    plan = _Plan(target)
    # Preparing for one company: what it asked comes before anything due elsewhere.
    if target.company_id is not None:
        await _company(session, plan, target.company_id)
    if not plan.full:
        await _due(session, plan)
    if not plan.full:
        await _skills(session, plan)
    if not plan.full:
        await _bank(session, plan)
    if not plan.full:
        await _generate(session, plan, provider)
    return plan.picks
