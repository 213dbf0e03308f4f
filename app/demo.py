"""Demo data for one account: one believable job search, so a new user sees a lived-in system.

A senior backend engineer applies to a few dozen companies over about six months. Each
application is a pipeline of interviews (recruiter screen, technical screen, design rounds, …);
each interview's answers are rated from the candidate's level at the time (which rises as they
practise), the question's category (system design is the weak spot, at fintechs most of all)
and the day's form, and whether a stage is passed follows from those ratings. Notes, feedback,
rounds, practice sessions, skill gaps and the review schedule are all derived from the same
story, so every statistic tells it.

The companies, roles, questions and note templates live in ``demo_data.yaml`` (validated by
``DemoData``); this module only tells the story. Deterministic for a given ``seed`` and ``now``.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Company,
    CvVersion,
    Interview,
    InterviewQuestion,
    InterviewRound,
    InterviewSkill,
    InterviewStatusChange,
    PracticeSession,
    PracticeSessionQuestion,
    Question,
    ReviewCard,
    ReviewLog,
    Role,
    Skill,
    SkillGap,
    User,
    UserSkill,
    question_skills,
)
from app.models.enums import (
    GapSeverity,
    GapStatus,
    InterviewOutcome,
    InterviewStatus,
    ProficiencyLevel,
    QuestionCategory,
    QuestionDifficulty,
    ReviewSource,
    RoundType,
    SeniorityLevel,
    SkillCategory,
)
from app.review.scheduling import Review, rating_for_score, replay

DATA_FILE = Path(__file__).with_name("demo_data.yaml")
DEFAULT_SEED = 8
DEFAULT_INTERVIEWS = 160

Progress = Callable[[str, int], None]
Cat = QuestionCategory


# --- The data file ---------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Candidate(_Model):
    timezone: str
    city: str
    span_days: int = Field(ge=30, le=730)
    upcoming_days: int = Field(ge=1, le=60)
    skill_start: float = Field(ge=1, le=10)
    skill_end: float = Field(ge=1, le=10)
    practice_overconfidence: float
    practice_per_week: float = Field(ge=0, le=14)


class SkillDef(_Model):
    name: str
    category: SkillCategory


class UserSkillDef(_Model):
    skill: str
    proficiency: ProficiencyLevel
    self_rating: int = Field(ge=1, le=10)
    years: float = Field(ge=0)


class RoleDef(_Model):
    title: str
    family: str
    seniority: SeniorityLevel

    @model_validator(mode="after")
    def _title_says_level(self) -> RoleDef:
        if self.title.split()[0].lower() != self.seniority.value:
            raise ValueError(f"role {self.title!r} must start with its seniority {self.seniority.value!r}")
        return self


class CvDef(_Model):
    name: str
    target_role: str
    from_progress: float = Field(ge=0, le=1)
    until_progress: float = Field(ge=0, le=1)
    level: SeniorityLevel
    recruiter_bias: float
    is_active: bool
    summary: str
    content: str


class CompanyDef(_Model):
    name: str
    industry: str
    location: str
    size: str
    website: str
    remote: bool
    pipeline: str
    response_days: int = Field(ge=1, le=30)
    ghosts: bool = False
    roles: list[str] = Field(min_length=1)
    note: str

    @property
    def fintech(self) -> bool:
        return self.industry == "Fintech"


class MockPartner(_Model):
    name: str
    industry: str
    location: str
    size: str
    website: str
    role: str


class StageDef(_Model):
    label: str
    rounds: list[RoundType] = Field(min_length=1)
    durations: list[int] = Field(min_length=1)
    questions: dict[Cat, int]
    bar: float
    always_remote: bool = False

    @model_validator(mode="after")
    def _durations(self) -> StageDef:
        if not all(30 <= d <= 90 for d in self.durations):
            raise ValueError("interviews last 30–90 minutes")
        return self


class Interviewers(_Model):
    first_names: list[str] = Field(min_length=5)
    last_names: list[str] = Field(min_length=5)
    titles: dict[RoundType, list[str]]


class Notes(_Model):
    advanced: list[str]
    rejected: list[str]
    offer: list[str]
    ghosted: list[str]
    withdrawn: list[str]
    pending: list[str]
    scheduled: list[str]
    cancelled: list[str]
    rescheduled: list[str]
    no_show: list[str]
    mock: list[str]


class Feedback(_Model):
    advanced: list[str]
    rejected: list[str]
    offer: list[str]


class RoundNotes(_Model):
    passed: list[str]
    failed: list[str]


class GapDef(_Model):
    skill: str
    category: Cat
    fintech: bool
    severity: GapSeverity
    status: GapStatus
    description: str
    action_plan: str


class QuestionDef(_Model):
    text: str
    difficulty: QuestionDifficulty
    tags: list[str]
    skills: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _plain_text(self) -> QuestionDef:
        lowered = self.text.lower()
        if "[" in self.text or "variant" in lowered or "follow-up:" in lowered:
            raise ValueError(f"question text carries an annotation: {self.text!r}")
        return self


class DemoData(_Model):
    candidate: Candidate
    category_bias: dict[Cat, float]
    fintech_system_design_bias: float
    skills: list[SkillDef]
    user_skills: list[UserSkillDef]
    roles: list[RoleDef]
    cv_versions: list[CvDef]
    companies: list[CompanyDef] = Field(min_length=5)
    mock_partner: MockPartner
    staff_bar: float
    offer_margin: float = Field(ge=0)
    stages: dict[str, StageDef]
    pipelines: dict[str, list[str]]
    interviewers: Interviewers
    video_tools: list[str]
    notes: Notes
    feedback: Feedback
    round_notes: RoundNotes
    practice_notes: list[str]
    skill_gaps: list[GapDef]
    questions: dict[Cat, list[QuestionDef]]

    @model_validator(mode="after")
    def _references(self) -> DemoData:
        """Every name used is defined once: a typo in the YAML fails loading, not seeding."""
        skills = [s.name for s in self.skills]
        roles = {r.title for r in self.roles}
        texts = [q.text for qs in self.questions.values() for q in qs]
        problems = [f"duplicate skill {n!r}" for n in skills if skills.count(n) > 1]
        problems += [f"duplicate question {t!r}" for t in set(texts) if texts.count(t) > 1]
        used = [s for qs in self.questions.values() for q in qs for s in q.skills]
        used += [u.skill for u in self.user_skills] + [g.skill for g in self.skill_gaps]
        problems += [f"unknown skill {s!r}" for s in sorted(set(used) - set(skills))]
        for c in self.companies:
            problems += [f"{c.name}: unknown role {t!r}" for t in c.roles if t not in roles]
            if c.pipeline not in self.pipelines:
                problems.append(f"{c.name}: unknown pipeline {c.pipeline!r}")
        if self.mock_partner.role not in roles:
            problems.append(f"mock partner: unknown role {self.mock_partner.role!r}")
        for name, stages in self.pipelines.items():
            problems += [f"pipeline {name}: unknown stage {s!r}" for s in stages if s not in self.stages]
        for stage in self.stages.values():
            problems += [
                f"no interviewer titles for {r.value}"
                for r in stage.rounds
                if r not in self.interviewers.titles
            ]
            problems += [f"no questions in {c.value}" for c in stage.questions if not self.questions.get(c)]
        missing = set(Cat) - set(self.questions)
        problems += [f"no questions in category {c.value}" for c in sorted(missing)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def role(self, title: str) -> RoleDef:
        return next(r for r in self.roles if r.title == title)


@cache
def load_data(path: Path = DATA_FILE) -> DemoData:
    with path.open(encoding="utf-8") as f:
        return DemoData.model_validate(yaml.safe_load(f))


# --- The story, in memory --------------------------------------------------------------------


@dataclass
class Asked:
    question: int  # index into the flat question list
    rating: int | None
    round_index: int


@dataclass
class PlannedRound:
    round_type: RoundType
    duration: int
    interviewer: str
    interviewer_role: str
    rating: int | None = None
    passed: bool | None = None
    notes: str | None = None


@dataclass
class PlannedInterview:
    company: int  # index into data.companies (-1: the mock partner)
    role: str
    cv: int | None
    stage: str
    date: datetime
    duration: int
    remote: bool
    status: InterviewStatus
    outcome: InterviewOutcome | None = None
    decided_at: datetime | None = None
    rating: int | None = None
    is_mock: bool = False
    next_stage: str | None = None
    asked: list[Asked] = field(default_factory=list)
    rounds: list[PlannedRound] = field(default_factory=list)

    @property
    def performance(self) -> float | None:
        ratings = [a.rating for a in self.asked if a.rating is not None]
        return statistics.fmean(ratings) if ratings else None


_HINDSIGHT = {InterviewOutcome.offer: 0.7, InterviewOutcome.rejected: -0.3}


def _clamp(x: float) -> int:
    return max(1, min(10, round(x)))


class Story:
    """Plans the whole search in memory; ``seed`` then writes it in a few bulk inserts."""

    def __init__(self, data: DemoData, rnd: random.Random, now: datetime, interviews: int) -> None:
        self.data, self.rnd, self.now, self.target = data, rnd, now, interviews
        self.tz = ZoneInfo(data.candidate.timezone)
        self.start = now - timedelta(days=data.candidate.span_days)
        self.horizon = now + timedelta(days=data.candidate.upcoming_days)
        self.questions = [(cat, q) for cat, qs in data.questions.items() for q in qs]
        self.by_category: dict[Cat, list[int]] = defaultdict(list)
        for i, (cat, _) in enumerate(self.questions):
            self.by_category[cat].append(i)
        self.applications: list[list[PlannedInterview]] = []
        self.mocks: list[PlannedInterview] = []

    # Time ---------------------------------------------------------------------------------

    def progress(self, at: datetime) -> float:
        return min(1.0, max(0.0, (at - self.start) / (self.now - self.start)))

    def level(self, at: datetime) -> float:
        c = self.data.candidate
        return c.skill_start + (c.skill_end - c.skill_start) * self.progress(at)

    def slot(self, around: datetime, duration: int) -> datetime:
        """A weekday, quarter-hour start in local business hours (9:00 until 17:30 at the end)."""
        day = around.astimezone(self.tz).date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        latest = 17 * 60 + 30 - duration
        minute = self.rnd.choice(range(9 * 60, latest + 1, 15))
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)
        return local.astimezone(UTC)

    # Ratings ------------------------------------------------------------------------------

    def expected(self, cat: Cat, at: datetime, fintech: bool) -> float:
        bias = self.data.category_bias.get(cat, 0.0)
        if fintech and cat == Cat.system_design:
            bias += self.data.fintech_system_design_bias
        return self.level(at) + bias

    def person(self, round_type: RoundType) -> tuple[str, str]:
        iv = self.data.interviewers
        name = f"{self.rnd.choice(iv.first_names)} {self.rnd.choice(iv.last_names)}"
        return name, self.rnd.choice(iv.titles[round_type])

    def ask(
        self, counts: dict[Cat, int], rounds: int, at: datetime, fintech: bool, rate: bool
    ) -> list[Asked]:
        form = self.rnd.gauss(0, 0.6)  # a good or a bad day
        asked: list[Asked] = []
        for n, (cat, count) in enumerate(counts.items()):
            for qi in self.rnd.sample(self.by_category[cat], count):
                rating = (
                    _clamp(self.expected(cat, at, fintech) + form + self.rnd.gauss(0, 0.9)) if rate else None
                )
                asked.append(Asked(qi, rating, min(n, rounds - 1)))
        return asked

    # Applications -------------------------------------------------------------------------

    def cv_for(self, level: SeniorityLevel, p: float) -> int | None:
        for i, cv in enumerate(self.data.cv_versions):
            if cv.level == level and cv.from_progress <= p <= cv.until_progress:
                return i
        return None

    def apply(self, company_i: int, title: str, first: datetime) -> list[PlannedInterview]:
        """One application: its stages in order until a decision, the horizon or a booked slot."""
        d, rnd = self.data, self.rnd
        company = d.companies[company_i]
        role = d.role(title)
        cv = self.cv_for(role.seniority, self.progress(first))
        bar_bonus = d.staff_bar if role.seniority == SeniorityLevel.staff else 0.0
        stages = d.pipelines[company.pipeline]
        out: list[PlannedInterview] = []
        when = first
        for k, name in enumerate(stages):
            stage = d.stages[name]
            duration = rnd.choice(stage.durations)
            at = self.slot(when, duration)
            if at > self.horizon:
                break
            remote = stage.always_remote or company.remote

            booked = partial(PlannedInterview, company_i, title, cv, name, duration=duration, remote=remote)
            if at <= self.now and k > 0 and rnd.random() < 0.03:  # the company stops hiring
                out.append(booked(date=at, status=InterviewStatus.cancelled))
                break
            if at <= self.now and rnd.random() < 0.06:  # the first slot moved (or nobody came)
                status = InterviewStatus.no_show if rnd.random() < 0.25 else InterviewStatus.rescheduled
                out.append(booked(date=at, status=status))
                at = self.slot(at + timedelta(days=rnd.randint(3, 7)), duration)
                if at > self.horizon:
                    break
            iv = booked(date=at, status=InterviewStatus.scheduled)
            iv.next_stage = stages[k + 1] if k + 1 < len(stages) else None
            iv.rounds = self.rounds_for(stage, duration)
            out.append(iv)
            if at > self.now:
                break  # booked, not yet held
            iv.status = InterviewStatus.completed
            iv.asked = self.ask(stage.questions, len(stage.rounds), at, company.fintech, rate=True)
            perf = iv.performance or 0.0
            bias = d.cv_versions[cv].recruiter_bias if cv is not None and k == 0 else 0.0
            last = k + 1 == len(stages)
            bar = stage.bar + bar_bonus + (d.offer_margin if last else 0.0)
            passed = perf + bias + rnd.gauss(0, 0.4) >= bar
            iv.decided_at = at + timedelta(days=max(1, company.response_days + rnd.randint(-2, 3)))
            if iv.decided_at > self.now:
                iv.outcome = InterviewOutcome.pending
                break
            if company.ghosts and rnd.random() < 0.35:
                iv.outcome = InterviewOutcome.ghosted
                break
            if passed and k > 0 and rnd.random() < 0.04:
                iv.outcome = InterviewOutcome.withdrawn
                break
            if not passed:
                iv.outcome = InterviewOutcome.rejected
                break
            iv.outcome = InterviewOutcome.offer if last else InterviewOutcome.advanced
            if iv.outcome == InterviewOutcome.offer:
                break
            when = iv.decided_at + timedelta(days=rnd.randint(2, 6))
        for iv in out:
            if iv.status == InterviewStatus.completed:
                # Rated once the answer is in: an offer makes the day look better in hindsight.
                hindsight = _HINDSIGHT.get(iv.outcome, 0.0) if iv.outcome else 0.0
                iv.rating = _clamp((iv.performance or 5.0) + hindsight + rnd.gauss(0, 0.3))
        return out

    def rounds_for(self, stage: StageDef, duration: int) -> list[PlannedRound]:
        each = duration // len(stage.rounds)
        rounds = []
        for rt in stage.rounds:
            name, title = self.person(rt)
            rounds.append(PlannedRound(rt, each, name, title))
        return rounds

    def plan(self) -> None:
        d, rnd = self.data, self.rnd
        senior = [(i, c.roles[0]) for i, c in enumerate(d.companies)]
        staff = [
            (i, t)
            for i, c in enumerate(d.companies)
            for t in c.roles[1:]
            if d.role(t).seniority == SeniorityLevel.staff
        ]
        rnd.shuffle(senior)
        rnd.shuffle(staff)
        pool_senior, pool_staff = list(senior), list(staff)
        n_mocks = max(0, round(self.target * 0.04))
        wanted = self.target - n_mocks
        span = self.now - self.start
        i = 0
        total = 0
        # First interviews spread over the whole search (a few still ahead of us), then more if
        # the stories came out short.
        n_apps = max(2, round(wanted / 2.9))
        while total < wanted:
            p = (i + rnd.random()) / n_apps if i < n_apps else rnd.random() * 0.95
            p = min(p * 1.04, 1.04)
            i += 1
            if p >= 0.5 and pool_staff and rnd.random() < 0.4:
                company_i, title = pool_staff.pop()
            else:
                if not pool_senior:
                    pool_senior = list(senior)
                    rnd.shuffle(pool_senior)
                company_i, title = pool_senior.pop()
            app = self.apply(company_i, title, self.start + span * p)
            if app:
                self.applications.append(app)
                total += len(app)
        # A search that is still going has first calls booked for the coming days.
        while sum(iv.date > self.now for app in self.applications for iv in app) < 5:
            company_i, title = rnd.choice(senior)
            first = self.now + timedelta(days=rnd.uniform(0.5, self.data.candidate.upcoming_days - 1))
            self.applications.append(self.apply(company_i, title, first))
        self.trim(wanted)
        for _ in range(n_mocks):
            self.mocks.append(self.mock())

    def trim(self, wanted: int) -> None:
        """Exactly ``wanted`` interviews: drop whole applications, then shorten one."""
        total = sum(map(len, self.applications))
        order = list(range(len(self.applications)))
        self.rnd.shuffle(order)
        dropped: set[int] = set()
        for i in order:
            app = self.applications[i]
            keep = any(iv.outcome == InterviewOutcome.offer or iv.date > self.now for iv in app)
            if total - len(app) >= wanted and not keep:
                dropped.add(i)
                total -= len(app)
        self.applications = [a for i, a in enumerate(self.applications) if i not in dropped]
        while total > wanted:
            app = max(self.applications, key=len)
            app.pop()
            total -= 1
            if not app:
                self.applications.remove(app)
                continue
            last = app[-1]
            if last.outcome == InterviewOutcome.advanced:
                # The next step never came.
                old = last.date < self.now - timedelta(days=21)
                last.outcome = InterviewOutcome.ghosted if old else InterviewOutcome.pending

    def mock(self) -> PlannedInterview:
        at = self.slot(self.start + (self.now - self.start) * self.rnd.uniform(0.05, 0.95), 60)
        cat = self.rnd.choice([Cat.system_design, Cat.coding, Cat.system_design, Cat.behavioral])
        rt = {Cat.system_design: RoundType.system_design, Cat.coding: RoundType.coding}.get(
            cat, RoundType.behavioral
        )
        name, _ = self.person(rt)
        iv = PlannedInterview(
            company=-1,
            role=self.data.mock_partner.role,
            cv=None,
            stage="mock",
            date=at,
            duration=60,
            remote=True,
            status=InterviewStatus.completed,
            is_mock=True,
            rounds=[PlannedRound(rt, 60, name, "Peer interviewer")],
        )
        iv.asked = self.ask({cat: 2}, 1, at, fintech=False, rate=True)
        iv.rating = _clamp(iv.performance or 5)
        return iv

    def all_interviews(self) -> list[PlannedInterview]:
        return sorted([iv for app in self.applications for iv in app] + self.mocks, key=lambda iv: iv.date)

    # Rounds' verdicts ---------------------------------------------------------------------

    def judge_rounds(self, iv: PlannedInterview) -> None:
        """Round ratings come from the answers given in them; passed flags agree with the outcome."""
        if iv.status != InterviewStatus.completed:
            return
        for n, rnd_ in enumerate(iv.rounds):
            ratings = [a.rating for a in iv.asked if a.round_index == n and a.rating is not None]
            rnd_.rating = _clamp(statistics.fmean(ratings)) if ratings else iv.rating
        if iv.outcome in (InterviewOutcome.advanced, InterviewOutcome.offer):
            for r in iv.rounds:
                r.passed = True
        elif iv.outcome == InterviewOutcome.rejected:
            bar = self.data.stages[iv.stage].bar if iv.stage in self.data.stages else 6.0
            worst = min(iv.rounds, key=lambda r: r.rating or 0)
            for r in iv.rounds:
                r.passed = r is not worst and (r.rating or 0) >= bar
        for r in iv.rounds:
            if r.passed is not None:
                r.notes = self.rnd.choice(
                    self.data.round_notes.passed if r.passed else self.data.round_notes.failed
                )


# --- Text ------------------------------------------------------------------------------------

_TOPIC = {
    Cat.behavioral: "behavioural stories",
    Cat.technical: "backend fundamentals",
    Cat.coding: "coding",
    Cat.system_design: "system design",
    Cat.architecture: "architecture",
    Cat.product: "product thinking",
    Cat.other: "the motivation story",
}


def _short(text: str) -> str:
    text = text.rstrip(".?")
    return f'"{text[0].lower()}{text[1:]}"' if len(text) < 70 else f'"{text[:60].rsplit(" ", 1)[0]}…"'


def _fill(template: str, **values: Any) -> str:
    return template.format(**values)


# --- Writing ---------------------------------------------------------------------------------


async def has_data(session: AsyncSession, user: User) -> int:
    return (
        await session.execute(
            select(func.count()).select_from(Interview).where(Interview.owner_id == user.id)
        )
    ).scalar_one()


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list((await session.execute(stmt, rows)).scalars())


def _pick(rnd: random.Random, options: Iterable[str]) -> str:
    return rnd.choice(list(options))


async def seed(
    session: AsyncSession,
    user: User,
    *,
    interviews: int = DEFAULT_INTERVIEWS,
    progress: Progress | None = None,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
) -> dict[str, int]:
    """Fill the account with one job search; the caller commits. Deterministic for a given
    ``seed`` and ``now`` (the search ends around ``now``, with interviews booked ahead)."""
    data = load_data()
    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    tick = progress or (lambda _label, _n: None)
    uid = user.id
    story = Story(data, rnd, now, interviews)
    story.plan()
    planned = story.all_interviews()
    for iv in planned:
        story.judge_rounds(iv)

    # Companies (and the mock-interview partner, last) --------------------------------------
    company_rows = [
        {
            "owner_id": uid,
            "company_name": c.name,
            "industry": c.industry,
            "location": c.location,
            "company_size": c.size,
            "website": c.website,
            "notes": c.note,
            "created_at": story.start - timedelta(days=rnd.randint(1, 20)),
        }
        for c in data.companies
    ]
    mp = data.mock_partner
    company_rows.append(
        {
            "owner_id": uid,
            "company_name": mp.name,
            "industry": mp.industry,
            "location": mp.location,
            "company_size": mp.size,
            "website": mp.website,
            "notes": "Anonymous mock interviews with engineers from other companies.",
            "created_at": story.start,
        }
    )
    company_ids = await _insert(session, Company, company_rows)
    tick("companies", len(company_ids))

    def company_id(i: int) -> int:
        return company_ids[i]  # -1 is the mock partner, inserted last

    # Roles: one row per (company, title) that an interview used ----------------------------
    role_keys = sorted({(iv.company, iv.role) for iv in planned}, key=lambda k: (k[0], k[1]))
    role_rows = []
    for ci, title in role_keys:
        role_def = data.role(title)
        name = data.companies[ci].name if ci >= 0 else mp.name
        role_rows.append(
            {
                "owner_id": uid,
                "company_id": company_id(ci),
                "role_title": title,
                "seniority_level": role_def.seniority,
                "department": role_def.family,
                "job_url": f"{(data.companies[ci].website if ci >= 0 else mp.website)}/careers",
                "job_description": f"{title} at {name}: {role_def.family.lower()}, Python services, PostgreSQL.",
            }
        )
    role_ids = dict(zip(role_keys, await _insert(session, Role, role_rows), strict=True))
    tick("roles", len(role_ids))

    skill_ids = await _insert(
        session,
        Skill,
        [{"owner_id": uid, "skill_name": s.name, "skill_category": s.category} for s in data.skills],
    )
    skill_by_name = dict(zip([s.name for s in data.skills], skill_ids, strict=True))
    tick("skills", len(skill_ids))

    cv_ids = await _insert(
        session,
        CvVersion,
        [
            {
                "owner_id": uid,
                "version_name": cv.name,
                "target_role": cv.target_role,
                "summary": cv.summary,
                "content": cv.content,
                "is_active": cv.is_active,
                "created_at": story.start + (now - story.start) * cv.from_progress - timedelta(days=3),
            }
            for cv in data.cv_versions
        ],
    )
    tick("cv versions", len(cv_ids))

    # Questions: the whole bank; the ones asked remember where they were first asked --------
    first_asked: dict[int, PlannedInterview] = {}
    for iv in planned:
        for a in iv.asked:
            first_asked.setdefault(a.question, iv)
    q_rows = []
    for qi, (cat, q) in enumerate(story.questions):
        seen = first_asked.get(qi)
        where = (data.companies[seen.company].name if seen.company >= 0 else mp.name) if seen else None
        q_rows.append(
            {
                "owner_id": uid,
                "question_text": q.text,
                "question_category": cat,
                "question_difficulty": q.difficulty,
                "tags": q.tags,
                "company_id": company_id(seen.company) if seen and not seen.is_mock else None,
                "source": f"Asked at {where}" if seen else "Prep list",
                "created_at": seen.date if seen else story.start - timedelta(days=rnd.randint(1, 14)),
            }
        )
    question_ids = await _insert(session, Question, q_rows)
    await session.execute(
        insert(question_skills),
        [
            {"question_id": qid, "skill_id": skill_by_name[s]}
            for qid, (_, q) in zip(question_ids, story.questions, strict=True)
            for s in dict.fromkeys(q.skills)
        ],
    )
    tick("questions", len(question_ids))

    # Interviews ---------------------------------------------------------------------------
    interview_rows = []
    for iv in planned:
        company = data.companies[iv.company] if iv.company >= 0 else None
        company_name = company.name if company else mp.name
        answered = [a for a in iv.asked if a.rating is not None]
        best = max(answered, key=lambda a: a.rating or 0, default=None)
        worst = min(answered, key=lambda a: a.rating or 0, default=None)
        stage = data.stages.get(iv.stage)
        main_cat = next(iter(stage.questions)) if stage else Cat.system_design
        if worst is not None:
            weak_cat = story.questions[worst.question][0]
        else:
            weak_cat = main_cat
        values = {
            "company": company_name,
            "interviewer": iv.rounds[0].interviewer.split()[0] if iv.rounds else "the interviewer",
            "stage": stage.label if stage else "mock",
            "next": data.stages[iv.next_stage].label if iv.next_stage else "next round",
            "strong": _short(story.questions[best.question][1].text) if best else "the intro",
            "weak": _short(story.questions[worst.question][1].text) if worst else "the deep dive",
            "topic": _TOPIC[weak_cat if iv.status == InterviewStatus.completed else main_cat],
            "days": max(1, ((iv.decided_at or iv.date) - iv.date).days),
        }
        if iv.is_mock:
            kind = "mock"
        elif iv.status == InterviewStatus.completed:
            kind = (iv.outcome or InterviewOutcome.pending).value
        else:
            kind = iv.status.value
        notes = _fill(rnd.choice(getattr(data.notes, kind)), **values)
        feedback = None
        if iv.outcome in (InterviewOutcome.advanced, InterviewOutcome.rejected, InterviewOutcome.offer):
            chance = {"advanced": 0.4, "rejected": 0.7, "offer": 1.0}[iv.outcome.value]
            if rnd.random() < chance:
                feedback = _fill(rnd.choice(getattr(data.feedback, iv.outcome.value)), **values)
        if iv.decided_at and iv.outcome not in (None, InterviewOutcome.pending, InterviewOutcome.ghosted):
            updated = min(iv.decided_at, now)
        elif iv.outcome == InterviewOutcome.ghosted:
            updated = min(iv.date + timedelta(days=rnd.randint(18, 30)), now)
        else:
            updated = min(iv.date + timedelta(hours=2), now)
        created = min(iv.date - timedelta(days=rnd.randint(3, 9), hours=rnd.randint(0, 8)), now)
        on_site = not iv.remote and company is not None
        interview_rows.append(
            {
                "owner_id": uid,
                "company_id": company_id(iv.company),
                "role_id": role_ids[(iv.company, iv.role)],
                "cv_version_id": cv_ids[iv.cv] if iv.cv is not None else None,
                "interview_date": iv.date,
                "seniority_level": data.role(iv.role).seniority,
                "interview_type": "mock" if iv.is_mock else "actual",
                "interview_status": iv.status,
                "outcome": None if iv.is_mock else iv.outcome,
                "is_remote": not on_site,
                "location": f"{company_name} office, {company.location}"
                if on_site and company
                else (mp.name if iv.is_mock else _pick(rnd, data.video_tools)),
                "duration_minutes": iv.duration,
                "interviewer_names": ", ".join(f"{r.interviewer} ({r.interviewer_role})" for r in iv.rounds)
                or None,
                "overall_rating": iv.rating,
                "notes": notes,
                "feedback": feedback,
                "created_at": created,
                "updated_at": max(updated, created),
            }
        )
    interview_ids = await _insert(session, Interview, interview_rows)
    await _insert(session, InterviewStatusChange, _timeline(uid, interview_ids, planned, interview_rows))
    tick("interviews", len(interview_ids))

    round_rows, round_keys = [], []
    for iid, iv in zip(interview_ids, planned, strict=True):
        if iv.status not in (InterviewStatus.completed, InterviewStatus.scheduled):
            continue
        offset = 0
        for n, r in enumerate(iv.rounds):
            round_rows.append(
                {
                    "owner_id": uid,
                    "interview_id": iid,
                    "round_number": n + 1,
                    "round_type": r.round_type,
                    "round_date": iv.date + timedelta(minutes=offset),
                    "duration_minutes": r.duration,
                    "interviewer_name": r.interviewer,
                    "interviewer_role": r.interviewer_role,
                    "round_rating": r.rating,
                    "passed": r.passed,
                    "notes": r.notes,
                }
            )
            round_keys.append((iid, n))
            offset += r.duration
    round_ids = dict(zip(round_keys, await _insert(session, InterviewRound, round_rows), strict=True))
    tick("rounds", len(round_rows))

    iq_rows, iq_meta = [], []
    is_rows = []
    for iid, iv in zip(interview_ids, planned, strict=True):
        by_skill: dict[str, list[int]] = defaultdict(list)
        for a in iv.asked:
            iq_rows.append(
                {
                    "owner_id": uid,
                    "interview_id": iid,
                    "question_id": question_ids[a.question],
                    "round_id": round_ids.get((iid, a.round_index)),
                    "answer_quality_rating": a.rating,
                    "created_at": iv.date,
                }
            )
            iq_meta.append((a, iv))
            if a.rating is not None:
                for s in story.questions[a.question][1].skills:
                    by_skill[s].append(a.rating)
        for name, ratings in list(by_skill.items())[:4]:
            is_rows.append(
                {
                    "owner_id": uid,
                    "interview_id": iid,
                    "skill_id": skill_by_name[name],
                    "performance_rating": _clamp(statistics.fmean(ratings)),
                }
            )
    iq_ids = await _insert(session, InterviewQuestion, iq_rows)
    tick("questions asked", len(iq_ids))
    await _insert(session, InterviewSkill, is_rows)
    tick("skills tested", len(is_rows))

    # Practice: mostly the weak categories, rated a little above how real interviews go -----
    c = data.candidate
    weights = {Cat.system_design: 5, Cat.coding: 3, Cat.architecture: 2, Cat.technical: 1, Cat.behavioral: 1}
    asked_before: dict[Cat, list[int]] = defaultdict(list)
    n_sessions = round(
        c.practice_per_week * c.span_days / 7 * min(1.0, interviews / DEFAULT_INTERVIEWS + 0.3)
    )
    sessions = []
    for _ in range(n_sessions):
        p = rnd.uniform(0.08, 1.0)
        day = (story.start + (now - story.start) * p).astimezone(story.tz)
        hour, minute = (
            (rnd.choice([9, 10, 11]), rnd.choice([0, 30]))
            if day.weekday() >= 5
            else (rnd.choice([19, 20]), 0)
        )
        at = datetime.combine(day.date(), time(hour, minute), tzinfo=story.tz).astimezone(UTC)
        if at > now:
            continue
        sessions.append((at, rnd.choices(list(weights), list(weights.values()))[0]))
    sessions.sort()
    for iv in planned:
        for a in iv.asked:
            asked_before[story.questions[a.question][0]].append(a.question)
    ps_rows, psq_plan = [], []
    for at, cat in sessions:
        pool = [q for q in dict.fromkeys(asked_before[cat])] or story.by_category[cat]
        chosen = set(rnd.sample(pool, min(len(pool), rnd.randint(1, 3))))
        while len(chosen) < 4:
            chosen.add(rnd.choice(story.by_category[cat]))
        rated = [
            (qi, _clamp(story.expected(cat, at, False) + c.practice_overconfidence + rnd.gauss(0, 0.8)))
            for qi in sorted(chosen)
        ]
        ps_rows.append(
            {
                "owner_id": uid,
                "session_date": at,
                "duration_minutes": rnd.choice([30, 45, 60, 60, 90]),
                "focus_category": cat,
                "overall_rating": _clamp(statistics.fmean(r for _, r in rated)),
                "notes": _fill(rnd.choice(data.practice_notes), topic=_TOPIC[cat]),
                "created_at": at,
            }
        )
        psq_plan.append((at, rated))
    ps_ids = await _insert(session, PracticeSession, ps_rows)
    psq_rows = [
        {"owner_id": uid, "session_id": sid, "question_id": question_ids[qi], "self_rating": r}
        for sid, (_, rated) in zip(ps_ids, psq_plan, strict=True)
        for qi, r in rated
    ]
    psq_ids = await _insert(session, PracticeSessionQuestion, psq_rows)
    tick("practice sessions", len(ps_ids))

    # Skill gaps: found where the weak answers were ----------------------------------------
    gap_rows = []
    for gap in data.skill_gaps:
        candidates = [
            (a, iv, iid)
            for iid, iv in zip(interview_ids, planned, strict=True)
            if not iv.is_mock and (data.companies[iv.company].fintech or not gap.fintech)
            for a in iv.asked
            if a.rating is not None and story.questions[a.question][0] == gap.category
        ]
        found = min(candidates, key=lambda t: (t[0].rating or 0, t[1].date), default=None)
        seen_at = found[1].date + timedelta(days=1) if found else story.start
        gap_rows.append(
            {
                "owner_id": uid,
                "skill_id": skill_by_name[gap.skill],
                "interview_id": found[2] if found else None,
                "question_id": question_ids[found[0].question] if found else None,
                "gap_description": gap.description,
                "severity": gap.severity,
                "status": gap.status,
                "action_plan": gap.action_plan,
                "resolved_at": min(now, seen_at + timedelta(days=45))
                if gap.status == GapStatus.resolved
                else None,
                "created_at": min(seen_at, now),
            }
        )
    await _insert(session, SkillGap, gap_rows)
    await _insert(
        session,
        UserSkill,
        [
            {
                "owner_id": uid,
                "skill_id": skill_by_name[u.skill],
                "proficiency_level": u.proficiency,
                "self_rating": u.self_rating,
                "years_experience": u.years,
                "last_used_date": (now - timedelta(days=rnd.randint(0, 20))).date(),
            }
            for u in data.user_skills
        ],
    )
    tick("skill gaps", len(gap_rows))

    cards = await _review_schedule(session, uid, question_ids, iq_ids, iq_meta, psq_ids, psq_plan)
    tick("review cards", cards)
    return {
        "companies": len(company_ids),
        "roles": len(role_ids),
        "skills": len(skill_ids),
        "questions": len(question_ids),
        "interviews": len(interview_ids),
        "rounds": len(round_rows),
        "questions_asked": len(iq_ids),
        "practice_sessions": len(ps_ids),
        "skill_gaps": len(gap_rows),
        "review_cards": cards,
    }


def _timeline(
    uid: int, ids: list[int], planned: list[PlannedInterview], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The status/outcome timeline the interview service would have written along the way."""
    out = []
    for iid, iv, row in zip(ids, planned, rows, strict=True):
        points: list[tuple[datetime, InterviewStatus, InterviewOutcome | None]] = [
            (row["created_at"], InterviewStatus.scheduled, None)
        ]
        ended = iv.date + timedelta(minutes=iv.duration)
        if iv.status == InterviewStatus.completed:
            first = InterviewOutcome.pending if iv.outcome == InterviewOutcome.pending else None
            points.append((ended, iv.status, first))
            if row["outcome"] not in (None, InterviewOutcome.pending):
                points.append((max(row["updated_at"], ended), iv.status, row["outcome"]))
        elif iv.status == InterviewStatus.no_show:
            points.append((ended, iv.status, None))
        elif iv.status != InterviewStatus.scheduled:
            points.append((max(row["created_at"], iv.date - timedelta(days=1)), iv.status, None))
        out += [
            {"owner_id": uid, "interview_id": iid, "interview_status": st, "outcome": oc, "changed_at": at}
            for at, st, oc in points
        ]
    return out


async def _review_schedule(
    session: AsyncSession,
    uid: int,
    question_ids: list[int],
    iq_ids: list[int],
    iq_meta: list[tuple[Asked, PlannedInterview]],
    psq_ids: list[int],
    psq_plan: list[tuple[datetime, list[tuple[int, int]]]],
) -> int:
    """Every rating is a review of its question (as the services record them), replayed here
    in one pass so the demo's review queue matches what the app would have built."""
    logs: dict[int, list[tuple[datetime, int, ReviewSource, int]]] = defaultdict(list)
    for link_id, (a, iv) in zip(iq_ids, iq_meta, strict=True):
        if a.rating is not None:
            logs[a.question].append((iv.date, a.rating, ReviewSource.interview, link_id))
    flat = [(at, qi, r) for at, ratings in psq_plan for qi, r in ratings]
    for link_id, (at, qi, r) in zip(psq_ids, flat, strict=True):
        logs[qi].append((at, r, ReviewSource.practice, link_id))
    card_rows, card_logs = [], []
    for qi, entries in sorted(logs.items()):
        entries.sort(key=lambda e: (e[0], e[3]))
        schedule = replay([Review(rating_for_score(score), at) for at, score, _, _ in entries], entries[0][0])
        card_rows.append(
            {
                "owner_id": uid,
                "question_id": question_ids[qi],
                "state": schedule.state,
                "step": schedule.step,
                "stability": schedule.stability,
                "difficulty": schedule.difficulty,
                "due_at": schedule.due_at,
                "last_reviewed_at": schedule.last_reviewed_at,
                "reps": schedule.reps,
                "lapses": schedule.lapses,
                "created_at": entries[0][0],
            }
        )
        card_logs.append(entries)
    card_ids = await _insert(session, ReviewCard, card_rows)
    await _insert(
        session,
        ReviewLog,
        [
            {
                "owner_id": uid,
                "card_id": cid,
                "rating": rating_for_score(score),
                "score": score,
                "source": source,
                "source_id": source_id,
                "reviewed_at": at,
            }
            for cid, entries in zip(card_ids, card_logs, strict=True)
            for at, score, source, source_id in entries
        ],
    )
    return len(card_ids)
