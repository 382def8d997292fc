"""Full-text search: the query language, ranking, filters, CJK substrings, snippets, migration."""

from __future__ import annotations

import itertools
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.corpus.filters import Filters
from qatui.corpus.model import Record, Reply, SimilarLink
from qatui.corpus.search import fulltext as search_module
from qatui.corpus.search.cjk import has_cjk, has_cjk_sql
from qatui.corpus.search.fulltext import count_matches, search
from qatui.corpus.search.highlight import fold, highlight_spans, make_snippet
from qatui.corpus.search.syntax import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    Kind,
    ParsedQuery,
    match_expression,
    parse_query,
)
from qatui.corpus.store.read_pool import Corpus, QueryCancelled
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.schema import MIGRATIONS
from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]


def record(n: int, **fields: Any) -> Record:
    base = Record(
        id=n,
        title=f"Question {n}",
        specialty="Surgery",
        subject=None,
        question=f"Plain question number {n}.",
        asked_on=f"2020-01-{n % 28 + 1:02d}",
        replies=(Reply("Lin", "Surgery", f"Plain reply {n}.", None),),
    )
    return replace(base, **fields)


def fill(store: Store, *records: Record) -> Store:
    with store.transaction():
        for item in records:
            store.upsert(item)
    return store


def ids(hits: list[Any]) -> list[int]:
    return [hit.id for hit in hits]


def shape(query: ParsedQuery) -> list[list[tuple[str, str]]]:
    return [[(term.text, term.kind.value) for term in group] for group in query.groups]


# -- the query language ------------------------------------------------------------------------


def test_plain_words_must_all_match() -> None:
    parsed = parse_query("chest  pain")
    assert shape(parsed) == [[("chest", "word")], [("pain", "word")]]
    assert match_expression(parsed) == '("chest" AND "pain")'


def test_as_you_type_prefix_matches_the_word_being_typed() -> None:
    assert shape(parse_query("chest pai", as_you_type=True))[-1] == [("pai", "prefix")]
    assert shape(parse_query("chest pain ", as_you_type=True))[-1] == [("pain", "word")]
    assert shape(parse_query("chest pa", as_you_type=True))[-1] == [("pa", "word")]
    assert shape(parse_query("chest pain", as_you_type=False))[-1] == [("pain", "word")]
    assert shape(parse_query("c++", as_you_type=True)) == [[("c", "word")]]


def test_quoted_phrase() -> None:
    parsed = parse_query('"chest pain" fever')
    assert shape(parsed) == [[("chest pain", "phrase")], [("fever", "word")]]
    assert match_expression(parsed) == '("chest pain" AND "fever")'


def test_or_binds_tighter_than_the_implicit_and() -> None:
    parsed = parse_query("fever OR cough child")
    assert shape(parsed) == [[("fever", "word"), ("cough", "word")], [("child", "word")]]
    assert match_expression(parsed) == '(("fever" OR "cough") AND "child")'
    chained = parse_query("a OR b OR c")
    assert shape(chained) == [[("a", "word"), ("b", "word"), ("c", "word")]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OR fever", [[("or", "word")], [("fever", "word")]]),
        ("fever OR", [[("fever", "word")], [("or", "word")]]),
        ("fever or cough", [[("fever", "word")], [("or", "word")], [("cough", "word")]]),
        ("fever OR -cough", [[("fever", "word")], [("or", "word")]]),
    ],
)
def test_a_lone_or_is_the_word_or(text: str, expected: list[list[tuple[str, str]]]) -> None:
    assert shape(parse_query(text)) == expected


def test_minus_excludes_words_and_phrases() -> None:
    parsed = parse_query('pain -smoking -"high blood"')
    assert shape(parsed) == [[("pain", "word")]]
    assert [term.text for term in parsed.excluded] == ["smoking", "high blood"]
    assert match_expression(parsed) == '"pain" NOT ("smoking" OR "high blood")'


def test_star_is_a_prefix() -> None:
    parsed = parse_query("cardio*")
    assert shape(parsed) == [[("cardio", "prefix")]]
    assert match_expression(parsed) == '"cardio"*'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"chest pain', [[("chest", "word")], [("pain", "word")]]),
        ('chest" pain', [[("chest", "word")], [("pain", "word")]]),
        ("NEAR(chest pain)", [[("near chest", "word")], [("pain", "word")]]),
        ("title:pain", [[("title pain", "word")]]),
        ("^pain", [[("pain", "word")]]),
        ("[bold]pain[/]", [[("bold pain", "word")]]),
        ("{title}", [[("title", "word")]]),
        ("covid-19", [[("covid 19", "word")]]),
        ("AND NOT", [[("and", "word")], [("not", "word")]]),
        ("pain)", [[("pain", "word")]]),
    ],
)
def test_anything_else_is_text(text: str, expected: list[list[tuple[str, str]]]) -> None:
    assert shape(parse_query(text)) == expected


@pytest.mark.parametrize("text", ["", "   ", "???", "- * ^ : ( ) { } ' \"", '""', "-", "_"])
def test_input_without_words_finds_nothing(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.empty
    assert match_expression(parsed) is None


def test_a_query_of_only_exclusions_is_empty_and_says_so() -> None:
    parsed = parse_query("-smoking -alcohol")
    assert parsed.empty and parsed.only_exclusions
    assert not parse_query("???").only_exclusions


def test_control_characters_and_nul_are_removed() -> None:
    parsed = parse_query("chest\x00pain\x1b[31m fever\u202e")
    assert shape(parsed) == [
        [("chest", "word")],
        [("pain", "word")],
        [("31m", "word")],
        [("fever", "word")],
    ]


def test_very_long_input_is_cut() -> None:
    parsed = parse_query(" ".join(f"w{n}" for n in range(5_000)))
    assert len(parsed.terms) == MAX_TERMS
    long_word = parse_query("x" * 10 * MAX_QUERY_CHARS)
    assert len(long_word.terms[0].text) == MAX_QUERY_CHARS


def test_cjk_terms_are_recognised() -> None:
    parsed = parse_query("頭痛 fever 일본어 かな")
    assert [term.is_cjk for term in parsed.terms] == [True, False, True, True]


def test_terms_are_lower_case_and_kinds_are_kept() -> None:
    parsed = parse_query('"Chest PAIN" Fever*')
    assert [(t.text, t.kind) for t in parsed.terms] == [
        ("chest pain", Kind.PHRASE),
        ("fever", Kind.PREFIX),
    ]


# -- arbitrary input never raises --------------------------------------------------------------

_NASTY = st.sampled_from(
    [
        '"',
        "'",
        "-",
        "*",
        "(",
        ")",
        ":",
        "^",
        "{",
        "}",
        "[",
        "]",
        "+",
        "NEAR",
        "NEAR(",
        "OR",
        "AND",
        "NOT",
        "\x00",
        "\\",
        "頭痛",
        "頭",
        "痛發燒",
        "한국",
        "café",
        " ",
        "\n",
        "\t",
        "\ud7ff",
    ]
)
_QUERIES = st.one_of(
    st.text(),
    st.lists(st.one_of(_NASTY, st.text(max_size=4)), max_size=12).map("".join),
    st.lists(st.one_of(_NASTY, st.text(max_size=4)), max_size=12).map(" ".join),
)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.open(tmp_path_factory.mktemp("search") / "corpus.db")
    fill(
        store,
        record(1, title="Chest pain after running", question="My chest hurts. NEAR the heart?"),
        record(
            2, title="頭痛發燒怎麼辦", question="昨天開始頭痛，今天發燒。", specialty="Neurology"
        ),
        record(3, title="Café au lait spots", question='A "quoted" word and c++ and (brackets)'),
        record(4, title="한국어 질문", question="일본어 かなカナ 混合 text"),
    )
    return store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_QUERIES, as_you_type=st.booleans())
def test_arbitrary_queries_never_raise(small_corpus: Store, text: str, as_you_type: bool) -> None:
    conn = small_corpus.conn
    parsed = parse_query(text, as_you_type=as_you_type)
    expression = match_expression(parsed)
    if expression is not None:
        conn.execute("SELECT rowid FROM questions_fts WHERE questions_fts MATCH ?", (expression,))
    for order in ("rank", "date"):
        hits = search(
            conn, text, Filters(specialty="Surgery"), order=order, as_you_type=as_you_type
        )
        assert all(hit.specialty == "Surgery" for hit in hits)
    assert count_matches(conn, text, as_you_type=as_you_type) >= 0
    for hit in search(conn, text, as_you_type=as_you_type):
        for start, end in hit.snippet.spans:
            assert 0 <= start < end <= len(hit.snippet.text)
    highlight_spans(text, text)


# -- ranking -----------------------------------------------------------------------------------


def test_a_title_hit_ranks_above_body_hits(make_store: MakeStore) -> None:
    store = fill(
        make_store(),
        record(1, title="Migraine with aura"),
        record(2, question="migraine migraine migraine, and more migraine every day"),
        record(3, more_info="Migraine is a headache disorder."),
        record(4, title="Unrelated", subject="Is this migraine?"),
    )
    assert ids(search(store.conn, "migraine")) == [1, 4, 2, 3]


def test_more_body_mentions_rank_higher(make_store: MakeStore) -> None:
    store = fill(
        make_store(),
        record(1, question="tinnitus once in a long question " + "filler " * 60),
        record(2, question="tinnitus tinnitus tinnitus"),
    )
    hits = search(store.conn, "tinnitus")
    assert ids(hits) == [2, 1]
    assert hits[0].score is not None and hits[1].score is not None
    assert hits[0].score > hits[1].score


def test_large_match_sets_page_through_every_match_once(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bounded ranking: title tier, ranked window, then the rest newest first, without gaps."""
    monkeypatch.setattr(search_module, "TITLE_CANDIDATES", 3)
    monkeypatch.setattr(search_module, "BODY_CANDIDATES", 5)
    rows = [record(n, question=f"asthma case {n}") for n in range(1, 31)]
    rows += [record(n, title=f"Asthma in title {n}") for n in (2, 4, 6, 8)]
    store = fill(make_store(), *rows)
    seen: list[int] = []
    for offset in range(0, 40, 7):
        seen += ids(search(store.conn, "asthma", limit=7, offset=offset))
    assert sorted(seen) == list(range(1, 31))
    first_page = ids(search(store.conn, "asthma", limit=3))
    assert set(first_page) <= {2, 4, 6, 8}  # old title hits beat the newest body-only rows


def test_a_prefix_query_is_ranked_by_the_words_as_typed(make_store: MakeStore) -> None:
    store = fill(
        make_store(),
        record(1, question="fever fever fever, a fever"),
        record(2, title="Fever after a trip"),
        record(3, question="feverish once"),
        record(4, question="a fever"),
    )
    hits = search(store.conn, "fever", as_you_type=True)  # the last word is a prefix: fever*
    assert ids(hits) == [2, 1, 4, 3]  # title tier; exact "fever" by bm25; prefix-only, newest
    assert [hit.score is None for hit in hits] == [False, False, False, True]
    assert ids(search(store.conn, "fev", as_you_type=True)) == [2, 4, 3, 1]  # none exact


def test_the_row_count_comes_from_the_index(make_store: MakeStore) -> None:
    store = make_store()
    assert search_module.total_rows(store.conn) == 0
    fill(store, *(record(n) for n in range(1, 8)))
    with store.transaction():
        store.conn.execute("DELETE FROM replies WHERE question_id = 3")
        store.conn.execute("DELETE FROM questions WHERE id = 3")
    assert search_module.total_rows(store.conn) == 6
    assert search_module._varint(bytes([0x81, 0x00])) == 128
    assert search_module._varint(bytes([0xFF] * 8 + [0x01])) == (1 << 64) - 255


def test_date_order_and_its_direction(make_store: MakeStore) -> None:
    store = fill(
        make_store(),
        record(1, title="Gout", asked_on="2015-05-01"),
        record(2, question="gout again", asked_on="2021-01-01"),
        record(3, question="gout", asked_on="2018-07-07"),
        record(4, question="nothing"),
    )
    assert ids(search(store.conn, "gout", order="date")) == [2, 3, 1]
    oldest = Filters(newest_first=False)
    assert ids(search(store.conn, "gout", oldest, order="date")) == [1, 3, 2]
    assert all(hit.score is None for hit in search(store.conn, "gout", order="date"))


@pytest.mark.parametrize(("sort_max", "walk_max"), [(1_000, 1_000), (2, 1_000), (2, 3)])
def test_the_date_plans_agree(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch, sort_max: int, walk_max: int
) -> None:
    monkeypatch.setattr(search_module, "DATE_SORT_MAX", sort_max)
    monkeypatch.setattr(search_module, "DATE_WALK_MAX", walk_max)
    store = fill(
        make_store(),
        *(
            record(n, question=f"eczema case{n}", asked_on=f"20{10 + n % 9}-03-0{n % 9 + 1}")
            for n in range(1, 13)
        ),
        record(13, question="other"),
    )
    since = Filters(since="2011-01-01")
    hits = search(store.conn, "eczema -case12", since, order="date", limit=4, offset=2)
    everything = search(store.conn, "eczema", order="date", limit=100)
    expected = [
        hit.id for hit in everything if hit.id != 12 and (hit.asked_on or "") >= "2011-01-01"
    ][2:6]
    assert ids(hits) == expected


@pytest.mark.parametrize(("sort_max", "walk_max"), [(1_000, 1_000), (2, 1_000), (2, 3)])
def test_a_date_ordered_search_counts_its_matches_once(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch, sort_max: int, walk_max: int
) -> None:
    monkeypatch.setattr(search_module, "DATE_SORT_MAX", sort_max)
    monkeypatch.setattr(search_module, "DATE_WALK_MAX", walk_max)
    store = fill(make_store(), *(record(n, question=f"eczema {n}") for n in range(1, 6)))
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    assert len(search(store.conn, "eczema", order="date")) == 5
    store.conn.set_trace_callback(None)
    assert len([sql for sql in statements if "count(*)" in sql]) == 1


# -- filters -----------------------------------------------------------------------------------


@pytest.fixture
def filtered_store(make_store: MakeStore) -> Store:
    rows = []
    for n in range(1, 41):
        specialty = ("Surgery", "Urology", "Oncology")[n % 3]
        rows.append(
            record(
                n, specialty=specialty, asked_on=f"{2010 + n % 10}-06-15", question=f"kidney {n}"
            )
        )
    rows.append(record(41, title="Kidney stones", specialty="Urology", asked_on="2019-01-01"))
    return fill(make_store(), *rows)


def _expected(store: Store, specialty: str, since: str, until: str) -> set[int]:
    return {
        row[0]
        for row in store.conn.execute(
            "SELECT q.id FROM questions q JOIN specialties s ON s.id = q.specialty_id "
            "WHERE s.name = ? AND q.asked_on BETWEEN ? AND ?",
            (specialty, since, until),
        )
    }


def test_search_within_specialty_and_dates(filtered_store: Store) -> None:
    filters = Filters(specialty="Urology", since="2012-01-01", until="2016-12-31")
    expected = _expected(filtered_store, "Urology", "2012-01-01", "2016-12-31")
    assert expected
    for order in ("rank", "date"):
        hits = search(filtered_store.conn, "kidney", filters, order=order, limit=100)
        assert set(ids(hits)) == expected
    assert count_matches(filtered_store.conn, "kidney", filters) == len(expected)
    assert count_matches(filtered_store.conn, "kidney", filters, cap=2) == 2


@pytest.mark.parametrize("scope", list(search_module._Scope))
def test_every_filter_plan_gives_the_same_results(
    filtered_store: Store, monkeypatch: pytest.MonkeyPatch, scope: search_module._Scope
) -> None:
    filters = Filters(specialty="Urology", since="2011-01-01")
    baseline = ids(search(filtered_store.conn, "kidney", filters, limit=100))
    if scope is not search_module._Scope.ALL:
        monkeypatch.setattr(search_module, "_scope", lambda *args: scope)
        assert ids(search(filtered_store.conn, "kidney", filters, limit=100)) == baseline
    assert baseline[0] == 41  # the title hit


def test_match_filter_counts_what_the_search_shows(filtered_store: Store) -> None:
    reader = CorpusReader(filtered_store.conn)
    for query in ("kidney -stones", "stones", "-kidney", "???"):
        condition = search_module.match_filter(filtered_store.conn, query)
        filters = Filters(specialty="Urology", extra=(condition,))
        assert reader.count(filters) == count_matches(
            filtered_store.conn, query, Filters(specialty="Urology")
        )


# -- CJK ---------------------------------------------------------------------------------------


@pytest.fixture
def cjk_store(make_store: MakeStore) -> Store:
    return fill(
        make_store(),
        record(1, title="頭痛發燒怎麼辦", question="昨天開始頭痛，今天又發燒了。"),
        record(2, title="Knee pain", question="膝蓋疼痛已經三個月", specialty="Orthopedics"),
        record(3, title="胃痛", question="飯後胃痛"),
        record(4, title="日本語の質問", question="かなとカタカナ、漢字"),
        record(5, title="한국어 질문", question="무릎이 아파요"),
        record(6, title="Headache and fever", question="headache since yesterday, no CJK here"),
        record(7, title="B型肝炎帶原", question="感染HPV病毒怎麼辦"),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("頭痛", [1]),  # two characters, inside a longer run
        ("發燒", [1]),  # two characters at the end of the title
        ("胃痛", [3]),  # a whole two-character title
        ("疼痛已經", [2]),  # four characters
        ("開始頭", [1]),  # three characters
        ("カタカナ", [4]),
        ("かな", [4]),
        ("아파", [5]),
        ("질문", [5]),
        ("肝炎", [7]),
        ("b型", [7]),  # Latin inside a CJK run: substring, case-insensitive
        ("hpv病毒", [7]),
    ],
)
def test_cjk_is_found_by_any_substring(cjk_store: Store, query: str, expected: list[int]) -> None:
    assert ids(search(cjk_store.conn, query)) == expected
    assert count_matches(cjk_store.conn, query) == len(expected)


def test_a_two_character_run_finds_every_row_whatever_follows(make_store: MakeStore) -> None:
    """Hundreds of different characters after the bigram: every row is still found."""
    followers = [chr(0x4E00 + n) for n in range(450)]
    store = fill(
        make_store(),
        *(record(n, question=f"昨天頭痛{char}很久") for n, char in enumerate(followers, 1)),
    )
    assert count_matches(store.conn, "頭痛") == 450
    assert len(search(store.conn, "頭痛", limit=500)) == 450


def test_cjk_combines_with_latin_words_and_operators(cjk_store: Store) -> None:
    conn = cjk_store.conn
    assert ids(search(conn, "疼痛 knee")) == [2]
    assert ids(search(conn, "疼痛 headache")) == []
    assert sorted(ids(search(conn, "頭痛 OR headache"))) == [1, 6]
    assert sorted(ids(search(conn, "痛 -胃痛"))) == [1, 2]
    assert ids(search(conn, "headache -頭痛")) == [6]
    assert sorted(ids(search(conn, "頭痛 OR headache", order="date"))) == [1, 6]


def test_cjk_hits_are_highlighted(cjk_store: Store) -> None:
    hit = search(cjk_store.conn, "頭痛")[0]
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["頭痛"]
    assert {hit.snippet.text[s:e] for s, e in hit.snippet.spans} == {"頭痛"}


def test_the_cjk_index_follows_updates_and_deletes(cjk_store: Store) -> None:
    conn = cjk_store.conn
    with cjk_store.transaction():
        cjk_store.upsert(record(3, title="Stomach ache", question="飯後腹脹"))
        conn.execute("UPDATE questions SET id = 30 WHERE id = 4")
        conn.execute("DELETE FROM replies WHERE question_id = 5")
        conn.execute("DELETE FROM questions WHERE id = 5")
    assert ids(search(conn, "胃痛")) == []
    assert ids(search(conn, "腹脹")) == [3]
    assert ids(search(conn, "カタカナ")) == [30]
    assert ids(search(conn, "아파")) == []
    conn.execute("INSERT INTO questions_cjk(questions_cjk) VALUES ('integrity-check')")


_SCRIPTS = st.sampled_from(
    [
        "a",
        "é",
        "ß",
        "—",
        "“",
        "…",
        "€",
        "α",
        "😀",
        "頭",
        "か",
        "한",
        "ᄀ",
        "豈",
        "ｱ",
        "𠀀",
        "\u2e7f",
    ]
)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(), st.lists(_SCRIPTS, max_size=8).map("".join)))
def test_the_sql_cjk_check_agrees_with_python(text: str) -> None:
    text = text.replace("\x00", "")  # SQLite's text functions stop at NUL; imports remove it
    conn = sqlite3.connect(":memory:")
    found = conn.execute(f"SELECT coalesce({has_cjk_sql('?1')}, 0)", (text,)).fetchone()[0]
    assert bool(found) == has_cjk(text)


def test_latin_only_rows_stay_out_of_the_cjk_index(cjk_store: Store) -> None:
    indexed = {row[0] for row in cjk_store.conn.execute("SELECT rowid FROM questions_cjk")}
    assert indexed == {1, 2, 3, 4, 5, 7}


# -- case, accents, snippets, highlight spans --------------------------------------------------


def test_latin_search_ignores_case_and_accents(make_store: MakeStore) -> None:
    store = fill(make_store(), record(1, title="Café crème"), record(2, title="CAFE NOIR"))
    assert sorted(ids(search(store.conn, "cafe"))) == [1, 2]
    assert sorted(ids(search(store.conn, "CAFÉ"))) == [1, 2]
    assert ids(search(store.conn, "creme")) == [1]


def test_highlight_spans_follow_the_query() -> None:
    text = "Chest PAIN, painful chests; café near the Pain clinic. 頭痛發燒"
    spans = highlight_spans(text, '"chest pain" cafe pain* -clinic 頭痛')
    assert [text[s:e] for s, e in spans] == ["Chest PAIN", "painful", "café", "Pain", "頭痛"]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert highlight_spans(text, "pai", as_you_type=True) == highlight_spans(text, "pai*")
    assert highlight_spans(text, "-chest") == []


def test_fold_keeps_positions() -> None:
    text = "İstanbul Ǆ ﬁ Ÿ café ß 頭"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("istanbul")
    assert unicodedata.normalize("NFC", fold("CAFÉ")) == "cafe"


def test_snippet_is_plain_text_with_spans(make_store: MakeStore) -> None:
    question = (
        ("Intro words. " * 30)
        + "The [bold]knee[/] hurts\n\nwhen I climb, knee again. "
        + ("Tail words. " * 30)
    )
    store = fill(make_store(), record(1, question=question))
    hit = search(store.conn, "knee")[0]
    snippet = hit.snippet
    assert "[bold]knee[/]" in snippet.text  # corpus brackets are kept as text
    assert "\n" not in snippet.text and "  " not in snippet.text
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["knee", "knee"]


def test_snippet_picks_the_field_with_most_terms() -> None:
    snippet = make_snippet(["only fever here", "fever and cough together"], "fever cough")
    assert snippet.text == "fever and cough together"
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["fever", "cough"]
    assert make_snippet([None, "", "no match"], "zzz").text == "no match"


def test_snippet_drops_control_characters() -> None:
    snippet = make_snippet(["bad \x1b]52;c;aGk=\x07 fever \x1b[2J text"], "fever")
    assert "\x1b" not in snippet.text and "\x07" not in snippet.text
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["fever"]


# -- migration and cancellation ----------------------------------------------------------------


def _v1_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[1](conn)
    conn.execute("INSERT INTO specialties(id, name) VALUES (1, 'Neurology')")
    conn.executemany(
        "INSERT INTO questions(id, specialty_id, title, question, asked_on) VALUES (?, 1, ?, ?, ?)",
        [
            (1, "偏頭痛的治療", "每個月偏頭痛好幾次", "2019-02-03"),
            (2, "Migraine treatment", "Monthly migraines", "2020-04-05"),
        ],
    )
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_a_v1_database_is_migrated_and_its_rows_become_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v1_database(path)
    store = Store.open(path)
    try:
        assert store.info.migrated_from == 1
        assert store.conn.execute("SELECT count(*) FROM questions").fetchone()[0] == 2
        assert ids(search(store.conn, "頭痛")) == [1]
        assert ids(search(store.conn, "偏頭痛的")) == [1]
        assert ids(search(store.conn, "migraine*")) == [2]
        fill(store, record(3, title="新的頭痛問題", specialty="Neurology"))
        assert sorted(ids(search(store.conn, "頭痛"))) == [1, 3]
    finally:
        store.close()


def test_a_search_is_cancelled_by_the_next_request(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "corpus.db")
    fill(store, *(record(n, question="common words " * 50) for n in range(1, 300)))
    store.close()
    corpus = Corpus.open(tmp_path / "corpus.db")
    try:
        with pytest.raises(QueryCancelled), corpus.reader(lambda: True) as reader:
            search(reader.conn, "common words")
        with corpus.reader(lambda: False) as reader:
            assert len(search(reader.conn, "common words")) == 50
    finally:
        corpus.close()


# -- partial questions ---------------------------------------------------------------------------


def test_best_first_puts_full_pages_above_partials_of_the_same_tier(make_store: MakeStore) -> None:
    """A partial's text is a link's short excerpts, which bm25 favours over a whole page: a
    reader wants the pages it can read first (the partials follow, in their own order)."""
    long_question = "My knee hurts when I climb stairs. " + "It started last year. " * 40
    excerpt = SimilarLink("Sore after running", "My knee...", "Lin", "Surgery", "Rest...")
    store = fill(
        make_store(),
        record(1, question=long_question, similar=(excerpt,)),
        record(2, question="Back pain; also " + "some words here. " * 40 + "a knee."),
        record(3, title="Knee pain", question="Knee."),
    )
    hits = search(store.conn, "knee", Filters(), order="rank", limit=10)
    shown = [(hit.title, hit.is_partial) for hit in hits]
    assert shown[0] == ("Knee pain", False)  # the title tier
    # Then the body tier: the full pages by bm25 (which put the partial first), then partials.
    assert set(shown[1:3]) == {("Question 1", False), ("Question 2", False)}
    assert shown[3:] == [("Sore after running", True)]


def test_pages_of_best_first_results_with_partials_follow_on(make_store: MakeStore) -> None:
    """Partials are moved after the full pages as far as a page needs: the pages read one by one
    are the whole list read at once."""
    links = tuple(SimilarLink(f"Linked {n}", f"knee {n}...", "Lin", "Surgery") for n in range(8))
    records = [
        record(n, question="knee " + "filler words. " * (n % 5) * 10, similar=links[n % 2 :: 2])
        for n in range(1, 13)
    ]
    store = fill(make_store(), *records)
    whole = ids(search(store.conn, "knee", Filters(), order="rank", limit=100))
    paged = [
        hit
        for offset in range(0, 21, 3)
        for hit in ids(search(store.conn, "knee", Filters(), order="rank", limit=3, offset=offset))
    ]
    assert len(whole) == 20 and paged == whole
    flags = [hit.is_partial for hit in search(store.conn, "knee", Filters(), limit=100)]
    assert flags == sorted(flags)  # every full page, then every partial
