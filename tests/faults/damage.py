"""Damaged corpus databases beyond :data:`tests.hostile.DAMAGE`: missing tables, flipped
schema numbers, flipped bytes inside one table's pages (which SQLite meets only when it reads
them, so only ``qatui check`` finds them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from qatui.corpus.store.schema import SCHEMA_VERSION
from tests.hostile import DAMAGE, damaged_database, plain_database


def _drop(table: str) -> Callable[[Path], None]:
    def drop(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
        conn.close()

    return drop


def _schema_number(value: int) -> Callable[[Path], None]:
    def set_number(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {value}")
        conn.close()

    return set_number


MISSING_TABLES = ("faq_links", "replies", "questions_fts", "similar_links", "specialties")

MORE_DAMAGE: dict[str, Callable[[Path], None]] = {
    **{f"no {table}": _drop(table) for table in MISSING_TABLES},
    "schema number bit-flipped": _schema_number(SCHEMA_VERSION | 1 << 30),
    "negative schema number": _schema_number(-SCHEMA_VERSION),
}
"""Damage SQLite opens without complaint; qatui must refuse it in words."""

ALL_DAMAGE: dict[str, Callable[[Path], None]] = {**DAMAGE, **MORE_DAMAGE}


def broken_database(path: Path, kind: str) -> Path:
    """A sound database at ``path``, then damaged as :data:`ALL_DAMAGE` ``[kind]`` says."""
    if kind in DAMAGE:
        return damaged_database(path, kind)
    plain_database(path)
    MORE_DAMAGE[kind](path)
    return path


def flip_bytes_in(path: Path, table: str) -> None:
    """Overwrite the end of ``table``'s root page (where its rows are), leaving the rest."""
    conn = sqlite3.connect(path)
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    with path.open("r+b") as handle:
        handle.seek(root * page_size - page_size // 4)
        handle.write(bytes(range(256)) * (page_size // 1024))
