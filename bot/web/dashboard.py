"""Building the dashboard's routes for `sva serve` (the CLI mounts them on the server)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from typing import Any

from aiohttp import web

from bot.assistant.dashboard_links import DashboardLinks
from bot.bootstrap import App, pack_assignment
from bot.config import Config
from bot.operations.reports.digests import DigestSettings, ManagerDigests, daily_digests
from bot.web.app import Clock, Web, stylesheet, utc_now
from bot.web.audit import Auditor, TrailAuditor
from bot.web.pages import Pages
from bot.web.signin import SignIn
from policies.assignment import PackAssignment
from storage.sql import SqlStore


def dashboard_routes(
    *,
    config: Config,
    store: SqlStore,
    policies: PackAssignment,
    links: DashboardLinks,
    auditor: Auditor,
    clock: Clock = utc_now,
) -> list[web.RouteDef]:
    """Every dashboard route: the pages, sign-in, and the stylesheet."""
    web_ = Web(
        store=store,
        policies=policies,
        links=links,
        auditor=auditor,
        secure_cookies=config.web.secure_cookies,
        oidc=config.web.oidc_enabled,
        clock=clock,
        go_live=config.reminders.go_live,
    )
    routes = [web.get("/dashboard/static/style.css", stylesheet)]
    if config.web.oidc_enabled:  # before /signin/{token}, which would take /signin/oidc
        # Imported here: its HTTP client (requests, authlib's) costs a server without it MiBs.
        from bot.web.oidc import Oidc, OidcSettings

        settings = OidcSettings(
            issuer=config.web.oidc_issuer,
            client_id=config.web.oidc_client_id,
            client_secret=config.web.oidc_client_secret,
            claim=config.web.oidc_claim,
            redirect_uri=f"{links.base_url}/signin/oidc/callback",
        )
        routes += Oidc(web_, settings).routes()
    routes += SignIn(web_).routes() + Pages(web_).routes()
    return routes


def routes_for(app: App, auditor: Auditor | None = None) -> list[web.RouteDef]:
    """The dashboard of a bootstrapped app (none when `web.enabled` is false)."""
    if app.links is None:
        return []
    return dashboard_routes(
        config=app.config,
        store=app.store,
        policies=pack_assignment(app.config),
        links=app.links,
        auditor=auditor or TrailAuditor(),
    )


def jobs_for(app: App) -> list[Callable[[], Coroutine[Any, Any, None]]]:
    """Managers' weekly digests and monthly reports, at the sweep's time each day."""
    settings = app.config.oversight
    if not (settings.weekly_digest or settings.monthly_report):
        return []
    digests = ManagerDigests(
        store=app.store,
        policies=pack_assignment(app.config),
        settings=DigestSettings(
            dashboard_url=app.links.base_url if app.links else "",
            weekly=settings.weekly_digest,
            monthly=settings.monthly_report,
            monthly_working_day=settings.monthly_report_working_day,
            go_live=app.config.reminders.go_live,
        ),
    )
    at = datetime.combine(date.today(), app.config.reminders.sweep_at)
    return [lambda: daily_digests(digests, at)]
