"""Statements compiled once per shape (app/kit/compiled.py): a value baked into the expression by
mistake must fail at compile time, never be served from the cache to the next request."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, bindparam, func, literal, select

from app.kit.compiled import compile_sql


def test_named_binds_are_filled_per_run_and_repeated_names_share_a_parameter() -> None:
    q = bindparam("q", type_=String)
    stmt = select(func.upper(q), func.lower(q), bindparam("n", type_=Integer) + 1)
    compiled = compile_sql(stmt, constants={1})
    assert compiled.sql.count("$1") == 2 and "$3" in compiled.sql and "$4" not in compiled.sql
    assert compiled.args({"q": "Ab", "n": 4}) == ["Ab", 4, 1]
    with pytest.raises(KeyError):
        compiled.args({"q": "Ab"})


def test_values_must_be_declared_constants() -> None:
    stmt = select(func.to_tsquery("english", bindparam("tsquery", type_=String)))
    compiled = compile_sql(stmt, constants={"english"})
    assert compiled.args({"tsquery": "'a':*"}) == ["english", "'a':*"]
    with pytest.raises(ValueError, match="not a declared constant"):
        compile_sql(stmt)
    with pytest.raises(ValueError, match="not a declared constant"):
        compile_sql(select(literal("a request's value") == bindparam("x", type_=String)))
    with pytest.raises(ValueError, match="expanded at run time"):
        compile_sql(select(bindparam("y", type_=Integer).in_(bindparam("ids", expanding=True))))
