from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth.dependencies import get_current_user
from app.kit.crud import Resource, crud_router
from app.kit.schemas import Id
from app.models import Interview, Question, Skill, SkillGap
from app.models.enums import GapSeverity, GapStatus
from app.skill_gaps import schemas


# async: a plain def would run in the threadpool on every request
async def gap_filters(
    status: Annotated[GapStatus | None, Query()] = None,
    severity: Annotated[GapSeverity | None, Query()] = None,
    skill_id: Annotated[Id | None, Query()] = None,
    interview_id: Annotated[Id | None, Query()] = None,
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if status:
        out.append(SkillGap.status == status)
    if severity:
        out.append(SkillGap.severity == severity)
    if skill_id:
        out.append(SkillGap.skill_id == skill_id)
    if interview_id:
        out.append(SkillGap.interview_id == interview_id)
    return out


async def _stamp_resolution(
    session: AsyncSession, owner_id: int, data: dict[str, Any], obj: Any
) -> dict[str, Any]:
    """Keep resolved_at in step with the status."""
    if "status" not in data:
        return data
    return {**data, "resolved_at": datetime.now(UTC) if data["status"] == GapStatus.resolved else None}


router = crud_router(
    Resource(
        model=SkillGap,
        name="Skill gap",
        path="skill-gaps",
        tag="skill gaps",
        create_schema=schemas.SkillGapCreate,
        update_schema=schemas.SkillGapUpdate,
        read_schema=schemas.SkillGapRead,
        sort_enum=schemas.SkillGapSort,
        sort_columns={s.value: getattr(SkillGap, s.value) for s in schemas.SkillGapSort},
        default_sort="created_at",
        search_columns=[SkillGap.gap_description, SkillGap.action_plan],
        filters=gap_filters,
        unique_message="This skill gap conflicts with existing data.",
        current_user=get_current_user,
        visible=[SkillGap.skill_id.in_(select(Skill.id).where(Skill.deleted_at.is_(None)))],
        references={
            "skill_id": (Skill, "Skill"),
            "interview_id": (Interview, "Interview"),
            "question_id": (Question, "Question"),
        },
        options=[selectinload(SkillGap.skill)],
        validate=_stamp_resolution,
        description="A gap points at the skill, and at the interview or question that revealed it.",
    )
)
