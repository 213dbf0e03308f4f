"""The application factory: settings, database, middleware, error handlers and routers."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from app import __version__, embedded
from app.agents.llm import build_chat_model, build_provider, make_http_client, model_label
from app.agents.router import router as agents_router
from app.auth.router import router as auth_router
from app.calendar.router import router as calendar_router
from app.companies.router import router as companies_router
from app.config import Settings, get_settings
from app.cv_versions.router import router as cv_versions_router
from app.db import make_engine, make_read_engine, make_sessionmaker
from app.docs import install_docs
from app.errors import ServiceUnavailable, install_error_handlers
from app.interviews.router import router as interviews_router
from app.kit import dispatch as direct_dispatch
from app.kit.query import document_query_models
from app.kit.responses import problems
from app.kit.routing import Route
from app.logging import configure_logging
from app.mcp import http as mcp_http
from app.middleware import AccessLogMiddleware, BodySizeLimitMiddleware, RetryReadMiddleware
from app.mock_interviews.router import router as mock_interviews_router
from app.practice.router import router as practice_router
from app.questions.router import router as questions_router
from app.review.router import attempts_router, grade_router
from app.review.router import router as review_router
from app.roles.router import router as roles_router
from app.security_headers import SecurityHeadersMiddleware
from app.skill_gaps.router import router as skill_gaps_router
from app.skills.router import router as skills_router
from app.stats.router import router as stats_router
from app.transfer.router import MAX_IMPORT_BYTES
from app.transfer.router import router as transfer_router
from app.user_skills.router import router as user_skills_router

DESCRIPTION = """
Track your job interviews — companies, roles, skills, interviews and their rounds, the
questions you were asked and how well you answered — and get coached by six specialist AI
agents whose answers stream over Server-Sent Events.

**Getting a token:** `POST /api/auth/register` with an email and password, then press
**Authorize** above and log in with the same email (as *username*) and password.
Scripts can use a personal API key (`POST /api/auth/api-keys`) as `Authorization: Bearer itk_…`.

Errors are RFC 9457 problem details (`application/problem+json`).
"""

TAGS = [
    {"name": "auth", "description": "Accounts, access tokens and personal API keys."},
    {"name": "companies", "description": "Companies you interview with."},
    {"name": "roles", "description": "Roles you apply for."},
    {"name": "skills", "description": "Skills that interviews and questions test."},
    {"name": "interviews", "description": "Interviews, their rounds, the questions asked and skills tested."},
    {"name": "questions", "description": "Your question bank, with full-text search."},
    {"name": "cv versions", "description": "The CV versions you send out."},
    {"name": "practice sessions", "description": "Practice sessions and the questions practised."},
    {"name": "skill gaps", "description": "Gaps revealed by interviews and questions."},
    {"name": "user skills", "description": "Your own level in each skill."},
    {"name": "stats", "description": "Your statistics."},
    {
        "name": "review",
        "description": "Spaced repetition (FSRS): what to practise next, fed by every rating.",
    },
    {"name": "mock interviews", "description": "Mock interviews: graded answers, follow-ups, reports."},
    {"name": "calendar", "description": "A secret iCalendar feed of your interviews for your calendar app."},
    {"name": "agents", "description": "AI interview coaching: six specialists, streamed over SSE."},
    {"name": "export and import", "description": "Everything you own as one JSON document, and back."},
    {"name": "operations", "description": "Health, readiness and the service overview."},
]


STATIC_DIR = Path(__file__).parent / "static"

# Requests are matched against routes in order, one regular expression at a time (about 2 µs
# each). A router whose prefix the path lacks is skipped whole (``app.kit.routing.Router``), so
# the order matters only among routers that share a prefix: transfer's /api/interviews/export.csv
# must come before the interviews router's /{id}.
ROUTERS = [
    auth_router,
    stats_router,
    transfer_router,  # before interviews and questions: /export.csv is not an /{id}
    interviews_router,
    questions_router,
    attempts_router,
    companies_router,
    roles_router,
    skills_router,
    cv_versions_router,
    practice_router,
    skill_gaps_router,
    user_skills_router,
    review_router,
    mock_interviews_router,
    calendar_router,
    grade_router,
    agents_router,
]


def _redis_client(settings: Settings) -> Any:
    if not settings.redis_url:
        return None
    from redis.asyncio import Redis

    return Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    server = embedded.start(settings.data_dir)
    url = embedded.ensure_database(server)
    embedded.adopt(server, url)  # this process started it: the lifespan keeps it running
    return url


async def _fail_interrupted_turns(app: FastAPI) -> None:
    """Answers a crashed worker left "streaming" are marked failed (older ones only: other
    workers may be streaming right now)."""
    from app.agents.service import fail_stale_turns

    try:
        async with app.state.sessionmaker() as session:
            await fail_stale_turns(session)
            await session.commit()
    except Exception as exc:  # e.g. migrations not applied yet: the app still starts
        logging.getLogger("app.main").warning("could not sweep interrupted turns (%s)", type(exc).__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    database_url = _database_url(settings)
    engine = make_engine(settings, database_url)

    llm_http = make_http_client(settings)
    redis = _redis_client(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.loop = asyncio.get_running_loop()  # for diagnostics and leak tests
        await _fail_interrupted_turns(app)
        # The embedded server this process started (here or in `interview-api serve`) is
        # restarted when it dies; the pool then drops its connections to the dead one.
        pg = embedded.owned(database_url)
        watchdog = asyncio.create_task(embedded.supervise(pg, engine.dispose)) if pg else None
        try:
            async with app.state.mcp_sessions.run():  # the task group that serves /mcp
                if settings.gc_freeze:
                    gc.collect()
                    gc.freeze()
                yield
        finally:
            if settings.gc_freeze:
                gc.unfreeze()
            if watchdog is not None:
                watchdog.cancel()
            await llm_http.aclose()
            if redis is not None:
                await redis.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Interview Tracker API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
        docs_url=None,  # served by install_docs: from the installed package, not a CDN
        redoc_url=None,
    )
    # The application's own routes run inside the request's database too (app.kit.routing).
    app.router.route_class = Route
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_engine = make_read_engine(engine)
    app.state.secret_key = settings.resolved_secret_key()
    app.state.llm_http = llm_http
    app.state.redis = redis
    app.state.chat_model = build_chat_model(settings, llm_http)
    app.state.model_name = model_label(settings)
    app.state.provider = build_provider(settings, app.state.chat_model)

    install_error_handlers(app)
    app.add_middleware(RetryReadMiddleware)  # innermost: sees the 503 a dead connection caused
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        larger={"/api/import": MAX_IMPORT_BYTES},  # an account export outgrows ordinary bodies
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Last-Event-ID", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")
    app.add_middleware(SecurityHeadersMiddleware)

    for router in ROUTERS:
        # Each route refuses unknown query parameters (422, CONTRACT §3): app.kit.routing.Route.
        app.include_router(router)
    _operations(app)
    install_docs(app)
    _problem_openapi(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    mcp_http.install(app)  # /mcp: the MCP server, same credentials as /api
    # Past FastAPI's routing for the API routes with a direct plan (app.kit.dispatch).
    direct_dispatch.install(app)
    return app


def _problem_openapi(app: FastAPI) -> None:
    """Document every error response as what it is: application/problem+json with the Problem
    schema (FastAPI would otherwise describe 422s as its own JSON shape)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        spec = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        document_query_models(spec, app.routes)
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for ops in spec.get("paths", {}).values():
            for op in ops.values():
                for status, response in op.get("responses", {}).items():
                    if status.isdigit() and int(status) >= 400:
                        response["content"] = problem
                        if status == "422":
                            response["description"] = "Validation failed; `errors` lists the fields"
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = spec
        return spec

    # FastAPI's documented hook for a custom schema is replacing the method on the instance.
    app.openapi = openapi  # type: ignore[method-assign]


def _operations(app: FastAPI) -> None:
    @app.get("/health", tags=["operations"], summary="Process is up")
    async def health() -> dict[str, str]:
        """Answers as long as the process serves requests; it does not touch the database."""
        return {"status": "ok"}

    @app.get("/ready", tags=["operations"], summary="Ready to serve", responses=problems(503))
    async def ready(request: Request) -> dict[str, str]:
        """Checks that the database answers; a 503 problem when it does not."""
        try:
            async with asyncio.timeout(3):
                async with request.app.state.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise ServiceUnavailable("The database is not reachable.") from exc
        return {"status": "ready", "database": "ok"}

    @app.get(
        "/playground", tags=["operations"], summary="Try the agents in a browser", include_in_schema=False
    )
    async def playground() -> FileResponse:
        """A page to sign in, ask the coaches and watch the answers stream."""
        return FileResponse(STATIC_DIR / "playground.html", headers={"Cache-Control": "no-cache"})

    @app.get("/app", tags=["operations"], summary="The web app", include_in_schema=False)
    @app.get("/app/{view:path}", tags=["operations"], include_in_schema=False)
    async def web_app() -> FileResponse:
        """Coach, Practice, Mock interview, Progress and Interviews in the browser; the page
        routes its views itself, so every /app/... path serves the same document."""
        return FileResponse(STATIC_DIR / "app" / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/", tags=["operations"], summary="Service overview")
    async def overview(request: Request) -> dict[str, Any]:
        """What this service is and where to go next."""
        settings: Settings = request.app.state.settings
        return {
            "name": "Interview Tracker API",
            "version": __version__,
            "docs": "/docs",
            "playground": "/playground",
            "app": "/app",
            "redoc": "/redoc",
            "openapi": "/openapi.json",
            "health": "/health",
            "ready": "/ready",
            "llm_provider": settings.effective_llm_provider.value,
            "get_started": [
                "POST /api/auth/register {email, password}",
                "POST /api/auth/token (form: username=email, password) -> access_token",
                "Send 'Authorization: Bearer <access_token>' to everything under /api",
            ],
        }
