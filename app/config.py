"""One settings object. Nothing else in the app reads ``os.environ``."""

from __future__ import annotations

import os
import secrets
import time
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class LLMProvider(StrEnum):
    auto = "auto"
    openai = "openai"
    offline = "offline"


class StructuredMethod(StrEnum):
    json_schema = "json_schema"
    function_calling = "function_calling"
    json_mode = "json_mode"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Serving
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=64)
    data_dir: Path = Path(".data")
    log_level: str = "INFO"
    log_json: bool = False
    # After startup, move what startup made out of the garbage collector's sight (gc.freeze):
    # a full collection otherwise walks every module, model and schema object, a pause of
    # about 200 ms under load. `interview-api serve` turns it on; an app built in-process
    # (the tests) leaves the host process's collector alone.
    gc_freeze: bool = False

    # Database: unset means "start the embedded PostgreSQL under data_dir".
    database_url: str | None = None
    # A fixed pool: SQLAlchemy closes an overflow connection as soon as it is handed back, so
    # under sustained load overflow meant a new PostgreSQL connection every few requests (and
    # more sessions fighting over the same rows than the machine has cores). 20 is the cap
    # the pool had before (10 + 10 overflow).
    db_pool_size: int = 20
    db_max_overflow: int = 0
    # How long a request may queue for a pooled connection under load (an outage fails fast
    # anyway: connecting times out after 5 s).
    db_pool_timeout_s: float = 30.0
    db_statement_timeout_ms: int = 15_000

    # Security
    secret_key: SecretStr | None = None
    access_token_expire_minutes: int = 60 * 12
    # Failed logins (and wrong passwords on password change / account deletion) per window:
    # per account, then per client address; 0 turns a limit off.
    login_failure_window_s: int = Field(default=900, ge=1)
    login_max_failures_per_account: int = Field(default=10, ge=0)
    login_max_failures_per_client: int = Field(default=50, ge=0)
    cors_origins: Annotated[list[str], NoDecode] = ["http://localhost:4200"]
    max_body_bytes: int = 1_048_576

    # LLM
    llm_provider: LLMProvider = LLMProvider.auto
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 1
    llm_temperature: float = 0.3
    llm_structured_method: StructuredMethod = StructuredMethod.function_calling

    # Agent limits
    agent_max_question_chars: int = 4000
    agent_max_history_messages: int = 40
    agent_max_history_chars: int = 40_000
    agent_rate_limit_per_minute: int = 30
    agent_ticket_ttl_s: int = 60
    sse_ping_s: float = 15.0
    # Optional: agent rate-limit counters in Redis instead of PostgreSQL (falls back on errors).
    redis_url: str | None = None
    # Pace of the offline coach's stream (0 = as fast as possible); for demos and benchmarks.
    offline_chunk_delay_ms: float = 0.0

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @property
    def effective_llm_provider(self) -> LLMProvider:
        if self.llm_provider is not LLMProvider.auto:
            return self.llm_provider
        if self.openai_api_key or self.openai_base_url:
            return LLMProvider.openai
        return LLMProvider.offline

    def resolved_secret_key(self) -> str:
        """The signing key: from the environment, else generated once and kept in the data folder."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        try:
            # Created 0600 in one step (never readable by others, not even for an instant);
            # O_EXCL: two workers starting at once agree on one key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_secret(path)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


def _read_secret(path: Path) -> str:
    """The key another process wrote; it may still be writing it, so wait a moment for it."""
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it, or set SECRET_KEY")


@lru_cache
def get_settings() -> Settings:
    return Settings()
