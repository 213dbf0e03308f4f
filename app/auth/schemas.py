from __future__ import annotations

import re
from datetime import datetime

from pydantic import EmailStr, Field, field_validator, model_validator

from app.kit.schemas import ReadSchema, Schema, ShortText

_COMMON = {
    "password",
    "password1",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "qwertyuiop",
    "iloveyou",
    "letmein1",
    "welcome1",
    "admin123",
    "abc12345",
    "11111111",
    "passw0rd",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno1",
    "changeme",
}


class UserCreate(Schema):
    email: EmailStr = Field(examples=["ada@example.com"])
    password: str = Field(
        min_length=8,
        max_length=128,
        examples=["correct-horse-42"],
        description="8–128 characters, with a letter and a digit or symbol; not a common password.",
    )
    full_name: ShortText | None = Field(default=None, examples=["Ada Lovelace"])

    @field_validator("password")
    @classmethod
    def _strong(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        if value.lower() in _COMMON or len(set(value)) < 4:
            raise ValueError("is too common or too repetitive")
        if not re.search(r"[A-Za-z]", value) or not re.search(r"[^A-Za-z]", value):
            raise ValueError("needs at least one letter and one digit or symbol")
        return value

    @model_validator(mode="after")
    def _not_email(self) -> UserCreate:
        local = self.email.split("@", 1)[0].lower()
        if len(local) >= 4 and local in self.password.lower():
            raise ValueError("password must not contain the email address")
        return self


class UserRead(ReadSchema):
    id: int
    email: str
    full_name: str | None
    is_active: bool
    created_at: datetime


class Token(ReadSchema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class ApiKeyCreate(Schema):
    name: ShortText = Field(examples=["laptop scripts"])
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class ApiKeyRead(ReadSchema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself. It is shown only this once; store it safely.")
