"""The provider, built in one place from settings: OpenAI-compatible or offline."""

from __future__ import annotations

import httpx
from langchain_core.language_models import BaseChatModel

from app.agents.providers.base import Provider
from app.agents.providers.offline import OFFLINE_MODEL_NAME, OfflineChatModel, OfflineProvider
from app.config import LLMProvider, Settings


def make_http_client(settings: Settings) -> httpx.AsyncClient:
    """The HTTP client ChatOpenAI uses. The app owns it (one per process and event loop), so
    langchain-openai's process-wide client cache never outlives a loop."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.llm_timeout_s, connect=min(10.0, settings.llm_timeout_s)),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
    )


def build_chat_model(settings: Settings, http_client: httpx.AsyncClient | None) -> BaseChatModel:
    if settings.effective_llm_provider is LLMProvider.offline:
        return OfflineChatModel(chunk_delay_s=settings.offline_chunk_delay_ms / 1000)
    from langchain_openai import ChatOpenAI

    api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    return ChatOpenAI(
        model=settings.llm_model,
        api_key=api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        # `streaming` left unset: astream() streams, invoke() (routing, follow-ups) is one plain request.
        # Usage is requested when streaming, so `complete.usage` is filled whenever the server reports it.
        stream_usage=True,
        http_async_client=http_client,
    )


def model_label(settings: Settings) -> str:
    if settings.effective_llm_provider is LLMProvider.offline:
        return OFFLINE_MODEL_NAME
    return settings.llm_model


def build_provider(settings: Settings, model: BaseChatModel) -> Provider:
    """The provider for a chat model built by :func:`build_chat_model`."""
    if settings.effective_llm_provider is LLMProvider.offline:
        return OfflineProvider(model)
    from app.agents.providers.openai import OpenAIProvider

    return OpenAIProvider(
        model,
        model_label(settings),
        base_url=settings.openai_base_url,
        method=settings.llm_structured_method,
        timeout_s=settings.llm_timeout_s,
    )
