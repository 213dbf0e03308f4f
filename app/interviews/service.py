"""Interviews and their rounds, questions and skills. Never commits."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.errors import NotFound, Unprocessable
from app.interviews import schemas
from app.kit import crud
from app.kit.crud import apply_changes, check_refs, flush_or_conflict, get_owned
from app.kit.pagination import PageParams, SortOrder
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
from app.models.enums import InterviewOutcome, InterviewStatus, InterviewType, SeniorityLevel

DETAIL_OPTIONS = (
    selectinload(Interview.company),
    selectinload(Interview.role),
    selectinload(Interview.rounds),
    selectinload(Interview.questions).selectinload(InterviewQuestion.question),
    selectinload(Interview.skills).selectinload(InterviewSkill.skill),
)


@dataclass(frozen=True)
class InterviewFilters:
    company_id: int | None = None
    role_id: int | None = None
    cv_version_id: int | None = None
    interview_status: InterviewStatus | None = None
    interview_type: InterviewType | None = None
    seniority_level: SeniorityLevel | None = None
    outcome: InterviewOutcome | None = None
    is_remote: bool | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    q: str | None = None
    deleted: bool = False


# Non-null sort keys served by an (owner_id, key DESC, id DESC) index: these support cursors.
KEYSET_SORTS = {"interview_date", "created_at"}


def encode_cursor(sort_by: str, order: SortOrder, key: Any, ident: int) -> str:
    raw = json.dumps([sort_by, order.value, key.isoformat() if isinstance(key, datetime) else key, ident])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort_by: str, order: SortOrder) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        s, o, key, ident = json.loads(raw)
        if (s, o) != (sort_by, order.value) or not isinstance(ident, int):
            raise ValueError
        return datetime.fromisoformat(key), ident
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Unprocessable(
            "The cursor is invalid or was made for another sort; start again without it.",
            field="query.cursor",
        ) from exc


async def list_interviews(
    session: AsyncSession,
    user: User,
    filters: InterviewFilters,
    sort_by: schemas.InterviewSort,
    sort_order: SortOrder,
    page: PageParams,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A page as plain JSON-ready data (see ``listing.py`` for the SQL)."""
    from app.interviews import listing

    desc = sort_order is SortOrder.desc
    after = None
    if cursor:
        if sort_by.value not in KEYSET_SORTS:
            raise Unprocessable(
                "Cursors work with sort_by interview_date or created_at.", field="query.cursor"
            )
        after = decode_cursor(cursor, sort_by.value, sort_order)
    offset = 0 if after else page.offset
    total, rows = await listing.fetch_page(
        session, user.id, filters, sort_by.value, desc, page.page_size, offset, after
    )
    items = []
    for row in rows:
        d = dict(row)
        del d["total"]
        sort_key = d.pop("sort_key")
        d["company"] = {"id": d["company_id"], "company_name": d.pop("company_name")}
        title, level = d.pop("role_title"), d.pop("role_seniority_level")
        d["role"] = (
            {"id": d["role_id"], "role_title": title, "seniority_level": level} if d["role_id"] else None
        )
        items.append(d)
    next_cursor = None
    if sort_by.value in KEYSET_SORTS and len(rows) == page.page_size:
        next_cursor = encode_cursor(sort_by.value, sort_order, sort_key, rows[-1]["id"])
    return {
        "items": items,
        "total": total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": math.ceil(total / page.page_size) if total else 0,
        "next_cursor": next_cursor,
    }


async def get_interview(
    session: AsyncSession, user: User, interview_id: int, *, include_deleted: bool = False
) -> Interview:
    return await get_owned(
        session,
        Interview,
        interview_id,
        user,
        "Interview",
        options=DETAIL_OPTIONS,
        include_deleted=include_deleted,
    )


async def _check_interview_refs(
    session: AsyncSession, user: User, values: dict[str, Any], current: Interview | None
) -> None:
    await check_refs(
        session,
        user,
        {
            "company_id": (Company, "Company", values.get("company_id")),
            "role_id": (Role, "Role", values.get("role_id")),
            "cv_version_id": (CvVersion, "CV version", values.get("cv_version_id")),
        },
    )
    role_id = values.get("role_id", current.role_id if current else None)
    company_id = values.get("company_id", current.company_id if current else None)
    if role_id is not None and ("role_id" in values or "company_id" in values):
        role_company = (await session.execute(select(Role.company_id).where(Role.id == role_id))).scalar()
        if role_company is not None and role_company != company_id:
            raise Unprocessable(
                f"Role {role_id} belongs to company {role_company}, not {company_id}.", field="body.role_id"
            )


def _reject_nulls(changes: dict[str, Any]) -> None:
    for name in schemas.NOT_NULL_FIELDS:
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} cannot be null.", field=f"body.{name}")


async def create_interview(session: AsyncSession, user: User, data: schemas.InterviewCreate) -> Interview:
    values = data.model_dump()
    await _check_interview_refs(session, user, values, None)
    interview = Interview(owner_id=user.id, **values)
    session.add(interview)
    await session.flush()
    return await get_interview(session, user, interview.id)


async def update_interview(
    session: AsyncSession, user: User, interview_id: int, changes: dict[str, Any]
) -> Interview:
    interview = await get_owned(session, Interview, interview_id, user, "Interview")
    _reject_nulls(changes)
    await _check_interview_refs(session, user, changes, interview)
    apply_changes(interview, changes)
    await session.flush()
    session.expunge(interview)
    return await get_interview(session, user, interview_id)


async def soft_delete(session: AsyncSession, user: User, interview_id: int) -> None:
    await crud.soft_delete(session, Interview, interview_id, user, "Interview")


async def restore(session: AsyncSession, user: User, interview_id: int) -> Interview:
    await crud.restore(session, Interview, interview_id, user, "Interview")
    return await get_interview(session, user, interview_id)


# Rounds -----------------------------------------------------------------------------------


async def _locked_interview(session: AsyncSession, user: User, interview_id: int) -> Interview:
    """The interview, row-locked so concurrent child writes serialise on it."""
    stmt = (
        select(Interview)
        .where(Interview.id == interview_id, Interview.owner_id == user.id, Interview.deleted_at.is_(None))
        .with_for_update()
    )
    interview = (await session.execute(stmt)).scalar_one_or_none()
    if interview is None:
        raise NotFound("Interview", interview_id)
    return interview


async def list_rounds(session: AsyncSession, user: User, interview_id: int) -> list[InterviewRound]:
    await get_owned(session, Interview, interview_id, user, "Interview")
    stmt = (
        select(InterviewRound)
        .where(InterviewRound.interview_id == interview_id)
        .order_by(InterviewRound.round_number)
    )
    return list((await session.execute(stmt)).scalars())


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
    await get_owned(session, Interview, interview_id, user, "Interview")
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
        .where(InterviewQuestion.interview_id == interview_id)
        .options(selectinload(InterviewQuestion.question))
        .order_by(InterviewQuestion.id)
    )


async def list_questions(session: AsyncSession, user: User, interview_id: int) -> list[InterviewQuestion]:
    await get_owned(session, Interview, interview_id, user, "Interview")
    return list((await session.execute(_interview_question_stmt(interview_id))).scalars())


async def _check_round(session: AsyncSession, interview_id: int, round_id: int | None) -> None:
    if round_id is None:
        return
    owner = (
        await session.execute(select(InterviewRound.interview_id).where(InterviewRound.id == round_id))
    ).scalar()
    if owner != interview_id:
        raise Unprocessable(f"Round {round_id} is not a round of this interview.", field="body.round_id")


async def _get_link(session: AsyncSession, interview_id: int, question_id: int) -> InterviewQuestion:
    stmt = _interview_question_stmt(interview_id).where(InterviewQuestion.question_id == question_id)
    link = (await session.execute(stmt)).scalar_one_or_none()
    if link is None:
        raise NotFound(f"Question {question_id} in interview {interview_id}")
    return link


async def link_question(
    session: AsyncSession, user: User, interview_id: int, data: schemas.InterviewQuestionCreate
) -> InterviewQuestion:
    await _locked_interview(session, user, interview_id)
    await check_refs(session, user, {"question_id": (Question, "Question", data.question_id)})
    await _check_round(session, interview_id, data.round_id)
    link = InterviewQuestion(owner_id=user.id, interview_id=interview_id, **data.model_dump())
    session.add(link)
    await flush_or_conflict(session, f"Question {data.question_id} is already linked to this interview.")
    return await _get_link(session, interview_id, data.question_id)


async def update_question_link(
    session: AsyncSession, user: User, interview_id: int, question_id: int, changes: dict[str, Any]
) -> InterviewQuestion:
    await get_owned(session, Interview, interview_id, user, "Interview")
    link = await _get_link(session, interview_id, question_id)
    await _check_round(session, interview_id, changes.get("round_id"))
    apply_changes(link, changes)
    await session.flush()
    return link


async def unlink_question(session: AsyncSession, user: User, interview_id: int, question_id: int) -> None:
    await get_owned(session, Interview, interview_id, user, "Interview")
    link = await _get_link(session, interview_id, question_id)
    await session.execute(delete(InterviewQuestion).where(InterviewQuestion.id == link.id))


# Skills tested -----------------------------------------------------------------------------


def _interview_skill_stmt(interview_id: int) -> Select[Any]:
    return (
        select(InterviewSkill)
        .where(InterviewSkill.interview_id == interview_id)
        .options(selectinload(InterviewSkill.skill))
        .order_by(InterviewSkill.id)
    )


async def list_skills(session: AsyncSession, user: User, interview_id: int) -> list[InterviewSkill]:
    await get_owned(session, Interview, interview_id, user, "Interview")
    return list((await session.execute(_interview_skill_stmt(interview_id))).scalars())


async def _get_skill_link(session: AsyncSession, interview_id: int, skill_id: int) -> InterviewSkill:
    stmt = _interview_skill_stmt(interview_id).where(InterviewSkill.skill_id == skill_id)
    link = (await session.execute(stmt)).scalar_one_or_none()
    if link is None:
        raise NotFound(f"Skill {skill_id} in interview {interview_id}")
    return link


async def link_skill(
    session: AsyncSession, user: User, interview_id: int, data: schemas.InterviewSkillCreate
) -> InterviewSkill:
    await _locked_interview(session, user, interview_id)
    await check_refs(session, user, {"skill_id": (Skill, "Skill", data.skill_id)})
    link = InterviewSkill(owner_id=user.id, interview_id=interview_id, **data.model_dump())
    session.add(link)
    await flush_or_conflict(session, f"Skill {data.skill_id} is already linked to this interview.")
    return await _get_skill_link(session, interview_id, data.skill_id)


async def update_skill_link(
    session: AsyncSession, user: User, interview_id: int, skill_id: int, changes: dict[str, Any]
) -> InterviewSkill:
    await get_owned(session, Interview, interview_id, user, "Interview")
    link = await _get_skill_link(session, interview_id, skill_id)
    apply_changes(link, changes)
    await session.flush()
    return link


async def unlink_skill(session: AsyncSession, user: User, interview_id: int, skill_id: int) -> None:
    await get_owned(session, Interview, interview_id, user, "Interview")
    link = await _get_skill_link(session, interview_id, skill_id)
    await session.execute(delete(InterviewSkill).where(InterviewSkill.id == link.id))
