"""The web app at /app in a real headless Chromium against the app on loopback, signed in as a
`seed-demo` account: a practice review, a 3-question mock interview to its report, the Progress
charts (drawn marks and a data table each), logging a question from an interview; every view
screenshotted at desktop and 375 px width, with no horizontal scrolling and no console errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app import demo
from app.config import Settings
from app.models import User
from tests.browser.conftest import OUTPUT
from tests.conftest import TEST_PASSWORD, register_user
from tests.live import LiveServer

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# Which elements show, by area: the header's brand, the sign-in card, the nav, the view.
VISIBLE = """() => [...document.body.querySelectorAll('*')].filter((el) => el.checkVisibility()).map((el) => (
  el.closest('#login') ? 'login' : el.closest('#nav') ? 'nav' : el.closest('#view') ? 'view'
    : el.closest('.account') ? 'account' : el.closest('.topbar') ? 'topbar' : el.tagName.toLowerCase()))"""

# Form controls in the view that have no accessible label.
UNLABELLED = """() => [...document.querySelectorAll('#view input, #view select, #view textarea')]
  .filter((el) => el.checkVisibility() && !el.labels?.length && !el.getAttribute('aria-label'))
  .map((el) => el.id || el.outerHTML.slice(0, 80))"""

# Per chart: drawn marks, data-table rows, whether the drawing is named by the caption.
CHARTS = """() => [...document.querySelectorAll('figure.chart')].map((f) => ({
  id: f.id,
  marks: f.querySelectorAll('svg .mark').length,
  rows: f.querySelectorAll('details table tbody tr').length,
  named: [...f.querySelectorAll('svg')].every((s) => s.getAttribute('role') === 'img'
    && s.getAttribute('aria-labelledby') === `${f.id}-title ${f.id}-summary`),
  summary: f.querySelector('.summary').textContent,
}))"""


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings.model_copy(update={"agent_rate_limit_per_minute": 1000}))
    server.start()
    yield server
    server.stop()


async def seed_demo_user(app: Any, client: httpx.AsyncClient, email: str) -> Any:
    """What `interview-api seed-demo` does for an account: the demo job search."""
    user = await register_user(client, email)
    async with app.state.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        await demo.seed(session, row)
        await session.commit()
    return user


async def shoot(page: Any, name: str) -> None:
    """Screenshots at desktop and phone width; at 375 px nothing may scroll sideways."""
    await page.screenshot(path=str(OUTPUT / f"app-{name}.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(300)  # charts redraw to the new width
    overflow = await page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"{name} scrolls sideways at 375 px: {overflow}"
    await page.screenshot(path=str(OUTPUT / f"app-{name}-375.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)
    await page.wait_for_timeout(300)


async def open_view(page: Any, label: str, ready: str) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()
    await page.wait_for_selector(ready)
    assert await page.locator("#nav a[aria-current=page]").text_content() == label
    assert await page.evaluate(UNLABELLED) == []


async def test_web_app_end_to_end(
    app: Any, client: httpx.AsyncClient, server: LiveServer, launch_browser: Callable[..., Any]
) -> None:
    user = await seed_demo_user(app, client, "demo@example.com")
    api = httpx.AsyncClient(base_url=server.url, headers=user.headers)
    console_errors: list[str] = []
    browser = await launch_browser()
    page = await browser.new_page(viewport=DESKTOP)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))

    # Signed out: only the sign-in card (and the brand) shows, wherever the link pointed.
    await page.goto(server.url + "/app/progress")
    await page.wait_for_selector("#login:not([hidden])")
    assert set(await page.evaluate(VISIBLE)) <= {"login", "topbar", "account"}
    assert "view" not in await page.evaluate(VISIBLE) and "nav" not in await page.evaluate(VISIBLE)
    await shoot(page, "signed-out")

    # Sign in lands on the page the link named.
    await page.get_by_label("Email").fill(user.email)
    await page.get_by_label("Password").fill(TEST_PASSWORD)
    await page.click("#sign-in")
    await page.wait_for_selector("figure.chart")
    assert await page.text_content("#who") == user.email
    assert await page.locator("#login").is_hidden()

    # Coach: ask, the answer streams with a routing badge and follow-ups.
    await open_view(page, "Coach", "#coach-question")
    await page.get_by_label("Your interview question").fill("How would you design a URL shortener?")
    await page.click("#coach-ask")
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=status]')?.textContent.startsWith('complete')",
        timeout=30_000,
    )
    assert await page.locator("#coach-thread .chip").count() == 3
    assert await page.locator("[data-testid=routing]").get_attribute("data-agent") == "system_design"
    await page.wait_for_selector("#coach-conversations button")
    await shoot(page, "coach")

    # Practice: the due question says why; a graded answer shows the rubric and the next due date.
    before = (await api.get("/api/review/summary")).json()["reviewed_last_7_days"]
    await open_view(page, "Practice", "#practice-question")
    assert (await page.text_content("#practice-reason") or "").startswith("Why now:")
    first = await page.text_content("#practice-question")
    await page.get_by_label("Your answer").fill(
        "I would start by clarifying the goal, then walk through the situation, the task, what I did "
        "and the measurable result: we cut latency by 40% and I learned to bring data early."
    )
    await page.click("#practice-grade")
    await page.wait_for_selector("#practice-grade-result", timeout=30_000)
    assert (await page.text_content("[data-testid=overall]") or "").endswith("/10")
    assert await page.locator("#practice-grade-result tbody tr").count() >= 2
    assert (await page.text_content("[data-testid=next-due]") or "").startswith("Next review:")
    await shoot(page, "practice-graded")
    # Next question, rated quickly.
    await page.click("#practice-next")
    await page.wait_for_function(
        f"() => document.querySelector('#practice-question')?.textContent !== {first!r}"
    )
    await page.click("#practice-card button[data-rating=good]")
    await page.wait_for_selector("[data-testid=next-due]")
    assert "You rated it good" in (await page.text_content("#practice-result") or "")
    await shoot(page, "practice")
    assert (await api.get("/api/review/summary")).json()["reviewed_last_7_days"] == before + 2

    # Mock interview: 3 questions for an upcoming interview, answered to the report.
    await open_view(page, "Mock interview", "#mock-form")
    assert await page.locator("#target-interview").is_checked()
    await page.get_by_label("Questions").fill("3")
    await shoot(page, "mock-plan")
    await page.click("#mock-start")
    await page.wait_for_selector("#mock-answer")
    answered = 0
    for _ in range(8):  # 3 questions, and at most one follow-up each
        if await page.locator("[data-testid=report]").count():
            break
        question = await page.text_content("#mock-question")
        await page.get_by_label("Your answer", exact=False).fill(
            "First I'd clarify requirements and scale, then the API, the data model and storage, "
            "then the bottleneck: a cache in front, sharding by key, and what I'd measure."
        )
        await page.click("#mock-send")
        answered += 1
        await page.wait_for_function(
            f"""() => document.querySelector('[data-testid=report]')
              || (document.querySelector('#mock-question') && document.querySelector('#mock-question').textContent !== {question!r})
              || document.querySelector('#mock-live .error')""",
            timeout=30_000,
        )
        assert await page.locator("#mock-live .error").count() == 0
        if answered == 1:
            assert await page.locator("#view .bubble.interviewer").count() >= 1
    await page.wait_for_selector("[data-testid=report]")
    assert (await page.text_content("[data-testid=report-overall]") or "").endswith("/10")
    mocks = (await api.get("/api/mock-interviews")).json()["items"]
    assert mocks[0]["status"] == "finished" and mocks[0]["answered"] == 3
    assert await page.locator("#mock-transcript > li").count() == 3
    await shoot(page, "mock-report")

    # Progress: four charts, each with drawn marks, a data table and a text alternative.
    await open_view(page, "Progress", "figure.chart")
    charts = await page.evaluate(CHARTS)
    assert [c["id"] for c in charts] == ["chart-trends", "chart-skills", "chart-funnel", "chart-forecast"]
    for chart in charts:
        assert chart["marks"] > 0 and chart["rows"] > 0 and chart["named"], chart
        assert len(chart["summary"]) > 40 and "yet" not in chart["summary"], chart
    await page.locator("#chart-funnel summary").click()
    assert await page.locator("#chart-funnel table").is_visible()
    await shoot(page, "progress")

    # Interviews: a recent one's rounds and questions; log "I was asked X, I'd rate it 4".
    await open_view(page, "Interviews", "#recent-title")
    assert await page.locator("#upcoming-title + ul li").count() > 0
    await shoot(page, "interviews")
    await page.locator("#recent-title + ul a", has_text="Completed").first.click()
    await page.wait_for_selector("#log-form")
    assert await page.locator("section[aria-labelledby=rounds-title] tbody tr").count() > 0
    assert await page.locator("#interview-questions .rating:not(.none)").count() > 0
    interview_id = int(page.url.rsplit("/", 1)[1])
    await page.get_by_label("I was asked").fill("How do you decide what to cache, and for how long?")
    await page.get_by_label("I'd rate my answer (1–10)").fill("4")
    await page.click("#log-submit")
    await page.wait_for_selector("#log-status.ok")
    await page.wait_for_selector("#interview-questions li:has-text('what to cache')")
    assert "4/10" in (
        await page.locator("#interview-questions li", has_text="what to cache").text_content() or ""
    )
    links = (await api.get(f"/api/interviews/{interview_id}/questions", params={"page_size": 100})).json()[
        "items"
    ]
    logged = [
        q for q in links if q["question"]["question_text"].startswith("How do you decide what to cache")
    ]
    assert [q["answer_quality_rating"] for q in logged] == [4]
    await shoot(page, "interview")

    # Keyboard: the skip link comes first and lands in the view.
    await page.reload()
    await page.wait_for_selector("#log-form")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "view"

    # Sign out: back to sign-in only; a reload stays signed out.
    await page.click("#logout")
    await page.wait_for_selector("#login:not([hidden])")
    assert set(await page.evaluate(VISIBLE)) <= {"login", "topbar", "account"}
    await api.aclose()
    async with httpx.AsyncClient(base_url=server.url) as c:
        assert (await c.get("/playground")).status_code == 200
        r = await c.get("/app/interviews/3")
        assert r.status_code == 200 and "Content-Security-Policy" in r.headers
    assert console_errors == []
