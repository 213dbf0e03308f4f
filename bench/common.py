"""Shared bench plumbing: the embedded database, an app server in a subprocess, stats."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password-42"
# Database connections, the app's and the ceiling's alike (more sessions than that only fight
# over the same rows on a 2-core machine).
POOL = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database(name: str, *, recreate: bool = False) -> str:
    """A database on the bench's own embedded server (or on BENCH_DATABASE_URL's server)."""
    from app import embedded

    server = embedded.start(DATA, cleanup_mode=None)  # left running between bench runs; `make bench-stop`
    return embedded.ensure_database(server, name, recreate=recreate)


class AppServer:
    """`interview-api serve` in a subprocess, as users run it."""

    def __init__(self, database_url: str, *, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "WORKERS": str(workers),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
            "AGENT_RATE_LIMIT_PER_MINUTE": "0",
            "DB_POOL_SIZE": str(POOL),
            "DB_MAX_OVERFLOW": "0",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppServer:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/ready", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the app did not become ready")

    def __exit__(self, *exc: Any) -> None:
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid


def token(base_url: str, email: str) -> dict[str, str]:
    with httpx.Client(base_url=base_url) as c:
        c.post("/api/auth/register", json={"email": email, "password": PASSWORD})
        r = c.post("/api/auth/token", data={"username": email, "password": PASSWORD})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
