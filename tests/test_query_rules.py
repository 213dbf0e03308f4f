"""Rules every route keeps (CONTRACT §3): unknown query parameters are refused, datetimes go out
in UTC with `Z`, lists are enveloped, filters are exact, and no input reaches a 500."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from tests import factories as f
from tests.conftest import UserCtx, assert_problem

UTC_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def _get_routes(app: Any) -> list[str]:
    """Every GET route under /api, path parameters filled with 1 (routers are included lazily in
    this FastAPI, so walk the effective routes rather than app.routes)."""
    paths = []
    for ctx in iter_route_contexts(app.routes):
        path, methods = ctx.path or "", ctx.methods or set()
        if isinstance(ctx.original_route, APIRoute) and path.startswith("/api") and "GET" in methods:
            paths.append(re.sub(r"\{[^}]+\}", "1", path))
    return paths


async def test_every_api_get_route_refuses_unknown_query_parameters(
    app: Any, client: httpx.AsyncClient, alice: UserCtx
) -> None:
    paths = _get_routes(app)
    assert len(paths) > 20, "the walk must see the API's routes"
    for path in paths:
        r = await client.get(path, params={"zzz_unknown": "1"}, headers=alice.headers)
        body = assert_problem(r, 422)
        assert [e["field"] for e in body["errors"]] == ["query.zzz_unknown"], path
        assert "zzz_unknown" in body["detail"], path


async def test_unknown_parameters_are_named_with_the_allowed_ones(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    r = await client.get("/api/companies?industri=Tech&sort=name&q=acme", headers=alice.headers)
    body = assert_problem(r, 422)
    assert [e["field"] for e in body["errors"]] == ["query.industri", "query.sort"]
    assert "industry" in body["errors"][0]["message"] and "sort_by" in body["detail"]
    # Declared parameters, from the route and its dependencies, still pass (also on POST).
    ok = await client.get(
        "/api/companies?industry=Tech&q=acme&sort_by=industry&page=1", headers=alice.headers
    )
    assert ok.status_code == 200, ok.text
    r = await client.post("/api/companies?dry=1", json={"company_name": "X"}, headers=alice.headers)
    assert_problem(r, 422)


async def test_event_source_stream_takes_only_its_own_parameters(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    r = await client.get(
        "/api/agents/answer-stream?question=hi&ticket=abcdefgh123&tiket=x", headers=alice.headers
    )
    body = assert_problem(r, 422)
    assert [e["field"] for e in body["errors"]] == ["query.tiket"]


async def test_search_is_an_alias_of_q(client: httpx.AsyncClient, alice: UserCtx) -> None:
    await f.company(client, alice, "Acme")
    await f.company(client, alice, "Globex")
    h = alice.headers
    r = await client.get("/api/companies?search=zzz", headers=h)
    assert r.status_code == 200 and r.json()["total"] == 0
    r = await client.get("/api/companies?search=acm", headers=h)
    assert [c["company_name"] for c in r.json()["items"]] == ["Acme"]
    assert_problem(await client.get("/api/companies?search=acme&q=globex", headers=h), 422)


async def test_tags_comma_separated_or_repeated(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    a = await f.question(client, alice, "Design a hash map", tags=["design", "hashing"])
    b = await f.question(client, alice, "Consistent hashing", tags=["hashing"])
    await f.question(client, alice, "Tell me about a conflict", tags=["behavioural"])
    for query in ("tags=design,hashing", "tags=design&tags=hashing", "tags=Design, HASHING"):
        r = await client.get(f"/api/questions?{query}&sort_by=created_at&sort_order=asc", headers=h)
        assert [q["id"] for q in r.json()["items"]] == [a["id"], b["id"]], query
    assert_problem(
        await client.get(
            "/api/questions?tags=" + ",".join(["t"] * 2 + list("abcdefghijklmnopqrstu")), headers=h
        ),
        422,
    )


async def test_tag_length_is_checked_after_lower_casing(client: httpx.AsyncClient, alice: UserCtx) -> None:
    # "İ" lower-cases to two characters: 30 of them become 60 characters.
    r = await client.post(
        "/api/questions", json={"question_text": "Unicode tags", "tags": ["İ" * 30]}, headers=alice.headers
    )
    assert_problem(r, 422)
    r = await client.post(
        "/api/questions", json={"question_text": "Unicode tags", "tags": ["İ" * 25]}, headers=alice.headers
    )
    assert r.status_code == 201 and r.json()["tags"] == ["i̇" * 25]


@pytest.mark.parametrize("value", [True, False, 1.5, "1"])
async def test_ids_in_bodies_are_integers(client: httpx.AsyncClient, alice: UserCtx, value: Any) -> None:
    await f.company(client, alice)
    r = await client.post("/api/interviews", json={"company_id": value}, headers=alice.headers)
    if value == "1":  # JSON strings of digits stay accepted (pydantic's lax mode)
        assert r.status_code == 201
    else:
        assert_problem(r, 422)


async def test_bool_path_id_is_refused(client: httpx.AsyncClient, alice: UserCtx) -> None:
    assert_problem(await client.get("/api/companies/true", headers=alice.headers), 422)


# Dates ------------------------------------------------------------------------------------


async def test_datetimes_are_stored_and_echoed_in_utc(client: httpx.AsyncClient, alice: UserCtx) -> None:
    c = await f.company(client, alice)
    h = alice.headers
    naive = await f.interview(client, alice, c["id"], interview_date="2026-12-01T00:00:00")
    assert naive["interview_date"] == "2026-12-01T00:00:00Z"
    shifted = await f.interview(client, alice, c["id"], interview_date="2026-12-01T10:00:00+05:00")
    assert shifted["interview_date"] == "2026-12-01T05:00:00Z"
    got = (await client.get(f"/api/interviews/{shifted['id']}", headers=h)).json()
    assert got["interview_date"] == "2026-12-01T05:00:00Z"
    for key in ("created_at", "updated_at"):
        assert UTC_Z.match(shifted[key]), shifted[key]
    r = await client.patch(
        f"/api/interviews/{naive['id']}", json={"interview_date": "2026-12-02T09:30:00-02:00"}, headers=h
    )
    assert r.json()["interview_date"] == "2026-12-02T11:30:00Z"
    rnd = await f.post(
        client, alice, f"/api/interviews/{naive['id']}/rounds", {"round_date": "2026-12-03T08:00:00+01:00"}
    )
    assert rnd["round_date"] == "2026-12-03T07:00:00Z"
    p = await f.post(client, alice, "/api/practice-sessions", {"session_date": "2026-12-04T12:00:00"})
    assert p["session_date"] == "2026-12-04T12:00:00Z"


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+05:00",
        "1899-12-31T23:59:59Z",
    ],
)
async def test_out_of_range_datetimes_are_422_everywhere(
    client: httpx.AsyncClient, alice: UserCtx, value: str
) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    h = alice.headers
    assert_problem(
        await client.post(
            "/api/interviews", json={"company_id": c["id"], "interview_date": value}, headers=h
        ),
        422,
    )
    assert_problem(
        await client.patch(f"/api/interviews/{i['id']}", json={"interview_date": value}, headers=h), 422
    )
    assert_problem(
        await client.post(f"/api/interviews/{i['id']}/rounds", json={"round_date": value}, headers=h), 422
    )
    assert_problem(await client.post("/api/practice-sessions", json={"session_date": value}, headers=h), 422)
    for path in ("/api/interviews", "/api/practice-sessions"):
        for param in ("date_from", "date_to"):
            assert_problem(await client.get(path, params={param: value}, headers=h), 422)


async def test_a_date_only_upper_bound_covers_the_whole_day(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    c = await f.company(client, alice)
    h = alice.headers
    late = await f.interview(client, alice, c["id"], interview_date="2026-03-31T23:30:00Z")
    await f.interview(client, alice, c["id"], interview_date="2026-04-01T00:00:00Z")
    r = await client.get("/api/interviews?date_to=2026-03-31", headers=h)
    assert [i["id"] for i in r.json()["items"]] == [late["id"]]
    r = await client.get("/api/interviews?date_from=2026-03-31&date_to=2026-03-31T23:00:00Z", headers=h)
    assert r.json()["items"] == []
    s = await f.post(client, alice, "/api/practice-sessions", {"session_date": "2026-03-31T22:00:00Z"})
    r = await client.get("/api/practice-sessions?date_to=2026-03-31", headers=h)
    assert [x["id"] for x in r.json()["items"]] == [s["id"]]


# Lists ------------------------------------------------------------------------------------


async def test_interview_sub_lists_are_enveloped_and_paginated(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    c = await f.company(client, alice)
    i = await f.interview(client, alice, c["id"])
    h = alice.headers
    base = f"/api/interviews/{i['id']}"
    for _ in range(3):
        await client.post(f"{base}/rounds", json={"round_type": "technical"}, headers=h)
    q = await f.question(client, alice)
    s = await f.skill(client, alice)
    await client.post(f"{base}/questions", json={"question_id": q["id"]}, headers=h)
    await client.post(f"{base}/skills", json={"skill_id": s["id"]}, headers=h)
    r = (await client.get(f"{base}/rounds?page=2&page_size=2", headers=h)).json()
    assert (r["total"], r["page"], r["page_size"], r["pages"]) == (3, 2, 2, 2)
    assert [x["round_number"] for x in r["items"]] == [3]
    for sub, total in (("questions", 1), ("skills", 1)):
        r = (await client.get(f"{base}/{sub}", headers=h)).json()
        assert set(r) >= {"items", "total", "page", "page_size", "pages"} and r["total"] == total


# Exact filters and tampered input ------------------------------------------------------------


async def test_exact_filters_are_exact(client: httpx.AsyncClient, alice: UserCtx) -> None:
    h = alice.headers
    secret = await f.company(client, alice, "Hidden", industry="SecretIndustry")
    await f.company(client, alice, "Backslash", industry="a\\b")
    await f.role(client, alice, "SRE", department="Secret_Dept")
    for query in ("industry=S_cretIndustry", "industry=%25", "industry=%5C", "industry=Secret%25"):
        r = await client.get(f"/api/companies?{query}", headers=h)
        assert r.status_code == 200 and r.json()["items"] == [], query
    r = await client.get("/api/companies?industry=secretindustry", headers=h)
    assert [x["id"] for x in r.json()["items"]] == [secret["id"]]
    for query in ("department=Secret%5FDep_", "department=%5C", "department=%25"):
        r = await client.get(f"/api/roles?{query}", headers=h)
        assert r.status_code == 200 and r.json()["items"] == [], query
    assert (await client.get("/api/roles?department=SECRET_DEPT", headers=h)).json()["total"] == 1


def _cursor(parts: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "parts",
    [
        ["created_at", "desc", "2026-01-01T00:00:00+00:00", 2147483648],
        ["created_at", "desc", "2026-01-01T00:00:00+00:00", True],
        ["created_at", "desc", "2026-01-01T00:00:00+00:00", 0],
        ["created_at", "desc", "9999-12-31T23:59:59-14:00", 1],
        ["created_at", "desc", 12, 1],
        ["created_at", "desc", "0001-01-01T00:00:00+05:00", 1],
    ],
)
async def test_tampered_cursors_are_422_and_the_connection_survives(
    client: httpx.AsyncClient, alice: UserCtx, parts: list[Any]
) -> None:
    c = await f.company(client, alice)
    await f.interview(client, alice, c["id"])
    h = alice.headers
    r = await client.get(f"/api/interviews?sort_by=created_at&cursor={_cursor(parts)}", headers=h)
    assert_problem(r, 422)
    for _ in range(3):  # every pooled connection still works
        assert (await client.get("/api/interviews", headers=h)).json()["total"] == 1


async def test_query_models_are_documented_and_read_as_fastapi_would(
    app: Any, client: httpx.AsyncClient, alice: UserCtx
) -> None:
    """The hot lists read their query model with ``app.kit.query.query_model`` instead of FastAPI's
    ``Annotated[model, Query()]`` (it is cheaper per request). The documentation must be what
    FastAPI itself writes for such a model, and a wrong value a 422 naming the field."""
    from typing import Annotated

    from fastapi import FastAPI, Query

    from app.interviews.router import InterviewFilterQuery, InterviewListQuery
    from app.questions.router import QuestionFilterQuery, QuestionListQuery

    def reference(model: Any) -> Any:
        async def endpoint(query: Any) -> None:
            return None

        # Real objects, not the strings this module's annotations are.
        endpoint.__annotations__ = {"query": Annotated[model, Query()], "return": None}
        return endpoint

    models = {
        "/api/interviews": InterviewListQuery,
        "/api/interviews/export.csv": InterviewFilterQuery,
        "/api/questions": QuestionListQuery,
        "/api/questions/export.csv": QuestionFilterQuery,
    }
    fastapi_way = FastAPI()
    for path, model in models.items():
        fastapi_way.get(path)(reference(model))
    expected = fastapi_way.openapi()
    ours = (await client.get("/openapi.json")).json()
    for path in models:
        params = ours["paths"][path]["get"]["parameters"]
        assert params == expected["paths"][path]["get"]["parameters"], path
        for ref in re.findall(r'"#/components/schemas/(\w+)"', json.dumps(params)):
            assert ours["components"]["schemas"][ref] == expected["components"]["schemas"][ref], ref

    # Read as FastAPI reads them: a list takes every value, a scalar the last one, errors name
    # the field.
    r = await client.get("/api/interviews", params=[("page", "1"), ("page", "x")], headers=alice.headers)
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["query.page"]
    r = await client.get("/api/questions?page_size=0&question_category=nope", headers=alice.headers)
    assert {e["field"] for e in assert_problem(r, 422)["errors"]} == {
        "query.page_size",
        "query.question_category",
    }
    r = await client.get(
        "/api/questions", params=[("page_size", "0"), ("page_size", "5")], headers=alice.headers
    )
    assert r.status_code == 200 and r.json()["page_size"] == 5


async def test_query_model_reads_sequences_like_fastapi_and_refuses_what_it_cannot_mirror() -> None:
    from typing import Annotated

    from fastapi import FastAPI, Query
    from pydantic import BaseModel, Field

    from app.kit.query import query_model

    class Shape(BaseModel):
        tup: tuple[int, ...] | None = None
        names: list[str] = []
        n: int = 0

    async def ours(q: Any) -> dict[str, Any]:
        return q.model_dump()

    async def theirs(q: Any) -> dict[str, Any]:
        return q.model_dump()

    ours.__annotations__ = {"q": Annotated[Shape, query_model(Shape)], "return": dict[str, Any]}
    theirs.__annotations__ = {"q": Annotated[Shape, Query()], "return": dict[str, Any]}
    api = FastAPI()
    api.get("/ours")(ours)
    api.get("/theirs")(theirs)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as c:
        for query in (
            "tup=1&tup=2&names=a&names=b&n=1&n=2",
            "names=a&n=1&tup=3&names=b&n=2&tup=4",
            "",
            "tup=x",
            "n=",
            "n=x&tup=y&names=z",
            "other=1&n=5",
        ):
            a, b = await c.get(f"/ours?{query}"), await c.get(f"/theirs?{query}")
            assert (a.status_code, a.json()) == (b.status_code, b.json()), query

    class Aliased(BaseModel):
        x: int = Field(0, validation_alias="y")

    with pytest.raises(TypeError, match="validation aliases"):
        query_model(Aliased)


def test_query_model_documentation_adds_the_422_and_refuses_mixed_parameters() -> None:
    from typing import Annotated

    from fastapi import FastAPI, Query
    from pydantic import BaseModel

    from app.kit.query import document_query_models, query_model

    class Only(BaseModel):
        n: int = 0

    async def alone(q: Any) -> None:
        return None

    async def mixed(q: Any, extra: Any = None) -> None:
        return None

    alone.__annotations__ = {"q": Annotated[Only, query_model(Only)], "return": None}
    mixed.__annotations__ = {"q": Annotated[Only, query_model(Only)], "extra": Annotated[int | None, Query()]}
    api = FastAPI()
    api.get("/alone")(alone)
    spec = api.openapi()
    document_query_models(spec, api.routes)
    op = spec["paths"]["/alone"]["get"]
    assert [p["name"] for p in op["parameters"]] == ["n"] and "422" in op["responses"]

    api.get("/mixed")(mixed)
    api.openapi_schema = None
    with pytest.raises(TypeError, match="other query parameters"):
        document_query_models(api.openapi(), api.routes)
