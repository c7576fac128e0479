"""The assistant service: routes one `Inbound` to a command or the dialog engine, and stores
the result in one transaction before any reply is released.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from jinja2 import Environment

from bot.assistant import audit
from bot.assistant.access import AccessSettings, Action, RecordKind, Relation, Subject, Viewer
from bot.assistant.actions import close as close_action
from bot.assistant.actions import listing as action_list
from bot.assistant.agenda_editing import edit as edit_agenda
from bot.assistant.audit import seen_by_others
from bot.assistant.choice_tokens import STALE_BUTTON, decode
from bot.assistant.commands import HELP, Command, CommandError, parse_command
from bot.assistant.dashboard_links import DashboardLinks, dashboard_reply
from bot.assistant.decision_commands import listing, request, respond
from bot.assistant.documents import (
    FILE_CHANNELS,
    agenda_document,
    cannot_send_files,
    records_document,
)
from bot.assistant.guard import (
    acknowledger_problem,
    audit_change,
    audit_outcome,
    case_refused,
    decision_refused,
    viewer_of,
)
from bot.assistant.manager_commands import session_command, team_command
from bot.assistant.names import name_of
from bot.assistant.reflections import reflections_reply
from bot.assistant.signoff import respond as record_response
from bot.assistant.typed_commands import as_command
from bot.assistant.views import (
    REFUSED,
    record_drafts,
    records_text,
    shows_shared,
    supervisor_suggestions,
)
from bot.errors import StorageRefused, TryAgainLater
from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from dialogs.definitions.decision import EVENTS as DECISION_EVENTS
from dialogs.engine import DialogEngine, Turn
from dialogs.messages import Inbound, Outbound
from dialogs.name_gate import GATE as NAMES_GATE
from policies.agenda import (
    AgendaDraft,
    DueCase,
    cases_due,
    compose_agenda,
    key_dates,
    next_session,
    overdue_since,
    render_agenda,
)
from policies.agenda_arrangement import items as arranged_items
from policies.assignment import PackAssignment
from policies.packs import PolicyPack
from storage.errors import ConcurrentUpdate, DatabaseUnusable, StorageError
from storage.records import Case, Person
from storage.sealing import SealError
from storage.store import Store, Transaction

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
R = TypeVar("R")
Turns = Callable[[Inbound], list[Outbound]]
Script = Callable[[Turns], R]
Wrap = Callable[[Transaction, Callable[[], list[Outbound]]], R]
# Decisions made in the last eight weeks go on the agenda (sessions are at most monthly in
# every pack, so this covers at least the time since the last one).
DECISIONS_ON_AGENDA = timedelta(weeks=8)
DIALOG_COMMANDS = {"cancel", "help", "back", "skip"}  # handled by the dialog when one is open


def utc_now() -> datetime:
    return datetime.now(UTC)


class Assistant:
    """Handles messages for every channel. Replies are returned only after they are stored.

    A turn (load, decide, save) is one unit of work run by the store in one transaction;
    everything inside it is synchronous and pure apart from the storage calls.
    """

    def __init__(
        self,
        *,
        store: Store,
        engine: DialogEngine,
        policies: PackAssignment,
        templates: Environment,
        clock: Clock = utc_now,
        attempts: int = 8,
        links: DashboardLinks | None = None,
        access: AccessSettings | None = None,
        go_live: date | None = None,
    ) -> None:
        self._store = store
        self._go_live = go_live  # the first day reminders chase (`[reminders] go_live`)
        self._engine = engine
        self._policies = policies
        self.templates = templates
        self._clock = clock
        self._attempts = attempts
        self._links = links
        self._access = access or AccessSettings()

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        """Answer one message. Retries when another process changed the same conversation.

        Raises:
            TryAgainLater: the message could not be stored; the person should send it again.
        """
        return await self._retrying(lambda tx: self._turn(tx, inbound), inbound.person_id)

    async def handle_within(self, inbound: Inbound, wrap: Wrap[R]) -> R:
        """Answer one message inside `wrap`, which runs in the turn's transaction: it gets the
        transaction and the turn, and may check and write around it (the inbox and the reply
        outbox do), so the turn, its replies and the bookkeeping commit together.

        Raises:
            TryAgainLater: the message could not be stored.
        """
        return await self._retrying(
            lambda tx: wrap(tx, lambda: self._turn(tx, inbound)), inbound.person_id
        )

    async def run_script(self, person_id: str, script: Script[R]) -> R:
        """Run several turns of one person in one transaction: all are stored, or none.

        `script` gets a function answering one `Inbound` (e.g. a form's answers, one by one).
        """
        return await self._retrying(
            lambda tx: script(lambda inbound: self._turn(tx, inbound)), person_id
        )

    async def _retrying(self, work: Callable[[Transaction], R], person_id: str) -> R:
        for attempt in range(self._attempts):
            try:
                return await self._store.run(work)
            except ConcurrentUpdate:
                # Two first messages from one person raced to create the conversation:
                # back off a little, with jitter, and replay the turn on the winner's state.
                await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
                continue
            except DatabaseUnusable as exc:  # one line: it says what the operator must fix
                log.error("storage refused the turn of %s: %s", person_id, exc)
                raise StorageRefused(str(exc)) from exc
            except SealError as exc:  # the keys are wrong: one line, the column and key id
                log.error("a stored value does not open for %s: %s", person_id, exc)
                raise TryAgainLater(str(exc)) from exc
            except StorageError as exc:
                log.exception("storage failed for %s", person_id)
                raise TryAgainLater(str(exc)) from exc
        raise TryAgainLater(f"conversation of {person_id} kept changing")

    async def pending(self, person_id: str) -> Outbound | None:
        """The question a person's dialog is waiting on, if one is in progress."""
        conversation = await self._store.run(lambda tx: tx.load_conversation(person_id))
        return self._engine.resume(conversation) if conversation else None

    async def current_agenda(self, person_id: str) -> AgendaDraft:
        """The person's agenda draft for their next supervision, read in one transaction."""
        return await self._store.run(lambda tx: self.agenda_draft(tx, person_id))

    def _turn(self, tx: Transaction, inbound: Inbound) -> list[Outbound]:
        now = self._clock()
        if inbound.message_id and not tx.claim_message(inbound.channel, inbound.message_id, now):
            return []  # a redelivery of a message already answered
        conversation = tx.load_conversation(inbound.person_id)
        meant = self._as_sent(inbound, conversation)
        if meant is None:
            return self._with_pending(conversation, [STALE_BUTTON])
        inbound = meant
        text = inbound.value if inbound.value is not None else inbound.text
        try:
            command = parse_command(text)
        except CommandError as problem:
            return self._with_pending(conversation, [Outbound(str(problem))])
        if command is None:
            if conversation is None:
                return [
                    Outbound(
                        "I'm not asking you anything at the moment. Type /help to see what I can do."
                    )
                ]
            return self._apply(
                tx, conversation, self._engine.handle(conversation, inbound, now), now, inbound
            )
        return self._command(tx, inbound, conversation, command, now)

    def _as_sent(self, inbound: Inbound, conversation: Conversation | None) -> Inbound | None:
        """What the person meant: a button token as its choice (None: a button of an older
        question), a bare command word as the command when no question is waiting."""
        if inbound.token is not None:
            pending = self._engine.pending(conversation) if conversation else None
            value = decode(inbound.token, pending)
            return None if value is None else replace(inbound, value=value, token=None)
        if inbound.bare_commands:
            return replace(inbound, text=as_command(inbound.text, idle=conversation is None))
        return inbound

    def _command(
        self,
        tx: Transaction,
        inbound: Inbound,
        conversation: Conversation | None,
        command: Command,
        now: datetime,
    ) -> list[Outbound]:
        if command.name in DIALOG_COMMANDS and conversation is not None:
            return self._apply(
                tx, conversation, self._engine.handle(conversation, inbound, now), now, inbound
            )
        if command.name in DIALOG_COMMANDS - {"help"}:
            return [
                Outbound(
                    f"There is nothing to {command.name}: no dialog is in progress. Type /help."
                )
            ]
        if command.name == "help":
            return [Outbound(HELP)]
        if command.name == "agenda-edit":
            pack = self._policies.for_person(tx.person(inbound.person_id))

            def render() -> str:
                return render_agenda(self.agenda_draft(tx, inbound.person_id), self.templates)

            edited = edit_agenda(tx, pack, inbound.person_id, command, now, render)
            audit_change(tx, viewer_of(inbound), RecordKind.AGENDA, inbound.person_id, now)
            return self._with_pending(conversation, edited)
        if command.name in {"agenda", "record"}:
            return self._with_pending(
                conversation, self._view(tx, viewer_of(inbound), command, now, inbound.channel)
            )
        if command.name in {"acknowledge", "dispute"}:
            answer = respond(tx, viewer_of(inbound), command, now)
            return self._with_pending(conversation, [answer])
        if command.name == "seen":
            return self._with_pending(
                conversation, [Outbound(seen_by_others(tx, inbound.person_id))]
            )
        if command.name in {"agree", "disagree"}:
            day = date.fromisoformat(command.context["date"])
            reason = command.context["text"] if command.name == "disagree" else None
            said = record_response(tx, inbound.person_id, day, reason, now)
            audit_change(tx, viewer_of(inbound), RecordKind.CASE_RECORD, inbound.person_id, now)
            return self._with_pending(conversation, [Outbound(said)])
        if command.name == "actions":
            return self._with_pending(conversation, [action_list(tx, inbound.person_id)])
        if command.name == "done":
            closed = close_action(tx, inbound.person_id, int(command.context["id"]), now)
            audit_change(tx, viewer_of(inbound), RecordKind.ACTION, command.context["id"], now)
            return self._with_pending(conversation, [closed])
        if command.name == "reflections":
            reply = reflections_reply(tx, inbound.person_id, self._engine.definition)
            return self._with_pending(conversation, [reply])
        if command.name == "team":
            who = command.context.get("person")
            answer = team_command(
                tx, viewer_of(inbound), who, now, self._policies, go_live=self._go_live
            )
            return self._with_pending(conversation, [answer])
        if command.name == "session":
            args = command.context["args"].split()
            answer = session_command(tx, viewer_of(inbound), args, now)
            return self._with_pending(conversation, [answer])
        if command.name == "rota":
            return self._with_pending(conversation, [self._rota(tx, inbound.person_id)])
        if command.name == "dashboard":
            reply = dashboard_reply(tx, self._links, inbound.person_id, now)
            return self._with_pending(conversation, [reply])
        if command.name == "decisions":
            answer = listing(tx, viewer_of(inbound), command, now)
            return self._with_pending(conversation, [answer])
        pack = self._policies.for_person(tx.person(inbound.person_id))
        policy = pack.name
        refused = case_refused(tx, viewer_of(inbound), command, now, self._access, policy)
        if refused is not None:
            return self._with_pending(conversation, [refused])
        if "corrects" in command.context and not self._corrects_ok(tx, command):
            problem = f"There is no decision {command.context['corrects']} on {command.context['case_ref']} to correct."
            return self._with_pending(conversation, [Outbound(problem)])
        if command.dialog == "decision" and (
            advice_only := decision_refused(pack, tx.person(inbound.person_id), command.context)
        ):
            return self._with_pending(conversation, [Outbound(advice_only)])
        if conversation is not None:
            title = self._engine.definition(conversation.dialog).title
            busy = Outbound(
                f"You have {with_article(title)} in progress. Finish it first, or type /cancel "
                "to stop it."
            )
            return self._with_pending(conversation, [busy])
        assert command.dialog is not None
        # A council that keeps client names out of notes: possible names are held for
        # reword or confirm (dialogs.name_gate).
        gate = {NAMES_GATE: "confirm"} if pack.client_names else {}
        if command.dialog == "decision" and pack.case_events:
            gate[DECISION_EVENTS] = ",".join(pack.case_events)  # asked which kind it is
        turn = self._engine.start(
            person_id=inbound.person_id, dialog=command.dialog, context=command.context | gate
        )
        return self._apply(tx, None, turn, now, inbound)

    def _apply(
        self,
        tx: Transaction,
        before: Conversation | None,
        turn: Turn,
        now: datetime,
        inbound: Inbound,
    ) -> list[Outbound]:
        """Store what the turn changed; the caller's transaction commits it. A decision
        naming someone who may not acknowledge it is refused and nothing is stored."""
        if turn.changed and turn.outcome is not None and turn.outcome.kind == "decision":
            problem = acknowledger_problem(tx, turn.outcome)
            if problem is not None:
                return self._with_pending(before, [Outbound(problem)])
        if turn.changed:
            if turn.conversation is not None:
                tx.save_conversation(turn.conversation, now)
            elif before is not None:
                tx.delete_conversation(before)
            if turn.outcome is not None:
                new_id = tx.add_outcome(turn.outcome)
                audit_outcome(tx, viewer_of(inbound), turn.outcome, new_id, now)
                if turn.outcome.kind == "decision" and new_id is not None:
                    return [*turn.replies, self._ask_acknowledgement(tx, turn.outcome, new_id, now)]
        return list(turn.replies)

    def _ask_acknowledgement(
        self, tx: Transaction, outcome: Outcome, decision_id: int, now: datetime
    ) -> Outbound:
        other = str(outcome.answers.get("acknowledge_by") or "")
        case_ref = outcome.context["case_ref"]
        tx.notify(
            other,
            "decision",
            str(decision_id),
            request(decision_id, name_of(tx, outcome.person_id), case_ref),
            now,
        )
        who = name_of(tx, other)
        return Outbound(f"It is decision {decision_id}. {who} has been asked to acknowledge it.")

    def _rota(self, tx: Transaction, person_id: str) -> Outbound:
        person = tx.person(person_id)
        if person is None:
            return Outbound(
                "You are not in the assistant's directory yet, so I don't know your team. Ask your administrator to add you."
            )
        sessions = tx.rota_sessions(person.team, self._clock().date())[:4]
        if not sessions:
            return Outbound(f"No group supervision is planned for {person.team} yet.")
        lines = [f"Group supervision for {person.team}:"]
        for s in sessions:
            roles = ", ".join(
                f"{role}: {who or '-'}" + (" (you)" if who == person_id else "")
                for role, who in s.roles.items()
            )
            lines.append(
                f"- {s.date:%a} {s.date.day} {s.date:%b %Y}: {roles}; case {s.case_ref or 'to be chosen'}"
            )
        return Outbound("\n".join(lines))

    def _corrects_ok(self, tx: Transaction, command: Command) -> bool:
        found = tx.decisions(ids=[int(command.context["corrects"])])
        return bool(found) and found[0].case_ref == command.context["case_ref"]

    def _view(
        self, tx: Transaction, viewer: Viewer, command: Command, now: datetime, channel: str
    ) -> list[Outbound]:
        """Agendas and record drafts, as the access table allows (audited when another
        person's); the shared wellbeing part only for the person and their supervisor."""
        subject = command.context.get("person", viewer.person_id or "")
        kind = RecordKind.CASE_RECORD if command.name == "record" else RecordKind.AGENDA
        verdict = audit.check(tx, viewer, Action.READ, kind, Subject(person_id=subject), now)
        if not verdict.allowed:
            return [Outbound(REFUSED.format(who=subject))]
        word = command.context.get("format") == "docx"
        if word and channel not in FILE_CHANNELS:
            return [cannot_send_files(channel, f"/{command.name}")]
        shared = shows_shared(tx, viewer, subject)
        if shared and subject != viewer.person_id and tx.shared_wellbeing(subject):
            # Their shared wellbeing, shown to someone else: a read of its own in the trail.
            kind_read = RecordKind.SHARED_WELLBEING.value
            audit.record(tx, viewer, "read", kind_read, Subject(person_id=subject), now)
        if command.name == "record":
            held = (
                date.fromisoformat(command.context["date"])
                if "date" in command.context
                else now.date()
            )
            if word:
                drafts = record_drafts(tx, self._policies, subject, held, shared)
                return [records_document(drafts, subject, name_of(tx, subject), held)]
            return [records_text(tx, self._policies, self.templates, subject, held, shared)]
        draft = self.agenda_draft(tx, subject, with_shared=shared)
        if (
            subject != viewer.person_id
        ):  # a supervisor or manager: nothing addressed to the supervisee
            draft = replace(draft, for_supervisee=False, whose=name_of(tx, subject))
        if word:
            text = render_agenda(draft, self.templates, "txt")
            return [agenda_document(text, subject, name_of(tx, subject))]
        agenda = Outbound(render_agenda(draft, self.templates))
        if verdict.relation in (Relation.SUPERVISOR, Relation.LINE_MANAGER):
            return [agenda, Outbound(supervisor_suggestions(tx, subject))]
        return [agenda]

    def agenda_draft(
        self,
        tx: Transaction,
        person_id: str,
        session: date | None = None,
        *,
        with_shared: bool = True,
    ) -> AgendaDraft:
        """The person's agenda draft for their next supervision (or the one on `session`);
        `with_shared=False` leaves out the wellbeing answers they shared (line management)."""
        person = tx.person(person_id)
        pack = self._policies.for_person(person)
        today = self._clock().date()
        due: list[DueCase] = []
        late: date | None = None
        if person is not None:
            last, cases = tx.supervision_history(person_id)
            late = None if session else overdue_since(pack, person, last, today)
            if late is not None and self._go_live is not None and late < self._go_live:
                # Chased from go-live, as /team and the sweep count it.
                late = self._go_live if today > self._go_live else None
                session = session or (self._go_live if late is None else None)
            session = session or next_session(pack, person, last, today)
            due = cases_due(pack, cases, session, today)
        draft = compose_agenda(
            pack=pack,
            prep_notes=tx.latest_prep_notes(person_id),
            shared=tx.shared_wellbeing(person_id) if with_shared else None,
            prep=self._engine.definition("prep"),
            checkin=self._engine.definition("checkin"),
            decisions=tx.decisions(person_id=person_id, since=self._clock() - DECISIONS_ON_AGENDA),
            session_date=session,
            due_cases=due,
            actions=tx.open_actions(person_id),
            items=arranged_items(pack, tx.agenda_edits(person_id)),
            dates=self._key_dates(tx, pack, person, today, cases, session) if person else [],
        )
        owners = {a.owner for a in draft.actions}
        names = {pid: p.name for pid in owners if (p := tx.person(pid)) is not None}
        return replace(draft, overdue_since=late, names=names)

    def _key_dates(
        self,
        tx: Transaction,
        pack: PolicyPack,
        person: Person,
        today: date,
        cases: Sequence[tuple[Case, date | None]] = (),
        session: date | None = None,
    ) -> list[tuple[date, str]]:
        """Probation and agreement dates, the pack's subjects, decisions on the person's cases
        still to be discussed, and group supervision sessions the person presents at."""
        presenting = [
            (
                entry.date,
                f"you present {entry.case_ref or 'a case'} at group supervision (flagged for group supervision)",
            )
            for entry in tx.rota_sessions(person.team, today)
            if person.id in (entry.roles.get("presenter"), entry.roles.get("lead"))
        ]
        mine = [case for case, _ in cases]
        events = tx.case_events(person.id)
        changed = tx.supervisor_changed(person.id)
        found = key_dates(
            pack,
            person,
            today,
            cases=mine,
            events=events,
            next_session=session,
            supervisor_changed=changed,
            agreed_on=tx.last_held(person.id, "agreement"),
            observed_on=tx.last_held(person.id, "observation"),
        )
        return sorted(found + presenting[:2])

    def _with_pending(
        self, conversation: Conversation | None, replies: list[Outbound]
    ) -> list[Outbound]:
        """Append the pending question so the last message always says what is expected."""
        return [*replies, self._engine.pending(conversation)] if conversation else replies


def with_article(noun: str) -> str:
    """ "an EARS case reflection", "a case preparation": the article the word's sound takes."""
    return f"{'an' if noun[:1].casefold() in 'aeio' or noun[:4] == 'EARS' else 'a'} {noun}"
