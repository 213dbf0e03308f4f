from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth.dependencies import get_current_user
from app.errors import Unprocessable
from app.kit.crud import InUse, Resource, crud_router
from app.kit.schemas import Id, ShortText
from app.models import Company, Interview, Role
from app.models.enums import SeniorityLevel
from app.roles import schemas


# async: a plain def would run in the threadpool on every request
async def role_filters(
    company_id: Annotated[Id | None, Query()] = None,
    seniority_level: Annotated[SeniorityLevel | None, Query()] = None,
    department: Annotated[ShortText | None, Query(description="Exact department (case-insensitive).")] = None,
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if company_id is not None:
        out.append(Role.company_id == company_id)
    if seniority_level is not None:
        out.append(Role.seniority_level == seniority_level)
    if department is not None:
        out.append(func.lower(Role.department) == func.lower(department))
    return out


async def _check_move(
    session: AsyncSession, owner_id: int, changes: dict[str, Any], role: Role | None
) -> dict[str, Any]:
    """A role belongs to its interviews' company: it cannot move away from them.

    The update holds the role row locked (FOR UPDATE), and an interview taking this role locks
    it FOR SHARE while checking, so the two cannot interleave.
    """
    company_id = changes.get("company_id")
    if role is None or company_id is None or company_id == role.company_id:
        return changes
    elsewhere = select(Interview.company_id).where(
        Interview.role_id == role.id, Interview.deleted_at.is_(None), Interview.company_id != company_id
    )
    other = (await session.execute(elsewhere.limit(1))).scalar()
    if other is not None:
        raise Unprocessable(
            f"Role {role.id} is used by interviews at company {other}; it cannot move to company "
            f"{company_id}. Move or delete those interviews first.",
            field="body.company_id",
        )
    return changes


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
        current_user=get_current_user,
        references={"company_id": (Company, "Company")},
        in_use=[InUse(Interview, Interview.role_id, "interviews")],
        validate=_check_move,
        options=[selectinload(Role.company)],
    )
)
