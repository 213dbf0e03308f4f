"""Run Alembic from code (the CLI, ``make run`` and the tests all go through here)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

PACKAGE = Path(__file__).resolve().parent


def _script_location() -> Path:
    """`migrations/` beside the package in a checkout; inside the wheel as `app/_migrations`."""
    for candidate in (PACKAGE.parent / "migrations", PACKAGE / "_migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise RuntimeError("Alembic migrations not found")


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_script_location()))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
