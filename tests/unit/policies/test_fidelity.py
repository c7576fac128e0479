"""Issue 18: the rules the packs missed or misread. Each test names the seed lines it reads
and fails on the pack as it was before the fix."""

from __future__ import annotations

from datetime import date

import pytest

from policies.agenda import cases_due
from policies.due import NoRule, agreement_due, case_due, deadline_due, individual_due
from policies.packs import load_packs
from policies.subjects import SubjectFacts, subject_due
from storage.records import Case

PACKS = load_packs()
BEXLEY, CB = PACKS["bexley"], PACKS["central-bedfordshire"]
MANCHESTER, SOMERSET, SOUTHWARK = PACKS["manchester"], PACKS["somerset"], PACKS["southwark"]


def test_bexley_team_managers_have_the_four_weekly_rule() -> None:
    # bexley:23-26 "This includes: Managers, senior practitioners…"; line 42 every 4 weeks
    due = individual_due(BEXLEY, "team_manager", date(2020, 1, 1), date(2026, 11, 2))
    assert due.due == date(2026, 11, 30)


def test_bexley_foster_carers_cases_are_in_the_four_weekly_rule() -> None:
    # bexley:97-98 "All the social worker's cases … every 4 weeks"
    due = case_due(BEXLEY, "foster_carer", "standard", date(2026, 1, 1), date(2026, 10, 20))
    assert (due.due, due.rule) == (date(2026, 11, 17), "bexley.case.all-cases")


def test_bexley_group_record_has_appendix_4_headings() -> None:
    # bexley:968-1005 Group Supervision Record
    assert BEXLEY.records.group is not None
    headings = BEXLEY.records.group.headings
    assert "Reflection / analysis following group supervision" in headings
    assert "Previous safety scale rating (0-10)" in headings
    assert not any("name" in h.lower() for h in headings)


def test_manchester_session_is_one_and_a_half_to_two_hours() -> None:
    # manchester:831 "Formal supervision sessions will be for 1.5 to 2 hours each."
    assert MANCHESTER.session_length.minutes == 90
    assert "831" in MANCHESTER.session_length.cite


def test_manchester_frequency_cites_section_2_1_not_1_1_1() -> None:
    # manchester:182 "2.1 Frequency of Professional Supervision"
    for rule in MANCHESTER.individual:
        assert "1.1.1" not in rule.cite
        assert rule.cite.startswith("2.1 ")


def test_central_bedfordshire_rebooks_personal_sessions_too() -> None:
    # cb:381-384 cancellation of personal & professional supervision
    assert "individual" in CB.deadlines.rebook.kinds
    due = deadline_due(CB, "rebook", date(2026, 11, 16))
    assert due.due == date(2026, 11, 23)


def test_central_bedfordshire_rebook_after_sickness_counts_from_return() -> None:
    # cb:334-336 "within 5 working days of the persons return to work"
    due = deadline_due(CB, "rebook", date(2026, 11, 2), returned=date(2026, 11, 16))
    assert (due.due, due.rule) == (
        date(2026, 11, 23),
        "central-bedfordshire.deadlines.rebook.after-sickness",
    )


def test_a_pack_without_the_sickness_rule_ignores_the_return_date() -> None:
    due = deadline_due(CB.model_copy(), "rebook", date(2026, 11, 2))
    assert due.due == date(2026, 11, 9)


def test_central_bedfordshire_escalation_is_marked_a_local_reading() -> None:
    # cb:338-340 is about an absent supervisor, not about overdue items
    assert CB.escalation.reading.startswith("Local reading")
    assert "338" not in CB.escalation.cite


def test_central_bedfordshire_settled_care_leavers_three_monthly() -> None:
    # cb:142-143 with its value at 177-178 "At a minimum of 3 monthly"
    due = case_due(
        CB, "leaving_care_three_monthly", "standard", date(2026, 1, 1), date(2026, 8, 30)
    )
    assert (due.due, due.rule) == (
        date(2026, 11, 30),
        "central-bedfordshire.case.care-leavers-settled",
    )


def test_central_bedfordshire_first_discussion_only_for_the_family_support_rows() -> None:
    # cb:198-201 the note beside early help / assessment / CP, CIN, PLO
    new_cp = case_due(CB, "child_protection", "standard", date(2026, 12, 18), None)
    assert new_cp.rule == "central-bedfordshire.deadlines.first_case_discussion"
    assert new_cp.due == date(2027, 1, 6)
    new_lac = case_due(CB, "child_in_care", "standard", date(2026, 12, 18), None)
    assert new_lac.rule == "central-bedfordshire.case.looked-after"


@pytest.mark.parametrize(
    ("case_type", "last", "due"),
    [
        ("parent_carer_needs_assessment", date(2025, 12, 1), date(2026, 12, 1)),  # cb:152,186
        ("carer_assessment", date(2026, 11, 2), date(2026, 12, 2)),  # cb:242-246
        ("parent_and_child_placement", date(2026, 11, 2), date(2026, 12, 2)),  # cb:248
    ],
)
def test_central_bedfordshire_declares_its_own_case_types(
    case_type: str, last: date, due: date
) -> None:
    assert case_type in CB.case_types
    assert case_due(CB, case_type, "standard", date(2025, 1, 1), last).due == due


def test_a_declared_case_type_is_unknown_to_other_packs() -> None:
    with pytest.raises(NoRule, match="does not know the case_type"):
        case_due(BEXLEY, "carer_assessment", "standard", date(2026, 1, 1), None)


def test_somerset_agreement_is_due_again_after_a_change_of_supervisor() -> None:
    # somerset:162 "within one month of starting in post or a change in supervisor"
    first = agreement_due(SOMERSET, date(2026, 1, 5), None)
    again = agreement_due(SOMERSET, date(2026, 1, 5), date(2026, 10, 12))
    assert first.due == date(2026, 2, 5)
    assert (again.due, again.rule) == (
        date(2026, 11, 12),
        "somerset.deadlines.agreement.supervisor-change",
    )
    # Central Bedfordshire reviews the agreement on a change; its deadline counts from starting.
    assert agreement_due(CB, date(2026, 1, 5), date(2026, 10, 12)).due == date(2026, 2, 2)


def test_somerset_nqsw_fortnightly_ends_with_the_nqsw_year() -> None:
    # somerset:164-166 fortnightly thereafter; 158 calendar month for all practitioners
    due = individual_due(SOMERSET, "nqsw", date(2025, 1, 6), date(2026, 10, 12))
    assert (due.due, due.rule) == (date(2026, 11, 30), "somerset.individual.nqsw.phase-3")


def test_manchester_staff_who_are_not_the_key_worker() -> None:
    # manchester:410-414 within four weeks of allocation, then every eight weeks
    first = case_due(
        MANCHESTER, "child_in_need", "standard", date(2026, 11, 2), None, key_worker=False
    )
    then = case_due(
        MANCHESTER,
        "child_in_need",
        "standard",
        date(2026, 1, 1),
        date(2026, 10, 1),
        key_worker=False,
    )
    key = case_due(MANCHESTER, "child_in_need", "standard", date(2026, 11, 2), None)
    assert (first.due, first.rule) == (date(2026, 11, 30), "manchester.case.not-key-worker")
    assert then.due == date(2026, 11, 26)
    assert key.due == date(2026, 12, 24)  # 25-28 Dec are not working days: the day before


def test_not_key_worker_elsewhere_follows_the_case_type() -> None:
    due = case_due(BEXLEY, "child_in_need", "standard", date(2026, 11, 2), None, key_worker=False)
    assert due.rule == "bexley.case.all-cases"


@pytest.mark.parametrize(
    ("pack", "subject", "facts", "due"),
    [
        # bexley:137-138 four direct observations a year
        ("bexley", "direct-observation", SubjectFacts(last=date(2026, 9, 1)), date(2026, 12, 1)),
        # manchester:443-448, 610-611 two a year
        (
            "manchester",
            "direct-observation",
            SubjectFacts(start=date(2026, 5, 4)),
            date(2026, 11, 4),
        ),
        # somerset:225 once per quarter
        (
            "somerset",
            "direct-observation",
            SubjectFacts(last=date(2026, 8, 31)),
            date(2026, 11, 30),
        ),
        # manchester:351-355 case summary every 3 months
        ("manchester", "case-summary", SubjectFacts(start=date(2026, 8, 3)), date(2026, 11, 3)),
        # cb:640-641 plan reviewed at least 3 monthly
        (
            "central-bedfordshire",
            "plan-review",
            SubjectFacts(last=date(2026, 9, 1)),
            date(2026, 12, 1),
        ),
        # bexley:102-104 before or just after the decision: by the next supervision
        (
            "bexley",
            "decision-discussion",
            SubjectFacts(event=date(2026, 11, 10), next_session=date(2026, 11, 24)),
            date(2026, 11, 24),
        ),
        (
            "bexley",
            "decision-discussion",
            SubjectFacts(event=date(2026, 11, 10)),
            date(2026, 11, 10),
        ),
        # cb:338-340 supervisor absent more than 2 weeks
        (
            "central-bedfordshire",
            "supervisor-absence",
            SubjectFacts(event=date(2026, 11, 2)),
            date(2026, 11, 16),
        ),
        # bexley:212-213 records passed to the new supervisor
        (
            "bexley",
            "records-to-new-supervisor",
            SubjectFacts(event=date(2026, 11, 2), next_session=date(2026, 11, 20)),
            date(2026, 11, 20),
        ),
    ],
)
def test_declared_subjects_are_due(pack: str, subject: str, facts: SubjectFacts, due: date) -> None:
    assert subject_due(PACKS[pack], subject, facts).due == due


def test_a_subject_without_a_rule_says_why() -> None:
    with pytest.raises(NoRule, match="sets no frequency"):
        subject_due(CB, "direct-observation", SubjectFacts(last=date(2026, 1, 1)))


def test_a_subject_limited_to_roles_says_so() -> None:
    with pytest.raises(NoRule, match="not business_support"):
        subject_due(
            BEXLEY,
            "direct-observation",
            SubjectFacts(last=date(2026, 1, 1), role="business_support"),
        )


def test_every_pack_has_a_supervisee_route_or_says_none() -> None:
    # bexley:322-324 supervisor then next level manager; somerset:249-250 line manager, grievance
    assert "next level manager" in BEXLEY.escalation.route
    assert "Grievance" in SOMERSET.escalation.route
    assert SOMERSET.escalation.route.index("line manager") < SOMERSET.escalation.route.index(
        "Grievance"
    )


def test_the_agenda_shows_the_hold_answer_as_a_sentence() -> None:
    from datetime import UTC, datetime

    from dialogs.definitions import PREP, WELLBEING
    from policies.agenda import compose_agenda, render_agenda
    from policies.templates import make_templates
    from storage.records import PrepNote

    answers = {"worrying": "w", "working_well": "ww", "decided": "d", "support": None}
    note = PrepNote(
        "CR-7", "adhoc", answers | {"hold": "no"}, True, datetime(2026, 11, 20, tzinfo=UTC)
    )
    draft = compose_agenda(
        pack=CB,
        prep_notes=[note],
        shared=None,
        prep=PREP,
        checkin=WELLBEING,
        session_date=date(2026, 12, 2),
        due_cases=[],
        actions=[],
    )
    text = render_agenda(draft, make_templates(), "txt")
    assert (
        "Can hold the case until the next supervision: No: I need ad hoc supervision before then"
        in text
    )
    assert ": no\n" not in text


def test_key_dates_from_the_preparation_fill_the_key_dates_heading() -> None:
    # cb:264 agenda item "Key dates"; 282-283 "be clear about key dates / appointments"
    assert CB.records.case.prefill["Key dates"] == ("key_dates",)


def test_case_summaries_reach_the_agenda_at_3_6_and_9_months() -> None:
    # manchester:115-117 case summaries at 3, 6 and 9 months; 351-355 every 3 months
    from policies.agenda import key_dates
    from storage.records import Case
    from tests.factories import person

    worker = person("sw1", started="2020-01-01", policy="manchester")
    case = Case("CR-1", "sw1", "child_in_need", "standard", date(2026, 5, 31))
    dates = key_dates(MANCHESTER, worker, date(2026, 11, 23), cases=[case])
    summaries = [d for d, what in dates if what.startswith("case summary") and "CR-1" in what]
    assert summaries == [date(2026, 11, 30)]  # 31 May + 6 months, counted from allocation


def test_a_monthly_schedule_is_counted_from_the_start_each_time() -> None:
    from policies.subjects import next_step

    review = CB.subject("plan-review")
    assert review is not None
    # cb:640 at least 3 monthly: 31 May, 31 Aug, 30 Nov, 28 Feb (not drifting to the 28th)
    assert next_step(review, date(2026, 5, 31), date(2026, 9, 1)) == date(2026, 11, 30)


def test_the_agenda_lists_a_case_whose_worker_is_not_the_key_worker_at_four_weeks() -> None:
    # manchester:410-414; the key worker's case (8-week cycle) is not yet due
    cases: list[tuple[Case, date | None]] = [
        (Case("CR-K", "sw1", "child_in_need", "standard", date(2026, 11, 2)), None),
        (Case("CR-N", "sw1", "child_in_need", "standard", date(2026, 11, 2), False), None),
    ]
    due = cases_due(MANCHESTER, cases, date(2026, 12, 4), date(2026, 11, 26))
    assert [(c.case_ref, c.due, c.rule) for c in due] == [
        ("CR-N", date(2026, 11, 30), "manchester.case.not-key-worker")
    ]


def test_the_agenda_withholds_a_flagged_name_never_confirmed() -> None:
    # manchester:245-246 no names or personal details of clients in supervision notes
    from datetime import UTC, datetime

    from dialogs.definitions import PREP, WELLBEING
    from dialogs.name_gate import CONFIRMED
    from policies.agenda import compose_agenda, render_agenda
    from policies.templates import make_templates
    from storage.records import PrepNote

    answers = {
        "worrying": "Mum says Jayden is scared of Rex",
        "working_well": "Visits by Tyler went well",
        CONFIRMED: ["Tyler"],
    }
    note = PrepNote("CR-7", "scheduled", answers, False, datetime(2026, 11, 20, tzinfo=UTC))

    def agenda(pack: object) -> str:
        draft = compose_agenda(
            pack=pack,  # type: ignore[arg-type]
            prep_notes=[note],
            shared=None,
            prep=PREP,
            checkin=WELLBEING,
            session_date=date(2026, 12, 2),
        )
        return render_agenda(draft, make_templates(), "txt")

    text = agenda(MANCHESTER)
    assert "Jayden" not in text and "Rex" not in text
    assert "Mum says [possible name withheld] is scared of [possible name withheld]" in text
    assert "Visits by Tyler went well" in text  # confirmed: not a client's name
    assert "Jayden" in agenda(CB)  # councils without the rule: the dialog only warned


def test_a_decision_event_is_on_the_agenda_until_discussed() -> None:
    # bexley:102-103 discussed in supervision before or just after being made
    from policies.agenda import key_dates
    from storage.records import CaseEvent
    from tests.factories import person

    worker = person("sw1", policy="bexley")
    closure = CaseEvent("CR-1", "sw1", "closure", date(2026, 11, 20))
    legal = CaseEvent("CR-2", "sw1", "legal_planning_decision", date(2026, 11, 2))
    on = date(2026, 11, 23)
    dates = key_dates(BEXLEY, worker, on, events=[closure], next_session=date(2026, 11, 25))
    label = "discussion in supervision of a closure, transfer, child protection or legal planning decision"
    assert (
        date(2026, 11, 25),
        f"{label} for CR-1, closure on Fri 20 Nov 2026 (Standard Three (lines 102-104))",
    ) in dates
    # next supervision not known: due from its own date, and shown while past it
    assert (
        date(2026, 11, 2),
        f"{label} for CR-2, legal planning decision on Mon 2 Nov 2026 (Standard Three (lines 102-104))",
    ) in key_dates(BEXLEY, worker, on, events=[legal])
    assert key_dates(SOUTHWARK, worker, on, events=[closure]) == key_dates(SOUTHWARK, worker, on)


def test_policy_show_lists_client_names_and_case_advice_with_their_sources() -> None:
    from policies.describe import describe

    assert "Client names:\n  [client-names]" in describe(MANCHESTER)
    assert "source: 2.1 (lines 245-246)" in describe(MANCHESTER)
    assert "[case-advice] asye_assessor, practice_educator" in describe(SOUTHWARK)
    assert "Client names:" not in describe(SOUTHWARK)


def test_the_agenda_dates_the_somerset_agreement_from_a_change_of_supervisor() -> None:
    # somerset:162 within one month of starting in post or a change in supervisor
    from policies.agenda import key_dates
    from tests.factories import person

    worker = person("sm1", started="2020-01-05", policy="somerset")
    on = date(2026, 11, 23)
    dates = key_dates(SOMERSET, worker, on, supervisor_changed=date(2026, 11, 2))
    assert (date(2026, 12, 2), "supervision agreement in place (7.2 (line 162))") in dates
    assert not [d for d in key_dates(SOMERSET, worker, on) if "agreement" in d[1]]
    # An agreement recorded before the change does not meet it; one signed since does.
    changed = date(2026, 11, 2)
    old = key_dates(SOMERSET, worker, on, supervisor_changed=changed, agreed_on=date(2020, 1, 9))
    assert (date(2026, 12, 2), "supervision agreement in place (7.2 (line 162))") in old
    new = key_dates(SOMERSET, worker, on, supervisor_changed=changed, agreed_on=date(2026, 11, 9))
    assert not [d for d in new if "agreement" in d[1]]
    # Southwark sets no deadline: a change of supervisor adds no date
    southwark = key_dates(SOUTHWARK, worker, on, supervisor_changed=date(2026, 11, 2))
    assert not [d for d in southwark if "agreement" in d[1]]
