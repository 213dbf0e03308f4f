"""Stored conversations with the agents, EventSource tickets and rate-limit counters.

All of it lives in PostgreSQL so any worker or replica can serve any request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, OwnedMixin, TimestampMixin, pg_enum
from app.models.enums import MessageRole, MessageStatus


class Conversation(IdMixin, OwnedMixin, TimestampMixin, Base):
    __tablename__ = "conversations"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    last_agent: Mapped[str | None] = mapped_column(String(50))
    interview_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("interviews.id", ondelete="SET NULL")
    )
    question_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("questions.id", ondelete="SET NULL"))

    messages: Mapped[list[Message]] = relationship(lazy="raise", order_by="Message.id", passive_deletes=True)

    __table_args__ = (Index("ix_conversations_owner_updated", "owner_id", "updated_at"),)


class Message(IdMixin, OwnedMixin, Base):
    __tablename__ = "messages"

    conversation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[MessageRole] = mapped_column(pg_enum(MessageRole, "message_role"), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    status: Mapped[MessageStatus] = mapped_column(
        pg_enum(MessageStatus, "message_status"), nullable=False, server_default="complete"
    )
    agent: Mapped[str | None] = mapped_column(String(50))
    model: Mapped[str | None] = mapped_column(String(200))
    routing: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    follow_ups: Mapped[list[str] | None] = mapped_column(JSONB)
    usage: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class AgentTicket(Base):
    """A short-lived, single-use credential for the browser's EventSource."""

    __tablename__ = "agent_tickets"

    ticket_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    # The API key the ticket was issued with (None: an access token); revoking the key voids it.
    api_key_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )


class RateLimitCounter(Base):
    """Fixed-window request counters shared by every worker."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
