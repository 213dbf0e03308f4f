"""Import an export document into the caller's account: validated whole before anything is
written, ids remapped, all or nothing. Never commits (a dry run rolls its savepoint back)."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, Numeric, String, Uuid, insert, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import AppError
from app.kit.schemas import as_utc
from app.transfer.tables import BY_NAME, FORMAT, OWNED, VERSION, Owned

MAX_ERRORS = 50
INT_MAX = 2**31 - 1
INSERT_BATCH = 1000
_MISSING = object()


class ImportReport(BaseModel):
    dry_run: bool
    created: dict[str, int]
    reused: dict[str, int]


class InvalidDocument(AppError):
    """422 naming every path at fault (``tables.interviews[3].company_id``)."""

    status = 422
    title = "Validation failed"

    def __init__(self, errors: list[dict[str, str]]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"The document is not valid: {first['field']}: {first['message']}{more}. Nothing was imported.",
            extra={"errors": errors},
        )


class _TableFailed(Exception):
    """A database error while writing one table of the document (the problem names the table)."""

    def __init__(self, table: str, error: DBAPIError) -> None:
        super().__init__(table)
        self.table, self.error = table, error


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, path: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append({"field": path, "message": message, "type": "value_error"})

    def raise_any(self) -> None:
        if self.items:
            raise InvalidDocument(self.items)


def parse(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidDocument(
            [{"field": "body", "message": f"not JSON ({exc})", "type": "json_invalid"}]
        ) from exc


def _utc(value: datetime) -> datetime:
    """UTC, within the range every datetime the API accepts must fall in (ValueError otherwise,
    also where converting to UTC would overflow)."""
    return as_utc(value)


def _coerce(col: Column[Any], value: Any) -> Any:
    """The Python value for this column, or ValueError saying what is wrong."""
    t = col.type
    if isinstance(t, SAEnum):
        if t.enum_class is None or not isinstance(value, str):
            raise ValueError(f"must be one of {', '.join(t.enums)}")
        try:
            return t.enum_class(value)
        except ValueError:
            raise ValueError(f"must be one of {', '.join(t.enums)}") from None
    if isinstance(t, Boolean):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if isinstance(t, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > INT_MAX:
            raise ValueError("must be an integer")
        return value
    if isinstance(t, Float | Numeric):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        return float(value)
    if isinstance(t, DateTime):
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date-time")
        return _utc(datetime.fromisoformat(value))
    if isinstance(t, Date):
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date")
        return date.fromisoformat(value)
    if isinstance(t, Uuid):
        if not isinstance(value, str):
            raise ValueError("must be a UUID")
        return uuid.UUID(value)
    if isinstance(t, ARRAY):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of strings")
        return value
    if isinstance(t, JSONB):
        return value
    if isinstance(t, String):  # Text too
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if t.length is not None and len(value) > t.length:
            raise ValueError(f"must be at most {t.length} characters")
        return value
    raise ValueError(f"unsupported column type {t}")


def _required(col: Column[Any]) -> bool:
    return not col.nullable and col.server_default is None


class _Row:
    __slots__ = ("old_id", "values")

    def __init__(self, old_id: Any, values: dict[str, Any]) -> None:
        self.old_id = old_id
        self.values = values


def validate(doc: Any) -> dict[str, list[_Row]]:
    """Every table's rows as column values (references still document ids), or 422 naming the
    paths at fault: bad types, unknown tables or columns, and dangling references."""
    errors = _Errors()
    if not isinstance(doc, dict):
        errors.add("body", "must be a JSON object")
        errors.raise_any()
    if doc.get("format") != FORMAT:
        errors.add("format", f"must be {FORMAT!r}")
    if doc.get("version") != VERSION:
        errors.add("version", f"this server reads version {VERSION}")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        errors.add("tables", "must be an object of table name → rows")
        errors.raise_any()
    for name in tables:
        if name not in BY_NAME:
            errors.add(f"tables.{name}", "is not a table this server imports")
    errors.raise_any()

    out: dict[str, list[_Row]] = {}
    ids: dict[str, set[Any]] = {}
    for spec in OWNED:
        rows = tables.get(spec.name, [])
        if not isinstance(rows, list):
            errors.add(f"tables.{spec.name}", "must be a list of rows")
            continue
        out[spec.name] = _validate_table(spec, rows, ids, errors)
    errors.raise_any()
    return out


def _validate_table(spec: Owned, rows: list[Any], ids: dict[str, set[Any]], errors: _Errors) -> list[_Row]:
    columns = {c.name: c for c in spec.columns()}
    refs = spec.references()
    seen: set[Any] = ids.setdefault(spec.name, set())
    out = []
    for i, raw in enumerate(rows):
        path = f"tables.{spec.name}[{i}]"
        if not isinstance(raw, dict):
            errors.add(path, "must be an object")
            continue
        for key in raw.keys() - columns.keys():
            errors.add(f"{path}.{key}", "is not a column of this table")
        values: dict[str, Any] = {}
        for name, col in columns.items():
            value = raw.get(name, _MISSING)
            if value is _MISSING or value is None:
                if _required(col) or (value is None and not col.nullable):
                    errors.add(f"{path}.{name}", "is required" if value is _MISSING else "must not be null")
                elif value is None:
                    values[name] = None
                continue
            try:
                values[name] = _coerce(col, value)
            except ValueError as exc:
                errors.add(f"{path}.{name}", str(exc))
                continue
            target = refs.get(name)
            if target is not None and values[name] not in ids.get(target, set()):
                errors.add(f"{path}.{name}", f"no {target} row with id {value} in the document")
        if spec.polymorphic is not None:
            _check_polymorphic(spec, values, ids, f"{path}", errors)
        old_id = values.get("id") if spec.has_id else None
        if spec.has_id and old_id is not None:
            if old_id in seen:
                errors.add(f"{path}.id", f"id {old_id} appears twice")
            seen.add(old_id)
        out.append(_Row(old_id, values))
    return out


def _check_polymorphic(
    spec: Owned, values: dict[str, Any], ids: dict[str, set[Any]], path: str, errors: _Errors
) -> None:
    assert spec.polymorphic is not None
    column, kind_column, targets = spec.polymorphic
    kind = values.get(kind_column)
    ref = values.get(column)
    target = targets.get(kind.value if isinstance(kind, Enum) else str(kind))
    if ref is None:
        return
    if target is None:
        errors.add(f"{path}.{column}", f"must be null when {kind_column} is {kind}")
    elif ref not in ids.get(target, set()):
        errors.add(f"{path}.{column}", f"no {target} row with id {ref} in the document")


async def import_document(session: AsyncSession, owner_id: int, doc: Any, *, dry_run: bool) -> ImportReport:
    """Create the document's rows for this owner (reusing live companies, roles, skills, CV
    versions and user skills with the same natural key). A dry run writes, counts and rolls back."""
    tables = validate(doc)
    nested = await session.begin_nested()
    try:
        created, reused = await _write(session, owner_id, tables)
    except (DBAPIError, _TableFailed) as exc:
        await nested.rollback()
        raise _database_problem(exc) from exc
    if dry_run:
        await nested.rollback()
    else:
        await nested.commit()
    return ImportReport(dry_run=dry_run, created=created, reused=reused)


def _database_problem(exc: DBAPIError | _TableFailed) -> InvalidDocument:
    table, error = (exc.table, exc.error) if isinstance(exc, _TableFailed) else ("tables", exc)
    message = str(getattr(error, "orig", error)).splitlines()[0]
    return InvalidDocument([{"field": f"tables.{table}", "message": message, "type": "value_error"}])


async def _write(
    session: AsyncSession, owner_id: int, tables: dict[str, list[_Row]]
) -> tuple[dict[str, int], dict[str, int]]:
    id_map: dict[str, dict[Any, int]] = defaultdict(dict)
    batches: dict[uuid.UUID, uuid.UUID] = defaultdict(uuid.uuid4)  # trash batches stay distinct
    created: dict[str, int] = {}
    reused: dict[str, int] = {}
    for spec in OWNED:
        rows = tables.get(spec.name, [])
        refs = spec.references()
        pending: list[tuple[Any, dict[str, Any]]] = []
        for row in rows:
            values = dict(row.values)
            values.pop("id", None)
            for column, target in refs.items():
                if values.get(column) is not None:
                    values[column] = id_map[target][values[column]]
            if spec.polymorphic is not None:
                column, kind_column, targets = spec.polymorphic
                source_table = targets.get(values[kind_column].value)
                if values.get(column) is not None and source_table is not None:
                    values[column] = id_map[source_table][values[column]]
            if values.get("deleted_batch") is not None:
                values["deleted_batch"] = batches[values["deleted_batch"]]
            if "owner_id" in spec.table.c:
                values["owner_id"] = owner_id
            pending.append((row.old_id, values))
        ids = id_map[spec.name]
        try:
            pending, aliases = await _reuse_existing(session, spec, owner_id, pending, ids)
            await _insert(session, spec, pending, ids)
        except DBAPIError as exc:
            raise _TableFailed(spec.name, exc) from exc
        for old_id, first_old_id in aliases:  # later duplicates → the row made for the first
            ids[old_id] = ids[first_old_id]
        created[spec.name] = len(pending)
        reused[spec.name] = len(rows) - len(pending)
    return created, reused


def _key(spec: Owned, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        v.lower() if spec.casefold and isinstance(v, str) and not isinstance(v, Enum) else v
        for v in (values.get(k) for k in spec.natural_key)
    )


async def _reuse_existing(
    session: AsyncSession,
    spec: Owned,
    owner_id: int,
    pending: list[tuple[Any, dict[str, Any]]],
    ids: dict[Any, int],
) -> tuple[list[tuple[Any, dict[str, Any]]], list[tuple[Any, Any]]]:
    """Rows whose natural key matches a live row of the owner map to it; a later row with the
    key of an earlier row of the document is an alias of it. Returns the rows to create and the
    aliases (old id, the earlier old id)."""
    if not spec.natural_key:
        return pending, []
    table = spec.table
    live = "deleted_at" in table.c
    stmt = select(table.c.id, *(table.c[k] for k in spec.natural_key)).where(table.c.owner_id == owner_id)
    if live:
        stmt = stmt.where(table.c.deleted_at.is_(None))
    existing = {
        _key(spec, dict(zip(spec.natural_key, row[1:], strict=True))): row[0]
        for row in (await session.execute(stmt)).all()
    }
    keep: list[tuple[Any, dict[str, Any]]] = []
    first_in_doc: dict[tuple[Any, ...], Any] = {}
    aliases: list[tuple[Any, Any]] = []
    for old_id, values in pending:
        if live and values.get("deleted_at") is not None:
            keep.append((old_id, values))
            continue
        key = _key(spec, values)
        if key in existing:
            ids[old_id] = existing[key]
        elif key in first_in_doc:
            aliases.append((old_id, first_in_doc[key]))
        else:
            first_in_doc[key] = old_id
            keep.append((old_id, values))
    return keep, aliases


async def _insert(
    session: AsyncSession, spec: Owned, pending: list[tuple[Any, dict[str, Any]]], ids: dict[Any, int]
) -> None:
    table = spec.table
    # executemany needs one key set per statement; rows that omit server-defaulted columns
    # form their own group.
    groups: dict[frozenset[str], list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for item in pending:
        groups[frozenset(item[1])].append(item)
    for group in groups.values():
        for start in range(0, len(group), INSERT_BATCH):
            chunk = group[start : start + INSERT_BATCH]
            params = [values for _, values in chunk]
            if spec.has_id:
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                new_ids = (await session.execute(stmt, params)).scalars().all()
                for (old_id, _), new_id in zip(chunk, new_ids, strict=True):
                    ids[old_id] = new_id
            else:
                await session.execute(insert(table), params)
