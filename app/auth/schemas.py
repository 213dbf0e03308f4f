from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field, field_validator, model_validator

from app.kit.schemas import ReadSchema, Schema, ShortText

MAX_PASSWORD_CHARS = 128

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
        max_length=MAX_PASSWORD_CHARS,
        examples=["correct-horse-42"],
        description="8–128 characters, with a letter and a digit or symbol; not a common password.",
    )
    full_name: ShortText | None = Field(default=None, examples=["Ada Lovelace"])

    @field_validator("password")
    @classmethod
    def _strong(cls, value: str) -> str:
        return strong_password(value)

    @model_validator(mode="after")
    def _not_email(self) -> UserCreate:
        if contains_email(self.password, self.email):
            raise ValueError("password must not contain the email address")
        return self


def strong_password(value: str) -> str:
    """The rules every new password meets (registration and password change)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if value.lower() in _COMMON or len(set(value)) < 4:
        raise ValueError("is too common or too repetitive")
    if not re.search(r"[A-Za-z]", value) or not re.search(r"[^A-Za-z]", value):
        raise ValueError("needs at least one letter and one digit or symbol")
    return value


def contains_email(password: str, email: str) -> bool:
    local = email.split("@", 1)[0].lower()
    return len(local) >= 4 and local in password.lower()


# A password typed at login or to confirm a change: never longer than any password we accept,
# so an oversized one is refused (422) before anything is hashed.
PasswordInput = Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_CHARS)]


class PasswordChange(Schema):
    current_password: PasswordInput
    new_password: str = Field(
        min_length=8,
        max_length=MAX_PASSWORD_CHARS,
        examples=["another-horse-43"],
        description="The same rules as at registration, and not the current password.",
    )

    @field_validator("new_password")
    @classmethod
    def _strong(cls, value: str) -> str:
        return strong_password(value)

    @model_validator(mode="after")
    def _changed(self) -> PasswordChange:
        if self.new_password == self.current_password:
            raise ValueError("new_password must differ from the current password")
        return self


class AccountDelete(Schema):
    password: PasswordInput = Field(description="Your current password, to confirm.")


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
