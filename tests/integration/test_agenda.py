"""The agenda draft from real storage: cases due by the session date, formats, literal text."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from bot.cli.agenda import as_json
from policies.agenda import render_agenda
from policies.templates import make_templates
from storage.records import Case
from storage.sql import SqlStore, SqlTransaction
from tests.factories import assistant_over, chat, person, session

INJECTION = "{{ 7*7 }} <script>alert(1)</script> <!channel> *bold* [link](http://x)"


async def seeded(store: SqlStore) -> None:
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(
            [person("tm1", role="team_manager", supervisor=None), person("alice")]
        )
        directory.upsert_cases(
            [
                Case("CR-1", "alice", "child_protection", "standard", date(2026, 1, 1)),
                Case("CR-2", "alice", "child_in_need", "standard", date(2026, 1, 1)),
                Case("CR-3", "alice", "care_leaver", "standard", date(2026, 1, 1)),
            ]
        )
        directory.upsert_sessions(
            [
                session("individual", "2026-11-02", "alice"),  # Southwark: next due 2 Dec
                session("case", "2026-10-20", "alice", case_ref="CR-1"),  # due 20 Nov: overdue
                session("case", "2026-10-01", "alice", case_ref="CR-2"),  # due 1 Dec
                session("case", "2026-11-01", "alice", case_ref="CR-3"),  # due 1 Feb
            ]
        )

    await store.run_sql(load)


async def test_cases_due_by_the_next_session_most_overdue_first(sql_store: SqlStore) -> None:
    await seeded(sql_store)
    assistant = assistant_over(sql_store)
    [agenda] = await chat(assistant, ["/agenda"])
    assert agenda.text.startswith("Agenda draft for your next supervision (due by Wed 2 Dec 2026)")
    due = agenda.text.split("most overdue first:\n")[1].split("\n   (No case")[0]
    assert due == "   - CR-1: overdue since 20 Nov 2026\n   - CR-2: due by 01 Dec 2026"


async def test_every_format_keeps_person_text_literal(sql_store: SqlStore) -> None:
    await seeded(sql_store)
    assistant = assistant_over(sql_store)
    await chat(
        assistant,
        ["/prep CR-1", INJECTION, "Gran helps", "Visit Monday", *["skip"] * 5, "confirm"],
    )
    draft = await sql_store.run(lambda tx: assistant.agenda_draft(tx, "alice", date(2026, 12, 1)))
    text = render_agenda(draft, make_templates(), "txt")
    assert INJECTION in text
    markdown = render_agenda(draft, make_templates(), "md")
    assert (
        "\\{\\{ 7\\*7 \\}\\} &lt;script&gt;alert\\(1\\)&lt;/script&gt; &lt;\\!channel&gt; \\*bold\\* \\[link\\]\\(http://x\\)"
        in markdown
    )
    assert "<script>" not in markdown
    data = json.loads(json.dumps(as_json(draft)))
    assert data["cases"][0]["answers"][0] == ["What is worrying me", INJECTION]
    assert data["session_date"] == "2026-12-01"
    assert [c["case_ref"] for c in data["due_cases"]] == ["CR-1", "CR-2"]


async def test_the_agenda_as_a_word_document(sql_store: SqlStore) -> None:
    import io

    from docx import Document

    from policies.docx_export import agenda_docx

    await seeded(sql_store)
    assistant = assistant_over(sql_store)
    await chat(
        assistant,
        ["/prep CR-1", INJECTION, "Gran helps", "Visit Monday", *["skip"] * 5, "confirm"],
    )
    draft = await sql_store.run(lambda tx: assistant.agenda_draft(tx, "alice"))
    document = Document(io.BytesIO(agenda_docx(render_agenda(draft, make_templates(), "txt"))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("Agenda draft for your next supervision")
    assert "4. Case discussions" in headings
    assert f"- What is worrying me: {INJECTION}" in [p.text for p in document.paragraphs]


async def test_an_overdue_supervision_says_since_when_as_policy_due_does(
    sql_store: SqlStore,
) -> None:
    # Issue 19 item 3: the agenda said "due by" today's date for someone overdue since 1 Nov.
    from policies.due import individual_due
    from policies.packs import load_packs

    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(
            [person("tm1", role="team_manager", supervisor=None), person("bob")]
        )
        directory.upsert_sessions([session("individual", "2026-10-02", "bob")])

    await sql_store.run_sql(load)
    assistant = assistant_over(sql_store)
    [reply] = await chat(assistant, ["/agenda"], person="bob")
    due = individual_due(
        load_packs()["southwark"], "social_worker", date(2020, 1, 1), date(2026, 10, 2)
    )
    assert due.overdue_on(date(2026, 11, 23))
    first_line = reply.text.splitlines()[0]
    assert f"(overdue since {due.due:%a %-d %b %Y})" in first_line
    assert "due by" not in first_line


async def test_the_agenda_dates_the_agreement_from_a_recorded_change_of_supervisor(
    sql_store: SqlStore,
) -> None:
    # somerset:162 an agreement within one month of a change in supervisor
    managers = [person(m, role="team_manager", supervisor=None) for m in ("tm1", "tm2")]

    def join(supervisor: str, on: date) -> Callable[[SqlTransaction], None]:
        def load(tx: SqlTransaction) -> None:
            people = [*managers, person("alice", policy="somerset", supervisor=supervisor)]
            tx.person_events.note_supervisors(people, {}, on, "import")
            tx.directory.upsert_people(people)

        return load

    await sql_store.run_sql(join("tm1", date(2026, 1, 5)))  # a first import: no change
    await sql_store.run_sql(join("tm2", date(2026, 11, 2)))
    assistant = assistant_over(sql_store)
    draft = await sql_store.run(lambda tx: assistant.agenda_draft(tx, "alice", date(2026, 11, 30)))
    assert (date(2026, 12, 2), "supervision agreement in place (7.2 (line 162))") in draft.key_dates
