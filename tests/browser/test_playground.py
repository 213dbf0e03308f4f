"""The playground in a real headless Chromium against the app on loopback: sign in, ask, watch
the routing badge and the answer grow, click a follow-up, stop midway, see the conversation."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from tests.live import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def paced_server(settings: Settings) -> Iterator[LiveServer]:
    # A paced offline coach, so growth over several frames and a mid-stream stop are observable.
    server = LiveServer(
        settings.model_copy(update={"offline_chunk_delay_ms": 40.0, "agent_rate_limit_per_minute": 1000})
    )
    server.start()
    yield server
    server.stop()


async def test_playground_end_to_end(paced_server: LiveServer) -> None:
    if not HAVE_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    OUTPUT.mkdir(exist_ok=True)
    console_errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            await page.goto(paced_server.url + "/playground")

            # Sign in (the account is created on first use).
            await page.fill("#email", "browser@example.com")
            await page.fill("#password", "correct-horse-42")
            await page.click("#login-form button")
            await page.wait_for_selector("#app:not([hidden])")
            assert await page.text_content("#who") == "browser@example.com"
            await page.wait_for_function(
                "() => document.querySelector('#model').textContent.includes('offline')"
            )

            # Ask; the routing badge appears and the answer grows over several frames.
            await page.fill("#question", "How would you design Instagram?")
            await page.click("#ask")
            badge = page.locator('[data-testid="routing"]').last
            await page.wait_for_function(
                "() => document.querySelector('[data-testid=routing]')?.dataset.agent === 'system_design'"
            )
            assert "System Design Coach" in (await badge.text_content() or "")
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
        finally:
            await browser.close()

    async with httpx.AsyncClient(base_url=paced_server.url) as c:
        h = {"Authorization": f"Bearer {token}"}
        conv_id = (await c.get("/api/agents/conversations", headers=h)).json()["items"][0]["id"]
        messages = (await c.get(f"/api/agents/conversations/{conv_id}", headers=h)).json()["messages"]
    assert [m["status"] for m in messages if m["role"] == "assistant"] == ["complete", "cancelled"]
    # Script errors fail the test; a 401 from signing in a new account first is expected.
    assert not [e for e in console_errors if not e.startswith("Failed to load resource")], console_errors
