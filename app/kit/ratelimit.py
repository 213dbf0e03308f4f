"""Fixed-window counters shared by every worker and replica.

Counted in Redis when a client is given (``INCR`` on a key that expires on its own), else — and
whenever Redis fails — in PostgreSQL's ``rate_limit_counters`` table. Domain-free: callers name
their buckets (``login:account:…``) and decide what a count means.

The agents' per-minute limit (app/agents/service.py) predates this helper and counts the same
way with the same key format; it could move onto ``FixedWindow(60, redis)``.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

log = logging.getLogger("app.kit.ratelimit")

Db = AsyncSession | AsyncConnection

_HIT = text(
    """
    INSERT INTO rate_limit_counters (bucket, window_start, count, expires_at)
    VALUES (:bucket, :window_start, 1, :expires_at)
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
    RETURNING count
    """
)
_UNDO = text(
    "UPDATE rate_limit_counters SET count = count - 1 "
    "WHERE bucket = :bucket AND window_start = :window_start AND count > 0"
)
_CLEAR = text("DELETE FROM rate_limit_counters WHERE bucket = :bucket AND window_start = :window_start")
_PURGE = text("DELETE FROM rate_limit_counters WHERE expires_at < now()")


@dataclass(frozen=True)
class Hit:
    """One counted event: the count it brought the window to, and when the window ends."""

    bucket: str
    window_start: datetime
    count: int
    retry_after: int
    in_redis: bool


class FixedWindow:
    """Counters per ``bucket`` over consecutive windows of ``seconds`` (aligned to the epoch)."""

    def __init__(self, seconds: int, redis: Any = None, *, key_prefix: str = "itk:rl") -> None:
        self.seconds = seconds
        self.redis = redis
        self.key_prefix = key_prefix

    def _window(self, now: datetime) -> datetime:
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.seconds, UTC)

    def _key(self, bucket: str, window_start: datetime) -> str:
        return f"{self.key_prefix}:{bucket}:{int(window_start.timestamp())}"

    async def hit(self, db: Db, bucket: str) -> Hit:
        """Count one event in the current window; ``db`` is used when Redis is absent or fails."""
        now = datetime.now(UTC)
        start = self._window(now)
        retry_after = max(1, math.ceil((start + timedelta(seconds=self.seconds) - now).total_seconds()))
        count = await self._redis_incr(bucket, start) if self.redis is not None else None
        if count is not None:
            return Hit(bucket, start, count, retry_after, in_redis=True)
        params = {
            "bucket": bucket,
            "window_start": start,
            "expires_at": start + timedelta(seconds=2 * self.seconds),
        }
        count = int((await db.execute(_HIT, params)).scalar_one())
        if random.random() < 0.01:  # keep the table small
            await db.execute(_PURGE)
        return Hit(bucket, start, count, retry_after, in_redis=False)

    async def undo(self, db: Db, hit: Hit) -> None:
        """Give back the event ``hit`` counted (in the window it was counted in)."""
        if hit.in_redis:
            await self._redis_call("decr", self._key(hit.bucket, hit.window_start))
        else:
            await db.execute(_UNDO, {"bucket": hit.bucket, "window_start": hit.window_start})

    async def clear(self, db: Db, hit: Hit) -> None:
        """Forget every event of ``hit``'s bucket and window."""
        if hit.in_redis:
            await self._redis_call("delete", self._key(hit.bucket, hit.window_start))
        else:
            await db.execute(_CLEAR, {"bucket": hit.bucket, "window_start": hit.window_start})

    async def _redis_incr(self, bucket: str, start: datetime) -> int | None:
        key = self._key(bucket, start)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, 2 * self.seconds)
                count, _ = await pipe.execute()
            return int(count)
        except Exception as exc:  # Redis is an accelerator here, never a single point of failure
            log.warning("Redis counters unavailable (%s); counting in PostgreSQL", type(exc).__name__)
            return None

    async def _redis_call(self, command: str, key: str) -> None:
        try:
            await getattr(self.redis, command)(key)
        except Exception as exc:
            log.warning("Redis counters unavailable (%s); %s %s skipped", type(exc).__name__, command, key)
