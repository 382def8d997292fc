"""The list's first page and counts, read in a thread while the screen is being built.

The reader's first frame should show rows. A worker started when the list first loads answers
after that frame (its message waits behind the first layout), so the screen starts this read
as it composes and the list takes the answer when it first loads: the first frame has rows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from qatui.corpus.listing import ListQuery
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader, QuestionRow

WAIT_S = 0.1
"""How long the first load waits for a read still running (then it loads as any other)."""


@dataclass(frozen=True)
class FirstAnswer:
    """The first ``page_size`` rows of a list, how many questions it matches and how many the
    corpus holds."""

    rows: list[QuestionRow]
    matching: int
    everything: int


def list_counts(query: ListQuery, reader: CorpusReader) -> tuple[int, int]:
    """How many questions ``query`` matches, and how many the corpus holds."""
    everything = reader.total()
    matching = query.count(reader) if query.filters.active else everything
    return matching, everything


class FirstPage:
    """Reads the first page of ``query`` (and its counts) in a thread, from construction."""

    def __init__(self, corpus: Corpus, query: ListQuery, page_size: int) -> None:
        self.query = query
        self._corpus = corpus
        self._page_size = page_size
        self._answer: FirstAnswer | None = None
        self._done = threading.Event()
        self._abandoned = False
        threading.Thread(target=self._read, name="qatui-first-page", daemon=True).start()

    def _read(self) -> None:
        try:
            with self._corpus.reader(lambda: self._abandoned) as reader:
                rows = self.query.rows(reader, 0, self._page_size)
                matching, everything = list_counts(self.query, reader)
            self._answer = FirstAnswer(rows, matching, everything)
        except Exception:  # the list loads again as usual and reports the failure
            self._answer = None
        finally:
            self._done.set()

    def take(self, query: ListQuery, wait_s: float = WAIT_S) -> FirstAnswer | None:
        """The answer if it is for ``query`` and ready within ``wait_s``; else None (the read
        is abandoned, and the caller loads as usual, reporting any failure)."""
        if query == self.query and self._done.wait(wait_s):
            return self._answer
        self._abandoned = True
        return None
