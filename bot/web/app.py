"""The manager dashboard on `sva serve`: aiohttp routes, Jinja2 pages, SVG charts.

Routes (every page needs a signed-in session; every form carries a CSRF token):
- GET  /dashboard                          the teams the viewer may open
- GET  /dashboard/team/{team}              team overview
- GET  /dashboard/team/{team}/cases        case supervision coverage
- GET  /dashboard/team/{team}/report       compliance report with charts (?month=YYYY-MM)
- GET  /dashboard/person/{person}          a person's sessions timeline and records status
- GET  /signin, GET /signin/{token}, POST /signin, POST /signout   (bot.web.signin)
- GET  /signin/oidc, GET /signin/oidc/callback                      (bot.web.oidc)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.assistant.dashboard_links import DashboardLinks, Grant
from bot.web.audit import Auditor
from policies.assignment import PackAssignment
from storage.sql import SqlStore

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
COOKIE = "sva_session"
GRANT = web.RequestKey("grant", Grant)
Clock = Callable[[], datetime]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # sign-in links must never leak through Referer
    "Cache-Control": "no-store",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class Web:
    """What every dashboard handler shares: store, packs, links, templates, clock, audit."""

    def __init__(
        self,
        *,
        store: SqlStore,
        policies: PackAssignment,
        links: DashboardLinks,
        auditor: Auditor,
        secure_cookies: bool = True,
        oidc: bool = False,
        clock: Clock = utc_now,
        today: Callable[[], date] | None = None,
        go_live: date | None = None,
    ) -> None:
        self.store = store
        self.policies = policies
        self.links = links
        self.auditor = auditor
        self.secure_cookies = secure_cookies
        self.oidc = oidc
        self.clock = clock
        self.today = today or (lambda: clock().date())
        self.go_live = go_live  # `[reminders] go_live`: nothing overdue from before it
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["overdue_cases"] = overdue_cases

    def render(
        self, name: str, request: web.Request, status: int = 200, **context: Any
    ) -> web.Response:
        grant: Grant | None = request.get(GRANT)
        csrf = self.links.csrf(grant) if grant else ""
        html = self.templates.get_template(name).render(
            signed_in=grant is not None, csrf=csrf, **context
        )
        return web.Response(text=html, content_type="text/html", status=status, headers=HEADERS)

    async def grant(self, request: web.Request) -> Grant | None:
        """The signed-in session of this request: its cookie valid, unexpired and not
        signed out. Sessions are signed cookies; signing out ends one on the server by
        storing its nonce with the used sign-in links (`end_session`), so a copy of the
        cookie kept elsewhere is refused from then on."""
        token = request.cookies.get(COOKIE)
        grant = self.links.read("session", token, self.clock()) if token else None
        if grant is None:
            return None
        nonce = grant.nonce
        ended = await self.store.run_sql(lambda tx: tx.sign_in.used(nonce))
        return None if ended else grant

    async def end_session(self, grant: Grant) -> None:
        """Sign-out: the session's nonce is used up, its cookie is never accepted again."""
        now = self.clock()
        await self.store.run_sql(lambda tx: tx.sign_in.use(grant.nonce, grant.person_id, now))

    def csrf_ok(self, request: web.Request, form: Any) -> bool:
        grant: Grant | None = request.get(GRANT)
        sent = str(form.get("csrf", ""))
        return grant is not None and bool(sent) and sent == self.links.csrf(grant)

    def start_session(self, response: web.StreamResponse, person_id: str) -> None:
        response.set_cookie(
            COOKIE,
            self.links.session(person_id, self.clock()),
            max_age=int(self.links.session_ttl.total_seconds()),
            httponly=True,
            secure=self.secure_cookies,
            samesite="Lax",
            path="/",
        )


def signed_in(web_: Web, handler: Handler) -> Handler:
    """A handler that needs a session: without one, to the sign-in page."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        grant = await web_.grant(request)
        if grant is None:
            response = web_.render("signin.html", request, status=401, oidc=web_.oidc)
            response.del_cookie(COOKIE, path="/")
            return response
        request[GRANT] = grant
        return await handler(request)

    return wrapped


async def stylesheet(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "style.css", headers={**HEADERS, "Content-Type": "text/css"})


def see_other(location: str) -> web.Response:
    """A 303 redirect, returned (not raised) so the security headers are added."""
    return web.Response(status=303, headers={**HEADERS, "Location": location})


def overdue_cases(members: list[Any]) -> list[tuple[Any, Any]]:
    """(member, case) for every overdue case, most overdue first."""
    found = [(m, c) for m in members for c in m.cases if c.overdue_days > 0]
    return sorted(found, key=lambda pair: (-pair[1].overdue_days, pair[1].ref))
