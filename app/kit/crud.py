"""Shared building blocks for owned resources: lookups, writes, trash, and a router for simple ones.

Knows no domain: the owner is an id (or anything with an ``id``) handed in by the caller, and the
router factory takes the current-user dependency from the domain router.

Deliberately *without* ``from __future__ import annotations``: the router factory builds
handlers whose annotations must be real objects FastAPI can read.
"""

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Protocol,
    TypeAlias,
    TypeGuard,
    TypeVar,
    runtime_checkable,
)
from uuid import UUID, uuid4

from fastapi import Depends, Query, Response, status
from pydantic import BaseModel
from sqlalchemy import Column, ColumnElement, Select, Table, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Mapped

from app.db import DbOrSession, SessionDep, fetchval, read_only
from app.errors import Conflict, NotFound, Unprocessable, integrity_error
from app.kit.etag import IF_MATCH_DOC, IfMatch, check_if_match, set_etag
from app.kit.pagination import PageQuery, SortOrder, paginate
from app.kit.query import search_query
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import IdPath, Page
from app.kit.search import ranked_match

SEARCH_HELP = (
    "Search by words or word beginnings (`postgres` finds PostgreSQL), case-insensitive and "
    "tolerant of small typos; results come best match first unless `sort_by` is given."
)


class HasId(Protocol):
    id: int


Owner = int | HasId  # an owner id, or the user row itself


def owner_id_of(owner: Owner) -> int:
    return owner if isinstance(owner, int) else owner.id


class Owned(Protocol):
    """A mapped model whose rows belong to an owner (``IdMixin`` + ``OwnedMixin``).

    ``ClassVar[Mapped[...]]`` makes mypy read the attributes as SQLAlchemy's descriptors:
    ``Model.id`` is the column (for SQL), ``row.id`` the value.
    """

    id: ClassVar[Mapped[int]]
    owner_id: ClassVar[Mapped[int]]

    def __init__(self, **values: Any) -> None: ...


class Trashable(Owned, Protocol):
    """An owned model with a trash (``SoftDeleteMixin``)."""

    deleted_at: ClassVar[Mapped[datetime | None]]
    deleted_batch: ClassVar[Mapped[UUID | None]]


class Tracked(Owned, Protocol):
    """An owned model with ``updated_at`` (``TimestampMixin``), which ETags are made from."""

    updated_at: ClassVar[Mapped[datetime]]


@runtime_checkable
class TrashableRow(Protocol):
    """A row of a trashable model, to write to (mypy forbids assigning a ClassVar through an
    instance, so the writes see plain attributes)."""

    @property
    def id(self) -> int: ...
    @property
    def owner_id(self) -> int: ...

    deleted_at: datetime | None
    deleted_batch: UUID | None


M = TypeVar("M", bound=Owned)
# A column that references a row: a model's attribute, or a column of a plain link table.
RefColumn: TypeAlias = InstrumentedAttribute[Any] | Column[Any]


def in_trash(model: object) -> TypeGuard[type[Trashable]]:
    """Whether rows of this model go to a trash rather than away."""
    return hasattr(model, "deleted_at")


async def get_owned(
    session: AsyncSession,
    model: type[M],
    ident: int,
    owner: Owner,
    what: str,
    *,
    options: Sequence[Any] = (),
    include_deleted: bool = False,
    lock: bool = False,
) -> M:
    """The row with this id owned by this owner, or NotFound (also for other users' rows).

    ``lock`` takes ``FOR UPDATE`` on it: writes that check something before changing the row
    (an ``If-Match``, an invariant across fields) must see the version they change.
    """
    stmt = select(model).where(model.id == ident, model.owner_id == owner_id_of(owner))
    if not include_deleted and in_trash(model):
        stmt = stmt.where(model.deleted_at.is_(None))
    if options:
        stmt = stmt.options(*options)
    if lock:
        stmt = stmt.with_for_update(of=model)
    obj = (await session.execute(stmt)).scalar_one_or_none()
    if obj is None:
        raise NotFound(what, ident)
    return obj


async def trash(
    session: AsyncSession, obj: TrashableRow, cascade: Sequence[tuple[type[Trashable], RefColumn]] = ()
) -> UUID:
    """Move a row to the trash, with the live rows that reference it through ``cascade``
    (model, referencing column). They share one batch id, which restore uses."""
    batch, now = uuid4(), datetime.now(UTC)
    for model, column in cascade:
        await session.execute(
            update(model)
            .where(column == obj.id, model.owner_id == obj.owner_id, model.deleted_at.is_(None))
            .values(deleted_at=now, deleted_batch=batch)
            .execution_options(synchronize_session=False)
        )
    obj.deleted_at, obj.deleted_batch = now, batch
    await session.flush()
    return batch


async def soft_delete(
    session: AsyncSession, model: type[Trashable], ident: int, owner: Owner, what: str
) -> None:
    """Move an owned row to the trash on its own (it keeps its children)."""
    await trash(session, await get_owned(session, model, ident, owner, what, lock=True))


async def restore(
    session: AsyncSession,
    model: type[Trashable],
    ident: int,
    owner: Owner,
    what: str,
    *,
    related: Sequence[type[Trashable]] = (),
    parents: Mapping[str, tuple[type[Trashable], str]] = {},
    clash: str = "A live row with the same name exists; rename or delete it first.",
) -> None:
    """Bring an owned row back from the trash with exactly what its delete took (rows of the
    ``related`` models in the same batch). 409 when it is not in the trash, when a parent it
    needs (``parents``: field → model, label) is still in the trash, or when a live row now
    holds its name."""
    obj: TrashableRow = await get_owned(session, model, ident, owner, what, include_deleted=True, lock=True)
    if obj.deleted_at is None:
        raise Conflict(f"{what} {ident} is not in the trash.")
    for field_name, (parent, label) in parents.items():
        parent_id = getattr(obj, field_name)
        if parent_id is None:
            continue
        stmt = select(parent.deleted_at).where(parent.id == parent_id).with_for_update(read=True)
        if (await session.execute(stmt)).scalar() is not None:
            raise Conflict(f"{label} {parent_id} is in the trash; restore it first.")
    try:
        if obj.deleted_batch is not None:
            for rel in related:
                await session.execute(
                    update(rel)
                    .where(rel.deleted_batch == obj.deleted_batch)
                    .values(deleted_at=None, deleted_batch=None)
                    .execution_options(synchronize_session=False)
                )
        obj.deleted_at, obj.deleted_batch = None, None
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(clash) from exc
    session.expunge(obj)


async def check_refs(
    source: DbOrSession, owner: Owner, refs: Mapping[str, tuple[type[Owned], str, int | None]]
) -> None:
    """Body fields that name other rows must name live rows this owner has (422 otherwise).

    Each row found is held with ``FOR KEY SHARE`` until commit, so a concurrent delete cannot
    trash it between this check and the write that points at it. One constant statement per
    model, on the transaction's connection (``app.db.fetchval``).
    """
    for field_name, (model, what, ident) in refs.items():
        if ident is None:
            continue
        if await fetchval(source, _ref_sql(model), ident, owner_id_of(owner)) is None:
            raise Unprocessable(f"{what} {ident} was not found.", field=f"body.{field_name}")


@functools.cache
def _ref_sql(model: type[Owned]) -> str:
    live = " AND deleted_at IS NULL" if in_trash(model) else ""
    table = model.__table__.name  # type: ignore[attr-defined]
    return f"SELECT id FROM {table} WHERE id = $1 AND owner_id = $2{live} FOR KEY SHARE"


async def flush_or_conflict(session: AsyncSession, message: str) -> None:
    """Flush; a duplicate becomes 409 with ``message``, any other violated constraint what it
    means (422 for a bad reference or value, 409 for a row still in use), and is logged."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise integrity_error(exc, message) from exc


def apply_changes(obj: Any, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        setattr(obj, key, value)


def order_by(column: Any, order: SortOrder, tiebreak: Any) -> list[Any]:
    if order is SortOrder.desc:
        return [column.desc().nulls_last(), tiebreak.desc()]
    return [column.asc().nulls_last(), tiebreak.asc()]


@dataclass
class InUse:
    model: type[Owned] | Table
    column: RefColumn
    label: str


@dataclass
class Resource:
    """Everything the generic router needs to serve one simple owned resource."""

    model: type[Tracked]
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
    # The dependency that yields the current user (anything with an ``id``): kit knows no auth.
    current_user: Callable[..., Any]
    references: dict[str, tuple[type[Owned], str]] = field(default_factory=dict)
    # Rows that reference this one. Trash-able ones go to the trash with it on ``cascade=true``
    # (and come back on restore); the others (links) stay and come back with it.
    in_use: list[InUse] = field(default_factory=list)
    # Extra conditions a row must meet to be seen at all (e.g. its parent is not in the trash).
    visible: Sequence[ColumnElement[bool]] = ()
    options: Sequence[Any] = ()
    # Checks a create (obj None) or an update and returns the changes to apply, normalised;
    # it must not mutate ``data``.
    validate: Callable[[AsyncSession, int, dict[str, Any], Any], Awaitable[dict[str, Any]]] | None = None
    description: str = ""


async def _in_use_counts(session: AsyncSession, res: Resource, obj: Any) -> list[str]:
    """What a cascade would take: live referencing rows only, in every referencing table."""
    found = []
    for dep in res.in_use:
        stmt = select(func.count()).select_from(dep.model).where(dep.column == obj.id)
        if in_trash(dep.model):
            stmt = stmt.where(dep.model.deleted_at.is_(None))
        n = (await session.execute(stmt)).scalar_one()
        if n:
            found.append(f"{n} {dep.label}")
    return found


def _trash_filters(res: Resource) -> Callable[..., Awaitable[list[ColumnElement[bool]]]]:
    """The resource's own filters plus visibility and, for trash-able rows, ``deleted``."""
    own, model = res.filters, res.model

    if not in_trash(model):

        async def visible_only(
            conditions: Annotated[list[ColumnElement[bool]], Depends(own)],
        ) -> list[ColumnElement[bool]]:
            return [*conditions, *res.visible]

        return visible_only

    column = model.deleted_at

    async def live_or_trash(
        conditions: Annotated[list[ColumnElement[bool]], Depends(own)],
        deleted: Annotated[bool, Query(description="List the trash instead.")] = False,
    ) -> list[ColumnElement[bool]]:
        return [*conditions, *res.visible, column.is_not(None) if deleted else column.is_(None)]

    return live_or_trash


def crud_router(res: Resource) -> Router:
    router = Router(prefix=f"/api/{res.path}", tags=[res.tag])
    name, plural = res.name, res.path.replace("-", " ")
    if TYPE_CHECKING:
        # A class held in a variable is no type to mypy: it checks the handlers against the base
        # classes, while FastAPI reads the resource's own schemas from the annotations at runtime.
        Read: TypeAlias = BaseModel
        Create: TypeAlias = BaseModel
        Update: TypeAlias = BaseModel
        SortBy: TypeAlias = StrEnum
    else:
        Read, Create, Update = res.read_schema, res.create_schema, res.update_schema
        SortBy = res.sort_enum
    CurrentUser = Annotated[HasId, Depends(res.current_user)]
    soft = in_trash(res.model)
    res = replace(res, filters=_trash_filters(res))

    async def _load(session: AsyncSession, ident: int, owner_id: int, *, lock: bool = False) -> Tracked:
        obj = await get_owned(
            session, res.model, ident, owner_id, name, options=() if lock else res.options, lock=lock
        )
        if res.visible:
            stmt = select(res.model.id).where(res.model.id == ident, *res.visible)
            if (await session.execute(stmt)).first() is None:
                raise NotFound(name, ident)
        return obj

    async def _refs(
        session: AsyncSession, owner_id: int, data: dict[str, Any], obj: Tracked | None
    ) -> dict[str, Any]:
        await check_refs(
            session,
            owner_id,
            {f: (m, label, data[f]) for f, (m, label) in res.references.items() if f in data},
        )
        return await res.validate(session, owner_id, data, obj) if res.validate else data

    async def list_items(
        session: SessionDep,
        user: CurrentUser,
        page: PageQuery,
        conditions: Annotated[list[ColumnElement[bool]], Depends(res.filters)],
        q: Annotated[str | None, Depends(search_query(SEARCH_HELP))],
        sort_by: Annotated[
            SortBy | None,
            Query(
                description=f"Sort field. Default: by relevance when searching, else `{res.default_sort}`."
            ),
        ] = None,
        sort_order: Annotated[SortOrder, Query()] = SortOrder.asc,
    ) -> Page[Read]:
        stmt: Select[Any] = select(res.model).where(res.model.owner_id == user.id, *conditions)
        column = res.sort_columns[sort_by.value if sort_by else res.default_sort]
        if q:
            matches, rank = ranked_match(res.search_columns, q)
            stmt = stmt.where(matches)
            if sort_by is None:
                stmt = stmt.order_by(rank.desc())
        stmt = stmt.order_by(*order_by(column, sort_order, res.model.id))
        if res.options:
            stmt = stmt.options(*res.options)
        return await paginate(session, stmt, page, Read.model_validate)

    list_items.__doc__ = f"List your {plural}, filtered, searched (`q`), sorted and paginated."
    router.add_api_route(
        "",
        read_only(list_items),
        methods=["GET"],
        response_model=Page[Read],
        summary=f"List {plural}",
        responses=problems(401, 422),
    )

    async def create_item(data: Create, session: SessionDep, user: CurrentUser, response: Response) -> Any:
        values = await _refs(session, user.id, data.model_dump(), None)
        obj = res.model(owner_id=user.id, **values)
        session.add(obj)
        await flush_or_conflict(session, res.unique_message)
        created = await _load(session, obj.id, user.id)
        set_etag(response, created)
        return Read.model_validate(created)

    create_item.__doc__ = f"Create a {name.lower()}. {res.description} The response carries its `ETag`."
    router.add_api_route(
        "",
        create_item,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=Read,
        summary=f"Create a {name.lower()}",
        responses=problems(401, 409, 422),
    )

    async def get_item(item_id: IdPath, session: SessionDep, user: CurrentUser, response: Response) -> Any:
        obj = await _load(session, item_id, user.id)
        set_etag(response, obj)
        return Read.model_validate(obj)

    get_item.__doc__ = (
        f"One {name.lower()} of yours by id (404 for ids you do not own). The `ETag` header names "
        "this version: send it back as `If-Match` when you write."
    )
    router.add_api_route(
        "/{item_id}",
        read_only(get_item),
        methods=["GET"],
        response_model=Read,
        summary=f"Get a {name.lower()}",
        responses=problems(401, 404, 422),
    )

    async def update_item(
        item_id: IdPath,
        data: Update,
        session: SessionDep,
        user: CurrentUser,
        response: Response,
        if_match: IfMatch = None,
    ) -> Any:
        obj = await _load(session, item_id, user.id, lock=True)
        check_if_match(if_match, obj)
        changes = await _refs(session, user.id, data.model_dump(exclude_unset=True), obj)
        apply_changes(obj, changes)
        await flush_or_conflict(session, res.unique_message)
        session.expire(obj)
        fresh = await _load(session, item_id, user.id)
        set_etag(response, fresh)
        return Read.model_validate(fresh)

    update_item.__doc__ = (
        f"Change some fields of a {name.lower()}; fields you leave out keep their values. "
        f"{IF_MATCH_DOC} The response carries the new `ETag`."
    )
    router.add_api_route(
        "/{item_id}",
        update_item,
        methods=["PATCH"],
        response_model=Read,
        summary=f"Update a {name.lower()}",
        responses=problems(401, 404, 409, 412, 422),
    )

    async def delete_item(
        item_id: IdPath,
        session: SessionDep,
        user: CurrentUser,
        if_match: IfMatch = None,
        cascade: Annotated[
            bool,
            Query(description="Also move the rows that use it to the trash (otherwise 409 when in use)."),
        ] = False,
    ) -> None:
        obj = await _load(session, item_id, user.id, lock=True)
        check_if_match(if_match, obj)
        used = await _in_use_counts(session, res, obj)
        if used and not cascade:
            raise Conflict(
                f"{name} {item_id} is still used by {', '.join(used)}; delete those first or pass "
                "?cascade=true to move them to the trash with it."
            )
        if isinstance(obj, TrashableRow):  # exactly when ``soft``
            await trash(session, obj, [(d.model, d.column) for d in res.in_use if in_trash(d.model)])
        else:
            await session.execute(delete(res.model).where(res.model.id == obj.id))

    delete_item.__doc__ = (
        f"Delete a {name.lower()}. If other rows still use it the answer is 409 (counting exactly "
        "what would go), unless `cascade=true` asks to take them too. "
        + (
            f"It goes to the trash (`GET /api/{res.path}?deleted=true`), with what its cascade took; "
            f"`POST /api/{res.path}/{{id}}/restore` brings all of it back. "
            if soft
            else ""
        )
        + IF_MATCH_DOC
    )
    router.add_api_route(
        "/{item_id}",
        delete_item,
        methods=["DELETE"],
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {name.lower()}",
        responses=problems(401, 404, 409, 412, 422),
    )

    model = res.model
    if not in_trash(model):
        return router

    async def restore_item(
        item_id: IdPath, session: SessionDep, user: CurrentUser, response: Response
    ) -> Any:
        await restore(
            session,
            model,
            item_id,
            user.id,
            name,
            related=[d.model for d in res.in_use if in_trash(d.model)],
            parents={f: (m, label) for f, (m, label) in res.references.items() if in_trash(m)},
            clash=res.unique_message + " Rename or delete it, then restore this one.",
        )
        obj = await _load(session, item_id, user.id)
        set_etag(response, obj)
        return Read.model_validate(obj)

    restore_item.__doc__ = (
        f"Bring a {name.lower()} back from the trash, with exactly the rows its delete took "
        "(rows trashed separately stay there). 409 if it is not in the trash, if what it belongs "
        "to is in the trash, or if a live row now has its name."
    )
    router.add_api_route(
        "/{item_id}/restore",
        restore_item,
        methods=["POST"],
        response_model=Read,
        summary=f"Restore a {name.lower()}",
        responses=problems(401, 404, 409, 422),
    )
    return router
