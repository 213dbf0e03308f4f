from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement

from app.auth.dependencies import get_current_user
from app.kit.crud import InUse, Resource, crud_router
from app.models import InterviewSkill, Skill, SkillGap, UserSkill, question_skills
from app.models.enums import SkillCategory
from app.skills import schemas


# async: a plain def would run in the threadpool on every request
async def skill_filters(
    skill_category: Annotated[SkillCategory | None, Query()] = None,
) -> list[ColumnElement[bool]]:
    return [Skill.skill_category == skill_category] if skill_category else []


router = crud_router(
    Resource(
        model=Skill,
        name="Skill",
        path="skills",
        tag="skills",
        create_schema=schemas.SkillCreate,
        update_schema=schemas.SkillUpdate,
        read_schema=schemas.SkillRead,
        sort_enum=schemas.SkillSort,
        sort_columns={s.value: getattr(Skill, s.value) for s in schemas.SkillSort},
        default_sort="skill_name",
        search_columns=[Skill.skill_name, Skill.description],
        filters=skill_filters,
        unique_message="You already track a skill with this name.",
        current_user=get_current_user,
        in_use=[
            InUse(InterviewSkill, InterviewSkill.skill_id, "interview links"),
            InUse(question_skills, question_skills.c.skill_id, "question links"),
            InUse(SkillGap, SkillGap.skill_id, "skill gaps"),
            InUse(UserSkill, UserSkill.skill_id, "user skill entries"),
        ],
        # Links, gaps and levels stay in place while the skill is in the trash (hidden with it)
        # and are there again when it is restored.
    )
)
