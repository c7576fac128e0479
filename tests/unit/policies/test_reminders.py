"""The reminder rules on small, hand-made snapshots (no database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from policies.assignment import PackAssignment, TeamSettings
from policies.packs import load_packs
from policies.reminders import Reminder, ReminderSettings, Snapshot, compute
from policies.vocabulary import Service
from storage.records import Case, CaseEvent, Person, RotaEntry, Session
from tests.factories import a_team, person, session

PACKS = load_packs()
MONDAY = date(2026, 11, 23)


def sweep(
    people: list[Person],
    *,
    cases: Iterable[Case] = (),
    last_individual: dict[str, date] | None = None,
    last_case: dict[str, date] | None = None,
    last_group: dict[str, date] | None = None,
    records: list[Session] | None = None,
    cancellations: list[Session] | None = None,
    on_leave: set[str] | None = None,
    default: str = "southwark",
    teams: dict[str, TeamSettings] | None = None,
    settings: ReminderSettings | None = None,
    rota: list[RotaEntry] | None = None,
    sent_agendas: dict[str, str] | None = None,
    case_events: list[CaseEvent] | None = None,
    subject_cases: list[Case] | None = None,
    last_observation: dict[str, date] | None = None,
) -> list[Reminder]:
    snapshot = Snapshot(
        people={p.id: p for p in people},
        cases=[(c, (last_case or {}).get(c.ref)) for c in cases],
        last_individual={p.id: date(2026, 11, 20) for p in people} | (last_individual or {}),
        last_group=last_group
        if last_group is not None
        else {"Team A": date(2026, 11, 20), "Leadership": date(2026, 11, 20)},
        open_records=records or [],
        cancellations=cancellations or [],
        on_leave=on_leave or set(),
        rota=rota or [],
        sent_agendas=sent_agendas or {},
        case_events=case_events or [],
        subject_cases=subject_cases or [],
        last_observation=last_observation or {},
    )
    assignment = PackAssignment(packs=PACKS, default=default, teams=teams or {})
    return compute(
        snapshot, assignment, MONDAY, settings or ReminderSettings(ahead_days=5)
    ).reminders


def kinds_to(reminders: list[Reminder], who: str) -> list[tuple[str, str]]:
    return sorted((r.kind, r.subject) for r in reminders if r.to == who)


def test_individual_supervision_due_soon_goes_to_the_supervisee_and_the_supervisor() -> None:
    reminders = sweep(a_team(), last_individual={"sw1": date(2026, 10, 27)})  # monthly: due 27 Nov
    assert kinds_to(reminders, "sw1") == [("individual", "sw1")]
    assert ("individual", "sw1") in kinds_to(reminders, "tm1")
    mine = next(r for r in reminders if r.to == "sw1")
    assert mine.due == date(2026, 11, 27) and not mine.overdue
    assert mine.text == "Your individual supervision is due by Fri 27 Nov 2026."


def test_nothing_is_sent_for_what_is_not_yet_due() -> None:
    reminders = sweep(
        a_team(), last_individual={"sw1": date(2026, 11, 20), "sw2": date(2026, 11, 20)}
    )
    assert kinds_to(reminders, "sw1") == []


def test_overdue_beyond_the_packs_limit_escalates_to_the_supervisors_manager() -> None:
    reminders = sweep(
        a_team(), last_individual={"sw1": date(2026, 9, 1)}
    )  # due 1 Oct: 53 days late
    escalation = [r for r in reminders if r.kind == "escalation"]
    assert [(r.to, r.subject, r.due) for r in escalation] == [
        ("hos", "tm1/individual supervision", date(2026, 10, 1))
    ]
    assert escalation[0].text == (
        "Escalation: 1 individual supervision owed by Tom Manager is more than 14 days overdue "
        "(the oldest was due Thu 1 Oct 2026)."
    )


def test_escalations_are_gathered_into_one_line_per_supervisor_and_kind() -> None:
    cases = [
        Case(f"CR-{n}", "sw1", "child_protection", "standard", date(2026, 1, 1)) for n in range(3)
    ]
    last = {"CR-0": date(2026, 9, 1), "CR-1": date(2026, 8, 1), "CR-2": date(2026, 10, 20)}
    reminders = sweep(a_team(), cases=cases, last_case=last)
    [escalation] = [r for r in reminders if r.kind == "escalation"]
    assert escalation.subject == "tm1/case supervision" and escalation.due == date(2026, 9, 1)
    assert escalation.text.startswith(
        "Escalation: 2 case supervisions owed by Tom Manager are more than 14 days"
    )
    assert (
        len([r for r in reminders if r.kind == "case"]) == 3
    )  # CR-2 due 20 Nov: overdue, not escalated


def test_a_record_long_overdue_escalates() -> None:
    records = [session("case", "2026-10-01", "sw1", case_ref="CR-1")]
    reminders = sweep(a_team(), records=records)
    assert [(r.to, r.subject) for r in reminders if r.kind == "escalation"] == [
        ("hos", "tm1/record write-up")
    ]


def test_case_supervision_goes_to_the_supervisor_naming_the_case() -> None:
    cases = [Case("CR-1", "sw1", "child_protection", "standard", date(2026, 1, 1))]
    reminders = sweep(a_team(), cases=cases, last_case={"CR-1": date(2026, 10, 24)})
    [reminder] = [r for r in reminders if r.kind == "case"]
    assert (reminder.to, reminder.case_ref, reminder.due) == ("tm1", "CR-1", date(2026, 11, 24))
    assert "CR-1 (Sara Worker)" in reminder.text


def test_a_case_in_a_pack_without_a_rule_is_counted_not_guessed() -> None:
    cases = [Case("CR-9", "sw1", "child_protection", "standard", date(2026, 1, 1))]
    snapshot_people = [*a_team()[:2], person("sw1", policy="somerset")]
    reminders = sweep(snapshot_people, cases=cases)
    assert [r for r in reminders if r.kind == "case"] == []


def test_people_on_leave_are_not_chased_but_others_are() -> None:
    reminders = sweep(a_team(), last_individual={"sw1": date(2026, 10, 1)}, on_leave={"sw1"})
    assert kinds_to(reminders, "sw1") == []
    assert ("individual", "sw1") in kinds_to(reminders, "tm1")


def test_group_supervision_goes_to_the_team_manager_at_the_teams_service_frequency() -> None:
    teams = {"Team A": TeamSettings(service=Service.FAMILY_EARLY_HELP)}
    reminders = sweep(
        a_team(), last_group={"Team A": date(2026, 11, 16)}, teams=teams
    )  # weekly in FEH
    [group] = [r for r in reminders if r.kind == "group" and r.subject == "Team A"]
    assert (group.to, group.due) == ("tm1", date(2026, 11, 23))


def test_a_team_with_no_group_session_on_record_is_told_so() -> None:
    reminders = sweep(a_team(), last_group={"Leadership": date(2026, 11, 20)})
    [group] = [r for r in reminders if r.kind == "group"]
    assert "no group session is on record" in group.text


def test_a_case_record_not_written_up_goes_to_the_supervisor() -> None:
    records = [session("case", "2026-11-20", "sw1", case_ref="CR-1")]  # Southwark: next working day
    [reminder] = [r for r in sweep(a_team(), records=records) if r.kind == "record"]
    assert (reminder.to, reminder.due, reminder.overdue) == ("tm1", date(2026, 11, 23), False)


def test_southwark_sets_no_deadline_for_personal_records() -> None:
    records = [session("individual", "2026-11-20", "sw1")]
    assert [r for r in sweep(a_team(), records=records) if r.kind == "record"] == []


def test_central_bedfordshire_sign_off_goes_to_the_supervisee_then_lapses_to_the_supervisor() -> (
    None
):
    team = [*a_team()[:2], person("sw1", policy="central-bedfordshire")]
    pending = [session("case", "2026-11-16", "sw1", case_ref="CR-1", recorded="2026-11-18")]
    [ask] = [r for r in sweep(team, records=pending) if r.kind.startswith("signoff")]
    assert (ask.to, ask.kind, ask.due) == ("sw1", "signoff", date(2026, 11, 25))
    lapsed = [session("case", "2026-11-09", "sw1", case_ref="CR-1", recorded="2026-11-10")]
    [close] = [r for r in sweep(team, records=lapsed) if r.kind.startswith("signoff")]
    assert (close.to, close.kind) == ("tm1", "signoff-lapsed")
    assert "taken as agreed" in close.text


def test_central_bedfordshire_cancelled_case_supervision_is_rebooked_within_5_working_days() -> (
    None
):
    team = [*a_team()[:2], person("sw1", policy="central-bedfordshire")]
    cancelled = [session("case", "2026-11-19", "sw1", case_ref="CR-1", status="cancelled")]
    [rebook] = [r for r in sweep(team, cancellations=cancelled) if r.kind == "rebook"]
    assert (rebook.to, rebook.due) == ("tm1", date(2026, 11, 26))


def test_central_bedfordshire_cancelled_personal_supervision_is_rebooked_too() -> None:
    # cb:381-384 cancellation of personal & professional supervision: within 5 working days
    team = [*a_team()[:2], person("sw1", policy="central-bedfordshire")]
    cancelled = [session("individual", "2026-11-19", "sw1", status="cancelled")]
    [rebook] = [r for r in sweep(team, cancellations=cancelled) if r.kind == "rebook"]
    assert (rebook.to, rebook.due, rebook.case_ref) == ("tm1", date(2026, 11, 26), None)
    assert "individual supervision with" in rebook.text
    # Bexley rebooks no session: its pack sets no rebooking deadline for individual sessions.
    bexley = [*a_team()[:2], person("sw1", policy="bexley")]
    assert not [r for r in sweep(bexley, cancellations=cancelled) if r.kind == "rebook"]


def test_the_team_pack_applies_when_the_person_has_none() -> None:
    teams = {"Team A": TeamSettings(policy="somerset")}
    reminders = sweep(a_team(), last_individual={"sw1": date(2026, 9, 15)}, teams=teams)
    [mine] = [r for r in reminders if r.to == "sw1" and r.kind == "individual"]
    assert mine.due == date(2026, 10, 30)  # Somerset: by the end of next month (31st: a Saturday)


def test_an_overdue_supervisee_is_told_their_own_escalation_route() -> None:
    # somerset:249-250 the supervisor's line manager, then the grievance procedure
    teams = {"Team A": TeamSettings(policy="somerset")}
    reminders = sweep(a_team(), last_individual={"sw1": date(2026, 9, 15)}, teams=teams)
    [route] = [r for r in reminders if r.to == "sw1" and r.kind == "route"]
    assert route.text.startswith("Your individual supervision is more than 14 days overdue.")
    assert "supervisor's line manager" in route.text and "Grievance Procedure" in route.text
    # Southwark's policy gives no supervisee route: nothing extra is sent.
    southwark = sweep(a_team(), last_individual={"sw1": date(2026, 9, 15)})
    assert [r for r in southwark if r.kind == "route"] == []


def test_direct_observations_are_reminded_to_the_line_manager() -> None:
    # somerset:225 at least once per quarter, counted from the start date
    teams = {"Team A": TeamSettings(policy="somerset")}
    people = [p if p.id != "sw1" else replace(p, started_on=date(2026, 8, 25)) for p in a_team()]
    reminders = sweep(people, teams=teams)
    [seen] = [
        r
        for r in reminders
        if r.kind == "direct-observation" and r.subject == "sw1/direct-observation"
    ]
    assert (seen.to, seen.due, seen.overdue) == ("tm1", date(2026, 11, 25), False)
    assert (
        seen.text
        == "Direct observation of practice and feedback for Sara Worker is due by Wed 25 Nov 2026 (Somerset policy)."
    )


def test_direct_observations_count_from_the_last_one_recorded() -> None:
    # somerset:225 once per quarter: started 25 Aug (due 25 Nov), observed 10 Nov, so next 10 Feb
    teams = {"Team A": TeamSettings(policy="somerset")}
    people = [p if p.id != "sw1" else replace(p, started_on=date(2026, 8, 25)) for p in a_team()]
    observed = {"sw1": date(2026, 11, 10)}
    reminders = sweep(people, teams=teams, last_observation=observed)
    assert [r for r in reminders if r.subject == "sw1/direct-observation"] == []
    wide = ReminderSettings(ahead_days=90)
    later = sweep(people, teams=teams, last_observation=observed, settings=wide)
    [seen] = [r for r in later if r.subject == "sw1/direct-observation"]
    assert (seen.to, seen.due) == ("tm1", date(2027, 2, 10))


def test_keys_are_unique_per_person_subject_and_due_date() -> None:
    reminders = sweep(a_team(), last_individual={"sw1": date(2026, 9, 1), "sw2": date(2026, 9, 1)})
    keys = [r.key for r in reminders]
    assert len(keys) == len(set(keys))
    assert "tm1|individual|sw1|2026-10-01" in keys


def test_the_presenter_is_nudged_with_what_to_prepare_and_the_team_the_day_before() -> None:
    team = [
        person(
            p.id, role=p.role, team=p.team, supervisor=p.supervisor_id, name=p.name, policy="bexley"
        )
        for p in a_team()
    ]
    soon = RotaEntry(
        "Team A",
        date(2026, 11, 27),
        {"presenter": "sw1", "facilitator": "sw2", "advisor": "tm1"},
        "CR-1",
    )
    later = RotaEntry(
        "Team A",
        date(2026, 12, 4),
        {"presenter": "sw2", "facilitator": "tm1", "advisor": "sw1"},
        None,
    )
    tomorrow = RotaEntry(
        "Team A",
        date(2026, 11, 24),
        {"presenter": "tm1", "facilitator": "sw1", "advisor": "sw2"},
        None,
    )
    reminders = sweep(team, rota=[soon, later, tomorrow])
    presenters = sorted((r.to, r.subject) for r in reminders if r.kind == "rota-presenter")
    assert presenters == [
        ("sw1", "Team A:2026-11-27"),
        ("tm1", "Team A:2026-11-24"),
    ]  # 4 Dec is 9 working days off
    nudge = next(r for r in reminders if r.kind == "rota-presenter" and r.to == "sw1")
    assert "Case: CR-1." in nudge.text and "strengths, risks and questions" in nudge.text
    team_day_before = sorted(r.to for r in reminders if r.kind == "rota-team")
    assert team_day_before == ["sw1", "sw2", "tm1"]
    assert "presenter Tom Manager" in next(r for r in reminders if r.kind == "rota-team").text


def test_the_supervisor_gets_the_sent_agenda_two_working_days_before() -> None:
    # Southwark monthly: last 27 Oct, due Fri 27 Nov; Monday 23 Nov + 2 working days = 25 Nov: not yet.
    early = sweep(
        a_team(), last_individual={"sw1": date(2026, 10, 27)}, sent_agendas={"sw1": "1. Check-in"}
    )
    assert [r for r in early if r.kind == "agenda"] == []
    # last 25 Oct: due Wed 25 Nov, within two working days.
    due = sweep(
        a_team(), last_individual={"sw1": date(2026, 10, 25)}, sent_agendas={"sw1": "1. Check-in"}
    )
    [agenda] = [r for r in due if r.kind == "agenda"]
    assert (agenda.to, agenda.subject, agenda.due) == ("tm1", "sw1", date(2026, 11, 25))
    assert agenda.text.endswith("1. Check-in")


def test_manchester_cases_of_staff_who_are_not_the_key_worker_are_chased_at_four_weeks() -> None:
    # manchester:410-414 not the key worker: within four weeks of allocation, then eight weeks
    teams = {"Team A": TeamSettings(policy="manchester")}
    cases = [
        Case("CR-K", "sw1", "child_in_need", "standard", date(2026, 10, 26)),
        Case("CR-N", "sw1", "child_in_need", "standard", date(2026, 10, 26), key_worker=False),
    ]
    reminders = sweep(a_team(), cases=cases, teams=teams)
    [involved] = [r for r in reminders if r.kind == "case"]
    assert (involved.case_ref, involved.due) == ("CR-N", date(2026, 11, 23))


def test_a_bexley_closure_decision_is_discussed_by_the_next_supervision() -> None:
    # bexley:102-103 closure, transfer, CP or legal planning decisions discussed in
    # supervision before or just after being made
    teams = {"Team A": TeamSettings(policy="bexley")}
    closure = CaseEvent("CR-1", "sw1", "closure", date(2026, 11, 20))
    reminders = sweep(
        a_team(),
        teams=teams,
        last_individual={"sw1": date(2026, 10, 28)},  # next supervision due 25 Nov
        case_events=[closure],
    )
    [event] = [r for r in reminders if r.kind == "decision-discussion"]
    assert (event.to, event.case_ref, event.due, event.overdue) == (
        "tm1",
        "CR-1",
        date(2026, 11, 25),
        False,
    )
    assert event.text == (
        "Discussion in supervision of a closure, transfer, child protection or legal planning "
        "decision for CR-1 (Sara Worker; closure on Fri 20 Nov 2026) is due by Wed 25 Nov 2026 "
        "(Bexley policy)."
    )


def test_a_decision_after_an_overdue_supervision_is_due_from_its_own_date() -> None:
    teams = {"Team A": TeamSettings(policy="bexley")}
    legal = CaseEvent("CR-2", "sw1", "legal_planning_decision", date(2026, 11, 16))
    reminders = sweep(
        a_team(), teams=teams, last_individual={"sw1": date(2026, 9, 1)}, case_events=[legal]
    )
    [event] = [r for r in reminders if r.kind == "decision-discussion"]
    assert (event.due, event.overdue) == (date(2026, 11, 16), True)


def test_a_case_event_no_subject_of_the_pack_names_is_not_chased() -> None:
    # Southwark's pack has no decision subject: nothing is invented.
    closure = CaseEvent("CR-1", "sw1", "closure", date(2026, 11, 20))
    reminders = sweep(a_team(), case_events=[closure])
    assert [r for r in reminders if r.case_ref == "CR-1"] == []


def test_manchester_case_summaries_reach_the_sweep() -> None:
    # manchester:351-355 every 3 months a case is updated with a summary
    teams = {"Team A": TeamSettings(policy="manchester")}
    case = Case("CR-5", "sw1", "child_in_need", "standard", date(2026, 8, 25))
    reminders = sweep(a_team(), teams=teams, subject_cases=[case])
    [summary] = [r for r in reminders if r.kind == "case-summary"]
    assert (summary.to, summary.case_ref, summary.due) == ("tm1", "CR-5", date(2026, 11, 25))
    assert summary.text == (
        "Case summary against Safe, Happy, Healthy and Successful for CR-5 (Sara Worker) "
        "is due by Wed 25 Nov 2026 (Manchester policy)."
    )


def test_a_broken_pack_leaves_its_people_out_and_the_other_councils_are_reminded() -> None:
    # issue 18: one broken pack must not take the others down; the sweep reports it
    packs = {name: pack for name, pack in PACKS.items() if name != "manchester"}
    assignment = PackAssignment(
        packs=packs, default="somerset", teams={}, broken={"manchester": "individual: is missing"}
    )
    team = [
        person("tm1", role="team_manager", supervisor=None, policy="somerset"),
        person("sw1", policy="somerset"),
        person("sw2", policy="manchester"),
    ]
    case = Case("CR-5", "sw2", "child_in_need", "standard", date(2026, 8, 25))
    snapshot = Snapshot(
        people={p.id: p for p in team},
        cases=[(case, None)],
        last_individual={"tm1": date(2026, 11, 20), "sw1": date(2026, 9, 1)},
        last_group={},
        open_records=[],
        cancellations=[session("individual", "2026-11-19", "sw2", status="cancelled")],
        on_leave=set(),
        rota=[],
        sent_agendas={},
        case_events=[CaseEvent("CR-5", "sw2", "closure", date(2026, 11, 16))],
        subject_cases=[case],
    )
    result = compute(snapshot, assignment, MONDAY, ReminderSettings(ahead_days=5))
    assert ("sw1", "individual") in {(r.to, r.kind) for r in result.reminders}
    assert not [r for r in result.reminders if "sw2" in (r.to, r.subject) or r.case_ref]
    assert result.problems["policy pack manchester is broken"] == 1
