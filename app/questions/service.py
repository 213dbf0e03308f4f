"""The question bank. Never commits."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    cast,
    delete,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.db import DbOrSession, raw_connection
from app.errors import NotFound, Unprocessable
from app.kit import crud
from app.kit.compiled import CompiledSql, compile_sql
from app.kit.crud import apply_changes, check_refs, get_owned
from app.kit.etag import check_if_match
from app.kit.pagination import JsonPage, PageParams, SortOrder
from app.kit.search import FUZZY_MIN_LENGTH, has_exclusions, prefix_tsquery
from app.kit.sqljson import JsonDoc, etag, json_array, json_object, utc
from app.models import Company, Question, Skill, User, question_skills
from app.models.enums import QuestionCategory, QuestionDifficulty
from app.questions import schemas

# Skills in the trash are hidden from their questions (and back when restored).
LOAD = (selectinload(Question.skills.and_(Skill.deleted_at.is_(None))),)


@dataclass(frozen=True)
class SearchKind:
    """What a search text asks for: near misses (pg_trgm; not for short text or with exclusions)
    and full-text (when it has a word)."""

    fuzzy: bool
    full_text: bool


@dataclass(frozen=True)
class FilterShape:
    """Which filters are set (not their values): the statement's shape, compiled once."""

    deleted: bool = False
    question_category: bool = False
    question_difficulty: bool = False
    tags: bool = False
    company_id: bool = False
    skill_id: bool = False
    search: SearchKind | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE of this shape; the values are the binds ``QuestionFilters.params`` names."""
        out: list[ColumnElement[bool]] = [
            Question.deleted_at.is_not(None) if self.deleted else Question.deleted_at.is_(None)
        ]
        if self.question_category:
            out.append(Question.question_category == bindparam("question_category"))
        if self.question_difficulty:
            out.append(Question.question_difficulty == bindparam("question_difficulty"))
        if self.tags:
            out.append(Question.tags.op("&&")(bindparam("tags", type_=ARRAY(String(50)))))
        if self.company_id:
            out.append(Question.company_id == bindparam("company_id"))
        if self.skill_id:
            out.append(
                Question.id.in_(
                    select(question_skills.c.question_id).where(
                        question_skills.c.skill_id == bindparam("skill_id")
                    )
                )
            )
        if self.search:
            out.append(_search(self.search)[0])
        return out


@dataclass(frozen=True)
class QuestionFilters:
    question_category: QuestionCategory | None = None
    question_difficulty: QuestionDifficulty | None = None
    tags: list[str] = field(default_factory=list)
    company_id: int | None = None
    skill_id: int | None = None
    q: str | None = None
    deleted: bool = False

    def shape(self) -> FilterShape:
        text = self.q.strip() if self.q else ""
        search = None
        if self.q:
            # pg_trgm on very short text matches too much to be useful.
            fuzzy = len(text) >= FUZZY_MIN_LENGTH and not has_exclusions(text)
            search = SearchKind(fuzzy=fuzzy, full_text=prefix_tsquery(text) is not None)
        return FilterShape(
            deleted=self.deleted,
            question_category=bool(self.question_category),
            question_difficulty=bool(self.question_difficulty),
            tags=bool(self.tags),
            company_id=bool(self.company_id),
            skill_id=bool(self.skill_id),
            search=search,
        )

    def params(self) -> dict[str, Any]:
        """The values of the binds that ``conditions()`` and the search's ORDER BY use."""
        values: dict[str, Any] = {
            "question_category": self.question_category,
            "question_difficulty": self.question_difficulty,
            "tags": self.tags,
            "company_id": self.company_id,
            "skill_id": self.skill_id,
        }
        if self.q:
            values["q"] = self.q.strip()
            values["tsquery"] = prefix_tsquery(values["q"])
        return values

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE, with binds: run it with ``params()``."""
        return self.shape().conditions()


def _search(kind: SearchKind) -> tuple[ColumnElement[bool], list[Any]]:
    """Questions whose text, notes or sample answer hold every word as a word prefix (full-text,
    ranked by ts_rank_cd), or whose text is close to the query (pg_trgm, for typos): the
    condition, and the ORDER BY that puts full-text hits first, best first. The search text is
    the bind ``q``, its prefix tsquery the bind ``tsquery``."""
    text = bindparam("q", type_=String)
    similarity = func.word_similarity(text, Question.question_text)
    fuzzy = text.op("<%")(Question.question_text) if kind.fuzzy else false()
    if not kind.full_text:
        return fuzzy, [similarity.desc()]
    tsquery = func.to_tsquery("english", bindparam("tsquery", type_=String))
    hit = Question.search_vector.op("@@")(tsquery)
    rank = func.ts_rank_cd(Question.search_vector, tsquery)
    return or_(hit, fuzzy), [hit.desc(), rank.desc(), similarity.desc()]


SORT_COLUMNS: dict[str, Any] = {
    "created_at": Question.created_at,
    "updated_at": Question.updated_at,
    "question_difficulty": Question.question_difficulty,
    "question_category": Question.question_category,
    "question_text": func.lower(Question.question_text),
}


def _order(shape: FilterShape, sort_by: schemas.QuestionSort | None, sort_order: SortOrder) -> list[Any]:
    if sort_by is None:
        sort_by = schemas.QuestionSort.relevance if shape.search else schemas.QuestionSort.created_at
    if sort_by is schemas.QuestionSort.relevance:
        if shape.search:
            return [*_search(shape.search)[1], Question.id.desc()]
        return [Question.created_at.desc(), Question.id.desc()]  # relevance without a query: newest first
    column = SORT_COLUMNS[sort_by.value]
    if sort_order is SortOrder.desc:
        return [column.desc(), Question.id.desc()]
    return [column.asc(), Question.id.asc()]


# One question as the API shows it (QuestionRead's keys and order), skills in the trash hidden.
_SKILL = """
id s.id
skill_name s.skill_name
skill_category s.skill_category
"""
_SKILLS_OF_QUESTION = (
    "FROM question_skills qs JOIN skills s ON s.id = qs.skill_id AND s.deleted_at IS NULL "
    "WHERE qs.question_id = questions.id"
)
_QUESTION = f"""
id questions.id
question_text questions.question_text
question_category questions.question_category
question_difficulty questions.question_difficulty
tags questions.tags
company_id questions.company_id
sample_answer questions.sample_answer
notes questions.notes
source questions.source
skills {json_array(_SKILL, "s.id", _SKILLS_OF_QUESTION)}
created_at {utc("questions.created_at")}
updated_at {utc("questions.updated_at")}
deleted_at {utc("questions.deleted_at")}
"""
_QUESTION_JSON: ColumnElement[Any] = literal_column(json_object(_QUESTION))

# Where a question was asked (AskedIn), latest interview first, undated ones last.
_ASKED_IN = f"""
interview_id iq.interview_id
company_name c.company_name
interview_date {utc("i.interview_date")}
answer_quality_rating iq.answer_quality_rating
"""
_ASKED_IN_SOURCE = (
    "FROM interview_questions iq JOIN interviews i ON i.id = iq.interview_id AND i.deleted_at IS NULL "
    "JOIN companies c ON c.id = i.company_id WHERE iq.question_id = questions.id"
)

# The detail (QuestionDetail) and its ETag. $1 question, $2 owner.
DETAIL_SQL = f"""
SELECT {etag("questions")} AS etag, {
    json_object(
        _QUESTION,
        asked_in=json_array(_ASKED_IN, "i.interview_date DESC NULLS LAST, iq.id", _ASKED_IN_SOURCE),
    )
}::text AS doc
FROM questions WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL
"""


@functools.lru_cache(maxsize=512)
def page_sql(shape: FilterShape, sort_by: schemas.QuestionSort | None, sort_order: SortOrder) -> CompiledSql:
    """One statement for a page of the bank, compiled once per shape: PostgreSQL finds the
    page's ids (a top-N sort), counts the matches and writes the page's items (with their
    skills) in the same order as the API's JSON: (total, items as JSON text or NULL). Binds:
    ``owner_id``, ``limit``, ``offset`` and the filters' ``params()``."""
    where = [Question.owner_id == bindparam("owner_id"), *shape.conditions()]
    order = _order(shape, sort_by, sort_order)
    page_ids = (
        select(Question.id)
        .where(*where)
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    # The page's rows in the same order: the sort expressions again, for these rows only.
    items = (
        select(func.json_agg(aggregate_order_by(_QUESTION_JSON, *order)))
        .where(Question.id.in_(page_ids.correlate(None).scalar_subquery()))
        .scalar_subquery()
    )
    total = select(func.count()).select_from(Question).where(*where).scalar_subquery()
    return compile_sql(select(total.label("total"), cast(items, Text).label("items")), constants={"english"})


def page_args(owner_id: int, filters: QuestionFilters, page: PageParams) -> dict[str, Any]:
    """The values of ``page_sql``'s binds."""
    return {**filters.params(), "owner_id": owner_id, "limit": page.page_size, "offset": page.offset}


async def list_questions(
    session: DbOrSession,
    user: User,
    filters: QuestionFilters,
    sort_by: schemas.QuestionSort | None,
    sort_order: SortOrder,
    page: PageParams,
) -> JsonPage:
    query = page_sql(filters.shape(), sort_by, sort_order)
    args = query.args(page_args(user.id, filters, page))
    row = await (await raw_connection(session)).fetchrow(query.sql, *args)
    return JsonPage(row["total"], row["items"] or "[]", page)


async def get_question(
    session: AsyncSession, user: User, question_id: int, *, include_deleted: bool = False
) -> Question:
    return await get_owned(
        session, Question, question_id, user, "Question", options=LOAD, include_deleted=include_deleted
    )


async def get_detail(session: DbOrSession, user: User, question_id: int) -> JsonDoc[schemas.QuestionDetail]:
    """The question with its skills and where it was asked, in one statement (``DETAIL_SQL``)."""
    row = await (await raw_connection(session)).fetchrow(DETAIL_SQL, question_id, user.id)
    if row is None:
        raise NotFound("Question", question_id)
    return JsonDoc(row["etag"], row["doc"], schemas.QuestionDetail)


def _live_skills() -> Select[Any]:
    return select(Skill.id).where(Skill.deleted_at.is_(None))


async def _set_skills(session: AsyncSession, user: User, question_id: int, skill_ids: list[int]) -> None:
    """Make the question's live skills exactly these. Idempotent under concurrency (the question
    row is locked by the caller, and inserts skip links that exist); links to skills in the trash
    are kept for when the skill comes back."""
    skill_ids = list(dict.fromkeys(skill_ids))
    if skill_ids:
        stmt = _live_skills().where(Skill.id.in_(skill_ids), Skill.owner_id == user.id)
        owned = set((await session.execute(stmt.with_for_update(read=True, key_share=True))).scalars())
        missing = [s for s in skill_ids if s not in owned]
        if missing:
            raise Unprocessable(f"Skill {missing[0]} was not found.", field="body.skill_ids")
    await session.execute(
        delete(question_skills).where(
            question_skills.c.question_id == question_id,
            question_skills.c.skill_id.not_in(skill_ids),
            question_skills.c.skill_id.in_(_live_skills()),
        )
    )
    if skill_ids:
        await session.execute(
            pg_insert(question_skills)
            .values([{"question_id": question_id, "skill_id": s} for s in skill_ids])
            .on_conflict_do_nothing()
        )


async def create_question(session: AsyncSession, user: User, data: schemas.QuestionCreate) -> Question:
    values = data.model_dump(exclude={"skill_ids"})
    await check_refs(session, user, {"company_id": (Company, "Company", values["company_id"])})
    question = Question(owner_id=user.id, **values)
    session.add(question)
    await session.flush()
    await _set_skills(session, user, question.id, data.skill_ids)
    session.expunge(question)
    return await get_question(session, user, question.id)


_NOT_NULL = {"question_text", "question_category", "question_difficulty", "tags"}


async def update_question(
    session: AsyncSession,
    user: User,
    question_id: int,
    changes: dict[str, Any],
    *,
    if_match: str | None = None,
) -> Question:
    """Apply changes holding the question row locked, so concurrent writers take turns and
    ``If-Match`` is checked against the version being changed."""
    question = await get_owned(session, Question, question_id, user, "Question", lock=True)
    check_if_match(if_match, question)
    for name in _NOT_NULL:
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} cannot be null.", field=f"body.{name}")
    changes = dict(changes)
    skill_ids = changes.pop("skill_ids", None)
    await check_refs(session, user, {"company_id": (Company, "Company", changes.get("company_id"))})
    apply_changes(question, changes)
    if skill_ids is not None:
        await _set_skills(session, user, question_id, skill_ids)
        question.updated_at = func.now()  # the ETag covers the skills
    await session.flush()
    session.expunge(question)
    return await get_question(session, user, question_id)


async def soft_delete(
    session: AsyncSession, user: User, question_id: int, *, if_match: str | None = None
) -> None:
    question = await get_owned(session, Question, question_id, user, "Question", lock=True)
    check_if_match(if_match, question)
    await crud.trash(session, question)


async def restore(session: AsyncSession, user: User, question_id: int) -> Question:
    await crud.restore(session, Question, question_id, user, "Question")
    return await get_question(session, user, question_id)


async def _locked_question(session: AsyncSession, user: User, question_id: int) -> Question:
    question = await get_owned(session, Question, question_id, user, "Question", lock=True)
    question.updated_at = func.now()  # the ETag covers the skills
    return question


async def link_skill(session: AsyncSession, user: User, question_id: int, skill_id: int) -> Question:
    question = await _locked_question(session, user, question_id)
    await check_refs(session, user, {"skill_id": (Skill, "Skill", skill_id)})
    await session.execute(
        pg_insert(question_skills).values(question_id=question_id, skill_id=skill_id).on_conflict_do_nothing()
    )
    await session.flush()
    session.expunge(question)
    return await get_question(session, user, question_id)


async def unlink_skill(session: AsyncSession, user: User, question_id: int, skill_id: int) -> None:
    await _locked_question(session, user, question_id)
    unlinked = await session.scalar(
        delete(question_skills)
        .where(question_skills.c.question_id == question_id, question_skills.c.skill_id == skill_id)
        .returning(question_skills.c.skill_id)
    )
    if unlinked is None:
        raise NotFound(f"Skill {skill_id} on question {question_id}")
