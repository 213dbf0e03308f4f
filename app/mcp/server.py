"""The MCP server: curated tools over the same services the REST routers call.

Not one tool per REST operation: the handful an assistant needs to keep the user's interview
log ("I had my Stripe round 2 today, they asked X, I'd rate my answer 5"), look things up and
coach. Each call is one unit of work (:func:`app.mcp.session.unit`): the caller's credential is
checked as the REST API checks it, ownership and validation are the services', and a failure
comes back as a tool error carrying the problem detail's text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import CallToolResult, InputRequiredResult, ToolAnnotations
from mcp_types import Tool as McpTool
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app import __version__
from app.agents import runner
from app.agents import schemas as agent_schemas
from app.agents import service as agent_service
from app.agents.router import available as available_agents
from app.agents.specialists import AgentId
from app.interviews import schemas as interview_schemas
from app.interviews import service as interviews
from app.interviews.listing import InterviewFilters
from app.kit.pagination import PageParams, SortOrder
from app.kit.schemas import Id, LongText, Minutes, Name, Page, Rating, SearchText, Tag, UtcDatetime
from app.mcp import lookup
from app.mcp.session import unit
from app.models import InterviewQuestion, InterviewRound, Question, User
from app.models.enums import (
    InterviewOutcome,
    InterviewStatus,
    InterviewType,
    QuestionCategory,
    QuestionDifficulty,
    RoundType,
    SeniorityLevel,
)
from app.questions import schemas as question_schemas
from app.questions import service as questions
from app.questions.service import QuestionFilters
from app.review import attempts
from app.review import grade as grading
from app.review import schemas as review_schemas
from app.review import service as review
from app.review.service import QueueFilters
from app.stats import analytics
from app.stats import schemas as stats_schemas
from app.stats import service as stats

INSTRUCTIONS = """\
The user's job-interview tracker. Use it to log interviews as the user tells you about them,
record the questions they were asked with how well they answered (1-10), and coach them.

To log "I had my Stripe round 2 today, they asked X, I'd rate my answer 5": list_interviews with
company="Stripe"; if one exists, record_question_asked on it with round_number=2 (the round is
created when missing), else log_interview first. Ids come from earlier tool results; never guess
them. Ratings are integers 1 (poor) to 10 (excellent); dates are ISO 8601 (UTC when no offset).
"""

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
COACH = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)

Limit = Annotated[int, Field(ge=1, le=100, description="How many items to return (at most 100).")]
PageNo = Annotated[int, Field(ge=1, le=1_000_000, description="Page number, from 1.")]


class LoggedInterview(BaseModel):
    interview: interview_schemas.InterviewRead
    company_created: bool = Field(description="The company was new and was added to your list.")
    role_created: bool = Field(description="The role was new and was added to your list.")


class RecordedAnswer(BaseModel):
    asked: interview_schemas.InterviewQuestionRead
    question_added_to_bank: bool = Field(description="The question was new and joined the bank.")
    round_created: bool = Field(description="The round did not exist yet and was added.")
    updated_existing: bool = Field(
        description="The question was already recorded for this interview; its rating/answer changed."
    )


class WeakSpots(BaseModel):
    weakest_categories: list[stats_schemas.RatingGroup] = Field(
        description="Question categories with the lowest average answer rating."
    )
    weakest_skills: list[stats_schemas.SkillStats] = Field(
        description="Skills with the lowest average rating, each with the same numbers per company."
    )


class CoachAnswer(BaseModel):
    answer: str
    agent: AgentId
    agent_name: str
    follow_ups: list[str]
    conversation_id: int = Field(description="Pass back as conversation_id to continue.")
    model: str


# Tools answer JSON objects shaped like the REST API's responses. Not typed output schemas: the
# SDK derives those in validation mode, so a field read under another name (a validation alias)
# would make its own client reject the answer.
Result = dict[str, Any]


def _json(model: BaseModel) -> Result:
    return model.model_dump(mode="json")


def _now() -> datetime:
    return datetime.now(UTC)


async def _round_numbered(
    session: AsyncSession, user: User, interview_id: int, number: int
) -> tuple[int, bool]:
    """The id of the interview's round with this number, adding the round when missing."""
    stmt = select(InterviewRound.id).where(
        InterviewRound.interview_id == interview_id,
        InterviewRound.owner_id == user.id,
        InterviewRound.round_number == number,
    )
    found = (await session.execute(stmt)).scalar()
    if found is not None:
        return found, False
    added = await interviews.add_round(
        session, user, interview_id, interview_schemas.RoundCreate(round_number=number)
    )
    return added.id, True


async def _bank_question(
    session: AsyncSession,
    user: User,
    text: str,
    category: QuestionCategory | None,
    difficulty: QuestionDifficulty | None,
) -> tuple[Question, bool]:
    """The bank's question that asks this (the grader's matching), or a new one."""
    data = question_schemas.QuestionCreate(
        question_text=text,
        question_category=category or QuestionCategory.other,
        question_difficulty=difficulty or QuestionDifficulty.medium,
        source="Interview",
    )
    found = await attempts.match_question(session, user.id, data.question_text)
    if found is not None:
        return found, False
    return await questions.create_question(session, user, data), True


class StrictServer(MCPServer[Any]):
    """An MCP server whose tools refuse arguments they do not declare.

    The SDK drops unknown arguments silently, so `search_questions {"q": "postgres"}` would list
    every question; the REST API answers the same mistake (an unknown query parameter) with 422.
    """

    async def list_tools(self) -> list[McpTool]:
        tools = await super().list_tools()
        return [
            t.model_copy(update={"input_schema": {**t.input_schema, "additionalProperties": False}})
            for t in tools
        ]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        schemas = {t.name: t.input_schema for t in await super().list_tools()}
        if name in schemas:  # an unknown tool is the SDK's error
            accepted = list(schemas[name].get("properties", {}))
            unknown = sorted(set(arguments) - set(accepted))
            if unknown:
                noun = "argument" if len(unknown) == 1 else "arguments"
                raise ToolError(
                    f"Error executing tool {name}: Unknown {noun}: {', '.join(unknown)}. "
                    f"Accepted: {', '.join(accepted) or 'none'}."
                )
        return await super().call_tool(name, arguments, context)


@asynccontextmanager
async def _resource_unit(app: FastAPI) -> AsyncIterator[tuple[AsyncSession, User]]:
    """Like :func:`unit`, for resources, which report failures as resource errors."""
    try:
        async with unit(app) as pair:
            yield pair
    except ToolError as exc:
        raise ResourceError(str(exc)) from exc


def build_server(app: FastAPI) -> MCPServer:
    """The tools and resources, bound to this app's database, settings and model provider."""
    mcp = StrictServer(
        name="interview-tracker",
        title="Interview Tracker",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )

    # --- questions --------------------------------------------------------------------------

    @mcp.tool(annotations=READ)
    async def search_questions(
        query: Annotated[
            SearchText | None,
            Field(description="Words or word beginnings to find in the question text and notes."),
        ] = None,
        category: QuestionCategory | None = None,
        difficulty: QuestionDifficulty | None = None,
        tag: Annotated[Tag | None, Field(description="Only questions with this tag.")] = None,
        company_id: Annotated[
            Id | None, Field(description="Only questions filed under this company.")
        ] = None,
        limit: Limit = 10,
        page: PageNo = 1,
    ) -> Result:
        """Search the user's question bank (best match first when `query` is given, else newest
        first). Returns ids to use with get_question and record_question_asked."""
        filters = QuestionFilters(
            question_category=category,
            question_difficulty=difficulty,
            tags=[tag] if tag else [],
            company_id=company_id,
            q=query,
        )
        async with unit(app) as (session, user):
            found = await questions.list_questions(
                session, user, filters, None, SortOrder.desc, PageParams(page, limit)
            )
            return _json(Page[question_schemas.QuestionRead].model_validate_json(found.json()))

    @mcp.tool(annotations=READ)
    async def get_question(question_id: Id) -> Result:
        """One question from the bank with its notes, sample answer, skills, and every interview
        where it was asked (with the rating of the answer)."""
        async with unit(app) as (session, user):
            return _json((await questions.get_detail(session, user, question_id)).model())

    @mcp.tool(annotations=WRITE)
    async def add_question(
        question_text: Annotated[str, Field(description="The question as it was (or will be) asked.")],
        category: QuestionCategory = QuestionCategory.other,
        difficulty: QuestionDifficulty = QuestionDifficulty.medium,
        tags: Annotated[list[Tag], Field(max_length=20, description="Short lower-case labels.")] = [],  # noqa: B006
        notes: LongText | None = None,
        sample_answer: Annotated[LongText | None, Field(description="A good answer, to practise.")] = None,
        company_id: Annotated[Id | None, Field(description="The company known for asking it.")] = None,
    ) -> Result:
        """Add a question to the user's bank (to practise it, or before recording it was asked).
        To record a question asked in an interview use record_question_asked, which adds it too."""
        data = question_schemas.QuestionCreate(
            question_text=question_text,
            question_category=category,
            question_difficulty=difficulty,
            tags=tags,
            notes=notes,
            sample_answer=sample_answer,
            company_id=company_id,
            source="Assistant",
        )
        async with unit(app) as (session, user):
            created = await questions.create_question(session, user, data)
            return _json(question_schemas.QuestionRead.model_validate(created))

    # --- interviews -------------------------------------------------------------------------

    @mcp.tool(annotations=READ)
    async def list_interviews(
        company: Annotated[
            Name | None, Field(description="The company's name (case-insensitive, exact).")
        ] = None,
        status: InterviewStatus | None = None,
        interview_type: InterviewType | None = None,
        date_from: Annotated[UtcDatetime | None, Field(description="On or after (ISO 8601).")] = None,
        date_to: Annotated[UtcDatetime | None, Field(description="On or before (ISO 8601).")] = None,
        query: Annotated[SearchText | None, Field(description="Words to find in notes.")] = None,
        limit: Limit = 20,
        page: PageNo = 1,
    ) -> Result:
        """The user's interviews, most recent first, with company and role. Use it to find the
        interview_id before adding rounds or recording questions."""
        async with unit(app) as (session, user):
            company_id = None
            if company is not None:
                found = await lookup.find_company(session, user, company)
                if found is None:
                    return _json(
                        interview_schemas.InterviewPage(
                            items=[], total=0, page=page, page_size=limit, pages=0
                        )
                    )
                company_id = found.id
            filters = InterviewFilters(
                company_id=company_id,
                interview_status=status,
                interview_type=interview_type,
                date_from=date_from,
                date_to=date_to,
                q=query,
            )
            listed = await interviews.list_interviews(
                session,
                user,
                filters,
                interview_schemas.InterviewSort.interview_date,
                SortOrder.desc,
                PageParams(page, limit),
            )
            return _json(interview_schemas.InterviewPage.model_validate_json(listed.json()))

    @mcp.tool(annotations=READ)
    async def get_interview(interview_id: Id) -> Result:
        """One interview with its company, role, rounds, the questions asked (with the answer
        ratings) and the skills tested."""
        async with unit(app) as (session, user):
            found = await interviews.get_interview(session, user, interview_id)
            return _json(found.model())

    @mcp.tool(annotations=WRITE)
    async def log_interview(
        company: Annotated[Name, Field(description="The company's name; added to the user's list if new.")],
        role_title: Annotated[
            Name | None, Field(description="The role, e.g. 'Senior Backend Engineer'; added if new.")
        ] = None,
        seniority_level: SeniorityLevel | None = None,
        interview_date: Annotated[
            UtcDatetime | None, Field(description="When it is or was (ISO 8601). Default: now.")
        ] = None,
        status: Annotated[
            InterviewStatus | None,
            Field(description="Default: `completed` when the date is past, else `scheduled`."),
        ] = None,
        interview_type: InterviewType = InterviewType.actual,
        outcome: InterviewOutcome | None = None,
        is_remote: bool = False,
        location: Name | None = None,
        duration_minutes: Minutes | None = None,
        interviewer_names: Name | None = None,
        overall_rating: Annotated[Rating | None, Field(description="How it went overall, 1-10.")] = None,
        notes: LongText | None = None,
    ) -> Result:
        """Log a new interview (one per application process; its stages are rounds, see
        add_round). Check list_interviews first so the same interview is not logged twice."""
        when = interview_date or _now()
        async with unit(app) as (session, user):
            company_row, company_created = await lookup.company_named(session, user, company)
            role_id, role_created = None, False
            if role_title is not None:
                role, role_created = await lookup.role_titled(
                    session, user, company_row, role_title, seniority_level
                )
                role_id = role.id
            data = interview_schemas.InterviewCreate(
                company_id=company_row.id,
                role_id=role_id,
                interview_date=when,
                seniority_level=seniority_level,
                interview_type=interview_type,
                interview_status=status
                or (InterviewStatus.scheduled if when > _now() else InterviewStatus.completed),
                outcome=outcome,
                is_remote=is_remote,
                location=location,
                duration_minutes=duration_minutes,
                interviewer_names=interviewer_names,
                overall_rating=overall_rating,
                notes=notes,
            )
            created = await interviews.create_interview(session, user, data)
            return _json(
                LoggedInterview(
                    interview=created.model(),
                    company_created=company_created,
                    role_created=role_created,
                )
            )

    @mcp.tool(annotations=WRITE)
    async def update_interview(
        interview_id: Id,
        interview_date: UtcDatetime | None = None,
        status: InterviewStatus | None = None,
        outcome: InterviewOutcome | None = None,
        interview_type: InterviewType | None = None,
        seniority_level: SeniorityLevel | None = None,
        is_remote: bool | None = None,
        location: Name | None = None,
        duration_minutes: Minutes | None = None,
        interviewer_names: Name | None = None,
        overall_rating: Rating | None = None,
        notes: Annotated[LongText | None, Field(description="Replaces the notes.")] = None,
        feedback: Annotated[LongText | None, Field(description="Feedback received; replaces it.")] = None,
    ) -> Result:
        """Change an interview: only the arguments given change (e.g. status=completed and
        outcome=offer after hearing back)."""
        given = {
            "interview_date": interview_date,
            "interview_status": status,
            "outcome": outcome,
            "interview_type": interview_type,
            "seniority_level": seniority_level,
            "is_remote": is_remote,
            "location": location,
            "duration_minutes": duration_minutes,
            "interviewer_names": interviewer_names,
            "overall_rating": overall_rating,
            "notes": notes,
            "feedback": feedback,
        }
        changes = interview_schemas.InterviewUpdate(
            **{k: v for k, v in given.items() if v is not None}
        ).model_dump(exclude_unset=True)
        if not changes:
            raise ToolError("Nothing to change: pass at least one field besides interview_id.")
        async with unit(app) as (session, user):
            updated = await interviews.update_interview(session, user, interview_id, changes)
            return _json(updated.model())

    @mcp.tool(annotations=WRITE)
    async def add_round(
        interview_id: Id,
        round_number: Annotated[
            int | None, Field(ge=1, le=100, description="Default: the next free number.")
        ] = None,
        round_type: RoundType = RoundType.other,
        round_date: UtcDatetime | None = None,
        duration_minutes: Minutes | None = None,
        interviewer_name: Name | None = None,
        interviewer_role: Name | None = None,
        round_rating: Annotated[Rating | None, Field(description="How the round went, 1-10.")] = None,
        passed: bool | None = None,
        notes: LongText | None = None,
    ) -> Result:
        """Add a round (a stage: phone screen, coding, system design, onsite…) to an interview."""
        data = interview_schemas.RoundCreate(
            round_number=round_number,
            round_type=round_type,
            round_date=round_date,
            duration_minutes=duration_minutes,
            interviewer_name=interviewer_name,
            interviewer_role=interviewer_role,
            round_rating=round_rating,
            passed=passed,
            notes=notes,
        )
        async with unit(app) as (session, user):
            added = await interviews.add_round(session, user, interview_id, data)
            return _json(interview_schemas.RoundRead.model_validate(added))

    @mcp.tool(annotations=WRITE)
    async def record_question_asked(
        interview_id: Id,
        question: Annotated[
            str | None,
            Field(
                min_length=3,
                max_length=5000,
                description="The question as asked; matched to the bank or added to it.",
            ),
        ] = None,
        question_id: Annotated[Id | None, Field(description="A question already in the bank.")] = None,
        answer_quality_rating: Annotated[
            Rating | None, Field(description="How well the user answered, 1 (poor) to 10 (excellent).")
        ] = None,
        answer_given: Annotated[LongText | None, Field(description="What the user answered.")] = None,
        feedback: Annotated[LongText | None, Field(description="Feedback the user received.")] = None,
        round_number: Annotated[
            int | None,
            Field(ge=1, le=100, description="The round it was asked in; the round is added if missing."),
        ] = None,
        category: Annotated[
            QuestionCategory | None, Field(description="For a new question: its category.")
        ] = None,
        difficulty: Annotated[
            QuestionDifficulty | None, Field(description="For a new question: its difficulty.")
        ] = None,
    ) -> Result:
        """Record that a question was asked in an interview, with the rating of the user's
        answer. Give `question` (text) or `question_id`. Recording the same question again
        updates its rating and answer. The rating also feeds the review schedule."""
        if (question is None) == (question_id is None):
            raise ToolError("Give exactly one of `question` (the text) or `question_id`.")
        async with unit(app) as (session, user):
            await interviews.get_interview(session, user, interview_id)  # 404 before anything is added
            added = False
            if question_id is not None:
                target = await questions.get_question(session, user, question_id)
            else:
                assert question is not None
                target, added = await _bank_question(session, user, question, category, difficulty)
            round_id, round_created = None, False
            if round_number is not None:
                round_id, round_created = await _round_numbered(session, user, interview_id, round_number)
            values = {
                "answer_quality_rating": answer_quality_rating,
                "answer_given": answer_given,
                "feedback": feedback,
                "round_id": round_id,
            }
            given = {k: v for k, v in values.items() if v is not None}
            existing = await session.scalar(
                select(func.count()).where(
                    InterviewQuestion.interview_id == interview_id,
                    InterviewQuestion.question_id == target.id,
                )
            )
            if existing:
                changes = interview_schemas.InterviewQuestionUpdate(**given).model_dump(exclude_unset=True)
                link = await interviews.update_question_link(session, user, interview_id, target.id, changes)
            else:
                data = interview_schemas.InterviewQuestionCreate(question_id=target.id, **given)
                link = await interviews.link_question(session, user, interview_id, data)
            return _json(
                RecordedAnswer(
                    asked=interview_schemas.InterviewQuestionRead.model_validate(link),
                    question_added_to_bank=added,
                    round_created=round_created,
                    updated_existing=bool(existing),
                )
            )

    # --- progress ---------------------------------------------------------------------------

    @mcp.tool(annotations=READ)
    async def stats_overview() -> Result:
        """The user's numbers: interviews by status/type/outcome, questions by category, average
        answer rating overall and per category and skill, success rate, upcoming interviews."""
        async with unit(app) as (session, user):
            return _json(await stats.overview(session, user))

    @mcp.tool(annotations=READ)
    async def weak_spots(
        limit: Annotated[int, Field(ge=1, le=20, description="How many skills.")] = 5,
    ) -> Result:
        """Where the user is weakest: the question categories and skills with the lowest average
        answer ratings (skills also per company), from their interviews."""
        async with unit(app) as (session, user):
            overview = await stats.overview(session, user)
            report = await analytics.skills(session, user.id)
        rated = [s for s in report.skills if s.average_rating is not None]
        return _json(WeakSpots(weakest_categories=overview.weakest_categories, weakest_skills=rated[:limit]))

    @mcp.tool(annotations=READ)
    async def review_queue(
        limit: Annotated[int, Field(ge=1, le=100, description="How many questions.")] = 10,
        category: QuestionCategory | None = None,
        company_id: Annotated[
            Id | None, Field(description="Questions of this company or asked there.")
        ] = None,
        interview_id: Annotated[
            Id | None, Field(description="Prepare for this interview: its company's and skills' questions.")
        ] = None,
    ) -> Result:
        """What the user should practise next (spaced repetition): due questions first, then the
        weakest; each item says why it is there."""
        filters = QueueFilters(category=category, company_id=company_id, interview_id=interview_id)
        async with unit(app) as (session, user):
            return _json(await review.queue(session, user.id, filters, limit))

    # --- coaching ---------------------------------------------------------------------------

    @mcp.tool(annotations=COACH)
    async def grade_answer(
        answer: Annotated[str, Field(min_length=1, max_length=20_000, description="The user's answer.")],
        question: Annotated[
            str | None,
            Field(min_length=3, max_length=5000, description="The question (matched to the bank or added)."),
        ] = None,
        question_id: Annotated[Id | None, Field(description="A question from the bank.")] = None,
        agent: Annotated[AgentId | None, Field(description="Grade with this specialist's rubric.")] = None,
        interview_id: Annotated[Id | None, Field(description="The interview the answer was for.")] = None,
    ) -> Result:
        """Grade an answer against the specialist's rubric: overall 1-10, a score with evidence and
        advice per criterion, strengths, improvements and a better-answer outline. The attempt is
        stored and feeds the review schedule."""
        req = review_schemas.GradeRequest(
            question=question, question_id=question_id, answer=answer, agent=agent, interview_id=interview_id
        )
        state = app.state
        async with unit(app) as (session, user):
            await agent_service.hit_rate_limit(session, state.settings, user.id, state.redis)
            prep = await grading.prepare(session, user.id, req, state.provider)
            return _json(await grading.grade(session, prep, state.provider))

    @mcp.tool(annotations=COACH)
    async def ask_coach(
        question: Annotated[
            str, Field(min_length=1, max_length=20_000, description="What to ask the coach.")
        ],
        agent: Annotated[
            AgentId | None, Field(description="Ask this specialist; default: the supervisor picks one.")
        ] = None,
        company: Name | None = None,
        role: Name | None = None,
        seniority: SeniorityLevel | None = None,
        notes: Annotated[LongText | None, Field(description="Anything else the coach should know.")] = None,
        interview_id: Annotated[
            Id | None, Field(description="Use this interview's details as context.")
        ] = None,
        question_id: Annotated[Id | None, Field(description="Use this bank question as context.")] = None,
        conversation_id: Annotated[Id | None, Field(description="Continue this conversation.")] = None,
        include_follow_ups: bool = True,
    ) -> Result:
        """Ask the interview coach (six specialists: product, technical, architecture, coding,
        behavioral, system design) - the same answer as POST /api/agents/answer, stored in the
        user's conversations."""
        context = (
            agent_schemas.RequestContext(company=company, role=role, seniority=seniority, notes=notes)
            if company or role or seniority or notes
            else None
        )
        req = agent_schemas.AnswerRequest(
            question=question,
            agent=agent,
            context=context,
            conversation_id=conversation_id,
            interview_id=interview_id,
            question_id=question_id,
            include_follow_ups=include_follow_ups,
        )
        state = app.state
        settings = state.settings
        # Prepared and committed first, as the route does: the runner's own sessions find the turn.
        async with unit(app) as (session, user):
            agent_service.check_limits(settings, req)
            await agent_service.hit_rate_limit(session, settings, user.id, state.redis)
            ctx = await agent_service.load_context(session, user, req)
            turn = await agent_service.start_turn(session, user, req, settings.agent_max_history_messages)
            inp = runner.TurnInput(
                req.question, req.agent, req.include_follow_ups, ctx, turn, user.id, req.question_id
            )
        async with aclosing(runner.run_turn(inp, state.provider, state.sessionmaker)) as events:
            async for event in events:
                d = event.data
                if event.type == "error":
                    raise ToolError(f"The coach could not answer ({d['code']}): {d['message']}")
                if event.type == "complete":
                    return _json(
                        CoachAnswer(
                            answer=d["answer"],
                            agent=d["agent"],
                            agent_name=d["agent_name"],
                            follow_ups=d["follow_ups"],
                            conversation_id=d["conversation_id"],
                            model=d["model"],
                        )
                    )
        raise ToolError("The coach's answer ended without completing; try again.")

    # --- resources --------------------------------------------------------------------------

    @mcp.resource(
        "interview-tracker://agents",
        name="agents",
        description="The coaching specialists: what each covers, example questions, the model in use.",
        mime_type="application/json",
    )
    async def agents_resource() -> str:
        async with _resource_unit(app) as (_, user):
            request = Request({"type": "http", "app": app, "headers": []})
            listed = await available_agents(request, user)
        return listed.model_dump_json()

    @mcp.resource(
        "interview-tracker://overview",
        name="overview",
        description="The user's statistics (as the stats_overview tool returns them).",
        mime_type="application/json",
    )
    async def overview_resource() -> str:
        async with _resource_unit(app) as (session, user):
            overview = await stats.overview(session, user)
        return overview.model_dump_json()

    return mcp
