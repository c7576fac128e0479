"""Who may open what on the dashboard, over HTTP: links, cookies, CSRF, scope, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import aiohttp
from sqlalchemy import event

from bot.web.app import COOKIE
from storage.sql import SqlStore
from tests.integration.web.conftest import NOW, Dashboard, serving


async def sign_in(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    """Open the chat link, press "Sign in"; the response to the POST (not followed)."""
    async with http.get(link) as page:
        html = await page.text()
        assert page.status == 200, html
    fields = dict(re.findall(r'name="(token|pre)" value="([^"]+)"', html))
    pre = page.cookies["sva_signin"].value
    return await http.post(
        link.rsplit("/", 2)[0] + "/signin",
        data=fields,
        cookies={"sva_signin": pre},
        allow_redirects=False,
    )


async def session_cookie(d: Dashboard, person: str) -> str:
    async with aiohttp.ClientSession() as http:
        response = await sign_in(http, d.link(person))
        assert response.status == 303, await response.text()
        morsel = response.cookies[COOKIE]
        assert morsel["httponly"] and morsel["secure"] and morsel["samesite"] == "Lax"
        return morsel.value


async def get(d: Dashboard, path: str, cookie: str | None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        cookies = {COOKIE: cookie} if cookie else {}
        async with http.get(d.url + path, cookies=cookies, allow_redirects=False) as response:
            return response.status, await response.text()


async def test_a_manager_opens_their_team_and_the_view_is_audited(dashboard: Dashboard) -> None:
    cookie = await session_cookie(dashboard, "m1")
    status, html = await get(dashboard, "/dashboard/team/North", cookie)
    assert status == 200, html
    assert "Tom Newman" in html and "Zed Else" not in html
    entries = await dashboard.store.run_sql(lambda tx: tx.audit_entries(actor="m1"))
    viewed = {(e.subject, e.record_kind, e.via, e.allowed) for e in entries}
    assert ("sw3", "dashboard-overview", "dashboard", True) in viewed
    assert not any(e.subject == "m1" for e in entries)  # your own row is not another's data
    assert await dashboard.store.run_sql(lambda tx: tx.audit_log.verify()) == []


async def test_a_pages_views_are_chained_in_one_insert(dashboard: Dashboard) -> None:
    """The audit rows of one page (one per person shown) are chained and written together:
    one tail read and one insert, not a lock, a read and an insert per person."""
    cookie = await session_cookie(dashboard, "m1")
    statements: list[str] = []

    def seen(_c: object, _cur: object, sql: str, *_: object) -> None:
        if "audit_log" in sql:
            statements.append(sql.split()[0].upper())

    event.listen(dashboard.store.engine, "before_cursor_execute", seen)
    try:
        status, _ = await get(dashboard, "/dashboard/team/North", cookie)
    finally:
        event.remove(dashboard.store.engine, "before_cursor_execute", seen)
    assert status == 200
    entries = await dashboard.store.run_sql(lambda tx: tx.audit_entries(actor="m1"))
    assert len([e for e in entries if e.record_kind == "dashboard-overview"]) == 5
    assert sorted(statements) == ["INSERT", "SELECT"]
    assert await dashboard.store.run_sql(lambda tx: tx.audit_log.verify()) == []


async def test_a_supervisor_cannot_open_another_team(dashboard: Dashboard) -> None:
    cookie = await session_cookie(dashboard, "m1")
    for path in (
        "/dashboard/team/South",
        "/dashboard/team/South/report",
        "/dashboard/person/sw9",
        "/dashboard/team/Nowhere",
    ):
        status, html = await get(dashboard, path, cookie)
        assert status == 403, path
        assert "Zed Else" not in html
    entries = await dashboard.store.run_sql(lambda tx: tx.audit_entries(actor="m1"))
    refused = {e.record_id for e in entries if not e.allowed}
    assert "/dashboard/person/sw9" in refused


async def test_a_qa_reader_opens_any_team(dashboard: Dashboard) -> None:
    cookie = await session_cookie(dashboard, "qa1")
    status, html = await get(dashboard, "/dashboard/team/South", cookie)
    assert status == 200 and "Zed Else" in html


async def test_a_supervisee_cannot_open_the_dashboard(dashboard: Dashboard) -> None:
    cookie = await session_cookie(dashboard, "sw1")
    for path in ("/dashboard", "/dashboard/team/North", "/dashboard/person/sw2"):
        status, _ = await get(dashboard, path, cookie)
        assert status == 403, path


async def test_an_expired_or_reused_link_is_refused(dashboard: Dashboard) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(dashboard.link("m1", minutes_ago=11)) as expired:
            assert expired.status == 400
            assert "expired" in await expired.text()
        link = dashboard.link("m1")
        first = await sign_in(http, link)
        assert first.status == 303
        async with http.get(link) as again:
            assert again.status == 400
    async with aiohttp.ClientSession() as http:
        fields = {"token": link.rsplit("/", 1)[1], "pre": "x"}
        replay = await http.post(
            dashboard.url + "/signin", data=fields, cookies={"sva_signin": "y"}
        )
        assert replay.status == 403


async def test_a_forged_or_missing_cookie_is_refused(dashboard: Dashboard) -> None:
    real = await session_cookie(dashboard, "sw1")
    _, _, mac = real.partition(".")
    forged_body = dashboard.links.signer.sign(
        "session", {"p": "h1", "e": "2099-01-01T00:00:00+00:00", "n": "x"}
    ).partition(".")[0]
    for cookie in (None, f"{forged_body}.{mac}", real[:-2] + "AA", "garbage"):
        status, html = await get(dashboard, "/dashboard", cookie)
        assert status == 401, cookie
        assert "/dashboard" in html  # the sign-in page explains how to get a link


async def test_sign_out_needs_the_csrf_token(dashboard: Dashboard) -> None:
    cookie = await session_cookie(dashboard, "m1")
    async with aiohttp.ClientSession() as http:
        async with http.post(
            dashboard.url + "/signout", data={"csrf": "wrong"}, cookies={COOKIE: cookie}
        ) as r:
            assert r.status == 403
        _, html = await get(dashboard, "/dashboard", cookie)
        token = re.search(r'name="csrf" value="([^"]+)"', html)
        assert token is not None
        async with http.post(
            dashboard.url + "/signout",
            data={"csrf": token.group(1)},
            cookies={COOKIE: cookie},
            allow_redirects=False,
        ) as r:
            assert r.status == 303
            assert r.cookies[COOKIE].value == ""


async def test_pages_send_security_headers(dashboard: Dashboard) -> None:
    async with aiohttp.ClientSession() as http, http.get(dashboard.url + "/signin") as r:
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]


async def test_a_manager_opens_their_own_row_of_their_teams_page(dashboard: Dashboard) -> None:
    cookie = await session_cookie(dashboard, "m1")
    status, html = await get(dashboard, "/dashboard/person/m1", cookie)
    assert status == 200, html
    assert "Maya Manager" in html


async def test_a_month_that_is_not_one_or_has_not_begun_is_said_not_shown_silently(
    dashboard: Dashboard,
) -> None:
    cookie = await session_cookie(dashboard, "m1")
    for asked, said in (
        ("2026-13", "&#39;2026-13&#39; is not a month like 2026-11"),
        ("2027-01", "January 2027 has not begun yet"),
        ("<b>x</b>", "&#39;&lt;b&gt;x&lt;/b&gt;&#39; is not a month like 2026-11"),
    ):
        status, html = await get(dashboard, f"/dashboard/team/North/report?month={asked}", cookie)
        assert status == 200, html
        assert f"{said}: showing November 2026 instead." in html
    status, html = await get(dashboard, "/dashboard/team/North/report?month=2026-10", cookie)
    assert status == 200 and "showing" not in html and "2026-10-01 to 2026-10-31" in html


def overdue_days(html: str) -> dict[str, int]:
    """Each person's days overdue on the team overview."""
    rows = re.findall(r'<tr data-person="([^"]+)">(.*?)</tr>', html, re.S)
    return {who: int(re.findall(r"<td>(\d+)</td>", row)[0]) for who, row in rows}


async def test_nothing_is_overdue_from_before_go_live(sql_store: SqlStore) -> None:
    """A new deployment's dashboard agrees with /team and the sweep: due dates before go-live
    are chased from go-live, not shown as years overdue."""
    async with serving(sql_store) as plain:
        _, before = await get(plain, "/dashboard/team/North", await session_cookie(plain, "m1"))
    assert max(overdue_days(before).values()) > 5
    live = NOW.date() - timedelta(days=5)
    async with serving(sql_store, go_live=live) as served:
        cookie = await session_cookie(served, "m1")
        _, html = await get(served, "/dashboard/team/North", cookie)
        assert max(overdue_days(html).values()) == 5
        assert f"{live.isoformat()} (go-live; due by the policy since" in html
        _, cases = await get(served, "/dashboard/team/North/cases", cookie)
        assert all(int(days) <= 5 for days in re.findall(r"<td>(\d+)</td><td>[a-z]", cases))
    async with serving(sql_store, go_live=NOW.date() + timedelta(days=3)) as served:
        _, html = await get(served, "/dashboard/team/North", await session_cookie(served, "m1"))
        assert set(overdue_days(html).values()) == {0} and "status-overdue" not in html
