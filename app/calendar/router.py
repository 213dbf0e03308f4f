from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from fastapi import Header, Path, Request, Response, status

from app.auth.dependencies import CurrentUser
from app.calendar import schemas, service
from app.db import SessionDep, read_only
from app.kit.responses import problems
from app.kit.routing import Router

router = Router(prefix="/api/calendar", tags=["calendar"])

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
# Calendar clients poll: they may keep the file but must ask (cheaply, with 304s) before using it.
ICS_CACHE_CONTROL = "private, no-cache"


@router.post(
    "/feed",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.FeedCreated,
    summary="Create your calendar feed URL",
    responses=problems(401, 422),
)
async def create_feed(request: Request, session: SessionDep, user: CurrentUser) -> schemas.FeedCreated:
    """A secret URL serving your interviews and their rounds as an iCalendar feed: subscribe to it
    in Google Calendar, Apple Calendar or Outlook. It is shown **only in this response** (only a
    hash is stored); calling this again makes a new URL and the old one stops working."""
    token, feed = await service.create_feed(session, user.id)
    url = str(request.url_for("calendar_ics", token=token))
    webcal = "webcal://" + url.split("://", 1)[1]
    return schemas.FeedCreated(url=url, webcal_url=webcal, created_at=feed.created_at)


@router.get(
    "/feed", response_model=schemas.FeedStatus, summary="Your calendar feed", responses=problems(401, 422)
)
@read_only
async def feed_status(session: SessionDep, user: CurrentUser) -> schemas.FeedStatus:
    """Whether you have a feed URL and when its content last changed (the URL itself is secret
    and cannot be shown again)."""
    feed = await service.get_feed(session, user.id)
    if feed is None:
        return schemas.FeedStatus(active=False, created_at=None, content_changed_at=None)
    return schemas.FeedStatus(
        active=True, created_at=feed.created_at, content_changed_at=feed.content_changed_at
    )


@router.delete(
    "/feed",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke your calendar feed URL",
    responses=problems(401, 422),
)
async def revoke_feed(session: SessionDep, user: CurrentUser) -> None:
    """The feed URL stops working at once (404). Nothing happens when there is none."""
    await service.revoke_feed(session, user.id)


def _not_modified(
    feed: service.RenderedFeed, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """RFC 9110 §13.2.2: ``If-None-Match`` decides when present; else ``If-Modified-Since``."""
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False  # an invalid date is ignored
        if since.tzinfo is None:
            return False
        return feed.last_modified <= since
    return False


@router.get(
    "/{token}.ics",
    name="calendar_ics",
    response_class=Response,
    summary="The calendar feed (iCalendar)",
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}, "description": "The feed"},
        304: {"description": "Not modified since the `ETag` / date you sent"},
        **problems(404, 422),
    },
)
async def calendar_ics(
    token: Annotated[str, Path(max_length=100, description="The secret from your feed URL.")],
    session: SessionDep,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
    if_modified_since: Annotated[str | None, Header(max_length=100)] = None,
) -> Response:
    """Your interviews and rounds with a date, from 90 days ago on, as iCalendar events: company,
    role and round in the title, the location (or "Remote"), your notes and the questions to
    prepare, cancelled ones marked so, and a reminder an hour before. Needs no `Authorization`:
    the secret in the URL is the credential (a wrong or revoked one is 404). Send `If-None-Match`
    or `If-Modified-Since` to get `304` while nothing changed."""
    feed = await service.feed_for_token(session, token)
    rendered = await service.render(session, feed)
    headers = {
        "ETag": rendered.etag,
        "Last-Modified": _http_date(rendered.last_modified),
        "Cache-Control": ICS_CACHE_CONTROL,
    }
    if _not_modified(rendered, if_none_match, if_modified_since):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="interviews.ics"'
    return Response(rendered.body, media_type=ICS_MEDIA_TYPE, headers=headers)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)
