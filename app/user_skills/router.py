from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from app.auth.dependencies import get_current_user
from app.kit.crud import Resource, crud_router
from app.models import Skill, UserSkill
from app.models.enums import ProficiencyLevel
from app.user_skills import schemas


# async: a plain def would run in the threadpool on every request
async def user_skill_filters(
    proficiency_level: Annotated[ProficiencyLevel | None, Query()] = None,
) -> list[ColumnElement[bool]]:
    return [UserSkill.proficiency_level == proficiency_level] if proficiency_level else []


router = crud_router(
    Resource(
        model=UserSkill,
        name="User skill",
        path="user-skills",
        tag="user skills",
        create_schema=schemas.UserSkillCreate,
        update_schema=schemas.UserSkillUpdate,
        read_schema=schemas.UserSkillRead,
        sort_enum=schemas.UserSkillSort,
        sort_columns={s.value: getattr(UserSkill, s.value) for s in schemas.UserSkillSort},
        default_sort="created_at",
        search_columns=[UserSkill.notes],
        filters=user_skill_filters,
        unique_message="You already recorded your level for this skill; update it instead.",
        current_user=get_current_user,
        visible=[UserSkill.skill_id.in_(select(Skill.id).where(Skill.deleted_at.is_(None)))],
        references={"skill_id": (Skill, "Skill")},
        options=[selectinload(UserSkill.skill)],
        description="Your own level in one of your skills (one entry per skill).",
    )
)
