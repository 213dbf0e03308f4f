"""FSRS scheduling as pure functions: no database, so the service and migration 0006 share it.

A card's state is always the result of its reviews applied in time order; ``replay`` rebuilds it
from a log, ``apply`` adds one review to the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from app.models.enums import CardState, ReviewRating

DESIRED_RETENTION = 0.9

# One short learning step: a failed answer comes back within minutes, while a good one goes
# straight to a multi-day interval (interview questions are not flashcards drilled in a sitting).
# No fuzzing, so replaying a log always gives the same schedule.
SCHEDULER = Scheduler(
    desired_retention=DESIRED_RETENTION,
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)

_TO_FSRS = {
    ReviewRating.again: Rating.Again,
    ReviewRating.hard: Rating.Hard,
    ReviewRating.good: Rating.Good,
    ReviewRating.easy: Rating.Easy,
}
_STATE_TO_FSRS = {
    CardState.learning: State.Learning,
    CardState.review: State.Review,
    CardState.relearning: State.Relearning,
}
_STATE_FROM_FSRS = {v: k for k, v in _STATE_TO_FSRS.items()}


def rating_for_score(score: int) -> ReviewRating:
    """1–3 Again, 4–5 Hard, 6–8 Good, 9–10 Easy."""
    if not 1 <= score <= 10:
        raise ValueError(f"score must be 1–10, got {score}")
    if score <= 3:
        return ReviewRating.again
    if score <= 5:
        return ReviewRating.hard
    if score <= 8:
        return ReviewRating.good
    return ReviewRating.easy


def utc(moment: datetime) -> datetime:
    """fsrs insists on tz-aware UTC datetimes; naive input is UTC (as everywhere in the API)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Review:
    rating: ReviewRating
    reviewed_at: datetime


@dataclass(frozen=True)
class Schedule:
    """The columns of a ``review_cards`` row that the scheduler owns."""

    state: CardState
    step: int | None
    stability: float | None
    difficulty: float | None
    due_at: datetime
    last_reviewed_at: datetime | None
    reps: int = 0
    lapses: int = 0


def new_schedule(now: datetime) -> Schedule:
    return Schedule(CardState.learning, 0, None, None, utc(now), None)


def _card(schedule: Schedule) -> Card:
    return Card(
        card_id=0,  # fsrs sleeps 1 ms to invent an id when none is given
        state=_STATE_TO_FSRS[schedule.state],
        step=schedule.step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=utc(schedule.due_at),
        last_review=utc(schedule.last_reviewed_at) if schedule.last_reviewed_at else None,
    )


def apply(schedule: Schedule, review: Review) -> Schedule:
    """The schedule after one more review (which must not be older than the last one)."""
    card, _ = SCHEDULER.review_card(_card(schedule), _TO_FSRS[review.rating], utc(review.reviewed_at))
    # A lapse is forgetting a card that had graduated to the review state.
    lapsed = schedule.state == CardState.review and review.rating == ReviewRating.again
    return replace(
        schedule,
        state=_STATE_FROM_FSRS[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due_at=card.due,
        last_reviewed_at=card.last_review,
        reps=schedule.reps + 1,
        lapses=schedule.lapses + int(lapsed),
    )


def replay(reviews: Iterable[Review], created_at: datetime) -> Schedule:
    """Rebuild a card from its whole log, oldest review first."""
    schedule = new_schedule(created_at)
    for review in sorted(reviews, key=lambda r: utc(r.reviewed_at)):
        schedule = apply(schedule, review)
    return schedule


def retrievability(schedule: Schedule, now: datetime) -> float:
    """FSRS's predicted probability of recalling the answer now (0 for a never-reviewed card)."""
    return float(SCHEDULER.get_card_retrievability(_card(schedule), utc(now)))
