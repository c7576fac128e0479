"""Table-driven due dates for every rule of every pack. Each row cites the seed line it checks.

Rows go through the same `answer` function as `sva policy due`, so they test the contract's
output too. A last test insists that every rule id of every pack is exercised by a row.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.operations.due_queries import answer
from policies.packs import load_packs

PACKS = load_packs()
ON = "2026-11-23"


def q(pack: str, subject: str, **fields: Any) -> str:
    return json.dumps({"policy": pack, "on": fields.pop("on", ON), "subject": subject, **fields})


def ind(pack: str, role: str, started: str, last: str | None, **kw: Any) -> str:
    return q(pack, "individual", role=role, started=started, last=last, **kw)


def case(
    pack: str, case_type: str, allocated: str, last: str | None, risk: str = "standard", **kw: Any
) -> str:
    return q(pack, "case", case_type=case_type, risk=risk, allocated=allocated, last=last, **kw)


# (seed reference, query, due date, rule) — the rule's pack prefix is added below.
ROWS: list[tuple[str, str, str, str]] = [
    # --- Bexley -------------------------------------------------------------------------
    (
        "bexley:38 weekly, first 4 weeks",
        ind("bexley", "social_worker", "2026-01-05", "2026-01-20"),
        "2026-01-27",
        "individual.case-holding.phase-1",
    ),
    (
        "bexley:38 no session yet: first phase from start",
        ind("bexley", "nqsw", "2026-01-05", None),
        "2026-01-12",
        "individual.case-holding.phase-1",
    ),
    (
        "bexley:39 fortnightly, weeks 5-8 (boundary: day 28)",
        ind("bexley", "student", "2026-01-05", "2026-02-02"),
        "2026-02-16",
        "individual.case-holding.phase-2",
    ),
    (
        "bexley:39 every 4 weeks thereafter (boundary: day 56)",
        ind("bexley", "social_worker", "2026-01-05", "2026-03-02"),
        "2026-03-30",
        "individual.case-holding.phase-3",
    ),
    (
        "bexley:42 non case holding every 4 weeks",
        ind("bexley", "non_case_holding", "2020-01-01", "2026-11-01"),
        "2026-11-27",  # a weekend: the working day before
        "individual.non-case-holding",
    ),
    (
        "bexley:98 all cases every 4 weeks",
        case("bexley", "child_protection", "2026-01-01", "2026-10-20"),
        "2026-11-17",
        "case.all-cases",
    ),
    (
        "bexley:98 counted from allocation",
        case("bexley", "early_help", "2026-11-02", None),
        "2026-11-30",
        "case.all-cases",
    ),
    (
        "bexley:107 leaving care three-monthly visits: 8 weeks",
        case("bexley", "leaving_care_three_monthly", "2025-01-01", "2026-10-01"),
        "2026-11-26",
        "case.leaving-care-visited-three-monthly",
    ),
    (
        "bexley:110 CWD review only: 12 weeks",
        case("bexley", "cwd_review_only", "2025-01-01", "2026-09-01"),
        "2026-11-24",
        "case.cwd-review-only",
    ),
    (
        "bexley:251 group every 2-4 weeks: by 4 weeks",
        q("bexley", "group", service="default", last="2026-11-10"),
        "2026-12-08",
        "group.all-teams",
    ),
    # --- Southwark ----------------------------------------------------------------------
    (
        "southwark:286 ASYE weekly for six weeks",
        ind("southwark", "nqsw", "2026-09-07", "2026-10-12"),
        "2026-10-19",
        "individual.asye.phase-1",
    ),
    (
        "southwark:287 fortnightly to six months (boundary: day 42)",
        ind("southwark", "nqsw", "2026-09-07", "2026-10-19"),
        "2026-11-02",
        "individual.asye.phase-2",
    ),
    (
        "southwark:288 monthly thereafter, clamped to 28 Feb",
        ind("southwark", "nqsw", "2025-06-01", "2026-01-31"),
        "2026-02-27",  # a weekend: the working day before
        "individual.asye.phase-3",
    ),
    (
        "southwark:292 induction: within the first week",
        ind("southwark", "social_worker", "2026-11-16", None),
        "2026-11-23",
        "individual.practitioner.first",
    ),
    (
        "southwark:1843 probation: fortnightly in the first month",
        ind("southwark", "social_worker", "2026-11-02", "2026-11-09"),
        "2026-11-23",
        "individual.practitioner.phase-1",
    ),
    (
        "southwark:300 confirmed in post: monthly",
        ind("southwark", "team_manager", "2020-01-01", "2026-10-31"),
        "2026-11-30",
        "individual.practitioner.phase-2",
    ),
    (
        "southwark:1945 students weekly",
        ind("southwark", "student", "2026-09-01", "2026-11-18"),
        "2026-11-25",
        "individual.student",
    ),
    (
        "southwark:332 FEH every other month",
        case("southwark", "early_help", "2026-01-01", "2026-09-30"),
        "2026-11-30",
        "case.family-early-help",
    ),
    (
        "southwark:334 assessment every 6 weeks",
        case("southwark", "assessment", "2026-11-02", None),
        "2026-12-14",
        "case.assessment",
    ),
    (
        "southwark:334 assessment high risk every 4 weeks",
        case("southwark", "assessment", "2026-11-02", None, risk="high"),
        "2026-11-30",
        "case.assessment.high",
    ),
    (
        "southwark:337 CIN every other month",
        case("southwark", "child_in_need", "2026-01-01", "2026-09-15"),
        "2026-11-13",  # a weekend: the working day before
        "case.child-in-need",
    ),
    (
        "southwark:337 CIN high risk monthly",
        case("southwark", "child_in_need", "2026-01-01", "2026-10-31", risk="high"),
        "2026-11-30",
        "case.child-in-need.high",
    ),
    (
        "southwark:339 CP monthly (high risk changes nothing)",
        case("southwark", "child_protection", "2026-01-01", "2026-10-23", risk="high"),
        "2026-11-23",
        "case.child-protection",
    ),
    (
        "southwark:341 CLA every other month",
        case("southwark", "child_in_care", "2026-01-01", "2026-12-31", on="2027-01-01"),
        "2027-02-26",  # a weekend: the working day before
        "case.children-in-care",
    ),
    (
        "southwark:341 CLA high risk monthly",
        case("southwark", "child_in_care", "2026-01-01", "2026-10-20", risk="high"),
        "2026-11-20",
        "case.children-in-care.high",
    ),
    (
        "southwark:343 care leavers every 3 months",
        case("southwark", "care_leaver", "2026-01-01", "2026-08-31"),
        "2026-11-30",
        "case.care-leavers",
    ),
    (
        "southwark:343 care leavers high risk monthly",
        case("southwark", "care_leaver", "2026-01-01", "2026-10-31", risk="high"),
        "2026-11-30",
        "case.care-leavers.high",
    ),
    (
        "southwark:345 foster carers every other month",
        case("southwark", "foster_carer", "2026-01-01", "2026-10-01"),
        "2026-12-01",
        "case.foster-carers",
    ),
    (
        "southwark:346 foster carers, instability: monthly",
        case("southwark", "foster_carer", "2026-01-01", "2026-10-01", risk="high"),
        "2026-10-30",  # a weekend: the working day before
        "case.foster-carers.high",
    ),
    (
        "southwark:348 YOS lower risk every other month",
        case("southwark", "youth_offending", "2026-01-01", "2026-10-01"),
        "2026-12-01",
        "case.youth-offending",
    ),
    (
        "southwark:348 YOS high risk monthly",
        case("southwark", "youth_offending", "2026-01-01", "2026-10-01", risk="high"),
        "2026-10-30",  # a weekend: the working day before
        "case.youth-offending.high",
    ),
    (
        "southwark:350 clinical monthly",
        case("southwark", "clinical", "2026-01-01", "2026-10-30"),
        "2026-11-30",
        "case.clinical",
    ),
    (
        "southwark:352 QA every 3 months",
        case("southwark", "quality_assurance", "2026-01-01", "2026-08-23"),
        "2026-11-23",
        "case.quality-assurance",
    ),
    (
        "southwark:312 group fortnightly",
        q("southwark", "group", service="default", last="2026-11-10"),
        "2026-11-24",
        "group.practitioners",
    ),
    (
        "southwark:314 group weekly in FEH",
        q("southwark", "group", service="family_early_help", last="2026-11-10"),
        "2026-11-17",
        "group.feh-and-yos",
    ),
    (
        "southwark:314 group weekly in YOS",
        q("southwark", "group", service="youth_offending", last="2026-11-16"),
        "2026-11-23",
        "group.feh-and-yos",
    ),
    (
        "southwark:574 record by the end of the next working day",
        q("southwark", "record", held="2026-11-20"),
        "2026-11-23",
        "deadlines.record",
    ),
    (
        "southwark:574 record over Christmas bank holidays",
        q("southwark", "record", held="2026-12-24"),
        "2026-12-29",
        "deadlines.record",
    ),
    # --- Manchester ---------------------------------------------------------------------
    (
        "manchester:194 case holders four weekly",
        ind("manchester", "social_worker", "2020-01-01", "2026-10-26"),
        "2026-11-23",
        "individual.case-holders-and-managers",
    ),
    (
        "manchester:194 ASYE: the case holders' minimum",
        ind("manchester", "nqsw", "2026-09-01", None),
        "2026-09-29",
        "individual.case-holders-and-managers",
    ),
    (
        "manchester:198 non case holders four weekly",
        ind("manchester", "non_case_holding", "2020-01-01", "2026-11-01"),
        "2026-11-27",  # a weekend: the working day before
        "individual.non-case-holding",
    ),
    (
        "manchester:200 business support twelve weekly",
        ind("manchester", "business_support", "2020-01-01", "2026-09-01"),
        "2026-11-24",
        "individual.non-frontline",
    ),
    (
        "manchester:390 all cases within 8 weeks",
        case("manchester", "child_in_care", "2026-01-01", "2026-09-28"),
        "2026-11-23",
        "case.eight-week-cycle",
    ),
    (
        "manchester:404 early help counted from allocation",
        case("manchester", "early_help", "2026-10-01", None),
        "2026-11-26",
        "case.eight-week-cycle",
    ),
    (
        "manchester:41 group monthly",
        q("manchester", "group", service="youth_offending", last="2026-10-31"),
        "2026-11-30",
        "group.monthly",
    ),
    (
        "manchester:539 case record within one week",
        q("manchester", "record", held="2026-11-18"),
        "2026-11-25",
        "deadlines.record",
    ),
    # --- Somerset -----------------------------------------------------------------------
    (
        "somerset:158 once per calendar month: end of next month",
        ind("somerset", "social_worker", "2020-01-01", "2026-10-01"),
        "2026-11-30",
        "individual.practitioners",
    ),
    (
        "somerset:158 calendar month from the start date",
        ind("somerset", "team_manager", "2026-12-15", None, on="2027-01-31"),
        "2027-01-29",  # a weekend: the working day before
        "individual.practitioners",
    ),
    (
        "somerset:160 part-time residential every two months",
        ind("somerset", "residential_part_time", "2020-01-01", "2026-09-30"),
        "2026-11-30",
        "individual.part-time-residential",
    ),
    (
        "somerset:165 NQSW weekly for the first 6 weeks",
        ind("somerset", "nqsw", "2026-10-05", "2026-11-09"),
        "2026-11-16",
        "individual.nqsw.phase-1",
    ),
    (
        "somerset:166 NQSW fortnightly thereafter (boundary: day 42)",
        ind("somerset", "nqsw", "2026-10-05", "2026-11-16"),
        "2026-11-30",
        "individual.nqsw.phase-2",
    ),
    (
        "somerset:150 written up within three working days",
        q("somerset", "record", held="2026-11-19"),
        "2026-11-24",
        "deadlines.record",
    ),
    (
        "somerset:150 three working days over Easter",
        q("somerset", "record", held="2026-04-02"),
        "2026-04-09",
        "deadlines.record",
    ),
    # --- Central Bedfordshire -----------------------------------------------------------
    (
        "central-bedfordshire:77 ASYE weekly for 6 weeks",
        ind("central-bedfordshire", "nqsw", "2026-09-07", None),
        "2026-09-14",
        "individual.asye.phase-1",
    ),
    (
        "central-bedfordshire:81 fortnightly up to 6 months",
        ind("central-bedfordshire", "nqsw", "2026-09-07", "2027-03-06"),
        "2027-03-19",  # a weekend: the working day before
        "individual.asye.phase-2",
    ),
    (
        "central-bedfordshire:82 monthly to the end of ASYE (boundary: 6 months)",
        ind("central-bedfordshire", "nqsw", "2026-09-07", "2027-03-07"),
        "2027-04-07",
        "individual.asye.phase-3",
    ),
    (
        "central-bedfordshire:83 after the ASYE year: calendar month",
        ind("central-bedfordshire", "nqsw", "2025-09-07", "2026-10-12"),
        "2026-11-30",
        "individual.asye.phase-4",
    ),
    (
        "central-bedfordshire:83 social workers once a calendar month",
        ind("central-bedfordshire", "social_worker", "2020-01-01", "2026-10-31"),
        "2026-11-30",
        "individual.social-workers-and-practitioners",
    ),
    (
        "central-bedfordshire:89 students weekly",
        ind("central-bedfordshire", "student", "2026-09-01", "2026-11-20"),
        "2026-11-27",
        "individual.students",
    ),
    (
        "central-bedfordshire:92 team managers once a calendar month",
        ind("central-bedfordshire", "team_manager", "2020-01-01", "2026-11-02"),
        "2026-12-31",
        "individual.team-managers",
    ),
    (
        "central-bedfordshire:199 new case within 10 working days",
        case("central-bedfordshire", "child_protection", "2026-12-18", None, on="2027-01-05"),
        "2027-01-06",
        "deadlines.first_case_discussion",
    ),
    (
        "central-bedfordshire:162 all cases monthly",
        case("central-bedfordshire", "assessment", "2026-01-01", "2026-10-31"),
        "2026-11-30",
        "case.all-cases",
    ),
    (
        "central-bedfordshire:165 CP, CIN, PLO monthly",
        case("central-bedfordshire", "plo", "2026-01-01", "2026-10-23"),
        "2026-11-23",
        "case.cp-cin-plo",
    ),
    (
        "central-bedfordshire:169 looked after, 6-weekly visits: 2 monthly",
        case("central-bedfordshire", "child_in_care", "2026-01-01", "2026-09-30"),
        "2026-11-30",
        "case.looked-after",
    ),
    (
        "central-bedfordshire:203 looked after, fragile placement: monthly",
        case("central-bedfordshire", "child_in_care", "2026-01-01", "2026-10-30", risk="high"),
        "2026-11-30",
        "case.looked-after.high",
    ),
    (
        "central-bedfordshire:175 settled care leavers 3 monthly",
        case("central-bedfordshire", "care_leaver", "2026-01-01", "2026-08-30"),
        "2026-11-30",
        "case.care-leavers",
    ),
    (
        "central-bedfordshire:178 care leavers with high need monthly",
        case("central-bedfordshire", "care_leaver", "2026-01-01", "2026-10-30", risk="high"),
        "2026-11-30",
        "case.care-leavers.high",
    ),
    (
        "central-bedfordshire:190 matched carers 3 monthly",
        case("central-bedfordshire", "foster_carer", "2026-01-01", "2026-08-31"),
        "2026-11-30",
        "case.foster-carers",
    ),
    (
        "central-bedfordshire:238 intensive support carers 2 monthly",
        case("central-bedfordshire", "foster_carer", "2026-01-01", "2026-09-30", risk="high"),
        "2026-11-30",
        "case.foster-carers.high",
    ),
    (
        "central-bedfordshire:250 adoption 2 monthly",
        case("central-bedfordshire", "adoption", "2026-01-01", "2026-09-23"),
        "2026-11-23",
        "case.adoption",
    ),
    (
        "central-bedfordshire:317 record within 5 working days",
        q("central-bedfordshire", "record", held="2026-12-21"),
        "2026-12-30",
        "deadlines.record",
    ),
    (
        "central-bedfordshire:322 sign-off within 5 working days",
        q("central-bedfordshire", "signoff", sent="2026-11-16"),
        "2026-11-23",
        "deadlines.signoff",
    ),
    (
        "central-bedfordshire:332 rebook within 5 working days",
        q("central-bedfordshire", "rebook", cancelled="2026-08-27"),
        "2026-09-04",
        "deadlines.rebook",
    ),
    (
        "bexley:97 all the social worker's cases, foster carers' too",
        case("bexley", "foster_carer", "2026-01-01", "2026-10-20"),
        "2026-11-17",
        "case.all-cases",
    ),
    (
        "bexley:24 managers are practitioners: every 4 weeks",
        ind("bexley", "team_manager", "2020-01-01", "2026-11-01"),
        "2026-11-27",  # a weekend: the working day before
        "individual.non-case-holding",
    ),
    (
        "central-bedfordshire:177 settled care leavers visited three-monthly",
        case("central-bedfordshire", "leaving_care_three_monthly", "2026-01-01", "2026-08-30"),
        "2026-11-30",
        "case.care-leavers-settled",
    ),
    (
        "central-bedfordshire:186 parent carer needs assessment once a year",
        case("central-bedfordshire", "parent_carer_needs_assessment", "2025-01-01", "2025-12-01"),
        "2026-12-01",
        "case.parent-carer-needs-assessment",
    ),
    (
        "central-bedfordshire:242 carer assessments / Reg 24 monthly",
        case("central-bedfordshire", "carer_assessment", "2026-01-01", "2026-11-02"),
        "2026-12-02",
        "case.carer-assessments",
    ),
    (
        "central-bedfordshire:248 parent and child placements monthly",
        case("central-bedfordshire", "parent_and_child_placement", "2026-01-01", "2026-11-02"),
        "2026-12-02",
        "case.parent-and-child-placements",
    ),
    (
        "central-bedfordshire:334 rebooked 5 working days after the return from sickness",
        q("central-bedfordshire", "rebook", cancelled="2026-11-02", returned="2026-11-16"),
        "2026-11-23",
        "deadlines.rebook.after-sickness",
    ),
    (
        "manchester:410 not key worker: within four weeks of allocation",
        case("manchester", "child_protection", "2026-11-02", None, key_worker=False),
        "2026-11-30",
        "case.not-key-worker",
    ),
    (
        "somerset:162 agreement within a month of a change of supervisor",
        q("somerset", "agreement", started="2026-01-05", supervisor_changed="2026-10-12"),
        "2026-11-12",
        "deadlines.agreement.supervisor-change",
    ),
    (
        "somerset:166 NQSW fortnightly inside the NQSW year",
        ind("somerset", "nqsw", "2026-01-05", "2026-12-01"),
        "2026-12-15",
        "individual.nqsw.phase-2",
    ),
    (
        "somerset:158 after the NQSW year: once per calendar month",
        ind("somerset", "nqsw", "2025-01-06", "2026-10-12"),
        "2026-11-30",
        "individual.nqsw.phase-3",
    ),
    (
        "bexley:137 direct observations four a year",
        q("bexley", "direct-observation", started="2026-01-05", last="2026-09-01"),
        "2026-12-01",
        "subjects.direct-observation",
    ),
    (
        "bexley:102 decision discussed by the next supervision",
        q("bexley", "decision-discussion", event="2026-11-10", next_session="2026-11-24"),
        "2026-11-24",
        "subjects.decision-discussion.next-session",
    ),
]

# Rules the seeds do not have: the answer is an error in the pack's own words.
NO_RULE: list[tuple[str, str, str]] = [
    (
        "bexley:24 business support out of scope",
        ind("bexley", "business_support", "2020-01-01", None),
        "bexley has no rule for individual supervision of business_support",
    ),
    (
        "bexley:141 no record deadline",
        q("bexley", "record", held="2026-11-20"),
        "bexley has no record deadline",
    ),
    (
        "bexley:141 no sign-off window",
        q("bexley", "signoff", sent="2026-11-20"),
        "bexley has no signoff deadline",
    ),
    (
        "bexley:45 rebook at the earliest opportunity",
        q("bexley", "rebook", cancelled="2026-11-20"),
        "bexley has no rebook deadline",
    ),
    (
        "southwark:330 no row for adoption",
        case("southwark", "adoption", "2026-01-01", None),
        "southwark has no rule for case supervision of adoption",
    ),
    (
        "southwark: business support not covered",
        ind("southwark", "business_support", "2020-01-01", None),
        "southwark has no rule for individual supervision",
    ),
    (
        "southwark:565 no sign-off window",
        q("southwark", "signoff", sent="2026-11-20"),
        "southwark has no signoff deadline",
    ),
    (
        "southwark: no rebook deadline",
        q("southwark", "rebook", cancelled="2026-11-20"),
        "southwark has no rebook deadline",
    ),
    (
        "manchester: students not covered",
        ind("manchester", "student", "2026-01-01", None),
        "manchester has no rule for individual supervision of student",
    ),
    (
        "manchester: no sign-off window",
        q("manchester", "signoff", sent="2026-11-20"),
        "manchester has no signoff deadline",
    ),
    (
        "manchester: no rebook deadline",
        q("manchester", "rebook", cancelled="2026-11-20"),
        "manchester has no rebook deadline",
    ),
    (
        "somerset:163 case frequency is in the Practice Standards",
        case("somerset", "child_protection", "2026-01-01", None),
        "Somerset Practice Standards",
    ),
    (
        "somerset:211 group frequency in terms of reference",
        q("somerset", "group", service="default", last="2026-11-01"),
        "somerset has no rule for group supervision",
    ),
    (
        "somerset: students not covered",
        ind("somerset", "student", "2026-01-01", None),
        "somerset has no rule for individual supervision of student",
    ),
    (
        "somerset:150 no sign-off window",
        q("somerset", "signoff", sent="2026-11-20"),
        "somerset has no signoff deadline",
    ),
    (
        "somerset:328 rearranged as soon as possible",
        q("somerset", "rebook", cancelled="2026-11-20"),
        "somerset has no rebook deadline",
    ),
    (
        "central-bedfordshire:182 CWD mirrors the plan review",
        case("central-bedfordshire", "cwd_review_only", "2026-01-01", "2026-06-01"),
        "frequency at which the plan is reviewed",
    ),
    (
        "central-bedfordshire: no row for youth offending",
        case("central-bedfordshire", "youth_offending", "2026-01-01", None),
        "has no rule for case supervision of youth_offending",
    ),
    (
        "central-bedfordshire: no group frequency",
        q("central-bedfordshire", "group", service="default", last="2026-11-01"),
        "has no rule for group supervision",
    ),
    (
        "central-bedfordshire: business support not covered",
        ind("central-bedfordshire", "business_support", "2020-01-01", None),
        "has no rule for individual supervision of business_support",
    ),
]


@pytest.mark.parametrize(("seed", "query", "due", "rule"), ROWS, ids=[r[0] for r in ROWS])
def test_due_dates(seed: str, query: str, due: str, rule: str) -> None:
    result = answer(query, PACKS)
    pack = seed.split(":")[0]
    assert result["due"] == due
    assert result["rule"] == f"{pack}.{rule}"
    assert result["overdue"] is (json.loads(query)["on"] > due)
    assert result["cite"]


@pytest.mark.parametrize(("seed", "query", "message"), NO_RULE, ids=[r[0] for r in NO_RULE])
def test_a_missing_rule_is_said_and_never_borrowed(seed: str, query: str, message: str) -> None:
    result = answer(query, PACKS)
    assert set(result) == {"error"}
    assert message in result["error"]


def test_every_rule_of_every_pack_is_exercised() -> None:
    tested = {f"{seed.split(':')[0]}.{rule}" for seed, _, _, rule in ROWS}
    tested_bases = {
        t.rsplit(".phase-", 1)[0].removesuffix(".high").removesuffix(".first") for t in tested
    }
    missing = []
    for pack in PACKS.values():
        for section in (pack.individual, pack.case, pack.group):
            kind = {
                id(pack.individual): "individual",
                id(pack.case): "case",
                id(pack.group): "group",
            }[id(section)]
            for rule in section:
                if rule.none is None and f"{pack.name}.{kind}.{rule.id}" not in tested_bases:
                    missing.append(f"{pack.name}.{kind}.{rule.id}")
                for index in range(len(getattr(rule, "phases", ()))):
                    if f"{pack.name}.{kind}.{rule.id}.phase-{index + 1}" not in tested:
                        missing.append(f"{pack.name}.{kind}.{rule.id}.phase-{index + 1}")
                if (
                    getattr(rule, "high", None)
                    and f"{pack.name}.{kind}.{rule.id}.high" not in tested
                ):
                    missing.append(f"{pack.name}.{kind}.{rule.id}.high")
        for name, deadline in pack.deadlines:
            if (
                deadline.within is not None
                and name != "agreement"
                and f"{pack.name}.deadlines.{name}" not in tested
            ):
                missing.append(f"{pack.name}.deadlines.{name}")
    assert missing == []


def test_a_misspelt_subject_is_told_every_subject_it_could_be() -> None:
    # The contract's fixed subjects as well as the ones the pack declares.
    result = answer(q("bexley", "individul", role="social_worker", started="2026-01-05"), PACKS)
    assert set(result) == {"error"}
    assert "'individul'" in result["error"]
    for subject in ("individual", "case", "group", "record", "signoff", "rebook", "agreement"):
        assert subject in result["error"]
    assert "decision-discussion" in result["error"]
