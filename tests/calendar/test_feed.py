"""The calendar feed over HTTP, parsed with ``icalendar`` as a calendar client would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from icalendar import Calendar

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


def _in(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _feed_url(client: httpx.AsyncClient, user: UserCtx) -> str:
    r = await client.post("/api/calendar/feed", headers=user.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["url"].startswith("http://test/api/calendar/") and body["url"].endswith(".ics")
    assert body["webcal_url"] == "webcal://" + body["url"].removeprefix("http://")
    return str(body["url"])


async def _events(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """The feed's events by UID (fetched with no Authorization: the token is the credential)."""
    r = await client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(r.content)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


async def _ask(client: httpx.AsyncClient, user: UserCtx, interview_id: int, text: str, rating: int) -> None:
    q = await f.question(client, user, text)
    body = {"question_id": q["id"], "answer_quality_rating": rating}
    r = await client.post(f"/api/interviews/{interview_id}/questions", json=body, headers=user.headers)
    assert r.status_code == 201, r.text


async def test_events_carry_every_field(client: httpx.AsyncClient, alice: UserCtx) -> None:
    stripe = await f.company(client, alice, "Stripe")
    role = await f.role(client, alice, "Senior Backend Engineer", company_id=stripe["id"])
    # Stripe asked this 10 days ago and it went badly: due for review now.
    past = await f.interview(
        client, alice, stripe["id"], interview_date=_in(-10).isoformat(), interview_status="completed"
    )
    await _ask(client, alice, past["id"], "Design an idempotent payments API", 2)

    start = _in(7)
    onsite = await f.interview(
        client,
        alice,
        stripe["id"],
        role_id=role["id"],
        interview_date=start.isoformat(),
        duration_minutes=45,
        location="Stripe HQ, Dublin",
        notes="Bring the ledger diagrams.",
    )
    round_start = _in(8)
    r = await client.post(
        f"/api/interviews/{onsite['id']}/rounds",
        json={
            "round_number": 2,
            "round_type": "technical",
            "round_date": round_start.isoformat(),
            "interviewer_name": "Ada",
            "notes": "Pairing on a rate limiter.",
        },
        headers=alice.headers,
    )
    assert r.status_code == 201, r.text
    round_ = r.json()
    onsite = (await client.get(f"/api/interviews/{onsite['id']}", headers=alice.headers)).json()

    acme = await f.company(client, alice, "Acme")
    remote = await f.interview(client, alice, acme["id"], interview_date=_in(3).isoformat(), is_remote=True)
    cancelled = await f.interview(
        client, alice, acme["id"], interview_date=_in(4).isoformat(), interview_status="cancelled"
    )
    # Not in the feed: older than 90 days (but its next round is), undated, in the trash.
    old = await f.interview(client, alice, acme["id"], interview_date=_in(-91).isoformat())
    rounds = f"/api/interviews/{old['id']}/rounds"
    r = await client.post(rounds, json={"round_date": _in(-92).isoformat()}, headers=alice.headers)
    assert r.status_code == 201, r.text
    r = await client.post(rounds, json={"round_date": _in(6).isoformat()}, headers=alice.headers)
    assert r.status_code == 201, r.text
    next_round = r.json()
    await f.interview(client, alice, acme["id"])
    trashed = await f.interview(client, alice, acme["id"], interview_date=_in(5).isoformat())
    assert (await client.delete(f"/api/interviews/{trashed['id']}", headers=alice.headers)).status_code == 204

    events = await _events(client, await _feed_url(client, alice))
    uid = "{}-{}@interview-tracker".format
    assert set(events) == {
        uid("interview", past["id"]),  # 10 days ago: inside the 90-day window
        uid("interview", onsite["id"]),
        uid("round", round_["id"]),
        uid("interview", remote["id"]),
        uid("interview", cancelled["id"]),
        uid("round", next_round["id"]),
    }

    ev = events[uid("interview", onsite["id"])]
    assert str(ev["SUMMARY"]) == "Interview: Stripe — Senior Backend Engineer"
    assert ev.decoded("DTSTART") == start
    assert ev.decoded("DTEND") == start + timedelta(minutes=45)
    assert ev.decoded("DTSTAMP") == _at(onsite["updated_at"]).replace(microsecond=0)
    assert str(ev["LOCATION"]) == "Stripe HQ, Dublin"
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert isinstance(ev.decoded("SEQUENCE"), int)
    description = str(ev["DESCRIPTION"])
    assert "Bring the ledger diagrams." in description
    assert "Due for review:\n- Design an idempotent payments API" in description
    (alarm,) = ev.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=-1)
    assert str(alarm["ACTION"]) == "DISPLAY"

    rv = events[uid("round", round_["id"])]
    assert str(rv["SUMMARY"]) == "Interview: Stripe — Senior Backend Engineer, round 2"
    assert rv.decoded("DTSTART") == round_start
    assert rv.decoded("DTEND") == round_start + timedelta(hours=1)  # duration unknown: an hour
    assert str(rv["LOCATION"]) == "Stripe HQ, Dublin"
    assert "technical with Ada" in str(rv["DESCRIPTION"])
    assert "Pairing on a rate limiter." in str(rv["DESCRIPTION"])
    assert len(rv.walk("VALARM")) == 1

    ev = events[uid("interview", remote["id"])]
    assert str(ev["SUMMARY"]) == "Interview: Acme"
    assert str(ev["LOCATION"]) == "Remote"

    ev = events[uid("interview", cancelled["id"])]
    assert str(ev["STATUS"]) == "CANCELLED"
    assert ev.walk("VALARM") == []  # no reminder for what will not happen


async def test_without_due_questions_the_company_past_questions_are_listed(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    acme = await f.company(client, alice, "Acme")
    past = await f.interview(client, alice, acme["id"], interview_date=_in(-1).isoformat())
    await _ask(client, alice, past["id"], "Why Acme?", 10)  # answered well: not due
    upcoming = await f.interview(client, alice, acme["id"], interview_date=_in(2).isoformat())
    events = await _events(client, await _feed_url(client, alice))
    description = str(events[f"interview-{upcoming['id']}@interview-tracker"]["DESCRIPTION"])
    assert "Asked at Acme before:\n- Why Acme?" in description


async def test_a_feed_shows_only_its_owners_events(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    mine = await f.interview(
        client, alice, (await f.company(client, alice))["id"], interview_date=_in(1).isoformat()
    )
    theirs = await f.interview(
        client, bob, (await f.company(client, bob))["id"], interview_date=_in(1).isoformat()
    )
    alice_events = await _events(client, await _feed_url(client, alice))
    bob_events = await _events(client, await _feed_url(client, bob))
    assert set(alice_events) == {f"interview-{mine['id']}@interview-tracker"}
    assert set(bob_events) == {f"interview-{theirs['id']}@interview-tracker"}


async def test_tokens_are_shown_once_rotated_and_revoked(client: httpx.AsyncClient, alice: UserCtx) -> None:
    assert_problem(await client.post("/api/calendar/feed"), 401)
    r = await client.get("/api/calendar/feed", headers=alice.headers)
    assert r.json() == {"active": False, "created_at": None, "content_changed_at": None}

    first = await _feed_url(client, alice)
    assert (await client.get(first)).status_code == 200
    r = await client.get("/api/calendar/feed", headers=alice.headers)
    assert r.json()["active"] is True and "url" not in r.json()

    second = await _feed_url(client, alice)  # a new URL: the old one stops working
    assert second != first
    assert_problem(await client.get(first), 404)
    assert (await client.get(second)).status_code == 200

    assert (await client.delete("/api/calendar/feed", headers=alice.headers)).status_code == 204
    assert_problem(await client.get(second), 404)
    assert (await client.delete("/api/calendar/feed", headers=alice.headers)).status_code == 204
    assert_problem(await client.get("/api/calendar/not-a-token.ics"), 404)
    assert (await client.get("/api/calendar/feed", headers=alice.headers)).json()["active"] is False


async def test_conditional_gets_and_sequence(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"], interview_date=_in(3).isoformat())
    url = await _feed_url(client, alice)
    uid = f"interview-{i['id']}@interview-tracker"

    first = await client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and first.headers["cache-control"] == "private, no-cache"
    sequence = (await _events(client, url))[uid].decoded("SEQUENCE")

    r = await client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["etag"] == etag and r.headers["last-modified"] == modified
    assert (await client.get(url, headers={"If-Modified-Since": modified})).status_code == 304
    assert (await client.get(url, headers={"If-None-Match": '"other"'})).status_code == 200

    r = await client.patch(
        f"/api/interviews/{i['id']}", json={"interview_date": _in(4).isoformat()}, headers=alice.headers
    )
    assert r.status_code == 200, r.text
    changed = await client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert _http(changed.headers["last-modified"]) > _http(modified)
    assert (await client.get(url, headers={"If-Modified-Since": modified})).status_code == 200
    later = (await _events(client, url))[uid].decoded("SEQUENCE")
    assert later > sequence

    # Changes to a round raise its SEQUENCE too.
    r = await client.post(
        f"/api/interviews/{i['id']}/rounds", json={"round_date": _in(5).isoformat()}, headers=alice.headers
    )
    round_uid = f"round-{r.json()['id']}@interview-tracker"
    before = (await _events(client, url))[round_uid].decoded("SEQUENCE")
    r = await client.patch(
        f"/api/interviews/{i['id']}/rounds/{r.json()['id']}",
        json={"round_date": _in(6).isoformat()},
        headers=alice.headers,
    )
    assert r.status_code == 200, r.text
    assert (await _events(client, url))[round_uid].decoded("SEQUENCE") > before


def _http(value: str) -> datetime:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(value)
