"""Interviews and their rounds, questions and skills. Never commits."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.db import DbOrSession, fetchval
from app.errors import Conflict, NotFound, Unprocessable
from app.interviews import listing, queries, schemas
from app.interviews.history import history_for as history_for  # re-exported for exports
from app.interviews.listing import InterviewFilters
from app.kit import crud
from app.kit.crud import apply_changes, check_refs, flush_or_conflict, get_owned
from app.kit.etag import Version, check_if_match
from app.kit.pagination import CursorPage, PageParams, SortOrder, paginate
from app.kit.schemas import MAX_DATETIME, MAX_ID, MIN_DATETIME, Page
from app.models import (
    Company,
    CvVersion,
    Interview,
    InterviewQuestion,
    InterviewRound,
    InterviewSkill,
    Question,
    Role,
    Skill,
    User,
)
from app.models.enums import ReviewSource
from app.review import service as review_service

# Links to questions or skills in the trash are hidden with them (and back when restored).
LIVE_QUESTION = InterviewQuestion.question_id.in_(select(Question.id).where(Question.deleted_at.is_(None)))
LIVE_SKILL = InterviewSkill.skill_id.in_(select(Skill.id).where(Skill.deleted_at.is_(None)))

# Non-null sort keys served by an (owner_id, key DESC, id DESC) index: these support cursors.
KEYSET_SORTS = {"interview_date", "created_at"}


UNDATED = datetime.min  # how asyncpg reads '-infinity'::timestamptz


def encode_cursor(sort_by: str, order: SortOrder, key: Any, ident: int) -> str:
    raw = json.dumps([sort_by, order.value, key.isoformat() if isinstance(key, datetime) else key, ident])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort_by: str, order: SortOrder) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        s, o, key, ident = json.loads(raw)
        if (s, o) != (sort_by, order.value) or not isinstance(key, str):
            raise ValueError
        if type(ident) is not int or not 1 <= ident <= MAX_ID:
            raise ValueError
        when = datetime.fromisoformat(key)
        # Keys are written in UTC; undated interviews sort on -infinity, which asyncpg reads
        # (and writes back) as the naive datetime.min.
        if when != UNDATED and (when.utcoffset() != timedelta(0) or not MIN_DATETIME <= when < MAX_DATETIME):
            raise ValueError
        return when, ident
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Unprocessable(
            "The cursor is invalid or was made for another sort; start again without it.",
            field="query.cursor",
        ) from exc


async def list_interviews(
    session: DbOrSession,
    user: User,
    filters: InterviewFilters,
    sort_by: schemas.InterviewSort,
    sort_order: SortOrder,
    page: PageParams,
    cursor: str | None = None,
) -> CursorPage:
    """A page as PostgreSQL wrote it (see ``listing.py`` for the SQL), with its cursor."""
    desc = sort_order is SortOrder.desc
    after = None
    if cursor:
        if sort_by.value not in KEYSET_SORTS:
            raise Unprocessable(
                "Cursors work with sort_by interview_date or created_at.", field="query.cursor"
            )
        after = decode_cursor(cursor, sort_by.value, sort_order)
    offset = 0 if after else page.offset
    query = listing.page_sql(user.id, filters, sort_by.value, desc, page.page_size, offset, after)
    row = await listing.fetch_page(session, query)
    next_cursor = None
    if sort_by.value in KEYSET_SORTS and row["size"] == page.page_size:
        next_cursor = encode_cursor(sort_by.value, sort_order, row["last_key"], row["last_id"])
    return CursorPage(row["total"], row["items"] or "[]", page, next_cursor)


async def get_interview(
    session: DbOrSession, user: User, interview_id: int, *, include_deleted: bool = False
) -> queries.InterviewDoc:
    """The interview with everything the detail shows, in one statement (see ``queries.py``)."""
    found = await queries.interview_detail(session, user.id, interview_id, include_deleted=include_deleted)
    if found is None:
        raise NotFound("Interview", interview_id)
    return found


async def _check_interview_refs(
    session: DbOrSession, user: User, values: dict[str, Any], current: Mapping[str, Any] | None
) -> None:
    """Referenced rows are live and the user's; the role belongs to the interview's company.

    Called with the interview row locked (on update); the role is read ``FOR SHARE``, so a
    concurrent move of the role to another company waits for this write, and this one sees it.
    """
    await check_refs(
        session,
        user,
        {
            "company_id": (Company, "Company", values.get("company_id")),
            "role_id": (Role, "Role", values.get("role_id")),
            "cv_version_id": (CvVersion, "CV version", values.get("cv_version_id")),
        },
    )
    role_id = values.get("role_id", current["role_id"] if current else None)
    company_id = values.get("company_id", current["company_id"] if current else None)
    if role_id is not None and ("role_id" in values or "company_id" in values):
        role_company = await fetchval(session, _ROLE_COMPANY_SQL, role_id)
        if role_company is not None and role_company != company_id:
            field = "body.role_id" if "role_id" in values else "body.company_id"
            raise Unprocessable(
                f"Role {role_id} belongs to company {role_company}, not {company_id}.", field=field
            )


_ROLE_COMPANY_SQL = "SELECT company_id FROM roles WHERE id = $1 FOR SHARE"


def _reject_nulls(changes: dict[str, Any]) -> None:
    for name in schemas.NOT_NULL_FIELDS:
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} cannot be null.", field=f"body.{name}")


async def create_interview(
    session: DbOrSession, user: User, data: schemas.InterviewCreate
) -> queries.InterviewDoc:
    values = data.model_dump()
    created = await queries.create_interview(session, user.id, values)
    if created is None:
        # Nothing was written: say which reference was wrong.
        await _check_interview_refs(session, user, values, None)
        raise Conflict("A company, role or CV version this interview names changed meanwhile; try again.")
    return created


async def update_interview(
    session: DbOrSession,
    user: User,
    interview_id: int,
    changes: dict[str, Any],
    *,
    if_match: str | None = None,
) -> queries.InterviewDoc:
    """Apply changes to the interview, holding its row locked: concurrent writers take turns,
    each checks ``If-Match`` and the role/company rule against the version it changes. Only
    values that differ are written; when none does, nothing is (the ETag stays)."""
    current = await queries.lock_interview(session, user.id, interview_id)
    if current is None:
        raise NotFound("Interview", interview_id)
    check_if_match(if_match, Version(current["id"], current["updated_at"]))
    _reject_nulls(changes)
    await _check_interview_refs(session, user, changes, current)
    changed = {k: v for k, v in changes.items() if current[k] != v}
    if not changed:
        return await get_interview(session, user, interview_id)
    timeline = "interview_status" in changed or "outcome" in changed
    return await queries.update_interview(session, interview_id, changed, timeline=timeline)


async def soft_delete(
    session: AsyncSession, user: User, interview_id: int, *, if_match: str | None = None
) -> None:
    interview = await get_owned(session, Interview, interview_id, user, "Interview", lock=True)
    check_if_match(if_match, interview)
    await crud.trash(session, interview)


async def restore(session: AsyncSession, user: User, interview_id: int) -> queries.InterviewDoc:
    """Back from the trash; 409 while its company or role is still in the trash."""
    await crud.restore(
        session,
        Interview,
        interview_id,
        user,
        "Interview",
        parents={"company_id": (Company, "Company"), "role_id": (Role, "Role")},
    )
    return await get_interview(session, user, interview_id)


# Rounds -----------------------------------------------------------------------------------


async def _locked_interview(session: AsyncSession, user: User, interview_id: int) -> Interview:
    """The interview, row-locked so concurrent child writes serialise on it, and marked changed
    (its ``updated_at``, hence its ETag, covers its rounds, questions and skills)."""
    stmt = (
        select(Interview)
        .where(Interview.id == interview_id, Interview.owner_id == user.id, Interview.deleted_at.is_(None))
        .with_for_update()
    )
    interview = (await session.execute(stmt)).scalar_one_or_none()
    if interview is None:
        raise NotFound("Interview", interview_id)
    interview.updated_at = func.now()
    interview.revision = Interview.revision + 1
    return interview


async def list_rounds(
    session: AsyncSession, user: User, interview_id: int, page: PageParams
) -> Page[schemas.RoundRead]:
    await get_owned(session, Interview, interview_id, user, "Interview")
    stmt = (
        select(InterviewRound)
        .where(InterviewRound.interview_id == interview_id)
        .order_by(InterviewRound.round_number, InterviewRound.id)
    )
    return await paginate(session, stmt, page, schemas.RoundRead.model_validate)


_ROUND_TAKEN = "That round number is already used in this interview."


async def add_round(
    session: AsyncSession, user: User, interview_id: int, data: schemas.RoundCreate
) -> InterviewRound:
    await _locked_interview(session, user, interview_id)
    values = data.model_dump()
    if values["round_number"] is None:
        highest = (
            await session.execute(
                select(func.max(InterviewRound.round_number)).where(
                    InterviewRound.interview_id == interview_id
                )
            )
        ).scalar()
        values["round_number"] = (highest or 0) + 1
    round_ = InterviewRound(owner_id=user.id, interview_id=interview_id, **values)
    session.add(round_)
    await flush_or_conflict(session, _ROUND_TAKEN)
    await session.refresh(round_)
    return round_


async def _get_round(session: AsyncSession, user: User, interview_id: int, round_id: int) -> InterviewRound:
    await _locked_interview(session, user, interview_id)
    round_ = await session.get(InterviewRound, round_id)
    if round_ is None or round_.interview_id != interview_id or round_.owner_id != user.id:
        raise NotFound("Round", round_id)
    return round_


async def update_round(
    session: AsyncSession, user: User, interview_id: int, round_id: int, changes: dict[str, Any]
) -> InterviewRound:
    round_ = await _get_round(session, user, interview_id, round_id)
    if changes.get("round_number", 0) is None or changes.get("round_type", 0) is None:
        raise Unprocessable("round_number and round_type cannot be null.", field="body")
    apply_changes(round_, changes)
    await flush_or_conflict(session, _ROUND_TAKEN)
    await session.refresh(round_)
    return round_


async def delete_round(session: AsyncSession, user: User, interview_id: int, round_id: int) -> None:
    round_ = await _get_round(session, user, interview_id, round_id)
    await session.delete(round_)
    await session.flush()


# Questions asked ---------------------------------------------------------------------------


def _interview_question_stmt(interview_id: int) -> Select[Any]:
    return (
        select(InterviewQuestion)
        .where(InterviewQuestion.interview_id == interview_id, LIVE_QUESTION)
        .options(selectinload(InterviewQuestion.question))
        .order_by(InterviewQuestion.id)
    )


async def list_questions(
    session: AsyncSession, user: User, interview_id: int, page: PageParams
) -> Page[schemas.InterviewQuestionRead]:
    await get_owned(session, Interview, interview_id, user, "Interview")
    stmt = _interview_question_stmt(interview_id)
    return await paginate(session, stmt, page, schemas.InterviewQuestionRead.model_validate)


async def _check_round(session: AsyncSession, interview_id: int, round_id: int | None) -> None:
    if round_id is None:
        return
    owner = (
        await session.execute(select(InterviewRound.interview_id).where(InterviewRound.id == round_id))
    ).scalar()
    if owner != interview_id:
        raise Unprocessable(f"Round {round_id} is not a round of this interview.", field="body.round_id")


# Both link families (questions asked, skills tested) share one implementation.
Link = InterviewQuestion | InterviewSkill


@dataclass(frozen=True)
class LinkKind:
    model: type[InterviewQuestion] | type[InterviewSkill]
    key: str  # the linked row's id column on the link: "question_id" | "skill_id"
    target: type[Question] | type[Skill]
    label: str
    stmt: Callable[[int], Select[Any]]


async def _get_link(session: AsyncSession, kind: LinkKind, interview_id: int, target_id: int) -> Any:
    stmt = kind.stmt(interview_id).where(getattr(kind.model, kind.key) == target_id)
    link = (await session.execute(stmt)).scalar_one_or_none()
    if link is None:
        raise NotFound(f"{kind.label} {target_id} in interview {interview_id}")
    return link


async def _link(
    session: AsyncSession, user: User, interview_id: int, kind: LinkKind, values: dict[str, Any]
) -> Any:
    await _locked_interview(session, user, interview_id)
    target_id = values[kind.key]
    await check_refs(session, user, {kind.key: (kind.target, kind.label, target_id)})
    await _check_round(session, interview_id, values.get("round_id"))
    session.add(kind.model(owner_id=user.id, interview_id=interview_id, **values))
    await flush_or_conflict(session, f"{kind.label} {target_id} is already linked to this interview.")
    return await _get_link(session, kind, interview_id, target_id)


async def _update_link(
    session: AsyncSession,
    user: User,
    interview_id: int,
    kind: LinkKind,
    target_id: int,
    changes: dict[str, Any],
) -> Any:
    await _locked_interview(session, user, interview_id)
    link = await _get_link(session, kind, interview_id, target_id)
    await _check_round(session, interview_id, changes.get("round_id"))
    apply_changes(link, changes)
    await session.flush()
    session.expire(link)  # server-set columns (updated_at) are read again below
    return await _get_link(session, kind, interview_id, target_id)


async def _unlink(
    session: AsyncSession, user: User, interview_id: int, kind: LinkKind, target_id: int
) -> int:
    await _locked_interview(session, user, interview_id)
    link = await _get_link(session, kind, interview_id, target_id)
    await session.execute(delete(kind.model).where(kind.model.id == link.id))
    return int(link.id)


QUESTION_LINKS = LinkKind(InterviewQuestion, "question_id", Question, "Question", _interview_question_stmt)


async def link_question(
    session: AsyncSession, user: User, interview_id: int, data: schemas.InterviewQuestionCreate
) -> InterviewQuestion:
    link: InterviewQuestion = await _link(session, user, interview_id, QUESTION_LINKS, data.model_dump())
    await _sync_review(session, user, link)
    return link


async def _sync_review(session: AsyncSession, user: User, link: InterviewQuestion) -> None:
    """The answer's rating is a review of the question, at the time of the interview."""
    interview = await session.get(Interview, link.interview_id)  # loaded and locked by the caller
    when = (interview.interview_date if interview else None) or link.created_at
    await review_service.sync_rating(
        session,
        user.id,
        link.question_id,
        link.answer_quality_rating,
        when,
        ReviewSource.interview,
        link.id,
    )


async def update_question_link(
    session: AsyncSession, user: User, interview_id: int, question_id: int, changes: dict[str, Any]
) -> InterviewQuestion:
    link: InterviewQuestion = await _update_link(
        session, user, interview_id, QUESTION_LINKS, question_id, changes
    )
    if "answer_quality_rating" in changes:
        await _sync_review(session, user, link)
    return link


async def unlink_question(session: AsyncSession, user: User, interview_id: int, question_id: int) -> None:
    link_id = await _unlink(session, user, interview_id, QUESTION_LINKS, question_id)
    await review_service.remove_review(session, ReviewSource.interview, link_id)


# Skills tested -----------------------------------------------------------------------------


def _interview_skill_stmt(interview_id: int) -> Select[Any]:
    return (
        select(InterviewSkill)
        .where(InterviewSkill.interview_id == interview_id, LIVE_SKILL)
        .options(selectinload(InterviewSkill.skill))
        .order_by(InterviewSkill.id)
    )


async def list_skills(
    session: AsyncSession, user: User, interview_id: int, page: PageParams
) -> Page[schemas.InterviewSkillRead]:
    await get_owned(session, Interview, interview_id, user, "Interview")
    stmt = _interview_skill_stmt(interview_id)
    return await paginate(session, stmt, page, schemas.InterviewSkillRead.model_validate)


SKILL_LINKS = LinkKind(InterviewSkill, "skill_id", Skill, "Skill", _interview_skill_stmt)


async def link_skill(
    session: AsyncSession, user: User, interview_id: int, data: schemas.InterviewSkillCreate
) -> InterviewSkill:
    link: InterviewSkill = await _link(session, user, interview_id, SKILL_LINKS, data.model_dump())
    return link


async def update_skill_link(
    session: AsyncSession, user: User, interview_id: int, skill_id: int, changes: dict[str, Any]
) -> InterviewSkill:
    link: InterviewSkill = await _update_link(session, user, interview_id, SKILL_LINKS, skill_id, changes)
    return link


async def unlink_skill(session: AsyncSession, user: User, interview_id: int, skill_id: int) -> None:
    await _unlink(session, user, interview_id, SKILL_LINKS, skill_id)
