from __future__ import annotations

from fastapi import APIRouter

from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.kit.responses import problems
from app.stats import schemas, service

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get(
    "/overview", response_model=schemas.StatsOverview, summary="Your statistics", responses=problems(401)
)
async def overview(session: SessionDep, user: CurrentUser) -> schemas.StatsOverview:
    """Totals; interviews by status, type and outcome; questions by category and difficulty;
    average answer rating overall, per category and per skill; success rate; interviews in the
    next 7 days; your weakest categories and skills; practice sessions and self-ratings. Only
    your own data counts; soft-deleted interviews and questions do not."""
    return await service.overview(session, user)
