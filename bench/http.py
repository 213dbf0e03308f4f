"""HTTP figures with wrk: the app's endpoints against the raw-asyncpg ceiling, and a typical
user's latency at 10k vs 1M rows."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.common import PASSWORD, ROOT, AppServer, free_port
from bench.data import HEAVY_EMAIL, SHAPED_EMAIL, email, ensure_all

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DURATION = os.environ.get("BENCH_DURATION", "6s")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TYPICAL = 5000  # a user with 100 interviews (what the create benchmark adds is removed after)


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("installing wrk from Debian's packages…", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL
    )
    return shutil.which("wrk") or "wrk"


def _parse(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return float("nan")
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    kinds = dict(zip(ERROR_KINDS, map(int, errors.groups()), strict=True)) if errors else {}
    kinds["non_2xx_3xx"] = int(non2xx.group(1)) if non2xx else 0
    return {
        "rps": rps,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": sum(kinds.values()),
        "error_kinds": {k: v for k, v in kinds.items() if v},
    }


# wrk's socket errors, in the order it prints them; with "Non-2xx or 3xx responses", the errors.
ERROR_KINDS = ("connect", "read", "write", "timeout")


def wrk(
    url: str,
    headers: dict[str, str],
    *,
    connections: int = CONNECTIONS,
    script: str | None = None,
    runs: int = RUNS,
) -> dict[str, Any]:
    print(f"  wrk -c{connections} -d{DURATION} x{runs}  {url.split('127.0.0.1:')[-1][:90]}", flush=True)
    results = []
    for _ in range(runs):
        cmd = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{DURATION}", "--latency"]
        for k, v in headers.items():
            cmd += ["-H", f"{k}: {v}"]
        if script:
            cmd += ["-s", script]
        out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
        results.append(_parse(out))
    return summary(results)


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of wrk runs (single runs or summaries of one run each)."""
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "errors": sum(r["errors"] for r in runs),
        "error_kinds": dict(sum((Counter(r.get("error_kinds", {})) for r in runs), Counter())),
        "runs": sum(r.get("runs", 1) for r in runs),
    }


def login(base: str, address: str) -> dict[str, str]:
    r = httpx.post(base + "/api/auth/token", data={"username": address, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class Ceiling:
    def __init__(self, database_url: str, secret: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret, "PYTHONPATH": str(ROOT)}

    def __enter__(self) -> Ceiling:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.ceiling:app",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=self.env,
            cwd=ROOT,
        )
        for _ in range(100):
            try:
                httpx.get(self.url + "/", timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("ceiling did not start")

    def __exit__(self, *exc: Any) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# Each PATCH changes the notes (the same value again would change nothing and write nothing),
# of the user's interviews in turn: clients do not all queue on one row's lock.
PATCH_LUA = """
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
ids = {%s}
n = 0
request = function()
  n = n + 1
  local path = "/api/interviews/" .. ids[(n %% #ids) + 1]
  return wrk.format(nil, path, nil, '{"notes": "bench patch ' .. n .. '"}')
end
"""

# Interviews the benchmark creates carry this note, and are removed after each run of writes.
CREATED_NOTE = "bench-created"
CREATE_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"company_id": %d, "interview_type": "mock", "notes": "bench-created"}'
"""

ENDPOINTS = ("list", "detail", "create", "update", "search", "stats")


def _lua(text: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(text)
    return fh.name


WRITES = {"create", "update"}  # endpoints whose runs change the data


def restore_data(database_url: str) -> int:
    """Put the data back as it was before a run: delete what the create benchmark wrote, and
    vacuum what a run rewrote. A 6-second ``PATCH`` run writes tens of thousands of versions of
    the same 60 rows, far more than autovacuum lets pile up on a live server; left there, they
    slow every later read of that user's interviews (the list statement 0.57 → 0.85 ms), and so
    the endpoints measured after it and every later bench run on this data. Returns how many
    created interviews were deleted."""
    import asyncio

    import asyncpg

    from bench.data import _dsn

    async def go() -> int:
        conn = await asyncpg.connect(**_dsn(database_url))
        try:
            done = await conn.execute("DELETE FROM interviews WHERE notes = $1", CREATED_NOTE)
            await conn.execute("VACUUM (ANALYZE) interviews, interview_status_history")
            return int(done.split()[-1])
        finally:
            await conn.close()

    return asyncio.run(go())


class Target:
    """One user's URLs and credentials on one server: what each benchmarked endpoint requests."""

    def __init__(self, base: str, address: str) -> None:
        self.base = base
        self.h = login(base, address)
        mine = httpx.get(base + "/api/interviews?page_size=100", headers=self.h).json()["items"]
        self.interview, self.ids = mine[0], [i["id"] for i in mine]
        self.company = httpx.get(base + "/api/companies?page_size=1", headers=self.h).json()["items"][0]

    def request(self, name: str) -> tuple[str, str | None]:
        """(path, wrk script) of the endpoint ``name``."""
        detail = f"/api/interviews/{self.interview['id']}"
        return {
            "list": ("/api/interviews?sort_by=interview_date&sort_order=desc&page=1", None),
            "detail": (detail, None),
            "create": ("/api/interviews", CREATE_LUA % self.company["id"]),
            "update": (detail, PATCH_LUA % ", ".join(map(str, self.ids))),
            "search": ("/api/questions?q=cache%20latency", None),
            "stats": ("/api/stats/overview", None),
        }[name]

    def wrk(
        self, name: str, base: str | None = None, *, connections: int = CONNECTIONS, runs: int = RUNS
    ) -> dict[str, Any]:
        path, script = self.request(name)
        lua = _lua(script) if script else None
        try:
            return wrk((base or self.base) + path, self.h, script=lua, connections=connections, runs=runs)
        finally:
            if lua:
                Path(lua).unlink()


def shaped(base: str, database_url: str, secret: str) -> dict[str, Any]:
    """The issue's reference user (60 interviews of 2 rounds, 3 questions, 2 skills): each
    endpoint next to /api/auth/me on the same server and next to its raw-asyncpg ceiling, all in
    the same run. The three alternate run by run (/me, the endpoint, its ceiling, /me, …), so
    that each ratio compares runs made under the same load on this shared machine."""
    t = Target(base, SHAPED_EMAIL)
    r: dict[str, Any] = {}
    every_me: list[dict[str, Any]] = []
    with Ceiling(database_url, secret) as ceiling:
        for name in ENDPOINTS:
            me: list[dict[str, Any]] = []
            app: list[dict[str, Any]] = []
            raw: list[dict[str, Any]] = []
            for _ in range(RUNS):
                me.append(wrk(base + "/api/auth/me", t.h, runs=1))
                app.append(t.wrk(name, runs=1))
                if name in WRITES:
                    restore_data(database_url)
                raw.append(t.wrk(name, ceiling.url, runs=1))
                if name in WRITES:
                    restore_data(database_url)
            every_me += me
            v = r[name] = summary(app)
            v["ceiling"], v["me"] = summary(raw), summary(me)
            # Kept to 4 places: the targets are judged on these, and 0.5998 is not 0.6.
            v["x_me"] = round(v["rps"] / v["me"]["rps"], 4) if v["me"]["rps"] else None
            v["x_ceiling"] = round(v["rps"] / v["ceiling"]["rps"], 4) if v["ceiling"]["rps"] else None
    r["me"] = summary(every_me)
    return r


def typical_latency(
    small: tuple[Target, str], large: tuple[Target, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One connection, one request at a time: each endpoint's latency for a typical user on the
    10k-row and on the 1M-row server (each a target and its database URL). The runs alternate
    between the two servers (10k, 1M, 10k, …), so that a change in the machine's load during the
    bench falls on both sides alike. What a create run adds is deleted right after it (a few
    thousand more interviews would make the user untypical for the endpoints measured next),
    and the rows a write run rewrote are vacuumed (``restore_data``)."""
    out: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    for name in ENDPOINTS:
        runs: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
        for _ in range(RUNS):
            for side, (target, database_url) in enumerate((small, large)):
                runs[side].append(target.wrk(name, connections=1, runs=1))
                if name in WRITES:
                    restore_data(database_url)
        for side in (0, 1):
            out[side][name] = summary(runs[side])
    return out


def run() -> dict[str, Any]:
    data = ensure_all()
    results: dict[str, Any] = {"data": {k: v[1] for k, v in data.items()}}
    list_q = "/api/interviews?interview_status=completed&sort_by=interview_date&sort_order=desc&page=1"
    large_url = data["large"][0]
    restore_data(large_url)
    with AppServer(large_url) as app:
        secret = app.env["SECRET_KEY"]
        heavy = login(app.url, HEAVY_EMAIL)
        r = {}
        # The heavy user has ~43k completed interviews: page 2,000 is 40,000 rows deep.
        r["interview_list_heavy_page1"] = wrk(app.url + list_q, heavy)
        deep_q = list_q.replace("page=1", "page=2000")
        r["interview_list_heavy_page2000"] = wrk(app.url + deep_q, heavy)
        deep_page = httpx.get(app.url + deep_q, headers=heavy, timeout=30).json()
        assert len(deep_page["items"]) == 20, "the heavy user's page 2,000 should be full"
        r["interview_list_heavy_cursor_2001"] = wrk(
            app.url + list_q + "&cursor=" + deep_page["next_cursor"], heavy
        )
        results["heavy"] = r
        results["shaped"] = shaped(app.url, large_url, secret)
    # Two fresh servers, one per data set: what the growth compares is the data's size, not
    # one process's history (the 1M server above has run every heavy benchmark).
    small_url = data["small"][0]
    restore_data(small_url)
    with AppServer(small_url) as small_app, AppServer(large_url) as large_app:
        small = Target(small_app.url, email(50)), small_url
        large = Target(large_app.url, email(TYPICAL)), large_url
        s_lat, l_lat = typical_latency(small, large)
    results["small_typical_latency"], results["large_typical_latency"] = s_lat, l_lat
    s, big = results["small_typical_latency"], results["large_typical_latency"]
    results["growth_10k_to_1m"] = {
        k: round(big[k]["p50_ms"] / s[k]["p50_ms"], 2) if s[k]["p50_ms"] else None for k in ENDPOINTS
    }
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
