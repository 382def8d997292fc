"""Input files are advised to the kernel a window ahead of the importer, in order, and
nothing but regular files is opened ahead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qatui.corpus.ingest import readahead
from qatui.corpus.ingest.readahead import read_ahead


def test_items_come_out_as_they_went_in_with_files_advised_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    advised: list[str] = []
    monkeypatch.setattr(readahead, "advise_will_need", advised.append)
    paths = [str(tmp_path / f"{n}.txt") for n in range(10)]
    items: list[object] = [*paths[:5], ValueError("an error in between"), *paths[5:], "-"]
    out = []
    for item in read_ahead(items, depth=3):
        out.append(item)
        if isinstance(item, str) and item != "-":
            # when an item comes out, the files up to 3 items after it have been advised
            at = items.index(item)
            ahead = [i for i in items[: at + 4] if isinstance(i, str) and i != "-"]
            assert advised[: len(ahead)] == ahead
    assert out == items
    assert advised == paths


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_opened_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    opened: list[str] = []
    real_open = os.open

    def watched_open(path: str, *args: int) -> int:
        opened.append(path)
        return real_open(path, *args)

    monkeypatch.setattr(os, "open", watched_open)
    page = tmp_path / "page.txt"
    page.write_text("text", encoding="utf-8")
    readahead.advise_will_need(str(fifo))
    readahead.advise_will_need(str(page))
    readahead.advise_will_need(str(tmp_path / "missing.txt"))
    assert opened == ([str(page)] if hasattr(os, "posix_fadvise") else [])
