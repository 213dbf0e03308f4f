"""The whole account as one versioned JSON document, streamed table by table.

The generator opens its own session (the request's is closed once the response starts) in a
read-only REPEATABLE READ transaction, so the document is one consistent snapshot, and reads
each table through a server-side cursor: memory stays bounded however big the account is.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.transfer.tables import BY_NAME, FORMAT, OWNED, VERSION, Owned

BATCH = 500


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_value(value: Any) -> Any:
    """``json.dumps`` default: the column types an export can hold."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot export {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=json_value, ensure_ascii=False, separators=(",", ":"))


def owned_rows(spec: Owned, owner_id: int) -> Select[Any]:
    """The owner's rows of one table, in primary-key order."""
    table = spec.table
    if spec.owner_via is None:
        mine = table.c.owner_id == owner_id
    else:
        parent = BY_NAME[spec.references()[spec.owner_via]].table
        mine = table.c[spec.owner_via].in_(select(parent.c.id).where(parent.c.owner_id == owner_id))
    stmt: Select[Any] = select(*spec.columns()).where(mine).order_by(*table.primary_key.columns)
    return stmt


async def _table_chunks(session: AsyncSession, spec: Owned, owner_id: int) -> AsyncIterator[str]:
    result = await session.stream(owned_rows(spec, owner_id).execution_options(yield_per=BATCH))
    first = True
    async for partition in result.mappings().partitions():
        rows = ",".join(dumps(dict(row)) for row in partition)
        yield rows if first else "," + rows
        first = False


async def export_document(maker: async_sessionmaker[AsyncSession], owner_id: int) -> AsyncIterator[str]:
    """``{"format", "version", "exported_at", "tables": {name: [row, …]}}`` in chunks."""
    async with maker() as session:
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        head = {"format": FORMAT, "version": VERSION, "exported_at": iso(datetime.now(UTC))}
        yield dumps(head)[:-1] + ',"tables":{'
        for i, spec in enumerate(OWNED):
            yield ("," if i else "") + dumps(spec.name) + ":["
            async for chunk in _table_chunks(session, spec, owner_id):
                yield chunk
            yield "]"
        yield "}}\n"
        await session.rollback()
