"""CSV export and import of interviews and questions: tolerant, idempotent, all or nothing,
and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests import factories as f
from tests.conftest import UserCtx, assert_problem

# Written the way people keep them: odd headers, a column we do not know, blank lines, dates in
# four forms, a multi-line cell, and a bad date on spreadsheet row 7 (the header is row 1).
MESSY = (
    " Employer ,Job Title,Interview Date,STATUS,Remote?,Score,Comments,Favourite colour\r\n"
    "Acme,Backend Engineer,2026-12-01 15:00,Scheduled,yes,,Panel of three,blue\r\n"
    "\r\n"
    "globex,,03/04/2026,Completed,no,8,fine,\r\n"
    "Initech,SRE,46000,No show,,,,\r\n"
    "Acme,Backend Engineer,5 Jan 2026 2:30 PM,rescheduled,TRUE,6,,\r\n"
    "Hooli,PM,31/31/2026,scheduled,,,,\r\n"
    ",,,,,,,\r\n"
    'Umbrella,,"Dec 3, 2026",cancelled,n,3,"two\nlines",\r\n'
)
FIXED = MESSY.replace("31/31/2026", "31.12.2026")


def _upload(text: str | bytes, name: str = "interviews.csv") -> dict[str, Any]:
    data = text.encode() if isinstance(text, str) else text
    return {"file": (name, data, "text/csv")}


async def _import(
    client: httpx.AsyncClient, user: UserCtx, kind: str, text: str | bytes, **params: Any
) -> httpx.Response:
    return await client.post(
        f"/api/{kind}/import.csv", files=_upload(text), params=params, headers=user.headers
    )


async def _rows(client: httpx.AsyncClient, user: UserCtx, kind: str, **params: Any) -> list[dict[str, str]]:
    r = await client.get(f"/api/{kind}/export.csv", params=params, headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


async def _total(client: httpx.AsyncClient, user: UserCtx, path: str) -> int:
    r = await client.get(path, headers=user.headers)
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


async def test_messy_spreadsheet_dry_run_names_row_7(client: httpx.AsyncClient, alice: UserCtx) -> None:
    r = await _import(client, alice, "interviews", MESSY, dry_run="true")
    assert r.status_code == 200, r.text
    report = r.json()
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(7, "Interview Date")]
    assert "31/31/2026" in report["errors"][0]["message"]
    assert report["created"] == {}
    assert report["ignored_columns"] == ["Favourite colour"]
    assert await _total(client, alice, "/api/interviews") == 0


async def test_messy_spreadsheet_real_run_writes_nothing(client: httpx.AsyncClient, alice: UserCtx) -> None:
    body = assert_problem(await _import(client, alice, "interviews", MESSY), 422)
    assert "row 7" in body["detail"]
    assert body["errors"][0]["row"] == 7
    assert await _total(client, alice, "/api/interviews") == 0
    assert await _total(client, alice, "/api/companies") == 0


async def test_messy_spreadsheet_imports_once(client: httpx.AsyncClient, alice: UserCtx) -> None:
    await f.company(client, alice, "Globex")
    r = await _import(client, alice, "interviews", FIXED, dry_run="true")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == {"interviews": 6, "companies": 4, "roles": 3}
    assert await _total(client, alice, "/api/interviews") == 0

    r = await _import(client, alice, "interviews", FIXED)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == {"interviews": 6, "companies": 4, "roles": 3}
    assert r.json()["rows"] == 6 and r.json()["skipped"] == 0

    rows = await _rows(client, alice, "interviews")
    by_company = {(row["company_name"], row["interview_date"]): row for row in rows}
    acme = by_company[("Acme", "2026-12-01T15:00:00Z")]
    assert acme["role_title"] == "Backend Engineer" and acme["is_remote"] == "true"
    assert acme["interview_status"] == "scheduled" and acme["notes"] == "Panel of three"
    assert by_company[("Acme", "2026-01-05T14:30:00Z")]["overall_rating"] == "6"
    assert by_company[("Globex", "2026-03-04T00:00:00Z")]["overall_rating"] == "8"  # reused, month first
    assert by_company[("Initech", "2025-12-09T00:00:00Z")]["interview_status"] == "no_show"  # serial 46000
    assert by_company[("Hooli", "2026-12-31T00:00:00Z")]["role_title"] == "PM"
    assert by_company[("Umbrella", "2026-12-03T00:00:00Z")]["notes"] == "two\nlines"
    assert await _total(client, alice, "/api/companies") == 5

    # The same file again creates nothing.
    r = await _import(client, alice, "interviews", FIXED)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == {"interviews": 0, "companies": 0, "roles": 0}
    assert r.json()["skipped"] == 6
    assert await _total(client, alice, "/api/interviews") == 6


async def test_semicolons_bom_and_missing_company_column(client: httpx.AsyncClient, alice: UserCtx) -> None:
    text = "\ufeffcompany_name;Date;Type\r\nAcme;2026-02-01;Mock\r\n"
    r = await _import(client, alice, "interviews", text.encode("utf-8"))
    assert r.status_code == 200, r.text
    rows = await _rows(client, alice, "interviews")
    assert rows[0]["company_name"] == "Acme" and rows[0]["interview_type"] == "mock"
    body = assert_problem(await _import(client, alice, "interviews", "Role,Date\r\nPM,2026-01-01\r\n"), 422)
    assert "company" in body["detail"].lower() and "row 1" in body["detail"].lower()


async def test_export_escapes_formulas_and_round_trips(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice, "=cmd|' /C calc'!A0")
    evil = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1"]
    for i, text in enumerate(evil):
        await f.interview(client, alice, c["id"], notes=text, interview_date=f"2026-0{i + 1}-01T10:00:00Z")
    r = await client.get("/api/interviews/export.csv", headers=alice.headers)
    raw = r.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(raw)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t")]
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert {row["notes"] for row in rows} == {"'" + t for t in evil}
    assert rows[0]["company_name"] == "'=cmd|' /C calc'!A0"

    # The escaped file imports back as the original text, and into the same account as nothing new.
    r = await _import(client, alice, "interviews", raw)
    assert r.status_code == 200, r.text
    assert r.json()["created"]["interviews"] == 0 and r.json()["skipped"] == 5
    r = await _import(client, bob, "interviews", raw)
    assert r.status_code == 200, r.text
    notes = {row["notes"] for row in await _rows(client, bob, "interviews")}
    assert notes == {"'" + t for t in evil}  # bob's export escapes them again …
    items = (await client.get("/api/interviews", headers=bob.headers)).json()["items"]
    assert {i["notes"] for i in items} == set(evil)  # … but they are stored as written
    assert {i["company"]["company_name"] for i in items} == {"=cmd|' /C calc'!A0"}


async def test_export_applies_list_filters_and_shows_timeline(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    c = await f.company(client, alice, "Acme")
    done = await f.interview(client, alice, c["id"], notes="done")
    await f.interview(client, alice, c["id"], notes="pending")
    r = await client.patch(
        f"/api/interviews/{done['id']}",
        json={"interview_status": "completed", "outcome": "offer"},
        headers=alice.headers,
    )
    assert r.status_code == 200, r.text
    await f.interview(client, bob, (await f.company(client, bob, "BobCo"))["id"], notes="bob's")

    rows = await _rows(client, alice, "interviews", interview_status="completed")
    assert [row["notes"] for row in rows] == ["done"]
    timeline = rows[0]["status_timeline"]
    assert " scheduled; " in timeline and timeline.endswith(" completed (offer)")
    assert {row["notes"] for row in await _rows(client, alice, "interviews")} == {"done", "pending"}
    assert_problem(await client.get("/api/interviews/export.csv?colour=red", headers=alice.headers), 422)
    # The /{id} routes still answer.
    assert (await client.get(f"/api/interviews/{done['id']}", headers=alice.headers)).status_code == 200


QUESTIONS = (
    "Question,Category,Difficulty,Tags,Employer,Skills,Answer\r\n"
    'Design   a URL shortener,System Design,hard,"scale; storage",Acme,"Python, Databases",Hash it\r\n'
    "\r\n"
    "Tell me about a conflict,behavioral,easy,,,,\r\n"
    "Reverse a list,coding,impossible,,,,\r\n"
)


async def test_questions_import_is_tolerant_all_or_nothing_and_idempotent(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    r = await _import(client, alice, "questions", QUESTIONS, dry_run="true")
    assert r.status_code == 200, r.text
    assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(5, "Difficulty")]
    assert_problem(await _import(client, alice, "questions", QUESTIONS), 422)
    assert await _total(client, alice, "/api/questions") == 0

    fixed = QUESTIONS.replace("impossible", "medium")
    r = await _import(client, alice, "questions", fixed)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == {"questions": 3, "companies": 1, "skills": 2}
    rows = await _rows(client, alice, "questions", question_category="system_design")
    assert len(rows) == 1
    assert rows[0]["tags"] == "scale, storage" and rows[0]["company_name"] == "Acme"
    assert rows[0]["skills"] == "Databases, Python" and rows[0]["sample_answer"] == "Hash it"

    # Again, with different spacing and case: nothing new.
    again = fixed.replace("Design   a URL shortener", "design a url  shortener")
    r = await _import(client, alice, "questions", again)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == {"questions": 0, "companies": 0, "skills": 0}
    assert r.json()["skipped"] == 3
    # The export imports back as nothing new either.
    exported = (await client.get("/api/questions/export.csv", headers=alice.headers)).content
    r = await _import(client, alice, "questions", exported)
    assert r.status_code == 200, r.text
    assert r.json()["skipped"] == 3 and r.json()["created"]["questions"] == 0


async def test_size_and_row_limits_are_413(client: httpx.AsyncClient, alice: UserCtx) -> None:
    many = "Company\r\n" + "Acme\r\n" * 5001
    body = assert_problem(await _import(client, alice, "interviews", many), 413)
    assert "5000" in body["detail"]
    huge = "Question\r\n" + ("x" * 1000 + "\r\n") * 1100
    assert_problem(await _import(client, alice, "questions", huge), 413)
    assert await _total(client, alice, "/api/companies") == 0


async def test_dates_outside_the_accepted_range_are_row_errors(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    # Converting 0001-01-01 01:00 +01:00 to UTC overflows; 1850 is before the accepted range.
    sheet = (
        "Company,Interview Date\r\nAcme,2026-12-01\r\nAcme,0001-01-01T00:00:00+01:00\r\nAcme,1850-01-01\r\n"
    )
    r = await _import(client, alice, "interviews", sheet, dry_run="true")
    assert r.status_code == 200, r.text
    assert [e["row"] for e in r.json()["errors"]] == [3, 4]
    assert await _total(client, alice, "/api/interviews") == 0
