"""Hostile text for tests: markup look-alikes, terminal control sequences, huge and odd Unicode.

``HOSTILE`` maps a case name to its text (``MARKUP``, ``CONTROLS``, ``SIZES`` and ``UNICODE``
together). ``build_hostile_database(path)`` writes a small corpus whose titles, specialties,
doctors, FAQ topics, Similar Q&A links and texts are these strings, for the app's tests::

    from tests.hostile import HOSTILE, build_hostile_database

    corpus = build_hostile_database(tmp_path / "hostile.db")
    question_id = corpus.ids["osc52_bel"]

Count the cases a test feeds through with the ``hostile_cases`` fixture (tests/hostile_plugin.py);
the terminal summary reports the total.
"""

from __future__ import annotations

import os
import random
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qatui.corpus.ingest.sanitize import BIDI_CONTROLS, clean_line
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.excerpts import DOCTOR_DERIVED, TITLE_DERIVED
from qatui.corpus.store.writer import Store

MARKUP: dict[str, str] = {
    "bold": "[bold]not bold[/bold] and [b]not b[/b]",
    "stray_close": "a stray [/] closing tag",
    "click_quit": "[@click=app.quit]x[/]",
    "click_bell": "[@click=app.bell]ring[/] [@click='app.quit']q[/]",
    "link": "[link=https://x]y[/link]",
    "read_more": "[Read More] Knee pain when climbing stairs",
    "variable": "[$accent]variable[/] $accent ${name}",
    "unclosed": "[bold red on blue",
    "escaped": "\\[bold] \\\\[/] [[double]]",
    "emoji_code": ":warning: :thumbs_up: :smile:",
    "style_words": "[reverse blink]x[/reverse blink] [on red]y[/on red]",
}
"""Rich / Textual markup that must show exactly as written and never style or act."""

CONTROLS: dict[str, str] = {
    "csi_clear": "before\x1b[2Jafter",
    "csi_colour": "\x1b[31mred\x1b[0m and \x1b[1;5;7mblink\x1b[m",
    "csi_cursor": "up\x1b[10Aleft\x1b[999D\x1b[Hhome",
    "osc52_bel": "copy\x1b]52;c;cm0gLXJmIH4=\x07me",
    "osc52_st": "copy\x1b]52;c;cm0gLXJmIH4=\x1b\\me",
    "osc_title": "\x1b]0;pwned title\x07window",
    "osc8_link": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "osc_unterminated": "\x1b]52;c;never ends\nthe next line stays",
    "dcs": "\x1bP1$r0m\x1b\\dcs\x1bPq#0;2;0;0;0#0~~\x1b\\sixel",
    "apc_pm_sos": "\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\text",
    "csi_8bit": "\x9b2J8-bit CSI",
    "osc_8bit": "\x9d52;c;aGk=\x9c8-bit OSC",
    "dcs_8bit": "\x90q\x9c8-bit DCS",
    "reset": "\x1bcfull reset \x1b7save\x1b8",
    "c0": "nul\x00bel\x07bs\x08vt\x0bff\x0ccr\rso\x0esi\x0fesc\x1bsub\x1a",
    "del": "del\x7fete",
    "c1": "c1\x80\x84\x85\x8d\x9f",
    "bidi_override": "invoice\u202efdp.exe\u202c end",
    "bidi_embedding": "\u202aLTR\u202c \u202bRTL\u202c",
    "bidi_isolate": "\u2066isolated\u2069 \u2067rtl\u2069 \u2068first\u2069",
    "bidi_marks": "mark\u200e \u200f \u061c",
    "line_separators": "line\u2028separator\u2029paragraph\x85next",
}
"""Control characters and escape sequences: none may reach the terminal."""


def _megabyte_paragraph() -> str:
    words = ("pain", "fever", "雙側", "knee", "[bold]", "sleep", "x" * 30, "🦴")
    out: list[str] = []
    size = 0
    n = 0
    while size < 1_000_000:
        word = words[n % len(words)]
        out.append(word)
        size += len(word.encode()) + 1
        n += 1
    return " ".join(out)


SIZES: dict[str, str] = {
    "word_5000": "x" * 5_000,
    "title_long": "A very long title that goes on and on " * 30,
    "paragraph_1mb": _megabyte_paragraph(),
    "many_lines": "\n".join(f"line {n}" for n in range(5_000)),
    "blank_lines": "\n\n\n\n\n\n\n\nafter eight blank lines",
}
"""Sizes that break layouts: one long word, a long title, a single 1 MB paragraph."""

UNICODE: dict[str, str] = {
    "zero_width": "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffjoiner",
    "combining": "Z\u0351\u0352\u0353a\u0300\u0301\u0302\u0303l\u0304\u0305g\u0306o e\u0301",
    "emoji": "👨\u200d👩\u200d👧\u200d👦 family 🏳️\u200d🌈 flag 👍🏽 ❤️ 1️⃣",
    "cjk": "乳癌治療後的追蹤檢查（婦產科）半形ｶﾀｶﾅ 한국어",
    "rtl": "שלום עולם مرحبا بالعالم",
    "fullwidth": "ｆｕｌｌ ｗｉｄｔｈ ［ｂｏｌｄ］",
    "tabs": "col1\tcol2\t\tcol3",
    "astral": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 𓀀",
    "private_use": "\ue000\uf8ff private",
    "variation": "︎☺︎ ☺️ ⚕︎",
}
"""Legitimate but awkward text: must survive intact (bar tabs) and keep its layout."""

HOSTILE: dict[str, str] = {**MARKUP, **CONTROLS, **SIZES, **UNICODE}

SPECIALTIES = (
    "[bold]Dermatology[/]",
    "Urology [/]",
    "[@click=app.quit]Quit[/]",
    "\x1b[31mRed\x1b[0m Medicine",
    "婦產科 Obstetrics",
    "\u202eygolorueN",
)
"""Hostile specialty names (the store cleans the control sequences out of the last three)."""

DOCTORS = ("[b]Lin[/b] Wei", "[@click=app.quit]Dr[/]", "Zhou\x1b]52;c;eA==\x07 Ping", "黃 醫師")
TOPICS = ("[link=https://x]y[/link]", "[Read More]", "Knee\x1b[2J Pain", "膝蓋痛")


def forbidden_in_terminal_text(text: str) -> list[str]:
    """The characters of ``text`` a terminal would act on (empty when ``text`` is safe)."""
    return [
        char
        for char in text
        if (unicodedata.category(char) == "Cc" and char != "\n")
        or char in BIDI_CONTROLS
        or unicodedata.category(char) == "Cs"
    ]


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit]


def hostile_records() -> Iterator[Record]:
    """One record per case of :data:`HOSTILE`, the case's text in every field, ids 1, 2, ..."""
    for number, (name, text) in enumerate(HOSTILE.items(), start=1):
        specialty = SPECIALTIES[number % len(SPECIALTIES)]
        doctor = DOCTORS[number % len(DOCTORS)]
        year = 2010 + number % 15
        yield Record(
            id=number,
            title=f"{name}: {_short(text, 6_000)}",
            specialty=specialty,
            subject=_short(text),
            question=text,
            asker=Asker(_short(text, 40), "30~39", "female"),
            asked_on=f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d}",
            replies=(Reply(doctor, specialty, text, f"{year}-12-30"),),
            more_info=f"More about {name}:\n\n{text}",
            similar=(
                SimilarLink(
                    title=f"Similar to {name}: {_short(text, 100)}",
                    question_excerpt=_short(text) + "...",
                    doctor=doctor,
                    specialty=specialty,
                    reply_excerpt=_short(text) + "...",
                    read_more=f"[Read More] {name}",
                ),
            ),
            related_faq=(FaqLink(TOPICS[number % len(TOPICS)], specialty),),
        )


@dataclass(frozen=True)
class HostileCorpus:
    """A database of hostile records: ``ids`` maps a case name to its question's id."""

    path: Path
    ids: dict[str, int]
    raw: bool


def build_hostile_database(path: Path, *, raw: bool = True) -> HostileCorpus:
    """Write :func:`hostile_records` to a new database at ``path``.

    The store cleans control characters out of what it writes. With ``raw`` (the default) the
    text columns are then overwritten with the uncleaned strings, as a database written by
    another program (or an older qatui) could hold them: the app must stay safe with those too.
    """
    records = list(hostile_records())
    store = Store.open(path)
    try:
        with store.transaction():
            for record in records:
                store.upsert(record)
            if raw:
                _write_raw(store, records)
    finally:
        store.close()
    names = list(HOSTILE)
    return HostileCorpus(path, {name: n for n, name in enumerate(names, start=1)}, raw)


def _write_raw(store: Store, records: list[Record]) -> None:
    conn = store.conn
    for name in SPECIALTIES:
        stored = store.specialty_id(clean_line(name).strip())
        conn.execute("UPDATE specialties SET name = ? WHERE id = ?", (name, stored))
    for record in records:
        reply = record.replies[0]
        link = record.similar[0]
        conn.execute(
            "UPDATE questions SET title = ?, subject = ?, question = ?, reply_text = ?, "
            "doctor = ?, asker_name = ?, more_info = ? WHERE id = ?",
            (
                record.title,
                record.subject,
                record.question,
                reply.body,
                reply.doctor,
                record.asker.name if record.asker else None,
                record.more_info,
                record.id,
            ),
        )
        conn.execute(  # the body is the whole reply_text written above
            "UPDATE replies SET body_start = 0, body_length = ?, doctor = ? WHERE question_id = ?",
            (len(reply.body), reply.doctor, record.id),
        )
        conn.execute(
            "UPDATE similar_links SET title = ?, doctor = ?, derived = derived & ? "
            "WHERE question_id = ?",
            (link.title, link.doctor, ~(TITLE_DERIVED | DOCTOR_DERIVED), record.id),
        )
        conn.execute(
            "UPDATE faq_links SET topic = ? WHERE question_id = ?",
            (record.related_faq[0].topic, record.id),
        )


# -- hostile database files -------------------------------------------------------------------


def plain_database(path: Path, count: int = 300) -> Path:
    """A sound database of ``count`` plain questions, in one file (no WAL beside it)."""
    store = Store.open(path)
    with store.transaction():
        for number in range(count):
            store.upsert(
                Record(
                    title=f"Question {number}",
                    specialty="Orthopedics",
                    question="words " * 400,
                    asked_on="2020-01-01",
                    replies=(Reply("Lin", "Orthopedics", f"Reply {number}."),),
                )
            )
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    return path


def _truncated(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 3)


def _corrupted(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 4)
        handle.write(random.Random(1).randbytes(size // 2))


def _header_only(path: Path) -> None:
    os.truncate(path, 100)


def _not_a_database(path: Path) -> None:
    path.write_text("my notes, not a database\n")


def _another_programs_database(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncated,
    "corrupted": _corrupted,
    "header only": _header_only,
    "not a database": _not_a_database,
    "another program's database": _another_programs_database,
}
"""Ways a database file goes wrong; the first three fail ``PRAGMA quick_check``."""


def quick_check_fails(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check")] != ["ok"]
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.close()


def damaged_database(path: Path, kind: str) -> Path:
    """A :func:`plain_database` at ``path``, then damaged as :data:`DAMAGE` ``[kind]`` says."""
    plain_database(path)
    DAMAGE[kind](path)
    if kind in ("truncated", "corrupted", "header only"):
        assert quick_check_fails(path)
    return path
