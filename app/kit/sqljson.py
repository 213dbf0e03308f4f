"""SQL that makes PostgreSQL write API JSON itself: datetimes as the API writes them, ETags as
``app.kit.etag`` makes them, objects from ``key expression`` lines, arrays of them. For the hot
reads and writes whose response is one statement's text, sent as it is (``JsonDoc``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel

S = TypeVar("S", bound=BaseModel)


def utc(column: str) -> str:
    """SQL writing a ``timestamptz`` the way the API does (Pydantic's form of a UTC datetime:
    microseconds only when there are some, then ``Z``); NULL stays NULL. One ``to_char`` and a
    ``replace`` (cheaper than testing the microseconds apart: a 20-item list page has 80)."""
    return f"""replace(to_char(({column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '.000000Z', 'Z')"""


def etag(alias: str) -> str:
    """SQL of the row's ETag, as ``app.kit.etag.etag_of`` makes it (id and ``updated_at``)."""
    micros = f"(extract(epoch FROM {alias}.updated_at) * 1000000)::bigint"
    hex_ = f"CASE WHEN {micros} < 0 THEN '-' || to_hex(-{micros}) ELSE to_hex({micros}) END"
    return f"""'"' || {alias}.id || '-' || {hex_} || '"'"""


def json_object(fields: str, **more: str) -> str:
    """``json_build_object`` of ``key column`` lines (the key when the column is the key), then
    the ``more`` keys (key=SQL expression), in that order."""
    pairs = [line.strip().rstrip(",").partition(" ") for line in fields.strip().splitlines()]
    args = [f"'{key}', {expr or key}" for key, _, expr in pairs]
    args += [f"'{key}', {expr}" for key, expr in more.items()]
    return f"json_build_object({', '.join(args)})"


def json_array(fields: str, order: str, source: str) -> str:
    """A JSON array (``[]`` when empty) of ``json_object(fields)`` over ``source`` (``FROM …``),
    in ``order``."""
    return f"coalesce((SELECT json_agg({json_object(fields)} ORDER BY {order}) {source}), '[]')"


@dataclass(frozen=True)
class JsonDoc(Generic[S]):
    """One resource as the API shows it, written by PostgreSQL: its JSON text (the ``schema``'s
    keys, in order) and its ETag. The route sends the text as it is; ``model()`` gives the
    Pydantic object to the callers that need one (MCP tools, tests)."""

    etag: str
    json: str
    schema: type[S]

    def model(self) -> S:
        return self.schema.model_validate_json(self.json)

    def response(self, status_code: int = 200) -> Response:
        return Response(self.json, status_code, {"ETag": self.etag}, "application/json")
