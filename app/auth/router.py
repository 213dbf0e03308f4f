from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Form, Request, status

from app.auth import schemas, security, service
from app.auth.dependencies import ClientAddress, CurrentUser, PasswordLoginUser, PasswordThrottleDep
from app.db import SessionDep, read_only, user_read_first
from app.errors import Unauthorized
from app.kit.responses import problems
from app.kit.routing import Router
from app.kit.schemas import IdPath
from app.models import User

router = Router(prefix="/api/auth", tags=["auth"])


class LoginForm:
    """The OAuth2 password form Swagger's **Authorize** button sends, with every field bounded:
    a password longer than any we accept is refused (422) before anything is hashed."""

    def __init__(
        self,
        username: Annotated[str, Form(min_length=1, max_length=320, description="Your email.")],
        password: Annotated[
            str,
            Form(
                min_length=1, max_length=schemas.MAX_PASSWORD_CHARS, json_schema_extra={"format": "password"}
            ),
        ],
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        scope: Annotated[str, Form(max_length=1000)] = "",
        client_id: Annotated[str | None, Form(max_length=200)] = None,
        client_secret: Annotated[
            str | None, Form(max_length=200, json_schema_extra={"format": "password"})
        ] = None,
    ) -> None:
        self.username = username
        self.password = password


def _issue_token(request: Request, user: User) -> schemas.Token:
    access, expires_in = security.create_access_token(
        user.id,
        user.token_version,
        request.app.state.secret_key,
        request.app.state.settings.access_token_expire_minutes,
    )
    return schemas.Token(access_token=access, expires_in=expires_in)


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
    responses=problems(401, 422, 429),
)
async def token(
    request: Request,
    form: Annotated[LoginForm, Depends()],
    session: SessionDep,
    throttle: PasswordThrottleDep,
    client: ClientAddress,
) -> schemas.Token:
    """Exchange email (`username`) and password for a bearer access token. This is the flow
    Swagger's **Authorize** button uses.

    Failed attempts are throttled: after 10 wrong passwords for one account, or 50 from one
    client address, within 15 minutes (the defaults; see `LOGIN_*` settings), further
    attempts answer **429** with `Retry-After`
    (without checking the password) until the window ends. A successful login clears the
    account's count and is never limited itself. Passwords over 128 characters are a 422."""
    user = await service.authenticate(session, throttle, form.username, form.password, client)
    if user is None:
        raise Unauthorized("Incorrect email or password.")
    return _issue_token(request, user)


@router.get("/me", response_model=schemas.UserRead, summary="Who am I", responses=problems(401))
@read_only
async def me(user: CurrentUser) -> schemas.UserRead:
    """The account behind the token or API key sent."""
    return schemas.UserRead.model_validate(user)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Log out everywhere",
    responses=problems(401),
)
async def logout(user: CurrentUser, session: SessionDep) -> None:
    """Revoke every access token issued to you so far (on every device) and the EventSource
    tickets they obtained: they answer 401 from now on. Personal API keys keep working —
    revoke them one by one with `DELETE /api/auth/api-keys/{id}`, or all at once by changing
    the password."""
    await service.logout(session, user)


@router.post(
    "/password",
    response_model=schemas.Token,
    summary="Change your password",
    responses=problems(401, 403, 422, 429),
)
@user_read_first
async def change_password(
    request: Request,
    data: schemas.PasswordChange,
    user: PasswordLoginUser,
    session: SessionDep,
    throttle: PasswordThrottleDep,
    client: ClientAddress,
) -> schemas.Token:
    """Change the password (same rules as at registration). Needs an access token from a
    password login (an API key is a 403) and the current password (wrong: 403, counted like a
    failed login).

    Every access token issued before, every API key and every EventSource ticket stops working;
    the response carries a **fresh access token** so this client stays logged in."""
    await service.change_password(session, throttle, user, data, client)
    return _issue_token(request, user)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete your account",
    responses=problems(401, 403, 422, 429),
)
@user_read_first
async def delete_account(
    data: Annotated[schemas.AccountDelete, Body()],
    user: PasswordLoginUser,
    session: SessionDep,
    throttle: PasswordThrottleDep,
    client: ClientAddress,
) -> None:
    """Delete your account and everything it owns (interviews, questions, conversations, API
    keys, …) for good. Send `{"password": "…"}` to confirm; needs an access token from a
    password login (an API key is a 403). A wrong password is a 403, counted like a failed login."""
    await service.delete_account(session, throttle, user, data.password, client)


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.ApiKeyCreated,
    summary="Create a personal API key",
    responses=problems(401, 403, 422),
)
async def create_api_key(
    data: schemas.ApiKeyCreate, user: PasswordLoginUser, session: SessionDep
) -> schemas.ApiKeyCreated:
    """Create a key for scripts: send it as `Authorization: Bearer itk_…`. The key is shown
    only in this response; only its hash is stored.

    Keys are managed only with an access token from a password login: an API key here is a
    403, so a key cannot mint keys that outlive it. Changing the password revokes every key;
    logging out does not."""
    api_key, key = await service.create_api_key(session, user, data)
    return schemas.ApiKeyCreated(**schemas.ApiKeyRead.model_validate(api_key).model_dump(), key=key)


@router.get(
    "/api-keys",
    response_model=list[schemas.ApiKeyRead],
    summary="List your API keys",
    responses=problems(401, 403),
)
@read_only
async def list_api_keys(user: PasswordLoginUser, session: SessionDep) -> list[schemas.ApiKeyRead]:
    """Your keys, with prefix, last use and revocation time. The keys themselves are never shown
    again. Needs an access token from a password login (an API key is a 403)."""
    return [schemas.ApiKeyRead.model_validate(k) for k in await service.list_api_keys(session, user)]


@router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key",
    responses=problems(401, 403, 404),
)
async def revoke_api_key(key_id: IdPath, user: PasswordLoginUser, session: SessionDep) -> None:
    """Revoke a key at once: requests using it, and EventSource tickets it obtained, answer 401
    from now on. Needs an access token from a password login (an API key is a 403)."""
    await service.revoke_api_key(session, user, key_id)
