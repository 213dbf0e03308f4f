from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import schemas, security, service
from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.errors import Unauthorized
from app.kit.responses import problems
from app.kit.schemas import IdPath

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.UserRead,
    summary="Create an account",
    responses=problems(409, 422),
)
async def register(data: schemas.UserCreate, session: SessionDep) -> schemas.UserRead:
    """Create an account with an email and a password (8–128 characters, a letter and a digit or
    symbol, not a common password). Then get a token from `/api/auth/token`."""
    user = await service.register(session, data)
    return schemas.UserRead.model_validate(user)


@router.post(
    "/token",
    response_model=schemas.Token,
    summary="Log in (OAuth2 password flow)",
    responses=problems(401, 422),
)
async def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
) -> schemas.Token:
    """Exchange email (`username`) and password for a bearer access token. This is the flow
    Swagger's **Authorize** button uses."""
    user = await service.authenticate(session, form.username, form.password)
    if user is None:
        raise Unauthorized("Incorrect email or password.")
    settings = request.app.state.settings
    access, expires_in = security.create_access_token(
        user.id, request.app.state.secret_key, settings.access_token_expire_minutes
    )
    return schemas.Token(access_token=access, expires_in=expires_in)


@router.get("/me", response_model=schemas.UserRead, summary="Who am I", responses=problems(401))
async def me(user: CurrentUser) -> schemas.UserRead:
    """The account behind the token or API key sent."""
    return schemas.UserRead.model_validate(user)


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.ApiKeyCreated,
    summary="Create a personal API key",
    responses=problems(401, 422),
)
async def create_api_key(
    data: schemas.ApiKeyCreate, user: CurrentUser, session: SessionDep
) -> schemas.ApiKeyCreated:
    """Create a key for scripts: send it as `Authorization: Bearer itk_…`. The key is shown
    only in this response; only its hash is stored."""
    api_key, key = await service.create_api_key(session, user, data)
    return schemas.ApiKeyCreated(**schemas.ApiKeyRead.model_validate(api_key).model_dump(), key=key)


@router.get(
    "/api-keys",
    response_model=list[schemas.ApiKeyRead],
    summary="List your API keys",
    responses=problems(401),
)
async def list_api_keys(user: CurrentUser, session: SessionDep) -> list[schemas.ApiKeyRead]:
    """Your keys, with prefix, last use and revocation time. The keys themselves are never shown again."""
    return [schemas.ApiKeyRead.model_validate(k) for k in await service.list_api_keys(session, user)]


@router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key",
    responses=problems(401, 404),
)
async def revoke_api_key(key_id: IdPath, user: CurrentUser, session: SessionDep) -> None:
    """Revoke a key at once: requests using it answer 401 from now on."""
    await service.revoke_api_key(session, user, key_id)
