from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.kit.crud import InUse, Resource, crud_router
from app.kit.schemas import Id, ShortText
from app.models import Company, Interview, Role
from app.models.enums import SeniorityLevel
from app.roles import schemas


# async: a plain def would run in the threadpool on every request
async def role_filters(
    company_id: Annotated[Id | None, Query()] = None,
    seniority_level: Annotated[SeniorityLevel | None, Query()] = None,
    department: Annotated[ShortText | None, Query()] = None,
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if company_id is not None:
        out.append(Role.company_id == company_id)
    if seniority_level is not None:
        out.append(Role.seniority_level == seniority_level)
    if department is not None:
        out.append(Role.department.ilike(department.replace("%", r"\%")))
    return out


async def _cascade(session: AsyncSession, role: Role) -> None:
    await session.execute(delete(Interview).where(Interview.role_id == role.id))


router = crud_router(
    Resource(
        model=Role,
        name="Role",
        path="roles",
        tag="roles",
        create_schema=schemas.RoleCreate,
        update_schema=schemas.RoleUpdate,
        read_schema=schemas.RoleRead,
        sort_enum=schemas.RoleSort,
        sort_columns={s.value: getattr(Role, s.value) for s in schemas.RoleSort},
        default_sort="role_title",
        search_columns=[Role.role_title, Role.department],
        filters=role_filters,
        unique_message="You already track this role (same title and level) at this company.",
        references={"company_id": (Company, "Company")},
        in_use=[InUse(Interview, Interview.role_id, "interviews")],
        cascade=_cascade,
        options=[selectinload(Role.company)],
    )
)
