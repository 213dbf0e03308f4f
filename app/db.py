"""Engine, sessionmaker and the session dependency (the one place that commits)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.config import Settings
from app.errors import is_connection_error

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
    """Mark a GET route that never writes: its session runs in autocommit (no ``BEGIN`` /
    ``COMMIT`` round trips; each statement reads its own consistent snapshot), and a dropped
    connection is retried once instead of answering 503. Put it under ``@router.get``."""
    # A mark on the function itself (functools.wraps carries it along); typing has no way to
    # declare an attribute added to an arbitrary callable.
    endpoint.__read_only__ = True  # type: ignore[attr-defined]
    return endpoint


def one_statement(endpoint: F) -> F:
    """Mark a write route whose whole write is one SQL statement (PostgreSQL makes a single
    statement atomic): its session runs in autocommit, which saves the ``BEGIN`` and ``COMMIT``
    round trips. Anything else it runs must only read. A dropped connection answers 503."""
    endpoint.__one_statement__ = True  # type: ignore[attr-defined]
    return endpoint


def is_read_only(request: Request) -> bool:
    endpoint = request.scope.get("endpoint")
    return request.method in ("GET", "HEAD") and getattr(endpoint, "__read_only__", False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, rolled back on error.
    Read-only routes (``@read_only``) and one-statement writes (``@one_statement``) run without
    one."""
    state = request.app.state
    read = is_read_only(request)
    auto = read or getattr(request.scope.get("endpoint"), "__one_statement__", False)
    async with state.sessionmaker(bind=state.read_engine) if auto else state.sessionmaker() as session:
        try:
            yield session
            if not auto:
                await session.commit()
        except BaseException as exc:
            if read and is_connection_error(exc):
                setattr(request.state, RETRY_READ, True)
            await session.rollback()
            raise


def make_read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool in autocommit: no BEGIN/COMMIT around a read."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


# scope="function": the commit happens before the response is sent, so a 2xx means it is saved.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def raw_connection(session: AsyncSession) -> Any:
    """The session's own asyncpg connection, inside the session's transaction, for constant
    statements with ``$n`` parameters that asyncpg prepares once per connection: the hot reads
    and writes that PostgreSQL answers in one statement, with no SQLAlchemy compile or ORM
    objects on the way. (SQLAlchemy sends ``BEGIN`` with its first statement; when nothing went
    through it yet, a trivial one does, so that a lock taken here lasts until the commit.)"""
    connection = await session.connection()
    fairy = await connection.get_raw_connection()
    raw = fairy.driver_connection
    assert raw is not None
    if not getattr(fairy.dbapi_connection, "autocommit", False) and not raw.is_in_transaction():
        await connection.exec_driver_sql("SELECT 1")
    return raw


async def fetchval(session: AsyncSession, sql: str, *args: Any) -> Any:
    """One value of a constant statement, on the session's connection (see ``raw_connection``)."""
    return await (await raw_connection(session)).fetchval(sql, *args)
