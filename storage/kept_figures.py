"""Kept compliance figures: each team's computed share of a report, and the team versions
that say whether it still holds (migration 0021: triggers bump a team's version in the
same transaction as any write to the rows its figures are read from)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    String,
    Text,
    and_,
    bindparam,
    delete,
    func,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from storage.directory import BATCH, _chunks
from storage.tables import KeptReportFiguresRow, ReportVersionRow

# Periods whose figures are kept: a year of months and the current one. Each is one row per
# team (about 32 MB for a council of 50,000), naming each person, so they are not kept for
# good; a period's figures are dropped when this many others were kept more recently.
PERIODS = 13


@dataclass(frozen=True, slots=True)
class KeptFigures:
    """One team's figures for a period under one set of rules, as of its `version`."""

    team: str
    version: int
    figures: str  # JSON made and read by bot/operations/reports/kept.py


class KeptFiguresSql:
    """Team versions and kept figures on one open connection."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def versions(self) -> dict[str, int]:
        """Every team's current version. Read it in the same snapshot as the data the
        figures are computed from (`SqlStore.read_sql`), and keep the figures only while it
        still holds (`keep`)."""
        rows = self._db.execute(select(ReportVersionRow.team, ReportVersionRow.version))
        return {team: version for team, version in rows.all()}

    def kept(
        self, start: date, end: date, rules: str, teams: Sequence[str] | None = None
    ) -> dict[str, KeptFigures]:
        """The figures kept for the period under `rules`, by team (of `teams`, or every
        team), whatever their version; figures kept under other rules are not returned."""
        table = KeptReportFiguresRow
        period = and_(table.period_start == start, table.period_end == end, table.rules == rules)
        query = select(table.team, table.version, table.figures).where(period)
        chunks = [None] if teams is None else _chunks(sorted(teams), BATCH)
        found: dict[str, KeptFigures] = {}
        for chunk in chunks:
            where = true() if chunk is None else table.team.in_(list(chunk))
            for team, version, figures in self._db.execute(query.where(where)):
                found[team] = KeptFigures(team, version, figures)
        return found

    def keep(
        self,
        start: date,
        end: date,
        rules: str,
        figures: Sequence[KeptFigures],
        kept_at: datetime,
        periods: int = PERIODS,
    ) -> None:
        """Keep these teams' figures for the period under `rules`, replacing any kept before
        (under these rules or others); a team whose version has moved on since its figures
        were read is left out (its data changed: it may even have lost the person the
        figures name to an erasure). On PostgreSQL the version row is held while the
        figures are written, so a change committing meanwhile deletes them after. Then
        drop the figures kept under other rules, and those of every period but the
        `periods` most recently kept."""
        if not figures:
            return
        dialect = postgresql if self._db.dialect.name == "postgresql" else sqlite
        versions = ReportVersionRow
        current = (
            select(
                versions.team,
                bindparam("k_start", type_=Date),
                bindparam("k_end", type_=Date),
                bindparam("k_rules", type_=String),
                versions.version,
                bindparam("k_figures", type_=Text),
                bindparam("k_kept_at", type_=DateTime(timezone=True)),
            )
            .where(versions.team == bindparam("k_team"), versions.version == bindparam("k_version"))
            .with_for_update(read=True)  # FOR SHARE; SQLite has one writer anyway
        )
        columns = ["team", "period_start", "period_end", "rules", "version", "figures", "kept_at"]
        statement = dialect.insert(KeptReportFiguresRow).from_select(columns, current)
        statement = statement.on_conflict_do_update(
            index_elements=["team", "period_start", "period_end"],
            set_={name: statement.excluded[name] for name in columns[3:]},
        )
        rows = [
            {"k_team": f.team, "k_version": f.version, "k_figures": f.figures}
            | {"k_start": start, "k_end": end, "k_rules": rules, "k_kept_at": kept_at}
            for f in figures
        ]
        for chunk in _chunks(rows, BATCH):
            self._db.execute(statement, chunk)
        self._prune(rules, periods)

    def _prune(self, rules: str, periods: int) -> None:
        """Drop the figures kept under rules other than `rules` (a later release or another
        pack: they can never be used again) and those of the periods beyond the `periods`
        most recently kept. The periods are found in the covering index and deleted by
        period: a DELETE filtering on the rules or kept_at scans the whole table."""
        table = KeptReportFiguresRow
        period = (table.period_start, table.period_end)
        newest = func.max(table.kept_at)
        ranked = select(*period).group_by(*period).order_by(newest.desc(), *period)
        for start, end in self._db.execute(ranked.offset(periods)).all():
            self._db.execute(delete(table).where(*self._period(start, end)))
        other = select(*period).where(table.rules != rules).distinct()
        for start, end in self._db.execute(other).all():
            self._db.execute(delete(table).where(*self._period(start, end), table.rules != rules))

    @staticmethod
    def _period(start: date, end: date) -> tuple[ColumnElement[bool], ...]:
        table = KeptReportFiguresRow
        return table.period_start == start, table.period_end == end

    def of_team(self, team: str) -> list[tuple[date, date, datetime, str]]:
        """Every period's figures kept for `team`: start, end, when kept, figures."""
        table = KeptReportFiguresRow
        query = select(table.period_start, table.period_end, table.kept_at, table.figures)
        rows = self._db.execute(query.where(table.team == team).order_by(table.period_start))
        return [(start, end, kept_at, figures) for start, end, kept_at, figures in rows]

    def periods(self) -> dict[tuple[date, date], int]:
        """The periods (start, end) with kept figures, and how many teams each."""
        table = KeptReportFiguresRow
        period = (table.period_start, table.period_end)
        rows = self._db.execute(select(*period, func.count()).group_by(*period))
        return {(start, end): count for start, end, count in rows.all()}

    def forget_all(self) -> int:
        """Drop every kept figure (the next report computes every team); how many went."""
        result = self._db.execute(delete(KeptReportFiguresRow))
        return result.rowcount or 0
