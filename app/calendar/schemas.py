from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.kit.schemas import ReadSchema


class FeedCreated(ReadSchema):
    url: str = Field(
        description="Your secret feed URL: shown only now. Anyone holding it can read your calendar; "
        "create a new one (the old one stops working) or delete it if it leaks."
    )
    webcal_url: str = Field(description="The same URL with the `webcal://` scheme, for one-click subscribe.")
    created_at: datetime


class FeedStatus(ReadSchema):
    active: bool = Field(description="Whether a feed URL exists (the URL itself cannot be shown again).")
    created_at: datetime | None
    content_changed_at: datetime | None = Field(
        description="When a calendar client last saw the feed's content change (null before its first poll)."
    )
