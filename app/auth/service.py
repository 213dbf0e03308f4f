"""Accounts, passwords, token versions, API keys, and the failed-password throttle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import ClassManager

from app.auth import security
from app.auth.schemas import ApiKeyCreate, PasswordChange, UserCreate, contains_email
from app.config import Settings
from app.db import Db
from app.errors import Conflict, Forbidden, NotFound, RateLimited, Unprocessable
from app.kit.ratelimit import FixedWindow, Hit
from app.models import AgentTicket, ApiKey, User


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    # Emails are stored lower-cased by Python, and the login throttle keys accounts by the same
    # Python normalisation; PostgreSQL's lower() can differ from it outside ASCII (a locale maps
    # "İ" to "i"), so the stored value must equal Python's form exactly. lower(email) keeps the
    # unique expression index usable.
    normal = email.strip().lower()
    stmt = select(User).where(func.lower(User.email) == normal, User.email == normal)
    return (await session.execute(stmt)).scalar_one_or_none()


async def register(session: AsyncSession, data: UserCreate) -> User:
    if await get_user_by_email(session, data.email) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(
        email=data.email.lower(),
        hashed_password=await security.hash_password(data.password),
        full_name=data.full_name,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("An account with this email already exists.") from exc
    await session.refresh(user)
    return user


class TooManyFailures(RateLimited):
    def __init__(self, retry_after: int, whose: str) -> None:
        super().__init__(retry_after)
        self.detail = f"Too many failed password attempts {whose}; try again in {retry_after} s."


@dataclass
class PasswordThrottle:
    """Counts wrong passwords per account and per client address over a fixed window.

    Every attempt is counted *before* the password is checked, in its own committed
    transaction, so parallel guesses cannot all slip in before the first failure is recorded
    and a refused request (401/403) still counts. A correct password then clears the
    account's count and gives the client's back: successful logins are never limited.
    """

    engine: AsyncEngine
    window: FixedWindow
    per_account: int
    per_client: int

    @classmethod
    def build(cls, settings: Settings, engine: AsyncEngine, redis: Any = None) -> PasswordThrottle:
        return cls(
            engine,
            FixedWindow(settings.login_failure_window_s, redis),
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_client,
        )

    async def attempt(self, email: str, client: str | None) -> list[Hit]:
        """Count an attempt; 429 when the account or the client is over its limit."""
        limits: list[tuple[str, int, str]] = []
        if self.per_account:
            bucket = "login:account:" + security.sha256(email.strip().lower())
            limits.append((bucket, self.per_account, "for this account"))
        if self.per_client and client:
            limits.append(("login:client:" + client[:64], self.per_client, "from this address"))
        async with self.engine.begin() as conn:
            hits = [await self.window.hit(conn, bucket) for bucket, _, _ in limits]
        for hit, (_, limit, whose) in zip(hits, limits, strict=True):
            if hit.count > limit:
                raise TooManyFailures(hit.retry_after, whose)
        return hits

    async def succeeded(self, session: AsyncSession, hits: list[Hit]) -> None:
        for hit in hits:
            if hit.bucket.startswith("login:account:"):
                await self.window.clear(session, hit)
            else:
                await self.window.undo(session, hit)


async def check_password(
    session: AsyncSession,
    throttle: PasswordThrottle,
    email: str,
    client: str | None,
    password: str,
    hashed: str | None,
) -> bool:
    """Verify a password under the throttle (429 when locked, without hashing anything)."""
    hits = await throttle.attempt(email, client)
    ok = await security.verify_password(password, hashed)
    if ok:
        await throttle.succeeded(session, hits)
    return ok


async def authenticate(
    session: AsyncSession, throttle: PasswordThrottle, email: str, password: str, client: str | None
) -> User | None:
    # Counted before the session first touches the database, so a login (the path a flood
    # takes) never holds two pooled connections at once.
    hits = await throttle.attempt(email, client)
    user = await get_user_by_email(session, email)
    if not await security.verify_password(password, user.hashed_password if user else None):
        return None
    if user is None or not user.is_active:
        return None
    await throttle.succeeded(session, hits)
    return user


async def _bump_token_version(session: AsyncSession, user: User) -> int:
    version = (
        await session.execute(
            update(User)
            .where(User.id == user.id)
            .values(token_version=User.token_version + 1)
            .returning(User.token_version)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one()
    set_committed_value(user, "token_version", version)
    return int(version)


async def logout(session: AsyncSession, user: User) -> None:
    """Void every access token issued so far, and the EventSource tickets they got.
    API keys are left alone: they are revoked one by one (or all by a password change)."""
    await _bump_token_version(session, user)
    await session.execute(
        delete(AgentTicket).where(AgentTicket.owner_id == user.id, AgentTicket.api_key_id.is_(None))
    )


async def change_password(
    session: AsyncSession, throttle: PasswordThrottle, user: User, data: PasswordChange, client: str | None
) -> int:
    """Set a new password; every access token, API key and ticket issued before stops working.
    Returns the new token version."""
    if contains_email(data.new_password, user.email):
        raise Unprocessable("The new password must not contain the email address.", field="new_password")
    if not await check_password(
        session, throttle, user.email, client, data.current_password, user.hashed_password
    ):
        raise Forbidden("The current password is not correct.")
    hashed = await security.hash_password(data.new_password)
    await session.execute(
        update(User)
        .where(User.id == user.id)
        .values(hashed_password=hashed)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(user, "hashed_password", hashed)
    now = datetime.now(UTC)
    await session.execute(
        update(ApiKey).where(ApiKey.owner_id == user.id, ApiKey.revoked_at.is_(None)).values(revoked_at=now)
    )
    await session.execute(delete(AgentTicket).where(AgentTicket.owner_id == user.id))
    return await _bump_token_version(session, user)


async def delete_account(
    session: AsyncSession, throttle: PasswordThrottle, user: User, password: str, client: str | None
) -> None:
    """Delete the user and, through the foreign keys' cascades, everything they own."""
    if not await check_password(session, throttle, user.email, client, password, user.hashed_password):
        raise Forbidden("The password is not correct; the account was not deleted.")
    await session.execute(delete(User).where(User.id == user.id))
    if user in session:
        session.expunge(user)


_USER_SQL = """
SELECT id, email, hashed_password, full_name, is_active, token_version, created_at, updated_at
FROM users WHERE id = $1
"""


async def user_by_id(db: Db, user_id: int) -> User | None:
    """The user behind a token, read without the ORM: every authenticated request starts here.
    The object is not in a session; this module changes users with UPDATE statements (and
    ``set_committed_value``), never by setting attributes. It is one prepared asyncpg
    statement (``Db.fetchrow_first``): the first of the route's transaction, or on the
    request's pooled connection in autocommit. A connection the database dropped is noticed
    here, as the request's first statement, and the pool refreshed (``app.db.request_db``; a read
    is then retried on a fresh one)."""
    row = await db.fetchrow_first(_USER_SQL, user_id)
    if row is None:
        return None
    # Built as the ORM builds a row it loads, not through ``User(**row)``: that records each
    # value as a change to be flushed, ten times the cost (about 30 µs of every request).
    user: User = _user_class_manager().new_instance()
    user.__dict__.update(row.items())
    return user


@cache
def _user_class_manager() -> ClassManager[User]:
    configure_mappers()  # an attribute of an unconfigured mapper cannot be read yet
    return inspect(User).class_manager


async def user_for_api_key(session: AsyncSession, key: str) -> tuple[User, int] | None:
    """The key's owner and the key's id, for a valid, unexpired, unrevoked key."""
    now = datetime.now(UTC)
    stmt = (
        select(ApiKey, User)
        .join(User, User.id == ApiKey.owner_id)
        .where(ApiKey.key_hash == security.sha256(key), ApiKey.revoked_at.is_(None))
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    api_key, user = row
    if api_key.expires_at is not None and api_key.expires_at <= now:
        return None
    # Note use at most once a minute, so reads stay reads.
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
        await session.execute(update(ApiKey).where(ApiKey.id == api_key.id).values(last_used_at=now))
    return user, api_key.id


async def create_api_key(session: AsyncSession, user: User, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    key, prefix, digest = security.new_api_key()
    expires_at = datetime.now(UTC) + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    api_key = ApiKey(owner_id=user.id, name=data.name, prefix=prefix, key_hash=digest, expires_at=expires_at)
    session.add(api_key)
    await session.flush()
    await session.refresh(api_key)
    return api_key, key


async def list_api_keys(session: AsyncSession, user: User) -> list[ApiKey]:
    stmt = select(ApiKey).where(ApiKey.owner_id == user.id).order_by(ApiKey.id)
    return list((await session.execute(stmt)).scalars())


async def revoke_api_key(session: AsyncSession, user: User, key_id: int) -> None:
    api_key = await session.get(ApiKey, key_id)
    if api_key is None or api_key.owner_id != user.id:
        raise NotFound("API key", key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = datetime.now(UTC)
        await session.flush()
    # EventSource tickets the key obtained die with it.
    await session.execute(delete(AgentTicket).where(AgentTicket.api_key_id == api_key.id))
