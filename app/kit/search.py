"""Text search shared by every list with `q`: word prefixes, ranked, tolerant of small typos.

Two tools, both safe with any user text:
- full-text search (tsvector columns): the user's words become a prefix tsquery built here, one
  quoted lexeme per word (`'postgres':* & 'mvcc':*`), so no input is ever parsed as tsquery syntax;
- plain columns: each word must appear in one of the columns (LIKE, escaped) or be close to a
  word there (pg_trgm `<%`, word similarity); rows rank prefix hits, then word starts, then infix
  hits, then near misses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement as _Column

MAX_WORDS = 8
# pg_trgm on words shorter than this matches too much to be useful.
FUZZY_MIN_LENGTH = 4
_LEXEME = re.compile(r"\w+")


def like_escape(text: str) -> str:
    """Text for a LIKE pattern with `\\` as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_words(q: str) -> list[str]:
    """The distinct whitespace-separated words of a search, lower-cased, at most MAX_WORDS."""
    return list(dict.fromkeys(q.lower().split()))[:MAX_WORDS]


def prefix_tsquery(q: str) -> str | None:
    """`postgres -mysql` → `'postgres':* & !'mysql':*`, for to_tsquery. Only word characters get
    in, each word quoted, so nothing the user types is read as an operator; a leading `-`
    excludes a word. None when there is no word."""
    terms: dict[str, None] = {}
    for token in q.lower().split():
        negate = "!" if token.startswith("-") else ""
        for word in _LEXEME.findall(token):
            terms[f"{negate}'{word}':*"] = None
    return " & ".join(list(terms)[:MAX_WORDS]) or None


def has_exclusions(q: str) -> bool:
    """Whether the search excludes words (`-word`): then near misses must not bring them back."""
    return any(token.startswith("-") and _LEXEME.search(token) for token in q.split())


def _word_rank(word: str, columns: Sequence[Any]) -> tuple[ColumnElement[bool], ColumnElement[float]]:
    pattern = like_escape(word)
    starts = re.escape(word)
    matches: list[ColumnElement[bool]] = []
    ranks: list[ColumnElement[float]] = []
    for col in columns:
        infix = col.ilike(f"%{pattern}%", escape="\\")
        fuzzy = literal(word).op("<%")(col) if len(word) >= FUZZY_MIN_LENGTH else None
        matches.append(or_(infix, fuzzy) if fuzzy is not None else infix)
        ranks.append(
            func.coalesce(
                case(
                    (col.ilike(f"{pattern}%", escape="\\"), 3.0),
                    (col.op("~*")(f"\\m{starts}"), 2.0),
                    (infix, 1.0),
                    else_=cast(func.word_similarity(word, col), Float),
                ),
                0.0,
            )
        )
    rank = ranks[0] if len(ranks) == 1 else func.greatest(*ranks)
    return or_(*matches), rank


def ranked_match(columns: Sequence[Any], q: str) -> tuple[ColumnElement[bool], ColumnElement[float]]:
    """A condition (every word found in some column, or nearly) and a rank to sort by, best first."""
    words = search_words(q) or [q.strip().lower()]
    parts = [_word_rank(word, columns) for word in words]
    condition = and_(*(m for m, _ in parts))
    rank: _Column[float] = parts[0][1]
    for _, r in parts[1:]:
        rank = rank + r
    return condition, rank
