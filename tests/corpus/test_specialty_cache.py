"""The specialty cache: a new specialty costs one small query whatever the table holds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qatui.corpus.store.writer import Store

MakeStore = Callable[..., Store]


def vm_steps(store: Store, names: list[str]) -> int:
    """SQLite virtual-machine steps (in hundreds) spent making ids for ``names``."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.conn.set_progress_handler(count, 100)
    try:
        with store.transaction():
            for name in names:
                store.specialty_id(name)
    finally:
        store.conn.set_progress_handler(None, 0)
    return steps


def test_many_new_specialties_cost_what_one_does_each(make_store: MakeStore) -> None:
    """Re-reading the table per new specialty made 2,000 of them cost 100x 200 of them."""
    few = vm_steps(make_store("few.db"), [f"specialty {n}" for n in range(200)])
    many = vm_steps(make_store("many.db"), [f"specialty {n}" for n in range(2000)])
    assert many < 20 * few


def test_specialties_added_by_another_connection_are_found(make_store: MakeStore) -> None:
    store = make_store()
    first = store.specialty_id("Oncology")
    other = Store.open(store.info.path)
    try:
        made_there = other.specialty_id("Surgery")
    finally:
        other.close()
    assert store.specialty_id("surgery ") == made_there
    assert store.specialty_id("ONCOLOGY") == first
    assert store.conn.execute("SELECT count(*) FROM specialties").fetchone()[0] == 2


def test_ids_rolled_back_are_made_again_and_others_kept(make_store: MakeStore) -> None:
    store = make_store()
    kept = store.specialty_id("Oncology")
    with store.transaction():
        with pytest.raises(ValueError), store.savepoint():
            store.specialty_id("Surgery")
            raise ValueError("bad record")
        urology = store.specialty_id("Urology")
    surgery = store.specialty_id("Surgery")
    names = dict(store.conn.execute("SELECT id, name FROM specialties"))
    assert names == {kept: "Oncology", urology: "Urology", surgery: "Surgery"}
