from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.kit.schemas import LongText, Name, ReadSchema, Schema, UpdateSchema, UrlText
from app.models import CvVersion


class CvVersionCreate(Schema):
    version_name: Name = Field(examples=["Backend-focused v3"])
    target_role: Name | None = Field(default=None, examples=["Senior Backend Engineer"])
    summary: LongText | None = None
    content: LongText | None = None
    file_url: UrlText | None = None
    is_active: bool = True


class CvVersionUpdate(UpdateSchema):
    __orm_model__ = CvVersion

    version_name: Name | None = None
    target_role: Name | None = None
    summary: LongText | None = None
    content: LongText | None = None
    file_url: UrlText | None = None
    is_active: bool | None = None


class CvVersionRead(ReadSchema):
    id: int
    version_name: str
    target_role: str | None
    summary: str | None
    content: str | None
    file_url: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class CvVersionSort(StrEnum):
    version_name = "version_name"
    created_at = "created_at"
    updated_at = "updated_at"
