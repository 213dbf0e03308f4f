"""Does password hashing stall the event loop? `/health` latency while clients loop wrong logins.

    python -m bench.login_health                    # starts `interview-api serve` on the bench database
    python -m bench.login_health --url http://127.0.0.1:8000   # against a running server

The spawned server has the failed-login throttle off (LOGIN_MAX_FAILURES_*=0), so every attempt
really hashes; against your own server, expect 429s once the throttle kicks in. One worker: with
hashing on the event loop, each `/health` waits behind whole Argon2 verifications.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import httpx

from bench.common import PASSWORD, AppServer, database, median, pct


async def _health_latencies(client: httpx.AsyncClient, seconds: float) -> list[float]:
    out: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        r = await client.get("/health")
        r.raise_for_status()
        out.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)
    return out


async def _wrong_logins(client: httpx.AsyncClient, email: str, stop: asyncio.Event, codes: list[int]) -> None:
    while not stop.is_set():
        r = await client.post("/api/auth/token", data={"username": email, "password": "wrong-pass-1"})
        codes.append(r.status_code)


async def measure(url: str, loopers: int, seconds: float) -> dict[str, float]:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
        stop = asyncio.Event()
        codes: list[int] = []
        tasks = [asyncio.create_task(_wrong_logins(client, email, stop, codes)) for _ in range(loopers)]
        await asyncio.sleep(0.5)  # let the loop get going
        latencies = await _health_latencies(client, seconds)
        stop.set()
        await asyncio.gather(*tasks)
    return {
        "loopers": loopers,
        "health_median_ms": round(median(latencies), 1),
        "health_p95_ms": round(pct(latencies, 95), 1),
        "health_max_ms": round(max(latencies), 1),
        "logins": len(codes),
        "logins_429": codes.count(429),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start one on the bench database)")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    def run(url: str) -> None:
        for loopers in (0, 1, 3):
            print(asyncio.run(measure(url, loopers, args.seconds)), flush=True)

    if args.url:
        run(args.url)
        return
    throttle_off = {"LOGIN_MAX_FAILURES_PER_ACCOUNT": "0", "LOGIN_MAX_FAILURES_PER_CLIENT": "0"}
    with AppServer(database("login_health"), workers=1, **throttle_off) as server:
        run(server.url)


if __name__ == "__main__":
    main()
