from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from app.auth.dependencies import CurrentCaller, CurrentUser
from app.db import SessionDep, read_only
from app.kit.responses import model_json, problems
from app.kit.routing import Router
from app.models.enums import QuestionCategory
from app.stats import analytics, schemas, service
from app.stats.schemas import FunnelBy, RatingSource, StatsBucket

router = Router(prefix="/api/stats", tags=["stats"])


@router.get(
    "/overview", response_model=schemas.StatsOverview, summary="Your statistics", responses=problems(401)
)
@read_only
async def overview(caller: CurrentCaller) -> Response:
    """Totals; interviews by status, type and outcome; questions by category and difficulty;
    average answer rating overall, per category and per skill; success rate; interviews in the
    next 7 days; your weakest categories and skills; practice sessions and self-ratings; interview
    rounds (ratings, passed and failed, overall and per round type). Only your own data counts;
    soft-deleted interviews and questions do not."""
    db, user = caller
    return model_json(await service.overview(db, user))


@router.get(
    "/skills", response_model=schemas.SkillsReport, summary="Ratings per skill", responses=problems(401, 422)
)
@read_only
async def skills(session: SessionDep, user: CurrentUser) -> schemas.SkillsReport:
    """Where you are weak, skill by skill: for each of your skills, the mean rating of interview
    answers to questions linked to it, how many, when it was last rated, and the trend (mean of
    the last 90 days minus the mean before; positive means improving). `by_company` gives the
    same numbers per company, so "system design is weak at fintechs, fine elsewhere" shows.
    Weakest first; skills never rated come last. An answer's time is its interview's date (or when
    it was logged, for undated interviews). Trashed interviews, questions and skills don't count."""
    return await analytics.skills(session, user.id)


@router.get(
    "/trends",
    response_model=schemas.TrendsReport,
    summary="Ratings over time",
    responses=problems(401, 422),
)
@read_only
async def trends(
    session: SessionDep,
    user: CurrentUser,
    bucket: Annotated[
        StatsBucket, Query(description="Group by ISO week (from Monday) or calendar month, UTC.")
    ] = (StatsBucket.week),
    category: Annotated[QuestionCategory | None, Query(description="Only this question category.")] = None,
    source: Annotated[
        RatingSource | None,
        Query(
            description="`interview`: answer ratings from your interviews; `practice`: your practice "
            "self-ratings; `graded`: graded answer attempts. Default: all, each its own series."
        ),
    ] = None,
) -> schemas.TrendsReport:
    """Mean rating and number of ratings per time bucket, source and question category, oldest
    first. Sources are never mixed: each point belongs to one. Without `category`, each bucket
    also has a row with `category: null` covering all categories. Interview answers count at the
    interview's date, practice at the session's date, graded attempts when graded."""
    return await analytics.trends(session, user.id, bucket, category, source)


@router.get(
    "/funnel",
    response_model=schemas.FunnelReport,
    summary="How far your applications get",
    responses=problems(401, 422),
)
@read_only
async def funnel(
    session: SessionDep,
    user: CurrentUser,
    by: Annotated[FunnelBy, Query(description="What to compare.")] = FunnelBy.company,
) -> schemas.FunnelReport:
    """Per CV version, company, role or seniority level: your real (`actual`) interviews and their
    outcomes; the success rate (advanced or offer, out of advanced + offer + rejected) with its 95%
    Wilson interval — samples are small, so under 10 decided interviews a `note` says so; the
    ghosting rate (ghosted out of decided + ghosted); and response times.

    **Response time** of an interview, in days: if it did not end the process (outcome advanced,
    pending or none) and a later interview exists with the same company and role, the days to
    that interview's date (the next round); otherwise, if the company answered (advanced, offer,
    rejected), the days from the interview's date to when that outcome was recorded (its first
    entry in the interview's status timeline; the interview's last update when there is none).
    Ghosted, withdrawn and undated interviews have none.

    `companies` gives the same numbers per company whatever `by` is: how quickly each answers
    and how often it ghosts. Trashed interviews don't count."""
    return await analytics.funnel(session, user.id, by)


@router.get(
    "/calibration",
    response_model=schemas.CalibrationReport,
    summary="Practice ratings against real interviews",
    responses=problems(401, 422),
)
@read_only
async def calibration(session: SessionDep, user: CurrentUser) -> schemas.CalibrationReport:
    """How your practice ratings compare with how real interviews go, on the same questions. For
    each question rated both ways, its mean practice self-rating (source `practice`) or mean graded
    score (source `graded`) is set against its mean answer rating in real (`actual`) interviews;
    then per source, overall and per question category: how many questions, the mean of each side,
    the mean difference (positive: practice runs optimistic) and the Pearson correlation across
    questions. Trashed interviews and questions don't count."""
    return await analytics.calibration(session, user.id)
