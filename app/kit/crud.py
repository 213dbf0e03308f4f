"""Shared building blocks for owned resources: lookups, writes, and a router for simple ones.

Deliberately *without* ``from __future__ import annotations``: the router factory builds
handlers whose annotations must be real objects FastAPI can read.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.errors import Conflict, NotFound, Unprocessable
from app.kit.pagination import PageQuery, SortOrder, paginate
from app.kit.responses import problems
from app.kit.schemas import IdPath, Page, SearchText
from app.models import User

M = TypeVar("M")


async def get_owned(
    session: AsyncSession,
    model: type[M],
    ident: int,
    user: User,
    what: str,
    *,
    options: Sequence[Any] = (),
    include_deleted: bool = False,
) -> M:
    """The row with this id owned by this user, or NotFound (also for other users' rows)."""
    stmt = select(model).where(model.id == ident, model.owner_id == user.id)  # type: ignore[attr-defined]
    if not include_deleted and hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
    if options:
        stmt = stmt.options(*options)
    obj = (await session.execute(stmt)).scalar_one_or_none()
    if obj is None:
        raise NotFound(what, ident)
    return obj


async def soft_delete(session: AsyncSession, model: type, ident: int, user: User, what: str) -> None:
    """Move an owned row to the trash (it keeps its children)."""
    obj: Any = await get_owned(session, model, ident, user, what)
    obj.deleted_at = datetime.now(UTC)
    await session.flush()


async def restore(session: AsyncSession, model: type, ident: int, user: User, what: str) -> None:
    """Bring an owned row back from the trash (409 when it is not deleted)."""
    obj: Any = await get_owned(session, model, ident, user, what, include_deleted=True)
    if obj.deleted_at is None:
        raise Conflict(f"{what} {ident} is not deleted.")
    obj.deleted_at = None
    await session.flush()
    session.expunge(obj)


async def check_refs(
    session: AsyncSession, user: User, refs: dict[str, tuple[type, str, int | None]]
) -> None:
    """Body fields that name other rows must name rows this user owns (422 otherwise)."""
    for field_name, (model, what, ident) in refs.items():
        if ident is None:
            continue
        stmt = select(model.id).where(model.id == ident, model.owner_id == user.id)  # type: ignore[attr-defined]
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
        if (await session.execute(stmt)).first() is None:
            raise Unprocessable(f"{what} {ident} was not found.", field=f"body.{field_name}")


async def flush_or_conflict(session: AsyncSession, message: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(message) from exc


def apply_changes(obj: Any, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        setattr(obj, key, value)


def ilike_any(columns: Sequence[InstrumentedAttribute[Any]], q: str) -> ColumnElement[bool]:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(col.ilike(f"%{escaped}%", escape="\\") for col in columns))


def order_by(column: Any, order: SortOrder, tiebreak: Any) -> list[Any]:
    if order is SortOrder.desc:
        return [column.desc().nulls_last(), tiebreak.desc()]
    return [column.asc().nulls_last(), tiebreak.asc()]


@dataclass
class InUse:
    model: type
    column: InstrumentedAttribute[Any]
    label: str


@dataclass
class Resource:
    """Everything the generic router needs to serve one simple owned resource."""

    model: type
    name: str
    path: str
    tag: str
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    read_schema: type[BaseModel]
    sort_enum: type[StrEnum]
    sort_columns: dict[str, Any]
    default_sort: str
    search_columns: Sequence[InstrumentedAttribute[Any]]
    filters: Callable[..., Awaitable[list[ColumnElement[bool]]]]
    unique_message: str
    references: dict[str, tuple[type, str]] = field(default_factory=dict)
    in_use: list[InUse] = field(default_factory=list)
    cascade: Callable[[AsyncSession, Any], Awaitable[None]] | None = None
    options: Sequence[Any] = ()
    validate: Callable[[AsyncSession, User, dict[str, Any], Any], Awaitable[None]] | None = None
    description: str = ""


async def _in_use_counts(session: AsyncSession, res: Resource, obj: Any) -> list[str]:
    found = []
    for dep in res.in_use:
        n = (
            await session.execute(select(func.count()).select_from(dep.model).where(dep.column == obj.id))
        ).scalar_one()
        if n:
            found.append(f"{n} {dep.label}")
    return found


def crud_router(res: Resource) -> APIRouter:
    router = APIRouter(prefix=f"/api/{res.path}", tags=[res.tag])
    name, plural = res.name, res.path.replace("-", " ")
    Read, Create, Update = res.read_schema, res.create_schema, res.update_schema
    SortBy = res.sort_enum

    async def _load(session: AsyncSession, ident: int, user: User) -> Any:
        return await get_owned(session, res.model, ident, user, name, options=res.options)

    async def _refs(session: AsyncSession, user: User, data: dict[str, Any], obj: Any) -> None:
        await check_refs(
            session,
            user,
            {f: (m, label, data[f]) for f, (m, label) in res.references.items() if f in data},
        )
        if res.validate:
            await res.validate(session, user, data, obj)

    async def list_items(
        session: SessionDep,
        user: CurrentUser,
        page: PageQuery,
        conditions: Annotated[list[ColumnElement[bool]], Depends(res.filters)],
        q: Annotated[SearchText | None, Query(description="Case-insensitive text search.")] = None,
        sort_by: Annotated[SortBy, Query(description="Sort field.")] = SortBy(res.default_sort),  # type: ignore[valid-type]
        sort_order: Annotated[SortOrder, Query()] = SortOrder.asc,
    ) -> Page[Read]:  # type: ignore[valid-type]
        stmt: Select[Any] = select(res.model).where(res.model.owner_id == user.id, *conditions)  # type: ignore[attr-defined]
        if q:
            stmt = stmt.where(ilike_any(res.search_columns, q))
        stmt = stmt.order_by(*order_by(res.sort_columns[sort_by.value], sort_order, res.model.id))  # type: ignore[attr-defined]
        if res.options:
            stmt = stmt.options(*res.options)
        return await paginate(session, stmt, page, Read.model_validate)

    list_items.__doc__ = f"List your {plural}, filtered, searched (`q`), sorted and paginated."
    router.add_api_route(
        "",
        list_items,
        methods=["GET"],
        response_model=Page[Read],  # type: ignore[valid-type]
        summary=f"List {plural}",
        responses=problems(401, 422),
    )

    async def create_item(data: Create, session: SessionDep, user: CurrentUser) -> Any:  # type: ignore[valid-type]
        values = data.model_dump()  # type: ignore[attr-defined]
        await _refs(session, user, values, None)
        obj = res.model(owner_id=user.id, **values)
        session.add(obj)
        await flush_or_conflict(session, res.unique_message)
        return Read.model_validate(await _load(session, obj.id, user))

    create_item.__doc__ = f"Create a {name.lower()}. {res.description}".strip()
    router.add_api_route(
        "",
        create_item,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=Read,
        summary=f"Create a {name.lower()}",
        responses=problems(401, 409, 422),
    )

    async def get_item(item_id: IdPath, session: SessionDep, user: CurrentUser) -> Any:
        return Read.model_validate(await _load(session, item_id, user))

    get_item.__doc__ = f"One {name.lower()} of yours by id (404 for ids you do not own)."
    router.add_api_route(
        "/{item_id}",
        get_item,
        methods=["GET"],
        response_model=Read,
        summary=f"Get a {name.lower()}",
        responses=problems(401, 404, 422),
    )

    async def update_item(item_id: IdPath, data: Update, session: SessionDep, user: CurrentUser) -> Any:  # type: ignore[valid-type]
        obj = await _load(session, item_id, user)
        changes = data.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        await _refs(session, user, changes, obj)
        apply_changes(obj, changes)
        await flush_or_conflict(session, res.unique_message)
        session.expire(obj)
        return Read.model_validate(await _load(session, item_id, user))

    update_item.__doc__ = f"Change some fields of a {name.lower()}; fields you leave out keep their values."
    router.add_api_route(
        "/{item_id}",
        update_item,
        methods=["PATCH"],
        response_model=Read,
        summary=f"Update a {name.lower()}",
        responses=problems(401, 404, 409, 422),
    )

    async def delete_item(
        item_id: IdPath,
        session: SessionDep,
        user: CurrentUser,
        cascade: Annotated[
            bool, Query(description="Also delete the rows that use it (otherwise 409 when in use).")
        ] = False,
    ) -> None:
        obj = await _load(session, item_id, user)
        used = await _in_use_counts(session, res, obj)
        if used and not cascade:
            raise Conflict(
                f"{name} {item_id} is still used by {', '.join(used)}; "
                "delete those first or pass ?cascade=true to delete them too."
            )
        if used and res.cascade:
            await res.cascade(session, obj)
        await session.execute(delete(res.model).where(res.model.id == obj.id))  # type: ignore[attr-defined]

    delete_item.__doc__ = (
        f"Delete a {name.lower()}. If other rows still use it the answer is 409, "
        "unless `cascade=true` asks to delete them too."
    )
    router.add_api_route(
        "/{item_id}",
        delete_item,
        methods=["DELETE"],
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {name.lower()}",
        responses=problems(401, 404, 409, 422),
    )
    return router
