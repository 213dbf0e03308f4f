"""Domain enums. The values are the labels of native PostgreSQL enum types."""

from enum import StrEnum


class SeniorityLevel(StrEnum):
    intern = "intern"
    junior = "junior"
    mid = "mid"
    senior = "senior"
    staff = "staff"
    principal = "principal"
    lead = "lead"
    manager = "manager"
    director = "director"


class InterviewType(StrEnum):
    actual = "actual"
    mock = "mock"
    practice = "practice"


class InterviewStatus(StrEnum):
    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"
    rescheduled = "rescheduled"
    no_show = "no_show"


class InterviewOutcome(StrEnum):
    pending = "pending"
    advanced = "advanced"
    offer = "offer"
    rejected = "rejected"
    withdrawn = "withdrawn"
    ghosted = "ghosted"


class QuestionCategory(StrEnum):
    behavioral = "behavioral"
    technical = "technical"
    coding = "coding"
    system_design = "system_design"
    product = "product"
    architecture = "architecture"
    other = "other"


class QuestionDifficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"
    expert = "expert"


class SkillCategory(StrEnum):
    language = "language"
    framework = "framework"
    technical = "technical"
    tool = "tool"
    domain = "domain"
    soft = "soft"
    other = "other"


class RoundType(StrEnum):
    recruiter_screen = "recruiter_screen"
    phone_screen = "phone_screen"
    technical = "technical"
    coding = "coding"
    system_design = "system_design"
    behavioral = "behavioral"
    take_home = "take_home"
    onsite = "onsite"
    hiring_manager = "hiring_manager"
    final = "final"
    other = "other"


class GapSeverity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class GapStatus(StrEnum):
    identified = "identified"
    in_progress = "in_progress"
    resolved = "resolved"


class ProficiencyLevel(StrEnum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"
    expert = "expert"


class MessageRole(StrEnum):
    user = "user"
    assistant = "assistant"


class MessageStatus(StrEnum):
    streaming = "streaming"
    complete = "complete"
    failed = "failed"
    cancelled = "cancelled"


class CardState(StrEnum):
    """An FSRS card's learning state."""

    learning = "learning"
    review = "review"
    relearning = "relearning"


class ReviewRating(StrEnum):
    """The four FSRS grades; scores 1–10 map onto them (1–3, 4–5, 6–8, 9–10)."""

    again = "again"
    hard = "hard"
    good = "good"
    easy = "easy"


class ReviewSource(StrEnum):
    """Where a rating that fed the review schedule came from."""

    interview = "interview"
    practice = "practice"
    grade = "grade"
    review = "review"


class MockStatus(StrEnum):
    """A mock interview in progress, or finished (answered through, or ended early)."""

    in_progress = "in_progress"
    finished = "finished"


class MockItemStatus(StrEnum):
    """A planned question: not reached yet (or current), waiting for the follow-up's answer, done."""

    pending = "pending"
    follow_up = "follow_up"
    answered = "answered"
    skipped = "skipped"
