"""Interviews and questions as spreadsheets: streamed CSV exports (formula cells escaped) and
tolerant, idempotent, all-or-nothing imports with per-row errors. Never commits.

Natural keys (what makes a second import of the same file a no-op):
- an interview: its company (by name, case-insensitive), role title (or none) and date (or none);
- a question: its text, ignoring case and runs of whitespace.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import UploadFile
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.errors import AppError, PayloadTooLarge
from app.interviews import listing
from app.interviews.history import history_for, record_status, timeline_text
from app.interviews.listing import InterviewFilters
from app.interviews.schemas import InterviewCreate
from app.kit.schemas import as_utc
from app.models import Company, Interview, Question, Role, Skill, question_skills
from app.questions.schemas import QuestionCreate
from app.questions.service import QuestionFilters
from app.transfer.export import iso

MAX_CSV_BYTES = 1024 * 1024
MAX_CSV_ROWS = 5000
MAX_ROW_ERRORS = 200
BATCH = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- export ------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading ``= + - @`` (or tab, CR) would make Excel
    or LibreOffice run it as a formula (CSV injection), so it gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _unescape(value: str) -> str:
    """Undo ``safe_cell`` on import, so an exported file imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class _CsvChunks:
    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def rows(self, rows: Iterable[Iterable[Any]]) -> str:
        for row in rows:
            self.writer.writerow([safe_cell(v) for v in row])
        out = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return out


INTERVIEW_COLUMNS = [
    "id",
    "interview_date",
    "company_name",
    "role_title",
    "seniority_level",
    "interview_type",
    "interview_status",
    "outcome",
    "is_remote",
    "location",
    "duration_minutes",
    "interviewer_names",
    "overall_rating",
    "notes",
    "feedback",
    "status_timeline",
    "created_at",
    "updated_at",
]


async def export_interviews(
    maker: async_sessionmaker[AsyncSession], owner_id: int, filters: InterviewFilters
) -> AsyncIterator[str]:
    """The filtered interviews, newest first, read through a server-side cursor in batches."""
    conditions, params, _ = listing.where_sql(owner_id, filters)
    sql = f"""
        SELECT i.id, i.interview_date, c.company_name, r.role_title, i.seniority_level::text,
               i.interview_type::text, i.interview_status::text, i.outcome::text, i.is_remote,
               i.location, i.duration_minutes, i.interviewer_names, i.overall_rating, i.notes,
               i.feedback, i.created_at, i.updated_at
        FROM interviews i JOIN companies c ON c.id = i.company_id LEFT JOIN roles r ON r.id = i.role_id
        WHERE {" AND ".join(conditions)}
        ORDER BY coalesce(i.interview_date, '-infinity'::timestamptz) DESC, i.id DESC
    """
    out = _CsvChunks()
    yield "\ufeff" + out.rows([INTERVIEW_COLUMNS])  # the BOM tells Excel the file is UTF-8
    async with maker() as session:
        # One snapshot; and asyncpg cursors need the transaction this statement opens.
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        connection = await session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        cursor = await raw.cursor(sql, *params)
        while rows := await cursor.fetch(BATCH):
            timelines = await history_for(session, owner_id, [r["id"] for r in rows])
            yield out.rows(
                [*list(r.values())[:15], timeline_text(timelines[r["id"]]), r["created_at"], r["updated_at"]]
                for r in rows
            )
        await session.rollback()


QUESTION_COLUMNS = [
    "id",
    "question_text",
    "question_category",
    "question_difficulty",
    "tags",
    "company_name",
    "skills",
    "sample_answer",
    "notes",
    "source",
    "created_at",
    "updated_at",
]


async def export_questions(
    maker: async_sessionmaker[AsyncSession], owner_id: int, filters: QuestionFilters
) -> AsyncIterator[str]:
    stmt = (
        select(
            Question.id,
            Question.question_text,
            Question.question_category,
            Question.question_difficulty,
            Question.tags,
            Company.company_name,
            Question.sample_answer,
            Question.notes,
            Question.source,
            Question.created_at,
            Question.updated_at,
        )
        .outerjoin(Company, Company.id == Question.company_id)
        .where(Question.owner_id == owner_id, *filters.conditions())
        .order_by(Question.created_at.desc(), Question.id.desc())
        .execution_options(yield_per=BATCH)
    )
    out = _CsvChunks()
    yield "\ufeff" + out.rows([QUESTION_COLUMNS])
    async with maker() as session:
        result = await session.stream(stmt, filters.params())
        async for batch in result.partitions():
            skills = await _skill_names(session, [r.id for r in batch])
            yield out.rows(
                [
                    r.id,
                    r.question_text,
                    r.question_category.value,
                    r.question_difficulty.value,
                    ", ".join(r.tags),
                    r.company_name,
                    ", ".join(skills.get(r.id, [])),
                    r.sample_answer,
                    r.notes,
                    r.source,
                    r.created_at,
                    r.updated_at,
                ]
                for r in batch
            )
        await session.rollback()


async def _skill_names(session: AsyncSession, question_ids: list[int]) -> dict[int, list[str]]:
    stmt = (
        select(question_skills.c.question_id, Skill.skill_name)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .where(question_skills.c.question_id.in_(question_ids), Skill.deleted_at.is_(None))
        .order_by(question_skills.c.question_id, func.lower(Skill.skill_name))
    )
    out: dict[int, list[str]] = {}
    for qid, name in (await session.execute(stmt)).all():
        out.setdefault(qid, []).append(name)
    return out


# --- reading a spreadsheet ---------------------------------------------------------------


class RowError(BaseModel):
    row: int
    field: str
    message: str
    type: str = "value_error"


class CsvImportReport(BaseModel):
    dry_run: bool
    rows: int = 0
    created: dict[str, int] = {}
    skipped: int = 0
    errors: list[RowError] = []
    ignored_columns: list[str] = []


class CsvInvalid(AppError):
    status = 422
    title = "Validation failed"

    def __init__(self, errors: list[RowError], detail: str | None = None) -> None:
        first = errors[0]
        super().__init__(
            detail
            or f"{len(errors)} error(s), the first on row {first.row} ({first.field}: {first.message}). "
            "Nothing was imported.",
            extra={"errors": [e.model_dump() for e in errors]},
        )


async def read_upload(file: UploadFile) -> bytes:
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise PayloadTooLarge(f"The file is larger than {MAX_CSV_BYTES} bytes; split it.")
    return data


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what Excel on Windows saves


def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass
class Sheet:
    """A parsed file: column index → field, and the data rows with their spreadsheet row numbers
    (the header is row 1 when it is the first line; blank lines count, as a spreadsheet shows them)."""

    columns: dict[str, int]
    headers: dict[str, str]
    rows: list[tuple[int, list[str]]]
    ignored: list[str] = field(default_factory=list)

    def cell(self, row: list[str], name: str) -> str:
        i = self.columns.get(name)
        return _unescape(row[i].strip()) if i is not None and i < len(row) else ""


def read_sheet(data: bytes, aliases: dict[str, set[str]], required: str) -> Sheet:
    content = _decode(data)
    lines = [line for line in content.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    delimiter = max(",;\t", key=first.count)
    records = list(enumerate(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter), start=1))
    records = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
    if not records:
        raise CsvInvalid([RowError(row=1, field="file", message="the file is empty")])
    header_row, header = records[0]
    lookup = {alias: name for name, names in aliases.items() for alias in names}
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for i, title in enumerate(header):
        name = lookup.get(header_key(title))
        if name is None or name in columns:
            if title.strip():
                ignored.append(title.strip())
            continue
        columns[name], headers[name] = i, title.strip()
    if required not in columns:
        raise CsvInvalid(
            [RowError(row=header_row, field=required, message="no column for it in the header")],
            f"Row {header_row} (the header) has no {required} column; "
            f"name one of: {', '.join(sorted(aliases[required]))}.",
        )
    rows = records[1:]
    if len(rows) > MAX_CSV_ROWS:
        raise PayloadTooLarge(f"The file has {len(rows)} rows; at most {MAX_CSV_ROWS} per import.")
    return Sheet(columns, headers, rows, ignored)


def _choice(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().lower())


_TRUE = {"true", "yes", "y", "1", "remote", "x", "✓"}
_FALSE = {"false", "no", "n", "0", "onsite", "on_site", "in_person", "office"}


def parse_bool(value: str) -> bool:
    v = _choice(value)
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError("expected yes/no or true/false")


_DAY_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
_TIME_FORMATS = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I %p")
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)


def parse_datetime(value: str) -> datetime:
    """ISO 8601, a spreadsheet's serial number, or a common written form (month first when both
    fit, as US spreadsheets write it: 03/04/2026 is March 4th; 13/04/2026 is April 13th).
    Without a zone the time is UTC."""
    v = " ".join(value.replace(",", ", ").split()).replace(" ,", ",")
    if re.fullmatch(r"\d{5}(\.\d+)?", v):
        return as_utc(EXCEL_EPOCH + timedelta(days=float(v)))
    try:
        parsed = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        for day in _DAY_FORMATS:
            for time in _TIME_FORMATS:
                try:
                    parsed = datetime.strptime(v, day + time)
                    break
                except ValueError:
                    continue
            if parsed is not None:
                break
    if parsed is None:
        raise ValueError(f"{value!r} is not a date (use 2026-12-31 or 2026-12-31 15:00)")
    return as_utc(parsed)  # naive means UTC; out-of-range (or overflowing) values are refused


def _pydantic_errors(exc: ValidationError, row: int, headers: dict[str, str]) -> list[RowError]:
    out = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "row"
        out.append(RowError(row=row, field=headers.get(name, name), message=err["msg"]))
    return out


@dataclass
class _Parsed:
    row: int
    values: dict[str, Any]
    refs: dict[str, str]


def _parse_rows(
    sheet: Sheet,
    fields: list[str],
    converters: dict[str, Callable[[str], Any]],
    refs: list[str],
    schema: type[BaseModel],
    placeholders: dict[str, Any],
) -> tuple[list[_Parsed], list[RowError]]:
    """Each row's values checked by the API's own create schema; every error with its row."""
    parsed: list[_Parsed] = []
    errors: list[RowError] = []
    for number, row in sheet.rows:
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for name in fields:
            cell = sheet.cell(row, name)
            if not cell:
                continue
            try:
                values[name] = converters[name](cell) if name in converters else cell
            except ValueError as exc:
                row_errors.append(RowError(row=number, field=sheet.headers[name], message=str(exc)))
        ref_values = {name: sheet.cell(row, name) for name in refs}
        try:
            checked = schema.model_validate({**values, **placeholders}).model_dump()
        except ValidationError as exc:
            row_errors += _pydantic_errors(exc, number, sheet.headers)
            checked = {}
        if row_errors:
            errors += row_errors
        else:
            parsed.append(_Parsed(number, {k: checked[k] for k in values}, ref_values))
    return parsed, errors[:MAX_ROW_ERRORS]


def _enum(value: str) -> str:
    return _choice(value)


def _int(value: str) -> int:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


# --- live rows looked up and created by name ---------------------------------------------


async def _companies(
    session: AsyncSession, owner_id: int, names: Iterable[str]
) -> tuple[dict[str, int], int]:
    """Live companies by lower-cased name, creating the missing ones; and how many were created."""
    wanted = {n.lower(): n for n in names if n}
    stmt = select(func.lower(Company.company_name), Company.id).where(
        Company.owner_id == owner_id,
        Company.deleted_at.is_(None),
        func.lower(Company.company_name).in_(list(wanted)),
    )
    found: dict[str, int] = {k: v for k, v in (await session.execute(stmt)).all()}
    new = [Company(owner_id=owner_id, company_name=wanted[k]) for k in wanted if k not in found]
    session.add_all(new)
    await session.flush()
    found |= {c.company_name.lower(): c.id for c in new}
    return found, len(new)


async def _skills(session: AsyncSession, owner_id: int, names: Iterable[str]) -> tuple[dict[str, int], int]:
    wanted = {n.lower(): n for n in names if n}
    stmt = select(func.lower(Skill.skill_name), Skill.id).where(
        Skill.owner_id == owner_id, Skill.deleted_at.is_(None), func.lower(Skill.skill_name).in_(list(wanted))
    )
    found: dict[str, int] = {k: v for k, v in (await session.execute(stmt)).all()}
    new = [Skill(owner_id=owner_id, skill_name=wanted[k]) for k in wanted if k not in found]
    session.add_all(new)
    await session.flush()
    found |= {s.skill_name.lower(): s.id for s in new}
    return found, len(new)


async def _roles(
    session: AsyncSession, owner_id: int, wanted: set[tuple[int, str, Any]]
) -> tuple[dict[tuple[int, str, Any], int], int]:
    """(company id, title, seniority) → a live role of that company with that title (ignoring
    case; the same seniority preferred), created when there is none."""
    company_ids = {c for c, _, _ in wanted}
    stmt = select(Role.id, Role.company_id, Role.role_title, Role.seniority_level).where(
        Role.owner_id == owner_id, Role.deleted_at.is_(None), Role.company_id.in_(company_ids)
    )
    existing = (await session.execute(stmt.order_by(Role.id))).all()
    out: dict[tuple[int, str, Any], int] = {}
    new: dict[tuple[int, str, Any], Role] = {}
    for key in wanted:
        company_id, title, level = key
        same = [r for r in existing if r.company_id == company_id and r.role_title.lower() == title.lower()]
        best = next((r for r in same if r.seniority_level == level), same[0] if same else None)
        if best is not None:
            out[key] = best.id
        else:
            twin = next((k for k in new if k[0] == company_id and k[1].lower() == title.lower()), None)
            new[key] = (
                new[twin]
                if twin
                else Role(owner_id=owner_id, company_id=company_id, role_title=title, seniority_level=level)
            )
    roles = list({id(r): r for r in new.values()}.values())
    session.add_all(roles)
    await session.flush()
    out |= {k: r.id for k, r in new.items()}
    return out, len(roles)


# --- interviews --------------------------------------------------------------------------

INTERVIEW_ALIASES: dict[str, set[str]] = {
    "company": {"company", "company_name", "employer", "organisation", "organization", "firm", "client"},
    "role": {"role", "role_title", "position", "job_title", "title", "job", "role_name"},
    "interview_date": {
        "interview_date",
        "date",
        "when",
        "scheduled",
        "scheduled_at",
        "date_time",
        "datetime",
    },
    "seniority_level": {"seniority_level", "seniority", "level"},
    "interview_type": {"interview_type", "type", "kind"},
    "interview_status": {"interview_status", "status", "stage"},
    "outcome": {"outcome", "result"},
    "is_remote": {"is_remote", "remote", "virtual"},
    "location": {"location", "place", "city"},
    "duration_minutes": {
        "duration_minutes",
        "duration",
        "minutes",
        "length",
        "duration_min",
        "duration_mins",
    },
    "interviewer_names": {"interviewer_names", "interviewers", "interviewer", "panel"},
    "overall_rating": {"overall_rating", "rating", "score"},
    "notes": {"notes", "note", "comments", "comment"},
    "feedback": {"feedback"},
}
INTERVIEW_FIELDS = [f for f in INTERVIEW_ALIASES if f not in ("company", "role")]
INTERVIEW_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "interview_date": parse_datetime,
    "seniority_level": _enum,
    "interview_type": _enum,
    "interview_status": _enum,
    "outcome": _enum,
    "is_remote": parse_bool,
    "duration_minutes": _int,
    "overall_rating": _int,
}


def _finish(report: CsvImportReport, errors: list[RowError], dry_run: bool) -> CsvImportReport:
    if errors and not dry_run:
        raise CsvInvalid(errors)
    report.errors = errors
    return report


async def import_interviews(
    session: AsyncSession, owner_id: int, data: bytes, *, dry_run: bool
) -> CsvImportReport:
    sheet = read_sheet(data, INTERVIEW_ALIASES, "company")
    parsed, errors = _parse_rows(
        sheet, INTERVIEW_FIELDS, INTERVIEW_CONVERTERS, ["company", "role"], InterviewCreate, {"company_id": 1}
    )
    for p in parsed:
        if not p.refs["company"]:
            errors.append(
                RowError(row=p.row, field=sheet.headers["company"], message="a company is required")
            )
        elif len(p.refs["company"]) > 200 or len(p.refs["role"]) > 200:
            errors.append(
                RowError(row=p.row, field="company/role", message="names are at most 200 characters")
            )
    errors.sort(key=lambda e: e.row)
    report = CsvImportReport(dry_run=dry_run, rows=len(sheet.rows), ignored_columns=sheet.ignored)
    if errors:
        return _finish(report, errors, dry_run)

    savepoint = await session.begin_nested()
    companies, n_companies = await _companies(session, owner_id, (p.refs["company"] for p in parsed))
    role_keys = {
        (companies[p.refs["company"].lower()], p.refs["role"], p.values.get("seniority_level"))
        for p in parsed
        if p.refs["role"]
    }
    roles, n_roles = await _roles(session, owner_id, role_keys)
    existing_stmt = select(Interview.company_id, Interview.role_id, Interview.interview_date).where(
        Interview.owner_id == owner_id,
        Interview.deleted_at.is_(None),
        Interview.company_id.in_(set(companies.values())),
    )
    seen = set((await session.execute(existing_stmt)).tuples().all())
    created: list[Interview] = []
    for p in parsed:
        company_id = companies[p.refs["company"].lower()]
        role_id = (
            roles[(company_id, p.refs["role"], p.values.get("seniority_level"))] if p.refs["role"] else None
        )
        key = (company_id, role_id, p.values.get("interview_date"))
        if key in seen:
            report.skipped += 1
            continue
        seen.add(key)
        created.append(Interview(owner_id=owner_id, company_id=company_id, role_id=role_id, **p.values))
    session.add_all(created)
    await session.flush()
    for interview in created:
        record_status(session, interview)
    await session.flush()
    report.created = {"interviews": len(created), "companies": n_companies, "roles": n_roles}
    await (savepoint.rollback() if dry_run else savepoint.commit())
    return report


# --- questions ---------------------------------------------------------------------------

QUESTION_ALIASES: dict[str, set[str]] = {
    "question_text": {"question_text", "question", "text", "prompt"},
    "question_category": {"question_category", "category", "type"},
    "question_difficulty": {"question_difficulty", "difficulty", "level"},
    "tags": {"tags", "tag", "labels", "keywords"},
    "company": {"company", "company_name", "employer", "organisation", "organization"},
    "skills": {"skills", "skill", "skill_names"},
    "sample_answer": {"sample_answer", "answer", "model_answer", "my_answer"},
    "notes": {"notes", "note", "comments", "comment"},
    "source": {"source", "from"},
}
QUESTION_FIELDS = [
    "question_text",
    "question_category",
    "question_difficulty",
    "tags",
    "sample_answer",
    "notes",
    "source",
]


def _list(value: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,;]", value) if t.strip()]


QUESTION_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "question_category": _enum,
    "question_difficulty": _enum,
    "tags": _list,
}


def question_key(text: str) -> str:
    return " ".join(text.split()).lower()


async def import_questions(
    session: AsyncSession, owner_id: int, data: bytes, *, dry_run: bool
) -> CsvImportReport:
    sheet = read_sheet(data, QUESTION_ALIASES, "question_text")
    parsed, errors = _parse_rows(
        sheet, QUESTION_FIELDS, QUESTION_CONVERTERS, ["company", "skills"], QuestionCreate, {}
    )
    for p in parsed:
        names = [p.refs["company"], *_list(p.refs["skills"])]
        if any(len(n) > 100 for n in names[1:]) or len(names[0]) > 200:
            errors.append(RowError(row=p.row, field="company/skills", message="a name is too long"))
    errors.sort(key=lambda e: e.row)
    report = CsvImportReport(dry_run=dry_run, rows=len(sheet.rows), ignored_columns=sheet.ignored)
    if errors:
        return _finish(report, errors, dry_run)

    savepoint = await session.begin_nested()
    normalised = func.lower(func.regexp_replace(func.btrim(Question.question_text), r"\s+", " ", "g"))
    keys = {question_key(p.values["question_text"]) for p in parsed}
    stmt = select(normalised).where(
        Question.owner_id == owner_id, Question.deleted_at.is_(None), normalised.in_(list(keys))
    )
    seen = set((await session.execute(stmt)).scalars().all())
    todo = []
    for p in parsed:
        key = question_key(p.values["question_text"])
        if key in seen:
            report.skipped += 1
            continue
        seen.add(key)
        todo.append(p)
    companies, n_companies = await _companies(session, owner_id, (p.refs["company"] for p in todo))
    skills, n_skills = await _skills(session, owner_id, (s for p in todo for s in _list(p.refs["skills"])))
    questions = [
        Question(
            owner_id=owner_id,
            company_id=companies[p.refs["company"].lower()] if p.refs["company"] else None,
            **p.values,
        )
        for p in todo
    ]
    session.add_all(questions)
    await session.flush()
    links = [
        {"question_id": q.id, "skill_id": skill_id}
        for q, p in zip(questions, todo, strict=True)
        for skill_id in dict.fromkeys(skills[s.lower()] for s in _list(p.refs["skills"]))
    ]
    if links:
        await session.execute(question_skills.insert(), links)
    report.created = {"questions": len(questions), "companies": n_companies, "skills": n_skills}
    await (savepoint.rollback() if dry_run else savepoint.commit())
    return report
