"""The knowledge files' format, validated strictly when loaded (and in a test).

One file per discipline, ``data/<discipline>.yaml``: the discipline's framework (used when no
topic matches) and its topics (what the offline coach knows).
"""

from __future__ import annotations

import re
import string
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.agents.specialists import AgentId

# Headings each discipline's topics use, in this order (a topic may omit one that does not apply).
SECTIONS: dict[AgentId, tuple[str, ...]] = {
    AgentId.system_design: (
        "Requirements",
        "Estimates",
        "API",
        "Data model",
        "High-level design",
        "Deep dives",
        "Trade-offs",
    ),
    AgentId.coding: ("Clarify", "Approach", "Complexity", "Edge cases", "Tests"),
    AgentId.technical: ("Definition", "How it works", "Example", "Pitfalls", "Interview angle"),
    AgentId.behavioral: (
        "What they are testing",
        "Situation and task",
        "Actions (first person)",
        "Result (measurable)",
        "Reflection",
        "Pitfalls",
    ),
    AgentId.product_manager: (
        "Clarify",
        "Users and problems",
        "Options or framework",
        "Metrics",
        "Prioritisation or recommendation",
        "Risks",
    ),
    AgentId.architect: (
        "Context and forces",
        "Options",
        "Trade-offs",
        "Recommendation",
        "Migration or rollout",
        "Pitfalls",
    ),
}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Framework(_Strict):
    """The discipline's general approach: the honest fallback when no topic matches."""

    title: str = Field(min_length=5)
    steps: list[str] = Field(min_length=3, max_length=10)

    @field_validator("steps")
    @classmethod
    def _placeholders(cls, steps: list[str]) -> list[str]:
        for step in steps:
            names = {name for _, name, _, _ in string.Formatter().parse(step) if name is not None}
            if names - {"subject"}:
                raise ValueError(f"only {{subject}} may be filled in, got {sorted(names)} in {step!r}")
        if not any("{subject}" in s for s in steps):
            raise ValueError("at least one step must mention {subject}")
        return steps


class Code(_Strict):
    language: Literal["python"]
    source: str = Field(min_length=10)
    tests: str = Field(min_length=5)


class Topic(_Strict):
    id: str
    title: str = Field(min_length=2)
    phrases: list[str] = Field(min_length=3, max_length=10)
    summary: str = Field(min_length=20)
    sections: dict[str, list[str]] = Field(min_length=1)
    follow_ups: list[str] = Field(min_length=3, max_length=3)
    code: Code | None = None
    complexity: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"{value!r} is not a lowercase slug")
        return value

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, phrases: list[str]) -> list[str]:
        for p in phrases:
            if p != p.lower() or not p.strip():
                raise ValueError(f"phrase {p!r} must be lowercase and non-empty")
        if len(set(phrases)) != len(phrases):
            raise ValueError("phrases repeat within the topic")
        return phrases

    @field_validator("sections")
    @classmethod
    def _bullets(cls, sections: dict[str, list[str]]) -> dict[str, list[str]]:
        for heading, bullets in sections.items():
            if not 1 <= len(bullets) <= 6:
                raise ValueError(f"section {heading!r} needs 1 to 6 bullets, has {len(bullets)}")
            if any(not isinstance(b, str) or not b.strip() for b in bullets):
                raise ValueError(f"section {heading!r} has an empty bullet")
        return sections

    @field_validator("follow_ups")
    @classmethod
    def _questions(cls, follow_ups: list[str]) -> list[str]:
        for q in follow_ups:
            if not q.endswith("?"):
                raise ValueError(f"follow-up {q!r} is not a question")
        if len({q.lower() for q in follow_ups}) != len(follow_ups):
            raise ValueError("follow-ups repeat")
        return follow_ups


class DisciplineFile(_Strict):
    discipline: AgentId
    framework: Framework
    topics: list[Topic] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> DisciplineFile:
        allowed = SECTIONS[self.discipline]
        seen: set[str] = set()
        for t in self.topics:
            if t.id in seen:
                raise ValueError(f"topic id {t.id!r} repeats")
            seen.add(t.id)
            unknown = [h for h in t.sections if h not in allowed]
            if unknown:
                raise ValueError(f"{t.id}: unknown headings {unknown}; use {list(allowed)}")
            order = [allowed.index(h) for h in t.sections]
            if order != sorted(order):
                raise ValueError(f"{t.id}: headings out of order; use {list(allowed)}")
            if self.discipline is AgentId.coding and (t.code is None or not t.complexity):
                raise ValueError(f"{t.id}: coding topics need `code` and `complexity`")
        return self
