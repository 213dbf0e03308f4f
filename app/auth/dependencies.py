"""The CurrentUser dependency: a bearer JWT or a personal API key, else 401."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import security, service
from app.db import SessionDep
from app.errors import Unauthorized
from app.models import User

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/auth/token",
    auto_error=False,
    description="A JWT from /api/auth/token, or a personal API key (itk_…) from /api/auth/api-keys.",
)


async def get_current_user(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    if not token:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <token or API key>'.")
    user: User | None
    if token.startswith(security.API_KEY_PREFIX):
        user = await service.user_for_api_key(session, token)
        if user is None:
            raise Unauthorized("The API key is invalid, expired or revoked.")
    else:
        user_id = security.decode_access_token(token, request.app.state.secret_key)
        if user_id is None:
            raise Unauthorized("The access token is invalid or expired.")
        user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("The account behind these credentials is not active.")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
