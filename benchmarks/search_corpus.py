"""A quick synthetic corpus for the search benchmark, with a chosen share of Chinese rows.

Rows go straight into ``questions`` with ``executemany`` through a :class:`Store` (so the schema,
triggers and both full-text indexes are the real ones). Text is made-up words drawn with a Zipf
law, at the seed page's lengths (question ~600 characters, reply ~700, More Info ~3,300), so some
words are in most rows and others in a handful. A share of rows is Chinese (``cjk_share``).
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from pathlib import Path

from qatui.corpus.store.writer import Store

SPECIALTIES = (
    ("Obstetrics and Gynecology", 35089),
    ("Urology", 24093),
    ("Gastroenterology", 10997),
    ("Dermatology", 9652),
    ("Orthopedics", 9379),
    ("Ophthalmology", 9328),
    ("Surgery", 8890),
    ("Internal Medicine", 7626),
    ("Psychiatry", 6896),
    ("Neurology", 6060),
    ("Cardiology", 5314),
    ("Pediatrics", 3093),
    ("Oncology", 2237),
    ("Diving Medicine", 26),
)
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "te",
    "vo",
    "zi",
    "pa",
    "do",
    "fe",
    "gu",
    "hi",
    "ja",
)
HAN = (
    "頭痛發燒咳嗽醫生檢查治療懷孕月經腹痛皮膚過敏眼睛視力牙齒關節骨折手術藥物血壓心臟"
    "肝臟腸胃感冒病毒細菌疫苗睡眠焦慮憂鬱營養運動體重飲食小孩老人婦女男性建議可能需要"
    "一二三四五六七八九十是的了在有我你他她們這那不也就都而及與或但因為所以如果雖然"
)
RARE_WORDS = 50
"""``rareword0`` .. ``rareword49``: each in about one row in 20,000."""


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


class TextMaker:
    """Text from a pool of sentences of Zipf-distributed words (fast to assemble), or Chinese."""

    def __init__(self, seed: int, vocabulary: int = 20_000, sentences: int = 100_000) -> None:
        self.rng = random.Random(seed)
        self.words = _vocabulary(vocabulary, self.rng)
        weights = [1.0 / (rank + 1) ** 1.1 for rank in range(vocabulary)]
        cumulative = list(itertools.accumulate(weights))
        self.sentences = [
            " ".join(self.rng.choices(self.words, cum_weights=cumulative, k=12)).capitalize() + "."
            for _ in range(sentences)
        ]
        han_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(HAN))]
        self.han_cumulative = list(itertools.accumulate(han_weights))

    def latin(self, length: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=max(1, length // 85)))

    def chinese(self, length: int) -> str:
        chars = self.rng.choices(HAN, cum_weights=self.han_cumulative, k=max(1, length // 3))
        return "".join(chars) + "。"


def _rows(count: int, seed: int, cjk_share: float) -> Iterator[tuple[object, ...]]:
    maker = TextMaker(seed)
    rng = maker.rng
    weights = [size for _, size in SPECIALTIES]
    for number in range(1, count + 1):
        specialty = rng.choices(range(len(SPECIALTIES)), weights=weights)[0] + 1
        year = min(2026, 2000 + int(26 * rng.random() ** 0.6))
        asked_on = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = maker.chinese if rng.random() < cjk_share else maker.latin
        title = text(24) if text == maker.chinese else " ".join(text(40).split()[:6])
        if number % 20_000 == 7:
            title += f" rareword{(number // 20_000) % RARE_WORDS}"
        yield (
            number,
            specialty,
            title,
            text(80),
            text(600),
            asked_on,
            text(700),
            f"Doctor {maker.words[number % 500].capitalize()}",
            text(int(rng.lognormvariate(8.0, 0.4))),
        )


def build_corpus(path: Path, count: int, *, seed: int = 1, cjk_share: float = 0.02) -> float:
    """Create the database at ``path``; returns the rows per second the build reached."""
    store = Store.open(path)
    conn = store.conn
    with store.transaction():
        for number, (name, _) in enumerate(SPECIALTIES, 1):
            conn.execute("INSERT INTO specialties(id, name) VALUES (?, ?)", (number, name))
    started = time.perf_counter()
    rows = _rows(count, seed, cjk_share)
    while batch := list(itertools.islice(rows, 5_000)):
        with store.transaction():
            conn.executemany(
                "INSERT INTO questions (id, specialty_id, title, subject, question, asked_on, "
                "reply_text, doctor, more_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
    elapsed = time.perf_counter() - started
    conn.execute("PRAGMA optimize")
    store.close()
    return count / elapsed
