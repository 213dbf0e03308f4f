"""SQLAlchemy statements compiled once per shape, then run as constant SQL on asyncpg.

A list whose filters vary (which ones are set, the sort, whether there is a search) has a few
dozen shapes but endless values. Building its SQLAlchemy expression and computing its cache key
on every request cost about a millisecond of CPU; here the expression is built and compiled once
per shape (the values are named ``bindparam``s without a value), and each request only puts its
values in the order of the statement's ``$n`` parameters. Constants the expression carries (a
text search configuration, say) keep the value they were compiled with.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def compile_sql(stmt: ClauseElement) -> CompiledSql:
    """Compile for asyncpg. Binds made with ``bindparam(name)`` and no value are the caller's
    to fill in at each run; every other bind is a constant of the statement."""
    compiled = cast(SQLCompiler, stmt.compile(dialect=_DIALECT))
    names = tuple(compiled.positiontup or ())
    constants = {n: compiled.binds[n].effective_value for n in names if not compiled.binds[n].required}
    return CompiledSql(compiled.string, names, constants)
