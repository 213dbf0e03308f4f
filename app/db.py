"""Engine, sessionmaker and the request's database (``request_db``: the one place that commits)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from app.config import Settings
from app.errors import from_driver, is_connection_error

F = TypeVar("F", bound=Callable[..., Any])

# Set on the request when a read-only request met a dropped connection: RetryReadMiddleware
# runs it once more (the pool has been invalidated, so the retry gets a fresh connection).
RETRY_READ = "db_retry_read"


def make_engine(settings: Settings, url: str) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        # No pre-ping: it cost a round trip on every request. A connection killed by a restart
        # fails its first statement instead; SQLAlchemy then invalidates the whole pool, a read
        # is retried once (RetryReadMiddleware) and a write answers 503.
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={
            "timeout": 5,
            "command_timeout": settings.db_statement_timeout_ms / 1000 + 5,
            "server_settings": {
                "statement_timeout": str(settings.db_statement_timeout_ms),
                "application_name": "interview-tracker",
            },
        },
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def read_only(endpoint: F) -> F:
    """Mark a GET route that never writes: it runs in autocommit (no ``BEGIN`` /
    ``COMMIT`` round trips; each statement reads its own consistent snapshot), and a dropped
    connection is retried once instead of answering 503. Put it under ``@router.get``."""
    # A mark on the function itself (functools.wraps carries it along); typing has no way to
    # declare an attribute added to an arbitrary callable.
    endpoint.__read_only__ = True  # type: ignore[attr-defined]
    return endpoint


def one_statement(endpoint: F) -> F:
    """Mark a write route whose whole write is one SQL statement (PostgreSQL makes a single
    statement atomic): it runs in autocommit, which saves the ``BEGIN`` and ``COMMIT``
    round trips. Anything else it runs must only read. A dropped connection answers 503."""
    endpoint.__one_statement__ = True  # type: ignore[attr-defined]
    return endpoint


def raw_transaction(endpoint: F) -> F:
    """Mark a write route whose statements are all constant ones on asyncpg (``Db.raw``): its
    transaction is the driver's own, on a connection taken straight from the pool, with no
    ``AsyncSession`` (which cost about a third of a ``PATCH``'s CPU). The token's user is read
    before it begins. A route that needs the session first (an API key is checked through one)
    gets the session's transaction instead; asking for the session after a raw statement is a
    programming error."""
    endpoint.__raw_transaction__ = True  # type: ignore[attr-defined]
    return endpoint


def user_read_first(endpoint: F) -> F:
    """Mark a route that takes a second pooled connection of its own while it runs (the password
    throttle counts in its own committed transaction): the token's user is read, and that
    connection handed back, before the route's transaction begins, so the request never holds
    two connections at once (with a busy pool, it would wait for itself until the timeout)."""
    endpoint.__user_read_first__ = True  # type: ignore[attr-defined]
    return endpoint


def _driver(fairy: PoolProxiedConnection) -> Any:
    """The asyncpg connection of a pooled connection."""
    connection = fairy.driver_connection
    assert connection is not None
    return connection


class Db:
    """The request's database, reached on first use, through one pooled connection at a time.

    A route that runs only constant statements on asyncpg (``raw``), in autocommit
    (``@read_only``, ``@one_statement``) or in the driver's own transaction
    (``@raw_transaction``), gets a connection straight from the engine's pool: no
    ``AsyncSession`` is made, which saves about a third of such a request's CPU. Everything
    else (``session``, and ``raw`` inside a session's transaction) goes through one ``AsyncSession``; a
    pooled connection taken before is handed back first (in autocommit it holds no state), so
    an asyncpg connection got from ``raw`` must not be kept past a call to ``session``.
    ``request_db`` commits, rolls back and hands the connection back."""

    __slots__ = ("_auto", "_fairy", "_raw_tx", "_session", "_state", "_user_first")

    def __init__(self, state: Any, auto: bool, *, user_first: bool = False, raw_tx: bool = False) -> None:
        self._state = state
        self._auto = auto
        self._user_first = user_first
        self._raw_tx = raw_tx and not auto
        self._fairy: PoolProxiedConnection | None = None
        self._session: AsyncSession | None = None

    @classmethod
    def over(cls, state: Any, session: AsyncSession) -> Db:
        """A Db whose statements go through a session made elsewhere (the MCP tools)."""
        db = cls(state, auto=False)
        db._session = session
        return db

    @property
    def has_session(self) -> bool:
        """True when statements go through the session (inside its transaction, if any)."""
        return self._session is not None or not (self._auto or self._raw_tx)

    async def session(self) -> AsyncSession:
        if self._session is None:
            if self._fairy is not None and _driver(self._fairy).is_in_transaction():
                raise RuntimeError("A @raw_transaction route asked for a session after a raw statement.")
            await self._release()
            state = self._state
            self._session = state.sessionmaker(bind=state.read_engine) if self._auto else state.sessionmaker()
        return self._session

    async def fetchrow_first(self, sql: str, *args: Any) -> Any:
        """One row of a constant statement run before the route's own work (the token's user).
        A route with a transaction runs it as the transaction's first statement. A route in
        autocommit runs it on the request's pooled connection, which is handed back at once
        when the route has a session that has not connected yet (it checks out its own). A
        ``@user_read_first`` route reads it that way too, before its transaction."""
        in_transaction = self._session is not None and self._session.in_transaction()
        if in_transaction or not (self._auto or self._user_first or self._raw_tx):
            return await (await raw_connection(await self.session())).fetchrow(sql, *args)
        row = await (await self._pooled()).fetchrow(sql, *args)
        if self.has_session:
            await self._release()  # the session checks out its own when it first needs one
        return row

    async def raw(self) -> Any:
        """The asyncpg connection (see ``raw_connection``); in a ``@raw_transaction`` route, in
        the transaction, begun by the first call."""
        if self.has_session:
            return await raw_connection(await self.session())
        connection = await self._pooled()
        if self._raw_tx and not connection.is_in_transaction():
            assert self._fairy is not None
            await _begin(self._fairy)
        return connection

    async def commit(self) -> None:
        """Commit the route's transaction, if it has one (``request_db``, after the handler).
        Rolling back is the pool's: a connection handed back in a transaction is rolled back."""
        if self._session is not None:
            if not self._auto:
                await self._session.commit()
        elif self._fairy is not None and self._raw_tx:
            adapter = self._fairy.dbapi_connection
            assert adapter is not None
            await greenlet_spawn(adapter.commit)

    async def _pooled(self) -> Any:
        """The asyncpg connection of this request's own pooled connection, checked out once."""
        if self._fairy is None:
            self._fairy = await self._state.engine.raw_connection()
        return _driver(self._fairy)

    def dropped(self) -> bool:
        """The pooled connection this request took died (the database restarted or ended it)."""
        return self._fairy is not None and bool(_driver(self._fairy).is_closed())

    async def _release(self, error: BaseException | None = None) -> None:
        """Hand the pooled connection back; when it died (``error``), discard the pool's."""
        fairy, self._fairy = self._fairy, None
        if fairy is None:
            return
        if error is not None or _driver(fairy).is_closed():
            # What SQLAlchemy does when its own statement meets a dead connection: every
            # connection pooled before now is replaced on its next checkout (the restart that
            # killed this one killed them too), and this one is discarded. (A connection whose
            # statement was cancelled goes back as it is: asyncpg's next statement on it waits
            # for the cancellation to finish.)
            await greenlet_spawn(self._state.engine.pool._invalidate, fairy, error or ConnectionError())
        await greenlet_spawn(fairy.close)  # back to the pool (closing it may need the driver)

    async def close(self, error: BaseException | None = None) -> None:
        try:
            await self._release(error)
        finally:
            if self._session is not None:
                await self._session.close()


@asynccontextmanager
async def request_db(request: Request, endpoint: Any) -> AsyncIterator[Db]:
    """The request's database around its whole handler (``app.kit.routing.Route``): one
    transaction, committed when the handler has made its response and before that is sent (so a
    2xx means it is saved), rolled back on error. Read-only routes (``@read_only``) and
    one-statement writes (``@one_statement``) run without one. A read whose connection turned
    out dead is flagged for one more run (``RetryReadMiddleware``); a write answers 503."""
    read = request.method in ("GET", "HEAD") and getattr(endpoint, "__read_only__", False)
    auto = read or getattr(endpoint, "__one_statement__", False)
    db = Db(
        request.app.state,
        auto,
        user_first=getattr(endpoint, "__user_read_first__", False),
        raw_tx=getattr(endpoint, "__raw_transaction__", False),
    )
    request.scope[_DB_KEY] = db
    dropped: BaseException | None = None
    try:
        yield db
        await db.commit()
    except BaseException as exc:
        if db.dropped():
            # Raised as SQLAlchemy raises its own disconnects, so that it answers 503 alike (a
            # cancellation, or an error of our own, stays what it is).
            dropped = DBAPIError(None, None, exc, connection_invalidated=True)
        if read and (dropped is not None or is_connection_error(exc)):
            setattr(request.state, RETRY_READ, True)
        if db._session is not None:
            await db._session.rollback()
        if dropped is not None and isinstance(exc, Exception) and from_driver(exc):
            raise dropped from exc
        raise
    finally:
        await db.close(dropped)


_DB_KEY = "app.db"


def db_of(request: Request) -> Db:
    db = request.scope.get(_DB_KEY)
    if db is None:
        raise RuntimeError("This route has no request database: make it an app.kit.routing.Route.")
    return cast(Db, db)


async def get_session(request: Request) -> AsyncSession:
    return await db_of(request).session()


# A plain lookup: the database's lifetime is the route's (``request_db``), not FastAPI's
# dependency exit stack, which cost about 30 µs a request on its own. A route that runs on the
# ``Db`` itself takes it with its user, as ``app.auth.dependencies.CurrentCaller``.
SessionDep = Annotated[AsyncSession, Depends(get_session)]


def make_read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool in autocommit: no BEGIN/COMMIT around a read."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


# What the hot queries take: a request's ``Db``, or a session (the MCP tools, a service that
# already wrote through one).
DbOrSession = AsyncSession | Db


async def session_of(source: DbOrSession) -> AsyncSession:
    return await source.session() if isinstance(source, Db) else source


async def raw_connection(session: DbOrSession) -> Any:
    """The session's own asyncpg connection, inside the session's transaction, for constant
    statements with ``$n`` parameters that asyncpg prepares once per connection: the hot reads
    and writes that PostgreSQL answers in one statement, with no SQLAlchemy compile or ORM
    objects on the way. (SQLAlchemy's driver sends ``BEGIN`` with the first statement that goes
    through it; when none did yet, ``BEGIN`` is sent here, so that a lock taken on this
    connection lasts until the commit.)"""
    if isinstance(session, Db):
        return await session.raw()
    connection = await session.connection()
    fairy = await connection.get_raw_connection()
    raw = _driver(fairy)
    if not getattr(fairy.dbapi_connection, "autocommit", False) and not raw.is_in_transaction():
        try:
            await _begin(fairy)
        except Exception:
            # A connection the database dropped: a statement through SQLAlchemy meets the
            # failure again, so that it refreshes the pool and raises its disconnect error.
            await connection.exec_driver_sql("SELECT 1")
    return raw


async def _begin(fairy: PoolProxiedConnection) -> None:
    """Begin the transaction SQLAlchemy's driver adapter will commit or roll back (and the pool
    rolls back on return): the adapter's own way, one ``BEGIN`` round trip."""
    begin = getattr(fairy.dbapi_connection, "_start_transaction", None)
    if begin is None:
        raise LookupError("no _start_transaction in this SQLAlchemy")
    await begin()
    if not _driver(fairy).is_in_transaction():
        raise RuntimeError("the connection did not begin a transaction (it is in autocommit)")


async def fetchval(session: DbOrSession, sql: str, *args: Any) -> Any:
    """One value of a constant statement, on the session's connection (see ``raw_connection``)."""
    return await (await raw_connection(session)).fetchval(sql, *args)
