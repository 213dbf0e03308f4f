"""An interview's status/outcome timeline: written by the interview service, read by the detail,
the exports and the calendar. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.interviews.schemas import StatusChangeRead
from app.models import Interview, InterviewStatusChange


def record_status(session: AsyncSession, interview: Interview) -> None:
    """Add a timeline point with the interview's current status and outcome (flushed with it)."""
    session.add(
        InterviewStatusChange(
            owner_id=interview.owner_id,
            interview_id=interview.id,
            interview_status=interview.interview_status,
            outcome=interview.outcome,
        )
    )


async def history_for(
    session: AsyncSession, owner_id: int, interview_ids: Iterable[int]
) -> dict[int, list[StatusChangeRead]]:
    """Each of the owner's interviews (of these ids) → its timeline, oldest first. Every id asked
    for is a key; another user's interview maps to an empty list."""
    ids = list(dict.fromkeys(interview_ids))
    out: dict[int, list[StatusChangeRead]] = {i: [] for i in ids}
    if not ids:
        return out
    stmt = (
        select(InterviewStatusChange)
        .where(InterviewStatusChange.owner_id == owner_id, InterviewStatusChange.interview_id.in_(ids))
        .order_by(
            InterviewStatusChange.interview_id, InterviewStatusChange.changed_at, InterviewStatusChange.id
        )
    )
    for change in (await session.execute(stmt)).scalars():
        out[change.interview_id].append(StatusChangeRead.model_validate(change))
    return out


def timeline_text(changes: Iterable[StatusChangeRead]) -> str:
    """One line for a CSV cell: ``2026-12-01T15:00:00Z scheduled; 2026-12-03T09:30:00Z completed (passed)``."""
    parts = []
    for c in changes:
        when = c.changed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        outcome = f" ({c.outcome.value})" if c.outcome else ""
        parts.append(f"{when} {c.status.value}{outcome}")
    return "; ".join(parts)
