"""Interviews and their rounds, questions and skills. Never commits."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.errors import Conflict, NotFound, Unprocessable
from app.interviews import schemas
from app.kit.crud import apply_changes, check_refs, flush_or_conflict, get_owned, ilike_any
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
from app.models.interviews import DATE_SORT_KEY

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

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = [
            Interview.deleted_at.is_not(None) if self.deleted else Interview.deleted_at.is_(None)
        ]
        for name in (
            "company_id",
            "role_id",
            "cv_version_id",
            "interview_status",
            "interview_type",
            "seniority_level",
            "outcome",
            "is_remote",
        ):
            value = getattr(self, name)
            if value is not None:
                out.append(getattr(Interview, name) == value)
        if self.date_from:
            out.append(Interview.interview_date >= self.date_from)
        if self.date_to:
            out.append(Interview.interview_date <= self.date_to)
        if self.q:
            out.append(
                or_(
                    Interview.search_vector.op("@@")(func.websearch_to_tsquery("english", self.q)),
                    ilike_any([Company.company_name], self.q),
                )
            )
        return out


SORT_COLUMNS: dict[str, Any] = {
    "interview_date": DATE_SORT_KEY,
    "created_at": Interview.created_at,
    "updated_at": Interview.updated_at,
    "company_name": func.lower(Company.company_name),
    "interview_status": Interview.interview_status,
    "overall_rating": Interview.overall_rating,
}
# Non-null sort keys served by an (owner_id, key DESC, id DESC) index: these support cursors.
KEYSET_SORTS = {"interview_date", "created_at"}

LIST_COLUMNS = (
    Interview.id,
    Interview.company_id,
    Interview.role_id,
    Interview.cv_version_id,
    Interview.interview_date,
    Interview.seniority_level,
    Interview.interview_type,
    Interview.interview_status,
    Interview.outcome,
    Interview.is_remote,
    Interview.location,
    Interview.duration_minutes,
    Interview.interviewer_names,
    Interview.overall_rating,
    Interview.notes,
    Interview.feedback,
    Interview.created_at,
    Interview.updated_at,
    Interview.deleted_at,
    Company.company_name,
    Role.role_title,
    Role.seniority_level.label("role_seniority_level"),
)


def _item(row: Any) -> dict[str, Any]:
    """One list row as the InterviewSummary JSON shape, without per-row model validation."""
    d = dict(row._mapping)
    d["company"] = {"id": d["company_id"], "company_name": d.pop("company_name")}
    title, level = d.pop("role_title"), d.pop("role_seniority_level")
    d["role"] = {"id": d["role_id"], "role_title": title, "seniority_level": level} if d["role_id"] else None
    return d


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
    """A page as plain JSON-ready data. The page's ids are found first on the owner's index
    (cheap even deep down), then only those rows are joined and read."""
    key = SORT_COLUMNS[sort_by.value]
    desc = sort_order is SortOrder.desc
    order = [key.desc(), Interview.id.desc()] if desc else [key.asc(), Interview.id.asc()]
    if sort_by.value not in KEYSET_SORTS:  # nullable keys: NULLs go last newest-first, first oldest-first
        order[0] = order[0].nulls_last() if desc else order[0].nulls_first()
    conditions = [Interview.owner_id == user.id, *filters.conditions()]
    needs_company = sort_by is schemas.InterviewSort.company_name or bool(filters.q)

    ids = select(Interview.id).where(*conditions)
    if needs_company:
        ids = ids.join(Company, Company.id == Interview.company_id)
    if cursor:
        if sort_by.value not in KEYSET_SORTS:
            raise Unprocessable(
                "Cursors work with sort_by interview_date or created_at.", field="query.cursor"
            )
        after_key, after_id = decode_cursor(cursor, sort_by.value, sort_order)
        compare = tuple_(key, Interview.id)
        ids = ids.where(compare < (after_key, after_id) if desc else compare > (after_key, after_id))
        ids = ids.order_by(*order).limit(page.page_size)
    else:
        ids = ids.order_by(*order).limit(page.page_size).offset(page.offset)
    page_ids = ids.subquery()

    rows_stmt = (
        select(*LIST_COLUMNS, key.label("sort_key"))
        .join(Company, Company.id == Interview.company_id)
        .outerjoin(Role, Role.id == Interview.role_id)
        .where(Interview.id.in_(select(page_ids.c.id)))
        .order_by(*order)
    )
    count_stmt = select(func.count()).select_from(Interview).where(*conditions)
    if filters.q:
        count_stmt = count_stmt.join(Company, Company.id == Interview.company_id)
    total = (await session.execute(count_stmt)).scalar_one()
    rows = (await session.execute(rows_stmt)).all() if total else []
    items = []
    for row in rows:
        item = _item(row)
        item.pop("sort_key")
        items.append(item)
    next_cursor = None
    if sort_by.value in KEYSET_SORTS and len(rows) == page.page_size:
        last = rows[-1]
        next_cursor = encode_cursor(sort_by.value, sort_order, last.sort_key, last.id)
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
    interview = await get_owned(session, Interview, interview_id, user, "Interview")
    interview.deleted_at = datetime.now(UTC)
    await session.flush()


async def restore(session: AsyncSession, user: User, interview_id: int) -> Interview:
    interview = await get_owned(session, Interview, interview_id, user, "Interview", include_deleted=True)
    if interview.deleted_at is None:
        raise Conflict(f"Interview {interview_id} is not deleted.")
    interview.deleted_at = None
    await session.flush()
    session.expunge(interview)
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
