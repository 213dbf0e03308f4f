"""Entity tags on single resources and the ``If-Match`` precondition on writes.

A tag is derived from the row's id and ``updated_at`` (microseconds), so it changes with every
write that changes the row. Writes lock the row before comparing, so two clients holding the same
tag cannot both win: the second one gets 412.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

from fastapi import Header, Response

from app.errors import PreconditionFailed

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

IF_MATCH_DOC = (
    "Optional `If-Match`: send the `ETag` from your last read and the write happens only if "
    "nobody changed the row since (otherwise 412, and nothing is changed); `*` matches any "
    "existing row. Without it the last write wins."
)


class Versioned(Protocol):
    id: int
    updated_at: datetime


@dataclass
class Version:
    """A row's version read without the ORM (what an ETag names)."""

    id: int
    updated_at: datetime


IfMatch = Annotated[
    str | None,
    Header(
        description="The `ETag` you last read; the write fails with 412 if the row changed since. "
        "`*` matches any existing row.",
        max_length=1000,
    ),
]


def etag_of(obj: Versioned) -> str:
    """A strong entity tag for this version of the row."""
    micros = (obj.updated_at - _EPOCH) // _MICROSECOND
    return f'"{obj.id}-{micros:x}"'


def check_if_match(if_match: str | None, obj: Versioned) -> None:
    """412 unless ``If-Match`` is absent, ``*``, or names the row's current tag.

    Weak tags (``W/"…"``) are compared by their value: clients and proxies add the prefix freely.
    """
    if if_match is None:
        return
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" in tags or etag_of(obj) in tags:
        return
    raise PreconditionFailed(
        "The row changed since you read it (If-Match does not name its current ETag); "
        "read it again and reapply your change."
    )


def set_etag(response: Response, obj: Versioned) -> None:
    response.headers["ETag"] = etag_of(obj)
