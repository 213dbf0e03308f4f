"""``/mcp``: the MCP server over streamable HTTP, behind the REST API's bearer credentials.

Stateless and JSON-only (no MCP session ids, no server-held streams), so any worker or replica
can answer any request. A request without valid credentials gets the REST API's 401 problem;
with them, the credential is handed to the tools through :data:`app.mcp.session.credential`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.security.utils import get_authorization_scheme_param
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.errors import AppError, problem_response
from app.mcp.server import build_server
from app.mcp.session import authenticate, credential

PATH = "/mcp"


class McpEndpoint:
    """The ASGI app served at ``/mcp``."""

    def __init__(self, app: FastAPI, sessions: StreamableHTTPSessionManager) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        scheme, token = get_authorization_scheme_param(headers.get(b"authorization", b"").decode("latin-1"))
        bearer = token if scheme.lower() == "bearer" and token else None
        try:
            async with self.app.state.sessionmaker() as session:
                await authenticate(self.app, session, bearer)
        except AppError as exc:
            response = problem_response(
                exc.status, exc.detail, title=exc.title, instance=scope["path"], headers=exc.headers
            )
            await response(scope, receive, send)
            return
        # Tasks the session manager starts for this request copy this context.
        reset = credential.set(bearer)
        try:
            await self.sessions.handle_request(scope, receive, send)
        finally:
            credential.reset(reset)


def install(app: FastAPI) -> None:
    """Serve the MCP server at ``/mcp``. ``app.state.mcp_sessions.run()`` must wrap the app's
    lifespan (its task group serves the requests)."""
    server = build_server(app)
    # Builds the session manager (the Starlette app it returns is not used: the route below
    # authenticates first). No DNS-rebinding check: every request needs a bearer credential.
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    sessions = server.session_manager
    app.state.mcp = server
    app.state.mcp_sessions = sessions
    endpoint = McpEndpoint(app, sessions)
    app.router.routes.append(
        Route(PATH, endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    )
