"""Specialty ids by name, cached: a new specialty costs one small query, not a table read."""

from __future__ import annotations

import sqlite3

from qatui.corpus.ingest.identity import normalise


class SpecialtyIds:
    """Specialty name -> id for one connection, matched by normalised name, made on first use.

    The cache holds every row up to the highest id it has read. A name it does not know costs
    one query for the rows added since (by another import, say) and, if still unknown, one
    insert. Ids made inside a transaction or savepoint that rolls back are forgotten (see
    :meth:`mark` and :meth:`forget_since`), since the rows are gone and the ids may be reused.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._ids: dict[str, int] = {}
        self._read_up_to = 0
        self._made: list[str] = []
        self._keys: dict[str, str] = {}
        """Names as written -> their normalised form (every link names its specialty)."""

    def id_of(self, name: str) -> int:
        """The id of a specialty, created on first use."""
        key = self._keys.get(name)
        if key is None:
            key = self._keys.setdefault(name, normalise(name))
        known = self._ids.get(key)
        if known is not None:
            return known
        for row_id, row_name in self.conn.execute(
            "SELECT id, name FROM specialties WHERE id > ? ORDER BY id", (self._read_up_to,)
        ):
            self._ids.setdefault(normalise(row_name), int(row_id))
            self._read_up_to = int(row_id)
        known = self._ids.get(key)
        if known is not None:
            return known
        cursor = self.conn.execute("INSERT INTO specialties(name) VALUES (?)", (name.strip(),))
        made = int(cursor.lastrowid or 0)
        self._ids[key] = made
        self._made.append(key)
        self._read_up_to = max(self._read_up_to, made)
        return made

    def mark(self) -> int:
        """A point to roll the cache back to (the start of a transaction or savepoint)."""
        return len(self._made)

    def forget_since(self, mark: int) -> None:
        """Forget the ids made since ``mark``: their rows were rolled back."""
        for key in self._made[mark:]:
            del self._ids[key]
        del self._made[mark:]
        self._read_up_to = max(self._ids.values(), default=0)

    def committed(self) -> None:
        """The transaction committed: the ids made in it are kept for good."""
        self._made.clear()
