"""The topic index: every Related FAQ topic with its specialty and how many pages link to it.

Topics arrive from a thread worker a page at a time (:data:`PAGE`), in order of topic; moving
near either end of what is shown reads the next (or the previous) page, and ``g``/``G`` read the
first (last) page in place of what is shown, so the list never holds more than was reached.
Typing in the search field (``/``) narrows it. Enter closes the screen with the chosen topic,
which the reader shows as its filtered list (as the Related pane's topics do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.topics import TopicQuery, TopicRow
from qatui.tui.corpus_worker import query_and_post
from qatui.tui.screens.dialog_base import Dialog
from qatui.tui.text import one_line

PAGE = 200
"""Topics read at a time."""
READ_AHEAD = 20
"""The next page is read once the cursor is this close to the end of what is shown."""
LOADING = "Loading…"


def topic_prompt(row: TopicRow, width: int) -> Content:
    """``  1,234  Kidney stones  (Urology)``: pages, the topic (corpus text), its specialty."""
    return Content.assemble(
        (f"{row.pages:>{width},}  ", "dim"),
        one_line(row.topic),
        one_line(f"  ({row.specialty})" if row.specialty else "", "dim"),
    )


class TopicScreen(Dialog[TopicRow | None]):
    """The topic index, searchable; Enter shows the chosen topic's questions."""

    DEFAULT_CSS = """
    TopicScreen { align: center middle; }
    .topics-body {
        width: 100; max-width: 100%; height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    #topic-search { margin-bottom: 1; }
    #topic-items { height: 1fr; border: none; background: $panel; }
    """
    AUTO_FOCUS = "#topic-items"
    HINT = "Enter: its questions · /: search · j/k g/G Space: move · Esc/q: close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search topics", id="topics.search"),
        Binding("T", "close", "Close", show=False, id="topics.close"),
    ]

    @dataclass
    class Loaded(Message):
        """Topics ``offset ..`` of those holding ``search`` arrived; ``total`` hold it (None:
        not counted with this page)."""

        search: str
        offset: int
        rows: list[TopicRow]
        total: int | None

    def __init__(self, corpus: Corpus) -> None:
        super().__init__()
        self.corpus = corpus
        self.rows: list[TopicRow] = []
        """The topics shown: ``start .. start+len(rows)`` of those the search holds."""
        self.start = 0
        self.total: int | None = None
        self.search = ""
        self._asked: int | None = None
        """The offset of the page being read (None: none is)."""
        self._then: Literal["first", "last"] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="topics-body") as body:
            body.border_title = Content("Topics")
            yield Input(placeholder="/ search topics", id="topic-search")
            yield OptionList(
                Option(Content.styled(LOADING, "italic"), disabled=True), id="topic-items"
            )
            yield Static(Content(self.HINT), classes="dialog-hint")

    def on_mount(self) -> None:
        self._read(0)

    # -- loading ------------------------------------------------------------------------------

    def _read(
        self, offset: int, limit: int = PAGE, then: Literal["first", "last"] | None = None
    ) -> None:
        """Read topics ``offset .. offset+limit``; ``then``: where the cursor goes once they
        arrive (a window apart from the shown one replaces it)."""
        self._asked = offset
        self._then = then
        self._load(self.search, offset, limit, counted=self.total is None)

    @work(thread=True, exclusive=True, group="topics", exit_on_error=False)
    def _load(self, search: str, offset: int, limit: int, *, counted: bool) -> None:
        query = TopicQuery(contains=search or None)

        def read(reader: CorpusReader) -> tuple[list[TopicRow], int | None]:
            rows = query.rows(reader.conn, offset, limit)
            return rows, query.count(reader.conn) if counted else None

        query_and_post(
            self,
            self.corpus,
            read,
            lambda found: self.Loaded(search, offset, *found),
            "reading the topics failed",
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.search != self.search or message.offset != self._asked:
            return  # an answer to a search typed over since
        self._asked = None
        if message.total is not None:
            self.total = message.total
        items = self.query_one("#topic-items", OptionList)
        cursor = items.highlighted
        if message.offset == self.start + len(self.rows) and self.rows:
            self.rows = [*self.rows, *message.rows]  # the next page
        elif message.offset + len(message.rows) == self.start and self.rows:
            self.start, self.rows = message.offset, message.rows + self.rows  # the page before
            cursor = (cursor or 0) + len(message.rows)
        else:
            self.start, self.rows = message.offset, list(message.rows)
            cursor = 0
        if self._then is not None:
            cursor = 0 if self._then == "first" else len(self.rows) - 1
        self._show_rows(items, cursor)

    def _show_rows(self, items: OptionList, cursor: int | None) -> None:
        if not self.rows:
            words = "No topic matches." if self.search else "No page links a topic."
            items.set_options([Option(Content.styled(words, "italic"), disabled=True)])
        else:
            width = max(len(f"{row.pages:,}") for row in self.rows)
            items.set_options(Option(topic_prompt(row, width)) for row in self.rows)
            items.highlighted = min(max(cursor or 0, 0), len(self.rows) - 1)
        total = self.total if self.total is not None else len(self.rows)
        shown = len(self.rows)
        if shown >= total:
            words = f"{total:,} topic{'' if total == 1 else 's'}"
        else:
            first, last = self.start + 1, self.start + shown
            words = f"{first:,}-{last:,} of {total:,} topics"
        self.query_one(".topics-body").border_subtitle = Content(words)

    @property
    def more_after(self) -> bool:
        """Topics after those shown wait to be read."""
        return self.total is not None and self.start + len(self.rows) < self.total

    @on(OptionList.OptionHighlighted, "#topic-items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self._asked is not None:
            return
        if event.option_index >= len(self.rows) - READ_AHEAD and self.more_after:
            self._read(self.start + len(self.rows))
        elif event.option_index < READ_AHEAD and self.start > 0:
            before = max(0, self.start - PAGE)
            self._read(before, self.start - before)

    async def action_move(self, where: str) -> None:
        """g and G reach the first and the last topic, reading them when they are not shown."""
        in_list = self.focused is self.query_one("#topic-items")
        if in_list and where == "last" and self.more_after and self.total is not None:
            self._read(max(0, self.total - PAGE), then="last")
        elif in_list and where == "first" and self.start > 0:
            self._read(0, then="first")
        else:
            await super().action_move(where)

    # -- searching and choosing ---------------------------------------------------------------

    @on(Input.Changed, "#topic-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search = event.value.strip()
        self.total = None
        self.start, self.rows = 0, []
        self._read(0)

    @on(Input.Submitted, "#topic-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(self.query_one("#topic-items"))  # now: the next keys are the list's

    @on(OptionList.OptionSelected, "#topic-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.rows):
            self.close(self.rows[event.option_index])

    def action_focus_search(self) -> None:
        """``/``: the search field, focused at once (``Widget.focus`` waits for the keys already
        queued: the rest of ``/knee`` typed in one burst went to the list and was lost)."""
        self.set_focus(self.query_one("#topic-search"))

    def action_close(self) -> None:
        """Escape: leave the search field first, then close."""
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one("#topic-items"))
            return
        super().action_close()
