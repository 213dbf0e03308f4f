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
from pathlib import Path
from typing import Any

import httpx

from bench.common import PASSWORD, ROOT, AppServer, free_port
from bench.data import HEAVY_EMAIL, SHAPED_EMAIL, email, ensure_all

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DURATION = os.environ.get("BENCH_DURATION", "6s")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TYPICAL = 5000  # a user with 100 interviews (reads only)
WRITER = 7777  # the user the create benchmark writes to


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

    return {
        "rps": rps,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def wrk(
    url: str, headers: dict[str, str], *, connections: int = CONNECTIONS, script: str | None = None
) -> dict[str, Any]:
    print(f"  wrk -c{connections} -d{DURATION} x{RUNS}  {url.split('127.0.0.1:')[-1][:90]}", flush=True)
    runs = []
    for _ in range(RUNS):
        cmd = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{DURATION}", "--latency"]
        for k, v in headers.items():
            cmd += ["-H", f"{k}: {v}"]
        if script:
            cmd += ["-s", script]
        out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
        runs.append(_parse(out))
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "errors": sum(r["errors"] for r in runs),
        "runs": len(runs),
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


PATCH_LUA = """
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"notes": "bench patch"}'
"""

CREATE_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"company_id": %d, "interview_type": "mock", "notes": "bench"}'
"""


def _lua(text: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(text)
    return fh.name


def shaped(base: str, database_url: str, secret: str) -> dict[str, Any]:
    """The issue's reference user (60 interviews of 2 rounds, 3 questions, 2 skills): each
    endpoint next to /api/auth/me on the same server, in the same run (and the detail next to
    its raw-asyncpg ceiling)."""
    h = login(base, SHAPED_EMAIL)
    some = httpx.get(base + "/api/interviews?page_size=1", headers=h).json()["items"][0]
    company = httpx.get(base + "/api/companies?page_size=1", headers=h).json()["items"][0]
    detail = f"/api/interviews/{some['id']}"
    list_q = "/api/interviews?sort_by=interview_date&sort_order=desc&page=1"
    r: dict[str, Any] = {"me": wrk(base + "/api/auth/me", h)}
    r["list"] = wrk(base + list_q, h)
    r["detail"] = wrk(base + detail, h)
    with Ceiling(database_url, secret) as ceiling:
        r["detail_ceiling"] = wrk(ceiling.url + detail, h)
        r["list_ceiling"] = wrk(ceiling.url + list_q + "&interview_status=completed", h)
    r["search"] = wrk(base + "/api/questions?q=cache%20latency", h)
    r["stats"] = wrk(base + "/api/stats/overview", h)
    patch, create = _lua(PATCH_LUA), _lua(CREATE_LUA % company["id"])
    r["update"] = wrk(base + detail, h, script=patch)
    r["create"] = wrk(base + "/api/interviews", h, script=create)
    Path(patch).unlink()
    Path(create).unlink()
    me = r["me"]["rps"]
    for v in r.values():
        v["x_me"] = round(v["rps"] / me, 2) if me else None
    r["detail"]["x_ceiling"] = round(r["detail"]["rps"] / r["detail_ceiling"]["rps"], 2)
    return r


def run() -> dict[str, Any]:
    data = ensure_all()
    results: dict[str, Any] = {"data": {k: v[1] for k, v in data.items()}}
    list_q = "/api/interviews?interview_status=completed&sort_by=interview_date&sort_order=desc&page=1"
    large_url = data["large"][0]
    with AppServer(large_url) as app:
        secret = app.env["SECRET_KEY"]
        h = login(app.url, email(TYPICAL))
        heavy = login(app.url, HEAVY_EMAIL)
        some = httpx.get(app.url + "/api/interviews?page_size=1", headers=h).json()["items"][0]
        r = {}
        r["interview_list"] = wrk(app.url + list_q, h)
        with Ceiling(large_url, secret) as ceiling:
            r["ceiling_raw_asyncpg"] = wrk(ceiling.url + list_q, h)
        # The heavy user has ~43k completed interviews: page 2,000 is 40,000 rows deep.
        r["interview_list_heavy_page1"] = wrk(app.url + list_q, heavy)
        deep_q = list_q.replace("page=1", "page=2000")
        r["interview_list_heavy_page2000"] = wrk(app.url + deep_q, heavy)
        deep_page = httpx.get(app.url + deep_q, headers=heavy, timeout=30).json()
        assert len(deep_page["items"]) == 20, "the heavy user's page 2,000 should be full"
        r["interview_list_heavy_cursor_2001"] = wrk(
            app.url + list_q + "&cursor=" + deep_page["next_cursor"], heavy
        )
        r["interview_detail"] = wrk(f"{app.url}/api/interviews/{some['id']}", h)
        r["question_search"] = wrk(app.url + "/api/questions?q=cache%20latency", h)
        r["stats_overview"] = wrk(app.url + "/api/stats/overview", h)
        # Writes go to another user, so the read figures of later runs see the same data.
        writer = login(app.url, email(WRITER))
        company = httpx.get(app.url + "/api/companies?page_size=1", headers=writer).json()["items"][0]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(CREATE_LUA % company["id"])
        r["create_interview"] = wrk(app.url + "/api/interviews", writer, script=fh.name)
        Path(fh.name).unlink()
        ceiling_rps = r["ceiling_raw_asyncpg"]["rps"]
        for v in r.values():
            v["x_ceiling"] = round(v["rps"] / ceiling_rps, 2) if ceiling_rps else None
        results["endpoints"] = r
        results["shaped"] = shaped(app.url, large_url, secret)
        results["large_typical_latency"] = {
            "list": wrk(app.url + list_q, h, connections=1),
            "stats": wrk(app.url + "/api/stats/overview", h, connections=1),
        }
    with AppServer(data["small"][0]) as app:
        h = login(app.url, email(50))
        results["small_typical_latency"] = {
            "list": wrk(app.url + list_q, h, connections=1),
            "stats": wrk(app.url + "/api/stats/overview", h, connections=1),
        }
    s, big = results["small_typical_latency"], results["large_typical_latency"]
    results["growth_10k_to_1m"] = {
        k: round(big[k]["p50_ms"] / s[k]["p50_ms"], 2) if s[k]["p50_ms"] else None for k in ("list", "stats")
    }
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
