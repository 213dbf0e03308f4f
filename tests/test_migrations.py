"""The migrations match the models, and go down and up on a database holding rows."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from alembic import command

from app import migrate
from tests.conftest import _asyncpg_dsn, database_url_for


async def _fetch(url: str, sql: str) -> Any:
    conn = await asyncpg.connect(**_asyncpg_dsn(url))
    try:
        if ";" in sql.strip().rstrip(";"):
            return await conn.execute(sql)
        return await conn.fetch(sql)
    finally:
        await conn.close()


def test_no_drift_and_round_trip_with_rows(pg_server: Any) -> None:
    url = database_url_for(pg_server, "migrations")
    migrate.upgrade(url)
    # `alembic check` raises when autogenerate would produce a new migration.
    command.check(migrate.alembic_config(url))

    asyncio.run(
        _fetch(
            url,
            """
            INSERT INTO users (email, hashed_password) VALUES ('m@example.com', 'x');
            INSERT INTO companies (owner_id, company_name) VALUES (1, 'Acme');
            INSERT INTO questions (owner_id, question_text, question_category)
                VALUES (1, 'Design a URL shortener', 'system_design');
            INSERT INTO interviews (owner_id, company_id, seniority_level) VALUES (1, 1, 'senior');
            """,
        )
    )
    rows = asyncio.run(_fetch(url, "SELECT search_vector::text AS v FROM questions"))
    assert "shorten" in rows[0]["v"]

    migrate.downgrade(url, "base")
    left = asyncio.run(
        _fetch(
            url,
            "SELECT count(*) AS n FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'public' AND t.typtype = 'e'",
        )
    )
    assert left[0]["n"] == 0, "enum types must be dropped on downgrade"
    tables = asyncio.run(_fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    assert [t["tablename"] for t in tables] == ["alembic_version"]

    migrate.upgrade(url)
    command.check(migrate.alembic_config(url))
