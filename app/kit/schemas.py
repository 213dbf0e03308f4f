"""Base schemas and constrained types shared by every domain."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_args

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

MAX_ID = 2_147_483_647  # PostgreSQL integer
# Datetimes accepted from clients: wide enough for any interview, narrow enough that neither
# PostgreSQL's ±infinity mapping nor a year overflow during UTC conversion can be reached.
MIN_DATETIME = datetime(1900, 1, 1, tzinfo=UTC)
MAX_DATETIME = datetime(3000, 1, 1, tzinfo=UTC)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
TAG_MAX_LENGTH = 50


def normalise_tag(value: str) -> str:
    """Lower-case, then check: lower-casing can lengthen text (`İ` becomes two characters)."""
    value = storable(value.strip().lower())
    if not value:
        raise ValueError("must not be empty")
    if len(value) > TAG_MAX_LENGTH:
        raise ValueError(f"must be at most {TAG_MAX_LENGTH} characters once lower-cased")
    if "," in value:
        raise ValueError("must not contain commas (they separate tags in queries and CSV)")
    return value


Tag = Annotated[str, AfterValidator(normalise_tag)]


def not_bool(value: Any) -> Any:
    """JSON `true` is not the number 1: integers must be integers."""
    if isinstance(value, bool):
        raise ValueError("must be an integer, not a boolean")
    return value


# Field before the validator: the other way round pydantic writes `ge`/`le` into the JSON
# Schema instead of `minimum`/`maximum` (OpenAPI and MCP tool schemas would lose the bounds).
Rating = Annotated[
    int,
    Field(ge=1, le=10, description="An integer from 1 (poor) to 10 (excellent)."),
    BeforeValidator(not_bool),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(not_bool)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's id.")]
Minutes = Annotated[int, Field(ge=0, le=100_000), BeforeValidator(not_bool)]


def as_utc(value: datetime) -> datetime:
    """Naive means UTC; aware is converted to UTC; years outside 1900–2999 are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    offset = value.utcoffset() or timedelta(0)
    try:
        utc = (value.replace(tzinfo=None) - offset).replace(tzinfo=UTC)
    except OverflowError as exc:
        raise ValueError("must be between 1900-01-01 and 2999-12-31 (UTC)") from exc
    if not MIN_DATETIME <= utc < MAX_DATETIME:
        raise ValueError("must be between 1900-01-01 and 2999-12-31 (UTC)")
    return utc


def _end_of_date(value: Any) -> Any:
    """A date without a time, as an upper bound, means the whole of that day."""
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return value  # let the datetime parser explain what is wrong
        return datetime.combine(day, time.max)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max)
    return value


# Every datetime a client sends, in bodies and queries: stored and echoed as UTC.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
# An inclusive upper bound (`date_to`): `2026-03-31` covers that whole day.
UtcDatetimeUpTo = Annotated[datetime, BeforeValidator(_end_of_date), AfterValidator(as_utc)]
DATETIME_HELP = "ISO 8601; without an offset it means UTC."


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class UpdateSchema(Schema):
    """A PATCH body: any field may be left out, but a field whose column is NOT NULL cannot be
    set to null (422, not a database error). A subclass names its table with
    ``__orm_model__: ClassVar[Any] = Company``; ``__not_null__`` adds fields that are not columns."""

    __orm_model__: ClassVar[Any] = None
    __not_null__: ClassVar[frozenset[str]] = frozenset()
    not_nullable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        table = getattr(cls.__orm_model__, "__table__", None)
        names = set(cls.__not_null__)
        if table is not None:
            names |= {n for n in cls.model_fields if n in table.c and not table.c[n].nullable}
        cls.not_nullable = frozenset(names)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_nullable:
            raise PydanticCustomError(
                "null_not_allowed", "must not be null; leave the field out to keep its value"
            )
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        props = handler.resolve_ref_schema(schema).get("properties", {})
        for name in cls.not_nullable & props.keys():  # document them as non-nullable too
            options = [o for o in props[name].get("anyOf", []) if o != {"type": "null"}]
            if len(options) == 1:
                props[name].pop("anyOf")
                props[name].update(options[0])
            elif options:
                props[name]["anyOf"] = options
            if props[name].get("default", 0) is None:
                props[name].pop("default")
        return schema


def _is_datetime(annotation: Any) -> bool:
    return annotation is datetime or any(_is_datetime(a) for a in get_args(annotation))


class ReadSchema(BaseModel):
    """What the API returns. Every datetime field goes out in UTC (rendered with `Z`), whatever
    the value it was built from."""

    model_config = ConfigDict(from_attributes=True)
    _datetime_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._datetime_fields = tuple(
            name for name, info in cls.model_fields.items() if _is_datetime(info.annotation)
        )

    @model_validator(mode="after")
    def _datetimes_in_utc(self) -> Any:
        for name in self._datetime_fields:
            value = self.__dict__.get(name)
            if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset()):
                naive = value.tzinfo is None
                self.__dict__[name] = value.replace(tzinfo=UTC) if naive else value.astimezone(UTC)
        return self


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
