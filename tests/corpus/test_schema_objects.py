"""The checked-in list of the schema's tables and triggers (store/schema_objects.py) is what
the migrations build: opening a database trusts it instead of building the schema each time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qatui.corpus.model import Record
from qatui.corpus.store import expected_schema, health, schema_objects
from qatui.corpus.store.writer import Store

OUT_OF_DATE = (
    "src/qatui/corpus/store/schema_objects.py no longer describes what the migrations build; "
    f"regenerate it with `{expected_schema.REGENERATE}` (under the project's PYTHONPATH) "
    "and commit it"
)


def test_the_checked_in_objects_are_those_the_migrations_build() -> None:
    version, objects = expected_schema.built_objects()
    assert (schema_objects.SCHEMA_VERSION, set(schema_objects.OBJECTS)) == (version, objects), (
        OUT_OF_DATE
    )


def test_the_checked_in_file_is_what_regenerating_writes() -> None:
    version, objects = expected_schema.built_objects()
    written = expected_schema.module_text(version, objects)
    assert expected_schema.SOURCE.read_text(encoding="utf-8") == written, OUT_OF_DATE


def test_a_new_corpus_has_every_listed_object_and_nothing_missing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    store.upsert(Record(id=1, title="Sciatica", specialty="Neurology", question="leg pain"))
    try:
        assert health.missing_objects(store.conn) == []
        assert expected_schema.objects_of(store.conn) >= schema_objects.OBJECTS
    finally:
        store.close()


def test_a_dropped_trigger_is_named_as_missing(tmp_path: Path) -> None:
    Store.open(tmp_path / "corpus.db").close()
    conn = sqlite3.connect(tmp_path / "corpus.db")
    conn.execute("DROP TRIGGER month_counts_insert")
    try:
        assert health.missing_objects(conn) == ["the trigger month_counts_insert"]
    finally:
        conn.close()
