from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement, func

from app.auth.dependencies import get_current_user
from app.companies import schemas
from app.kit.crud import InUse, Resource, crud_router
from app.kit.schemas import ShortText
from app.models import Company, Interview, Role


# async: a plain def would run in the threadpool on every request
async def company_filters(
    industry: Annotated[ShortText | None, Query(description="Exact industry (case-insensitive).")] = None,
) -> list[ColumnElement[bool]]:
    return [func.lower(Company.industry) == func.lower(industry)] if industry else []


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
        current_user=get_current_user,
        # Exactly the rows that name this company; they go to the trash with it.
        in_use=[InUse(Role, Role.company_id, "roles"), InUse(Interview, Interview.company_id, "interviews")],
        description="Names are unique per user (case-insensitive).",
    )
)
