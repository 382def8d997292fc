"""The checked-in list of what the current corpus schema holds (:mod:`schema_objects`), and how
to make it again from the migrations.

Opening a database checks that it has every table and trigger of its schema; building the
schema in memory to learn them took 23-32 ms of every open, so the list is written down once:
``python -m qatui.corpus.store.expected_schema`` rewrites it after a migration is added, and
tests/corpus/test_schema_objects.py fails (saying so) while it is out of date.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SOURCE = Path(__file__).with_name("schema_objects.py")
REGENERATE = "python -m qatui.corpus.store.expected_schema"

HEADER = '''"""The tables and triggers of the current corpus schema, for the health checks.

Generated from the migrations by ``{command}``: do not edit.
tests/corpus/test_schema_objects.py fails when it no longer matches them.
"""

SCHEMA_VERSION = {version}
"""The schema version these are the objects of."""

OBJECTS: frozenset[tuple[str, str]] = frozenset(
    {{
{rows}
    }}
)
"""The (type, name) of every table and trigger of that schema."""
'''


def objects_of(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """The (type, name) of every table and trigger in ``conn``'s database."""
    rows = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    return {(str(kind), str(name)) for kind, name in rows}


def built_objects() -> tuple[int, set[tuple[str, str]]]:
    """The current schema version and its objects, from running every migration in memory."""
    from qatui.corpus.store.schema import MIGRATIONS, SCHEMA_VERSION

    conn = sqlite3.connect(":memory:")
    try:
        for target in sorted(MIGRATIONS):
            MIGRATIONS[target](conn)
        return SCHEMA_VERSION, objects_of(conn)
    finally:
        conn.close()


def module_text(version: int, objects: set[tuple[str, str]]) -> str:
    """The source of :mod:`schema_objects` describing ``objects`` of schema ``version``."""
    rows = "\n".join(f'        ("{kind}", "{name}"),' for kind, name in sorted(objects))
    return HEADER.format(command=REGENERATE, version=version, rows=rows)


def main() -> None:
    """Rewrite schema_objects.py from the migrations."""
    version, objects = built_objects()
    SOURCE.write_text(module_text(version, objects), encoding="utf-8")
    print(f"wrote {SOURCE}: schema {version}, {len(objects)} tables and triggers")


if __name__ == "__main__":
    main()
