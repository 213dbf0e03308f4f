"""The ``interview-api`` command: serve, migrate, create-user and more."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from typing import Annotated, Any

import typer
from rich.console import Console

from app import embedded, migrate
from app.config import Settings, get_settings

# Plain help: typer 0.29's rich panels print a type after every flag ("--help <bool>").
cli = typer.Typer(
    help="Interview Tracker operations.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"max_content_width": 100},
)
console = Console(stderr=True, soft_wrap=True)


def _resolve_database(settings: Settings) -> str:
    """DATABASE_URL if set; otherwise start the embedded server and return its URL."""
    if settings.database_url:
        return settings.database_url
    t0 = time.perf_counter()
    server = embedded.start(settings.data_dir)
    url = embedded.ensure_database(server)
    embedded.adopt(server, url)  # started here: kept running while this process serves
    console.print(
        f"[green]Embedded PostgreSQL[/] ready in {time.perf_counter() - t0:.1f}s "
        f"(data in {settings.data_dir / 'pg'})"
    )
    return url


def _migrated_database(settings: Settings) -> str:
    """The database URL, with migrations applied (commands that write data need the schema)."""
    url = _resolve_database(settings)
    migrate.upgrade(url)
    return url


async def _nothing() -> None:
    """Workers' pools replace dead connections themselves (pre-ping)."""


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (WORKERS).")] = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
    no_migrate: Annotated[bool, typer.Option("--no-migrate", help="Skip migrations.")] = False,
) -> None:
    """Start the database if needed, apply migrations and serve the API."""
    import uvicorn

    settings = get_settings()
    url = _resolve_database(settings)
    # Workers are separate processes: they read the URL from the environment.
    os.environ["DATABASE_URL"] = url
    # A server process: freeze what startup made (app.config.Settings.gc_freeze).
    os.environ.setdefault("GC_FREEZE", "true")
    get_settings.cache_clear()
    if not no_migrate:
        t0 = time.perf_counter()
        migrate.upgrade(url)
        console.print(f"[green]Migrations[/] applied in {time.perf_counter() - t0:.1f}s")
    host = host or settings.host
    port = port or settings.port
    settings.resolved_secret_key()  # create it once, before workers race for it
    console.print(
        f"\n  API:        http://{host}:{port}/\n"
        f"  Swagger:    http://{host}:{port}/docs  (register, then press Authorize)\n"
        f"  ReDoc:      http://{host}:{port}/redoc\n"
        f"  Playground: http://{host}:{port}/playground  (create an account, ask the coaches)\n"
        f"  LLM:        {settings.effective_llm_provider.value}\n"
        f"  Token:      curl -X POST http://{host}:{port}/api/auth/register "
        '-H \'Content-Type: application/json\' -d \'{"email":"you@example.com","password":"a-long-pass-42"}\'\n'
        f"              curl -X POST http://{host}:{port}/api/auth/token "
        "-d 'username=you@example.com&password=a-long-pass-42'\n"
    )
    # uvicorn re-raises the signal it caught after a graceful shutdown; exit through Python
    # so atexit stops the embedded database too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    pg = embedded.owned(url)
    if pg is not None and (workers or settings.workers) > 1:
        # Workers are other processes: this one, which owns the embedded server, supervises it
        # (with one worker the app's lifespan does).
        threading.Thread(target=asyncio.run, args=(embedded.supervise(pg, _nothing),), daemon=True).start()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        reload=reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=5,
        # httptools with a bound on request headers (431 before an oversized one is read)
        http="app.server:HeaderLimitedHttpToolsProtocol",
    )


@cli.command("migrate")
def migrate_cmd(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    down: Annotated[bool, typer.Option(help="Downgrade to the revision instead.")] = False,
) -> None:
    """Apply (or roll back) database migrations."""
    url = _resolve_database(get_settings())
    (migrate.downgrade if down else migrate.upgrade)(url, revision)
    console.print(f"[green]Database at {'base' if down and revision == 'base' else revision}.[/]")


def _user_create(email: str, password: str, full_name: str | None) -> Any:
    from pydantic import ValidationError

    from app.auth.schemas import UserCreate

    try:
        return UserCreate(email=email, password=password, full_name=full_name)
    except ValidationError as exc:
        raise typer.BadParameter("; ".join(e["msg"] for e in exc.errors())) from exc


async def _create_user(url: str, email: str, password: str, full_name: str | None) -> int:
    from app.auth import service
    from app.db import make_engine, make_sessionmaker

    data = _user_create(email, password, full_name)
    engine = make_engine(get_settings(), url)
    try:
        async with make_sessionmaker(engine)() as session:
            user = await service.register(session, data)
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    full_name: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create an account (for operators; users can also self-register)."""
    from app.errors import AppError

    url = _migrated_database(get_settings())
    try:
        user_id = asyncio.run(_create_user(url, email, password, full_name))
    except AppError as exc:
        console.print(f"[red]{exc.detail}[/]")
        raise typer.Exit(1) from exc
    console.print(f"[green]Created user {user_id}[/] ({email}).")


async def _seed_demo(
    url: str, email: str, password: str | None, interviews: int, reset: bool
) -> dict[str, int]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from sqlalchemy import delete

    from app import demo
    from app.auth import service
    from app.db import make_engine, make_sessionmaker
    from app.models import Company, CvVersion, PracticeSession, Question, Skill

    engine = make_engine(get_settings(), url)
    steps = 12
    try:
        async with make_sessionmaker(engine)() as session:
            user = await service.get_user_by_email(session, email)
            if user is None:
                if not password:
                    raise typer.BadParameter(f"No account {email}; pass --password to create it.")
                user = await service.register(session, _user_create(email, password, None))
                console.print(f"Created account {email}.")
            existing = await demo.has_data(session, user)
            if existing and not reset:
                console.print(
                    f"[yellow]{email} already has {existing} interviews; nothing was changed.[/] "
                    "Pass --reset to replace that account's data with demo data."
                )
                raise typer.Exit(1)
            if reset:
                # Interviews first (they restrict companies and roles); children cascade.
                from app.models import Interview, Role

                for model in (Interview, Role, Company, Question, Skill, CvVersion, PracticeSession):
                    await session.execute(delete(model).where(model.owner_id == user.id))
            with Progress(
                TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), console=console
            ) as progress:
                task = progress.add_task("seeding", total=steps)

                def tick(label: str, n: int) -> None:
                    progress.update(task, advance=1, description=f"{label} ({n})")

                counts = await demo.seed(session, user, interviews=interviews, progress=tick)
            await session.commit()
            return counts
    finally:
        await engine.dispose()


@cli.command("seed-demo", short_help="Fill an account with realistic demo data.")
def seed_demo(
    email: Annotated[str, typer.Option(help="The account to fill (created when --password is given).")],
    password: Annotated[str | None, typer.Option(help="Password for a new account.")] = None,
    interviews: Annotated[int, typer.Option(min=1, max=100_000, help="How many interviews to create.")] = 160,
    reset: Annotated[bool, typer.Option(help="Replace this account's existing data.")] = False,
) -> None:
    """Fill an account with demo data that reads like one person's six-month job search:
    ~30 companies, their interview pipelines, 200 real questions, practice, skill gaps and a
    review queue. Refuses to run twice unless --reset."""
    url = _migrated_database(get_settings())
    t0 = time.perf_counter()
    counts = asyncio.run(_seed_demo(url, email, password, interviews, reset))
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
    console.print(f"[green]Seeded {email}[/] in {time.perf_counter() - t0:.1f}s: {summary}.")


@cli.command("mcp")
def mcp_cmd(
    api_key: Annotated[
        str | None,
        typer.Option(
            envvar="INTERVIEW_API_KEY",
            show_default=False,
            help="A personal API key (itk_…) from POST /api/auth/api-keys (INTERVIEW_API_KEY).",
        ),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option(envvar="INTERVIEW_API_URL", hidden=True, help="Not supported yet."),
    ] = None,
) -> None:
    """Serve the MCP tools over stdio for a desktop assistant, as the owner of the API key.
    Talks to the database directly (DATABASE_URL, or the embedded server)."""
    import contextlib

    from app.errors import AppError
    from app.main import create_app
    from app.mcp import stdio

    if api_url:
        console.print(
            "[red]INTERVIEW_API_URL is not supported yet:[/] this command talks to the database "
            f"directly. Unset it, or connect the assistant to {api_url.rstrip('/')}/mcp over HTTP."
        )
        raise typer.Exit(2)
    if not api_key:
        console.print("[red]Set INTERVIEW_API_KEY[/] to a personal API key (POST /api/auth/api-keys).")
        raise typer.Exit(2)
    settings = get_settings()
    # Stdout is the MCP channel: nothing else may write to it.
    with contextlib.redirect_stdout(sys.stderr):
        url = _migrated_database(settings)
        app = create_app(settings.model_copy(update={"database_url": url}))
    try:
        asyncio.run(stdio.serve(app, api_key))
    except AppError as exc:
        console.print(f"[red]{exc.detail}[/]")
        raise typer.Exit(1) from exc


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
