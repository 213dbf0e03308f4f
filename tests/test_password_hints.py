"""The sign-in pages state the same password rule the API enforces."""

from __future__ import annotations

import re

import httpx

RULE = "a letter and a digit or symbol"


async def test_pages_state_the_apis_password_rule(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["UserCreate"]
    assert RULE in schema["properties"]["password"]["description"]
    # A password of letters and a symbol only is accepted, as the pages say.
    r = await client.post(
        "/api/auth/register", json={"email": "hint@example.com", "password": "quiet-harbour-lamp!"}
    )
    assert r.status_code == 201, r.text

    for path in ("/playground", "/app"):
        html = (await client.get(path)).text
        assert RULE in html, path
        assert "a letter and a digit)" not in html, path


async def test_playground_password_placeholder_is_short_and_the_rule_is_a_visible_hint(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/playground")).text
    tag = re.search(r'<input id="password"[^>]*>', html)
    assert tag is not None
    placeholder = re.search(r'placeholder="([^"]*)"', tag.group(0))
    assert placeholder is not None and len(placeholder.group(1)) <= 12, placeholder
    assert 'aria-describedby="password-hint"' in tag.group(0)
    hint = re.search(r'<p id="password-hint"[^>]*>([^<]*)</p>', html)
    assert hint is not None and RULE in hint.group(1) and "hidden" not in hint.group(0)
