"""`q` matches word prefixes, ranked, tolerant of small typos, on every list that has it."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import httpx
import pytest

from tests import factories as f
from tests.conftest import UserCtx


async def _texts(client: httpx.AsyncClient, user: UserCtx, url: str, key: str) -> list[str]:
    r = await client.get(url, headers=user.headers)
    assert r.status_code == 200, r.text
    return [item[key] for item in r.json()["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (
            "postgres",
            ["Explain PostgreSQL MVCC", "PostgreSQL MVCC and vacuum", "MVCC in PostgreSQL replicas"],
        ),
        (
            "postgres mvcc",
            ["Explain PostgreSQL MVCC", "PostgreSQL MVCC and vacuum", "MVCC in PostgreSQL replicas"],
        ),
        (
            "postgrse",
            ["Explain PostgreSQL MVCC", "PostgreSQL MVCC and vacuum", "MVCC in PostgreSQL replicas"],
        ),
        ("kubernets", ["Kubernetes pod scheduling"]),
        ("kube", ["Kubernetes pod scheduling"]),
        ("vacuum", ["PostgreSQL MVCC and vacuum"]),
        ("schedul", ["Kubernetes pod scheduling"]),
        ("zzzz", []),
        # tsquery operators are punctuation, never syntax
        (
            "postgres & | ! ( ) : * '",
            ["Explain PostgreSQL MVCC", "PostgreSQL MVCC and vacuum", "MVCC in PostgreSQL replicas"],
        ),
        (
            "'postgres':* | !",
            ["Explain PostgreSQL MVCC", "PostgreSQL MVCC and vacuum", "MVCC in PostgreSQL replicas"],
        ),
        ("!!! ::", []),
        ("the", []),  # only a stop word
    ],
)
async def test_question_search_matches_prefixes_and_typos(
    client: httpx.AsyncClient, alice: UserCtx, q: str, expected: list[str]
) -> None:
    for text in (
        "Explain PostgreSQL MVCC",
        "PostgreSQL MVCC and vacuum",
        "MVCC in PostgreSQL replicas",
        "Kubernetes pod scheduling",
        "Tell me about a conflict",
    ):
        await f.question(client, alice, text)
    got = await _texts(
        client,
        alice,
        "/api/questions?sort_by=created_at&sort_order=asc&" + urlencode({"q": q}),
        "question_text",
    )
    assert got == expected


async def test_question_search_ranks_best_match_first(client: httpx.AsyncClient, alice: UserCtx) -> None:
    await f.question(client, alice, "Tell me about caching", notes="mentions postgres once")
    await f.question(client, alice, "PostgreSQL indexes: postgres btree vs postgres gin")
    got = await _texts(client, alice, "/api/questions?q=postgres", "question_text")
    assert got == ["PostgreSQL indexes: postgres btree vs postgres gin", "Tell me about caching"]


async def test_catalog_search_prefix_before_infix_and_typos(
    client: httpx.AsyncClient, alice: UserCtx
) -> None:
    for name in ("Megacorp Data", "Data Dynamics", "Bigdata Inc", "Unrelated"):
        await f.company(client, alice, name)
    # Prefix of the name, then the start of a later word, then inside a word.
    assert await _texts(client, alice, "/api/companies?q=data", "company_name") == [
        "Data Dynamics",
        "Megacorp Data",
        "Bigdata Inc",
    ]
    assert await _texts(client, alice, "/api/companies?q=dynamcs", "company_name") == ["Data Dynamics"]
    # Every word must match; an explicit sort_by wins over relevance.
    assert await _texts(client, alice, "/api/companies?q=data+inc", "company_name") == ["Bigdata Inc"]
    assert await _texts(client, alice, "/api/companies?q=data&sort_by=company_name", "company_name") == [
        "Bigdata Inc",
        "Data Dynamics",
        "Megacorp Data",
    ]
    await f.skill(client, alice, "Kubernetes")
    assert await _texts(client, alice, "/api/skills?q=kubernets", "skill_name") == ["Kubernetes"]
    await f.role(client, alice, "Staff Engineer")
    assert await _texts(client, alice, "/api/roles?q=enginer", "role_title") == ["Staff Engineer"]
    # LIKE wildcards are plain text.
    assert await _texts(client, alice, "/api/companies?q=%25", "company_name") == []
    assert await _texts(client, alice, "/api/companies?q=%5C", "company_name") == []


async def test_interview_search_prefixes_and_company_typos(client: httpx.AsyncClient, alice: UserCtx) -> None:
    acme = await f.company(client, alice, "Acme Robotics")
    other = await f.company(client, alice, "Globex")
    a = await f.interview(client, alice, acme["id"], notes="Kubernetes deep dive")
    b = await f.interview(client, alice, other["id"], feedback="Strong on PostgreSQL internals")
    url = "/api/interviews?sort_by=created_at&sort_order=asc&q="
    for q, expected in (
        ("kube", [a]),
        ("postgres", [b]),
        ("robotcs", [a]),
        ("acme", [a]),
        ("'&|", []),
    ):
        r = await client.get(url + quote(q), headers=alice.headers)
        assert r.status_code == 200, r.text
        assert [i["id"] for i in r.json()["items"]] == [x["id"] for x in expected], q
