"""Which question a record is: never two questions in one, duplicates and merges counted."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.corpus.ingest.identity import (
    DERIVED_ID_BASE,
    another_id,
    derived_id,
    identity_of,
    is_site_id,
)
from qatui.corpus.ingest.importer import ImportReport, import_records
from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Outcome, Store

MakeStore = Callable[..., Store]


def ask(question: str, title: str = "高血压的标准是多少？", **changes: Any) -> Record:
    """A question without a site number or URL (as a Toyhom row is)."""
    record = Record(
        title=title,
        specialty="心血管科",
        question=question,
        replies=(Reply(None, None, f"答: {question}"),),
    )
    return replace(record, **changes)


def full_questions(store: Store) -> list[tuple[int, str, str]]:
    """(id, title, question) of every full question, by id."""
    return [
        (int(row[0]), str(row[1]), str(row[2]))
        for row in store.conn.execute(
            "SELECT id, title, question FROM questions WHERE is_partial = 0 ORDER BY id"
        )
    ]


def outcomes(store: Store, records: list[Record], **options: Any) -> list[Outcome]:
    """Upsert ``records`` in one import; what each did."""
    with store.importing(), store.transaction():
        return [store.upsert(record, **options) for record in records]


# -- identity ----------------------------------------------------------------------------------


def test_titles_that_differ_only_in_width_are_two_questions(make_store: MakeStore) -> None:
    """They were one (matched on specialty + title + date, ignoring width): one was lost."""
    store = make_store()
    first = ask("我最近总会头晕，是不是高血压？", "高血压的标准是多少？")
    second = ask("一般怎样才算高血压？", "高血压的标准是多少?")
    assert outcomes(store, [first, second]) == [Outcome.NEW, Outcome.NEW]
    stored = {(title, question) for _, title, question in full_questions(store)}
    assert stored == {(first.title, first.question), (second.title, second.question)}
    assert outcomes(make_store("again.db"), [second, first]) == [Outcome.NEW, Outcome.NEW]
    assert outcomes(store, [first, second]) == [Outcome.UNCHANGED, Outcome.UNCHANGED]


def test_same_title_and_date_from_two_askers_are_two_questions(make_store: MakeStore) -> None:
    store = make_store()
    one = ask("Is 150/95 high?", "Blood pressure", asked_on="2016-01-03")
    other = replace(one, asker=Asker("Lin", "30~39", "male"))
    another = replace(one, question="Is 120/80 normal?")
    assert outcomes(store, [one, other, another]) == [Outcome.NEW] * 3
    assert len(full_questions(store)) == 3


def test_a_changed_reply_updates_the_same_question(make_store: MakeStore) -> None:
    store = make_store()
    original = ask("Is 150/95 high?", "Blood pressure")
    store.upsert(original)
    (question_id, _, _), *_ = full_questions(store)
    corrected = replace(original, replies=(Reply("Wu", None, "Yes, see a doctor."),))
    assert store.upsert(corrected) is Outcome.UPDATED
    assert [row[0] for row in full_questions(store)] == [question_id]
    record = CorpusReader(store.conn).record(question_id)
    assert record is not None and record.replies == corrected.replies


def test_the_source_url_is_the_identity_when_there_is_no_number(make_store: MakeStore) -> None:
    store = make_store()
    url = "https://questiondoctors.com/is-my-anti-hiv-test-conclusive/"
    page = ask("Is my test conclusive?", "HIV test", source_url=url)
    store.upsert(page)
    reworded = replace(page, title="HIV test conclusive?", question="Is my test final?")
    assert store.upsert(reworded) is Outcome.UPDATED
    assert [row[1:] for row in full_questions(store)] == [(reworded.title, reworded.question)]
    elsewhere = replace(page, source_url=url + "2")
    assert store.upsert(elsewhere) is Outcome.NEW


def test_the_site_number_is_the_identity(make_store: MakeStore) -> None:
    store = make_store()
    store.upsert(ask("First words", "T", id=4021))
    assert store.upsert(ask("Other words", "New title", id=4021)) is Outcome.UPDATED
    assert full_questions(store) == [(4021, "New title", "Other words")]


def test_a_number_in_the_derived_range_never_overwrites_a_page(make_store: MakeStore) -> None:
    """A record carrying the derived id of a page imported without a number replaced it."""
    store = make_store()
    page = ask("The page's own words", "Page")
    store.upsert(page)
    ((page_id, _, _),) = full_questions(store)
    assert not is_site_id(page_id)
    intruder = ask("Something else entirely", "Intruder", id=page_id)
    assert store.upsert(intruder) is Outcome.NEW
    stored = dict((row[0], row[1:]) for row in full_questions(store))
    assert stored[page_id] == ("Page", "The page's own words")
    assert len(stored) == 2


def test_an_exported_derived_id_is_kept_where_it_is_free(make_store: MakeStore) -> None:
    source = make_store()
    source.upsert(ask("Words", "Page"))
    exported = next(CorpusReader(source.conn).iter_records())
    assert exported.id is not None and exported.id >= DERIVED_ID_BASE
    copy = make_store("copy.db")
    moved = replace(exported, title="Page, retitled")  # another offered id, same identity
    assert copy.upsert(moved) is Outcome.NEW
    assert [row[0] for row in full_questions(copy)] == [exported.id]
    assert source.upsert(exported) is Outcome.UNCHANGED


def test_a_taken_derived_id_gives_the_next_one_from_the_identity(make_store: MakeStore) -> None:
    store = make_store()
    first = ask("One asker's words", "Same title")
    second = ask("Another asker's words", "Same title")
    store.upsert(first)
    store.upsert(second)
    offered = derived_id("心血管科", "Same title", None)
    key = identity_of(second)
    assert isinstance(key, bytes)
    assert [row[0] for row in full_questions(store)] == sorted([offered, another_id(key, 1)])


def test_identity_ignores_spacing_but_not_width_or_case() -> None:
    base = ask("Is it  high?\n", "Title")
    assert identity_of(base) == identity_of(replace(base, question=" Is it high?"))
    assert identity_of(base) != identity_of(replace(base, question="is it high?"))
    assert identity_of(base) != identity_of(replace(base, question="Is it high？"))
    assert identity_of(base) == identity_of(replace(base, specialty=" 心血管科 "))
    assert identity_of(replace(base, id=12)) == 12


# -- duplicate rows ---------------------------------------------------------------------------


def test_a_repeated_row_in_one_import_is_a_duplicate(make_store: MakeStore) -> None:
    store = make_store()
    row = ask("Is 150/95 high?", "Blood pressure")
    report = import_records(store, [row, ask("Other", "Other"), row, row])
    assert (report.new, report.duplicate_rows, report.unchanged) == (2, 2, 0)
    assert len(full_questions(store)) == 2
    again = import_records(store, [row, ask("Other", "Other"), row, row])
    assert (again.new, again.unchanged, again.duplicate_rows, again.updated) == (0, 2, 2, 0)


def test_a_repeat_after_a_change_is_written_again(make_store: MakeStore) -> None:
    """A row equal to an earlier one is a duplicate only when it changes nothing."""
    store = make_store()
    first, second = ask("Words", "T", id=9), ask("Other words", "T", id=9)
    report = import_records(store, [first, second, first, first])
    assert (report.new, report.updated, report.duplicate_rows) == (1, 2, 1)
    assert full_questions(store) == [(9, "T", "Words")]


def test_a_duplicate_of_a_rolled_back_row_is_written(make_store: MakeStore) -> None:
    """The rows an import has met roll back with their batch."""
    store = make_store()
    row = ask("Words", "Page")
    store_rows: list[Outcome] = []
    with store.importing():
        try:
            with store.transaction():
                store_rows.append(store.upsert(row))
                raise RuntimeError("the disk failed")
        except RuntimeError:
            pass
        with store.transaction():
            store_rows.append(store.upsert(row))
    assert store_rows == [Outcome.NEW, Outcome.NEW]
    assert len(full_questions(store)) == 1


def test_the_same_words_under_two_site_numbers_are_two_questions(make_store: MakeStore) -> None:
    store = make_store()
    report = import_records(store, [ask("Words", "T", id=1), ask("Words", "T", id=2)])
    assert (report.new, report.duplicate_rows) == (2, 0)


# -- one row per answer -----------------------------------------------------------------------


def answer_row(url: str | None, text: str, doctor: str, body: str, **changes: Any) -> Record:
    """One row of a one-row-per-answer dump."""
    record = Record(
        title=text,
        specialty="hiv test",
        question=text,
        replies=(Reply(doctor, None, body),),
        source_url=url,
    )
    return replace(record, **changes)


ROWS = [
    answer_row("https://q.example/1", "Is my test conclusive?", "Dr. A", "Yes."),
    answer_row("https://q.example/2", "Can I swim?", "Dr. B", "After a week."),
    answer_row("https://q.example/1", "Is my test conclusive?", "Dr. C", "Retest at 3 months."),
    answer_row("https://q.example/1", "Is my test conclusive?", "Dr. A", "Yes, fully."),
]


def replies_by_title(store: Store) -> dict[str, list[tuple[str | None, str]]]:
    reader = CorpusReader(store.conn)
    return {
        record.title: [(reply.doctor, reply.body) for reply in record.replies]
        for record in reader.iter_records()
    }


def merge(store: Store, rows: list[Record], batch_size: int = 500) -> ImportReport:
    return import_records(store, rows, replies_per_row=True, batch_size=batch_size)


def test_rows_of_one_question_become_one_question_with_every_reply(
    make_store: MakeStore,
) -> None:
    store = make_store()
    report = merge(store, ROWS, batch_size=1)  # rows of one question across batches
    assert (report.new, report.added_replies, report.failed) == (2, 2, 0)
    assert replies_by_title(store) == {
        "Is my test conclusive?": [
            ("Dr. A", "Yes."),
            ("Dr. C", "Retest at 3 months."),
            ("Dr. A", "Yes, fully."),
        ],
        "Can I swim?": [("Dr. B", "After a week.")],
    }
    conclusive = next(r for r in CorpusReader(store.conn).iter_records() if r.title[0] == "I")
    assert conclusive.to_json()["replies"][2] == {
        "doctor": "Dr. A",
        "specialty": None,
        "body": "Yes, fully.",
        "replied_on": None,
    }
    hits = store.conn.execute(
        "SELECT count(*) FROM questions_fts WHERE questions_fts MATCH 'retest'"
    ).fetchone()
    assert hits == (1,)


def test_without_the_option_rows_of_one_url_update_each_other(make_store: MakeStore) -> None:
    store = make_store()
    report = import_records(store, ROWS)
    assert (report.new, report.updated) == (2, 2)
    assert replies_by_title(store)["Is my test conclusive?"] == [("Dr. A", "Yes, fully.")]


def test_an_exact_repeat_of_a_merged_row_is_a_duplicate(make_store: MakeStore) -> None:
    store = make_store()
    report = merge(store, [*ROWS, ROWS[2], ROWS[0]])
    assert (report.new, report.added_replies, report.duplicate_rows) == (2, 2, 2)
    assert len(replies_by_title(store)["Is my test conclusive?"]) == 3


def test_merging_again_changes_nothing(make_store: MakeStore) -> None:
    store = make_store()
    merge(store, ROWS)
    before = store.conn.execute("SELECT * FROM replies ORDER BY 1, 2").fetchall()
    report = merge(store, ROWS)
    assert (report.unchanged, report.total) == (4, 4)
    assert store.conn.execute("SELECT * FROM replies ORDER BY 1, 2").fetchall() == before


def test_rows_without_url_are_one_question_by_their_text(make_store: MakeStore) -> None:
    store = make_store()
    rows = [
        answer_row(None, "Can I swim?", "Dr. B", "After a week."),
        answer_row(None, "Can I swim?", "Dr. D", "Ask your surgeon."),
        answer_row(None, "Can I  swim? ", "Dr. E", "Yes.", title="Swimming"),
        answer_row(None, "Can I run?", "Dr. B", "Yes."),
    ]
    report = merge(store, rows)
    assert (report.new, report.added_replies, report.conflicting_rows) == (2, 1, 1)
    merged = replies_by_title(store)
    assert merged["Can I swim?"] == [
        ("Dr. B", "After a week."),
        ("Dr. D", "Ask your surgeon."),
        ("Dr. E", "Yes."),
    ]
    assert "Swimming" not in merged  # the first row's title is kept, the conflict counted


def test_rows_with_a_site_number_are_one_question_by_it(make_store: MakeStore) -> None:
    store = make_store()
    rows = [
        answer_row(None, "Can I swim?", "Dr. B", "After a week.", id=7),
        answer_row("https://q.example/7", "Can I swim?", "Dr. D", "No.", id=7),
    ]
    report = merge(store, rows)
    assert (report.new, report.conflicting_rows) == (1, 1)  # the URL differs from the first
    assert replies_by_title(store)["Can I swim?"] == [("Dr. B", "After a week."), ("Dr. D", "No.")]


def test_a_changed_question_in_a_later_import_updates_it(make_store: MakeStore) -> None:
    store = make_store()
    merge(store, ROWS)
    retitled = [
        replace(row, title="Conclusive?") for row in ROWS if row.source_url == ROWS[0].source_url
    ]
    report = merge(store, retitled)
    assert (report.updated, report.unchanged) == (1, 2)
    assert len(replies_by_title(store)["Conclusive?"]) == 3


def test_summary_names_every_kind_of_merge() -> None:
    report = ImportReport(new=120, duplicate_rows=1, added_replies=293)
    assert report.summary() == (
        "120 new, 0 updated, 0 unchanged, 1 duplicate row, 293 added replies, 0 failed"
    )
    assert ImportReport(new=3).summary() == "3 new, 0 updated, 0 unchanged, 0 failed"


# -- any mix of records -----------------------------------------------------------------------

MIXED_RECORDS = st.builds(
    lambda title, question, asked_on, site_id, url, body: Record(
        title=title,
        specialty="S",
        question=question,
        asked_on=asked_on,
        replies=(Reply("d", None, body),),
        id=site_id,
        source_url=url,
    ),
    st.sampled_from(["多少？", "多少?", "A"]),
    st.sampled_from(["q", "Q", "q "]),
    st.sampled_from([None, "2016-01-01"]),
    st.sampled_from([None, None, 5, 6]),
    st.sampled_from([None, None, "https://x/1", "https://x/2"]),
    st.sampled_from(["one", "two"]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MIXED_RECORDS, min_size=1, max_size=10))
def test_one_question_per_identity_holding_its_last_record(records: list[Record]) -> None:
    """However records mix numbers, URLs and look-alike titles: one question per identity,
    never fewer, each holding the last record that had it."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "mixed.db")
        try:
            import_records(store, records)
            last = {identity_of(record): record for record in records}
            stored = list(CorpusReader(store.conn).iter_records())
            assert len(stored) == len(last)
            assert {identity_of(r): replace(r, id=None) for r in stored} == {
                key: replace(record, id=None) for key, record in last.items()
            }
        finally:
            store.close()
