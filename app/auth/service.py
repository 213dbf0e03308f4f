from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import security
from app.auth.schemas import ApiKeyCreate, UserCreate
from app.errors import Conflict, NotFound
from app.models import ApiKey, User


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == email.lower())
    return (await session.execute(stmt)).scalar_one_or_none()


async def register(session: AsyncSession, data: UserCreate) -> User:
    if await get_user_by_email(session, data.email) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(
        email=data.email.lower(),
        hashed_password=security.hash_password(data.password),
        full_name=data.full_name,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("An account with this email already exists.") from exc
    await session.refresh(user)
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    user = await get_user_by_email(session, email)
    if not security.verify_password(password, user.hashed_password if user else None):
        return None
    if user is None or not user.is_active:
        return None
    return user


async def user_for_api_key(session: AsyncSession, key: str) -> User | None:
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
    return user


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
