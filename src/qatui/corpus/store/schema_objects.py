"""The tables and triggers of the current corpus schema, for the health checks.

Generated from the migrations by ``python -m qatui.corpus.store.expected_schema``: do not edit.
tests/corpus/test_schema_objects.py fails when it no longer matches them.
"""

SCHEMA_VERSION = 8
"""The schema version these are the objects of."""

OBJECTS: frozenset[tuple[str, str]] = frozenset(
    {
        ("table", "corpus_meta"),
        ("table", "date_counts"),
        ("table", "faq_links"),
        ("table", "month_counts"),
        ("table", "questions"),
        ("table", "questions_cjk"),
        ("table", "questions_cjk_config"),
        ("table", "questions_cjk_data"),
        ("table", "questions_cjk_docsize"),
        ("table", "questions_cjk_idx"),
        ("table", "questions_cjk_vocab"),
        ("table", "questions_fts"),
        ("table", "questions_fts_config"),
        ("table", "questions_fts_data"),
        ("table", "questions_fts_docsize"),
        ("table", "questions_fts_idx"),
        ("table", "replies"),
        ("table", "search_terms"),
        ("table", "similar_links"),
        ("table", "specialties"),
        ("table", "specialty_counts"),
        ("trigger", "date_counts_delete"),
        ("trigger", "date_counts_insert"),
        ("trigger", "date_counts_update"),
        ("trigger", "month_counts_delete"),
        ("trigger", "month_counts_insert"),
        ("trigger", "month_counts_update"),
        ("trigger", "questions_cjk_delete"),
        ("trigger", "questions_cjk_insert"),
        ("trigger", "questions_cjk_update"),
        ("trigger", "questions_fts_delete"),
        ("trigger", "questions_fts_insert"),
        ("trigger", "questions_fts_update"),
        ("trigger", "reply_delay_asked"),
        ("trigger", "reply_delay_reply_delete"),
        ("trigger", "reply_delay_reply_insert"),
        ("trigger", "reply_delay_reply_update"),
        ("trigger", "specialty_counts_delete"),
        ("trigger", "specialty_counts_insert"),
        ("trigger", "specialty_counts_update"),
    }
)
"""The (type, name) of every table and trigger of that schema."""
