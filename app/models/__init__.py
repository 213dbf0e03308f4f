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
from app.models.interviews import Interview, InterviewQuestion, InterviewRound, InterviewSkill
from app.models.questions import Question, question_skills
from app.models.users import ApiKey, User

__all__ = [
    "AgentTicket",
    "ApiKey",
    "Base",
    "Company",
    "Conversation",
    "CvVersion",
    "Interview",
    "InterviewQuestion",
    "InterviewRound",
    "InterviewSkill",
    "Message",
    "PracticeSession",
    "PracticeSessionQuestion",
    "Question",
    "RateLimitCounter",
    "Role",
    "Skill",
    "SkillGap",
    "User",
    "UserSkill",
    "question_skills",
]
