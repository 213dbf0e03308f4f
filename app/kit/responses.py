"""OpenAPI documentation of problem-details responses, and JSON responses serialised once."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

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


def model_json(model: BaseModel, status_code: int = 200) -> Response:
    """The model as the response body, serialised once: a model returned as is would be dumped
    by FastAPI and validated again against the route's ``response_model`` first. For routes
    whose model is built from trusted data (the database), on hot paths."""
    return Response(to_json(model), status_code=status_code, media_type="application/json")
