"""The dashboard's pages. Each page is one transaction: check scope, read, audit, render.

Scope: a viewer sees the people below them in the supervisor chain (their span), team by
team; a page about anyone else is refused with 403, the same answer whether or not the
team or person exists. Every person shown (other than the viewer) is audited as viewed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from bot.assistant.access import QA_ACCESS
from bot.operations.reports.compliance import compute
from bot.operations.reports.load import ReportError, month, read_for, so_far
from bot.operations.reports.model import MEASURES, Period, Report
from bot.operations.reports.overview import below, person_page, staying, team_overview
from bot.web.app import GRANT, Web, signed_in
from bot.web.audit import View
from bot.web.report_charts import case_chart, monthly_chart
from storage.records import Person
from storage.sql import SqlTransaction

HISTORY_MONTHS = 6
FORBIDDEN = "You can open the dashboard for the people you supervise, and the teams they are in."


class Forbidden(Exception):
    """The viewer may not see this page."""


class Pages:
    def __init__(self, web_: Web) -> None:
        self.web = web_

    def routes(self) -> list[web.RouteDef]:
        wrap = self.web
        return [
            web.get("/dashboard", signed_in(wrap, self.home)),
            web.get("/dashboard/team/{team}", signed_in(wrap, self.team)),
            web.get("/dashboard/team/{team}/cases", signed_in(wrap, self.cases)),
            web.get("/dashboard/team/{team}/report", signed_in(wrap, self.report)),
            web.get("/dashboard/person/{person}", signed_in(wrap, self.person)),
        ]

    async def _page(self, request: web.Request, name: str, work: Any) -> web.Response:
        viewer = request[GRANT].person_id
        try:
            context = await self.web.store.run_sql(lambda tx: work(tx, viewer))
        except Forbidden:
            now = self.web.clock()
            await self.web.store.run_sql(
                lambda tx: self.web.auditor.refused(tx, viewer, request.path, now)
            )
            return self.web.render("forbidden.html", request, status=403, message=FORBIDDEN)
        return self.web.render(name, request, viewer=viewer, **context)

    def _audit(self, tx: SqlTransaction, viewer: str, people: list[Person], kind: str) -> None:
        now = self.web.clock()
        views = [View(viewer, p.id, kind, now) for p in people if p.id != viewer]
        self.web.auditor.viewed(tx, views)

    def _span(
        self, tx: SqlTransaction, viewer: str, team: str | None = None, *, today: bool = False
    ) -> list[Person]:
        """The people below the viewer (in `team`, with the viewer when they belong to it;
        `today`: without those who have left); Forbidden if there is nobody."""
        me = tx.directory.person(viewer)
        if me is not None and me.access == QA_ACCESS:  # a QA reader: the whole council
            people = tx.oversight.people(teams=[team] if team else None)
        else:
            people = below(tx, viewer)
        if team is not None:
            people = [p for p in people if p.team == team and p.id != viewer]
            if people and me is not None and me.team == team:
                people = [me, *people]
            people = sorted(people, key=lambda p: p.name)
        if today:
            people = staying(tx, people)
        if not people:
            raise Forbidden
        return people

    async def home(self, request: web.Request) -> web.Response:
        def work(tx: SqlTransaction, viewer: str) -> dict[str, Any]:
            teams: dict[str, int] = {}
            for p in self._span(tx, viewer, today=True):
                teams[p.team] = teams.get(p.team, 0) + 1
            me = tx.directory.person(viewer)
            return {"teams": sorted(teams.items()), "me": me}

        return await self._page(request, "home.html", work)

    async def team(self, request: web.Request) -> web.Response:
        team = request.match_info["team"]

        def work(tx: SqlTransaction, viewer: str) -> dict[str, Any]:
            members = self._span(tx, viewer, team, today=True)
            overview = team_overview(
                tx, members, team, self.web.today(), self.web.policies, self.web.go_live
            )
            self._audit(tx, viewer, members, "overview")
            return {"o": overview, "team": team}

        return await self._page(request, "team.html", work)

    async def cases(self, request: web.Request) -> web.Response:
        team = request.match_info["team"]

        def work(tx: SqlTransaction, viewer: str) -> dict[str, Any]:
            members = self._span(tx, viewer, team, today=True)
            overview = team_overview(
                tx, members, team, self.web.today(), self.web.policies, self.web.go_live
            )
            self._audit(tx, viewer, members, "cases")
            lines = coverage(overview.members)
            return {"o": overview, "team": team, "lines": lines, "chart": case_chart(lines)}

        return await self._page(request, "cases.html", work)

    async def report(self, request: web.Request) -> web.Response:
        team = request.match_info["team"]
        today = self.web.today()
        chosen, problem = month(f"{today:%Y-%m}"), None
        asked = request.query.get("month", "")[:40]
        if asked:
            try:
                wanted = month(asked)
            except ReportError:
                problem = f"{asked!r} is not a month like {today:%Y-%m}"
            else:
                if wanted.start > today:
                    problem = f"{wanted.start:%B %Y} has not begun yet"
                else:
                    chosen = wanted
        if problem:
            problem += f": showing {chosen.start:%B %Y} instead."

        policies, go_live, label = self.web.policies, self.web.go_live, f"team {team}"

        def work(tx: SqlTransaction, viewer: str) -> dict[str, Any]:
            members = self._span(tx, viewer, team)
            ids = [p.id for p in members]
            reports = [
                compute(read_for(tx, members, ids, when, label, policies, go_live), policies)
                for when in (so_far(months, today) for months in history(chosen))
            ]
            self._audit(tx, viewer, members, "report")
            return report_context(team, chosen, reports) | {"problem": problem}

        return await self._page(request, "report.html", work)

    async def person(self, request: web.Request) -> web.Response:
        person_id = request.match_info["person"]

        def work(tx: SqlTransaction, viewer: str) -> dict[str, Any]:
            span = self._span(tx, viewer)  # Forbidden to someone with nobody below them
            if person_id == viewer:  # a manager's own row on their team's page
                subject = tx.directory.person(viewer)
            else:
                subject = next((p for p in span if p.id == person_id), None)
            if subject is None:
                raise Forbidden
            page = person_page(tx, subject, self.web.today(), self.web.policies, self.web.go_live)
            self._audit(tx, viewer, [subject], "timeline")
            return {"page": page}

        return await self._page(request, "person.html", work)


def history(last: Period) -> list[Period]:
    """The `HISTORY_MONTHS` months ending with `last`, oldest first."""
    periods = [last]
    while len(periods) < HISTORY_MONTHS:
        first = periods[0].start
        before = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
        periods.insert(0, month(f"{before:%Y-%m}"))
    return periods


def coverage(members: list[Any]) -> list[dict[str, Any]]:
    """Open cases by type and risk: how many, how many overdue, the longest overdue."""
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for member in members:
        for case in member.cases:
            line = lines.setdefault(
                (case.case_type, case.risk),
                {
                    "case_type": case.case_type,
                    "risk": case.risk,
                    "open": 0,
                    "overdue": 0,
                    "longest": 0,
                    "rule": case.rule,
                },
            )
            line["open"] += 1
            if case.overdue_days > 0:
                line["overdue"] += 1
                line["longest"] = max(line["longest"], case.overdue_days)
    return [lines[k] for k in sorted(lines)]


def report_context(team: str, chosen: Period, reports: list[Report]) -> dict[str, Any]:
    current = reports[-1]
    return {
        "team": team,
        "period": chosen,
        "report": current,
        "total": current.total(),
        "measures": MEASURES,
        "individual_chart": monthly_chart(
            "individual-chart",
            "Individual supervision held on time, by month",
            "individual",
            reports,
        ),
        "record_chart": monthly_chart(
            "record-chart", "Records written within the deadline, by month", "record", reports
        ),
        "case_chart": case_chart(
            [
                {
                    "case_type": c.case_type,
                    "risk": c.risk,
                    "open": c.open,
                    "overdue": c.overdue,
                    "longest": c.longest_overdue_days,
                    "rule": c.rule.id,
                }
                for c in current.cases
            ]
        ),
    }
