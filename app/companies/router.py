from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.companies import schemas
from app.kit.crud import InUse, Resource, crud_router
from app.kit.schemas import ShortText
from app.models import Company, Interview, Role


# async: a plain def would run in the threadpool on every request
async def company_filters(
    industry: Annotated[ShortText | None, Query(description="Exact industry (case-insensitive).")] = None,
) -> list[ColumnElement[bool]]:
    return [Company.industry.ilike(industry.replace("%", r"\%"))] if industry else []


async def _cascade(session: AsyncSession, company: Company) -> None:
    roles = select(Role.id).where(Role.company_id == company.id)
    await session.execute(
        delete(Interview).where(or_(Interview.company_id == company.id, Interview.role_id.in_(roles)))
    )
    await session.execute(delete(Role).where(Role.company_id == company.id))


router = crud_router(
    Resource(
        model=Company,
        name="Company",
        path="companies",
        tag="companies",
        create_schema=schemas.CompanyCreate,
        update_schema=schemas.CompanyUpdate,
        read_schema=schemas.CompanyRead,
        sort_enum=schemas.CompanySort,
        sort_columns={s.value: getattr(Company, s.value) for s in schemas.CompanySort},
        default_sort="company_name",
        search_columns=[Company.company_name, Company.industry, Company.location],
        filters=company_filters,
        unique_message="You already track a company with this name.",
        in_use=[InUse(Role, Role.company_id, "roles"), InUse(Interview, Interview.company_id, "interviews")],
        cascade=_cascade,
        description="Names are unique per user (case-insensitive).",
    )
)
