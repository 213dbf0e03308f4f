"""One user never sees, changes or counts another's rows: every route, with Bob's token on Alice's ids."""

from __future__ import annotations

import httpx

from tests import factories as f
from tests.conftest import UserCtx, assert_problem


async def _alice_world(client: httpx.AsyncClient, alice: UserCtx) -> dict[str, int]:
    h = alice.headers
    c = await f.company(client, alice)
    r = await f.role(client, alice, company_id=c["id"])
    s = await f.skill(client, alice)
    q = await f.question(client, alice, skill_ids=[s["id"]])
    cv = await f.post(client, alice, "/api/cv-versions", {"version_name": "v1"})
    i = await f.interview(client, alice, c["id"], role_id=r["id"], cv_version_id=cv["id"])
    rd = (await client.post(f"/api/interviews/{i['id']}/rounds", json={}, headers=h)).json()
    await client.post(
        f"/api/interviews/{i['id']}/questions",
        json={"question_id": q["id"], "answer_quality_rating": 5},
        headers=h,
    )
    await client.post(f"/api/interviews/{i['id']}/skills", json={"skill_id": s["id"]}, headers=h)
    p = await f.post(client, alice, "/api/practice-sessions", {})
    await client.post(f"/api/practice-sessions/{p['id']}/questions", json={"question_id": q["id"]}, headers=h)
    g = await f.post(client, alice, "/api/skill-gaps", {"skill_id": s["id"], "gap_description": "gap"})
    us = await f.post(client, alice, "/api/user-skills", {"skill_id": s["id"]})
    return {
        "c": c["id"],
        "r": r["id"],
        "s": s["id"],
        "q": q["id"],
        "cv": cv["id"],
        "i": i["id"],
        "rd": rd["id"],
        "p": p["id"],
        "g": g["id"],
        "us": us["id"],
    }


ROUTES_404 = [
    ("GET", "/api/companies/{c}", None),
    ("PATCH", "/api/companies/{c}", {"notes": "x"}),
    ("DELETE", "/api/companies/{c}?cascade=true", None),
    ("GET", "/api/roles/{r}", None),
    ("PATCH", "/api/roles/{r}", {"department": "x"}),
    ("DELETE", "/api/roles/{r}?cascade=true", None),
    ("GET", "/api/skills/{s}", None),
    ("PATCH", "/api/skills/{s}", {"description": "x"}),
    ("DELETE", "/api/skills/{s}?cascade=true", None),
    ("GET", "/api/interviews/{i}", None),
    ("PUT", "/api/interviews/{i}", "company"),
    ("PATCH", "/api/interviews/{i}", {"notes": "x"}),
    ("DELETE", "/api/interviews/{i}", None),
    ("POST", "/api/interviews/{i}/restore", None),
    ("GET", "/api/interviews/{i}/rounds", None),
    ("POST", "/api/interviews/{i}/rounds", {}),
    ("PATCH", "/api/interviews/{i}/rounds/{rd}", {"notes": "x"}),
    ("DELETE", "/api/interviews/{i}/rounds/{rd}", None),
    ("GET", "/api/interviews/{i}/questions", None),
    ("POST", "/api/interviews/{i}/questions", "question"),
    ("PATCH", "/api/interviews/{i}/questions/{q}", {"answer_quality_rating": 1}),
    ("DELETE", "/api/interviews/{i}/questions/{q}", None),
    ("GET", "/api/interviews/{i}/skills", None),
    ("POST", "/api/interviews/{i}/skills", "skill"),
    ("PATCH", "/api/interviews/{i}/skills/{s}", {"performance_rating": 1}),
    ("DELETE", "/api/interviews/{i}/skills/{s}", None),
    ("GET", "/api/questions/{q}", None),
    ("PUT", "/api/questions/{q}", {"question_text": "Hijacked?"}),
    ("PATCH", "/api/questions/{q}", {"notes": "x"}),
    ("DELETE", "/api/questions/{q}", None),
    ("POST", "/api/questions/{q}/restore", None),
    ("POST", "/api/questions/{q}/skills", "skill"),
    ("DELETE", "/api/questions/{q}/skills/{s}", None),
    ("GET", "/api/cv-versions/{cv}", None),
    ("PATCH", "/api/cv-versions/{cv}", {"summary": "x"}),
    ("DELETE", "/api/cv-versions/{cv}", None),
    ("GET", "/api/practice-sessions/{p}", None),
    ("PATCH", "/api/practice-sessions/{p}", {"notes": "x"}),
    ("DELETE", "/api/practice-sessions/{p}", None),
    ("POST", "/api/practice-sessions/{p}/questions", "question"),
    ("PATCH", "/api/practice-sessions/{p}/questions/{q}", {"self_rating": 1}),
    ("DELETE", "/api/practice-sessions/{p}/questions/{q}", None),
    ("GET", "/api/skill-gaps/{g}", None),
    ("PATCH", "/api/skill-gaps/{g}", {"action_plan": "x"}),
    ("DELETE", "/api/skill-gaps/{g}", None),
    ("GET", "/api/user-skills/{us}", None),
    ("PATCH", "/api/user-skills/{us}", {"notes": "x"}),
    ("DELETE", "/api/user-skills/{us}", None),
]

LISTS = [
    "/api/companies",
    "/api/roles",
    "/api/skills",
    "/api/interviews",
    "/api/interviews?deleted=true",
    "/api/questions",
    "/api/cv-versions",
    "/api/practice-sessions",
    "/api/skill-gaps",
    "/api/user-skills",
]


async def _snapshot(client: httpx.AsyncClient, user: UserCtx, ids: dict[str, int]) -> list[object]:
    out: list[object] = []
    for method, path, _ in ROUTES_404:
        if method == "GET":
            out.append((await client.get(path.format(**ids), headers=user.headers)).json())
    return out


async def test_every_route_hides_other_users_rows(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    ids = await _alice_world(client, alice)
    before = await _snapshot(client, alice, ids)
    # Bob owns rows of his own, so body references resolve for him but not to Alice's rows.
    bc = await f.company(client, bob, "Bob Co")
    bob_ids = {
        "company": bc["id"],
        "question": (await f.question(client, bob))["id"],
        "skill": (await f.skill(client, bob))["id"],
    }
    for method, path, body in ROUTES_404:
        if isinstance(body, str):
            body = {"company_id": bob_ids["company"]} if body == "company" else {f"{body}_id": bob_ids[body]}
        r = await client.request(method, path.format(**ids), json=body, headers=bob.headers)
        assert_problem(r, 404)
    for path in LISTS:
        assert (await client.get(path, headers=bob.headers)).json()["total"] == (
            1 if path in {"/api/companies", "/api/questions", "/api/skills"} else 0
        ), path
    assert (await _snapshot(client, alice, ids)) == before, "Bob's attempts changed Alice's data"


async def test_body_references_to_other_users_rows_are_refused(
    client: httpx.AsyncClient, alice: UserCtx, bob: UserCtx
) -> None:
    ids = await _alice_world(client, alice)
    bc = await f.company(client, bob, "Bob Co")
    bi = await f.interview(client, bob, bc["id"])
    bp = await f.post(client, bob, "/api/practice-sessions", {})
    bs = await f.skill(client, bob)
    h = bob.headers
    cases = [
        ("POST", "/api/interviews", {"company_id": ids["c"]}),
        ("POST", "/api/interviews", {"company_id": bc["id"], "role_id": ids["r"]}),
        ("POST", "/api/interviews", {"company_id": bc["id"], "cv_version_id": ids["cv"]}),
        ("PATCH", f"/api/interviews/{bi['id']}", {"company_id": ids["c"]}),
        ("POST", f"/api/interviews/{bi['id']}/questions", {"question_id": ids["q"]}),
        ("POST", f"/api/interviews/{bi['id']}/skills", {"skill_id": ids["s"]}),
        ("POST", "/api/questions", {"question_text": "Mine?", "company_id": ids["c"]}),
        ("POST", "/api/questions", {"question_text": "Mine?", "skill_ids": [ids["s"]]}),
        ("POST", "/api/roles", {"role_title": "x", "company_id": ids["c"]}),
        ("POST", f"/api/practice-sessions/{bp['id']}/questions", {"question_id": ids["q"]}),
        ("POST", "/api/skill-gaps", {"skill_id": ids["s"], "gap_description": "x"}),
        ("POST", "/api/skill-gaps", {"skill_id": bs["id"], "gap_description": "x", "interview_id": ids["i"]}),
        ("POST", "/api/user-skills", {"skill_id": ids["s"]}),
    ]
    for method, path, body in cases:
        assert_problem(await client.request(method, path, json=body, headers=h), 422)
    stats = (await client.get("/api/stats/overview", headers=h)).json()
    assert stats["totals"]["interviews"] == 1 and stats["totals"]["questions"] == 0


async def test_everything_needs_auth(client: httpx.AsyncClient, app) -> None:  # type: ignore[no-untyped-def]
    spec = app.openapi()
    public = {"/api/auth/register", "/api/auth/token"}
    checked = 0
    for path, ops in spec["paths"].items():
        if not path.startswith("/api") or path in public:
            continue
        for method in ops:
            if (method, path) == ("get", "/api/agents/answer-stream"):
                continue  # authenticated by a single-use ticket instead; see tests/agents
            if (method, path) == ("get", "/api/calendar/{token}.ics"):
                continue  # the secret in the URL is the credential; see tests/calendar
            url = path
            for part in (
                "{item_id}",
                "{interview_id}",
                "{round_id}",
                "{question_id}",
                "{skill_id}",
                "{session_id}",
                "{key_id}",
                "{conversation_id}",
                "{category}",
            ):
                url = url.replace(part, "behavioral" if part == "{category}" else "1")
            # The body in the media type the operation documents (a 415 would answer first).
            content = ops[method].get("requestBody", {}).get("content", {})
            if "multipart/form-data" in content:
                r = await client.request(method.upper(), url, files={"file": ("x.csv", b"a\n")})
            elif "application/x-www-form-urlencoded" in content:
                r = await client.request(method.upper(), url, data={"x": "1"})
            else:
                r = await client.request(method.upper(), url, json={})
            assert_problem(r, 401)
            checked += 1
    assert checked > 60
