"""The dashboard in real Chromium (Debian's package, driven by Playwright): a manager signs in
through the link the assistant sends for /dashboard, moves around by keyboard only, and
reads the figures worked out by hand in tests/oversight_fixture.py. Screenshots of every
page are saved in the test's output folder (tmp_path).

Chromium is never downloaded: the system's /usr/bin/chromium is launched. Without it the
tests skip locally and fail under CI=true (.ci/run installs it).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright

from bot.bootstrap import build_assistant
from bot.config import Config, TeamConfig
from dialogs.messages import Inbound
from tests import oversight_fixture as fx
from tests.integration.web.conftest import NOW, Dashboard

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message + "; CI=true: the browser tests are required")
        pytest.skip(message)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


async def link_from_chat(d: Dashboard, person: str) -> str:
    """What the assistant answers to /dashboard: the one-time link in its message."""
    config = Config(team={fx.TEAM: TeamConfig(policy="manchester")})
    assistant = build_assistant(config, d.store, clock=lambda: NOW, links=d.links)
    (reply,) = await assistant.handle(
        Inbound(person_id=person, channel="console", text="/dashboard")
    )
    found = re.search(r"http://\S+", reply.text)
    assert found is not None, reply.text
    return found.group(0)


async def sign_in_by_keyboard(page: Page, link: str) -> None:
    """Open the chat link; the "Sign in" button has the focus; Enter signs in."""
    await page.goto(link)
    await page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'sign-in'"
    )
    async with page.expect_navigation():
        await page.keyboard.press("Enter")


async def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible text is `name`, then Enter."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(
            "document.activeElement && document.activeElement.textContent.trim()"
        )
        if focused == name:
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            return
    raise AssertionError(f"never reached {name!r} by keyboard")


ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('no lang');
  if (!document.querySelector('main')) problems.push('no main landmark');
  if (document.querySelectorAll('h1').length !== 1) problems.push('not one h1');
  for (const input of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!input.labels || input.labels.length === 0) problems.push('unlabelled ' + input.name);
  }
  for (const svg of document.querySelectorAll('svg')) {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
    if (svg.getAttribute('role') !== 'img' || !ids.length || ids.some(i => !document.getElementById(i)))
      problems.push('chart without a name ' + svg.id);
    if (!document.getElementById(svg.id + '-table')) problems.push('chart without its table ' + svg.id);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.querySelector('caption')) problems.push('table without caption');
  }
  return problems;
}"""


async def accessible(page: Page) -> None:
    """Structural WCAG checks: language, landmark, one h1, labels, named charts with tables."""
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url


async def cells(page: Page, row_selector: str) -> list[str]:
    return [c.strip() for c in await page.locator(f"{row_selector} > *").all_inner_texts()]


async def test_a_manager_reads_the_hand_worked_figures_by_keyboard(
    dashboard: Dashboard, browser: Browser, tmp_path: Path
) -> None:
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    await sign_in_by_keyboard(page, await link_from_chat(dashboard, "m1"))
    assert page.url == dashboard.url + "/dashboard"
    await accessible(page)
    await page.screenshot(path=tmp_path / "home.png", full_page=True)
    assert await page.get_by_role("link", name=fx.OTHER_TEAM).count() == 0

    await tab_to(page, fx.TEAM)
    await page.wait_for_url(re.compile(r"/dashboard/team/North$"))
    assert await cells(page, "tr[data-person=sw3]") == [
        "Tom Newman",
        "overdue",
        "2026-11-06",  # 7 November is a Saturday: due the working day before
        "24",
        "1",
        "0 of 2",
    ]
    assert await cells(page, "tr[data-person=sw1]") == [
        "Sam Social",
        "in time",
        "2026-12-14",
        "0",
        "0",
        "1 of 2",
    ]
    assert await cells(page, "tr[data-person=st1]") == [
        "Lee Learner",
        "no rule",
        "–",
        "0",
        "0",
        "0 of 0",
    ]
    await accessible(page)
    await page.screenshot(path=tmp_path / "team.png", full_page=True)

    await tab_to(page, "Compliance report")
    assert await cells(page, "#summary tr[data-measure=individual]") == [
        "Individual supervision held on time",
        "4",
        "2",
        "1",
        "1",
        "24",
        await page.locator("#summary tr[data-measure=individual] td").last.inner_text(),
    ]
    assert (await cells(page, "#summary tr[data-measure=group]"))[1:6] == ["1", "0", "1", "0", "6"]
    assert (await cells(page, "#summary tr[data-measure=record]"))[1:6] == [
        "3",
        "1",
        "1",
        "1",
        "13",
    ]
    assert (await cells(page, "#summary tr[data-measure=case]"))[1:6] == ["6", "5", "0", "1", "34"]
    assert (
        "manchester.individual.case-holders-and-managers"
        in await page.locator("#summary").inner_text()
    )
    excluded = await page.locator("#excluded").inner_text()
    assert (
        "on leave for at least half the period" in excluded
        and "no individual supervision rule for student" in excluded
    )
    assert (await cells(page, "#individual-chart-table tbody tr:last-child"))[:6] == [
        "Nov 2026",
        "4",
        "2",
        "1",
        "1",
        "50%",
    ]
    chart = page.locator("svg#individual-chart")
    assert await chart.get_attribute("role") == "img"
    assert "Nov 2026: 50% (2 of 4)" in (await chart.locator("desc").text_content() or "")
    assert await page.locator("svg#case-chart rect").first.get_attribute("data-value") == "1"
    await accessible(page)
    await page.screenshot(path=tmp_path / "report.png", full_page=True)

    await tab_to(page, "Case supervision coverage")
    assert await cells(page, "#overdue-cases tbody tr") == [
        "CR-2",
        "Sam Social",
        "child in need (standard)",
        "2026-10-27",
        "34",
        "manchester.case.eight-week-cycle",
    ]
    await accessible(page)
    await page.screenshot(path=tmp_path / "cases.png", full_page=True)

    await tab_to(page, "Overview")
    await tab_to(page, "Tom Newman")
    timeline = await page.locator("#timeline").inner_text()
    assert "2026-11-10" in timeline and "CR-5" in timeline and "not yet" in timeline
    await accessible(page)
    await page.screenshot(path=tmp_path / "person.png", full_page=True)
    assert all(
        (tmp_path / f"{name}.png").stat().st_size > 5_000
        for name in ("home", "team", "report", "cases", "person")
    )


async def test_the_browser_keeps_the_session_cookie_from_scripts(
    dashboard: Dashboard, browser: Browser
) -> None:
    page = await browser.new_page()
    await sign_in_by_keyboard(page, await link_from_chat(dashboard, "m1"))
    assert await page.evaluate("document.cookie") == ""  # HttpOnly
    (cookie,) = [c for c in await page.context.cookies() if c["name"] == "sva_session"]
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"


async def test_a_supervisee_is_turned_away_in_chat_and_in_the_browser(
    dashboard: Dashboard, browser: Browser, tmp_path: Path
) -> None:
    """Chat gives no link to someone who supervises nobody; a link they still hold (made
    while they supervised someone) signs them in to a refusal, not to anyone's data."""
    config = Config(team={fx.TEAM: TeamConfig(policy="manchester")})
    assistant = build_assistant(config, dashboard.store, clock=lambda: NOW, links=dashboard.links)
    (reply,) = await assistant.handle(
        Inbound(person_id="sw1", channel="console", text="/dashboard")
    )
    assert "http" not in reply.text and "nobody you supervise" in reply.text
    page = await browser.new_page()
    await sign_in_by_keyboard(page, dashboard.link("sw1"))
    assert (
        await page.get_by_role("heading", level=1).inner_text()
        == "This page is not available to you"
    )
    await page.screenshot(path=tmp_path / "refused.png")


async def test_after_sign_out_the_old_session_cookie_is_refused(
    dashboard: Dashboard, browser: Browser, tmp_path: Path
) -> None:
    page = await browser.new_page()
    await sign_in_by_keyboard(page, await link_from_chat(dashboard, "m1"))
    (old,) = [c for c in await page.context.cookies() if c["name"] == "sva_session"]
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign out").click()
    assert page.url == dashboard.url + "/signin"
    # Someone who kept a copy of the cookie (a shared computer, a stolen cookie) replays it.
    replayed = await browser.new_context()
    await replayed.add_cookies([old])
    again = await replayed.new_page()
    response = await again.goto(dashboard.url + "/dashboard/team/North")
    assert response is not None and response.status == 401
    heading = await again.get_by_role("heading", level=1).inner_text()
    assert heading == "Sign in to the supervision dashboard"
    await again.screenshot(path=tmp_path / "after-sign-out.png")
    await replayed.close()


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}


async def axe_violations(page: Page) -> list[str]:
    """axe-core (the copy shipped in the axe-playwright-python wheel) run in the page against
    the WCAG 2.0-2.2 A and AA rules: each violation as "rule: selector, ...", none expected."""
    results = await Axe().run(page, options=AXE_OPTIONS)
    checked = {
        r["id"] for kind in ("passes", "violations", "incomplete") for r in results.response[kind]
    }
    assert {"color-contrast", "html-has-lang", "document-title"} <= checked, page.url  # it ran
    return [
        f"{v['id']}: " + ", ".join(str(n["target"]) for n in v["nodes"])
        for v in results.response["violations"]
    ]


async def test_every_dashboard_page_passes_axe_wcag_22_aa(
    dashboard: Dashboard, browser: Browser, tmp_path: Path
) -> None:
    """Contrast, names, roles, landmarks, language: axe-core in real Chromium, every page."""
    page = await browser.new_page(viewport={"width": 1200, "height": 900})
    found: dict[str, list[str]] = {}
    await page.goto(dashboard.url + "/signin")
    found["signin"] = await axe_violations(page)
    link = await link_from_chat(dashboard, "m1")
    await page.goto(link)
    found["confirm"] = await axe_violations(page)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in").click()
    for name, path in (
        ("home", "/dashboard"),
        ("team", "/dashboard/team/North"),
        ("cases", "/dashboard/team/North/cases"),
        ("report", "/dashboard/team/North/report?month=2026-11"),
        ("person", "/dashboard/person/sw3"),
        ("forbidden", "/dashboard/team/South"),
    ):
        await page.goto(dashboard.url + path)
        found[name] = await axe_violations(page)
        await page.screenshot(path=tmp_path / f"axe-{name}.png", full_page=True)
    await page.goto(link)  # used: the refusal page
    found["refused"] = await axe_violations(page)
    assert found == {name: [] for name in found}
