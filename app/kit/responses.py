"""OpenAPI documentation of problem-details responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid credentials",
    403: "Forbidden",
    404: "Not found (or owned by another user)",
    409: "Conflict with existing data",
    412: "`If-Match` names a version that is no longer current",
    413: "Payload too large",
    422: "Validation failed; `errors` lists the fields",
    429: "Rate limit exceeded; see `Retry-After`",
    502: "The LLM provider failed",
    503: "A backing service is unavailable",
    504: "The LLM provider timed out",
}


class FieldError(BaseModel):
    field: str
    loc: list[str] | None = None
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=["/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Interview 42 was not found."])
    instance: str | None = None
    errors: list[FieldError] | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        s: {
            "model": Problem,
            "description": _DESCRIPTIONS.get(s, "Error"),
            "content": {"application/problem+json": {}},
        }
        for s in statuses
    }
