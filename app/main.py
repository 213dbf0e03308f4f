"""The application factory: settings, database, middleware, error handlers and routers."""

from __future__ import annotations

import asyncio
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
from app.agents.llm import build_chat_model, make_http_client, model_label
from app.agents.router import router as agents_router
from app.auth.router import router as auth_router
from app.companies.router import router as companies_router
from app.config import Settings, get_settings
from app.cv_versions.router import router as cv_versions_router
from app.db import make_engine, make_sessionmaker
from app.errors import ServiceUnavailable, install_error_handlers
from app.interviews.router import router as interviews_router
from app.kit.responses import problems
from app.logging import configure_logging
from app.middleware import AccessLogMiddleware, BodySizeLimitMiddleware
from app.practice.router import router as practice_router
from app.questions.router import router as questions_router
from app.roles.router import router as roles_router
from app.skill_gaps.router import router as skill_gaps_router
from app.skills.router import router as skills_router
from app.stats.router import router as stats_router
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
    {"name": "agents", "description": "AI interview coaching: six specialists, streamed over SSE."},
    {"name": "operations", "description": "Health, readiness and the service overview."},
]


STATIC_DIR = Path(__file__).parent / "static"

ROUTERS = [
    auth_router,
    companies_router,
    roles_router,
    skills_router,
    interviews_router,
    questions_router,
    cv_versions_router,
    practice_router,
    skill_gaps_router,
    user_skills_router,
    stats_router,
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
    return embedded.ensure_database(server)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    engine = make_engine(settings, _database_url(settings))

    llm_http = make_http_client(settings)
    redis = _redis_client(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.loop = asyncio.get_running_loop()  # for diagnostics and leak tests
        try:
            yield
        finally:
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
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.secret_key = settings.resolved_secret_key()
    app.state.llm_http = llm_http
    app.state.redis = redis
    app.state.chat_model = build_chat_model(settings, llm_http)
    app.state.model_name = model_label(settings)

    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
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

    _operations(app)
    _problem_openapi(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
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

    @app.get("/", tags=["operations"], summary="Service overview")
    async def overview(request: Request) -> dict[str, Any]:
        """What this service is and where to go next."""
        settings: Settings = request.app.state.settings
        return {
            "name": "Interview Tracker API",
            "version": __version__,
            "docs": "/docs",
            "playground": "/playground",
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
