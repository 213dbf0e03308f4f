"""Who is calling: a bearer JWT or a personal API key, else 401.

``CurrentUser`` is what most routes need; ``CurrentCaller`` is the request's ``Db`` and the user
together, for the routes that run on ``Db`` (one dependency instead of two: each costs every
request about 5% of a small route's CPU); ``CurrentPrincipal`` also says which API key (if any)
authenticated the request; ``PasswordLoginUser`` refuses API keys (403) for the routes that
manage credentials and the account itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import security, service
from app.db import Db, db_of
from app.errors import Forbidden, Unauthorized
from app.models import User

TOKEN_URL = "/api/auth/token"
SCHEME_DESCRIPTION = "A JWT from /api/auth/token, or a personal API key (itk_…) from /api/auth/api-keys."


@dataclass(frozen=True)
class Principal:
    user: User
    api_key_id: int | None = None  # set when a personal API key authenticated the request


_PRINCIPAL_KEY = "app.principal"


async def _authenticate(request: Request, token: str | None) -> Principal:
    """Who sent the request, worked out once per run of its handler (the dependencies below
    share it; each is the bearer scheme and reads the token itself, so no dependency sits under
    another). Kept with the request's ``Db``: a read run again on a fresh connection
    (``RetryReadMiddleware``) reads the caller again too."""
    db = db_of(request)
    found: tuple[Db, Principal] | None = request.scope.get(_PRINCIPAL_KEY)
    if found is None or found[0] is not db:
        found = db, await resolve_principal(db, request, token)
        request.scope[_PRINCIPAL_KEY] = found
    return found[1]


async def resolve_principal(db: Db, request: Request, token: str | None) -> Principal:
    """The caller behind an access token or API key, read through ``db`` (the MCP tools pass
    one over their own session); 401 when there is none or it is not valid."""
    if not token:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <token or API key>'.")
    user: User | None
    api_key_id: int | None = None
    if token.startswith(security.API_KEY_PREFIX):
        found = await service.user_for_api_key(await db.session(), token)
        if found is None:
            raise Unauthorized("The API key is invalid, expired or revoked.")
        user, api_key_id = found
    else:
        claims = security.decode_access_token(token, request.app.state.secret_key)
        if claims is None:
            raise Unauthorized("The access token is invalid or expired.")
        user_id, version = claims
        user = await service.user_by_id(db, user_id)
        if user is not None and user.token_version != version:
            raise Unauthorized("The access token was revoked (logout or password change); log in again.")
    if user is None or not user.is_active:
        raise Unauthorized("The account behind these credentials is not active.")
    return Principal(user, api_key_id)


class _Bearer(OAuth2PasswordBearer):
    """A dependency that is the bearer scheme itself and the caller it stands for: the OpenAPI
    document (and Swagger UI's Authorize) sees the scheme on every route that uses one, and
    FastAPI solves one dependency where a scheme under a caller dependency was two (each level
    of dependency solving costs every request)."""

    def __init__(self, pick: Callable[[Request, Principal], Any]) -> None:
        super().__init__(
            tokenUrl=TOKEN_URL,
            scheme_name="OAuth2PasswordBearer",
            description=SCHEME_DESCRIPTION,
            auto_error=False,
        )
        self._pick = pick

    async def __call__(self, request: Request) -> Any:  # type: ignore[override]
        return self._pick(request, await _authenticate(request, await super().__call__(request)))


class Caller(NamedTuple):
    """The request's database and the user it runs for (``db, user = caller``)."""

    db: Db
    user: User


def _password_login(principal: Principal) -> User:
    if principal.api_key_id is not None:
        raise Forbidden(
            "API keys cannot manage credentials or the account: use an access token from "
            "POST /api/auth/token (a password login). This keeps a leaked or short-lived key "
            "from minting keys that outlive it."
        )
    return principal.user


get_principal = _Bearer(lambda _, principal: principal)
get_current_user = _Bearer(lambda _, principal: principal.user)
get_current_caller = _Bearer(lambda request, principal: Caller(db_of(request), principal.user))
get_password_login_user = _Bearer(lambda _, principal: _password_login(principal))

CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
CurrentCaller = Annotated[Caller, Depends(get_current_caller)]
PasswordLoginUser = Annotated[User, Depends(get_password_login_user)]


def get_password_throttle(request: Request) -> service.PasswordThrottle:
    state = request.app.state
    return service.PasswordThrottle.build(state.settings, state.engine, getattr(state, "redis", None))


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


PasswordThrottleDep = Annotated[service.PasswordThrottle, Depends(get_password_throttle)]
ClientAddress = Annotated[str | None, Depends(client_address)]
