from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.agents.specialists import AgentId
from app.kit.schemas import Id, LongText, Name, ReadSchema, Schema, ShortText
from app.models.enums import MessageRole, MessageStatus, SeniorityLevel

HARD_MAX_CHARS = 20_000  # the configurable limits (AGENT_MAX_*) are enforced below this


class RequestContext(Schema):
    company: Name | None = Field(default=None, examples=["TechCorp"])
    role: Name | None = Field(default=None, examples=["Senior Backend Engineer"])
    seniority: SeniorityLevel | None = Field(default=None, examples=["senior"])
    notes: LongText | None = Field(default=None, examples=["They care a lot about reliability."])


class HistoryMessage(Schema):
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1, max_length=HARD_MAX_CHARS)


class AnswerRequest(Schema):
    question: str = Field(
        min_length=1, max_length=HARD_MAX_CHARS, examples=["How would you design Instagram?"]
    )
    agent: AgentId | None = Field(default=None, description="Skip routing and ask this specialist.")
    context: RequestContext | None = None
    conversation_history: list[HistoryMessage] = Field(default_factory=list, max_length=200)
    conversation_id: Id | None = Field(default=None, description="Continue a stored conversation.")
    interview_id: Id | None = Field(default=None, description="Pull context from one of your interviews.")
    question_id: Id | None = Field(default=None, description="Pull context from a question in your bank.")
    include_follow_ups: bool = True


class RoutingInfo(BaseModel):
    agent: AgentId
    agent_name: str
    confidence: float
    reason: str
    method: Literal["explicit", "llm", "classifier"]


class AnswerResponse(BaseModel):
    answer: str
    agent: AgentId
    agent_name: str
    routing: RoutingInfo
    follow_ups: list[str]
    conversation_id: int
    message_id: int
    model: str
    duration_ms: int
    usage: dict[str, Any] | None = None


class AgentInfo(BaseModel):
    id: AgentId
    name: str
    description: str
    capabilities: list[str]
    example_questions: list[str]
    framework: list[str]
    model: str
    offline: bool


class AvailableAgents(BaseModel):
    agents: list[AgentInfo]
    provider: str
    model: str
    offline: bool


class TicketRead(BaseModel):
    ticket: str = Field(description="Single use; pass as `ticket=` to GET /api/agents/answer-stream.")
    expires_at: datetime


class MessageRead(ReadSchema):
    id: int
    role: MessageRole
    content: str
    status: MessageStatus
    agent: str | None
    model: str | None
    routing: dict[str, Any] | None
    follow_ups: list[str] | None
    usage: dict[str, Any] | None
    error: dict[str, Any] | None
    duration_ms: int | None
    created_at: datetime


class ConversationSummary(ReadSchema):
    id: int
    title: str
    last_agent: str | None
    interview_id: int | None
    question_id: int | None
    created_at: datetime
    updated_at: datetime


class ConversationRead(ConversationSummary):
    messages: list[MessageRead]


class ConversationUpdate(Schema):
    title: ShortText
