"""Every ORM table. Importing this module registers them all on ``Base.metadata``."""

from app.models.agents import AgentTicket, Conversation, Message, RateLimitCounter
from app.models.base import Base
from app.models.career import (
    CvVersion,
    PracticeSession,
    PracticeSessionQuestion,
    SkillGap,
    UserSkill,
)
from app.models.catalog import Company, Role, Skill
from app.models.integrations import CalendarFeed, InterviewStatusChange
from app.models.interviews import Interview, InterviewQuestion, InterviewRound, InterviewSkill
from app.models.learning import AnswerAttempt, ReviewCard, ReviewLog
from app.models.mock import MockInterview, MockInterviewItem
from app.models.questions import Question, question_skills
from app.models.users import ApiKey, User

__all__ = [
    "AgentTicket",
    "AnswerAttempt",
    "ApiKey",
    "Base",
    "CalendarFeed",
    "Company",
    "Conversation",
    "CvVersion",
    "Interview",
    "InterviewQuestion",
    "InterviewRound",
    "InterviewSkill",
    "InterviewStatusChange",
    "Message",
    "MockInterview",
    "MockInterviewItem",
    "PracticeSession",
    "PracticeSessionQuestion",
    "Question",
    "RateLimitCounter",
    "ReviewCard",
    "ReviewLog",
    "Role",
    "Skill",
    "SkillGap",
    "User",
    "UserSkill",
    "question_skills",
]
