"""THE role × record × action table, cell by cell, against a small directory.

    hos1 (head of service)
    ├── tm1 (team A manager) ── sw1 (holds CR-1), sw2
    └── tm2 (team B manager) ── sw3 (holds CR-3)
    qa1: quality-assurance reader (access = qa), team QA

The expected table below is written out by hand from the issue; it is not derived from
`access.TABLE`, so a change to the code's table fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.assistant.access import (
    Action,
    Directory,
    RecordKind,
    Relation,
    Subject,
    Viewer,
    below,
    may,
    relations,
)
from storage.records import Case, Person


def person(pid: str, team: str, boss: str | None, access: str | None = None) -> Person:
    return Person(pid, pid.upper(), "social_worker", team, None, boss, date(2024, 1, 1), True,
                  access=access)  # fmt: skip


class FakeDirectory:
    def __init__(self) -> None:
        self.people = {
            p.id: p
            for p in [
                person("hos1", "Leadership", None),
                person("tm1", "Team A", "hos1"),
                person("tm2", "Team B", "hos1"),
                person("sw1", "Team A", "tm1"),
                person("sw2", "Team A", "tm1"),
                person("sw3", "Team B", "tm2"),
                person("qa1", "QA", None, access="qa"),
            ]
        }
        self.cases = {
            "CR-1": Case("CR-1", "sw1", "child_in_need", "high", date(2026, 1, 1)),
            "CR-3": Case("CR-3", "sw3", "child_in_need", "high", date(2026, 1, 1)),
        }

    def person(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def case(self, ref: str) -> Case | None:
        return self.cases.get(ref)


DIRECTORY: Directory = FakeDirectory()
VIEWERS = ["sw1", "tm1", "hos1", "sw2", "tm2", "qa1"]
# record kind, action: which of VIEWERS may, for sw1's record (or case CR-1 held by sw1).
# sw1 = self/allocated, tm1 = supervisor, hos1 = line manager, sw2 = same-team peer,
# tm2 = another team's supervisor, qa1 = QA reader.
EXPECTED = """
personal          read    sw1
personal          change  sw1
shared-wellbeing  read    sw1 tm1
shared-wellbeing  change  sw1
agenda            read    sw1 tm1 hos1
agenda            change  sw1 tm1
action            read    sw1 tm1 hos1
action            change  sw1 tm1
case-prep         read    sw1 tm1 hos1 qa1
case-prep         change  sw1 tm1 hos1
case-record       read    sw1 tm1 hos1 qa1
case-record       change  tm1 hos1
decision          read    sw1 tm1 hos1
decision          change  sw1 tm1 hos1
group             read    sw1 tm1 sw2
group             change  sw1 tm1 sw2
audit             read    sw1
audit             change
"""
CELLS = [
    (RecordKind(kind), Action(action), viewer, viewer in allowed)
    for kind, action, *allowed in (line.split() for line in EXPECTED.strip().splitlines())
    for viewer in VIEWERS
]
CASE_KINDS = {RecordKind.CASE_PREP, RecordKind.CASE_RECORD, RecordKind.DECISION}


def subject_for(kind: RecordKind) -> Subject:
    if kind in CASE_KINDS:
        return Subject(case_ref="CR-1")
    if kind is RecordKind.GROUP:
        return Subject(team="Team A")
    return Subject(person_id="sw1")


@pytest.mark.parametrize(("kind", "action", "viewer", "allowed"), CELLS)
def test_every_cell_of_the_table(
    kind: RecordKind, action: Action, viewer: str, allowed: bool
) -> None:
    verdict = may(DIRECTORY, Viewer.person(viewer, via="test"), action, kind, subject_for(kind))
    assert verdict.allowed is allowed


def test_every_kind_and_action_is_in_the_expected_table() -> None:
    assert {(k, a) for k, a, _, _ in CELLS} == {(k, a) for k in RecordKind for a in Action}


@pytest.mark.parametrize("kind", sorted(CASE_KINDS))
def test_case_kinds_also_work_with_the_person_as_subject(kind: RecordKind) -> None:
    subject = Subject(person_id="sw1")
    for viewer in ["sw1", "tm1", "hos1"]:
        assert may(DIRECTORY, Viewer.person(viewer, via="t"), Action.READ, kind, subject).allowed
    assert not may(DIRECTORY, Viewer.person("sw2", via="t"), Action.READ, kind, subject).allowed


def test_reads_of_another_persons_record_and_every_change_are_audited() -> None:
    own = may(DIRECTORY, Viewer.person("sw1", via="t"), Action.READ, RecordKind.AGENDA,
              Subject(person_id="sw1"))  # fmt: skip
    boss = may(DIRECTORY, Viewer.person("tm1", via="t"), Action.READ, RecordKind.AGENDA,
               Subject(person_id="sw1"))  # fmt: skip
    change = may(DIRECTORY, Viewer.person("sw1", via="t"), Action.CHANGE, RecordKind.AGENDA,
                 Subject(person_id="sw1"))  # fmt: skip
    assert (own.audit, boss.audit, change.audit) == (False, True, True)
    assert boss.relation is Relation.SUPERVISOR


def test_an_administrator_may_do_anything_and_is_always_audited() -> None:
    verdict = may(DIRECTORY, Viewer.admin("root", via="cli:agenda"), Action.READ,
                  RecordKind.PERSONAL, Subject(person_id="sw1"))  # fmt: skip
    assert verdict.allowed and verdict.audit and verdict.admin
    assert Viewer.admin("root", via="cli").actor == "os:root"


def test_team_case_scope_lets_the_team_prepare_and_decide_but_not_read_records() -> None:
    peer = Viewer.person("sw2", via="t")
    case = Subject(case_ref="CR-1")
    for kind in (RecordKind.CASE_PREP, RecordKind.DECISION):
        assert not may(DIRECTORY, peer, Action.CHANGE, kind, case).allowed
        assert may(DIRECTORY, peer, Action.CHANGE, kind, case, case_scope="team").allowed
    assert not may(DIRECTORY, peer, Action.READ, RecordKind.CASE_RECORD, case,
                   case_scope="team").allowed  # fmt: skip
    other_team = Viewer.person("sw3", via="t")
    assert not may(DIRECTORY, other_team, Action.CHANGE, RecordKind.CASE_PREP, case,
                   case_scope="team").allowed  # fmt: skip


def test_unknown_cases_and_people_have_no_relations() -> None:
    assert relations(DIRECTORY, "sw1", Subject(case_ref="CR-404")) == set()
    assert relations(DIRECTORY, "nobody", Subject(person_id="sw1")) == set()


def test_the_chain_is_followed_upwards_only_and_survives_cycles() -> None:
    assert below(DIRECTORY, "hos1", "sw3") and below(DIRECTORY, "tm1", "sw1")
    assert not below(DIRECTORY, "sw1", "tm1") and not below(DIRECTORY, "tm2", "sw1")
    looped = FakeDirectory()
    looped.people["a"] = person("a", "X", "b")
    looped.people["b"] = person("b", "X", "a")
    assert not below(looped, "c", "a")


class CountingDirectory(FakeDirectory):
    """Counts the lookups, as each is a query on the real store."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def person(self, person_id: str) -> Person | None:
        self.asked.append(person_id)
        return super().person(person_id)

    def case(self, ref: str) -> Case | None:
        self.asked.append(ref)
        return super().case(ref)


def test_one_check_reads_each_person_and_case_once() -> None:
    # Issue 16: every turn on a case runs this; each lookup is a round trip to the database.
    directory = CountingDirectory()
    found = relations(directory, "hos1", Subject(case_ref="CR-1"))
    assert found == {Relation.LINE_MANAGER}
    assert sorted(directory.asked) == ["CR-1", "hos1", "sw1", "tm1"]
