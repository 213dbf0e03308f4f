"""The playground in a real headless Chromium against the app on loopback: sign in, ask, watch
the routing badge and the answer grow, click a follow-up, stop midway, see the conversation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.browser.conftest import OUTPUT
from tests.live import LiveServer

# Every element of the page: where it is, whether it is a control, whether it is shown.
ELEMENTS = """() => [...document.body.querySelectorAll('*')].map((el) => ({
  name: el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`,
  area: el.closest('#login') ? 'login' : el.closest('#app') ? 'app' : 'page',
  control: el.matches('input, button, textarea, select'),
  visible: el.checkVisibility(),
}))"""

# Emphasis everywhere (list items, headings, paragraphs), and no false emphasis.
MARKDOWN_SAMPLE = """async () => {
  const { renderMarkdown } = await import('/static/markdown.js');
  const box = document.createElement('div');
  renderMarkdown(box, [
    '- what *you* were responsible for',
    '- **impact** and _why_, in `a*b`',
    '',
    '## The *key* idea',
    '',
    '2 * 3 * 4 and author_id',
  ].join('\\n'));
  return box.innerHTML;
}"""


async def assert_signed_out_view(page: Any) -> None:
    """Only the sign-in card: nothing of the app shows, every sign-in control does."""
    elements = await page.evaluate(ELEMENTS)
    assert [e["name"] for e in elements if e["area"] == "app" and e["visible"]] == []
    assert [e["name"] for e in elements if e["area"] == "login" and e["control"] and not e["visible"]] == []
    assert not await page.locator("#app").is_visible() and await page.locator("#login").is_visible()
    assert await page.text_content("#who") == ""


async def assert_signed_in_view(page: Any) -> None:
    """The app, without the sign-in card; every control but Stop (nothing is streaming)."""
    elements = await page.evaluate(ELEMENTS)
    assert [e["name"] for e in elements if e["area"] == "login" and e["visible"]] == []
    hidden_controls = [
        e["name"] for e in elements if e["area"] == "app" and e["control"] and not e["visible"]
    ]
    assert hidden_controls == ["#stop"]


@pytest.fixture(scope="module")
def paced_server(settings: Settings) -> Iterator[LiveServer]:
    # A paced offline coach, so growth over several frames and a mid-stream stop are observable.
    server = LiveServer(
        settings.model_copy(update={"offline_chunk_delay_ms": 40.0, "agent_rate_limit_per_minute": 1000})
    )
    server.start()
    yield server
    server.stop()


async def test_playground_end_to_end(paced_server: LiveServer, launch_browser: Callable[..., Any]) -> None:
    console_errors: list[str] = []
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    await page.goto(paced_server.url + "/playground")
    await page.wait_for_selector("#login:not([hidden])")
    await assert_signed_out_view(page)
    await page.screenshot(path=str(OUTPUT / "playground-signed-out.png"), full_page=True)

    # Signing in with an unknown email says so, and creates nothing.
    await page.fill("#email", "browser@example.com")
    await page.fill("#password", "correct-horse-42")
    await page.click("#sign-in")
    await page.wait_for_function("() => document.querySelector('#login-error').textContent !== ''")
    assert "Wrong email or password" in (await page.text_content("#login-error") or "")
    await assert_signed_out_view(page)

    # "Create account" is its own action (it succeeds: signing in created nothing).
    await page.click("#create-account")
    await page.wait_for_selector("#app:not([hidden])")
    assert await page.text_content("#who") == "browser@example.com"
    await page.wait_for_function("() => document.querySelector('#model').textContent.includes('offline')")
    await assert_signed_in_view(page)

    # Ask; the routing badge appears and the answer grows over several frames.
    await page.fill("#question", "How would you design Instagram?")
    await page.click("#ask")
    badge = page.locator('[data-testid="routing"]').last
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=routing]')?.dataset.agent === 'system_design'"
    )
    assert "System Design Coach" in (await badge.text_content() or "")
    await page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=answer]')].pop().textContent.length > 0"
    )
    lengths = []
    for _ in range(6):
        lengths.append(len(await page.locator('[data-testid="answer"]').last.text_content() or ""))
        await page.wait_for_timeout(150)
    assert lengths == sorted(lengths) and len(set(lengths)) >= 4, lengths

    # It completes, with three follow-up chips.
    await page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=status]')].pop().textContent.startsWith('complete')",
        timeout=30_000,
    )
    chips = page.locator(".chip")
    assert await chips.count() == 3
    follow_up = await chips.first.text_content()

    # Click a follow-up: it becomes the next question in the same conversation.
    await chips.first.click()
    await page.wait_for_function("() => document.querySelectorAll('.turn').length === 2")
    assert await page.locator(".turn h3").last.text_content() == follow_up
    await page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=answer]')].pop().textContent.length > 40"
    )
    # Stop midway: the stream ends and the text stops growing.
    await page.click("#stop")
    await page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=status]')].pop().textContent === 'stopped'"
    )
    stopped_at = len(await page.locator('[data-testid="answer"]').last.text_content() or "")
    await page.wait_for_timeout(600)
    assert len(await page.locator('[data-testid="answer"]').last.text_content() or "") == stopped_at
    assert await page.locator("#stop").is_hidden()
    first_status = await page.locator('[data-testid="status"]').first.text_content() or ""
    assert first_status.startswith("complete")  # the first turn stays complete

    # The conversation is listed, and the stopped turn was stored as cancelled.
    await page.wait_for_selector("#conversations li")
    await page.screenshot(path=str(OUTPUT / "playground.png"), full_page=True)
    token = await page.evaluate("sessionStorage.getItem('itk-token')")
    # Rendered answers show no Markdown emphasis markers.
    answers = await page.locator('[data-testid="answer"]').all_text_contents()
    assert not [a for a in answers if re.search(r"\*\*?\w|\w\*\*?(?!\w)", a)], answers
    rendered = await page.evaluate(MARKDOWN_SAMPLE)
    assert "<li>what <em>you</em> were responsible for</li>" in rendered
    assert "<li><strong>impact</strong> and <em>why</em>, in <code>a*b</code></li>" in rendered
    assert "<h4>The <em>key</em> idea</h4>" in rendered
    assert "<p>2 * 3 * 4 and author_id</p>" in rendered

    # Sign out: back to the sign-in card alone, the conversation gone from the page.
    await page.click("#logout")
    await assert_signed_out_view(page)
    assert await page.locator(".turn").count() == 0
    assert await page.evaluate("sessionStorage.getItem('itk-token')") is None
    await page.screenshot(path=str(OUTPUT / "playground-signed-out-again.png"), full_page=True)

    # The account exists now: "Create account" says so; a wrong password is refused.
    await page.fill("#password", "correct-horse-42")
    await page.click("#create-account")
    await page.wait_for_function("() => document.querySelector('#login-error').textContent !== ''")
    assert "already exists" in (await page.text_content("#login-error") or "")
    await page.fill("#password", "wrong-horse-42")
    await page.click("#sign-in")
    await page.wait_for_function(
        "() => document.querySelector('#login-error').textContent.startsWith('Wrong')"
    )
    await assert_signed_out_view(page)
    await page.fill("#password", "correct-horse-42")
    await page.click("#sign-in")
    await page.wait_for_selector("#app:not([hidden])")
    await page.wait_for_selector("#conversations li")
    await assert_signed_in_view(page)
    assert await page.text_content("#login-error") == ""

    async with httpx.AsyncClient(base_url=paced_server.url) as c:
        h = {"Authorization": f"Bearer {token}"}
        conv_id = (await c.get("/api/agents/conversations", headers=h)).json()["items"][0]["id"]
        messages = (await c.get(f"/api/agents/conversations/{conv_id}", headers=h)).json()["messages"]
    assert [m["status"] for m in messages if m["role"] == "assistant"] == ["complete", "cancelled"]
    # Script errors fail the test; the refused sign-ins (401) and sign-up (409) are expected.
    assert not [e for e in console_errors if not e.startswith("Failed to load resource")], console_errors
