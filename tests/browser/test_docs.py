"""/docs and /redoc in headless Chromium with every host but loopback unresolvable: they render
the API from the app's own files, under the app's Content-Security-Policy, with no violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.browser.conftest import OUTPUT
from tests.live import LiveServer

# Records CSP violations in the page (init scripts run outside the page's CSP).
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


class Watch:
    """What a page did that it should not: console errors, CSP violations, off-host requests."""

    def __init__(self, page: Any, server: LiveServer) -> None:
        self.errors: list[str] = []
        self.off_host: list[str] = []
        host = urlsplit(server.url).netloc
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "request",
            lambda r: None if urlsplit(r.url).netloc in (host, "") else self.off_host.append(r.url),
        )

    async def check(self, page: Any) -> None:
        assert await page.evaluate("window.__csp") == []
        assert self.errors == []
        assert self.off_host == []


def _operation_count(spec: dict[str, Any]) -> int:
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    # Swagger UI shows an operation once under each of its tags.
    return sum(
        len(op.get("tags") or ["default"])
        for ops in spec["paths"].values()
        for m, op in ops.items()
        if m in methods
    )


async def test_docs_render_offline_under_csp(
    offline_live: LiveServer, launch_browser: Callable[..., Any]
) -> None:
    # The first /openapi.json builds the schema of every operation: seconds on a busy machine.
    async with httpx.AsyncClient(base_url=offline_live.url, timeout=60) as c:
        spec = (await c.get("/openapi.json")).json()
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.add_init_script(WATCH_CSP)
    watch = Watch(page, offline_live)

    response = await page.goto(offline_live.url + "/docs")
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    await page.wait_for_selector(".opblock", timeout=30_000)
    assert await page.locator(".opblock").count() == _operation_count(spec)
    assert await page.locator("button.authorize").is_visible()

    # Try it out: Swagger UI calls the API from the page (connect-src 'self').
    health = page.locator("#operations-operations-health_health_get")
    await health.locator(".opblock-summary").click()
    await health.locator("button.try-out__btn").click()
    await health.locator("button.execute").click()
    status = health.locator(".live-responses-table tr.response .response-col_status")
    await status.wait_for()
    assert (await status.text_content() or "").strip() == "200"
    await page.screenshot(path=str(OUTPUT / "docs.png"))
    await watch.check(page)

    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.add_init_script(WATCH_CSP)
    watch = Watch(page, offline_live)
    await page.goto(offline_live.url + "/redoc")
    await page.locator('h2:has-text("Process is up")').wait_for(timeout=60_000)
    # ReDoc lists every operation in its side menu.
    menu = page.locator('li[role=menuitem][data-item-id*="operation/"]')
    assert await menu.count() == _operation_count(spec)
    await page.screenshot(path=str(OUTPUT / "redoc.png"))
    await watch.check(page)
