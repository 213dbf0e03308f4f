"""Export and import: the whole account as JSON, interviews and questions as CSV.

The CSV routes live under /api/interviews and /api/questions; this router is included before
those routers so ``export.csv`` is never read as an ``/{id}``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import File, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.errors import PayloadTooLarge, UnsupportedMediaType
from app.interviews.router import FiltersDep as InterviewFiltersDep
from app.kit.responses import problems
from app.kit.routing import Router
from app.questions.router import FiltersDep as QuestionFiltersDep
from app.transfer import csv_io, imports
from app.transfer.export import export_document
from app.transfer.imports import ImportReport

router = Router(tags=["export and import"])

MAX_IMPORT_BYTES = 64 * 1024 * 1024
DryRun = Annotated[
    bool, Query(description="Check everything and report what would be created; write nothing.")
]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


@router.get(
    "/api/export",
    summary="Export everything you own",
    responses={200: {"content": {"application/json": {}}}, **problems(401, 422)},
    response_class=StreamingResponse,
)
async def export_all(request: Request, user: CurrentUser) -> StreamingResponse:
    """Everything you own as one versioned JSON document (`format`, `version`, `exported_at`,
    `tables`): companies, roles, skills, CV versions, questions, interviews with their rounds,
    questions, skills and status timeline, practice, skill gaps, your skills, conversations,
    graded attempts and the review schedule. Ids are the document's own; `POST /api/import`
    remaps them. Credentials (API keys, calendar feed URLs) are never exported. Streamed."""
    body = export_document(request.app.state.sessionmaker, user.id)
    return StreamingResponse(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="interview-tracker-{_stamp()}.json"'},
    )


async def _read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The document is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "description": "An export document"}}},
    }
}


@router.post(
    "/api/import",
    response_model=ImportReport,
    summary="Import an export document",
    responses=problems(401, 413, 415, 422),
    openapi_extra=IMPORT_BODY,
)
async def import_all(
    request: Request, session: SessionDep, user: CurrentUser, dry_run: DryRun = False
) -> ImportReport:
    """Import a document from `GET /api/export` (this account or another): every row is created
    for you with new ids and its references remapped. Companies, roles, skills and CV versions
    whose name you already use are reused rather than duplicated. All or nothing: any invalid
    value or dangling reference is a 422 naming its path (`tables.interviews[3].company_id`) and
    nothing is written. `dry_run=true` reports what would be created."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType(
            f"Send the document as application/json; the request sent {media or 'none'}."
        )
    doc = imports.parse(await _read_body(request, MAX_IMPORT_BYTES))
    return await imports.import_document(session, user.id, doc, dry_run=dry_run)


def _csv_response(body: Any, name: str) -> StreamingResponse:
    return StreamingResponse(
        body,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}-{_stamp()}.csv"'},
    )


CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}},
    **problems(401, 422),
}


@router.get(
    "/api/interviews/export.csv",
    summary="Export interviews as CSV",
    tags=["interviews"],
    responses=CSV_RESPONSES,
    response_class=StreamingResponse,
)
async def export_interviews_csv(
    request: Request, user: CurrentUser, filters: InterviewFiltersDep
) -> StreamingResponse:
    """Your interviews as a spreadsheet, newest first, with the same filters as the list
    (`company_id`, `interview_status`, `date_from`, `q`, …). One row per interview with its
    company, role and status timeline. Cells that a spreadsheet would run as a formula
    (starting with `=`, `+`, `-`, `@`) are prefixed with `'`. Streamed."""
    body = csv_io.export_interviews(request.app.state.sessionmaker, user.id, filters)
    return _csv_response(body, "interviews")


@router.get(
    "/api/questions/export.csv",
    summary="Export questions as CSV",
    tags=["questions"],
    responses=CSV_RESPONSES,
    response_class=StreamingResponse,
)
async def export_questions_csv(
    request: Request, user: CurrentUser, filters: QuestionFiltersDep
) -> StreamingResponse:
    """Your question bank as a spreadsheet, newest first, with the same filters as the list
    (`question_category`, `tags`, `company_id`, `skill_id`, `q`, …); formula-like cells are
    escaped. Streamed."""
    body = csv_io.export_questions(request.app.state.sessionmaker, user.id, filters)
    return _csv_response(body, "questions")


UploadDep = Annotated[UploadFile, File(description="A CSV file (UTF-8, comma, semicolon or tab separated).")]


@router.post(
    "/api/interviews/import.csv",
    response_model=csv_io.CsvImportReport,
    summary="Import interviews from CSV",
    tags=["interviews"],
    responses=problems(401, 413, 415, 422),
)
async def import_interviews_csv(
    file: UploadDep, session: SessionDep, user: CurrentUser, dry_run: DryRun = False
) -> csv_io.CsvImportReport:
    """Create interviews from a spreadsheet. Headers are matched loosely (`Company`,
    `company_name` or `Employer`; `Role`/`Position`; `Date`/`Interview date`; `Status`; `Type`;
    `Seniority`; `Outcome`; `Remote`; `Location`; `Duration`; `Interviewers`; `Rating`; `Notes`;
    `Feedback`); dates in ISO form, `12/31/2026`, `31.12.2026`, `31 Dec 2026` or spreadsheet
    serial numbers, optionally with a time (UTC). Companies and roles are created by name when
    missing. A row matching an interview you have (same company, role and date) is skipped,
    so importing a file twice creates nothing the second time. All or nothing: any bad row is
    a 422 listing every error with its row number (the header is row 1); `dry_run=true`
    returns the same errors, or what would be created, without writing."""
    data = await csv_io.read_upload(file)
    return await csv_io.import_interviews(session, user.id, data, dry_run=dry_run)


@router.post(
    "/api/questions/import.csv",
    response_model=csv_io.CsvImportReport,
    summary="Import questions from CSV",
    tags=["questions"],
    responses=problems(401, 413, 415, 422),
)
async def import_questions_csv(
    file: UploadDep, session: SessionDep, user: CurrentUser, dry_run: DryRun = False
) -> csv_io.CsvImportReport:
    """Add questions from a spreadsheet: `Question` (required), `Category`, `Difficulty`,
    `Tags` (comma or semicolon separated), `Company`, `Skills`, `Sample answer`, `Notes`,
    `Source`, matched loosely. Companies and skills are created by name when missing. A question
    whose text you already have (ignoring case and spacing) is skipped, so importing a file
    twice creates nothing the second time. All or nothing, with per-row errors; `dry_run=true`
    reports without writing."""
    data = await csv_io.read_upload(file)
    return await csv_io.import_questions(session, user.id, data, dry_run=dry_run)
