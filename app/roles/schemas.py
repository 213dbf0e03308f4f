from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.companies.schemas import CompanyBrief
from app.kit.schemas import Id, LongText, Name, ReadSchema, Schema, ShortText, UpdateSchema, UrlText
from app.models import Role
from app.models.enums import SeniorityLevel


class RoleCreate(Schema):
    role_title: Name = Field(examples=["Senior Backend Engineer"])
    company_id: Id | None = Field(default=None, examples=[1])
    seniority_level: SeniorityLevel | None = Field(default=None, examples=["senior"])
    department: ShortText | None = None
    job_description: LongText | None = None
    job_url: UrlText | None = None


class RoleUpdate(UpdateSchema):
    __orm_model__ = Role

    role_title: Name | None = None
    company_id: Id | None = None
    seniority_level: SeniorityLevel | None = None
    department: ShortText | None = None
    job_description: LongText | None = None
    job_url: UrlText | None = None


class RoleBrief(ReadSchema):
    id: int
    role_title: str
    seniority_level: SeniorityLevel | None


class RoleRead(RoleBrief):
    company_id: int | None
    company: CompanyBrief | None
    department: str | None
    job_description: str | None
    job_url: str | None
    created_at: datetime
    updated_at: datetime


class RoleSort(StrEnum):
    role_title = "role_title"
    seniority_level = "seniority_level"
    created_at = "created_at"
    updated_at = "updated_at"
