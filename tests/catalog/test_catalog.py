"""Companies, roles and skills."""

from __future__ import annotations

import httpx
import pytest

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


class TestCompanies:
    async def test_seed_example_create_get_patch(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        created = await f.company(client, alice, "TechCorp", industry="Technology")
        assert created["id"] == 1 and created["industry"] == "Technology"
        got = (await client.get("/api/companies/1", headers=alice.headers)).json()
        assert got["company_name"] == "TechCorp"
        r = await client.patch("/api/companies/1", json={"location": "Berlin"}, headers=alice.headers)
        assert r.json()["location"] == "Berlin" and r.json()["industry"] == "Technology"

    async def test_duplicate_name_is_409_per_user(
        self, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
    ) -> None:
        await f.company(client, alice, "Google")
        r = await client.post("/api/companies", json={"company_name": "google"}, headers=alice.headers)
        assert_problem(r, 409)
        # Another user may track "Google" too.
        await f.company(client, bob, "Google")
        other = await f.company(client, alice, "Other")
        r = await client.patch(
            f"/api/companies/{other['id']}", json={"company_name": "GOOGLE"}, headers=alice.headers
        )
        assert_problem(r, 409)
        assert (await client.get(f"/api/companies/{other['id']}", headers=alice.headers)).json()[
            "company_name"
        ] == "Other"

    async def test_every_page_carries_the_whole_total(
        self, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
    ) -> None:
        # A page that is not full is the last one (its total is counted from it); a full page
        # or one past the end needs the count. Bob's companies are not Alice's.
        for i in range(5):
            await f.company(client, alice, f"Acme {i}")
        await f.company(client, bob, "Bob's")
        seen = []
        for query in ("page_size=2", "page=2&page_size=2", "page=3&page_size=2", "page=4&page_size=2", ""):
            r = (await client.get(f"/api/companies?{query}", headers=alice.headers)).json()
            seen.append((r["total"], r["pages"], len(r["items"])))
        assert seen == [(5, 3, 2), (5, 3, 2), (5, 3, 1), (5, 3, 0), (5, 1, 5)]
        empty = (await client.get("/api/roles", headers=alice.headers)).json()
        assert (empty["total"], empty["pages"], empty["items"]) == (0, 0, [])

    async def test_search_filter_sort_paginate(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        for name, industry in [
            ("Acme", "Retail"),
            ("Zeta", "Technology"),
            ("Beta", "Technology"),
            ("Acorn", "Food"),
        ]:
            await f.company(client, alice, name, industry=industry)
        r = await client.get("/api/companies?q=ac", headers=alice.headers)
        assert [c["company_name"] for c in r.json()["items"]] == ["Acme", "Acorn"]
        r = await client.get("/api/companies?industry=technology&sort_order=desc", headers=alice.headers)
        assert [c["company_name"] for c in r.json()["items"]] == ["Zeta", "Beta"]
        r = (await client.get("/api/companies?page=2&page_size=3", headers=alice.headers)).json()
        assert (r["total"], r["page"], r["pages"], len(r["items"])) == (4, 2, 2, 1)
        r = (await client.get("/api/companies?page=9", headers=alice.headers)).json()
        assert r["items"] == [] and r["total"] == 4

    @pytest.mark.parametrize(
        "query",
        ["page=0", "page_size=0", "page_size=101", "sort_by=id;drop", "sort_order=up", "page=abc"],
    )
    async def test_bad_list_params_are_422(
        self, client: httpx.AsyncClient, alice: UserCtx, query: str
    ) -> None:
        assert_problem(await client.get(f"/api/companies?{query}", headers=alice.headers), 422)

    async def test_bad_bodies_change_nothing(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        for body in [
            {},
            {"company_name": ""},
            {"company_name": "x" * 201},
            {"company_name": "a\u0000b"},
            {"company_name": 5},
        ]:
            assert_problem(await client.post("/api/companies", json=body, headers=alice.headers), 422)
        assert (await client.get("/api/companies", headers=alice.headers)).json()["total"] == 0

    async def test_delete_in_use_is_409_unless_cascade(
        self, client: httpx.AsyncClient, alice: UserCtx
    ) -> None:
        c = await f.company(client, alice)
        r1 = await f.role(client, alice, company_id=c["id"])
        await f.interview(client, alice, c["id"], role_id=r1["id"])
        q = await f.question(client, alice, company_id=c["id"])
        body = assert_problem(await client.delete(f"/api/companies/{c['id']}", headers=alice.headers), 409)
        assert "1 roles" in body["detail"] and "1 interviews" in body["detail"]
        assert (await client.get(f"/api/companies/{c['id']}", headers=alice.headers)).status_code == 200
        r = await client.delete(f"/api/companies/{c['id']}?cascade=true", headers=alice.headers)
        assert r.status_code == 204
        assert (await client.get("/api/interviews", headers=alice.headers)).json()["total"] == 0
        assert (await client.get("/api/roles", headers=alice.headers)).json()["total"] == 0
        # The question stays in the bank (still naming the company, which is only in the trash).
        assert (await client.get(f"/api/questions/{q['id']}", headers=alice.headers)).json()[
            "company_id"
        ] == c["id"]

    async def test_delete_unused(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        c = await f.company(client, alice)
        assert (await client.delete(f"/api/companies/{c['id']}", headers=alice.headers)).status_code == 204
        assert_problem(await client.get(f"/api/companies/{c['id']}", headers=alice.headers), 404)


class TestRoles:
    async def test_crud_and_filters(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        c = await f.company(client, alice)
        a = await f.role(client, alice, "Backend Engineer", company_id=c["id"], seniority_level="senior")
        await f.role(client, alice, "Data Engineer", seniority_level="mid")
        assert a["company"] == {"id": c["id"], "company_name": "TechCorp"}
        r = (await client.get(f"/api/roles?company_id={c['id']}", headers=alice.headers)).json()
        assert [x["role_title"] for x in r["items"]] == ["Backend Engineer"]
        r = (await client.get("/api/roles?seniority_level=mid", headers=alice.headers)).json()
        assert [x["role_title"] for x in r["items"]] == ["Data Engineer"]
        assert_problem(await client.get("/api/roles?seniority_level=godlike", headers=alice.headers), 422)
        r = await client.patch(
            f"/api/roles/{a['id']}", json={"department": "Platform"}, headers=alice.headers
        )
        assert r.json()["department"] == "Platform" and r.json()["company"]["id"] == c["id"]

    async def test_duplicate_and_foreign_company(
        self, client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
    ) -> None:
        c = await f.company(client, alice)
        await f.role(client, alice, "SRE", company_id=c["id"])
        assert_problem(
            await client.post(
                "/api/roles", json={"role_title": "SRE", "company_id": c["id"]}, headers=alice.headers
            ),
            409,
        )
        await f.role(client, alice, "PM")
        assert_problem(await client.post("/api/roles", json={"role_title": "PM"}, headers=alice.headers), 409)
        body = assert_problem(
            await client.post(
                "/api/roles", json={"role_title": "X", "company_id": c["id"]}, headers=bob.headers
            ),
            422,
        )
        assert body["errors"][0]["field"] == "body.company_id"


class TestSkills:
    async def test_crud_filter_and_in_use(self, client: httpx.AsyncClient, alice: UserCtx) -> None:
        py = await f.skill(client, alice, "Python", skill_category="language")
        await f.skill(client, alice, "Empathy", skill_category="soft")
        r = (await client.get("/api/skills?skill_category=soft", headers=alice.headers)).json()
        assert [s["skill_name"] for s in r["items"]] == ["Empathy"]
        assert_problem(
            await client.post("/api/skills", json={"skill_name": "python"}, headers=alice.headers), 409
        )
        await f.question(client, alice, "Explain the GIL", skill_ids=[py["id"]])
        assert_problem(await client.delete(f"/api/skills/{py['id']}", headers=alice.headers), 409)
        assert (
            await client.delete(f"/api/skills/{py['id']}?cascade=true", headers=alice.headers)
        ).status_code == 204
        q = (await client.get("/api/questions", headers=alice.headers)).json()["items"][0]
        assert q["skills"] == []
