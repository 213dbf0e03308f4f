"""Base schemas and constrained types shared by every domain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

MAX_ID = 2_147_483_647  # PostgreSQL integer


def storable(value: str) -> str:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot hold lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(storable),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(storable),
]
UrlText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(storable),
]
LongText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(storable)]
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(storable),
]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=50),
    AfterValidator(storable),
]
Rating = Annotated[int, Field(ge=1, le=10, description="An integer from 1 (poor) to 10 (excellent).")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's id.")]
Minutes = Annotated[int, Field(ge=0, le=100_000)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Timestamps(ReadSchema):
    created_at: datetime
    updated_at: datetime


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int
