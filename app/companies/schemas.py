from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.kit.schemas import LongText, Name, ReadSchema, Schema, ShortText, UpdateSchema, UrlText
from app.models import Company


class CompanyCreate(Schema):
    company_name: Name = Field(examples=["TechCorp"])
    industry: ShortText | None = Field(default=None, examples=["Technology"])
    website: UrlText | None = None
    location: Name | None = None
    company_size: ShortText | None = Field(default=None, max_length=50, examples=["1000-5000"])
    notes: LongText | None = None


class CompanyUpdate(UpdateSchema):
    __orm_model__ = Company

    company_name: Name | None = None
    industry: ShortText | None = None
    website: UrlText | None = None
    location: Name | None = None
    company_size: ShortText | None = Field(default=None, max_length=50)
    notes: LongText | None = None


class CompanyBrief(ReadSchema):
    id: int
    company_name: str


class CompanyRead(CompanyBrief):
    industry: str | None
    website: str | None
    location: str | None
    company_size: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime


class CompanySort(StrEnum):
    company_name = "company_name"
    industry = "industry"
    created_at = "created_at"
    updated_at = "updated_at"
