"""What an export holds: every table a user owns, in dependency order, and how its references
are remapped on import.

Foreign keys are read from the models, so a new owned table is one line in ``OWNED``; the test
``tests/transfer/test_tables.py`` fails until every table is either listed here or in
``NOT_EXPORTED`` with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table

from app.models import Base
from app.models.enums import ReviewSource

FORMAT = "interview-tracker-export"
VERSION = 1

# Credentials and machinery, never data a person wrote.
NOT_EXPORTED = {
    "users": "the account itself: an import goes into the account that sends it",
    "api_keys": "credentials",
    "calendar_feeds": "credentials (the feed's secret URL)",
    "agent_tickets": "short-lived credentials",
    "rate_limit_counters": "request counters",
    "alembic_version": "schema bookkeeping",
}


@dataclass(frozen=True)
class Owned:
    """One exported table.

    ``natural_key``: columns whose live rows are unique per user; on import a live row with the
    same key is reused instead of created (so importing into a non-empty account merges
    companies, roles, skills and CV versions by name). ``casefold``: text keys compare
    case-insensitively (as the table's unique index does).
    ``owner_via``: for tables without ``owner_id``, the column whose referenced row is owned.
    ``polymorphic``: a column that references the table named by another column's value.
    """

    name: str
    natural_key: tuple[str, ...] = ()
    casefold: bool = True
    owner_via: str | None = None
    polymorphic: tuple[str, str, dict[str, str | None]] | None = None
    ignore: frozenset[str] = field(default_factory=frozenset)

    @property
    def table(self) -> Table:
        return Base.metadata.tables[self.name]

    @property
    def has_id(self) -> bool:
        return "id" in self.table.c and self.table.c.id.primary_key

    def columns(self) -> list[Column[Any]]:
        """The columns an export carries: everything but the owner and computed columns."""
        return [
            c
            for c in self.table.columns
            if c.name != "owner_id" and c.computed is None and c.name not in self.ignore
        ]

    def references(self) -> dict[str, str]:
        """Column → the exported table it points at (``owner_id`` and users excluded)."""
        out = {}
        for c in self.columns():
            for fk in c.foreign_keys:
                if fk.column.table.name != "users":
                    out[c.name] = fk.column.table.name
        return out


REVIEW_SOURCES: dict[str, str | None] = {
    ReviewSource.interview.value: "interview_questions",
    ReviewSource.practice.value: "practice_session_questions",
    ReviewSource.grade.value: "answer_attempts",
    ReviewSource.review.value: None,
}

# Dependency order: a table comes after every table it references.
OWNED: list[Owned] = [
    Owned("companies", natural_key=("company_name",)),
    Owned("roles", natural_key=("company_id", "role_title", "seniority_level"), casefold=False),
    Owned("skills", natural_key=("skill_name",)),
    Owned("cv_versions", natural_key=("version_name",)),
    Owned("questions"),
    Owned("question_skills", owner_via="question_id"),
    Owned("interviews"),
    Owned("interview_rounds"),
    Owned("interview_questions"),
    Owned("interview_skills"),
    Owned("interview_status_history"),
    Owned("practice_sessions"),
    Owned("practice_session_questions"),
    Owned("skill_gaps"),
    Owned("user_skills", natural_key=("skill_id",)),
    Owned("conversations"),
    Owned("messages"),
    Owned("answer_attempts"),
    Owned("review_cards"),
    Owned("review_logs", polymorphic=("source_id", "source", REVIEW_SOURCES)),
    Owned("mock_interviews"),
    Owned("mock_interview_items"),
]
BY_NAME = {t.name: t for t in OWNED}
