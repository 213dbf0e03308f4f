"""Headless Debian Chromium for the browser tests (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

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
# Every host name but loopback fails to resolve: the pages must not need the internet.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def require_chromium() -> None:
    if not HAVE_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")


@pytest.fixture
async def launch_browser() -> AsyncIterator[Callable[..., Any]]:
    """Launch headless Chromium (offline unless told otherwise); closed after the test."""
    require_chromium()
    from playwright.async_api import async_playwright

    OUTPUT.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browsers: list[Any] = []

        async def _launch(*, offline: bool = True) -> Any:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=[*FLAGS, OFFLINE] if offline else FLAGS
            )
            browsers.append(browser)
            return browser

        try:
            yield _launch
        finally:
            for browser in browsers:
                await browser.close()
