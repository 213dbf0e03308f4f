"""The review schedule in PostgreSQL: every rating becomes a review of the question's card.
Never commits.

Reviews are applied in time order per card: a rating older than the card's last review (an
interview logged late, an edited rating) replays that card's whole log.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, delete, extract, false, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.crud import get_owned
from app.models import (
    AnswerAttempt,
    Company,
    Interview,
    InterviewQuestion,
    InterviewSkill,
    Question,
    ReviewCard,
    ReviewLog,
    Skill,
    SkillGap,
    question_skills,
)
from app.models.enums import CardState, GapStatus, QuestionCategory, ReviewRating, ReviewSource
from app.questions.schemas import QuestionRead
from app.questions.service import LOAD as QUESTION_LOAD
from app.review import schemas
from app.review.scheduling import (
    DESIRED_RETENTION,
    SCHEDULER,
    Review,
    Schedule,
    apply,
    rating_for_score,
    replay,
    utc,
)

DAY = timedelta(days=1)
FORECAST_DAYS = 14
_SCHEDULE_FIELDS = [f.name for f in fields(Schedule)]


# Writing reviews ------------------------------------------------------------------------------


def _schedule(card: ReviewCard) -> Schedule:
    return Schedule(**{name: getattr(card, name) for name in _SCHEDULE_FIELDS})


def _store(card: ReviewCard, schedule: Schedule) -> None:
    for name in _SCHEDULE_FIELDS:
        setattr(card, name, getattr(schedule, name))


async def _locked_card(session: AsyncSession, owner_id: int, question_id: int, now: datetime) -> ReviewCard:
    """The card for (owner, question), created when missing, locked until commit so concurrent
    ratings of one question apply one after the other."""
    await session.execute(
        pg_insert(ReviewCard)
        .values(owner_id=owner_id, question_id=question_id, state=CardState.learning, step=0, due_at=now)
        .on_conflict_do_nothing(index_elements=["owner_id", "question_id"])
    )
    stmt = (
        select(ReviewCard)
        .where(ReviewCard.owner_id == owner_id, ReviewCard.question_id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one()


async def replay_card(session: AsyncSession, card: ReviewCard) -> None:
    """Rebuild the card from its log; a card left without reviews is removed."""
    stmt = (
        select(ReviewLog.rating, ReviewLog.reviewed_at)
        .where(ReviewLog.card_id == card.id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    )
    reviews = [Review(r.rating, r.reviewed_at) for r in (await session.execute(stmt)).all()]
    if not reviews:
        await session.delete(card)
    else:
        _store(card, replay(reviews, reviews[0].reviewed_at))
    await session.flush()


async def record_review(
    session: AsyncSession,
    owner_id: int,
    question_id: int,
    *,
    score: int | None = None,
    rating: ReviewRating | None = None,
    reviewed_at: datetime | None = None,
    source: ReviewSource,
    source_id: int | None = None,
) -> ReviewCard:
    """Apply one rating (a 1–10 ``score`` or an FSRS ``rating``) to the question's card.

    ``(source, source_id)`` names the row the rating lives on (an interview question link, a
    practised question, an attempt): rating it again replaces that review rather than adding one.
    A review time in the future (a rating on an interview not yet held) counts as now.
    """
    if rating is None:
        if score is None:
            raise ValueError("a review needs a score or a rating")
        rating = rating_for_score(score)
    now = datetime.now(UTC)
    at = min(utc(reviewed_at), now) if reviewed_at is not None else now
    card = await _locked_card(session, owner_id, question_id, now)

    if source_id is not None:
        stmt = select(ReviewLog).where(ReviewLog.source == source, ReviewLog.source_id == source_id)
        existing = (await session.execute(stmt)).scalar_one_or_none()
        if existing is not None:
            old_card_id = existing.card_id
            existing.card_id, existing.rating, existing.score, existing.reviewed_at = (
                card.id,
                rating,
                score,
                at,
            )
            await session.flush()
            if old_card_id != card.id:
                old = await session.get(ReviewCard, old_card_id, with_for_update=True)
                if old is not None:
                    await replay_card(session, old)
            await replay_card(session, card)
            return card

    session.add(
        ReviewLog(
            owner_id=owner_id,
            card_id=card.id,
            rating=rating,
            score=score,
            source=source,
            source_id=source_id,
            reviewed_at=at,
        )
    )
    await session.flush()
    if card.last_reviewed_at is None or at >= card.last_reviewed_at:
        _store(card, apply(_schedule(card), Review(rating, at)))
        await session.flush()
    else:
        await replay_card(session, card)
    return card


async def sync_rating(
    session: AsyncSession,
    owner_id: int,
    question_id: int,
    score: int | None,
    reviewed_at: datetime | None,
    source: ReviewSource,
    source_id: int,
) -> None:
    """Keep the review that mirrors a stored rating in step with it: set, changed or cleared."""
    if score is None:
        await remove_review(session, source, source_id)
    else:
        await record_review(
            session,
            owner_id,
            question_id,
            score=score,
            reviewed_at=reviewed_at,
            source=source,
            source_id=source_id,
        )


async def remove_review(session: AsyncSession, source: ReviewSource, source_id: int) -> None:
    """Forget the review that came from this row (its rating was cleared or the row deleted)."""
    stmt = select(ReviewLog).where(ReviewLog.source == source, ReviewLog.source_id == source_id)
    log = (await session.execute(stmt)).scalar_one_or_none()
    if log is None:
        return
    card = await session.get(ReviewCard, log.card_id, with_for_update=True)
    await session.execute(delete(ReviewLog).where(ReviewLog.id == log.id))
    if card is not None:
        await replay_card(session, card)


def card_read(card: ReviewCard) -> schemas.CardRead:
    return schemas.CardRead(
        due=card.due_at,
        state=card.state,
        stability=card.stability,
        difficulty=card.difficulty,
        reps=card.reps,
        lapses=card.lapses,
    )


def span(delta: timedelta) -> str:
    """A duration in words: "10 minutes", "5 hours", "3 days"."""
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"


async def review(
    session: AsyncSession, owner_id: int, question_id: int, data: schemas.ReviewCreate
) -> schemas.ReviewResult:
    await get_owned(session, Question, question_id, owner_id, "Question")
    card = await record_review(
        session, owner_id, question_id, score=data.score, rating=data.rating, source=ReviewSource.review
    )
    rating = data.rating or rating_for_score(data.score or 0)
    return schemas.ReviewResult(
        question_id=question_id,
        rating=rating,
        card=card_read(card),
        next_due=card.due_at,
        interval=span(card.due_at - datetime.now(UTC)),
    )


# Reading the schedule -----------------------------------------------------------------------

# FSRS-6 forgetting curve, as fsrs computes it: R = (1 + FACTOR * elapsed_days / S) ^ DECAY.
_DECAY = -SCHEDULER.parameters[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1


def _retrievability(now: datetime) -> ColumnElement[float]:
    elapsed_days = func.floor(extract("epoch", now - ReviewCard.last_reviewed_at) / 86400)
    ratio = func.greatest(elapsed_days, 0) / func.nullif(ReviewCard.stability, 0)
    return cast(func.power(1 + _FACTOR * ratio, _DECAY), Float)


@dataclass(frozen=True)
class QueueFilters:
    category: QuestionCategory | None = None
    company_id: int | None = None
    role_id: int | None = None
    skill_id: int | None = None
    interview_id: int | None = None


def _asked_where(owner_id: int, *conditions: ColumnElement[bool]) -> Any:
    """Question ids asked in the owner's live interviews matching ``conditions``."""
    return (
        select(InterviewQuestion.question_id)
        .join(Interview, Interview.id == InterviewQuestion.interview_id)
        .where(Interview.owner_id == owner_id, Interview.deleted_at.is_(None), *conditions)
    )


def _with_skills(skill_ids: Any) -> ColumnElement[bool]:
    return Question.id.in_(
        select(question_skills.c.question_id).where(question_skills.c.skill_id.in_(skill_ids))
    )


@dataclass(frozen=True)
class Focus:
    """What one interview (or company, or role) makes relevant, most relevant first: questions the
    company asked or filed, then questions on the skills it tests, then on open skill gaps."""

    company_id: int | None
    company_name: str | None
    skill_ids: Any  # a select of skill ids the interview or role tests (or None)
    skills_why: str  # "this interview tests" | "the role needs"
    gap_skill_ids: Any
    gap_question_ids: Any

    def company_match(self, owner_id: int) -> ColumnElement[bool]:
        if self.company_id is None:
            return false()
        return or_(
            Question.company_id == self.company_id,
            Question.id.in_(_asked_where(owner_id, Interview.company_id == self.company_id)),
        )

    def skill_match(self) -> ColumnElement[bool]:
        return _with_skills(self.skill_ids) if self.skill_ids is not None else false()

    def gap_match(self) -> ColumnElement[bool]:
        if self.gap_skill_ids is None:
            return false()
        return or_(_with_skills(self.gap_skill_ids), Question.id.in_(self.gap_question_ids))


def _role_skills(owner_id: int, role_id: int) -> Any:
    """Skills tested in the owner's interviews for this role."""
    return (
        select(InterviewSkill.skill_id)
        .join(Interview, Interview.id == InterviewSkill.interview_id)
        .where(Interview.owner_id == owner_id, Interview.deleted_at.is_(None), Interview.role_id == role_id)
    )


async def _focus(session: AsyncSession, owner_id: int, filters: QueueFilters) -> Focus | None:
    open_gaps = SkillGap.owner_id == owner_id, SkillGap.status != GapStatus.resolved
    if filters.interview_id:
        interview = await get_owned(session, Interview, filters.interview_id, owner_id, "Interview")
        skills: Any = select(InterviewSkill.skill_id).where(InterviewSkill.interview_id == interview.id)
        if interview.role_id is not None:
            skills = skills.union(_role_skills(owner_id, interview.role_id))
        company = await session.get(Company, interview.company_id)
        return Focus(
            interview.company_id,
            company.company_name if company else None,
            skills,
            "this interview tests",
            select(SkillGap.skill_id).where(*open_gaps),
            select(SkillGap.question_id).where(*open_gaps, SkillGap.question_id.is_not(None)),
        )
    if filters.company_id or filters.role_id:
        name = None
        if filters.company_id:
            company = await session.get(Company, filters.company_id)
            name = company.company_name if company is not None and company.owner_id == owner_id else None
        role_skills = _role_skills(owner_id, filters.role_id) if filters.role_id else None
        return Focus(filters.company_id, name, role_skills, "the role needs", None, None)
    return None


async def _conditions(
    session: AsyncSession, owner_id: int, filters: QueueFilters, focus: Focus | None
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [
        ReviewCard.owner_id == owner_id,
        Question.deleted_at.is_(None),  # a trashed question leaves the queue, restored it is back
    ]
    if filters.category:
        out.append(Question.question_category == filters.category)
    if filters.company_id:
        out.append(
            or_(
                Question.company_id == filters.company_id,
                Question.id.in_(_asked_where(owner_id, Interview.company_id == filters.company_id)),
            )
        )
    if filters.role_id:
        out.append(Question.id.in_(_asked_where(owner_id, Interview.role_id == filters.role_id)))
    if filters.skill_id:
        out.append(_with_skills([filters.skill_id]))
    if filters.interview_id and focus is not None:
        out.append(or_(focus.company_match(owner_id), focus.skill_match(), focus.gap_match()))
    return out


async def _why_relevant(
    session: AsyncSession, owner_id: int, focus: Focus, questions: list[Question]
) -> dict[int, str]:
    """For each question, why it matters for the focus: the company asked it (when, how you did),
    or it is on a skill the interview tests, or on an open skill gap."""
    ids = [q.id for q in questions]
    out: dict[int, str] = {}
    if focus.company_id is not None:
        asked = (
            select(
                InterviewQuestion.question_id,
                func.max(Interview.interview_date),
                func.min(InterviewQuestion.answer_quality_rating),
            )
            .join(Interview, Interview.id == InterviewQuestion.interview_id)
            .where(
                Interview.owner_id == owner_id,
                Interview.deleted_at.is_(None),
                Interview.company_id == focus.company_id,
                InterviewQuestion.question_id.in_(ids),
            )
            .group_by(InterviewQuestion.question_id)
        )
        company = focus.company_name or "This company"
        for qid, on, rating in (await session.execute(asked)).all():
            when = f" on {_day(on)}" if on else " before"
            rated = f"; you rated {rating}/10" if rating is not None else ""
            out[qid] = f"{company} asked this{when}{rated}"
        for q in questions:
            if q.id not in out and q.company_id == focus.company_id:
                out[q.id] = f"Filed under {company} in your bank"
    for skill_ids, why in (
        (focus.skill_ids, f"a skill {focus.skills_why}"),
        (focus.gap_skill_ids, "one of your open skill gaps"),
    ):
        if skill_ids is None:
            continue
        stmt = (
            select(question_skills.c.question_id, Skill.skill_name)
            .join(Skill, Skill.id == question_skills.c.skill_id)
            .where(question_skills.c.question_id.in_(ids), question_skills.c.skill_id.in_(skill_ids))
            .order_by(question_skills.c.question_id, Skill.skill_name)
        )
        names: dict[int, list[str]] = {}
        for qid, name in (await session.execute(stmt)).all():
            names.setdefault(qid, []).append(name)
        for qid, skill_names in names.items():
            out.setdefault(qid, f"Tests {', '.join(skill_names)}, {why}")
    if focus.gap_question_ids is not None:
        stmt2 = select(SkillGap.question_id).where(
            SkillGap.owner_id == owner_id,
            SkillGap.status != GapStatus.resolved,
            SkillGap.question_id.in_(ids),
        )
        for gap_qid in (await session.execute(stmt2)).scalars():
            if gap_qid is not None:
                out.setdefault(gap_qid, "It revealed one of your open skill gaps")
    return out


@dataclass(frozen=True)
class _LastLog:
    rating: ReviewRating
    score: int | None
    source: ReviewSource
    source_id: int | None
    reviewed_at: datetime


async def _last_logs(session: AsyncSession, card_ids: list[int]) -> dict[int, _LastLog]:
    stmt = (
        select(ReviewLog)
        .where(ReviewLog.card_id.in_(card_ids))
        .distinct(ReviewLog.card_id)
        .order_by(ReviewLog.card_id, ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
    )
    return {
        log.card_id: _LastLog(log.rating, log.score, log.source, log.source_id, log.reviewed_at)
        for log in (await session.execute(stmt)).scalars()
    }


async def _where_rated(session: AsyncSession, logs: list[_LastLog]) -> dict[tuple[ReviewSource, int], str]:
    """For each interview or grade review, where it happened: the company, or the grader."""
    out: dict[tuple[ReviewSource, int], str] = {}
    link_ids = [g.source_id for g in logs if g.source is ReviewSource.interview and g.source_id]
    if link_ids:
        stmt = (
            select(InterviewQuestion.id, Company.company_name)
            .join(Interview, Interview.id == InterviewQuestion.interview_id)
            .join(Company, Company.id == Interview.company_id)
            .where(InterviewQuestion.id.in_(link_ids))
        )
        out |= {(ReviewSource.interview, i): name for i, name in (await session.execute(stmt)).all()}
    attempt_ids = [g.source_id for g in logs if g.source is ReviewSource.grade and g.source_id]
    if attempt_ids:
        stmt2 = select(AnswerAttempt.id, AnswerAttempt.agent).where(AnswerAttempt.id.in_(attempt_ids))
        out |= {(ReviewSource.grade, i): agent for i, agent in (await session.execute(stmt2)).all()}
    return out


def _day(moment: datetime) -> str:
    moment = utc(moment)
    return f"{moment.day} {moment:%b}"


def reason(card: ReviewCard, last: _LastLog | None, where: str | None, now: datetime) -> str:
    """Why a card is in the queue, in words."""
    said = ""
    if last is not None:
        score = f"{last.score}/10" if last.score is not None else f"“{last.rating.value}”"
        on = _day(last.reviewed_at)
        said = {
            ReviewSource.interview: f"You rated your answer {score} at {where or 'an interview'} on {on}",
            ReviewSource.practice: f"You rated your practice answer {score} on {on}",
            ReviewSource.grade: f"The {(where or 'coach').replace('_', ' ')} grader scored your answer {score} on {on}",
            ReviewSource.review: f"You marked your last review {score} on {on}",
        }[last.source]
    if card.due_at <= now:
        late = now - card.due_at
        when = "due now" if late < DAY else f"due now, overdue by {span(late)}"
    else:
        when = f"next due in {span(card.due_at - now)}"
    lapses = f", forgotten {card.lapses}× after you had learned it" if card.lapses else ""
    return f"{said} — {when}{lapses}." if said else f"{when.capitalize()}{lapses}."


async def queue(
    session: AsyncSession, owner_id: int, filters: QueueFilters, limit: int
) -> schemas.ReviewQueue:
    now = datetime.now(UTC)
    focus = await _focus(session, owner_id, filters)
    conditions = await _conditions(session, owner_id, filters, focus)
    is_due = ReviewCard.due_at <= now
    base = (
        select(ReviewCard, Question).join(Question, Question.id == ReviewCard.question_id).where(*conditions)
    )

    counts = (
        select(func.count(), func.count().filter(is_due))
        .select_from(ReviewCard)
        .join(Question, Question.id == ReviewCard.question_id)
        .where(*conditions)
    )
    total, due = (await session.execute(counts)).one()

    order: list[Any] = []
    if focus is not None:
        # Preparing for one interview: what its company asked first (due or not, the weakest
        # first), then due cards on the skills it tests, then due cards on open gaps, then the rest.
        company = focus.company_match(owner_id)
        tier = case(
            (company, 0),
            (and_(is_due, focus.skill_match()), 1),
            (and_(is_due, focus.gap_match()), 2),
            else_=3,
        )
        order += [tier, case((company, _retrievability(now))).asc().nulls_last()]
    stmt = (
        base.options(*QUESTION_LOAD)
        .order_by(
            *order,
            case((is_due, 0), else_=1),
            # due: most overdue first; not yet due: the weakest (lowest predicted recall) first
            case((is_due, ReviewCard.due_at)),
            _retrievability(now).asc().nulls_first(),
            ReviewCard.due_at,
            ReviewCard.id,
        )
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()
    last = await _last_logs(session, [card.id for card, _ in rows])
    where = await _where_rated(session, list(last.values()))
    relevant = (
        await _why_relevant(session, owner_id, focus, [q for _, q in rows]) if focus is not None else {}
    )

    items = []
    for card, question in rows:
        log = last.get(card.id)
        place = where.get((log.source, log.source_id or 0)) if log else None
        why = reason(card, log, place, now)
        if question.id in relevant:
            why = f"{relevant[question.id]}. {why}"
        items.append(
            schemas.QueueItem(
                question=QuestionRead.model_validate(question),
                card=card_read(card),
                last_rating=schemas.LastRating(rating=log.rating, score=log.score, source=log.source)
                if log
                else None,
                last_reviewed_at=card.last_reviewed_at,
                is_due=card.due_at <= now,
                reason=why,
            )
        )
    return schemas.ReviewQueue(items=items, total=total, due=due, limit=limit)


async def summary(session: AsyncSession, owner_id: int) -> schemas.ReviewSummary:
    now = datetime.now(UTC)
    today = datetime.combine(now.date(), time.min, tzinfo=UTC)
    live = [ReviewCard.owner_id == owner_id, Question.deleted_at.is_(None)]
    joined = (
        select().select_from(ReviewCard).join(Question, Question.id == ReviewCard.question_id).where(*live)
    )
    reviewed = ReviewCard.last_reviewed_at.is_not(None)

    row = (
        await session.execute(
            joined.add_columns(
                func.count(),
                func.count().filter(ReviewCard.due_at <= now),
                func.count().filter(ReviewCard.due_at < today + DAY),
                func.count().filter(ReviewCard.due_at < now - DAY),
                func.avg(_retrievability(now)).filter(reviewed),
                func.count().filter(reviewed),
            )
        )
    ).one()
    cards, due_now, due_today, overdue, avg_r, reviewed_cards = row

    day = func.date(func.timezone("UTC", func.greatest(ReviewCard.due_at, today)))
    rows = await session.execute(
        joined.add_columns(day, func.count())
        .where(ReviewCard.due_at < today + FORECAST_DAYS * DAY)
        .group_by(day)
    )
    per_day: dict[date, int] = {d: n for d, n in rows.all()}
    forecast = [
        schemas.ForecastDay(day=d, due=per_day.get(d, 0))
        for d in ((today + i * DAY).date() for i in range(FORECAST_DAYS))
    ]

    recent = (
        await session.execute(
            select(func.count())
            .select_from(ReviewLog)
            .join(ReviewCard, ReviewCard.id == ReviewLog.card_id)
            .join(Question, Question.id == ReviewCard.question_id)
            .where(*live, ReviewLog.reviewed_at >= now - 7 * DAY)
        )
    ).scalar_one()

    return schemas.ReviewSummary(
        cards=cards,
        due_now=due_now,
        due_today=due_today,
        overdue=overdue,
        reviewed_last_7_days=recent,
        forecast=forecast,
        retention=schemas.Retention(
            desired_retention=DESIRED_RETENTION,
            average_retrievability=round(float(avg_r), 4) if avg_r is not None else None,
            cards=reviewed_cards,
        ),
    )
