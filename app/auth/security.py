"""Password hashing (pwdlib/argon2), JWT access tokens (PyJWT) and personal API keys."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash

API_KEY_PREFIX = "itk_"
_hasher = PasswordHash.recommended()
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    # Verify against a dummy hash for unknown users so timing does not reveal who exists.
    ok = _hasher.verify(password, hashed or _DUMMY_HASH)
    return ok and hashed is not None


def create_access_token(user_id: int, secret: str, expires_minutes: int) -> tuple[str, int]:
    now = datetime.now(UTC)
    expires_in = expires_minutes * 60
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + timedelta(seconds=expires_in),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm="HS256"), expires_in


def decode_access_token(token: str, secret: str) -> int | None:
    """The user id from a valid, unexpired access token; None for anything else."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "iat"]})
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access":
        return None
    try:
        return int(claims["sub"])
    except (TypeError, ValueError):
        return None


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """(key shown once, its display prefix, its hash for storage)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:12], sha256(key)
