"""SQLAlchemy statements compiled once per shape, then run as constant SQL on asyncpg.

A list whose filters vary (which ones are set, the sort, whether there is a search) has a few
dozen shapes but endless values. Building its SQLAlchemy expression and computing its cache key
on every request cost about a millisecond of CPU; here the expression is built and compiled once
per shape (the values are named ``bindparam``s without a value), and each request only puts its
values in the order of the statement's ``$n`` parameters. Constants the expression carries (a
text search configuration, say) keep the value they were compiled with; they must be declared,
so that a request's value put into the expression by mistake fails at once instead of being
served to everyone from the cache. Values go to asyncpg as they are (no SQLAlchemy type
conversion): give ones asyncpg encodes (ints, str enums, lists of str).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT: Dialect = PGDialect_asyncpg()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class CompiledSql:
    """A statement's SQL with ``$n`` parameters, and where each parameter's value comes from."""

    sql: str
    names: tuple[str, ...]  # the name of each $n, in order
    constants: Mapping[str, Any]  # values fixed in the expression (not named by the caller)

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional arguments for these named values (every named bind must be given)."""
        return [self.constants[n] if n in self.constants else values[n] for n in self.names]


def compile_sql(stmt: ClauseElement, *, constants: Collection[Any] = ()) -> CompiledSql:
    """Compile for asyncpg. Binds made with ``bindparam(name)`` and no value are the caller's
    to fill in at each run; every other bind is a constant of the statement, and its value must
    be one of ``constants`` (ValueError otherwise, as for a bind expanded at run time)."""
    compiled = cast(SQLCompiler, stmt.compile(dialect=_DIALECT))
    names = tuple(compiled.positiontup or ())
    fixed: dict[str, Any] = {}
    for name in names:
        bind = compiled.binds[name]
        if bind.expanding:
            raise ValueError(f"bind {name!r} is expanded at run time: not a constant statement")
        if not bind.required:
            if bind.effective_value not in constants:
                raise ValueError(f"bind {name!r} holds a value that is not a declared constant")
            fixed[name] = bind.effective_value
    return CompiledSql(compiled.string, names, fixed)
