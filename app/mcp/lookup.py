"""Names an assistant speaks in ("my Stripe interview") resolved to the user's rows.

An assistant knows the company by name, not by id: ``log_interview`` finds the user's live
company (case-insensitively) or creates it, and the same for the role at that company. Creation
goes through the REST API's create schemas, so the same validation and limits apply.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.companies.schemas import CompanyCreate
from app.kit.crud import flush_or_conflict
from app.models import Company, Role, User
from app.models.enums import SeniorityLevel
from app.roles.schemas import RoleCreate


async def find_company(session: AsyncSession, user: User, name: str) -> Company | None:
    stmt = select(Company).where(
        Company.owner_id == user.id,
        Company.deleted_at.is_(None),
        func.lower(Company.company_name) == name.strip().lower(),
    )
    return (await session.execute(stmt)).scalars().first()


async def company_named(session: AsyncSession, user: User, name: str) -> tuple[Company, bool]:
    """The user's company with this name, or a new one; and whether it was created."""
    data = CompanyCreate(company_name=name)
    found = await find_company(session, user, data.company_name)
    if found is not None:
        return found, False
    company = Company(owner_id=user.id, **data.model_dump())
    session.add(company)
    await flush_or_conflict(session, "You already track a company with this name.")
    return company, True


async def role_titled(
    session: AsyncSession, user: User, company: Company, title: str, level: SeniorityLevel | None
) -> tuple[Role, bool]:
    """The user's role with this title at the company (the same seniority when one is given), or
    a new one; and whether it was created."""
    data = RoleCreate(role_title=title, company_id=company.id, seniority_level=level)
    stmt = select(Role).where(
        Role.owner_id == user.id,
        Role.deleted_at.is_(None),
        Role.company_id == company.id,
        func.lower(Role.role_title) == data.role_title.lower(),
    )
    if level is not None:
        stmt = stmt.where(Role.seniority_level == level)
    found = (await session.execute(stmt.order_by(Role.id))).scalars().first()
    if found is not None:
        return found, False
    role = Role(owner_id=user.id, **data.model_dump())
    session.add(role)
    await flush_or_conflict(session, "You already track this role at this company.")
    return role, True
