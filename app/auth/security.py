"""Password hashing (pwdlib/argon2), JWT access tokens (PyJWT) and personal API keys."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import jwt
from anyio.lowlevel import RunVar
from pwdlib import PasswordHash

API_KEY_PREFIX = "itk_"
_hasher = PasswordHash.recommended()
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


# Argon2 is deliberately slow CPU work (tens of ms, 64 MiB each): it runs in worker threads,
# which argon2-cffi lets run in parallel (it releases the GIL), at most one per CPU at a time
# per event loop, so a flood of logins queues here instead of freezing the event loop or
# filling the shared thread pool (and memory).
_HASH_THREADS: RunVar[anyio.CapacityLimiter] = RunVar("password_hash_threads")


def _hash_threads() -> anyio.CapacityLimiter:
    try:
        return _HASH_THREADS.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(max(1, os.cpu_count() or 1))
        _HASH_THREADS.set(limiter)
        return limiter


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_hash_threads())


def verify_password_sync(password: str, hashed: str | None) -> bool:
    # Verify against a dummy hash for unknown users so timing does not reveal who exists.
    ok = _hasher.verify(password, hashed or _DUMMY_HASH)
    return ok and hashed is not None


async def verify_password(password: str, hashed: str | None) -> bool:
    return await anyio.to_thread.run_sync(verify_password_sync, password, hashed, limiter=_hash_threads())


def create_access_token(user_id: int, version: int, secret: str, expires_minutes: int) -> tuple[str, int]:
    """A signed token for ``user_id``, valid while the user's ``token_version`` is ``version``."""
    now = datetime.now(UTC)
    expires_in = expires_minutes * 60
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "ver": version,
        "iat": now,
        "exp": now + timedelta(seconds=expires_in),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm="HS256"), expires_in


# Tokens whose signature and shape were already checked: (secret, token) -> (user id, version,
# expiry as a Unix time). A client sends the same token on every request, and checking an HMAC
# signature with PyJWT costs more than the rest of the authentication. Only genuine tokens get
# in (nobody can fill it without the secret); the expiry is still checked on every use.
_VERIFIED: dict[tuple[str, str], tuple[int, int, float]] = {}
_VERIFIED_MAX = 4096


def _verify(token: str, secret: str) -> tuple[int, int, float] | None:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["exp", "sub", "iat", "ver"], "verify_exp": False},
        )
        if claims.get("typ") != "access":
            return None
        return int(claims["sub"]), int(claims["ver"]), float(claims["exp"])
    except (jwt.PyJWTError, TypeError, ValueError):
        return None


def decode_access_token(token: str, secret: str) -> tuple[int, int] | None:
    """(user id, token version) from a valid, unexpired access token; None for anything else."""
    key = (secret, token)
    found = _VERIFIED.get(key)
    if found is None:
        found = _verify(token, secret)
        if found is None:
            return None
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[key] = found
    user_id, version, expires = found
    if expires <= time.time():
        return None
    return user_id, version


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """(key shown once, its display prefix, its hash for storage)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:12], sha256(key)
